"""The classification lab assembled in the main window: the decision boundary in the middle,
run controls, network and data on the left, neuron maps, the layer inspector and the chain rule
on the right, the training curves and the book's printed lines below.

What every lab has (the controller, controls, chain rule panel and log, taking the window over)
comes from gui.labs.lab.LabBase, as for the hand lab; this file only adds and wires the rest.
While Run is on the controller sends about 25 snapshots a second, and the
slower views (curves, tables, neuron maps) redraw at their own modest rates, so training keeps
most of the time and the window keeps answering keys. After an edit, what the learner is
looking at (the loss line, the tables, the boundary) is drawn first; the neuron maps and the
chain rule follow on the next turn of the event loop, once that has been painted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractSpinBox, QVBoxLayout, QWidget

from gui.controller.snapshot import Index, Snapshot
from gui.labs.arrangement import Area, Side
from gui.labs.classification.compare_wiring import install_compare_panel
from gui.labs.classification.data_panel import DataDock
from gui.labs.classification.layer_inspector import LayerInspector
from gui.labs.classification.network_panel import NetworkDock
from gui.labs.classification.output_views import OutputViews
from gui.labs.keyboard_focus import keys_text
from gui.labs.lab import Builders, LabBase, scenario_builders
from gui.labs.landscape_wiring import install_landscape_panel
from gui.plots.decision_boundary import DecisionBoundaryPlot
from gui.plots.throttle import Throttle
from gui.plots.training_curves import TrainingCurves
from gui.shell.main_window import MainWindow
from gui.tutorial.points_loading import load_points_in_background
from gui.widgets.live_text import LiveText
from gui.widgets.neuron_maps import NeuronMaps, maps_from_layers

RUN_SPEED = 100_000.0  # iterations per second Run asks for: as fast as the computer goes
TICK_MS = 0  # the run timer fires whenever Qt has nothing else to do
SLICE_BUDGET_S = 0.03  # training per tick, then Qt handles input and paints
FRAME_S = 0.045  # one snapshot (and boundary) per 45 ms while running: about 22 a second
TABLES_S = 0.4  # the inspector's table and the log redraw at most this often while running
CURVES_S = 1.0  # the curves likewise: three plots with grids cost ~40 ms to redraw
# The least room (window size at normal text) for the curves under the boundary, and roomy.
ROOMY = QSize(1500, 880)
MEDIUM = QSize(1300, 820)
COMPACT = QSize(1150, 600)  # two sides of panels; in less room, one side and a row below


def classification_builders() -> dict[str, tuple[str, Callable]]:
    """The engine's classification presets: name -> (title, build)."""
    return scenario_builders("classification")


class BoundaryView(QWidget):
    """The decision boundary under a line in the book's format for the current state."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        # The line the book's training loop prints for this epoch, at the current weights;
        # rewritten every frame, so a LiveText that repaints only itself.
        self.status = LiveText("epoch: 0", point_size=12, bold=True, monospace=True)
        self.status.setObjectName("bookStatusLine")
        self.plot = DecisionBoundaryPlot()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.status)
        layout.addWidget(self.plot, 1)


class _EnterCommitsInput(QObject):
    """Enter in a number box commits the number; without this filter the window's Enter
    shortcut (finish the iteration) would also fire, training while the learner types."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) and \
                event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
        return False


