"""Autosave: the open session is written to the app's data folder every 30 s (when it changed)
and on quit, so a crash loses at most the last 30 s of work.

A marker file says "a window is running". A clean quit saves once more and removes it; a marker
found at start whose process is gone means the last run crashed, and the window offers to
restore its autosave. The question goes through the module-level `ask_restore`, so a test can
answer it.
"""

from __future__ import annotations

import json
import os
import time
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMainWindow

from engine.files.session import SessionError, load_session, save_session
from gui import APP_NAME
from gui.shell.dialogs import ask_yes
from gui.shell.paths import data_dir
from gui.tutorial.session_actions import SessionActions

INTERVAL_MS = 30_000
AUTOSAVE_NAME = "autosave.json"
MARKER_NAME = "running.json"


def ask_restore(parent: QMainWindow, when: str) -> bool:
    """Whether the user wants the work autosaved at `when` back."""
    return ask_yes(parent, "Restore work",
                   f"{APP_NAME} did not close properly last time. Restore the work from {when}?")


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # this process has only just started: the marker is an old run's
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


class Autosave(QObject):
    """Saves `sessions`' active session into `folder` on a timer and on a clean quit."""

    def __init__(self, sessions: SessionActions, folder: Path | None = None,
                 interval_ms: int = INTERVAL_MS):
        super().__init__(sessions)
        self.sessions = sessions
        self.folder = Path(folder) if folder is not None else data_dir()
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = self.folder / AUTOSAVE_NAME
        self.marker = self.folder / MARKER_NAME
        self._saved: tuple[int, int] | None = None  # (id(controller), version) last written
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.save_now)
        sessions.window.destroyed.connect(self.timer.stop)

    def crashed_autosave(self) -> Path | None:
        """The autosave a crashed run left (its marker is there, its process is gone)."""
        try:
            pid = int(json.loads(self.marker.read_text(encoding="utf-8"))["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if _process_alive(pid) or not self.path.is_file():
            return None
        return self.path

    def start(self) -> None:
        """Mark this run as running and save every interval from now on."""
        self.marker.write_text(json.dumps({"pid": os.getpid(), "started": time.time()}),
                               encoding="utf-8")
        self.timer.start()

    def save_now(self) -> bool:
        """Write the active session if it changed since the last autosave."""
        lab = self.sessions.active_lab()
        if lab is None or lab.controller.stepper is None:
            return False
        key = (id(lab.controller), lab.controller.version)
        if key == self._saved:
            return False
        try:
            save_session(self.path, self.sessions.capture(lab))
        except (SessionError, OSError, ValueError) as error:
            self.sessions.window.statusBar().showMessage(f"Autosave failed: {error}", 10_000)
            return False
        self._saved = key
        return True

    def finish(self) -> None:
        """A clean quit: save once more, then say the run ended well."""
        self.timer.stop()
        self.save_now()
        self.marker.unlink(missing_ok=True)

    def offer_restore(self) -> bool:
        """After a crash, ask whether to restore the autosave; True if it was restored."""
        found = self.crashed_autosave()
        if found is None:
            return False
        when = datetime.fromtimestamp(found.stat().st_mtime).strftime("%H:%M:%S on %d %B %Y")
        if not ask_restore(self.sessions.window, when):
            return False
        try:
            session = load_session(found)
        except SessionError as error:
            self.sessions.window.statusBar().showMessage(
                f"The autosave cannot be restored: {error}", 10_000)
            return False
        self.sessions.open_session(session)
        self.sessions.mark_modified()  # restored work is not in any file yet
        return True


def install_autosave(window: QMainWindow, folder: Path | None = None,
                     interval_ms: int = INTERVAL_MS) -> Autosave:
    """Autosave for `window` (built by gui.shell.app.build_window): offer to restore a crashed
    run's work, then save on a timer and when the window closes."""
    sessions = window.findChild(SessionActions)
    autosave = Autosave(sessions, folder, interval_ms)
    autosave.offer_restore()
    autosave.start()
    sessions.closing.connect(autosave.finish)
    return autosave
