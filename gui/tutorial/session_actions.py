"""File menu for whole sessions: Save, Save As, Open, Open Recent and Export as Python.

A session is the active lab's complete state (engine.files.session) plus what the window shows
and the learner set (view settings, stop conditions, validation measurements, the timeline's
keyframes), so it looks the same when opened again. The window title names the file and
carries Qt's '*' while the session differs from what is on disk: a save runs on a worker
thread (gui/tutorial/session_saver.py) and the '*' goes only once the file holds what was
copied, and only if nothing changed since; the status bar says a save is under way, done, or
failed. A save that fails says why in a dialog and leaves the file that was there untouched
(engine/files/atomic.py); a read-only file or folder is refused before the work starts, with an
offer to save elsewhere. Opening reads and checks the file on a worker thread, and a file that
cannot be loaded is reported and changes nothing (the file is checked whole before anything
open is replaced).

Dialogs go through this module's names `ask_unsaved_changes`, `show_problem` and
`offer_save_as` (gui/tutorial/session_dialogs.py), so a test can answer them (monkeypatch)
and read what the user was told.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSettings, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from engine.files.atomic import FileWriteError, check_writable, write_atomically
from engine.files.session import HAND_EXAMPLES, Session, SessionCopy, SessionError, load_session
from engine.scenarios.presets import SCENARIOS
from engine.training.cost import size_text
from engine.training.stepper import Divergence
from gui.shell.background import run_in_background
from gui.shell.file_dialogs import ask_open_path, ask_save_path
from gui.shell.lab import Lab
from gui.shell.main_window import MainWindow
from gui.tutorial.recent_sessions import RecentSessions, remembered_session
from gui.tutorial.session_dialogs import (
    UNTITLED,
    ask_unsaved_changes,
    offer_save_as,
    show_problem,
)
from gui.tutorial.session_saver import SAVE, SaveJob, SessionSaver
from gui.tutorial.timeline import Timeline
from gui.user_text import isolated

SESSION_FILTER = "Backprop Playground sessions (*.json);;All files (*)"
PYTHON_FILTER = "Python scripts (*.py);;All files (*)"
STATUS_MS = 10_000
DIVERGED_RUN = ("Training has diverged: a script from here would train on overflowed values. "
                "Restore the last good state first, then export.")
DIVERGED_EXPORT = ("The script starts where this iteration ends, and finishing it overflows "
                   "({}). Step back (Left) to finite values, or change the value that "
                   "overflows, then export.")


def lab_kind(session: Session) -> str:
    """Which lab opens `session`: the hand lab for the seed examples, else classification."""
    return "hand" if session.scenario in HAND_EXAMPLES else "classification"


def scenario_for(session: Session) -> str:
    """A scenario name that makes the window install the session's lab."""
    if session.scenario in SCENARIOS:
        return session.scenario
    return next(name for name, each in SCENARIOS.items() if each.kind == lab_kind(session))


