"""A regression's data and the network's prediction over x, as the book's chapter 17 plots them
(plt.plot(X_test, y_test); plt.plot(X_test, activation3.output)), redrawn as the network learns.

The learner adds a point (x, target) by clicking, removes an added one with Shift+click, and
with the brush on paints a stroke of them; added points are stars, as on the boundary plot.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, QPointF, Qt, Signal
from PySide6.QtWidgets import QGraphicsItem, QLabel, QVBoxLayout, QWidget

from gui.shell.colors import CLASS_COLORS_HEX, POINT_OUTLINE_HEX
from gui.shell.theme import Theme, current_theme

Extent = tuple[float, float, float, float]  # (x_min, x_max, y_min, y_max)
DATA_SIZE = 4
USER_POINT_SIZE = 14
REMOVE_RADIUS_PX = 25.0
PREDICTION_WIDTH = 3


class RegressionPlot(QWidget):
    """The data as dots, the prediction as a line over x; click adds a point, Shift+click
    removes the nearest added one."""

    # (x, target) where the learner clicked, in data coordinates
    point_added = Signal(float, float)
    # (int) index into the user points (as last given to set_points) of the one nearest the click
    point_removed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._extent: Extent | None = None
        self._user_points = np.zeros((0, 2))
        self._make_plot(current_theme())
        self.plot_widget.scene().sigMouseClicked.connect(self._on_scene_clicked)
        self.hint = QLabel("Click: add a point (x, target). Shift+click: remove the nearest "
                           "added point (star).")
        self.hint.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot_widget, stretch=1)
        layout.addWidget(self.hint)
        layout.addWidget(self.message)

    def _make_plot(self, theme: Theme) -> None:
        self.plot_widget = pg.PlotWidget(background=theme.panel)
        self.plot_widget.setMinimumSize(240, 240)
        item = self.plot_widget.getPlotItem()
        item.setLabel("bottom", "X[:, 0]")
        item.setLabel("left", "y")  # the legend tells the data's dots from the prediction
        item.hideButtons()
        item.showGrid(x=True, y=True, alpha=0.15)
        for side in ("left", "bottom"):
            item.getAxis(side).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        data_color, prediction_color = CLASS_COLORS_HEX[0], CLASS_COLORS_HEX[1]
        self.data_points = pg.ScatterPlotItem(size=DATA_SIZE, pen=pg.mkPen(None),
                                              brush=pg.mkBrush(data_color), name="data (y)")
        self.prediction = pg.PlotDataItem(pen=pg.mkPen(prediction_color, width=PREDICTION_WIDTH),
                                          name="prediction (the output)")
        self.user_points = pg.ScatterPlotItem(
            size=USER_POINT_SIZE, pen=pg.mkPen(POINT_OUTLINE_HEX, width=2),
            brush=pg.mkBrush(CLASS_COLORS_HEX[2]), symbol="star", name="added by you")
        self.legend = item.addLegend(offset=(-4, 4), brush=pg.mkBrush(theme.panel + "cc"),
                                     labelTextColor=theme.text, labelTextSize="8pt")
        for each in (self.data_points, self.prediction, self.user_points):
            item.addItem(each)

    def set_points(self, points: np.ndarray, user_points: np.ndarray | None = None) -> None:
        """points: (n, 2) the data as (x, target), added points included; user_points: (k, 2)
        the added ones, drawn as stars on top."""
        self.data_points.setData(pos=np.asarray(points, dtype=np.float64).reshape(-1, 2))
        self._user_points = np.zeros((0, 2)) if user_points is None else \
            np.asarray(user_points, dtype=np.float64).reshape(-1, 2)
        self.user_points.setData(pos=self._user_points)

    def set_prediction(self, xs: np.ndarray, prediction: np.ndarray, extent: Extent) -> None:
        """The network's output (n,) at xs (n,); a diverged prediction (NaN) draws nothing."""
        prediction = np.asarray(prediction, dtype=np.float64)
        finite = np.isfinite(prediction)
        self.prediction.setData(np.asarray(xs)[finite], prediction[finite])
        if extent != self._extent:
            self._extent = extent
            x_min, x_max, y_min, y_max = extent
            self.plot_widget.getPlotItem().getViewBox().setRange(
                xRange=(x_min, x_max), yRange=(y_min, y_max), padding=0.0)

    def data_to_viewport(self, x: float, y: float) -> QPoint:
        """The viewport pixel where data point (x, y) is drawn (tests click here)."""
        view_box = self.plot_widget.getPlotItem().getViewBox()
        return self.plot_widget.mapFromScene(view_box.mapViewToScene(QPointF(x, y)))

    def _on_scene_clicked(self, event) -> None:
        """A left click inside the plot: add a point there, or with Shift remove one."""
        if event.button() != Qt.MouseButton.LeftButton or event.double():
            return
        view_box = self.plot_widget.getPlotItem().getViewBox()
        scene_pos = event.scenePos()
        if not view_box.sceneBoundingRect().contains(scene_pos) or \
                self.legend.sceneBoundingRect().contains(scene_pos):
            return
        where = view_box.mapSceneToView(scene_pos)
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self._remove_nearest(where)
            return
        self.message.clear()
        self.point_added.emit(where.x(), where.y())

    def _remove_nearest(self, where: QPointF) -> None:
        if len(self._user_points) == 0:
            self.message.setText("There are no added points to remove.")
            return
        x_px, y_px = self.plot_widget.getPlotItem().getViewBox().viewPixelSize()
        distances = np.hypot((self._user_points[:, 0] - where.x()) / x_px,
                             (self._user_points[:, 1] - where.y()) / y_px)
        nearest = int(np.argmin(distances))
        if distances[nearest] > REMOVE_RADIUS_PX:
            self.message.setText("No added point near the click; Shift+click on a star.")
            return
        self.message.clear()
        self.point_removed.emit(nearest)
