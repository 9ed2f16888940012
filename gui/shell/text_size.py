"""The size of all text in the running app, as a browser zooms: one scale for every widget.

Most widgets take the application's font, and follow it when it changes. A few give their text
a size of their own (a bold counter at 14 points, the chain rule a little larger than the rest);
Qt leaves those alone when the application's font changes, so this module scales them too:
each remembers its size at the normal scale (a dynamic property), and every change of scale
sets it to that size times the scale. Back at the normal scale every such widget has exactly
its first font again. A widget whose owner resizes it when the type changes (on its
FontChange) is left to its owner. A widget styled by a style sheet keeps the font it had when
the sheet was applied (Qt saves it in the property `_q_styleSheetWidgetFont`); those are
polished again with a font that follows the application's.

A size first met at a scale other than 1 counts as that scale times its normal size (as for
a widget that sized its text relative to the application's). A widget whose size is absolute
(LiveText's `point_size`) is right only if met at the normal scale, so the labs are built at
the normal scale (`built_at_normal_size`) and scaled afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QWidget

from gui.shell.theme import chosen_text_scale, set_application_text_scale, text_scale

ZOOM_STEPS = (0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0)
SIZE_RESOLVED = 0x2  # QFont::SizeResolved (PySide6 does not export QFont::ResolveProperties)
_NORMAL_SIZE = "textNormalPointSize"  # on a widget: its own point size at scale 1
_APPLIED_SIZE = "textAppliedPointSize"  # on a widget: the size this module last gave it
STYLE_SHEET_FONT = "_q_styleSheetWidgetFont"  # Qt's: a styled widget's font before its sheet


def set_text_scale(scale: float, app: QApplication | None = None) -> None:
    """All text of the app at `scale` times its normal size: the application's font and
    every widget's own size."""
    app = app or QApplication.instance()
    previous = text_scale(app)
    sizes_before = own_sizes(widgets_top_down(app))
    set_application_text_scale(app, scale)
    widgets = widgets_top_down(app)
    scale_own_fonts(widgets, previous, scale, sizes_before)
    refresh_style_sheet_fonts(widgets)


def widgets_top_down(app: QApplication) -> list[QWidget]:
    """Every widget, each after its parent (a child's font is resolved against its parent's)."""
    result: list[QWidget] = []
    for top in app.topLevelWidgets():
        result += [top, *top.findChildren(QWidget)]
    return result


def refresh_style_sheet_fonts(widgets: list[QWidget]) -> None:
    """Polish each widget a style sheet froze at an earlier size again, its font following its
    parent's (plus whatever the sheet says of fonts)."""
    for widget in widgets:
        saved = widget.property(STYLE_SHEET_FONT)
        if saved is None or widget.testAttribute(Qt.WidgetAttribute.WA_SetFont):
            continue
        widget.setProperty(STYLE_SHEET_FONT, QFont())  # restored by unpolish: "no font set"
        style = widget.style()
        style.unpolish(widget)
        style.polish(widget)


def own_size(widget: QWidget) -> float | None:
    """The point size `widget`'s font has of its own (not inherited), None if none."""
    if not widget.testAttribute(Qt.WidgetAttribute.WA_SetFont):
        return None
    font = widget.font()
    if not font.resolveMask() & SIZE_RESOLVED or font.pointSizeF() <= 0:
        return None
    return font.pointSizeF()


def own_sizes(widgets: list[QWidget]) -> dict[QWidget, float]:
    """Each widget's own point size, for those that have one."""
    return {widget: size for widget in widgets if (size := own_size(widget)) is not None}


def scale_own_fonts(widgets: list[QWidget], previous: float, scale: float,
                    sizes_before: dict[QWidget, float] | None = None) -> None:
    """Give each widget whose font has a size of its own that size for `scale` (its size now
    counts as `previous` times normal, unless this module set it). A widget whose size changed
    from `sizes_before` when the application's font did has an owner that sizes it relative
    to the type (the chain rule's larger line): it is at `scale` already."""
    sizes_before = sizes_before or {}
    for widget in widgets:
        current = own_size(widget)
        if current is None:
            continue
        font = widget.font()
        normal, applied = widget.property(_NORMAL_SIZE), widget.property(_APPLIED_SIZE)
        if widget in sizes_before and abs(sizes_before[widget] - current) > 1e-3:
            normal = current / scale  # followed the type by itself
        elif normal is None or applied is None or abs(current - applied) > 1e-3:
            normal = current / previous  # new, or given a new size by its owner
        size = normal * scale
        widget.setProperty(_NORMAL_SIZE, normal)
        widget.setProperty(_APPLIED_SIZE, size)
        if abs(font.pointSizeF() - size) > 1e-3:
            font = QFont(font)
            font.setPointSizeF(size)
            widget.setFont(font)


def next_step(scale: float, direction: int) -> float:
    """The zoom step after `scale` (direction 1) or before it (-1), within ZOOM_STEPS."""
    if direction > 0:
        return next((step for step in ZOOM_STEPS if step > scale + 1e-4), ZOOM_STEPS[-1])
    return next((step for step in reversed(ZOOM_STEPS) if step < scale - 1e-4), ZOOM_STEPS[0])


@contextmanager
def built_at_normal_size(app: QApplication | None = None) -> Iterator[None]:
    """Build widgets at the normal text size, then bring them (and all else) to the chosen
    scale: a widget's absolute point size then means what its author meant at scale 1."""
    app = app or QApplication.instance()
    scale = chosen_text_scale()
    set_application_text_scale(app, 1.0, chosen=False)
    try:
        yield
    finally:
        set_text_scale(scale, app)
