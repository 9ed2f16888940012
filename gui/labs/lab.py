"""What every lab does in the main window, written once: its controller, the panels all labs
have (controls, chain rule, printed log), its docks and actions, and taking the window over and
handing it back, so two labs can share one window.

Each lab keeps its own central view, panels and actions for the window's whole life. The active
lab's are shown; the other's are hidden, their View > Panels entries and menu actions made
invisible (which also switches off their shortcuts, so Space or Right never reaches two labs).
Central views are swapped without deleting the one taken out: it stays a hidden child of the
window until its lab comes back. A lab (gui.labs.hand.lab, gui.labs.classification.lab) adds its
own views, places the docks and wires what only it has.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Protocol

from PySide6.QtCore import QObject, QSize, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QWidget

from gui.controller.lab_controller import LabController
from gui.controller.snapshot import Index, Snapshot
from gui.labs.arrangement import Side, place_sides, room, same_places, size_sides
from gui.labs.keyboard_focus import KeyboardFocus
from gui.panels.chain_rule_panel import ChainRulePanel
from gui.panels.controls_panel import SPEED_UNITS, ControlsPanel, position_text
from gui.panels.log_panel import LogPanel
from gui.shell.main_window import MainWindow
from gui.shell.panel_dock import PanelDock

STATUS_MS = 10_000
SPEED_FACTOR = 2.0  # what Run faster and Run slower multiply or divide the speed by
LAB_VIEW_PROPERTY = "labCentralView"  # set on a lab's central view: keep it when swapped out

Builders = Mapping[str, tuple[str, Callable]]  # scenario name -> (title, build)


class LossView(Protocol):
    """The plot of a lab's loss (gui.plots.loss_plot, gui.plots.training_curves), whose log
    scale a session remembers."""

    def log_scale(self) -> bool: ...

    def set_log_scale(self, on: bool) -> None: ...


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


def scenario_builders(kind: str) -> dict[str, tuple[str, Callable]]:
    """The engine's scenarios of one kind: name -> (title, build)."""
    from engine.scenarios.presets import SCENARIOS

    return {name: (scenario.title, scenario.build) for name, scenario in SCENARIOS.items()
            if scenario.kind == kind}


def scenario_titles() -> dict[str, str]:
    """Every scenario's title by name, for the Scenario menu that all labs share."""
    from engine.scenarios.presets import SCENARIOS

    return {name: scenario.title for name, scenario in SCENARIOS.items()}


