"""How a lab takes over the main window and hands it back, so two labs can share one window.

Each lab keeps its own central view, panels and actions for the window's whole life. The active
lab's are shown; the other's are hidden, their View > Panels entries and menu actions made
invisible (which also switches off their shortcuts, so Space or Right never reaches two labs).
Central views are swapped without deleting the one taken out: it stays a hidden child of the
window until its lab comes back.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

LAB_VIEW_PROPERTY = "labCentralView"  # set on a lab's central view: keep it when swapped out


def show_central(window: QMainWindow, view: QWidget) -> None:
    """Make `view` the window's central widget; a lab's previous view is kept hidden, anything
    else (the start page) is deleted once control returns to the event loop."""
    current = window.centralWidget()
    if current is view:
        return
    if current is not None:
        window.takeCentralWidget()
        current.setParent(window)  # owned by the window again, so it lives on, hidden
        current.hide()
        if not current.property(LAB_VIEW_PROPERTY):
            current.deleteLater()
    view.setProperty(LAB_VIEW_PROPERTY, True)
    window.setCentralWidget(view)
    view.show()


def show_lab_parts(docks: list[QDockWidget], actions: list[QAction], visible: bool) -> None:
    """Show or hide a lab's panels with their View > Panels entries, and its menu actions."""
    for dock in docks:
        dock.toggleViewAction().setVisible(visible)
        dock.setVisible(visible)
    for action in actions:
        action.setVisible(visible)


def scenario_actions(window, titles: dict[str, str]) -> list[QAction]:
    """A Scenario menu entry per scenario (name -> title), created once per window whichever
    lab comes first; each asks the window for its scenario."""
    existing = getattr(window, "_scenario_actions", None)
    if existing is not None:
        return existing
    actions = []
    for name, title in titles.items():
        action = QAction(title, window)
        action.triggered.connect(lambda _checked=False, name=name:
                                 window.scenario_requested.emit(name))
        window.add_menu_action("Scenario", action)
        actions.append(action)
    window._scenario_actions = actions
    return actions


def add_lab_action(window, actions: dict[str, QAction], menu: str, key: str, text: str,
                   slot: Callable[[], object], *shortcuts: str) -> QAction:
    """A window-wide action of a lab, in `menu` and in the lab's `actions` under `key`."""
    action = QAction(text, window)
    action.setShortcuts([QKeySequence(each) for each in shortcuts])
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.triggered.connect(slot)
    window.add_menu_action(menu, action)
    actions[key] = action
    return action


def add_stepping_actions(window, actions: dict[str, QAction], controller,
                         reset_text: str) -> None:
    """Undo/Redo and the Run menu every lab has, driving `controller`, with the keys the
    controls panel names on its buttons."""
    undo = controller.undo_stack.createUndoAction(window, "&Undo")
    undo.setShortcuts([QKeySequence("Ctrl+Z")])
    redo = controller.undo_stack.createRedoAction(window, "&Redo")
    redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    for key, action in (("undo", undo), ("redo", redo)):
        window.add_menu_action("Edit", action)
        actions[key] = action
    add_lab_action(window, actions, "Run", "step", "&Step one operation", controller.step,
                   "Right")
    add_lab_action(window, actions, "Run", "step_back", "Step &back one operation",
                   controller.step_back, "Left")
    add_lab_action(window, actions, "Run", "iteration", "Finish the &iteration",
                   controller.finish_iteration, "Return", "Enter")
    add_lab_action(window, actions, "Run", "run", "&Run / Pause", controller.toggle_running,
                   "Space")
    add_lab_action(window, actions, "Run", "reset", reset_text, controller.reset, "R")
