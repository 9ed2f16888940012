"""The hand-backprop lab assembled in the main window: diagram in the middle, editors and
controls on the left, the chain rule and the loss along a weight on the right, the loss curve and
the notebook's printout below.

This file only wires: the controller changes the engine, the panels draw snapshots, and the
window's actions give every control its key (Right, Left, Enter, Space, R, Ctrl+Z, Ctrl+Shift+Z).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QWidget

from gui.controller.snapshot import Index, Snapshot
from gui.labs.arrangement import Area, Side
from gui.labs.hand.notation import HandNotation, input_name, notation_for
from gui.labs.hand.parameters_panel import ParametersPanel
from gui.labs.lab import Builders, LabBase, scenario_builders, show_central
from gui.plots.loss_along_weight import LossAlongWeightPlot
from gui.plots.loss_plot import LossPlot
from gui.shell.main_window import MainWindow
from gui.widgets.network_diagram import NetworkDiagram

# The least room (window size at normal text) for panels side by side, and for two per side.
ROOMY = QSize(1500, 880)
MEDIUM = QSize(1250, 700)
COMPACT = QSize(1150, 600)  # two sides of panels; in less room, one side and a row below


def hand_builders() -> dict[str, tuple[str, Callable]]:
    """The engine's hand scenarios: name -> (title, build)."""
    return scenario_builders("hand")


class HandLab(LabBase):
    """The lab's panels and actions, installed in `window`, all driven by one controller."""

    kind = "hand"
    focus_panels = ("chain_rule", "log")

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
        self._add_panels()
        self._create_actions("R&eset to the starting values")
        self._connect()

    @property
    def central_view(self) -> QWidget:
        return self.diagram

    @property
    def loss_view(self) -> LossPlot:
        return self.loss_plot

    # --- assembly ----------------------------------------------------------------------------

    def _add_panels(self) -> None:
        window = self.window
        # Wide enough for a four-factor chain rule, and for a 4-column table of values
        # like -0.0069889 (a narrower dock shows a scroll bar).
        self.chain_rule.setMinimumWidth(300)
        self.parameters.setMinimumWidth(300)
        show_central(window, self.diagram)
        self._dock("controls", "Controls", self.controls, Area.LeftDockWidgetArea)
        self._dock("parameters", "Inputs, weights, biases", self.parameters,
                   Area.LeftDockWidgetArea)
        self._dock("chain_rule", "Chain rule", self.chain_rule, Area.RightDockWidgetArea)
        self._dock("loss_along_weight", "Loss along the selected weight",
                   self.loss_along_weight, Area.RightDockWidgetArea)
        self._dock("loss", "Loss per iteration", self.loss_plot, Area.BottomDockWidgetArea)
        self._dock("log", "Printed log", self.log, Area.BottomDockWidgetArea)

    def _arrangement(self, room: QSize) -> list[Side]:
        """Editors on the left, the chain rule and the loss along a weight on the right, the
        loss curve and the printout under the diagram: side by side on a large screen, as
        tabs where the room is short, and on one side and a row below where it is shorter."""
        d = self.docks
        left = [[d["controls"]], [d["parameters"]]]
        if room.width() >= ROOMY.width() and room.height() >= ROOMY.height():
            return [Side(Area.LeftDockWidgetArea, left, (0, -1), 450),
                    Side(Area.RightDockWidgetArea, [[d["chain_rule"]], [d["loss_along_weight"]]],
                         (430, 500), 420),
                    Side(Area.BottomDockWidgetArea, [[d["loss"]], [d["log"]]], (460, 400), 260)]
        if room.width() >= MEDIUM.width() and room.height() >= MEDIUM.height():
            # The sides leave the diagram the 560 pixels a layer's labels need at 1280x720.
            return [Side(Area.LeftDockWidgetArea, left, (0, -1), 350),
                    Side(Area.RightDockWidgetArea, [[d["chain_rule"]], [d["loss_along_weight"]]],
                         (330, 330), 340),
                    Side(Area.BottomDockWidgetArea, [[d["loss"], d["log"]]], (), 200)]
        if room.width() >= COMPACT.width():
            return [Side(Area.LeftDockWidgetArea, left, (0, -1), 370),
                    Side(Area.RightDockWidgetArea,
                         [[d["chain_rule"], d["loss_along_weight"]], [d["loss"], d["log"]]],
                         (300, 230), 340)]
        return [Side(Area.LeftDockWidgetArea, [[d["controls"]], [d["parameters"], d["chain_rule"]]],
                     (0, -1), 380),
                Side(Area.BottomDockWidgetArea, [[d["loss"], d["log"], d["loss_along_weight"]]],
                     (), 170)]

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
