"""Temporary files a killed save left beside the sessions it was writing.

engine/files/atomic.py writes each file as ".<name>.<random>.partial" beside it and renames it
into place; a process killed in between leaves that file behind. The data folder is cleaned
whole at start (atomic.remove_leftovers); beside the learner's own sessions, only the
temporary files of the sessions this app remembers are removed, never anything else of
theirs.
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

from engine.files.atomic import LEFTOVER_AGE_S, TEMPORARY_SUFFIX


def remove_save_leftovers(sessions: list[str], now: float | None = None) -> list[Path]:
    """Delete the temporary files (older than LEFTOVER_AGE_S, so a save in flight in another
    window is spared) of these session files; the paths removed."""
    now = time.time() if now is None else now
    removed = []
    for session in sessions:
        path = Path(session)
        with contextlib.suppress(OSError):
            for each in path.parent.glob(f".{_glob_literal(path.name)}.*{TEMPORARY_SUFFIX}"):
                if each.is_file() and now - each.stat().st_mtime > LEFTOVER_AGE_S:
                    each.unlink()
                    removed.append(each)
    return removed


def _glob_literal(name: str) -> str:
    """`name` with glob's special characters taken literally."""
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)
