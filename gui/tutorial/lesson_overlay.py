"""What a lesson draws on the window itself: rings around what a step points at, the rest
dimmed, and a caption strip along the bottom for videos.

Both are transparent widgets laid over the whole main window (mouse clicks pass through to the
panels beneath), so everything that grabs the window (a screen recording, `--screenshot`, the
offline renderer) shows them as the learner sees them. Each fades in and out by its `opacity`
property: in the window through a QPropertyAnimation with an eased curve, in a rendered frame set
exactly for that frame's time (gui/tutorial/lesson_pacing.py owns the curve and the durations).
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Property as QtProperty
from PySide6.QtCore import QEvent, QObject, QPropertyAnimation, QRectF, Qt, QTimer
from PySide6.QtGui import (
    QColor,
    QFont,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPaintEvent,
    QPen,
    QTextDocument,
)
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

from gui.shell.theme import current_theme
from gui.tutorial.lesson_pacing import EASING, FADE_S
from gui.tutorial.lesson_targets import Spot

RING_COLOUR = "#E69F00"  # Okabe-Ito orange: apart from the blue of a selection in both themes
RING_PX = 4.0
RING_PAD_PX = 7.0  # the ring stands this far outside what it rings
TIGHT_PX = (2.5, 1.5)  # ring and padding around a line of text or a table cell
ZOOM_PX = 18.0  # how much larger the ring starts as it fades in
DIM_ALPHA = 0.35  # the darkening of everything not ringed
EDGE_PX = 10.0  # the band along a diagram edge
FOLLOW_MS = 120  # how often the rings look whether what they ring has moved
CAPTION_SCALE = 1.3  # the caption's text against the window's
CAPTION_WIDTH = 0.86  # of the window's width
CAPTION_MARGIN_PX = 16


class _WindowOverlay(QWidget):
    """A transparent layer over the whole window, on top of its docks, fading by `opacity`."""

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.window = window
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._opacity = 0.0
        self._animation = QPropertyAnimation(self, b"opacity", self)
        self._animation.setEasingCurve(EASING)
        self._animation.setDuration(round(FADE_S * 1000))
        window.installEventFilter(self)
        self.setGeometry(window.rect())
        self.hide()

    def _get_opacity(self) -> float:
        return self._opacity

    def _set_opacity(self, value: float) -> None:
        self._opacity = max(0.0, min(1.0, float(value)))
        self.setVisible(self._opacity > 0)
        if self._opacity > 0:
            self.raise_()
        self.update()

    opacity = QtProperty(float, _get_opacity, _set_opacity)

    def fade_to(self, value: float) -> None:
        """Ease from the current opacity to `value` (0 hides, 1 shows fully)."""
        self._animation.stop()
        self._animation.setStartValue(self._opacity)
        self._animation.setEndValue(float(value))
        self._animation.start()

    def set_opacity(self, value: float) -> None:
        """Jump to `value` at once (a rendered frame, a screenshot)."""
        self._animation.stop()
        self._set_opacity(value)

    def fading(self) -> bool:
        return self._animation.state() == QPropertyAnimation.State.Running

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Follow the window's size; stay above docks added later."""
        if watched is self.window and event.type() in (QEvent.Type.Resize,
                                                       QEvent.Type.ChildAdded):
            self.setGeometry(self.window.rect())
            if self.isVisible():
                self.raise_()
        return False


class HighlightOverlay(_WindowOverlay):
    """Rings around the spots a step highlights, everything else dimmed.

    The spots are asked for each time it paints (`locate`), so a ring follows a dock the
    learner drags or resizes; a timer looks for such moves while it is shown."""

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.dim = True
        self._locate: Callable[[], list[Spot]] = list
        self._shown: list[tuple] = []
        self._follow = QTimer(self)
        self._follow.setInterval(FOLLOW_MS)
        self._follow.timeout.connect(self._on_follow_timeout)

    def set_locator(self, locate: Callable[[], list[Spot]]) -> None:
        """Where the rings go from now on (asked again whenever the window may have moved)."""
        self._locate = locate
        self._follow.start()
        self.update()

    def spots(self) -> list[Spot]:
        return list(self._locate())

    def clear(self) -> None:
        """No rings any more (after fading out, or at once when hidden already)."""
        self._locate = list
        self._follow.stop()
        self.set_opacity(0.0)

    def _on_follow_timeout(self) -> None:
        """Repaint when what is ringed has moved (a dock resized, a panel scrolled)."""
        shown = [_key(spot) for spot in self.spots()]
        if shown != self._shown:
            self._shown = shown
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        spots = self.spots()
        if self._opacity <= 0 or not spots:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        zoom = ZOOM_PX * (1.0 - self._opacity)
        outlines = [(_outline(spot, zoom), TIGHT_PX[0] if spot.tight else RING_PX)
                    for spot in spots]
        if self.dim:
            holes = QPainterPath()
            for outline, _ in outlines:
                holes.addPath(outline)
            surround = QPainterPath()
            surround.addRect(QRectF(self.rect()))
            painter.fillPath(surround.subtracted(holes.simplified()),
                             QColor(0, 0, 0, round(255 * DIM_ALPHA * self._opacity)))
        halo = QColor(current_theme().panel)
        halo.setAlphaF(0.85 * self._opacity)
        ring = QColor(RING_COLOUR)
        ring.setAlphaF(self._opacity)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for outline, width in outlines:
            painter.setPen(QPen(halo, width + 3))
            painter.drawPath(outline)
            painter.setPen(QPen(ring, width))
            painter.drawPath(outline)
        painter.end()


