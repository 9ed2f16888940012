"""Crash markers: one small file per running window saying "this window runs, and autosaves
there", so the next start can tell a crash from a clean quit.

Each window writes its own marker (running-<token>.json) naming its process by id and start
time and its own autosave file; a clean quit removes it. A marker whose process is gone, or
whose process id now belongs to a process started at another time (ids are reused), was left
by a crash. Two windows on one data folder each have their own marker and autosave, so one
quitting never hides the other's crash.

Anything in the folder may be garbage (a half-written file, a name pointing outside the folder):
such a marker is reported, removed and otherwise ignored, never trusted and never a reason not
to start. A process id no process can have (0, -1, 2**31) names no running window: its
autosave is offered like any crashed one's.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from engine.files.atomic import write_atomically
from engine.files.session_fields import SessionError
from engine.files.session_reading import parse_json, read_file_bytes

MARKER_PATTERN = "running-*.json"
LEGACY_MARKER = "running.json"  # one marker for all windows, before markers were per window
LEGACY_AUTOSAVE = "autosave.json"
PID_MAX = 2**22  # Linux's largest process id (PID_MAX_LIMIT); other systems stay below it
_AUTOSAVE_NAME = re.compile(r"autosave(-[0-9a-f]{8,64})?\.json")
_MARKER_BYTES = 64 * 2**10


@dataclass(frozen=True)
class Marker:
    """A running (or crashed) window: its marker file, process and autosave file."""

    path: Path
    pid: int
    process_start: int | None  # the process's start time in clock ticks since boot (Linux)
    autosave: Path
    started: float  # when the window started (time.time())


def process_start(pid: int) -> int | None:
    """When process `pid` started, in clock ticks since boot (field 22 of /proc/<pid>/stat);
    None where /proc does not tell (another system, a process gone)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    try:  # the command name (field 2) may hold spaces and parentheses: cut after the last ')'
        return int(text.rsplit(")", 1)[1].split()[19])
    except (IndexError, ValueError):
        return None


def new_marker(folder: Path) -> Marker:
    """This window's marker, written to `folder` (atomically), with its own autosave file."""
    token = secrets.token_hex(8)
    pid = os.getpid()
    marker = Marker(folder / f"running-{token}.json", pid, process_start(pid),
                    folder / f"autosave-{token}.json", time.time())
    write_atomically(marker.path, json.dumps({
        "pid": marker.pid, "process_start": marker.process_start,
        "autosave": marker.autosave.name, "started": marker.started}))
    return marker


def read_markers(folder: Path) -> tuple[list[Marker], list[str]]:
    """The markers in `folder`, and what was wrong with those that could not be read (those
    are removed, so the next start does not trip over them again)."""
    markers, problems = [], []
    paths = sorted(folder.glob(MARKER_PATTERN)) + [path for path in [folder / LEGACY_MARKER]
                                                   if path.exists()]
    for path in paths:
        try:
            markers.append(_read_marker(path))
        except (SessionError, ValueError) as error:
            problems.append(f"{path.name}: {error}")
            with contextlib.suppress(OSError):
                path.unlink()
    return markers, problems


def _read_marker(path: Path) -> Marker:
    content = parse_json(read_file_bytes(path, _MARKER_BYTES, what="marker"))
    if not isinstance(content, dict):
        raise ValueError("not a marker")
    pid = content.get("pid")
    if isinstance(pid, bool) or not isinstance(pid, int):
        raise ValueError(f"the process id {pid!r} is no number")
    start = content.get("process_start")
    if start is not None and (isinstance(start, bool) or not isinstance(start, int)
                              or start < 0):
        raise ValueError(f"the process start {start!r} is no time")
    name = content.get("autosave", LEGACY_AUTOSAVE)
    if not isinstance(name, str) or not _AUTOSAVE_NAME.fullmatch(name):
        raise ValueError("it names no autosave file of this folder")
    started = content.get("started", 0.0)
    if isinstance(started, bool) or not isinstance(started, (int, float)):
        raise ValueError(f"the start {started!r} is no time")
    return Marker(path, pid, start, path.parent / name, float(started))


def is_running(marker: Marker) -> bool:
    """Whether the window that wrote `marker` still runs: its process exists and, where the
    system tells start times, started when the marker says (not a later process given the
    same id). A process id no process can have (0, -1, 2**31) means none runs."""
    if not 0 < marker.pid <= PID_MAX:
        return False
    if marker.pid == os.getpid():
        return marker.process_start == process_start(marker.pid)
    try:
        os.kill(marker.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process: it exists
    except OSError:
        return False
    now = process_start(marker.pid)
    return marker.process_start is None or now is None or now == marker.process_start


def remove_marker(marker: Marker) -> None:
    with contextlib.suppress(OSError):
        marker.path.unlink()
