"""Restyling the pyqtgraph plots of a built window: the theme's colours, the text size, and
presentation mode's thick lines and large markers.

Qt widgets follow the application's font and palette by themselves; pyqtgraph's items took
their colours, widths and text sizes when they were made. So each change walks the window's
plots and sets them again: axis ticks and labels in the application's font, legend text at its
size times the text scale, line widths and marker sizes times presentation mode's factors. An
item's first widths and sizes are kept on it (attribute `_presentation_base`), so that changes
never compound and the normal look comes back exactly.
"""

from __future__ import annotations

import re
import sys
from dataclasses import fields

from PySide6.QtGui import QColor, QFont, QPen
from PySide6.QtWidgets import QApplication, QMainWindow

from gui.shell.theme import Theme, current_theme, text_scale

LINE_SCALE = 2.0
MARKER_SCALE = 1.5
_BASE = "_presentation_base"  # attribute on a plot item: its widths and sizes before scaling
_POINTS = re.compile(r"^\s*([0-9.]+)\s*pt\s*$")


def colour_map(old: Theme, new: Theme) -> dict[str, QColor]:
    """Each colour of `old` (by #rrggbb) to the colour of the same role in `new`."""
    result = {}
    for field in fields(Theme):
        before, after = getattr(old, field.name), getattr(new, field.name)
        if isinstance(before, str) and before.startswith("#"):
            result.setdefault(QColor(before).name(), QColor(after))
    return result


def _recolour(pen_or_brush, colours: dict[str, QColor]):
    """The pen or brush with its colour swapped for the new theme's, if it is a theme colour."""
    colour = pen_or_brush.color()
    swapped = colours.get(colour.name())
    if swapped is None:
        return pen_or_brush
    swapped = QColor(swapped)
    swapped.setAlpha(colour.alpha())
    result = type(pen_or_brush)(pen_or_brush)
    result.setColor(swapped)
    return result


def style_plots(window: QMainWindow, presentation: bool,
                colours: dict[str, QColor] | None = None) -> None:
    """Restyle every pyqtgraph plot in `window`: widths and sizes for `presentation`, text for
    the text scale, and theme colours through `colours` (old #rrggbb -> new colour)."""
    if "pyqtgraph" not in sys.modules:
        return  # no lab yet: its plots will be built in the current theme
    import pyqtgraph as pg

    colours = colours or {}
    theme = current_theme()
    line, marker = (LINE_SCALE, MARKER_SCALE) if presentation else (1.0, 1.0)
    font = QFont(QApplication.instance().font())
    for view in window.findChildren(pg.GraphicsView):
        view.setBackground(theme.panel)
        for item in view.scene().items():
            if isinstance(item, pg.PlotDataItem):
                _style_curve(item, line, marker, colours)
            elif isinstance(item, pg.ScatterPlotItem) and not isinstance(
                    item.parentItem(), pg.PlotDataItem):
                _style_scatter(item, marker, colours)
            elif isinstance(item, pg.AxisItem):
                _style_axis(item, font, theme)
            elif isinstance(item, pg.LegendItem):
                _style_legend(item, theme, colours)


def _base(item, **now: float) -> dict[str, float]:
    """The item's first widths and sizes, remembered the first time it is styled."""
    if not hasattr(item, _BASE):
        setattr(item, _BASE, now)
    return getattr(item, _BASE)


def _points(size: object, default: float) -> float:
    """The points of a CSS size such as '8pt' (`default` for anything else)."""
    found = _POINTS.match(str(size))
    return float(found.group(1)) if found else default


def _style_curve(item, line: float, marker: float, colours: dict[str, QColor]) -> None:
    import pyqtgraph as pg

    pen = pg.mkPen(item.opts["pen"])
    size = item.opts.get("symbolSize") or 0
    base = _base(item, width=pen.widthF(), size=float(size))
    pen = _recolour(pen, colours)
    if base["width"] > 0:
        pen.setWidthF(base["width"] * line)
    item.setPen(pen)
    if item.opts.get("symbol") is not None and base["size"]:
        item.setSymbolSize(base["size"] * marker)
    if item.opts.get("symbolBrush") is not None:
        item.setSymbolBrush(_recolour(pg.mkBrush(item.opts["symbolBrush"]), colours))


def _style_scatter(item, marker: float, colours: dict[str, QColor]) -> None:
    import pyqtgraph as pg

    base = _base(item, size=float(item.opts["size"]))
    item.setSize(base["size"] * marker)
    item.setPen(_recolour(pg.mkPen(item.opts["pen"]), colours), update=False)
    item.setBrush(_recolour(pg.mkBrush(item.opts["brush"]), colours))


def _style_axis(axis, font: QFont, theme: Theme) -> None:
    # An axis given a fixed breadth for its labels grows with the type, or its text is cut.
    scale = text_scale()
    style_size = axis.labelStyle.get("font-size")
    base = _base(axis, width=axis.fixedWidth or 0, height=axis.fixedHeight or 0,
                 label=_points(style_size, 0.0))
    if base["width"]:
        axis.setWidth(round(base["width"] * scale))
    if base["height"]:
        axis.setHeight(round(base["height"] * scale))
    axis.setTickFont(font)
    axis.setPen(QPen(QColor(theme.text)))
    axis.setTextPen(QPen(QColor(theme.text)))
    axis.label.setFont(font)
    style = {**axis.labelStyle, "color": theme.text}
    if base["label"]:
        style["font-size"] = f"{base['label'] * scale:g}pt"
    axis.labelStyle = style
    if axis.labelText:
        axis._updateLabel()  # pyqtgraph's way to re-render a label with a new style
    else:
        axis._adjustSize()


def _style_legend(legend, theme: Theme, colours: dict[str, QColor]) -> None:
    import pyqtgraph as pg

    base = _base(legend, size=_points(legend.opts["labelTextSize"], 9.0))
    size = f"{base['size'] * text_scale():g}pt"
    legend.setBrush(_recolour(pg.mkBrush(legend.opts["brush"]), colours))
    legend.setLabelTextColor(theme.text)
    legend.opts["labelTextSize"] = size  # for entries added later
    for _sample, label in legend.items:  # existing labels keep their text
        label.setText(label.text, color=theme.text, size=size)
    legend.updateSize()
