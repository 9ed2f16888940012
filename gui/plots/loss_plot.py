"""The loss of every completed iteration, on a linear or logarithmic axis.

The seed's losses fall from 466 to 1e-8 in 200 iterations, which a linear axis flattens into an
L; the log toggle shows the steady exponential decay the gradient steps produce.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from gui.controller.snapshot import Snapshot
from gui.plots.axes import ReadableAxis, count_range, plain_axes
from gui.plots.throttle import Throttle
from gui.shell.theme import current_theme

MARKED_POINTS = 50
LOG_AXIS_LIMIT = 300  # decades either side of 1 the log loss axis may show


class LossPlot(QWidget):
    """Loss per iteration; set_snapshot feeds the one curve created at construction."""

    # (bool) the learner switched the logarithmic loss axis on or off
    log_scale_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        theme = current_theme()
        self.plot_widget = pg.PlotWidget(background=theme.panel,
                                         axisItems={"left": ReadableAxis("left")})
        self.plot_item = self.plot_widget.getPlotItem()
        self.plot_item.setLabel("bottom", "iteration")
        self.plot_item.setLabel("left", "loss")
        plain_axes(self.plot_item)
        self._short_run = False  # the iteration axis shows the first SHORT_RUN iterations
        # No grid: it would double the cost of the redraws that follow a run.
        self.plot_item.setMenuEnabled(False)
        self.curve = self.plot_item.plot(pen=pg.mkPen(theme.accent, width=2), symbolSize=6,
                                         symbolBrush=theme.accent, symbolPen=None)
        self.curve.setDownsampling(auto=True, method="peak")
        self.curve.setClipToView(True)
        self.log_box = QCheckBox("log scale")
        self.summary = QLabel("no iteration completed yet")
        self._losses = np.zeros(0)
        self._iterations = np.zeros(0)  # the iteration after which each loss was recorded
        self.first_iteration = 1  # what the first iteration is called: the log's own count
        self._throttle = Throttle(lambda pair: self.set_losses(*pair), self)

        header = QHBoxLayout()
        header.addWidget(self.summary, 1)
        header.addWidget(self.log_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(header)
        layout.addWidget(self.plot_widget, 1)
        self.log_box.toggled.connect(self._on_log_box_toggled)
        self._draw()

    def set_snapshot(self, snapshot: Snapshot) -> None:
        """Show the losses of the completed iterations (ten times a second while running)."""
        self._throttle.submit((snapshot.losses, snapshot.loss_iterations), snapshot.running)

    def set_losses(self, losses: np.ndarray, iterations: np.ndarray | None = None) -> None:
        """losses: (n,) of completed iterations; iterations: (n,) the iteration each was
        computed in (a long run keeps a thinned record of older ones), by default 0..n-1."""
        losses = np.asarray(losses, dtype=float)
        iterations = np.arange(len(losses), dtype=float) if iterations is None else \
            np.asarray(iterations, dtype=float)
        if losses.shape == self._losses.shape and np.array_equal(losses, self._losses) and \
                np.array_equal(iterations, self._iterations):
            return
        self._losses, self._iterations = losses, iterations
        self._draw()
        if len(losses):
            last = iterations[-1] + self.first_iteration
            self.summary.setText(f"iteration {last:.0f}: loss {losses[-1]:.6g}")
        else:
            self.summary.setText("no iteration completed yet")

    def log_scale(self) -> bool:
        """Whether the loss axis is logarithmic."""
        return self.log_box.isChecked()

    def set_log_scale(self, on: bool) -> None:
        """Switch the axis from code, without echoing `log_scale_changed`."""
        with QSignalBlocker(self.log_box):
            self.log_box.setChecked(on)
        self._draw()

    def set_first_iteration(self, first: int) -> None:
        """Call the first iteration `first` (0 where the example's printed lines count from 0),
        so the axis and the log name each iteration alike."""
        if first != self.first_iteration:
            self.first_iteration = first
            self._losses = self._iterations = np.zeros(0)  # drawn afresh with the next losses

    def start_afresh(self) -> None:
        """Let the axes find the ranges of what comes next (after a zoom of another run)."""
        self.plot_item.getViewBox().enableAutoRange()

    def curve_data(self) -> tuple[np.ndarray, np.ndarray]:
        """The (iterations, losses) behind the curve, as the learner sees them."""
        return self._iterations + self.first_iteration, self._losses.copy()

    def _draw(self) -> None:
        log = self.log_box.isChecked()
        xs, ys = self.curve_data()
        if log:
            # A loss of exactly 0 has no logarithm: leave a gap rather than warn.
            ys = np.where(ys > 0, ys, np.nan)
        if not np.isfinite(ys).any():
            # Nothing drawable (all 0 on the log axis, NaN or infinite): pyqtgraph's bounds of
            # all-NaN points warn while painting.
            xs, ys = xs[:0], ys[:0]
        # Dots while there are few iterations, so the first ones are visible at all.
        self.curve.setSymbol("o" if len(xs) <= MARKED_POINTS else None)
        # The data before the log mode: setLogMode transforms the curve's old data first.
        self.curve.setData(xs, ys, connect="finite")
        self.plot_item.setLogMode(x=False, y=log)
        # A diverged loss near 1e308 let the log axis range past float's top, and pyqtgraph's
        # tick labels (10 ** the tick) overflowed while painting (found by the monkey test).
        limit = LOG_AXIS_LIMIT if log else None
        self.plot_item.getViewBox().setLimits(yMin=None if limit is None else -limit, yMax=limit)
        # After the limits: pyqtgraph cannot range a log axis that has none.
        if len(xs):
            self.plot_item.enableAutoRange(axis="y")
        else:  # a little room above 1, whose tick label the top edge cut in half
            self.plot_item.setYRange(0.0, 1.0, padding=0.06)
        short = count_range(self.plot_item, xs if len(xs) else [1])
        if self._short_run and not short:
            self.plot_item.enableAutoRange(axis="x")  # the run outgrew the first iterations
        self._short_run = short

    def _on_log_box_toggled(self, on: bool) -> None:
        """Redraw on the new axis and tell whoever remembers the choice."""
        self._draw()
        self.log_scale_changed.emit(on)
