"""The compare panel's pictures: each run's loss and accuracy overlaid in its colour, the runs'
decision boundaries side by side over the same square, and the watched weight's optimizer
state per run (value, step and what the optimizer keeps), all drawn from a ComparisonView.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from gui.controller.comparison_snapshot import ComparisonView
from gui.plots.axes import name_plot, plain_axes
from gui.plots.decision_boundary import blend_class_colors
from gui.shell.theme import current_theme

CURVES = (("loss", "loss (training)"), ("accuracy", "accuracy (training)"))
# The watched weight's columns drawn, each in its own plot, with what they show.
INTERNALS = (("value", "the weight's value"), ("step", "step the update applied"),
             ("cache", "optimizer cache / second moment"), ("momentum", "momentum / first moment"))


def _plot(parent_layout, row: int, column: int, title: str) -> pg.PlotItem:
    widget = pg.PlotWidget(background=current_theme().panel)
    widget.setMinimumSize(160, 110)
    item = widget.getPlotItem()
    plain_axes(item)
    item.hideButtons()
    item.showGrid(x=True, y=True, alpha=0.2)
    name_plot(item, title)
    parent_layout.addWidget(widget, row, column)
    return item


class _Overlay:
    """One plot's curves, one per run, in the runs' colours."""

    def __init__(self, plot: pg.PlotItem):
        self.plot = plot
        self.curves: dict[str, pg.PlotDataItem] = {}

    def show(self, series: dict[str, tuple[str, np.ndarray, np.ndarray]]) -> None:
        """series: {run name: (colour, xs, ys)}; runs no longer there lose their curve."""
        for name in set(self.curves) - set(series):
            self.plot.removeItem(self.curves.pop(name))
        for name, (color, xs, ys) in series.items():
            curve = self.curves.get(name)
            if curve is None:
                curve = self.plot.plot(pen=pg.mkPen(color, width=2), name=name)
                curve.setDownsampling(auto=True, method="peak")
                curve.setClipToView(True)
                self.curves[name] = curve
            curve.setData(xs, np.where(np.isfinite(ys), ys, np.nan), connect="finite")


class CompareCurves(QWidget):
    """Loss and accuracy per epoch, each run's curve in its colour."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.overlays = {key: _Overlay(_plot(layout, row, 0, title))
                         for row, (key, title) in enumerate(CURVES)}
        self.overlays["loss"].plot.setLabel("bottom", "epoch")
        self.overlays["accuracy"].plot.setLabel("bottom", "epoch")

    def set_stacked(self, stacked: bool) -> None:
        """The two plots one above the other (a wide panel) or side by side (a tall one)."""
        _arrange(self.layout(), [overlay.plot.getViewWidget()
                                 for overlay in self.overlays.values()], 1 if stacked else 2)

    def set_view(self, view: ComparisonView | None) -> None:
        runs = () if view is None else view.runs
        for key, overlay in self.overlays.items():
            overlay.show({run.name: (run.color, np.arange(len(run.history[key]), dtype=float),
                                     np.asarray(run.history[key], dtype=float))
                          for run in runs})


class CompareBoundaries(QWidget):
    """Up to four small decision boundaries, side by side, over the same square and scale."""

    def __init__(self, cells: int = 4, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.titles: list[QLabel] = []
        self.images: list[pg.ImageItem] = []
        self._boxes: list[QWidget] = []
        for number in range(cells):
            box = QWidget()
            inner = QVBoxLayout(box)
            inner.setContentsMargins(0, 0, 0, 0)
            title = QLabel()
            widget = pg.PlotWidget(background=current_theme().panel)
            widget.setMinimumSize(110, 110)
            item = widget.getPlotItem()
            item.hideAxis("left")
            item.hideAxis("bottom")
            item.hideButtons()
            item.setMouseEnabled(False, False)
            item.getViewBox().setAspectLocked(True)
            image = pg.ImageItem(axisOrder="row-major")
            item.addItem(image)
            inner.addWidget(title)
            inner.addWidget(widget, 1)
            layout.addWidget(box, number // 2, number % 2)
            self.titles.append(title)
            self.images.append(image)
            self._boxes.append(box)

    def set_stacked(self, stacked: bool) -> None:
        """Two by two (a wide panel) or in one row (a tall one)."""
        _arrange(self.layout(), self._boxes, 2 if stacked else 4)

    def set_view(self, view: ComparisonView | None) -> None:
        runs = () if view is None else view.runs
        for number, box in enumerate(self._boxes):
            box.setVisible(number < len(runs))
            if number >= len(runs):
                continue
            run = runs[number]
            self.titles[number].setText(f'<b style="color:{run.color}">{run.name}</b> '
                                        f"epoch {run.epoch}")
            if run.boundary is not None:
                self._show(self.images[number], run.boundary, view.extent)

    @staticmethod
    def _show(image: pg.ImageItem, probabilities: np.ndarray, extent) -> None:
        ny, nx, _ = probabilities.shape
        image.setImage(blend_class_colors(probabilities), levels=(0, 255), autoLevels=False)
        x_min, x_max, y_min, y_max = extent
        dx, dy = (x_max - x_min) / max(nx - 1, 1), (y_max - y_min) / max(ny - 1, 1)
        rect = QRectF(x_min - dx / 2, y_min - dy / 2, dx * nx, dy * ny)
        if image.boundingRect() != rect:
            image.setRect(rect)
            image.getViewBox().setRange(rect, padding=0)


def _arrange(layout: QGridLayout, widgets: list[QWidget], columns: int) -> None:
    for number, widget in enumerate(widgets):
        layout.addWidget(widget, number // columns, number % columns)


class InternalsPlots(QWidget):
    """The watched weight over the epochs, per run: its value, the step each update applied,
    and the optimizer's own record for it (cache, momentum or Adam's moments)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.overlays = {key: _Overlay(_plot(layout, row // 2, row % 2, title))
                         for row, (key, title) in enumerate(INTERNALS)}

    def set_view(self, view: ComparisonView | None) -> None:
        runs = () if view is None else [run for run in view.runs if run.internals is not None]
        for key, overlay in self.overlays.items():
            overlay.show({run.name: (run.color, np.asarray(run.internals["iteration"], float),
                                     np.asarray(run.internals[key], float))
                          for run in runs if np.isfinite(run.internals[key]).any()})