class SessionActions(QObject):
    """The session part of the File menu, and the file's part of the window title, for every
    lab the window hosts."""

    # (path) the session was saved to or opened from this file
    file_changed = Signal(str)
    # (no payload) the window is about to close for good (nothing left to save, or discarded)
    closing = Signal()

    def __init__(self, window: MainWindow, settings: QSettings | None = None):
        """settings: where Open Recent, the last session and the dialogs' folders are
        remembered; None keeps them for this run only."""
        super().__init__(window)
        self.window = window
        self.settings = settings
        self.path: Path | None = None
        # Closing asks about unsaved changes in the real app; a window without settings (tests,
        # screenshots) closes quietly unless a test switches this on.
        self.ask_on_close = settings is not None
        self.quitting = False  # a signal asked the app to quit: no questions, autosave only
        self.recent = RecentSessions(settings)
        self.saver = SessionSaver(self)
        self.saver.finished.connect(self._on_saver_finished)
        self._clean_version: dict[int, int] = {}  # id(controller) -> version the file holds
        self.actions: dict[str, QAction] = {}
        self._create_actions()
        window.installEventFilter(self)
        window.lab_added.connect(self._on_window_lab_added)
        window.lab_activated.connect(self._on_window_lab_activated)
        for lab in window.labs.values():
            self._on_window_lab_added(lab)
        if self.recent.ignored:
            self._status(f"Ignored {'; '.join(self.recent.ignored)} in the settings")

    # --- what the window shows ---------------------------------------------------------------

    def active_lab(self) -> Lab | None:
        """The lab on screen, whose session Save writes."""
        return self.window.active_lab()

    def is_modified(self) -> bool:
        """The active session differs from its file (or, untitled, from its scenario's start)."""
        lab = self.active_lab()
        if lab is None or lab.controller.stepper is None:
            return False
        controller = lab.controller
        return self._clean_version.get(id(controller), -1) != controller.version

    def mark_modified(self) -> None:
        """Count the active session as unsaved (work restored from an autosave)."""
        lab = self.active_lab()
        if lab is not None:
            self._clean_version[id(lab.controller)] = -1
            self._show_file_state()

    def file_name(self) -> str:
        return self.path.name if self.path is not None else UNTITLED

    # --- saving ------------------------------------------------------------------------------

    def save(self, wait: bool = False) -> bool:
        """Save to the session's file, asking for one if it has none. False if nothing was
        started (cancelled, refused); with `wait`, whether the file was written."""
        if self.path is None:
            return self.save_as(wait)
        return self.save_to(self.path, wait)

    def save_as(self, wait: bool = False) -> bool:
        """Ask for a file name and save there (see save)."""
        if self.active_lab() is None:
            self._status("Open a scenario first: there is no session to save")
            return False
        path = ask_save_path(self.window, "session", "Save session",
                             self.path.name if self.path else "session.json", SESSION_FILTER,
                             self.settings, suffix=".json",
                             start=self.path.parent if self.path else None)
        return path is not None and self.save_to(path, wait)

    def save_to(self, path: Path, wait: bool = False) -> bool:
        """Copy the active session now and write it to `path` on the saver's thread; False if
        refused before starting (no lab, a target that cannot be written: a read-only one
        offers Save As). With `wait`, wait for the write and say whether it succeeded."""
        lab = self.active_lab()
        if lab is None:
            return False
        path = Path(path)
        try:
            check_writable(path)
        except FileWriteError as error:
            reason = error.strerror.partition(": ")[2] or error.strerror
            if offer_save_as(self.window, path.name, reason):
                return self.save_as(wait)
            return False
        controller = lab.controller
        job = SaveJob(path, self.copy(lab), SAVE, id(controller), controller.version)
        self.window.statusBar().showMessage(f"Saving {isolated(path.name)}…")
        self.saver.submit(job)
        if not wait:
            return True
        self.saver.wait()
        return job.succeeded

    def copy(self, lab: Lab | None = None) -> SessionCopy:
        """The active (or given) lab's session copied now, with everything the window shows:
        its view settings, the panels' arrangement and the timeline's keyframes."""
        lab = lab or self.active_lab()
        timeline = self.window.findChild(Timeline)
        parts = timeline.saved_parts(lab.controller) if timeline is not None else {}
        layout = self.window.layouts.view_settings() if lab.active else {}
        return lab.controller.copy_session({**lab.view_settings(), **layout}, **parts)

    def capture(self, lab: Lab | None = None) -> Session:
        """The active (or given) lab's session, encoded (see copy)."""
        return self.copy(lab).session()

    def wait_for_saves(self) -> bool:
        """Wait for the saves in flight (quitting, tests); False if one is still running."""
        return self.saver.wait()

    def _on_saver_finished(self, job: SaveJob) -> None:
        """A save ended: the title and the status bar say what the disk now holds."""
        if job.kind != SAVE:
            return
        name = isolated(job.path.name)
        if not job.succeeded:
            self._status(f"{name} was not saved")
            show_problem(self.window, "Could not save", f"{name} was not saved: {job.error}. "
                         "The file on disk is as it was before.")
            return
        self.path = job.path.resolve()
        self._clean_version[job.key] = job.version
        self.recent.remember(self.path)
        self._show_file_state()
        self._status(f"Saved {name} ({size_text(job.size)})")
        self.file_changed.emit(str(self.path))

    # --- opening -----------------------------------------------------------------------------

    def open_dialog(self) -> bool:
        """Ask for a session file and open it (after Save/Discard/Cancel if needed)."""
        if not self.maybe_save():
            return False
        path = ask_open_path(self.window, "session", "Open session", SESSION_FILTER,
                             self.settings)
        return path is not None and self.open_file(path)

    def open_file(self, path: Path, restored: bool = False) -> bool:
        """Open the session in `path`, read and checked on a worker thread; a file that
        cannot be loaded is reported and the open session stays as it is. restored: work
        kept aside after a crash, which is in no file the learner chose (opened untitled)."""
        path = Path(path)
        session = self.load_in_background(path)
        if session is None:
            return False
        self.open_session(session)
        if restored:
            self.mark_modified()
            return True
        self.path = path.resolve()
        self.recent.remember(self.path)
        self._show_file_state()
        self.file_changed.emit(str(self.path))
        return True

    def load_in_background(self, path: Path) -> Session | None:
        """The session in `path`, loaded off the window's thread; None, and the learner told
        why, if it cannot be opened (a remembered last session that fails is forgotten)."""
        name = isolated(path.name)
        outcome = run_in_background(self.window, "Opening", f"Reading and checking {name}…",
                                    lambda _report: load_session(path))
        if outcome.cancelled:
            self._status(f"Opening {name} was cancelled")
            return None
        if isinstance(outcome.error, SessionError):
            forgotten = self.recent.last() is not None and \
                Path(path).resolve() == self.recent.last().resolve()
            if forgotten:
                self.recent.forget_last()
            show_problem(self.window, "Could not open",
                         f"{name} cannot be opened: {outcome.error}. The open session is kept."
                         + (" It will not be reopened at the next start." if forgotten else ""))
            return None
        if outcome.error is not None:
            raise outcome.error
        return outcome.result

    def open_session(self, session: Session) -> None:
        """Show `session` in its lab (installing the lab if needed), untitled, with the
        timeline it saved."""
        kind = lab_kind(session)
        lab = self.window.labs.get(kind)
        if lab is None or not lab.active:
            self.window.scenario_requested.emit(scenario_for(session))
            lab = self.window.labs[kind]
        lab.controller.open_session(session)
        lab.apply_view_settings(session.view)
        timeline = self.window.findChild(Timeline)
        if timeline is not None:
            timeline.restore_saved(lab.controller, session.timeline)
        self.window.layouts.apply_view_settings(lab, session.view)
        self.path = None
        self._show_file_state()

    def maybe_save(self) -> bool:
        """True when it is fine to replace or close the session: nothing unsaved, or the user
        saved (and the file was written) or discarded it."""
        if not self.is_modified():
            return True
        answer = ask_unsaved_changes(self.window, self.file_name(),
                                     self.active_lab().controller.work_summary())
        if answer == "save":
            return self.save(wait=True)
        return answer == "discard"

    # --- export ------------------------------------------------------------------------------

    def export_python(self) -> bool:
        """Write the book-style script that trains on from the current state."""
        from engine.files.export import export_comparison_script, export_script

        lab = self.active_lab()
        if lab is None:
            self._status("Open a scenario first: there is nothing to export")
            return False
        if lab.controller.snapshot.can_restore:
            show_problem(self.window, "Could not export", DIVERGED_RUN)
            return False
        try:
            script = self._script(lab, export_script, export_comparison_script)
        except ValueError as error:
            show_problem(self.window, "Could not export", str(error))
            return False
        except Divergence as divergence:
            show_problem(self.window, "Could not export", DIVERGED_EXPORT.format(divergence))
            return False
        name = self.path.with_suffix(".py").name if self.path else "network.py"
        path = ask_save_path(self.window, "export", "Export as Python", name, PYTHON_FILTER,
                             self.settings, suffix=".py")
        if path is None:
            return False
        try:
            write_atomically(path, script)
        except OSError as error:
            show_problem(self.window, "Could not export", f"{error}; nothing was changed.")
            return False
        self._status(f"Exported {isolated(Path(path).name)}: run it with python to train on")
        return True

    @staticmethod
    def _script(lab: Lab, export_script, export_comparison_script) -> str:
        """The lab's script: of each compared run while runs are compared, else of its run."""
        comparison = getattr(lab.controller, "comparison", None)
        runs = comparison.comparison.runs if comparison is not None and comparison.active \
            else ()
        if len(runs) > 1:
            return export_comparison_script([(run.name, run.stepper) for run in runs])
        return export_script(lab.controller.stepper)

    # --- recent files ------------------------------------------------------------------------

    def recent_files(self) -> list[str]:
        return self.recent.paths()

    def last_session(self) -> Path | None:
        """The session file saved or opened last (in any earlier run), if remembered."""
        return self.recent.last()

    def open_recent(self, path: str) -> bool:
        if not Path(path).is_file():
            self.recent.forget(path)
            show_problem(self.window, "Could not open",
                         f"{isolated(path)} no longer exists; it was removed from Open Recent.")
            return False
        return self.maybe_save() and self.open_file(Path(path))

    def _fill_recent_menu(self) -> None:
        menu = self.recent_menu
        menu.clear()
        for number, path in enumerate(self.recent.paths(), start=1):
            action = menu.addAction(f"&{number} {isolated(Path(path).name)}")
            action.setToolTip(isolated(path))
            action.triggered.connect(lambda _checked=False, path=path: self.open_recent(path))
        if not self.recent.paths():
            menu.addAction("No sessions yet").setEnabled(False)

    # --- wiring ------------------------------------------------------------------------------

    def _create_actions(self) -> None:
        window = self.window
        for key, text, slot, shortcut in (
                ("open", "&Open session…", self.open_dialog, "Ctrl+O"),
                ("save", "&Save session", self.save, "Ctrl+S"),
                ("save_as", "Save session &as…", self.save_as, "Ctrl+Shift+S"),
                ("export", "&Export as Python…", self.export_python, "Ctrl+Shift+X")):
            action = QAction(text, window)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(lambda _checked=False, slot=slot: slot())
            window.add_menu_action("File", action)
            self.actions[key] = action
            if key == "open":
                self.recent_menu = QMenu("Open &recent", window)
                self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
                window.add_menu_action("File", self.recent_menu.menuAction())
                self._fill_recent_menu()

    def _on_window_lab_added(self, lab: Lab) -> None:
        """Follow a newly installed lab's session: unmodified until it changes."""
        controller = lab.controller
        self._clean_version[id(controller)] = controller.version
        controller.snapshot_changed.connect(self._on_controller_snapshot_changed)
        controller.session_replaced.connect(
            lambda controller=controller: self._on_controller_session_replaced(controller))

    def _on_window_lab_activated(self, _lab: Lab) -> None:
        """Another lab's session is on screen: its '*' in the title."""
        self._show_file_state()

    def _on_controller_session_replaced(self, controller) -> None:
        """A scenario's start or an opened file replaced the session: it is unmodified."""
        self._clean_version[id(controller)] = controller.version
        self.path = None
        self._show_file_state()

    def _on_controller_snapshot_changed(self, _snapshot: object) -> None:
        """An edit or a step may have made the session differ from its file."""
        self._show_file_state()

    def _show_file_state(self) -> None:
        """Tell the window's title the file's name and whether the session differs from it."""
        self.window.title.set_file(self.path.name if self.path is not None else None)
        self.window.title.set_modified(self.is_modified())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """Closing the window with unsaved changes asks first (Cancel keeps it open); a save
        in flight is waited for, so quitting never cuts a save short."""
        if watched is not self.window or event.type() != QEvent.Type.Close:
            return False
        if self.ask_on_close and not self.quitting and not self.maybe_save():
            event.ignore()
            return True
        if self.saver.busy():
            self.window.statusBar().showMessage("Finishing the save before quitting…")
            self.saver.wait()
        self.closing.emit()
        return False

    def _status(self, message: str) -> None:
        self.window.statusBar().showMessage(message, STATUS_MS)


def check_session_file(path: Path) -> None:
    """SessionError, naming the file, if `path` cannot be opened as a session."""
    try:
        load_session(path)
    except SessionError as error:
        raise SessionError(f"{Path(path).name} cannot be opened: {error}") from None


__all__ = ["SessionActions", "ask_unsaved_changes", "check_session_file",
           "install_session_actions", "offer_save_as", "remembered_session", "scenario_for",
           "show_problem"]


def install_session_actions(window: MainWindow,
                            settings: QSettings | None = None) -> SessionActions:
    """Put the session actions in `window`'s File menu."""
    return SessionActions(window, settings)
