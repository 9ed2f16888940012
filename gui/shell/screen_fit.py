"""Keeping the window on its screen: no larger than the screen's free area, and inside it.

The window's own minimum never exceeds a small screen (its panels scroll inside their docks),
so shrinking it to the screen always works; a remembered position on a monitor that is gone,
or a switch of lab, then never leaves the timeline and the status bar below the screen's edge.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

DEFAULT_MARGIN = 0.95  # a first window takes at most this share of the screen's free area


def screen_area(window: QWidget) -> QRect:
    """The free area (without panels and docks of the desktop) of the window's screen."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def first_size(wanted: QSize, area: QRect) -> QSize:
    """The size of a first window: `wanted`, shrunk to a share of the screen's free area."""
    return wanted.boundedTo(QSize(int(area.width() * DEFAULT_MARGIN),
                                  int(area.height() * DEFAULT_MARGIN)))


def fit_to_screen(window: QWidget, area: QRect | None = None) -> None:
    """Shrink `window` to `area` (its screen's free area) and move it inside, frame included;
    a window that fits where it is stays as it is."""
    if window.isFullScreen() or window.isMaximized():
        return
    area = area if area is not None else screen_area(window)
    frame = window.frameGeometry()
    margins = QSize(frame.width() - window.width(), frame.height() - window.height())
    room = QSize(area.width() - margins.width(), area.height() - margins.height())
    size = window.size().boundedTo(room).expandedTo(window.minimumSizeHint())
    if size != window.size():
        window.resize(size)
    frame = window.frameGeometry()
    x = min(max(frame.left(), area.left()), area.right() + 1 - frame.width())
    y = min(max(frame.top(), area.top()), area.bottom() + 1 - frame.height())
    if (x, y) != (frame.left(), frame.top()):
        window.move(max(x, area.left()), max(y, area.top()))
