"""Colours and type sizes shared by every view, in a light and a dark variant.

One place decides the colours so that a weight is the same blue in the table, the diagram and
the plots, and so that a teacher can switch to large type for a screen recording in one call.
The palette is Okabe and Ito's, which stays distinguishable for colour-blind viewers.
"""

import sys
from dataclasses import dataclass

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

BASE_POINT_SIZE = 10.0
PRESENTATION_SCALE = 1.25


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


def apply_theme(app: QApplication, theme: Theme = LIGHT, presentation: bool = False) -> None:
    """Style the whole application; `presentation` enlarges all type for screen recordings."""
    global _current
    _current = theme
    app.setStyle("Fusion")
    app.setPalette(palette(theme))
    font = QFont(app.font())
    font.setPointSizeF(BASE_POINT_SIZE * (PRESENTATION_SCALE if presentation else 1.0))
    app.setFont(font)
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
