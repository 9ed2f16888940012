"""How a lab lays its panels out: stacks of tabbed docks, one after another along a side of the
window, sized for the room the window has.

A lab's default arrangement depends on the room there is, measured in text lines rather than
pixels: at 1280x720 with large text (a quarter larger) the window holds what 1024x576 holds at
normal size, so it gets the arrangement of a small screen: more panels share a place as tabs,
fewer stand side by side. Each lab (gui.labs.hand.lab, gui.labs.classification.lab) says what
goes where for each kind of room; this module does the placing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QToolBar

from gui.shell.panel_dock import PanelScroll
from gui.shell.theme import chosen_text_scale

Area = Qt.DockWidgetArea
DOCK_SEPARATOR = 6  # the pixels between two docks, room the window's layout keeps for dragging
HINT_SLACK = 4  # a dock's size hint counts its title bar a pixel or two short of what is drawn


def room(window: QMainWindow) -> QSize:
    """The window's size at normal text size: its pixels divided by the text scale."""
    scale = chosen_text_scale()
    return QSize(round(window.width() / scale), round(window.height() / scale))


@dataclass(frozen=True)
class Side:
    """One side of the window: stacks of docks (each stack tabbed, its first in front) placed
    top to bottom (left, right) or left to right (bottom), with their sizes along that
    direction (0: what the front panel asks for, -1: the rest) and the side's breadth (width of
    a left or right side, height of the bottom)."""

    area: Area
    stacks: Sequence[Sequence[QDockWidget]]
    lengths: Sequence[int] = ()
    breadth: int = 0


def place_sides(window: QMainWindow, sides: Sequence[Side]) -> None:
    """Put every dock of `sides` in its place, the first of each stack in front."""
    for side in sides:
        for stack in side.stacks:
            front, *behind = stack
            window.addDockWidget(side.area, front, _along(side))
            for dock in behind:
                window.tabifyDockWidget(front, dock)


def same_places(these: Sequence[Side], those: Sequence[Side]) -> bool:
    """Whether two arrangements put every dock in the same stack of the same side (their
    sizes aside)."""
    return ([(side.area, [list(stack) for stack in side.stacks]) for side in these]
            == [(side.area, [list(stack) for stack in side.stacks]) for side in those])


def size_sides(window: QMainWindow, sides: Sequence[Side]) -> None:
    """Give the placed docks of `sides` their sizes (in pixels of normal text, times the text
    scale) and bring the first of each stack to the front. Qt sizes only docks not hidden."""
    scale = chosen_text_scale()
    for side in sides:
        along = _along(side)
        across = (Qt.Orientation.Vertical if along == Qt.Orientation.Horizontal
                  else Qt.Orientation.Horizontal)
        fronts = [stack[0] for stack in side.stacks]
        if side.breadth:
            window.resizeDocks(fronts[:1], [round(side.breadth * scale)], across)
        if side.lengths:
            width = round(side.breadth * scale)
            lengths = [_length(front, length, along, scale, width)
                       for front, length in zip(fronts, side.lengths, strict=True)]
            if -1 in lengths:
                rest = _side_length(window, along) - sum(n for n in lengths if n > 0)
                lengths = [max(rest, 1) if n == -1 else n for n in lengths]
            window.resizeDocks(fronts, lengths, along)
        for front in fronts:
            front.raise_()


def _along(side: Side) -> Qt.Orientation:
    """The direction a side's stacks follow each other in."""
    return (Qt.Orientation.Horizontal if side.area == Area.BottomDockWidgetArea
            else Qt.Orientation.Vertical)


def _length(dock: QDockWidget, length: int, along: Qt.Orientation, scale: float,
            width: int) -> int:
    """`length` pixels of normal text at `scale`; for 0, what the dock's panel asks for (at
    `width`, for a panel whose wrapped text grows taller when narrower), and a line to spare
    for text that changes as the lab runs; -1 stays -1 (the rest)."""
    if length == -1:
        return -1
    if length:
        return round(length * scale)
    if along == Qt.Orientation.Horizontal:
        return dock.sizeHint().width() + HINT_SLACK
    content = dock.widget()
    panel = content.panel() if isinstance(content, PanelScroll) else content
    height = dock.sizeHint().height()
    layout = panel.layout() if panel is not None else None
    if layout is not None and layout.hasHeightForWidth() and width > 0:
        title = dock.sizeHint().height() - content.sizeHint().height()
        height = max(height, title + layout.heightForWidth(width))
    return height + HINT_SLACK + dock.fontMetrics().lineSpacing()


def _side_length(window: QMainWindow, along: Qt.Orientation) -> int:
    """How long a side of docks is: the window's height without the menu and status bars
    and the toolbars (the timeline's, shown or about to be), or the width for the bottom."""
    if along == Qt.Orientation.Horizontal:
        return window.width()
    bars = [window.menuBar(), window.statusBar(), *window.findChildren(QToolBar)]
    return window.height() - sum(bar.sizeHint().height() for bar in bars
                                 if bar.parentWidget() is window) - DOCK_SEPARATOR