class ClassificationLab(LabBase):
    """The lab's panels and actions, installed in `window`, all driven by one controller."""

    kind = "classification"
    focus_panels = ("curves",)

    def __init__(self, window: MainWindow, builders: Builders | None = None):
        super().__init__(
            window, builders if builders is not None else classification_builders(),
            tick_ms=TICK_MS, slice_budget_s=SLICE_BUDGET_S, frame_s=FRAME_S, loss_curve=False)
        self.controller.set_speed(RUN_SPEED, "iterations")
        self.view = BoundaryView()
        self.boundary = self.view.plot
        self.network = NetworkDock()
        self.data = DataDock()
        self.neuron_maps = NeuronMaps()
        self.inspector = LayerInspector()
        self.curves = TrainingCurves()
        self.log.set_placeholder("The book's epoch lines appear here every 100 epochs.")
        self._frames = {"boundary": -1, "maps": -1}
        self._shown_spec: dict | None = None
        self._shown_points: tuple = ()
        self._tables_throttle = Throttle(self._draw_tables, self, interval=TABLES_S)
        self._curves_throttle = Throttle(self._draw_curves, self, interval=CURVES_S)
        # The neuron maps and the chain rule draw the latest snapshot when this fires: a timer
        # object, not a queued call, so Qt paints what the handler drew before it fires.
        self._secondary: Snapshot | None = None
        self._secondary_timer = QTimer(self)
        self._secondary_timer.setSingleShot(True)
        self._secondary_timer.setInterval(0)
        self._secondary_timer.timeout.connect(self._on_secondary_timer_timeout)
        # Chapters 16 and 17: a regression's plot, a sigmoid's contour, confusion, the brush.
        self.outputs = OutputViews(self)
        self._add_panels()
        self._create_actions("R&eset to the starting weights")
        self._connect()
        self.compare = install_compare_panel(self)
        self.landscape = install_landscape_panel(self, self.docks["neuron_maps"])
        self._enter_filter = _EnterCommitsInput(self)
        for panel in (self.network, self.data, self.controls, self.inspector, self.compare):
            for box in panel.findChildren(QAbstractSpinBox):
                box.installEventFilter(self._enter_filter)
        self.controller.set_stop_conditions(self.network.stop_conditions())

    @property
    def central_view(self) -> QWidget:
        return self.view

    @property
    def loss_view(self) -> TrainingCurves:
        return self.curves

    # --- assembly ----------------------------------------------------------------------------

    def _add_panels(self) -> None:
        self.chain_rule.setMinimumWidth(300)
        for key, title, widget, area in (
                ("controls", "Controls", self.controls, Area.LeftDockWidgetArea),
                ("network", "Network", self.network, Area.LeftDockWidgetArea),
                ("data", "Data", self.data, Area.LeftDockWidgetArea),
                ("neuron_maps", "Neuron maps", self.neuron_maps, Area.RightDockWidgetArea),
                ("inspector", "Layer inspector", self.inspector, Area.RightDockWidgetArea),
                ("chain_rule", "Chain rule", self.chain_rule, Area.RightDockWidgetArea),
                ("log", "Printed log", self.log, Area.RightDockWidgetArea),
                ("confusion", "Confusion matrix", self.outputs.confusion,
                 Area.RightDockWidgetArea),
                ("curves", "Loss, accuracy, learning rate", self.curves,
                 Area.BottomDockWidgetArea)):
            self._dock(key, title, widget, area)
        self.docks["neuron_maps"].visibilityChanged.connect(self.neuron_maps.set_on_screen)

    def _arrangement(self, room: QSize) -> list[Side]:
        """Run controls and the network on the left (the data behind it), neuron maps and the
        printout on the right (the inspector and the chain rule behind them), the curves under
        the boundary; where the room is short the curves join the right side as a tab in front
        of the maps, the inspector going behind the printout (three titles side by side would
        not fit the side), and where it is shorter still the maps and the inspector join the
        left side's tabs and the printout the curves' row under the boundary (which keeps the
        width of the book's line above it). The log is in front of the chain rule, which
        comes forward when a weight is clicked. The confusion matrix is behind the printout
        where the right side has two stacks, else behind the network and the data (a fourth
        title would not fit the right side's lower stack), and in the smallest room it joins
        the row under the boundary, whose breadth is the window's."""
        d = self.docks
        left = [[d["controls"]], [d["network"], d["data"]]]
        # Compare runs and the loss landscape (added after the lab's own) go behind the maps.
        extras = [d[key] for key in ("compare", "landscape") if key in d]
        maps, log = [d["neuron_maps"], d["inspector"], *extras], [d["log"], d["chain_rule"]]
        if room.width() >= ROOMY.width() and room.height() >= ROOMY.height():
            return [Side(Area.LeftDockWidgetArea, left, (0, -1), 430),
                    Side(Area.RightDockWidgetArea, [maps, [*log, d["confusion"]]], (560, 300),
                         520),
                    Side(Area.BottomDockWidgetArea, [[d["curves"]]], (), 300)]
        if room.width() >= MEDIUM.width() and room.height() >= MEDIUM.height():
            return [Side(Area.LeftDockWidgetArea, left, (0, -1), 420),
                    Side(Area.RightDockWidgetArea, [maps, [*log, d["confusion"]]], (460, 240),
                         400),
                    Side(Area.BottomDockWidgetArea, [[d["curves"]]], (), 280)]
        if room.width() >= COMPACT.width():
            return [Side(Area.LeftDockWidgetArea,
                         [[d["controls"]], [d["network"], d["data"], d["confusion"]]],
                         (0, -1), 420),
                    Side(Area.RightDockWidgetArea,
                         [[d["curves"], d["neuron_maps"], *extras], [*log, d["inspector"]]],
                         (400, 200),
                         380)]
        return [Side(Area.LeftDockWidgetArea,
                     [[d["controls"]], [d["network"], d["data"], *maps]], (0, -1), 410),
                Side(Area.BottomDockWidgetArea, [[d["curves"], *log, d["confusion"]]], (), 180)]

    def _create_actions(self, reset_text: str) -> None:
        super()._create_actions(reset_text)
        self._add_action("Run", "restore", "Restore the last &good state",
                         self.controller.restore_last_good, "Ctrl+R")

    def _connect(self) -> None:
        super()._connect()
        controller = self.controller
        controller.data_message.connect(self.data.set_message)
        controller.empty_points_file.connect(self.data.ask_to_clear_points)
        controller.value_refused.connect(self.inspector.show_refusal)
        self.network.architecture_changed.connect(controller.set_architecture)
        self.network.hyperparameters_changed.connect(controller.set_hyperparameters)
        self.network.stop_conditions_changed.connect(controller.set_stop_conditions)
        self.data.data_spec_changed.connect(controller.set_data_spec)
        self.data.add_class_changed.connect(self._on_data_add_class_changed)
        self.data.clear_points_requested.connect(controller.clear_points)
        self.data.load_points_requested.connect(self._on_data_load_points_requested)
        self.data.save_points_requested.connect(controller.save_points)
        self.boundary.point_added.connect(self._on_boundary_point_added)
        self.boundary.point_removed.connect(controller.remove_point)
        self.inspector.value_edited.connect(controller.edit_value)
        self.inspector.value_rejected.connect(self._on_panel_value_rejected)
        self.inspector.parameter_selected.connect(self._on_inspector_parameter_selected)
        self.outputs.connect()

    # --- what a session keeps of the views ----------------------------------------------------

    def view_settings(self) -> dict[str, Any]:
        """Which lab, the loss's log scale, and the inspector's array and orientation."""
        return {**super().view_settings(), "array": self.inspector.shown_name(),
                "transposed": self.inspector.is_transposed()}

    def apply_view_settings(self, view: Mapping[str, Any]) -> None:
        """Put saved view settings back; unknown or ill-typed entries are ignored."""
        super().apply_view_settings(view)
        if isinstance(view.get("array"), str) and view["array"]:
            self.inspector.show_array(view["array"])
        if isinstance(view.get("transposed"), bool):
            self.inspector.set_transposed(view["transposed"])

    # --- drawing and handlers ----------------------------------------------------------------

    def _show_snapshot(self, snapshot: Snapshot) -> None:
        """Hand the new snapshot to every panel (the slow ones at their own rate)."""
        info = snapshot.classification
        if info is None:
            return
        self.controls.set_snapshot(snapshot)
        self.view.status.setText(info.status_line)
        self.network.set_offered_losses(info.offered_losses)
        self._show_spec(info.spec)
        stops = dict(info.stop_conditions)
        if stops != self.network.stop_conditions():  # an opened session's: shown as set
            self.network.set_stop_conditions(stops)
        if info.boundary is not None and info.boundary_frame != self._frames["boundary"]:
            # Only the recomputed rows need colouring, if the previous frame is on screen.
            follows = info.boundary_frame == self._frames["boundary"] + 1
            self._frames["boundary"] = info.boundary_frame
            self.boundary.set_boundary(info.boundary, info.extent,
                                       info.boundary_rows if follows else None)
        points = (len(info.points), info.spec["data"]["kind"], info.spec["seed"],
                  tuple(map(tuple, info.spec["points"])))
        if points != self._shown_points:
            self._shown_points = points
            self.boundary.set_points(info.points[:len(info.points) - len(info.user_points)],
                                     info.labels[:len(info.labels) - len(info.user_labels)],
                                     info.validation_points, info.validation_labels,
                                     info.user_points, info.user_labels)
            self.data.set_user_point_count(len(info.user_points))
        self.outputs.show(snapshot)
        self._tables_throttle.submit(snapshot, snapshot.running)
        self._curves_throttle.submit(snapshot, snapshot.running)
        self._secondary = snapshot
        self._secondary_timer.start()

    def _on_secondary_timer_timeout(self) -> None:
        """The views that follow the main ones: neuron maps (when recomputed) and chain rule."""
        snapshot, self._secondary = self._secondary, None
        if snapshot is None:
            return
        info = snapshot.classification
        if info.maps_frame != self._frames["maps"]:
            self._frames["maps"] = info.maps_frame
            # A diverged network's maps are NaN: shown as flat rather than as garbage.
            grids = [np.nan_to_num(grid, nan=0.0, posinf=0.0, neginf=0.0)
                     for grid in info.hidden_maps]
            self.neuron_maps.set_maps(maps_from_layers(grids), info.maps_extent)
        self.chain_rule.set_snapshot(snapshot)

    def _draw_tables(self, snapshot: Snapshot) -> None:
        """The inspector's table and the log: at most every TABLES_S while running."""
        self.inspector.set_snapshot(snapshot)
        self.log.set_snapshot(snapshot)

    def _draw_curves(self, snapshot: Snapshot) -> None:
        """Loss, accuracy and learning rate per epoch: at most every CURVES_S while running."""
        info = snapshot.classification
        history = info.history
        self.curves.set_history(info.history_epochs, history["loss"],
                                history["accuracy"], info.validation_loss,
                                info.validation_accuracy, history["learning_rate"],
                                val_epochs=info.validation_epochs)

    def _show_spec(self, spec: Mapping) -> None:
        """Put a spec the controller built (a preset, a refusal's kept spec) into the panels."""
        network_part = {key: spec[key] for key in ("data", "seed", "hidden", "output", "loss",
                                                   "optimizer", "numerics")}
        if network_part == self._shown_spec:
            return
        self._shown_spec = network_part
        self.network.set_architecture(dict(spec))
        self.data.set_spec(dict(spec))
        classes = spec["data"].get("classes", 1)  # a regression has none
        self.boundary.set_add_class(self.data.add_class(), classes)

    def _on_data_add_class_changed(self, index: int) -> None:
        """The class a click on the plane adds."""
        self.boundary.set_add_class(index, self.data.spec()["data"].get("classes", 1))

    def _on_data_load_points_requested(self, path: str) -> None:
        """A points file chosen: read on a worker thread with progress, then loaded."""
        load_points_in_background(self.window, self.controller, path)

    def _on_boundary_point_added(self, x: float, y: float, label: int) -> None:
        """A click on the plane: add a point of the chosen class there."""
        self.controller.add_point(x, y, label)

    def _on_inspector_parameter_selected(self, name: str, index: Index) -> None:
        """A weight or bias clicked in the inspector: its chain rule, brought to the front."""
        self.controller.select(name, index)
        self.docks["chain_rule"].raise_()

    def _create_panel_actions(self) -> None:
        """The added points' buttons as keys: each presses its button, so a key does only
        what the button would (nothing while it is greyed out)."""
        for key, text, button, keys in (
                ("clear_points", "&Clear added points", self.data.clear_button,
                 "Ctrl+Shift+Backspace"),
                ("save_points", "Save added &points…", self.data.save_button, "Ctrl+Alt+P"),
                ("load_points", "&Load points…", self.data.load_button, "Ctrl+Alt+O")):
            action = self._add_action("Edit", key, text, button.click, keys)
            button.setToolTip(f"{action.text().replace('&', '')} ({keys_text(action)})")


def install_classification_lab(window: MainWindow, scenario: str = "spiral") -> ClassificationLab:
    """Put the classification lab in `window`, starting in `scenario`."""
    lab = ClassificationLab(window)
    window.add_lab(lab)
    lab.load(scenario)
    return lab
