"""A one-line label for text that changes many times a second (counters, the book's line).

A QLabel asks its layout to recompute on every setText, and a layout passes that up to the
main window, so a counter ticking 20 times a second would relayout and repaint the whole window
as often. This widget only repaints itself: its size depends on the font, never on the text,
and text too long for it is elided at the right.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from gui.shell.theme import BASE_POINT_SIZE

MIN_SCALE = 0.7  # text too long for the width is drawn down to this fraction of its size


class LiveText(QWidget):
    """One line of text, repainted in place; `text()` is what the reader sees (unelided)."""

    def __init__(self, text: str = "", parent: QWidget | None = None,
                 point_size: float | None = None, bold: bool = False,
                 monospace: bool = False):
        """point_size: the size at the normal type size (the theme's BASE_POINT_SIZE); with
        large text or in presentation mode it grows as the rest of the type does."""
        super().__init__(parent)
        self._bold, self._monospace = bold, monospace
        self._scale = None if point_size is None else point_size / BASE_POINT_SIZE
        self._follow_type_size()
        self._text = text
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, False)

    def _follow_type_size(self) -> None:
        """Only the family and weight are set on the widget's font: its size stays inherited
        (a size set here would stay put when the application's type grows)."""
        font = QFont()
        if self._monospace:
            font.setFamily("monospace")
            font.setStyleHint(QFont.StyleHint.Monospace)
        font.setBold(self._bold)
        self.setFont(font)

    def drawn_font(self) -> QFont:
        """The font the text is drawn in: the inherited size times the asked one's ratio."""
        font = QFont(self.font())
        if self._scale is not None:
            font.setPointSizeF(self.font().pointSizeF() * self._scale)
        return font

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self.updateGeometry()  # its height follows the type
        super().changeEvent(event)

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:
        if text != self._text:
            self._text = text
            self.setToolTip(text)
            self.update()

    def sizeHint(self) -> QSize:
        metrics = QFontMetrics(self.drawn_font())
        return QSize(metrics.averageCharWidth() * 40, metrics.height() + 6)

    def minimumSizeHint(self) -> QSize:
        return QSize(0, QFontMetrics(self.drawn_font()).height() + 6)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setPen(self.palette().windowText().color())
        rect = self.rect().adjusted(0, 3, 0, -3)
        font = self.drawn_font()
        wide = QFontMetrics(font).horizontalAdvance(self._text)
        if wide > rect.width() > 0:
            # Shrink a little before cutting: a longer number still reads whole.
            # (a little under the exact ratio: glyph widths do not scale exactly with size)
            font.setPointSizeF(font.pointSizeF() * max(MIN_SCALE, 0.95 * rect.width() / wide))
        painter.setFont(font)
        shown = painter.fontMetrics().elidedText(self._text, Qt.TextElideMode.ElideRight,
                                                 rect.width())
        painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, shown)
        painter.end()