class LabBase(QObject):
    """A lab's controller, shared panels, docks and actions, and its turn in the window.

    A lab builds its own views after this constructor, then places the docks (`_dock`), makes
    its actions (`_create_actions`) and wires them (`_connect`), and draws each snapshot in
    `_show_snapshot`.
    """

    kind: ClassVar[str]  # the scenario kind it opens; also its docks' objectName prefix
    # The panels (keys of `docks`) its focus layout shows beside the central view.
    focus_panels: ClassVar[tuple[str, ...]] = ()

    def __init__(self, window: MainWindow, builders: Builders, **controller_options: Any):
        """controller_options: the run loop's settings for this lab (see LabController)."""
        super().__init__(window)
        self.window = window
        self.controller = LabController(builders, parent=self, **controller_options)
        self.controls = ControlsPanel()
        self.chain_rule = ChainRulePanel()
        self.log = LogPanel()
        self.docks: dict[str, QDockWidget] = {}
        # Panels shown only when asked for (Run > Compare runs, View > Panels): a default
        # arrangement and the lab's return leave them closed, so their tabs crowd no others.
        self.on_demand: set[str] = set()
        # Its own actions by key, and the shared Scenario entries as "scenario_<name>".
        self.actions: dict[str, QAction] = {}
        self._shared_actions: set[QAction] = set()
        # Where the lab stands, in the status bar whenever no message covers it, so the bar
        # never goes blank once a message times out.
        self.status_label = QLabel()
        self.status_label.setObjectName(f"{self.kind}_status")
        window.statusBar().addWidget(self.status_label, 1)
        self.status_label.hide()
        window.statusBar().messageChanged.connect(self._on_status_bar_message_changed)
        self._shown_scenario = ""
        if window.findChild(KeyboardFocus) is None:
            KeyboardFocus(window)
        # What arrange_docks last placed, (focus, the arrangement), while the panels are still
        # where it put them; None once the user or a restored arrangement moved them.
        self._arranged: tuple[bool, list[Side]] | None = None
        self._arranging = False

    # --- what each lab provides ----------------------------------------------------------------

    @property
    def central_view(self) -> QWidget:
        """The view in the middle of the window while this lab has it."""
        raise NotImplementedError

    @property
    def loss_view(self) -> LossView:
        """The plot of the loss, whose log scale a session remembers."""
        raise NotImplementedError

    def _show_snapshot(self, snapshot: Snapshot) -> None:
        """Hand a new snapshot to the lab's views."""
        raise NotImplementedError

    def _arrangement(self, room: QSize) -> list[Side]:
        """Where the panels go by default in a window with `room` (its size at normal text)."""
        raise NotImplementedError

    # --- the panels' places ---------------------------------------------------------------------

    def arrange_docks(self, focus: bool = False) -> None:
        """Every panel of this lab docked in its default place for the window's size and
        text size; `focus`: only the lab's `focus_panels` shown, the rest closed."""
        self._arranging = True
        try:
            for dock in self.docks.values():
                dock.setFloating(False)
                self.window.removeDockWidget(dock)
            sides = self._arrangement(room(self.window))
            place_sides(self.window, sides)
            for key, dock in self.docks.items():
                dock.setVisible(self.active and (not focus or key in self.focus_panels)
                                and key not in self.on_demand)
            size_sides(self.window, sides)
        finally:
            self._arranging = False
        self._arranged = (focus, sides)

    def fit_room(self) -> None:
        """The window has a new size: panels still in a default arrangement are arranged
        again if the room now calls for another (more tabs in less room, fewer in more);
        panels the user placed, or a remembered arrangement, stay where they are."""
        if self._arranged is None:
            return
        focus, sides = self._arranged
        if not same_places(sides, self._arrangement(room(self.window))):
            self.arrange_docks(focus)

    def forget_arrangement(self) -> None:
        """The panels are no longer where a default arrangement put them."""
        self._arranged = None

    def _on_dock_moved(self) -> None:
        """A panel was moved, floated or docked: by the user unless this lab is arranging."""
        if not self._arranging:
            self.forget_arrangement()
            self.window.layouts.panels_moved()

    # --- assembly ------------------------------------------------------------------------------

    def _dock(self, key: str, title: str, widget: QWidget, area: Qt.DockWidgetArea,
              tabify_with: QDockWidget | None = None) -> QDockWidget:
        """A panel in a dock of the window, remembered in `docks` under `key`."""
        dock = PanelDock(title, self.window)
        dock.setObjectName(f"{self.kind}_{key}_dock")
        dock.setWidget(widget)
        dock.dockLocationChanged.connect(self._on_dock_moved)
        dock.topLevelChanged.connect(self._on_dock_moved)
        self.window.add_dock(dock, area, tabify_with)
        self.docks[key] = dock
        return dock

    def _add_action(self, menu: str, key: str, text: str, slot: Callable[[], object],
                    *shortcuts: str) -> QAction:
        """A window-wide action of this lab, in `menu` and in `actions` under `key`."""
        action = QAction(text, self.window)
        action.setShortcuts([QKeySequence(each) for each in shortcuts])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.window.add_menu_action(menu, action)
        self.actions[key] = action
        return action

    def _add_toggle(self, menu: str, key: str, text: str, slot: Callable[[bool], object],
                    shortcut: str, on: bool) -> QAction:
        """A checkable action of this lab, starting `on`, that calls slot(checked)."""
        action = QAction(text, self.window)
        action.setCheckable(True)
        action.setChecked(on)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.toggled.connect(slot)
        self.window.add_menu_action(menu, action)
        self.actions[key] = action
        return action

    def _create_actions(self, reset_text: str) -> None:
        """Undo/Redo, the Run menu every lab has (with the keys the controls panel names on
        its buttons) and the shared Scenario menu."""
        controller = self.controller
        undo = controller.undo_stack.createUndoAction(self.window, "&Undo")
        undo.setShortcuts([QKeySequence("Ctrl+Z")])
        redo = controller.undo_stack.createRedoAction(self.window, "&Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        for key, action in (("undo", undo), ("redo", redo)):
            self.window.add_menu_action("Edit", action)
            self.actions[key] = action
        self._add_action("Run", "step", "&Step one operation", controller.step, "Right")
        self._add_action("Run", "step_back", "Step &back one operation", controller.step_back,
                         "Left")
        self._add_action("Run", "iteration", "Finish the &iteration",
                         controller.finish_iteration, "Return", "Enter")
        self._add_action("Run", "run", "&Run / Pause", controller.toggle_running, "Space")
        self._add_action("Run", "reset", reset_text, controller.reset, "R")
        self._add_action("Run", "faster", "Run &faster (twice the speed)",
                         lambda: self._change_speed(SPEED_FACTOR), "]")
        self._add_action("Run", "slower", "Run &slower (half the speed)",
                         lambda: self._change_speed(1 / SPEED_FACTOR), "[")
        self._add_action("Run", "unit", "Count the speed in &operations or iterations",
                         self._switch_speed_unit, "O")
        self._add_action("Run", "check", "&Check every gradient", controller.check_gradients,
                         "G")
        # Shared with the other lab, so they stay when this lab steps aside.
        for name, action in self.window.scenario_actions(scenario_titles()).items():
            self.actions[f"scenario_{name}"] = action
            self._shared_actions.add(action)
        self._create_panel_actions()

    def _create_panel_actions(self) -> None:
        """Keys for a lab's own panel buttons, so a recording needs no mouse (none here)."""

    def _connect(self) -> None:
        """The wiring every lab has: controller to views, controls to controller, the window's
        scenario requests to this lab."""
        controller = self.controller
        controller.snapshot_changed.connect(self._on_controller_snapshot_changed)
        controller.status_message.connect(self._on_controller_status_message)
        self.controls.step_requested.connect(controller.step)
        self.controls.step_back_requested.connect(controller.step_back)
        self.controls.iteration_requested.connect(controller.finish_iteration)
        self.controls.run_toggled.connect(controller.set_running)
        self.controls.reset_requested.connect(controller.reset)
        self.controls.speed_changed.connect(controller.set_speed)
        self.controls.restore_requested.connect(controller.restore_last_good)
        self.chain_rule.check_requested.connect(controller.check_gradients)
        self.window.scenario_requested.connect(self._on_window_scenario_requested)

    # --- taking the window over ----------------------------------------------------------------

    @property
    def active(self) -> bool:
        """Whether the window shows this lab right now."""
        return self.window.active_lab() is self

    def load(self, name: str) -> None:
        """Take the window over and open scenario `name` where it was left (its start, the
        first time); the keyboard goes to the lab's view, out of whatever field had it."""
        self.window.set_active_lab(self)
        self.controller.load_scenario(name)
        self.central_view.setFocus(Qt.FocusReason.OtherFocusReason)

    def activate(self) -> None:
        """Show this lab's view, panels and keys, and its scenario in the title."""
        show_central(self.window, self.central_view)
        self._show_parts(True)
        self._on_status_bar_message_changed(self.window.statusBar().currentMessage())
        if self.controller.snapshot is not None:
            self.window.title.set_scenario(self.controller.snapshot.title)

    def deactivate(self) -> None:
        """Step aside for another lab: pause, hide the panels, free the keys."""
        self.controller.pause()
        self._show_parts(False)
        self.status_label.hide()

    def _show_parts(self, visible: bool) -> None:
        """Show or hide the panels with their View > Panels entries, and the menu actions."""
        for key, dock in self.docks.items():
            dock.toggleViewAction().setVisible(visible)
            dock.setVisible(visible and key not in self.on_demand)
        for action in self.actions.values():
            if action not in self._shared_actions:
                action.setVisible(visible)

    # --- what a session keeps of the views ------------------------------------------------------

    def view_settings(self) -> dict[str, Any]:
        """Which lab, and whether the loss is on a log scale."""
        return {"lab": self.kind, "log_scale": self.loss_view.log_scale()}

    def apply_view_settings(self, view: Mapping[str, Any]) -> None:
        """Put saved view settings back; unknown or ill-typed entries are ignored."""
        if isinstance(view.get("log_scale"), bool):
            self.loss_view.set_log_scale(view["log_scale"])

    # --- handlers ------------------------------------------------------------------------------

    def _on_window_scenario_requested(self, name: str) -> None:
        """Open a scenario of this lab's kind, chosen from the menu or the start page (another
        kind's lab takes the window over itself)."""
        if name in self.controller.builders:
            self.load(name)

    def _start_plots_afresh(self) -> None:
        """A new scenario is shown: its plots find their own ranges (a lab overrides this)."""

    def _change_speed(self, factor: float) -> None:
        """Run faster or slower by `factor`, within what the speed box allows."""
        box = self.controls.speed_box
        speed = min(box.maximum(), max(box.minimum(), self.controller.speed * factor))
        self.controller.set_speed(speed, self.controller.speed_unit)
        self.window.statusBar().showMessage(
            f"Speed: {box.textFromValue(speed)} {self.controller.speed_unit} per second",
            STATUS_MS)

    def _switch_speed_unit(self) -> None:
        """Count the speed in the other unit (operations or iterations per second)."""
        unit = SPEED_UNITS[1 - SPEED_UNITS.index(self.controller.speed_unit)]
        self.controller.set_speed(self.controller.speed, unit)
        self.window.statusBar().showMessage(f"Speed counted in {unit} per second", STATUS_MS)

    def _on_controller_snapshot_changed(self, snapshot: Snapshot) -> None:
        """Draw the new snapshot; while on screen, keep the title's scenario current."""
        if self.active:
            self.window.title.set_scenario(snapshot.title)
        if snapshot.scenario != self._shown_scenario:
            self._shown_scenario = snapshot.scenario
            self._start_plots_afresh()
        self._show_snapshot(snapshot)
        self.status_label.setText(f"{snapshot.title}: {position_text(snapshot)}")

    def _on_status_bar_message_changed(self, message: str) -> None:
        """Where the lab stands, while it is on screen and no message covers that place (the
        status bar hides it only for messages shown after it appeared)."""
        self.status_label.setVisible(self.active and not message)

    def _on_controller_status_message(self, message: str) -> None:
        """Show the controller's sentence in the status bar."""
        self.window.statusBar().showMessage(message, STATUS_MS)

    def _on_panel_value_rejected(self, _name: str, _index: Index, message: str) -> None:
        """Typed text that is not a number: say so in the status bar too."""
        self.window.statusBar().showMessage(f"Refused: {message}; the old value is kept.",
                                            STATUS_MS)
