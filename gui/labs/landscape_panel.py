"""The loss landscape panel both labs show: the loss as a heatmap over two axes, where training
stands (a star), the negative gradient there (an arrow), the paths of the updates so far and,
in the hand lab, four optimizers racing from the current point.

Hand lab: the learner picks the two parameters, and the picture follows every change.
Classification lab: the plane through the current weights, computed on Compute (41 x 41 on
the thread pool, the progress shown). The panel draws LandscapeViews and asks through its
signals; the controller's landscape part computes (gui/controller/landscape_part.py).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, QSignalBlocker, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gui.controller.landscape_snapshot import DIRECTIONS, HAND, LandscapeView
from gui.plots.axes import plain_axes
from gui.shell.theme import current_theme
from gui.widgets.input_boxes import ChoiceBox

RACERS = {"SGD": "#E69F00", "SGD with momentum": "#56B4E9", "RMSprop": "#009E73",
          "Adam": "#CC79A7"}
ARROW_SHARE = 0.15  # the gradient arrow is this share of the grid's width long


class LandscapePanel(QWidget):
    """The landscape's choices, progress, message and picture."""

    # (first label, second label) the hand example's two axes
    axes_chosen = Signal(str, str)
    # (bool) race the optimizers from the current point
    racing_toggled = Signal(bool)
    # (str) the classifier plane's directions: "random" or "path"
    directions_chosen = Signal(str)
    compute_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.view: LandscapeView | None = None
        self.first, self.second = ChoiceBox(), ChoiceBox()
        self.x_label, self.y_label = QLabel("x"), QLabel("y")
        self.race_box = QCheckBox("Race the optimizers")
        self.race_box.setToolTip("SGD, SGD with momentum, RMSprop and Adam from the current "
                                 "point, 200 steps each, on this surface")
        self.directions = ChoiceBox()
        for key, text in DIRECTIONS:
            self.directions.addItem(text, key)
        self.compute_button = QPushButton("Compute 41 x 41")
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self._make_plot()
        self._lay_out()
        for box in (self.first, self.second):
            box.currentIndexChanged.connect(self._on_axis_box_current_index_changed)
        self.race_box.toggled.connect(self.racing_toggled)
        self.directions.currentIndexChanged.connect(
            lambda _index: self.directions_chosen.emit(self.directions.currentData()))
        self.compute_button.clicked.connect(self.compute_requested)

    def _make_plot(self) -> None:
        self.plot_widget = pg.PlotWidget(background=current_theme().panel)
        self.plot_widget.setMinimumSize(200, 180)
        item = self.plot_widget.getPlotItem()
        plain_axes(item)
        item.hideButtons()
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(pg.colormap.get("viridis").getLookupTable(nPts=256))
        self.image.setZValue(-10)
        item.addItem(self.image)
        self.legend = item.addLegend(offset=(-4, 4), labelTextSize="8pt", verSpacing=-6)
        self.current = pg.ScatterPlotItem(size=14, symbol="star", pen=pg.mkPen("#1A1A1A"),
                                          brush=pg.mkBrush("#FFFFFF"), name="now")
        self.gradient = item.plot(pen=pg.mkPen("#FFFFFF", width=2), name="-gradient")
        self.arrow = pg.ArrowItem(pen=pg.mkPen("#FFFFFF"), brush=pg.mkBrush("#FFFFFF"),
                                  headLen=12)
        self.arrow.setVisible(False)
        item.addItem(self.current)
        item.addItem(self.arrow)
        self.paths: dict[str, pg.PlotDataItem] = {}
        # Named in the legend only while they race.
        self.racers = {name: item.plot(pen=pg.mkPen(color, width=2))
                       for name, color in RACERS.items()}
        self._in_legend: set[str] = set()

    def _lay_out(self) -> None:
        axes = QHBoxLayout()
        for widget in (self.x_label, self.first, self.y_label, self.second, self.directions):
            axes.addWidget(widget, 0 if isinstance(widget, QLabel) else 1)
        actions = QHBoxLayout()
        actions.addWidget(self.race_box)
        actions.addWidget(self.compute_button)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(axes)
        layout.addLayout(actions)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addWidget(self.plot_widget, 1)

    # --- drawing ------------------------------------------------------------------------------

    def set_view(self, view: LandscapeView) -> None:
        self.view = view
        hand = view.kind == HAND
        for widget in (self.x_label, self.first, self.y_label, self.second, self.race_box):
            widget.setVisible(hand)
        self.directions.setVisible(not hand)
        self.compute_button.setVisible(not hand)
        self._show_choices(view)
        self.progress.setVisible(view.progress < 1)
        self.progress.setValue(int(100 * view.progress))
        self.message.setText(view.message)
        item = self.plot_widget.getPlotItem()
        item.setLabel("bottom", view.axes[0])
        item.setLabel("left", view.axes[1])
        self._show_grid(view)
        self._show_marks(view)

    def _show_choices(self, view: LandscapeView) -> None:
        with QSignalBlocker(self.first), QSignalBlocker(self.second), \
                QSignalBlocker(self.race_box), QSignalBlocker(self.directions):
            for box, chosen in zip((self.first, self.second), view.chosen, strict=True):
                if [box.itemText(i) for i in range(box.count())] != list(view.choices):
                    box.clear()
                    box.addItems(view.choices)
                box.setCurrentIndex(box.findText(chosen))
            self.race_box.setChecked(view.racing)
            self.directions.setCurrentIndex(self.directions.findData(view.directions))

    def _show_grid(self, view: LandscapeView) -> None:
        if view.losses is None or view.xs is None:
            self.image.clear()
            return
        losses = np.asarray(view.losses, dtype=float)
        finite = losses[np.isfinite(losses)]
        if finite.size == 0:
            self.image.clear()
            return
        # The log of the loss: a landscape's floor is where the learner looks, and a linear
        # scale spends its colours on the far walls.
        floor = 1e-3 * max(float(np.abs(finite).max()), 1e-12)
        shown = np.log10(np.where(np.isfinite(losses), losses, np.nan) - finite.min() + floor)
        low, high = float(np.nanmin(shown)), float(np.nanmax(shown))
        self.image.setImage(np.nan_to_num(shown, nan=high), levels=(low, max(high, low + 1e-9)),
                            autoLevels=False)
        xs, ys = view.xs, view.ys
        dx, dy = (xs[-1] - xs[0]) / (len(xs) - 1), (ys[-1] - ys[0]) / (len(ys) - 1)
        self.image.setRect(QRectF(xs[0] - dx / 2, ys[0] - dy / 2, dx * len(xs), dy * len(ys)))

    def _show_marks(self, view: LandscapeView) -> None:
        item = self.plot_widget.getPlotItem()
        for name in set(self.paths) - set(view.paths):
            item.removeItem(self.paths.pop(name))
        for name, (color, points) in view.paths.items():
            if name not in self.paths:
                self.paths[name] = item.plot(pen=pg.mkPen(color, width=2),
                                             symbol="o", symbolSize=3, name=name)
            self.paths[name].setData(points[:, 0], points[:, 1])
        for name, curve in self.racers.items():
            points = view.race.get(name)
            curve.setData([] if points is None else points[:, 0],
                          [] if points is None else points[:, 1])
            if (points is not None) != (name in self._in_legend):
                if points is None:
                    self.legend.removeItem(curve)
                    self._in_legend.discard(name)
                else:
                    self.legend.addItem(curve, name)
                    self._in_legend.add(name)
        if view.current is None or view.xs is None:
            self.current.setData([], [])
            self.gradient.setData([], [])
            self.arrow.setVisible(False)
            return
        x, y = (float(value) for value in view.current)
        self.current.setData([x], [y])
        self._show_arrow(view, x, y)

    def _show_arrow(self, view: LandscapeView, x: float, y: float) -> None:
        """The negative gradient from the current point, scaled to a readable length."""
        descent = np.asarray(view.descent, dtype=float)
        size = np.hypot(*descent)
        if not np.isfinite(size) or size == 0:
            self.gradient.setData([], [])
            self.arrow.setVisible(False)
            return
        length = ARROW_SHARE * float(view.xs[-1] - view.xs[0])
        tip = np.array([x, y]) + descent / size * length
        self.gradient.setData([x, tip[0]], [y, tip[1]])
        # The head turns on the screen, where the axes' scales differ: its angle is measured
        # there (0 points left, angles turn clockwise).
        box = self.plot_widget.getPlotItem().getViewBox()
        start, end = box.mapViewToScene(QPointF(x, y)), box.mapViewToScene(QPointF(*tip))
        angle = float(np.degrees(np.arctan2(start.y() - end.y(), end.x() - start.x())))
        self.arrow.setStyle(angle=180 - angle)
        self.arrow.setPos(*tip)
        self.arrow.setVisible(True)

    def _on_axis_box_current_index_changed(self, _index: int) -> None:
        self.axes_chosen.emit(self.first.currentText(), self.second.currentText())