def _outline(spot: Spot, zoom: float) -> QPainterPath:
    """The ring's path: a rounded box around the spot, or a band along an edge; `zoom` more
    around it while it eases in."""
    grow = (TIGHT_PX[1] if spot.tight else RING_PAD_PX) + zoom
    if spot.line is not None:
        line = QPainterPath(spot.line.p1())
        line.lineTo(spot.line.p2())
        stroker = QPainterPathStroker()
        stroker.setWidth(EDGE_PX + 2 * grow)
        stroker.setCapStyle(Qt.PenCapStyle.RoundCap)
        return stroker.createStroke(line).simplified()
    path = QPainterPath()
    radius = 4 if spot.tight else 10
    path.addRoundedRect(spot.rect.adjusted(-grow, -grow, grow, grow), radius, radius)
    return path


def _overlap(place: QRectF, spots: list[Spot]) -> float:
    """How much of the spots `place` would cover, in square pixels."""
    total = 0.0
    for spot in spots:
        shared = place.intersected(spot.rect)
        total += shared.width() * shared.height()
    return total


def _key(spot: Spot) -> tuple:
    rect = spot.rect.toAlignedRect()
    return (rect.x(), rect.y(), rect.width(), rect.height(),
            None if spot.line is None else spot.line.toLine().p1().toTuple())


class CaptionStrip(_WindowOverlay):
    """The step's caption in a strip along the bottom of the window, in the window's text size
    and theme, for videos (the lesson panel shows it for a learner)."""

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.heading = ""
        self.html = ""
        self._avoid: Callable[[], list[Spot]] = list

    def set_avoid(self, spots: Callable[[], list[Spot]]) -> None:
        """What the strip should not cover: it moves to the top of the window when it would
        hide more of these at the bottom."""
        self._avoid = spots

    def set_caption(self, heading: str, caption_html: str) -> None:
        """What the strip says: a small heading ("Step 3 of 12: ReLU") over the caption (rich
        text, as PlayedStep.caption_html writes it)."""
        self.heading, self.html = heading, caption_html
        self.update()

    def strip_rect(self) -> QRectF:
        """Where the strip is drawn, in window coordinates."""
        document = self._document()
        width = self.width() * CAPTION_WIDTH
        document.setTextWidth(width - 2 * CAPTION_MARGIN_PX)
        height = document.size().height() + 2 * CAPTION_MARGIN_PX * 0.75
        status = self.window.statusBar()
        bottom = status.geometry().top() if status.isVisible() else self.height()
        left = (self.width() - width) / 2
        low = QRectF(left, bottom - CAPTION_MARGIN_PX - height, width, height)
        high = QRectF(left, self.window.menuBar().geometry().bottom() + CAPTION_MARGIN_PX,
                      width, height)
        covered = [_overlap(place, self._avoid()) for place in (low, high)]
        return high if covered[1] < covered[0] else low

    def _document(self) -> QTextDocument:
        theme = current_theme()
        font = QFont(QApplication.font())
        font.setPointSizeF(font.pointSizeF() * CAPTION_SCALE)
        document = QTextDocument()
        document.setDefaultFont(font)
        document.setDocumentMargin(0)
        document.setDefaultStyleSheet(f"body {{ color: {theme.text}; }} "
                                      f".heading {{ color: {theme.muted_text}; }} "
                                      "p, ul, ol { margin-top: 0px; margin-bottom: 4px; }")
        heading = (f"<div class='heading' style='font-size: small'>"
                   f"{html.escape(self.heading)}</div>"
                   if self.heading else "")
        document.setHtml(f"<body>{heading}{self.html}</body>")
        return document

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._opacity <= 0 or not self.html:
            return
        theme = current_theme()
        rect = self.strip_rect()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setOpacity(self._opacity)
        background = QColor(theme.panel)
        background.setAlphaF(0.95)
        painter.setPen(QPen(QColor(theme.border), 1.5))
        painter.setBrush(background)
        painter.drawRoundedRect(rect, 12, 12)
        document = self._document()
        document.setTextWidth(rect.width() - 2 * CAPTION_MARGIN_PX)
        painter.translate(rect.left() + CAPTION_MARGIN_PX, rect.top() + CAPTION_MARGIN_PX * 0.75)
        document.drawContents(painter)
        painter.end()
