"""The hand-backprop lab assembled in the main window: diagram in the middle, editors and
controls on the left, the chain rule and the loss along a weight on the right, the loss curve and
the notebook's printout below.

This file only wires: the controller changes the engine, the panels draw snapshots, and the
window's actions give every control its key (Right, Left, Enter, Space, R, Ctrl+Z, Ctrl+Shift+Z).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from gui.controller.snapshot import Index, Snapshot
from gui.labs.hand.notation import HandNotation, input_name, notation_for
from gui.labs.hand.parameters_panel import ParametersPanel
from gui.labs.lab import Builders, LabBase, scenario_builders, show_central
from gui.labs.landscape_wiring import install_landscape_panel
from gui.plots.loss_along_weight import LossAlongWeightPlot
from gui.plots.loss_plot import LossPlot
from gui.shell.main_window import MainWindow
from gui.widgets.network_diagram import NetworkDiagram

Area = Qt.DockWidgetArea


def hand_builders() -> dict[str, tuple[str, Callable]]:
    """The engine's hand scenarios: name -> (title, build)."""
    return scenario_builders("hand")


class HandLab(LabBase):
    """The lab's panels and actions, installed in `window`, all driven by one controller."""

    kind = "hand"

    def __init__(self, window: MainWindow, builders: Builders | None = None):
        super().__init__(window, builders if builders is not None else hand_builders(),
                         input_name=input_name, preview=True)
        self.notation: HandNotation | None = None
        self.diagram = NetworkDiagram()
        self.parameters = ParametersPanel()
        self.loss_plot = LossPlot()
        self.loss_along_weight = LossAlongWeightPlot()
        self.log.set_placeholder("The notebook's printed lines appear here as iterations "
                                 "finish (the layer prints every 20th).")
        self._place_panels()
        self._create_actions("R&eset to the starting values")
        self._connect()
        self.landscape = install_landscape_panel(self, self.docks["loss_along_weight"])

    @property
    def central_view(self) -> QWidget:
        return self.diagram

    @property
    def loss_view(self) -> LossPlot:
        return self.loss_plot

    # --- assembly ----------------------------------------------------------------------------

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

    def _connect(self) -> None:
        super()._connect()
        controller = self.controller
        controller.value_refused.connect(self.parameters.show_refusal)
        self.parameters.value_edited.connect(controller.edit_value)
        self.parameters.value_rejected.connect(self._on_panel_value_rejected)
        self.parameters.parameter_selected.connect(controller.select)
        self.diagram.element_clicked.connect(self._on_diagram_element_clicked)

    # --- drawing and handlers ----------------------------------------------------------------

    def _show_snapshot(self, snapshot: Snapshot) -> None:
        """Hand the new snapshot to every panel."""
        notation = notation_for(snapshot.parameters)
        if notation is not self.notation:
            self.notation = notation
            self.parameters.set_descriptions(notation.descriptions if notation else {})
        self.parameters.set_snapshot(snapshot)
        self.controls.set_snapshot(snapshot)
        self.chain_rule.set_snapshot(snapshot)
        self.loss_plot.set_snapshot(snapshot)
        self.loss_along_weight.set_snapshot(snapshot)
        self.log.set_snapshot(snapshot)
        self.diagram.set_network(
            None if notation is None else
            notation.network(snapshot, notation.diagram_selection(snapshot.selected)))

    def _on_diagram_element_clicked(self, kind: str, index: Index) -> None:
        """A click on an edge, a neuron or an input selects that weight, bias or input."""
        if self.notation is None or self.controller.snapshot is None:
            return
        found = self.notation.book_selection(kind, index, self.controller.snapshot.parameters)
        if found is not None:
            self.controller.select(*found)


def install_hand_lab(window: MainWindow, scenario: str = "neuron") -> HandLab:
    """Put the hand lab in `window`, starting in `scenario`."""
    lab = HandLab(window)
    window.add_lab(lab)
    lab.load(scenario)
    return lab
