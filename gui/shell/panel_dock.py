"""A panel's dock: its title drawn in the dock's font as it is now, its panel in a scroll area,
so that no panel can force the window larger than the screen or cut what it shows.

Qt's QDockWidget draws its title in the font the application had when the dock was made, so
after a change of text size the titles would stay small; PanelDock draws it in its own font.

A dock's minimum size is its widget's: a panel that needs 440 pixels for a table would make
the window at least that wide on that side, and a label growing with a changing number would
widen the window while it trains. Inside a scroll area the panel keeps its own minimum (it is
never squeezed below what it needs to be read), the dock can be smaller, and what does not fit
is reached by a scroll bar that shows.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QPaintEvent, QResizeEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QScrollArea,
    QStyle,
    QStyleOptionDockWidget,
    QStyleOptionFrame,
    QStylePainter,
    QWidget,
)

# The least a panel's dock asks for: a dock title and a few lines still show in it.
LEAST_SIZE = QSize(120, 80)
PANEL_SCROLL_NAME = "panelScroll"


class PanelScroll(QScrollArea):
    """A frameless scroll area that gives its panel all the room there is, and scroll bars
    (shown only when needed) when there is less room than the panel's minimum.

    It sizes the panel itself rather than with Qt's `widgetResizable`, which for a panel with
    wrapped text asks the panel's preferred height for the width (a plot's full height
    included) and so scrolls where the panel would fit.
    """

    def __init__(self, panel: QWidget, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(PANEL_SCROLL_NAME)
        self.setFrameShape(QFrame.Shape.NoFrame)
        # The panel inside takes the keyboard focus, never its frame: Space, Left and Right
        # stay the window's keys.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setWidget(panel)
        panel.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The panel's minimum may have changed (rows added, text larger): fit it again."""
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self._fit_panel()
        return super().eventFilter(watched, event)

    def panel(self) -> QWidget:
        """The panel it holds."""
        return self.widget()

    def minimumSizeHint(self) -> QSize:
        return LEAST_SIZE

    def sizeHint(self) -> QSize:
        # QScrollArea caps its hint at 36 x 24 lines; a panel asks for what it needs.
        panel = self.widget()
        return panel.sizeHint().expandedTo(panel.minimumSizeHint()) if panel else LEAST_SIZE

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_panel()

    def _fit_panel(self) -> None:
        """The panel as large as the room without scroll bars, or its minimum where that is
        larger (the scroll bar that then shows takes its share of the room)."""
        panel = self.widget()
        if panel is None:
            return
        room = self.maximumViewportSize()
        bar = self.verticalScrollBar().sizeHint().width()
        width = max(room.width(), least_width(panel))
        height = room.height()
        if least_height(panel, width) > height:
            width = max(room.width() - bar, least_width(panel))
        if width > room.width() - (bar if least_height(panel, width) > height else 0):
            height -= self.horizontalScrollBar().sizeHint().height()
        panel.resize(width, max(height, least_height(panel, width)))


def least_width(panel: QWidget) -> int:
    """The narrowest the panel can be."""
    return max(panel.minimumSizeHint().width(), panel.minimumSize().width())


def least_height(panel: QWidget, width: int) -> int:
    """The least height the panel needs at `width`: with wrapped text, more than its minimum
    size hint says (which counts each wrapped label as one line)."""
    least = max(panel.minimumSizeHint().height(), panel.minimumSize().height())
    layout = panel.layout()
    if layout is not None and layout.hasHeightForWidth():
        least = max(least, layout.minimumHeightForWidth(width))
    return least


class PanelDock(QDockWidget):
    """A dock whose title follows the text size (see the module's docstring)."""

    def paintEvent(self, event: QPaintEvent) -> None:
        # Qt's own, without the font it took at construction: the painter has the dock's.
        painter = QStylePainter(self)
        if self.isFloating():
            frame = QStyleOptionFrame()
            frame.initFrom(self)
            painter.drawPrimitive(QStyle.PrimitiveElement.PE_FrameDockWidget, frame)
        title = QStyleOptionDockWidget()
        self.initStyleOption(title)
        painter.drawControl(QStyle.ControlElement.CE_DockWidgetTitle, title)
