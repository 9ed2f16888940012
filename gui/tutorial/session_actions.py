"""File menu for whole sessions: Save, Save As, Open, Open Recent and Export as Python.

A session is the active lab's complete state (engine.files.session) plus the view settings that make
it look the same when opened again. The window title names the file and carries Qt's '*'
while the session differs from what was last saved or opened; closing such a window asks
Save / Discard / Cancel. A file that cannot be loaded is reported and changes nothing, since
engine.files.session checks a file completely before anything open is replaced.

Dialogs go through the module-level functions `ask_unsaved_changes` and `show_problem`, so a
test can answer them (monkeypatch) and read what the user was told.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSettings, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu, QMessageBox

from engine.files.atomic import write_atomically
from engine.files.session import HAND_EXAMPLES, Session, SessionError, load_session, save_session
from engine.scenarios.presets import SCENARIOS
from engine.training.stepper import Divergence
from gui import APP_NAME
from gui.shell.lab import Lab
from gui.shell.main_window import MainWindow

RECENT_KEY = "sessions/recent"
LAST_KEY = "last_session"
MAX_RECENT = 8
SESSION_FILTER = "Backprop Playground sessions (*.json);;All files (*)"
PYTHON_FILTER = "Python scripts (*.py);;All files (*)"
UNTITLED = "untitled"  # what Save/Discard/Cancel calls a session that has no file
STATUS_MS = 10_000
DIVERGED_RUN = ("Training has diverged: a script from here would train on overflowed values. "
                "Restore the last good state first, then export.")
DIVERGED_EXPORT = ("The script starts where this iteration ends, and finishing it overflows "
                   "({}). Step back (Left) to finite values, or change the value that "
                   "overflows, then export.")


def ask_unsaved_changes(parent: QMainWindow, name: str) -> str:
    """'save', 'discard' or 'cancel': what to do with unsaved changes to `name`."""
    buttons = QMessageBox.StandardButton
    answer = QMessageBox.question(
        parent, f"Unsaved changes - {APP_NAME}",
        f"The session {name} has changes that are not saved. Save them before closing?",
        buttons.Save | buttons.Discard | buttons.Cancel, buttons.Save)
    return {buttons.Save: "save", buttons.Discard: "discard"}.get(answer, "cancel")


def show_problem(parent: QMainWindow, title: str, text: str) -> None:
    """Tell the user what went wrong (a modal message box)."""
    QMessageBox.warning(parent, f"{title} - {APP_NAME}", text)


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
        """settings: where Open Recent and the last session are remembered; None keeps them for
        this window only."""
        super().__init__(window)
        self.window = window
        self.settings = settings
        self.path: Path | None = None
        # Closing asks about unsaved changes in the real app; a window without settings (tests,
        # screenshots) closes quietly unless a test switches this on.
        self.ask_on_close = settings is not None
        self._recent: list[str] = self._stored_recent()
        self._clean_version: dict[int, int] = {}  # id(controller) -> version when saved/opened
        self.actions: dict[str, QAction] = {}
        self._create_actions()
        window.installEventFilter(self)
        window.lab_added.connect(self._on_window_lab_added)
        window.lab_activated.connect(self._on_window_lab_activated)
        for lab in window.labs.values():
            self._on_window_lab_added(lab)

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

    def save(self) -> bool:
        """Save to the session's file, asking for one if it has none; False if not saved."""
        if self.path is None:
            return self.save_as()
        return self.save_to(self.path)

    def save_as(self) -> bool:
        """Ask for a file name and save there; False if cancelled or it failed."""
        if self.active_lab() is None:
            self._status("Open a scenario first: there is no session to save")
            return False
        start = str(self.path) if self.path else str(Path.home() / "session.json")
        path, _ = QFileDialog.getSaveFileName(self.window, "Save session", start,
                                              SESSION_FILTER)
        if not path:
            return False
        if Path(path).suffix == "":
            path += ".json"
        return self.save_to(Path(path))

    def save_to(self, path: Path) -> bool:
        lab = self.active_lab()
        if lab is None:
            return False
        controller = lab.controller
        try:
            save_session(path, self.capture(lab))
        except (SessionError, OSError, ValueError) as error:
            show_problem(self.window, "Could not save", f"{path.name} was not saved: {error}")
            return False
        self.path = Path(path)
        self._clean_version[id(controller)] = controller.version
        self._remember(self.path)
        self._show_file_state()
        self._status(f"Saved {self.path.name}")
        self.file_changed.emit(str(self.path))
        return True

    def capture(self, lab: Lab | None = None) -> Session:
        """The active (or given) lab's session with its view settings."""
        lab = lab or self.active_lab()
        return lab.controller.capture_session(lab.view_settings())

    # --- opening -----------------------------------------------------------------------------

    def open_dialog(self) -> bool:
        """Ask for a session file and open it (after Save/Discard/Cancel if needed)."""
        if not self.maybe_save():
            return False
        start = str(self.path.parent) if self.path else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self.window, "Open session", start,
                                              SESSION_FILTER)
        return bool(path) and self.open_file(Path(path))

    def open_file(self, path: Path) -> bool:
        """Open the session in `path`; a file that cannot be loaded is reported and the open
        session stays as it is."""
        path = Path(path)
        try:
            session = load_session(path)
        except SessionError as error:
            show_problem(self.window, "Could not open",
                         f"{path.name} cannot be opened: {error}. The open session is kept.")
            return False
        self.open_session(session)
        self.path = path.resolve()
        self._remember(self.path)
        self._show_file_state()
        self.file_changed.emit(str(self.path))
        return True

    def open_session(self, session: Session) -> None:
        """Show `session` in its lab (installing the lab if needed), untitled."""
        kind = lab_kind(session)
        lab = self.window.labs.get(kind)
        if lab is None or not lab.active:
            self.window.scenario_requested.emit(scenario_for(session))
            lab = self.window.labs[kind]
        lab.controller.open_session(session)
        lab.apply_view_settings(session.view)
        self.path = None
        self._show_file_state()

    def maybe_save(self) -> bool:
        """True when it is fine to replace or close the session: nothing unsaved, or the user
        saved or discarded it."""
        if not self.is_modified():
            return True
        answer = ask_unsaved_changes(self.window, self.file_name())
        if answer == "save":
            return self.save()
        return answer == "discard"

    # --- export ------------------------------------------------------------------------------

    def export_python(self) -> bool:
        """Write the book-style script that trains on from the current state."""
        from engine.files.export import export_script

        lab = self.active_lab()
        if lab is None:
            self._status("Open a scenario first: there is nothing to export")
            return False
        if lab.controller.snapshot.can_restore:
            show_problem(self.window, "Could not export", DIVERGED_RUN)
            return False
        try:
            script = export_script(lab.controller.stepper)
        except ValueError as error:
            show_problem(self.window, "Could not export", str(error))
            return False
        except Divergence as divergence:
            show_problem(self.window, "Could not export", DIVERGED_EXPORT.format(divergence))
            return False
        start = (self.path.with_suffix(".py") if self.path else Path.home() / "network.py")
        path, _ = QFileDialog.getSaveFileName(self.window, "Export as Python", str(start),
                                              PYTHON_FILTER)
        if not path:
            return False
        try:
            write_atomically(path, script)
        except OSError as error:
            show_problem(self.window, "Could not export", f"{error}; nothing was changed.")
            return False
        self._status(f"Exported {Path(path).name}: run it with python to train on")
        return True

    # --- recent files ------------------------------------------------------------------------

    def recent_files(self) -> list[str]:
        return list(self._recent)

    def last_session(self) -> Path | None:
        """The session file saved or opened last (in any earlier run), if remembered."""
        value = self.settings.value(LAST_KEY) if self.settings is not None else None
        return Path(str(value)) if value else None

    def open_recent(self, path: str) -> bool:
        if not Path(path).is_file():
            self._recent = [each for each in self._recent if each != path]
            self._store_recent()
            show_problem(self.window, "Could not open",
                         f"{path} no longer exists; it was removed from Open Recent.")
            return False
        return self.maybe_save() and self.open_file(Path(path))

    def _remember(self, path: Path) -> None:
        text = str(path.resolve())
        self._recent = [text] + [each for each in self._recent if each != text]
        del self._recent[MAX_RECENT:]
        self._store_recent()
        if self.settings is not None:
            self.settings.setValue(LAST_KEY, text)
            self.settings.sync()

    def _stored_recent(self) -> list[str]:
        if self.settings is None:
            return []
        value = self.settings.value(RECENT_KEY) or []
        return [str(each) for each in ([value] if isinstance(value, str) else value)][:MAX_RECENT]

    def _store_recent(self) -> None:
        if self.settings is not None:
            self.settings.setValue(RECENT_KEY, list(self._recent))
            self.settings.sync()

    def _fill_recent_menu(self) -> None:
        menu = self.recent_menu
        menu.clear()
        for number, path in enumerate(self._recent, start=1):
            action = menu.addAction(f"&{number} {Path(path).name}")
            action.setToolTip(path)
            action.triggered.connect(lambda _checked=False, path=path: self.open_recent(path))
        if not self._recent:
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
            action.triggered.connect(slot)
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

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Closing the window with unsaved changes asks first; Cancel keeps it open."""
        if watched is not self.window or event.type() != QEvent.Type.Close:
            return False
        if self.ask_on_close and not self.maybe_save():
            event.ignore()
            return True
        self.closing.emit()
        return False

    def _status(self, message: str) -> None:
        self.window.statusBar().showMessage(message, STATUS_MS)


def remembered_session(settings: QSettings) -> Path | None:
    """The session file saved or opened last, if it still exists."""
    value = settings.value(LAST_KEY)
    path = Path(str(value)) if value else None
    return path if path is not None and path.is_file() else None


def check_session_file(path: Path) -> None:
    """SessionError, naming the file, if `path` cannot be opened as a session."""
    try:
        load_session(path)
    except SessionError as error:
        raise SessionError(f"{Path(path).name} cannot be opened: {error}") from None


def install_session_actions(window: MainWindow,
                            settings: QSettings | None = None) -> SessionActions:
    """Put the session actions in `window`'s File menu."""
    return SessionActions(window, settings)
