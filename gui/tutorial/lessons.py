"""Lessons in one window: Help > Lessons (the built-in course and any lesson file), File > Open
lesson…, the lesson panel in its dock, the overlays on the window and the tour that plays them.

The panel's dock is added the first time a lesson opens, so it goes where the learner had it
last time (MainWindow.add_dock) and an app without a lesson shows no empty panel. PageDown and
PageUp (a presentation clicker's keys) are Next and Back wherever the focus is.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMenu, QMessageBox

from engine.files.lesson import Lesson, LessonError, load_lesson
from engine.files.lesson_library import builtin_titles, load_builtin
from gui import APP_NAME
from gui.shell.file_dialogs import ask_open_path
from gui.shell.main_window import MainWindow
from gui.tutorial.lesson_editor import LessonEditor
from gui.tutorial.lesson_overlay import CaptionStrip, HighlightOverlay
from gui.tutorial.lesson_panel import LessonPanel
from gui.tutorial.lesson_render_dialog import RenderAction
from gui.tutorial.lesson_tour import LessonTour

LESSON_FILTER = "Backprop Playground lessons (*.json);;All files (*)"
DOCK_NAME = "lesson_dock"


def show_problem(parent, text: str) -> None:
    """Say why a lesson cannot be opened (module-level, so a test can read it)."""
    QMessageBox.warning(parent, f"Lesson - {APP_NAME}", text)


class Lessons(QObject):
    """The lesson menus, panel, overlays and tour of `window`."""

    def __init__(self, window: MainWindow, sessions):
        super().__init__(window)
        self.window, self.sessions = window, sessions
        self.panel = LessonPanel()
        self.dock: QDockWidget | None = None
        self.overlay = HighlightOverlay(window)
        self.strip = CaptionStrip(window)
        self.tour = LessonTour(window, sessions, self.panel, self.overlay, self.strip)
        self.tour.closed.connect(self._on_tour_closed)
        self.actions: dict[str, QAction] = {}
        self._make_menus()
        self.render_action = RenderAction(window, self, sessions.settings)
        self.editor: LessonEditor | None = None
        editor = QAction("&Lesson editor…", window)
        editor.setShortcut(QKeySequence("Ctrl+Shift+K"))
        editor.triggered.connect(self.open_editor)
        window.add_menu_action("Tools", editor)
        for lab in window.labs.values():
            self.tour.watch(lab.controller)
        window.lab_added.connect(self._on_window_lab_added)

    def _make_menus(self) -> None:
        window = self.window
        menu = QMenu("&Lessons", window)
        for number, (name, title) in enumerate(builtin_titles().items(), start=1):
            action = menu.addAction(f"&{number} {title}")
            action.setShortcut(QKeySequence(f"Alt+Shift+{number}"))
            action.triggered.connect(lambda _checked=False, name=name: self.open_builtin(name))
            self.actions[f"lesson_{name}"] = action
        menu.addSeparator()
        self.actions["open"] = self._action(menu, "&Open a lesson file…", self.open_dialog,
                                            "Ctrl+Shift+O")
        menu.addSeparator()
        self.actions["next"] = self._action(menu, "&Next step", self.tour.next, "PgDown")
        self.actions["back"] = self._action(menu, "&Previous step", self.tour.back, "PgUp")
        self.actions["close"] = self._action(menu, "&Close the lesson", self.tour.close)
        window.add_menu_action("Help", menu.menuAction())
        opener = QAction("Open &lesson…", window)
        opener.setShortcut(QKeySequence("Ctrl+Shift+N"))
        opener.triggered.connect(self.open_dialog)
        window.add_menu_action("File", opener)
        self._enable_steps(False)

    def _action(self, menu: QMenu, text: str, slot, keys: str = "") -> QAction:
        action = QAction(text, self.window)
        if keys:
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.window.addAction(action)  # its key works with the menu closed
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def open_editor(self) -> LessonEditor:
        """Tools > Lesson editor: one per window, kept between uses."""
        if self.editor is None:
            self.editor = LessonEditor(self.window, self)
        self.editor.show()
        self.editor.raise_()
        return self.editor

    # --- opening ------------------------------------------------------------------------------

    def open_builtin(self, name: str, number: int = 0) -> bool:
        """One of the built-in lessons (engine/files/lesson_library.py), from step `number`."""
        try:
            lesson = load_builtin(name)
        except LessonError as error:
            show_problem(self.window, str(error))
            return False
        return self.open(lesson, number)

    def open_file(self, path: str | Path, number: int = 0) -> bool:
        """The lesson file at `path`; one that cannot be loaded is reported with the step and
        the field at fault, and nothing changes."""
        try:
            lesson = load_lesson(path)
        except LessonError as error:
            show_problem(self.window, f"{Path(path).name} cannot be opened as a lesson: {error}")
            return False
        return self.open(lesson, number)

    def open_dialog(self) -> bool:
        """Ask for a lesson file and open it."""
        path = ask_open_path(self.window, "lesson", "Open lesson", LESSON_FILTER,
                             self.sessions.settings)
        return path is not None and self.open_file(path)

    def open(self, lesson: Lesson, number: int = 0) -> bool:
        """Play `lesson` from step `number`, once unsaved work is saved or given up."""
        if not self.sessions.maybe_save():
            return False
        self._show_dock()
        self._enable_steps(True)
        self.tour.open(lesson, number)
        return True

    def _show_dock(self) -> None:
        if self.dock is None:
            self.dock = QDockWidget("Lesson", self.window)
            self.dock.setObjectName(DOCK_NAME)
            self.dock.setWidget(self.panel)
            self.window.add_dock(self.dock, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.dock.toggleViewAction().setVisible(True)
        self.dock.show()
        self.dock.raise_()

    def _enable_steps(self, on: bool) -> None:
        for key in ("next", "back", "close"):
            self.actions[key].setEnabled(on)

    def _on_tour_closed(self) -> None:
        """The lesson was put away: its panel goes with it."""
        self._enable_steps(False)
        if self.dock is not None:
            self.dock.hide()
            self.dock.toggleViewAction().setVisible(False)

    def _on_window_lab_added(self, lab) -> None:
        """A lab installed later: its changes are checked against the step's task too."""
        self.tour.watch(lab.controller)


def show_lesson(window: MainWindow, lesson: Lesson, number: int, still: bool = False) -> None:
    """`lesson` at step `number` in `window` (built by gui.shell.app.build_window); `still`:
    at once at the step's end, highlights and caption strip fully shown and no panel, as a
    frame of a course video (a --screenshot)."""
    lessons = window.findChild(Lessons)
    if not still:
        lessons.open(lesson, number)
        return
    lessons.tour.open_still(lesson, number)


def install_lessons(window: MainWindow, sessions) -> Lessons:
    """Help > Lessons and File > Open lesson… in `window`, whose sessions open each step."""
    return Lessons(window, sessions)
