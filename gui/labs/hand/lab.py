"""The hand-backprop lab assembled in the main window: diagram in the middle, editors and
controls on the left, the chain rule and the loss along a weight on the right, the loss curve and
the notebook's printout below.

This file only wires: the controller changes the engine, the panels draw snapshots, and the
window's actions give every control its key (Right, Left, Enter, Space, R, Ctrl+Z, Ctrl+Shift+Z,
and P, T, L, N, U for the preview, W.T, the log scale, the numerics and the updated rule), all
listed in F1. A click in the diagram selects a value and puts the keyboard on its cell.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSignalBlocker, QSize, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from gui.controller.snapshot import Index, Snapshot
from gui.labs.arrangement import Area, Side
from gui.labs.hand.notation import HandNotation, input_name, notation_for
from gui.labs.hand.parameters_panel import ParametersPanel
from gui.labs.lab import Builders, LabBase, scenario_builders, show_central
from gui.labs.landscape_wiring import install_landscape_panel
from gui.plots.loss_along_weight import LossAlongWeightPlot
from gui.plots.loss_plot import LossPlot
from gui.shell.dialogs import ask_yes
from gui.shell.main_window import MainWindow
from gui.widgets.network_diagram import NetworkDiagram

# The least room (window size at normal text) for panels side by side, and for two per side.
ROOMY = QSize(1500, 880)
MEDIUM = QSize(1250, 700)
COMPACT = QSize(1150, 600)  # two sides of panels; in less room, one side and a row below


def confirm_numerics(parent: QWidget, numerics: str, work: str) -> bool:
    """Whether to start again in other numerics, losing `work` (module-level, so tests
    answer)."""
    return ask_yes(parent, "Change numerics",
                   f"Computing in {numerics} numerics starts the example again from its "
                   f"starting values; {work} would be lost. Start again?")


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
        # A click on the background takes the keyboard out of the tables (no value changes).
        self.diagram.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.parameters = ParametersPanel()
        self.loss_plot = LossPlot()
        self.loss_along_weight = LossAlongWeightPlot()
        self._add_panels()
        self._create_actions("R&eset to the starting values")
        self._create_view_actions()
        self._connect()
        self.landscape = install_landscape_panel(self, self.docks["loss_along_weight"])

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
        # The loss landscape (added after the lab's own panels) goes behind the loss along a
        # weight.
        along = [d["loss_along_weight"], *([d["landscape"]] if "landscape" in d else [])]
        if room.width() >= ROOMY.width() and room.height() >= ROOMY.height():
            return [Side(Area.LeftDockWidgetArea, left, (0, -1), 450),
                    Side(Area.RightDockWidgetArea, [[d["chain_rule"]], along],
                         (430, 500), 420),
                    Side(Area.BottomDockWidgetArea, [[d["loss"]], [d["log"]]], (460, 400), 260)]
        if room.width() >= MEDIUM.width() and room.height() >= MEDIUM.height():
            # The controls' buttons side by side on the left; the chain rule's 300 pixels on
            # the right; between them the 560 a layer's labels need at 1280x720.
            return [Side(Area.LeftDockWidgetArea, left, (0, -1), 380),
                    Side(Area.RightDockWidgetArea, [[d["chain_rule"]], along],
                         (330, 330), 315),
                    Side(Area.BottomDockWidgetArea, [[d["loss"], d["log"]]], (), 200)]
        if room.width() >= COMPACT.width():
            return [Side(Area.LeftDockWidgetArea, left, (0, -1), 370),
                    Side(Area.RightDockWidgetArea,
                         [[d["chain_rule"], *along], [d["loss"], d["log"]]],
                         (300, 230), 340)]
        return [Side(Area.LeftDockWidgetArea, [[d["controls"]], [d["parameters"], d["chain_rule"]]],
                     (0, -1), 380),
                Side(Area.BottomDockWidgetArea, [[d["loss"], d["log"], *along]],
                     (), 170)]

    def _create_view_actions(self) -> None:
        """Keys for the panels' own controls, so a recording needs no mouse."""
        self._add_action("Run", "restore", "Restore the last &good state",
                         self.controller.restore_last_good, "Ctrl+R")
        self._add_action("Run", "numerics", "Compute in &native numerics (float64)",
                         self._on_numerics_action_triggered, "N")
        for key, text, shortcut, slot, on in (
                ("preview", "&Preview the rest of the pass", "P",
                 self.controller.set_preview, True),
                ("transpose", "Show &W as Layer_Dense stores it (W.T)", "T",
                 self.parameters.transpose_box.setChecked, False),
                ("log_scale", "&Log scale for the loss", "L", self.loss_plot.set_log_scale,
                 False),
                ("updated_rule", "Chain rule at the &updated parameters", "U",
                 self.chain_rule.show_updated, False)):
            self._add_toggle("View", key, text, slot, shortcut, on)
        self.actions["numerics"].setCheckable(True)

    def _connect(self) -> None:
        super()._connect()
        controller = self.controller
        controller.value_refused.connect(self.parameters.show_refusal)
        self.parameters.value_edited.connect(controller.edit_value)
        self.parameters.value_rejected.connect(self._on_panel_value_rejected)
        self.parameters.parameter_selected.connect(controller.select)
        self.parameters.numerics_chosen.connect(self._on_parameters_numerics_chosen)
        self.diagram.element_clicked.connect(self._on_diagram_element_clicked)
        # The panels' own switches and their menu entries show one state.
        self.parameters.transpose_box.toggled.connect(self.actions["transpose"].setChecked)
        self.loss_plot.log_box.toggled.connect(self.actions["log_scale"].setChecked)
        self.chain_rule.updated_box.toggled.connect(self.actions["updated_rule"].setChecked)

    # --- drawing and handlers ----------------------------------------------------------------

    def _start_plots_afresh(self) -> None:
        """Another scenario: its plots find their own ranges."""
        self.loss_plot.start_afresh()
        self.loss_along_weight.start_afresh()

    def _show_snapshot(self, snapshot: Snapshot) -> None:
        """Hand the new snapshot to every panel."""
        notation = notation_for(snapshot.parameters)
        if notation is not self.notation:
            self.notation = notation
            self.parameters.set_descriptions(notation.descriptions if notation else {})
            first = notation.first_iteration if notation else None
            self.controls.first_iteration = first
            self.loss_plot.set_first_iteration(1 if first is None else first)
            if notation is not None:
                self.log.set_placeholder("The notebook's printed lines appear here as "
                                         f"iterations finish ({notation.printed}).")
        self._show_numerics(snapshot.numerics)
        self.parameters.set_snapshot(snapshot)
        self.controls.set_snapshot(snapshot)
        self.chain_rule.set_snapshot(snapshot)
        self.loss_plot.set_snapshot(snapshot)
        self.loss_along_weight.set_snapshot(snapshot)
        self.log.set_snapshot(snapshot)
        self.diagram.set_network(
            None if notation is None else
            notation.network(snapshot, notation.diagram_selection(snapshot.selected)))

    def _show_numerics(self, numerics: str) -> None:
        action: QAction = self.actions["numerics"]
        with QSignalBlocker(action):
            action.setChecked(numerics == "native")

    def _on_numerics_action_triggered(self) -> None:
        """N: compute in the other numerics."""
        snapshot = self.controller.snapshot
        if snapshot is not None:
            self._on_parameters_numerics_chosen("book" if snapshot.numerics == "native"
                                                else "native")

    def _on_parameters_numerics_chosen(self, numerics: str) -> None:
        """Start again in `numerics`, after asking when there is work to lose."""
        snapshot = self.controller.snapshot
        if snapshot is None or snapshot.numerics == numerics:
            return
        work = self.controller.work_summary()
        if not work or confirm_numerics(self.window, numerics, work):
            self.controller.set_numerics(numerics)
        else:
            self.parameters.set_snapshot(snapshot)  # the box back to the numerics in use
            self._show_numerics(snapshot.numerics)

    def _on_diagram_element_clicked(self, kind: str, index: Index) -> None:
        """A click on an edge, a neuron or an input selects that weight, bias or input, and
        the keyboard goes to its cell: typing then edits what was clicked, nothing else."""
        if self.notation is None or self.controller.snapshot is None:
            return
        found = self.notation.book_selection(kind, index, self.controller.snapshot.parameters)
        if found is not None:
            self.controller.select(*found)
        if found is None or not self.parameters.focus_selected():
            self.diagram.setFocus(Qt.FocusReason.MouseFocusReason)


def install_hand_lab(window: MainWindow, scenario: str = "neuron") -> HandLab:
    """Put the hand lab in `window`, starting in `scenario`."""
    lab = HandLab(window)
    window.add_lab(lab)
    lab.load(scenario)
    return lab
