"""Plot axes that read as a learner expects: the numbers themselves, never rescaled by an SI
prefix ("epoch (x0.001)", "learning rate (x1e-3)"), whole epochs on an empty or young run, and
names that stay apart however short the plot.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QApplication

from gui.shell.theme import current_theme

SHORT_RUN = 10  # an epoch or iteration axis shows at least this many, from where the run starts


def plain_axes(plot: pg.PlotItem) -> None:
    """Every axis of `plot` labels its ticks with the numbers themselves."""
    for name in ("left", "bottom", "right", "top"):
        plot.getAxis(name).enableAutoSIPrefix(False)


def name_plot(plot: pg.PlotItem, name: str) -> None:
    """`name` on one line above the plot, left-aligned, in the app's type: a vertical axis
    name longer than a short plot ran into the plot above ("learning rate" into "accuracy")."""
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
