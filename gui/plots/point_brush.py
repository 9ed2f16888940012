"""A brush for painting data points on a plot: with it on, a drag leaves a trail of points.

ConvNetJS's demos add one point a click; painting a cluster that way takes dozens of clicks. With
the brush on, a press puts a point where the pointer is and dragging puts another each
SPACING_PX pixels along the way; the stroke is shown as it is drawn and handed over as one
batch when the button is let go, so one stroke is one change (one undo step, one rebuild).
The plot's own panning is off while the brush is on; Shift+click still reaches the plot, so an
added point can still be removed.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, Qt, Signal
from PySide6.QtGui import QMouseEvent

SPACING_PX = 10.0  # a new point each this many pixels of drag
TRAIL_SIZE = 9


class PointBrush(QObject):
    """Turns left-button strokes on `plot_widget` into batches of points in data coordinates."""

    # (list of (x, y)) the points of one stroke, in data coordinates, in the order drawn
    stroke_finished = Signal(list)

    def __init__(self, plot_widget: pg.PlotWidget, color: str = "#888888"):
        super().__init__(plot_widget)
        self._widget = plot_widget
        self._view_box = plot_widget.getPlotItem().getViewBox()
        self._enabled = False
        self._stroke: list[tuple[float, float]] = []
        self._last_pixel: QPointF | None = None
        self.trail = pg.ScatterPlotItem(size=TRAIL_SIZE, symbol="star",
                                        pen=pg.mkPen("#1A1A1A", width=1), brush=pg.mkBrush(color))
        self.trail.setZValue(20)
        plot_widget.getPlotItem().addItem(self.trail, ignoreBounds=True)
        plot_widget.viewport().installEventFilter(self)

    @property
    def enabled(self) -> bool:
        return self._enabled

    def set_enabled(self, on: bool) -> None:
        """Switch the brush on (drags paint, the view stays put) or off (drags pan again)."""
        self._enabled = on
        self._view_box.setMouseEnabled(x=not on, y=not on)
        self._widget.viewport().setCursor(Qt.CursorShape.CrossCursor if on
                                          else Qt.CursorShape.ArrowCursor)
        if not on:
            self._clear()

    def set_color(self, color: str) -> None:
        """The colour of the stroke being drawn: the class it adds."""
        self.trail.setBrush(pg.mkBrush(color))

    def stroke(self) -> list[tuple[float, float]]:
        """The points of the stroke being drawn (empty between strokes)."""
        return list(self._stroke)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if not self._enabled or not isinstance(event, QMouseEvent):
            return False
        kind = event.type()
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if kind == QEvent.Type.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton \
                and not shift:
            self._clear()
            self._add(event.position())
            return True
        if kind == QEvent.Type.MouseMove and self._last_pixel is not None:
            self._extend(event.position())
            return True
        if kind == QEvent.Type.MouseButtonRelease and self._last_pixel is not None:
            stroke = self.stroke()
            self._clear()
            if stroke:
                self.stroke_finished.emit(stroke)
            return True
        return False

    def _extend(self, pixel: QPointF) -> None:
        """Points every SPACING_PX along the straight line from the last one to `pixel`."""
        last = self._last_pixel
        distance = float(np.hypot(pixel.x() - last.x(), pixel.y() - last.y()))
        steps = int(distance // SPACING_PX)
        for step in range(1, steps + 1):
            fraction = step * SPACING_PX / distance
            self._add(QPointF(last.x() + fraction * (pixel.x() - last.x()),
                              last.y() + fraction * (pixel.y() - last.y())))

    def _add(self, pixel: QPointF) -> None:
        scene = self._widget.mapToScene(pixel.toPoint())
        if not self._view_box.sceneBoundingRect().contains(scene):
            self._last_pixel = pixel
            return
        where = self._view_box.mapSceneToView(scene)
        self._stroke.append((float(where.x()), float(where.y())))
        self._last_pixel = pixel
        self.trail.setData(pos=np.array(self._stroke))

    def _clear(self) -> None:
        self._stroke = []
        self._last_pixel = None
        self.trail.setData(pos=np.zeros((0, 2)))
