"""What the book's chapters 16 and 17 add to the classification lab's views, and the brush.

- A regression (chapter 17's sine) has no plane to colour: the middle of the window plots the
  data and the network's prediction over x instead (gui/plots/regression_plot.py), and the
  accuracy curve says what the book's regression accuracy counts.
- A sigmoid's probability (chapter 16) gets its 0.5 contour drawn over the boundary
  (gui/plots/probability_contour.py): where the book's `output > 0.5` changes its answer.
- A classifier's confusion matrices (confusion_panel.py), training and validation, live; a
  cell clicked rings its points on the plane.
- The data panel's brush paints strokes of points on either plot (gui/plots/point_brush.py).

The lab builds this once and hands it every snapshot (`show`); everything else stays the lab's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject

from gui.controller.snapshot import ClassificationInfo, Snapshot
from gui.labs.classification.confusion_panel import ConfusionPanel
from gui.plots.point_brush import PointBrush
from gui.plots.probability_contour import ProbabilityContour
from gui.plots.regression_plot import RegressionPlot
from gui.plots.throttle import Throttle
from gui.shell.colors import CLASS_COLORS_HEX

if TYPE_CHECKING:
    from gui.labs.classification.lab import ClassificationLab

CONFUSION_S = 0.4  # the matrices redraw at most this often while running, as the tables do
HIGHLIGHT_SIZE = 17
HIGHLIGHT_COLOR = "#F0E442"  # Okabe and Ito's yellow: apart from every class colour
ACCURACY_LABELS = {True: "accuracy", False: "accuracy (|prediction - y| < std(y) / 250)"}


def _binary_probability(info: ClassificationInfo) -> np.ndarray | None:
    """The one sigmoid's probability of class 1 over the plane, or None for other outputs."""
    if info.boundary is None or info.spec.get("loss") != "binary_crossentropy" or \
            info.spec["data"].get("classes") != 2:
        return None
    return info.boundary[..., 1]


class OutputViews(QObject):
    """The regression plot, the sigmoid's contour, the confusion panel and the brushes of one
    classification lab."""

    def __init__(self, lab: ClassificationLab):
        super().__init__(lab)
        self._lab = lab
        self.regression = RegressionPlot()
        self.regression.hide()
        lab.view.layout().addWidget(self.regression, 1)
        self.confusion = ConfusionPanel()
        boundary_item = lab.boundary.plot_widget.getPlotItem()
        self.contour = ProbabilityContour(boundary_item)
        self.highlight = pg.ScatterPlotItem(size=HIGHLIGHT_SIZE, symbol="o",
                                            pen=pg.mkPen(HIGHLIGHT_COLOR, width=3),
                                            brush=pg.mkBrush(None))
        self.highlight.setZValue(15)
        boundary_item.addItem(self.highlight, ignoreBounds=True)
        self.brushes = (PointBrush(lab.boundary.plot_widget, CLASS_COLORS_HEX[0]),
                        PointBrush(self.regression.plot_widget, CLASS_COLORS_HEX[2]))
        self._showing_regression = False
        self._frames = {"regression": -1, "contour": -1}
        self._shown_points: tuple | None = None
        self._latest: ClassificationInfo | None = None
        self._confusion_throttle = Throttle(self.confusion.set_snapshot, self,
                                            interval=CONFUSION_S)

    def connect(self) -> None:
        lab, controller = self._lab, self._lab.controller
        self.regression.point_added.connect(self._on_regression_point_added)
        self.regression.point_removed.connect(controller.remove_point)
        lab.data.brush_toggled.connect(self._on_data_brush_toggled)
        lab.data.add_class_changed.connect(self._on_data_add_class_changed)
        for brush in self.brushes:
            brush.stroke_finished.connect(self._on_brush_stroke_finished)
        self.confusion.cell_selected.connect(self._on_confusion_cell_selected)

    # -- drawing ------------------------------------------------------------------------------

    def show(self, snapshot: Snapshot) -> None:
        """Draw what this part shows of a new snapshot."""
        info = snapshot.classification
        self._latest = info
        regression = info.regression is not None
        if regression != self._showing_regression:
            self._show_kind(regression)
        if regression:
            self._show_regression(info)
        elif info.boundary_frame != self._frames["contour"]:
            self._frames["contour"] = info.boundary_frame
            self.contour.set_probability(_binary_probability(info), info.extent)
        self._confusion_throttle.submit(snapshot, snapshot.running)
        self._show_highlight()

    def _show_kind(self, regression: bool) -> None:
        """The regression plot or the boundary in the middle, and the curves' accuracy label."""
        self._showing_regression = regression
        self._lab.boundary.setVisible(not regression)
        self.regression.setVisible(regression)
        self._lab.curves.set_accuracy_name(ACCURACY_LABELS[not regression])
        if regression:
            self._lab.neuron_maps.set_axes("X[:, 0]", None, "along x")
        else:
            self._lab.neuron_maps.set_axes()
        self._frames["regression"] = -1
        self._shown_points = None

    def _show_regression(self, info: ClassificationInfo) -> None:
        curve = info.regression
        if curve.frame != self._frames["regression"]:
            self._frames["regression"] = curve.frame
            self.regression.set_prediction(curve.xs, curve.prediction, info.extent)
        points = (len(info.points), info.spec["seed"], tuple(map(tuple, info.spec["points"])))
        if points != self._shown_points:
            self._shown_points = points
            self.regression.set_points(info.points, info.user_points)
            self._lab.data.set_user_point_count(len(info.user_points))

    def _show_highlight(self) -> None:
        """Ring the points of the confusion cell picked, as the network predicts them now."""
        info, picked = self._latest, self.confusion.selected()
        if info is None or info.confusion is None or picked is None:
            self.highlight.setData(pos=np.zeros((0, 2)))
            return
        name, true, predicted = picked
        if name == "training":
            points, labels, guesses = info.points, info.labels, info.confusion.predicted
        else:
            points, labels = info.validation_points, info.validation_labels
            guesses = info.confusion.validation_predicted
        self.highlight.setData(pos=points[(labels == true) & (guesses == predicted)])

    # -- handlers -----------------------------------------------------------------------------

    def _on_regression_point_added(self, x: float, target: float) -> None:
        """A click on the regression plot: a point (x, target) joins the data."""
        self._lab.controller.add_point(x, target, 0)

    def _on_data_brush_toggled(self, on: bool) -> None:
        """The brush on or off, on both plots."""
        for brush in self.brushes:
            brush.set_enabled(on)

    def _on_data_add_class_changed(self, index: int) -> None:
        """A stroke on the plane shows the colour of the class it adds."""
        self.brushes[0].set_color(CLASS_COLORS_HEX[index % len(CLASS_COLORS_HEX)])

    def _on_brush_stroke_finished(self, stroke: list) -> None:
        """A brush stroke let go: its points join the data in one change."""
        self._lab.controller.add_points(stroke, self._lab.data.add_class())

    def _on_confusion_cell_selected(self, _name: str, _true: int, _predicted: int) -> None:
        """A confusion cell picked (or the pick cleared): ring its points."""
        self._show_highlight()
