"""The loss as a function of the selected weight alone, with its tangent at the current value.

This is the picture behind "the gradient is a slope": the analytic dl/dw from backpropagation is
drawn as a tangent line, and the learner can see it touch the curve where the weight is now.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from gui.controller.snapshot import LossCurve, Snapshot
from gui.plots.axes import plain_axes
from gui.plots.throttle import Throttle
from gui.shell.theme import current_theme

TANGENT_HALF_WIDTH = 0.25  # of the sampled range, either side of the current point


class LossAlongWeightPlot(QWidget):
    """Curve, current point and tangent; the three items are created once and fed setData."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        theme = current_theme()
        self.plot_widget = pg.PlotWidget(background=theme.panel)
        self.plot_item = self.plot_widget.getPlotItem()
        self.plot_item.setLabel("left", "loss")
        plain_axes(self.plot_item)
        self.plot_item.showGrid(x=True, y=True, alpha=0.25)
        self.plot_item.setMenuEnabled(False)
        self.curve = self.plot_item.plot(pen=pg.mkPen(theme.text, width=2))
        self.tangent = pg.PlotDataItem(pen=pg.mkPen(theme.negative, width=2,
                                                    style=Qt.PenStyle.DashLine))
        self.plot_item.addItem(self.tangent, ignoreBounds=True)
        self.point = pg.ScatterPlotItem(size=12, brush=pg.mkBrush(theme.accent),
                                        pen=pg.mkPen(theme.text, width=1))
        self.plot_item.addItem(self.point)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self._curve: LossCurve | None = None
        self._selected = False
        self._throttle = Throttle(self.set_curve, self)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.caption)
        layout.addWidget(self.plot_widget, 1)
        self.set_curve(None)

    def set_snapshot(self, snapshot: Snapshot) -> None:
        """Show the loss along the selected parameter (ten times a second while running)."""
        self._selected = snapshot.selected is not None
        self._throttle.submit(snapshot.loss_curve, snapshot.running)

    def set_curve(self, curve: LossCurve | None) -> None:
        if curve is not None and curve is self._curve:
            return
        self._curve = curve
        if curve is None:
            self.curve.setData([], [])
            self.tangent.setData([], [])
            self.point.setData([], [])
            self.caption.setText(
                "The loss is not finite around the selected value: nothing to draw."
                if self._selected else "Click a weight or bias to see the loss along it.")
            return
        self.plot_item.setLabel("bottom", curve.label)
        self.curve.setData(curve.xs, curve.ys)
        self.point.setData([curve.value], [curve.loss])
        self.tangent.setData(*self.tangent_data())
        self.caption.setText(
            f"loss along {curve.label}, everything else fixed: at {curve.label} = "
            f"{curve.value:.6g} the loss is {curve.loss:.6g}; tangent slope dl/d{curve.label}"
            f" = {curve.slope:.6g}" + (f" ({curve.note})" if curve.note else ""))

    def start_afresh(self) -> None:
        """Let the axes find the ranges of what comes next (after a zoom of another curve)."""
        self.plot_item.getViewBox().enableAutoRange()

    def tangent_data(self) -> tuple[np.ndarray, np.ndarray]:
        """Two points of the tangent line loss + slope * (w - value) around the current value."""
        curve = self._curve
        if curve is None:
            return np.zeros(0), np.zeros(0)
        half = TANGENT_HALF_WIDTH * float(curve.xs[-1] - curve.xs[0])
        xs = np.array([curve.value - half, curve.value + half])
        return xs, curve.loss + curve.slope * (xs - curve.value)
