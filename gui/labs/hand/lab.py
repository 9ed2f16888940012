"""The hand-backprop lab assembled in the main window: diagram in the middle, editors and
controls on the left, the chain rule and the loss along a weight on the right, the loss curve and
the notebook's printout below.

This file only wires: the controller changes the engine, the panels draw snapshots, and the
window's actions give every control its key (Right, Left, Enter, Space, R, Ctrl+Z, Ctrl+Shift+Z).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QWidget

from gui.controller.lab_controller import LabController
from gui.controller.snapshot import Index, Snapshot
from gui.labs.hand.notation import HandNotation, input_name, notation_for
from gui.labs.hand.parameters_panel import ParametersPanel
from gui.labs.host import (
    add_stepping_actions,
    scenario_actions,
    show_central,
    show_lab_parts,
)
from gui.panels.chain_rule_panel import ChainRulePanel
from gui.panels.controls_panel import ControlsPanel
from gui.panels.log_panel import LogPanel
from gui.plots.loss_along_weight import LossAlongWeightPlot
from gui.plots.loss_plot import LossPlot
from gui.shell.main_window import MainWindow
from gui.widgets.network_diagram import NetworkDiagram

STATUS_MS = 10_000
Area = Qt.DockWidgetArea


def hand_builders() -> dict[str, tuple[str, Callable]]:
    """The engine's hand scenarios: name -> (title, build)."""
    from engine.scenarios.presets import SCENARIOS

    return {name: (scenario.title, scenario.build) for name, scenario in SCENARIOS.items()
            if scenario.kind == "hand"}


