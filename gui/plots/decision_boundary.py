"""The input plane coloured by the class the network predicts, with the data on top.

Each cell's colour is the class colours mixed by the softmax probabilities, then washed toward
the background where the network is unsure, so a confident region reads as a solid hue and a
border reads as a pale blend. The learner adds points of the chosen class by clicking, and
removes an added point with Shift+click (Shift rather than Ctrl, because Ctrl+click is a right
click on macOS).
"""

from __future__ import annotations

import functools

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtWidgets import QGraphicsItem, QLabel, QVBoxLayout, QWidget

from gui.plots.axes import plain_axes
from gui.shell.colors import (
    CLASS_COLOR_NAMES,
    CLASS_COLORS_HEX,
    CLASS_COLORS_RGB,
    POINT_OUTLINE_HEX,
)
from gui.shell.theme import Theme, current_theme

# How strongly a cell shows its colour: from MIN_STRENGTH where all classes are equally likely
# to MIN_STRENGTH + CONFIDENCE_STRENGTH where one class has probability 1.
MIN_STRENGTH = 0.2
CONFIDENCE_STRENGTH = 0.4
REMOVE_RADIUS_PX = 25.0  # a Shift+click farther than this from every added point removes nothing
POINT_SIZE = 7
USER_POINT_SIZE = 14

Extent = tuple[float, float, float, float]  # (x_min, x_max, y_min, y_max) of the cell centres


def blend_class_colors(probabilities: np.ndarray) -> np.ndarray:
    """Colour each cell by its class probabilities.

    probabilities: (ny, nx, n_classes), rows summing to 1. Returns (ny, nx, 3) uint8 RGB.
    A cell the network could not compute (NaN once training diverged) shows as undecided.
    """
    n_classes = probabilities.shape[-1]
    probabilities = np.asarray(probabilities, dtype=np.float32)
    if not np.isfinite(probabilities).all():
        probabilities = np.where(np.isfinite(probabilities).all(axis=-1, keepdims=True),
                                 probabilities, np.float32(1.0 / n_classes))
    mixed = probabilities @ CLASS_COLORS_RGB[:n_classes]  # (ny, nx, 3)
    # Confidence 0 when the top class is at chance level, 1 when it is certain. The top
    # probability is taken class by class: numpy's max over a last axis of length 3 takes 30
    # times as long (1.5 ms for 200 x 200 cells).
    chance = 1.0 / n_classes
    top = functools.reduce(np.maximum, (probabilities[..., k] for k in range(n_classes)))
    confidence = (top - chance) / (1.0 - chance)
    strength = (MIN_STRENGTH + CONFIDENCE_STRENGTH * np.clip(confidence, 0.0, 1.0))[..., None]
    return (255.0 - strength * (255.0 - mixed)).astype(np.uint8)


