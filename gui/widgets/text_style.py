"""A label's colour and weight set without a style sheet.

A style sheet fixes a widget's type size when it is polished: after View > Presentation mode (or
any change of the application's font) a label styled with "color: gray" kept its old size while
its neighbours grew. A palette colour and a font that sets only the weight leave the size to
follow the application.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QWidget

ERROR_COLOUR = "#c0392b"  # a refused value, a paused run: what needs the learner's attention
MUTED_COLOUR = "gray"  # notes that explain rather than report


def style_text(widget: QWidget, colour: str | None = None, bold: bool = False) -> None:
    """Draw `widget`'s text in `colour` and/or bold; its size keeps following the app's."""
    if colour is not None:
        palette = widget.palette()
        palette.setColor(QPalette.ColorRole.WindowText, QColor(colour))
        widget.setPalette(palette)
    if bold:
        weight = QFont()  # only the weight is set: the family and size stay inherited
        weight.setBold(True)
        widget.setFont(weight)
