"""View > Presentation mode and View > Dark theme, remembered between runs; and the keys.

Presentation mode is for a screen recording or a projector: every text a quarter larger (the
theme's large text), plot lines twice as thick and markers half as big again, axis text the size
of the rest. Both toggles act on a window that is already built: Qt widgets follow the
application's font and palette, and the plots, which took their colours and widths when they
were made, are walked and restyled here (their first widths and sizes are kept on each item, so
toggling never compounds).

The window's panel toggles and scenario entries get their keys here too (Alt+1.. for the panels
on screen, Ctrl+1.. for the scenarios), so every action in the menus has a keyboard shortcut and
Help > Keyboard shortcuts lists it.
"""

from __future__ import annotations

import sys
from dataclasses import fields

from PySide6.QtCore import QObject, QSettings, QSignalBlocker, QTimer
from PySide6.QtGui import QAction, QColor, QFont, QKeySequence, QPen
from PySide6.QtWidgets import QApplication, QMainWindow

from gui.shell.theme import BASE_POINT_SIZE, DARK, LIGHT, Theme, apply_theme, current_theme

PRESENTATION_KEY = "view/presentation"
DARK_KEY = "view/dark"
LINE_SCALE = 2.0
MARKER_SCALE = 1.5
_BASE = "_presentation_base"  # attribute on a plot item: its widths and sizes before scaling


def presentation_on(app: QApplication | None = None) -> bool:
    """Whether the application's type is the enlarged one."""
    app = app or QApplication.instance()
    return app.font().pointSizeF() > BASE_POINT_SIZE + 0.01


def _colour_map(old: Theme, new: Theme) -> dict[str, QColor]:
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


def style_plots(window: QMainWindow, presentation: bool, colours: dict[str, QColor]) -> None:
    """Restyle every pyqtgraph plot in `window`: widths and sizes for `presentation`, and
    theme colours through `colours` (old #rrggbb -> new colour)."""
    if "pyqtgraph" not in sys.modules:
        return  # no lab yet: its plots will be built in the current theme
    import pyqtgraph as pg

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
                item.setBrush(_recolour(pg.mkBrush(item.opts["brush"]), colours))
                item.setLabelTextColor(theme.text)
                for _sample, label in item.items:  # existing labels keep their colour
                    label.setText(label.text, color=theme.text)


def _base(item, **now: float) -> dict[str, float]:
    """The item's first widths and sizes, remembered the first time it is styled."""
    if not hasattr(item, _BASE):
        setattr(item, _BASE, now)
    return getattr(item, _BASE)


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
    base = _base(axis, width=axis.fixedWidth or 0, height=axis.fixedHeight or 0)
    scale = font.pointSizeF() / BASE_POINT_SIZE
    if base["width"]:
        axis.setWidth(round(base["width"] * scale))
    if base["height"]:
        axis.setHeight(round(base["height"] * scale))
    axis.setTickFont(font)
    axis.setPen(QPen(QColor(theme.text)))
    axis.setTextPen(QPen(QColor(theme.text)))
    if axis.labelText:
        # Labels keep their size: stacked short plots have no room for longer rotated ones.
        axis.labelStyle = {**axis.labelStyle, "color": theme.text}
        axis._updateLabel()  # pyqtgraph's way to re-render a label with a new style


class ViewToggles(QObject):
    """View > Presentation mode and View > Dark theme for one window, kept in `settings`."""

    def __init__(self, window: QMainWindow, settings: QSettings | None = None):
        super().__init__(window)
        self.window = window
        self.settings = settings
        self.presentation = self._toggle("&Presentation mode", "Ctrl+Shift+P",
                                         self.set_presentation)
        self.dark = self._toggle("&Dark theme", "Ctrl+Shift+D", self.set_dark)
        self._sync_checks()
        if settings is not None:
            self.set_presentation(presentation_on() or _flag(settings, PRESENTATION_KEY))
            self.set_dark(current_theme() is DARK or _flag(settings, DARK_KEY))
        # A lab installed later builds its plots in the current theme, at normal widths.
        window.scenario_requested.connect(self._on_window_scenario_requested)

    def _toggle(self, text: str, keys: str, slot) -> QAction:
        action = QAction(text, self.window)
        action.setCheckable(True)
        action.setShortcut(QKeySequence(keys))
        action.toggled.connect(slot)
        self.window.add_menu_action("View", action)
        return action

    def _sync_checks(self) -> None:
        for action, on in ((self.presentation, presentation_on()),
                           (self.dark, current_theme() is DARK)):
            with QSignalBlocker(action):
                action.setChecked(on)

    def set_presentation(self, on: bool) -> None:
        """Large type, thick lines and big markers (on), or the usual sizes (off)."""
        self._apply(current_theme(), on)
        self._remember(PRESENTATION_KEY, on)

    def set_dark(self, on: bool) -> None:
        """Light text on a dark background (on), or the light theme (off)."""
        self._apply(DARK if on else LIGHT, presentation_on())
        self._remember(DARK_KEY, on)

    def _apply(self, theme: Theme, presentation: bool) -> None:
        old = current_theme()
        app = QApplication.instance()
        if theme is not old or presentation != presentation_on(app):
            apply_theme(app, theme, presentation=presentation)
        style_plots(self.window, presentation, _colour_map(old, theme))
        self._sync_checks()

    def _remember(self, key: str, on: bool) -> None:
        if self.settings is not None:
            self.settings.setValue(key, on)
            self.settings.sync()

    def _on_window_scenario_requested(self, _name: str) -> None:
        """Style a newly built lab's plots once its handlers have run."""
        QTimer.singleShot(0, lambda: style_plots(self.window, presentation_on(), {}))


def _flag(settings: QSettings, key: str) -> bool:
    return str(settings.value(key, False)).lower() in ("true", "1")


def number_shortcuts(window: QMainWindow) -> None:
    """Alt+1..Alt+9, Alt+0 for the panel toggles on screen (a hidden lab's panels get none),
    Ctrl+1.. for the scenarios: each in menu order."""
    for menu_title, modifier in (("View", "Alt"), ("Scenario", "Ctrl")):
        try:
            menu = window.menu(menu_title)
        except KeyError:
            continue
        actions = menu.actions()
        if menu_title == "View":
            panels = next((a.menu() for a in actions if a.menu() is not None), None)
            actions = panels.actions() if panels is not None else []
        number = 0
        for action in actions:
            if action.isSeparator() or action.menu() is not None:
                continue
            if not action.isVisible() or number == 10:
                action.setShortcut(QKeySequence())
                continue
            number += 1
            action.setShortcut(QKeySequence(f"{modifier}+{number % 10}"))


class ShortcutNumbering(QObject):
    """Keeps number_shortcuts up to date as labs come and go."""

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.window = window
        window.scenario_requested.connect(self._on_window_scenario_requested)
        number_shortcuts(window)

    def _on_window_scenario_requested(self, _name: str) -> None:
        """Number the panels once the lab that the scenario opens has shown its own."""
        QTimer.singleShot(0, lambda: number_shortcuts(self.window))

