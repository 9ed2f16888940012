"""Autosave: the open session is written to the app's data folder every 30 s (when it changed)
and on quit, so a crash loses at most the last 30 s of work.

Each window has its own crash marker and autosave file (gui/tutorial/crash_markers.py). An
autosave is copied on the window's thread and written on the saver's (gui/tutorial/
session_saver.py), so the window never pauses for it; one that fails says so in the status bar
and is tried again on the next turn. A clean quit saves once more and removes the marker (and
the autosave, unless it holds work that is in no file, which is kept aside).

At start, markers whose window no longer runs were left by a crash: the newest crashed
autosave that loads is offered back (saying what restoring would replace), one that does not
load is reported; either way it is then kept aside (gui/tutorial/recovery.py) and File >
Recover work offers it again later. Markers that are garbage are reported and removed, and the
temporary files a killed save left are deleted. The questions go through the module-level
`ask_restore` and `tell_not_restored`, so a test can answer them.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QMainWindow, QMessageBox

from engine.files.atomic import remove_leftovers
from engine.files.session import SessionError, load_session
from gui import APP_NAME
from gui.shell.dialogs import ask_yes
from gui.shell.paths import data_dir
from gui.tutorial.crash_markers import Marker, is_running, new_marker, read_markers, remove_marker
from gui.tutorial.leftovers import remove_save_leftovers
from gui.tutorial.recovery import install_recover_menu, keep_aside
from gui.tutorial.session_actions import SessionActions
from gui.tutorial.session_saver import AUTOSAVE, SaveJob
from gui.user_text import isolated

INTERVAL_MS = 30_000
STATUS_MS = 10_000


def ask_restore(parent: QMainWindow, when: str, replaces: str | None = None) -> bool:
    """Whether the user wants the work autosaved at `when` back; `replaces`: what is open
    now and restoring would replace (None: nothing)."""
    text = f"{APP_NAME} did not close properly last time. Restore the work from {when}?"
    if replaces:
        text += f"\n\nRestoring replaces what is open now: {replaces}."
    return ask_yes(parent, "Restore work", text + "\n\nEither way the work stays available "
                   "in File > Recover work.")


def tell_not_restored(parent: QMainWindow, text: str) -> None:
    """Say in a dialog what could not be restored and where it was kept."""
    box = QMessageBox(QMessageBox.Icon.Warning, f"Could not restore - {APP_NAME}", text,
                      QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()


class Autosave(QObject):
    """Saves `sessions`' active session into `folder` on a timer and on a clean quit."""

    def __init__(self, sessions: SessionActions, folder: Path | None = None,
                 interval_ms: int = INTERVAL_MS):
        super().__init__(sessions)
        self.sessions = sessions
        self.folder = Path(folder) if folder is not None else data_dir()
        self.folder.mkdir(parents=True, exist_ok=True)
        self.marker: Marker | None = None
        self._saved: tuple[int, int] | None = None  # (id(controller), version) last written
        self.failures = 0  # autosaves that failed in a row
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._on_timer_timeout)
        sessions.saver.finished.connect(self._on_saver_finished)
        sessions.window.destroyed.connect(self.timer.stop)

    @property
    def path(self) -> Path | None:
        """This window's autosave file (once started)."""
        return self.marker.autosave if self.marker is not None else None

    # --- at start ----------------------------------------------------------------------------

    def clean_up(self) -> list[str]:
        """Remove what killed runs left (temporary files) and the markers that are garbage;
        what was ignored, to be said."""
        remove_leftovers(self.folder)
        remove_save_leftovers(self.sessions.recent_files())
        _markers, problems = read_markers(self.folder)
        return [f"a damaged crash marker ({problem})" for problem in problems]

    def crashed(self) -> list[Marker]:
        """The markers of windows that crashed, newest first (those with an autosave)."""
        markers, _ = read_markers(self.folder)
        crashed = [marker for marker in markers if not is_running(marker)]
        for marker in crashed:
            if not marker.autosave.is_file():
                remove_marker(marker)  # it crashed before its first autosave: nothing lost
        return sorted((marker for marker in crashed if marker.autosave.is_file()),
                      key=lambda marker: _mtime(marker.autosave), reverse=True)

    def offer_restore(self) -> bool:
        """After a crash, offer the newest crashed autosave back (if it loads); keep every
        crashed autosave aside. True if one was restored."""
        crashed = self.crashed()
        if not crashed:
            return False
        newest, others = crashed[0], crashed[1:]
        for marker in others:
            keep_aside(marker.autosave, self.folder, "crashed")
            remove_marker(marker)
        when = datetime.fromtimestamp(_mtime(newest.autosave)).strftime("%H:%M:%S on %d %B %Y")
        try:
            session = load_session(newest.autosave)
        except SessionError as error:
            kept = keep_aside(newest.autosave, self.folder, "damaged")
            remove_marker(newest)
            tell_not_restored(self.sessions.window, f"The work autosaved at {when}, before "
                              f"{APP_NAME} last closed unexpectedly, cannot be restored: "
                              f"{error}." + (f"\n\nThe file was kept as {kept}." if kept
                                             else ""))
            return False
        restore = ask_restore(self.sessions.window, when, self._what_restoring_replaces())
        kept = keep_aside(newest.autosave, self.folder, "restored" if restore else "declined")
        remove_marker(newest)
        if not restore:
            self._status("The crashed run's work is kept in File > Recover work")
            return False
        self.sessions.open_session(session)
        self.sessions.mark_modified()  # restored work is not in any file yet
        self._status(f"Restored the work from {when}"
                     + (" (also kept in File > Recover work)" if kept else ""))
        return True

    def _what_restoring_replaces(self) -> str | None:
        lab = self.sessions.active_lab()
        if lab is None or lab.controller.stepper is None:
            return None
        title = isolated(lab.controller.title)
        path = self.sessions.path
        return f"{title} from {isolated(path.name)}" if path is not None else \
            f"{title}, {'changed' if self.sessions.is_modified() else 'as it starts'}"

    def start(self) -> None:
        """Mark this window as running and save every interval from now on."""
        self.marker = new_marker(self.folder)
        self.timer.start()

    # --- saving ------------------------------------------------------------------------------

    def save_now(self) -> bool:
        """Start writing the active session if it changed since the last autosave and no
        autosave is in flight; whether one was started."""
        lab = self.sessions.active_lab()
        if self.marker is None or lab is None or lab.controller.stepper is None:
            return False
        key = (id(lab.controller), lab.controller.version)
        if key == self._saved or self.sessions.saver.in_flight(AUTOSAVE):
            return False
        job = SaveJob(self.marker.autosave, self.sessions.copy(lab), AUTOSAVE, key[0], key[1])
        self.sessions.saver.submit(job)
        return True

    def _on_timer_timeout(self) -> None:
        self.save_now()

    def _on_saver_finished(self, job: SaveJob) -> None:
        """An autosave ended: remember what is on disk, or say it failed (tried again on the
        next turn, since the version saved stays the old one)."""
        if job.kind != AUTOSAVE or self.marker is None or job.path != self.marker.autosave:
            return
        if job.succeeded:
            self._saved = (job.key, job.version)
            if self.failures:
                self._status("Autosave works again")
            self.failures = 0
            return
        self.failures += 1
        seconds = self.timer.interval() // 1000
        self._status(f"Autosave failed: {job.error}. Trying again in {seconds} s; "
                     "File > Save keeps your work meanwhile")

    def finish(self) -> None:
        """A clean quit: save once more, then say the run ended well. The autosave is kept
        aside if the session holds work that is in no file, else removed."""
        self.timer.stop()
        if self.marker is None:
            return
        saver = self.sessions.saver
        saver.wait()
        unsaved = self.sessions.is_modified()
        if unsaved:
            self.save_now()
            saver.wait()
        if unsaved and self.marker.autosave.is_file():
            keep_aside(self.marker.autosave, self.folder, "quit")
        else:
            with contextlib.suppress(OSError):
                self.marker.autosave.unlink()
        remove_marker(self.marker)
        self.marker = None

    def _status(self, message: str) -> None:
        self.sessions.window.statusBar().showMessage(message, STATUS_MS)


def _mtime(path: Path) -> float:
    with contextlib.suppress(OSError):
        return path.stat().st_mtime
    return 0.0


def install_autosave(window: QMainWindow, folder: Path | None = None,
                     interval_ms: int = INTERVAL_MS) -> Autosave:
    """Autosave for `window` (built by gui.shell.app.build_window): clean up what killed runs
    left, offer to restore a crashed run's work, then save on a timer and when the window
    closes; File > Recover work offers the work kept aside."""
    sessions = window.findChild(SessionActions)
    autosave = Autosave(sessions, folder, interval_ms)
    ignored = autosave.clean_up()
    autosave.offer_restore()
    autosave.start()
    install_recover_menu(window, autosave.folder,
                         lambda path: sessions.maybe_save() and
                         sessions.open_file(path, restored=True))
    if ignored:
        autosave._status(f"Ignored and removed {'; '.join(ignored)}")
    sessions.closing.connect(autosave.finish)
    return autosave