class HandLab(QObject):
    """The lab's panels and actions, installed in `window`, all driven by one controller."""

    def __init__(self, window: MainWindow,
                 builders: Mapping[str, tuple[str, Callable]] | None = None):
        super().__init__(window)
        self.window = window
        self.controller = LabController(builders if builders is not None else hand_builders(),
                                        parent=self, input_name=input_name, preview=True)
        self.notation: HandNotation | None = None
        self.diagram = NetworkDiagram()
        self.parameters = ParametersPanel()
        self.controls = ControlsPanel()
        self.chain_rule = ChainRulePanel()
        self.loss_plot = LossPlot()
        self.loss_along_weight = LossAlongWeightPlot()
        self.log = LogPanel()
        self.log.set_placeholder("The notebook's printed lines appear here as iterations "
                                 "finish (the layer prints every 20th).")
        self.docks: dict[str, QDockWidget] = {}
        self.actions: dict[str, QAction] = {}
        self.active = False
        self._place_panels()
        self._create_actions()
        self._connect()

    # --- assembly ----------------------------------------------------------------------------

    def _dock(self, key: str, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self.window)
        dock.setObjectName(f"hand_{key}_dock")
        dock.setWidget(widget)
        self.window.add_dock(dock, area)
        self.docks[key] = dock
        return dock

    def _place_panels(self) -> None:
        window = self.window
        # Wide enough for a four-factor chain rule, and for a 4-column table of values
        # like -0.0069889.
        self.chain_rule.setMinimumWidth(430)
        self.parameters.setMinimumWidth(440)
        show_central(window, self.diagram)
        controls = self._dock("controls", "Controls", self.controls, Area.LeftDockWidgetArea)
        parameters = self._dock("parameters", "Inputs, weights, biases",
                                self.parameters, Area.LeftDockWidgetArea)
        chain = self._dock("chain_rule", "Chain rule", self.chain_rule, Area.RightDockWidgetArea)
        along = self._dock("loss_along_weight", "Loss along the selected weight",
                           self.loss_along_weight, Area.RightDockWidgetArea)
        loss = self._dock("loss", "Loss per iteration", self.loss_plot, Area.BottomDockWidgetArea)
        log = self._dock("log", "Printed log", self.log, Area.BottomDockWidgetArea)
        window.splitDockWidget(controls, parameters, Qt.Orientation.Vertical)
        window.splitDockWidget(chain, along, Qt.Orientation.Vertical)
        window.splitDockWidget(loss, log, Qt.Orientation.Horizontal)
        window.resizeDocks([controls, chain], [450, 420], Qt.Orientation.Horizontal)
        window.resizeDocks([controls, parameters], [200, 730], Qt.Orientation.Vertical)
        window.resizeDocks([chain, along], [430, 500], Qt.Orientation.Vertical)
        window.resizeDocks([loss], [260], Qt.Orientation.Vertical)
        window.resizeDocks([loss, log], [460, 400], Qt.Orientation.Horizontal)

    def _create_actions(self) -> None:
        controller = self.controller
        add_stepping_actions(self.window, self.actions, controller,
                             "R&eset to the starting values")
        from engine.scenarios.presets import SCENARIOS

        titles = {name: scenario.title for name, scenario in SCENARIOS.items()}
        # Shared with the other lab, so they stay when this lab steps aside.
        self.scenario_actions = dict(zip(titles, scenario_actions(self.window, titles),
                                         strict=True))
        self.actions.update({f"scenario_{name}": action
                             for name, action in self.scenario_actions.items()})

    def _connect(self) -> None:
        controller = self.controller
        controller.snapshot_changed.connect(self._on_controller_snapshot_changed)
        controller.status_message.connect(self._on_controller_status_changed)
        controller.value_refused.connect(self.parameters.show_refusal)
        self.parameters.value_edited.connect(self._on_parameters_value_changed)
        self.parameters.value_rejected.connect(self._on_parameters_rejection_changed)
        self.parameters.parameter_selected.connect(controller.select)
        self.diagram.element_clicked.connect(self._on_diagram_selection_changed)
        self.controls.step_requested.connect(controller.step)
        self.controls.step_back_requested.connect(controller.step_back)
        self.controls.iteration_requested.connect(controller.finish_iteration)
        self.controls.run_toggled.connect(controller.set_running)
        self.controls.reset_requested.connect(controller.reset)
        self.controls.speed_changed.connect(controller.set_speed)
        self.controls.restore_requested.connect(controller.restore_last_good)
        self.window.scenario_requested.connect(self._on_window_scenario_changed)

    # --- handlers ----------------------------------------------------------------------------

    def activate(self) -> None:
        """Take over the window: this lab's diagram, panels and keys."""
        show_central(self.window, self.diagram)
        show_lab_parts(list(self.docks.values()), self._own_actions(), True)
        self.active = True

    def deactivate(self) -> None:
        """Give the window to another lab: pause, hide the panels, free the keys."""
        self.controller.pause()
        show_lab_parts(list(self.docks.values()), self._own_actions(), False)
        self.active = False

    def _own_actions(self) -> list[QAction]:
        shared = set(self.scenario_actions.values())
        return [action for action in self.actions.values() if action not in shared]

    def load(self, name: str) -> None:
        """Open scenario `name` at its starting values."""
        self.activate()
        self.controller.load_scenario(name)

    def _on_window_scenario_changed(self, name: str) -> None:
        """Switch to a hand scenario chosen from the menu or the start page, or step aside
        for another lab's."""
        if name in self.controller.builders:
            self.load(name)
        elif self.active:
            self.deactivate()

    def _on_controller_snapshot_changed(self, snapshot: Snapshot) -> None:
        """Hand the new snapshot to every panel."""
        notation = notation_for(snapshot.parameters)
        if notation is not self.notation:
            self.notation = notation
            self.parameters.set_descriptions(notation.descriptions if notation else {})
        self.window.setWindowTitle(f"{snapshot.title} - Backprop Playground")
        self.parameters.set_snapshot(snapshot)
        self.controls.set_snapshot(snapshot)
        self.chain_rule.set_snapshot(snapshot)
        self.loss_plot.set_snapshot(snapshot)
        self.loss_along_weight.set_snapshot(snapshot)
        self.log.set_snapshot(snapshot)
        self.diagram.set_network(
            None if notation is None else
            notation.network(snapshot, notation.diagram_selection(snapshot.selected)))

    def _on_controller_status_changed(self, message: str) -> None:
        """Show the controller's sentence in the status bar."""
        self.window.statusBar().showMessage(message, STATUS_MS)

    def _on_parameters_value_changed(self, name: str, index: Index, value: float,
                                     session: int) -> None:
        """Apply a typed or nudged value (the controller validates it)."""
        self.controller.edit_value(name, index, value, session)

    def _on_parameters_rejection_changed(self, name: str, index: Index, message: str) -> None:
        """Text that is not a number: say so in the status bar too."""
        self.window.statusBar().showMessage(f"Refused: {message}; the old value is kept.",
                                            STATUS_MS)

    def _on_diagram_selection_changed(self, kind: str, index: Index) -> None:
        """A click on an edge, a neuron or an input selects that weight, bias or input."""
        if self.notation is None or self.controller.snapshot is None:
            return
        found = self.notation.book_selection(kind, index, self.controller.snapshot.parameters)
        if found is not None:
            self.controller.select(*found)


def install_hand_lab(window: MainWindow, scenario: str = "neuron") -> HandLab:
    """Put the hand lab in `window`, starting in `scenario`."""
    lab = HandLab(window)
    lab.load(scenario)
    return lab
