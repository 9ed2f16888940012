"""Colours and type sizes shared by every view, in a light and a dark variant.

One place decides the colours so that a weight is the same blue in the table, the diagram and
the plots, and one number the size of all text (the text scale: 1 is normal, large text and
presentation mode are 1.25, View > Zoom steps through the rest), so that a teacher can switch to
large type for a screen recording in one call. The palette is Okabe and Ito's, which stays
distinguishable for colour-blind viewers.
"""

import sys
from dataclasses import dataclass

from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

BASE_POINT_SIZE = 10.0  # the application's text at a text scale of 1
LARGE_TEXT_SCALE = 1.25  # large text and presentation mode: all text a quarter larger


@dataclass(frozen=True)
class Theme:
    """Colours as #rrggbb strings, usable in style sheets, QColor and pyqtgraph alike."""

    name: str
    window: str
    panel: str  # input fields, tables, cards
    text: str
    muted_text: str
    border: str
    accent: str
    accent_text: str
    positive: str  # positive weights and gradients
    negative: str  # negative weights and gradients
    classes: tuple[str, ...]  # one colour per class label of a data set


_CLASSES = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")

LIGHT = Theme(
    name="light",
    window="#f4f5f7",
    panel="#ffffff",
    text="#1d2330",
    muted_text="#5b6473",
    border="#c9ced6",
    accent="#0072B2",
    accent_text="#ffffff",
    positive="#0072B2",
    negative="#D55E00",
    classes=_CLASSES,
)

DARK = Theme(
    name="dark",
    window="#1f232a",
    panel="#282d35",
    text="#e8eaed",
    muted_text="#a3aab5",
    border="#454c57",
    accent="#56B4E9",
    accent_text="#10141a",
    positive="#56B4E9",
    negative="#E69F00",
    classes=_CLASSES,
)

_current = LIGHT
_chosen_scale = 1.0  # the text scale chosen for the app (the font differs while a lab is built)


def current_theme() -> Theme:
    """The theme last applied, for views that paint their own colours."""
    return _current


def palette(theme: Theme) -> QPalette:
    """A Qt palette that makes standard widgets follow the theme."""
    role = QPalette.ColorRole
    result = QPalette()
    for roles, colour in (
        ((role.Window, role.Button), theme.window),
        ((role.Base, role.ToolTipBase), theme.panel),
        ((role.AlternateBase,), theme.window),
        ((role.WindowText, role.Text, role.ButtonText, role.ToolTipText), theme.text),
        ((role.PlaceholderText,), theme.muted_text),
        ((role.Mid, role.Dark), theme.border),
        ((role.Highlight, role.Link), theme.accent),
        ((role.HighlightedText,), theme.accent_text),
    ):
        for each in roles:
            result.setColor(each, QColor(colour))
    disabled = QPalette.ColorGroup.Disabled
    for each in (role.WindowText, role.Text, role.ButtonText):
        result.setColor(disabled, each, QColor(theme.muted_text))
    return result


def text_scale(app: QApplication | None = None) -> float:
    """How much larger than normal the application's text is (1.25 for large text)."""
    app = app or QApplication.instance()
    return round(app.font().pointSizeF() / BASE_POINT_SIZE, 4)


def chosen_text_scale() -> float:
    """The text scale chosen for the app, also while a lab is being built at scale 1."""
    return _chosen_scale


def set_application_text_scale(app: QApplication, scale: float, chosen: bool = True) -> None:
    """All text that follows the application's font `scale` times its normal size (the text
    of widgets with a size of their own is gui.shell.text_size's to scale); `chosen`: this is
    the scale chosen for the app, not one for a moment."""
    global _chosen_scale
    if chosen:
        _chosen_scale = scale
    if app.font().pointSizeF() != BASE_POINT_SIZE * scale:
        font = QFont(app.font())
        font.setPointSizeF(BASE_POINT_SIZE * scale)
        app.setFont(font)
        # Qt tells the widgets later, in posted events: now, so that sizes measured next
        # (a lab arranging its panels) are the new ones.
        app.sendPostedEvents(None, QEvent.Type.ApplicationFontChange)


def apply_theme(app: QApplication, theme: Theme = LIGHT, scale: float = 1.0) -> None:
    """Style the whole application in `theme`, its text at `scale`."""
    global _current
    _current = theme
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")  # (setting it again would restyle every widget for nothing)
    app.setPalette(palette(theme))
    set_application_text_scale(app, scale)
    # pyqtgraph takes a quarter of a second to import; the start page needs none of it, so
    # plots are themed here only if it is loaded already, otherwise by apply_plot_theme().
    if "pyqtgraph" in sys.modules:
        apply_plot_theme(theme)


def apply_plot_theme(theme: Theme | None = None) -> None:
    """pyqtgraph's default colours from `theme` (the current one if None); call it before
    building the first plot."""
    import pyqtgraph as pg

    theme = theme or _current
    pg.setConfigOptions(antialias=True, background=theme.panel, foreground=theme.text)