def grid_coordinates(extent: Extent, cells: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """The cell centres xs: (cells,), ys: (cells,) that `set_boundary` expects for `extent`."""
    x_min, x_max, y_min, y_max = extent
    return np.linspace(x_min, x_max, cells), np.linspace(y_min, y_max, cells)


class DecisionBoundaryPlot(QWidget):
    """Predicted classes over the input plane; click to add a point, Shift+click to remove one."""

    # (x, y, class_index) where the learner clicked, in data coordinates
    point_added = Signal(float, float, int)
    # (int) index into the user points (as last given to set_points) of the one nearest the click
    point_removed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._add_class = 0
        self._n_classes = 3
        self._extent: Extent | None = None
        self._placed: tuple | None = None  # (extent, nx, ny) the image was last placed at
        self._rgb: np.ndarray | None = None  # (ny, nx, 3) the colours shown
        self._user_points = np.zeros((0, 2))
        self._fill_brushes = np.array([pg.mkBrush(c) for c in CLASS_COLORS_HEX], dtype=object)
        self._ring_pens = np.array([pg.mkPen(c, width=2) for c in CLASS_COLORS_HEX], dtype=object)
        self._make_plot(current_theme())
        self.plot_widget.scene().sigMouseClicked.connect(self._on_scene_clicked)

        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot_widget, stretch=1)
        layout.addWidget(self.hint)
        layout.addWidget(self.message)
        self._update_hint()

    def _make_plot(self, theme: Theme) -> None:
        """The plane's image under the three kinds of points, with their legend."""
        self.plot_widget = pg.PlotWidget(background=theme.panel)
        self.plot_widget.setMinimumSize(240, 240)
        item = self.plot_widget.getPlotItem()
        item.setLabel("bottom", "X[:, 0]")
        item.setLabel("left", "X[:, 1]")
        plain_axes(item)
        item.hideButtons()
        item.getViewBox().setAspectLocked(True)
        for side in ("left", "bottom"):
            # Ticks reach into the plane, so every new frame would repaint the axes' text too;
            # cached, they are redrawn only when their range changes.
            item.getAxis(side).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setZValue(-10)
        item.addItem(self.image)
        outline = pg.mkPen(POINT_OUTLINE_HEX, width=0.8)
        # The items' own (grey) pens and brushes only show in the legend: every point gets its
        # class colour in set_points.
        grey = theme.muted_text
        self.training_points = pg.ScatterPlotItem(
            size=POINT_SIZE, pen=outline, brush=pg.mkBrush(grey), symbol="o", name="training"
        )
        self.validation_points = pg.ScatterPlotItem(
            size=POINT_SIZE, pen=pg.mkPen(grey, width=2), brush=pg.mkBrush(None), symbol="o",
            name="validation",
        )
        self.user_points = pg.ScatterPlotItem(
            size=USER_POINT_SIZE, pen=pg.mkPen(POINT_OUTLINE_HEX, width=2),
            brush=pg.mkBrush(grey), symbol="star", name="added by you",
        )
        self.legend = item.addLegend(
            offset=(-4, 4), brush=pg.mkBrush(theme.panel + "cc"), labelTextColor=theme.text,
            labelTextSize="8pt", verSpacing=-6,
        )
        for scatter in (self.training_points, self.validation_points, self.user_points):
            item.addItem(scatter)

    def set_boundary(self, probabilities: np.ndarray, extent: Extent,
                     rows: np.ndarray | slice | None = None) -> None:
        """Show probabilities: (ny, nx, n_classes) predicted at the cell centres spanning extent.
        rows: only these rows changed since the last call (the rest are coloured already)."""
        ny, nx, _ = probabilities.shape
        if rows is None or self._rgb is None or self._rgb.shape[:2] != (ny, nx) \
                or (extent, nx, ny) != self._placed:
            self._rgb = blend_class_colors(probabilities)
        else:
            self._rgb[rows] = blend_class_colors(probabilities[rows])
        self.image.setImage(self._rgb, levels=(0, 255), autoLevels=False)
        x_min, x_max, y_min, y_max = extent
        if (extent, nx, ny) == self._placed:
            return  # same place: a new frame only changes the pixels
        self._placed = (extent, nx, ny)
        dx = (x_max - x_min) / max(nx - 1, 1)
        dy = (y_max - y_min) / max(ny - 1, 1)
        self.image.setRect(QRectF(x_min - dx / 2, y_min - dy / 2, dx * nx, dy * ny))
        if extent != self._extent:
            self._extent = extent
            self.plot_widget.getPlotItem().getViewBox().setRange(
                xRange=(x_min, x_max), yRange=(y_min, y_max), padding=0.02
            )

    def set_points(
        self,
        points: np.ndarray,
        labels: np.ndarray,
        validation_points: np.ndarray | None = None,
        validation_labels: np.ndarray | None = None,
        user_points: np.ndarray | None = None,
        user_labels: np.ndarray | None = None,
    ) -> None:
        """Training points (n, 2) filled, validation points hollow, user points as stars."""
        self.training_points.setData(
            pos=np.asarray(points).reshape(-1, 2), brush=self._fill_brushes[np.asarray(labels)]
        )
        if validation_points is None:
            validation_points, validation_labels = np.zeros((0, 2)), np.zeros(0, dtype=int)
        self.validation_points.setData(
            pos=np.asarray(validation_points).reshape(-1, 2),
            pen=self._ring_pens[np.asarray(validation_labels)],
        )
        if user_points is None:
            user_points, user_labels = np.zeros((0, 2)), np.zeros(0, dtype=int)
        self._user_points = np.asarray(user_points, dtype=np.float64).reshape(-1, 2)
        self.user_points.setData(
            pos=self._user_points, brush=self._fill_brushes[np.asarray(user_labels)]
        )

    def set_add_class(self, class_index: int, n_classes: int | None = None) -> None:
        """Choose the class a click adds (and how many classes the data set has)."""
        if n_classes is not None:
            self._n_classes = n_classes
        self._add_class = min(max(class_index, 0), self._n_classes - 1)
        self._update_hint()

    def data_to_viewport(self, x: float, y: float) -> QPoint:
        """The viewport pixel where data point (x, y) is drawn (tests click here)."""
        view_box = self.plot_widget.getPlotItem().getViewBox()
        return self.plot_widget.mapFromScene(view_box.mapViewToScene(QPointF(x, y)))

    def _update_hint(self) -> None:
        name = CLASS_COLOR_NAMES[self._add_class]
        self.hint.setText(
            f"Click: add a class {self._add_class} ({name}) point. "
            "Shift+click: remove the nearest added point (star)."
        )
        self.plot_widget.setToolTip(self.hint.text())

    def _on_scene_clicked(self, event) -> None:
        """Turn a left click inside the plot area into an add or remove request."""
        if event.button() != Qt.MouseButton.LeftButton or event.double():
            return
        view_box = self.plot_widget.getPlotItem().getViewBox()
        scene_pos = event.scenePos()
        if not view_box.sceneBoundingRect().contains(scene_pos):
            return
        if self.legend.sceneBoundingRect().contains(scene_pos):
            return  # a click on a legend entry shows or hides those points instead
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self._remove_nearest(scene_pos)
            return
        where = view_box.mapSceneToView(scene_pos)
        self.message.clear()
        self.point_added.emit(where.x(), where.y(), self._add_class)

    def _remove_nearest(self, scene_pos: QPointF) -> None:
        if len(self._user_points) == 0:
            self.message.setText("There are no added points to remove.")
            return
        view_box = self.plot_widget.getPlotItem().getViewBox()
        # Distances in screen pixels, so "near" means the same at every zoom level.
        x_px, y_px = view_box.viewPixelSize()
        where = view_box.mapSceneToView(scene_pos)
        dx = (self._user_points[:, 0] - where.x()) / x_px
        dy = (self._user_points[:, 1] - where.y()) / y_px
        distances = np.hypot(dx, dy)
        nearest = int(np.argmin(distances))
        if distances[nearest] > REMOVE_RADIUS_PX:
            self.message.setText("No added point near the click; Shift+click on a star.")
            return
        self.message.clear()
        self.point_removed.emit(nearest)

