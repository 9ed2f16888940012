"""Plot axes that read as a learner expects: the numbers themselves, never rescaled by an SI
prefix ("epoch (x0.001)", "learning rate (x1e-3)"), whole epochs on an empty or young run, and
names that stay apart however short the plot.
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QApplication

from gui.shell.theme import current_theme

SHORT_RUN = 10  # an epoch or iteration axis shows at least this many, from where the run starts
LABEL_ROOM = 1.4  # labelled ticks of a vertical axis at least this many digit heights apart


class ReadableAxis(pg.AxisItem):
    """A vertical axis whose labelled ticks are never closer than their digits are tall.

    pyqtgraph spaces ticks by the axis's length alone and always labels its first level, so in
    a short plot with large text "1.0", "0.8" and "0.6" were drawn over each other.
    """

    def tickSpacing(self, minVal: float, maxVal: float, size: float):
        levels = super().tickSpacing(minVal, maxVal, size)
        if not levels or maxVal == minVal or size <= 0 or self.orientation not in (
                "left", "right"):
            return levels
        per_unit = size / abs(maxVal - minVal)
        room = QFontMetricsF(self.style["tickFont"] or QApplication.font()).capHeight() * \
            LABEL_ROOM
        major, offset = levels[0]
        while major * per_unit < room:
            major = _next_125(major)
        return [(major, offset), *(level for level in levels[1:] if level[0] < major)]


def _next_125(step: float) -> float:
    """The next larger of 1, 2, 5 times a power of ten."""
    power = 10.0 ** math.floor(math.log10(step))
    mantissa = step / power
    return power * (2.0 if mantissa < 1.5 else 5.0 if mantissa < 3.5 else 10.0)


def plain_axes(plot: pg.PlotItem) -> None:
    """Every axis of `plot` labels its ticks with the numbers themselves."""
    for name in ("left", "bottom", "right", "top"):
        plot.getAxis(name).enableAutoSIPrefix(False)


def name_plot(plot: pg.PlotItem, name: str) -> None:
    """`name` on one line above the plot, left-aligned, in the app's type as it is now (call
    again when it changes): a vertical axis name longer than a short plot ran into the plot
    above ("learning rate" into "accuracy")."""
    font = QApplication.font()
    plot.setTitle(name, justify="left", size=f"{font.pointSizeF():g}pt",
                  color=current_theme().text)
    height = QFontMetricsF(font).height() + 4
    plot.titleLabel.setMaximumHeight(height)
    plot.layout.setRowFixedHeight(0, height)


def count_range(plot: pg.PlotItem, counts) -> bool:
    """Show at least SHORT_RUN epochs (iterations) from the first of `counts`, as whole
    numbers, while the run is shorter than that; True while this fixed range is shown (the
    caller lets the axis follow the run again once it is not)."""
    if len(counts) and float(counts[-1]) - float(counts[0]) >= SHORT_RUN:
        return False
    start = float(counts[0]) if len(counts) else 0.0
    plot.setXRange(start, start + SHORT_RUN, padding=0.02)
    return True
