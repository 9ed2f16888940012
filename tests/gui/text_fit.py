"""Finds every text of a window that is wider (or, wrapped, taller) than the space it is shown in.

Covered: labels (plain and rich text, wrapped or not), buttons and check boxes, dock titles,
tab titles, table cells and header sections, group box titles, combo boxes, line edits (so the
numbers in spin boxes), and the app's own one-line LiveText. A text is
measured with its widget's font metrics against the part of the widget that is on screen: the
widget's rectangle cut by every ancestor's, except along a direction in which a scroll area
shows its scroll bar (there the reader can scroll to the rest). A word-wrapped text is laid out
at the width it has and must fit the height it has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import QAbstractListModel, QModelIndex, QRect, QRectF
from PySide6.QtGui import QFontMetricsF, Qt, QTextDocument, QTextOption
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QCheckBox,
    QComboBox,
    QDockWidget,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QStyle,
    QStyleOptionComboBox,
    QStyleOptionGroupBox,
    QTabBar,
    QTableView,
    QToolButton,
    QWidget,
)

from gui.widgets.live_text import MIN_SCALE, LiveText

SLACK = 0.75  # pixels of rounding a text may overflow by (glyph advances are fractional)


@dataclass(frozen=True)
class Offender:
    """One text that does not fit: what it is, the text, and the room it needed and had."""

    kind: str
    text: str
    needed: tuple[float, float]  # width, height the text takes
    available: tuple[float, float]  # width, height it is shown in
    where: str  # the widget's ancestry, by class and object name

    def __str__(self) -> str:
        return (f"{self.kind} {self.text!r}: needs {self.needed[0]:.0f}x{self.needed[1]:.0f}, "
                f"has {self.available[0]:.0f}x{self.available[1]:.0f} ({self.where})")


def offenders(window: QWidget) -> list[Offender]:
    """Every visible text in `window` that does not fit where it is shown."""
    found: list[Offender] = []
    for widget in [window, *window.findChildren(QWidget)]:
        if not widget.isVisible() or behind_a_tab(widget):
            continue
        if isinstance(widget, QLabel):
            found += _label(widget)
        elif isinstance(widget, QAbstractButton):
            found += _button(widget)
        elif isinstance(widget, QDockWidget):
            found += _dock_title(widget)
        elif isinstance(widget, QTabBar):
            found += _tabs(widget)
        elif isinstance(widget, QTableView):
            found += _cells(widget)
        elif isinstance(widget, QHeaderView):
            found += _sections(widget)
        elif isinstance(widget, LiveText):
            found += _live_text(widget)
        elif isinstance(widget, QGroupBox):
            found += _group_title(widget)
        elif isinstance(widget, QComboBox):
            found += _combo(widget)
        elif isinstance(widget, QLineEdit):
            found += _line_edit(widget)
    return found


def report(found: list[Offender]) -> str:
    """One line an offender, for an assertion message."""
    return f"{len(found)} texts do not fit:\n" + "\n".join(str(each) for each in found)


# --- where a widget is visible ------------------------------------------------------------

def visible_rect(widget: QWidget) -> QRect:
    """The part of `widget` (in its own coordinates) that ancestors do not cut off.

    Inside a scroll area, nothing cuts along a direction in which the area shows a scroll bar:
    the reader scrolls to the rest.
    """
    rect = widget.rect()
    free_x = free_y = False
    child, parent = widget, widget.parentWidget()
    while parent is not None and not child.isWindow():
        area = parent.parentWidget()
        if isinstance(area, QAbstractScrollArea) and parent is area.viewport():
            free_x = free_x or area.horizontalScrollBar().isVisible()
            free_y = free_y or area.verticalScrollBar().isVisible()
        clip = QRect(widget.mapFrom(parent, parent.rect().topLeft()), parent.size())
        if free_x:
            clip.setLeft(rect.left())
            clip.setRight(rect.right())
        if free_y:
            clip.setTop(rect.top())
            clip.setBottom(rect.bottom())
        rect = rect.intersected(clip)
        child, parent = parent, parent.parentWidget()
    return rect


def behind_a_tab(widget: QWidget) -> bool:
    """Whether `widget` is in a dock that is tabbed behind another (Qt moves those away)."""
    while widget is not None:
        if isinstance(widget, QDockWidget):
            return not widget.isFloating() and widget.visibleRegion().isEmpty()
        widget = widget.parentWidget()
    return False


def _where(widget: QWidget) -> str:
    names = []
    while widget is not None and len(names) < 4:
        names.append(widget.objectName() or type(widget).__name__)
        widget = widget.parentWidget()
    return " < ".join(names)


def _offender(kind: str, text: str, needed: tuple[float, float], available: QRect | QRectF,
              widget: QWidget) -> list[Offender]:
    width, height = float(available.width()), float(available.height())
    if needed[0] <= width + SLACK and needed[1] <= height + SLACK:
        return []
    return [Offender(kind, text, needed, (width, height), _where(widget))]


def plain(text: str) -> str:
    """A button's or title's text as shown: mnemonic ampersands dropped, "&&" kept as "&"."""
    return re.sub(r"&(.)", r"\1", text)


# --- what each kind of widget needs ---------------------------------------------------------

def _label(label: QLabel) -> list[Offender]:
    text = label.text()
    if not text or (label.pixmap() is not None and not label.pixmap().isNull()):
        return []
    room = label.contentsRect().adjusted(label.margin(), label.margin(),
                                         -label.margin(), -label.margin())
    indent = label.indent() if label.indent() > 0 else 0
    room.adjust(indent, 0, 0, 0)
    shown = room.intersected(visible_rect(label))
    rich = label.textFormat() == Qt.TextFormat.RichText or (
        label.textFormat() == Qt.TextFormat.AutoText and Qt.mightBeRichText(text))
    document = QTextDocument()
    document.setDefaultFont(label.font())
    document.setDocumentMargin(0)
    if not label.wordWrap():
        document.setDefaultTextOption(QTextOption(Qt.AlignmentFlag.AlignLeft))
        option = document.defaultTextOption()
        option.setWrapMode(QTextOption.WrapMode.NoWrap)
        document.setDefaultTextOption(option)
    if rich:
        document.setHtml(text)
    else:
        document.setPlainText(text)
    if label.wordWrap():
        document.setTextWidth(max(1, room.width()))
        needed = (document.idealWidth(), document.size().height())
    else:
        needed = (document.idealWidth(), document.size().height())
    return _offender("label", document.toPlainText(), needed, shown, label)


def _button(button: QAbstractButton) -> list[Offender]:
    text = plain(button.text())
    if not text:
        return []
    metrics = QFontMetricsF(button.font())
    style = button.style()
    if isinstance(button, QCheckBox | QRadioButton):
        indicator = QStyle.PixelMetric.PM_IndicatorWidth if isinstance(button, QCheckBox) \
            else QStyle.PixelMetric.PM_ExclusiveIndicatorWidth
        spacing = QStyle.PixelMetric.PM_CheckBoxLabelSpacing if isinstance(button, QCheckBox) \
            else QStyle.PixelMetric.PM_RadioButtonLabelSpacing
        extra = style.pixelMetric(indicator, None, button) + style.pixelMetric(spacing, None,
                                                                              button)
    elif isinstance(button, QPushButton):
        extra = 2 * (style.pixelMetric(QStyle.PixelMetric.PM_ButtonMargin, None, button) // 2
                     + style.pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth, None, button))
    elif isinstance(button, QToolButton):
        extra = 4
    else:
        extra = 0
    if not button.icon().isNull():
        extra += button.iconSize().width() + 4
    needed = (metrics.horizontalAdvance(text) + extra, metrics.height())
    return _offender("button", text, needed, visible_rect(button), button)


def _dock_title(dock: QDockWidget) -> list[Offender]:
    """The title the dock's own title bar draws (a tabified dock's tab is checked as a tab)."""
    if dock.isFloating() or dock.titleBarWidget() is not None or not dock.windowTitle():
        return []
    style = dock.style()
    margin = style.pixelMetric(QStyle.PixelMetric.PM_DockWidgetTitleMargin, None, dock)
    frame = style.pixelMetric(QStyle.PixelMetric.PM_DockWidgetFrameWidth, None, dock)
    buttons = [each.geometry().left() for each in dock.findChildren(QAbstractButton)
               if each.parentWidget() is dock and each.isVisible() and not each.text()]
    right = min(buttons, default=dock.width() - frame) - margin
    left = frame + margin
    metrics = QFontMetricsF(dock.font())
    text = plain(dock.windowTitle())
    shown = QRect(left, 0, max(0, right - left), int(metrics.height()) + 2 * margin)
    shown = shown.intersected(visible_rect(dock))
    return _offender("dock title", text, (metrics.horizontalAdvance(text), metrics.height()),
                     shown, dock)


def _tabs(bar: QTabBar) -> list[Offender]:
    found = []
    metrics = QFontMetricsF(bar.font())
    padding = 2 * bar.style().pixelMetric(QStyle.PixelMetric.PM_TabBarTabHSpace, None, bar) // 2
    visible = visible_rect(bar)
    for index in range(bar.count()):
        text = plain(bar.tabText(index))
        rect = bar.tabRect(index)
        if not text or not rect.intersects(visible):
            continue  # scrolled away behind the tab bar's arrows, which say there is more
        needed = (metrics.horizontalAdvance(text) + padding - 4, metrics.height())
        found += _offender("tab", text, needed, rect.intersected(visible), bar)
    return found


def _cells(table: QTableView) -> list[Offender]:
    """The cells on screen (a long log's rows scrolled away are the same width as these)."""
    model = table.model()
    if model is None:
        return []
    style = table.style()
    margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1
    shown_area = visible_rect(table.viewport())
    # A list model's column count is private: it has one column.
    columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(QModelIndex())
    found = []
    for row in _on_screen(table.rowAt, shown_area.top(), shown_area.bottom(),
                          model.rowCount(QModelIndex())):
        for column in _on_screen(table.columnAt, shown_area.left(), shown_area.right(),
                                 columns):
            index = model.index(row, column)
            text = index.data(Qt.ItemDataRole.DisplayRole)
            if text is None or str(text) == "" or table.isIndexHidden(index):
                continue
            rect = table.visualRect(index)
            font = index.data(Qt.ItemDataRole.FontRole) or table.font()
            metrics = QFontMetricsF(font)
            text = str(text)
            needed = (metrics.horizontalAdvance(text) + 2 * margin, metrics.height())
            found += _offender("table cell", text, needed, _scrollable(table, rect,
                                                                       shown_area), table)
    return found


def _on_screen(at, first: int, last: int, count: int) -> range:
    """The rows (or columns) between two viewport coordinates, by the view's rowAt/columnAt."""
    start, end = at(first), at(last)
    return range(max(start, 0), count if end < 0 else end + 1)


def _scrollable(view: QAbstractItemView, rect: QRect, shown: QRect) -> QRect:
    """A cell's visible part, not cut along a direction the view's scroll bar scrolls."""
    clip = QRect(shown)
    if view.horizontalScrollBar().isVisible():
        clip.setLeft(min(clip.left(), rect.left()))
        clip.setRight(max(clip.right(), rect.right()))
    if view.verticalScrollBar().isVisible():
        clip.setTop(min(clip.top(), rect.top()))
        clip.setBottom(max(clip.bottom(), rect.bottom()))
    return rect.intersected(clip)


def _sections(header: QHeaderView) -> list[Offender]:
    model = header.model()
    if model is None:
        return []
    metrics = QFontMetricsF(header.font())
    margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    shown_area = visible_rect(header.viewport())
    count = model.columnCount() if header.orientation() == Qt.Orientation.Horizontal \
        else model.rowCount()
    found = []
    for section in range(count):
        if header.isSectionHidden(section):
            continue
        text = model.headerData(section, header.orientation(), Qt.ItemDataRole.DisplayRole)
        if text is None or str(text) == "":
            continue
        position, size = header.sectionViewportPosition(section), header.sectionSize(section)
        if header.orientation() == Qt.Orientation.Horizontal:
            rect = QRect(position, 0, size, header.height())
        else:
            rect = QRect(0, position, header.width(), size)
        if not rect.intersects(shown_area):
            continue
        text = str(text)
        needed = (metrics.horizontalAdvance(text) + 2 * margin, metrics.height())
        found += _offender("header", text, needed, rect.intersected(shown_area), header)
    return found


def _live_text(widget: LiveText) -> list[Offender]:
    """LiveText shrinks a long text down to MIN_SCALE of its size before it elides it."""
    text = widget.text()
    if not text:
        return []
    metrics = QFontMetricsF(widget.drawn_font())
    return _offender("live text", text, (metrics.horizontalAdvance(text) * MIN_SCALE,
                                         metrics.height()), visible_rect(widget), widget)


def _group_title(box: QGroupBox) -> list[Offender]:
    """The title, where the style puts it (its rectangle is as wide as the text needs)."""
    text = plain(box.title())
    if not text:
        return []
    option = QStyleOptionGroupBox()
    box.initStyleOption(option)
    rect = box.style().subControlRect(QStyle.ComplexControl.CC_GroupBox, option,
                                      QStyle.SubControl.SC_GroupBoxLabel, box)
    shown = rect.intersected(visible_rect(box))
    return _offender("group box title", text, (rect.width(), rect.height()), shown, box)


def _combo(combo: QComboBox) -> list[Offender]:
    """The current choice, in the field beside the arrow."""
    text = combo.currentText()
    if not text or combo.isEditable():
        return []  # an editable one's text is its line edit's, checked as such
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                         QStyle.SubControl.SC_ComboBoxEditField, combo)
    metrics = QFontMetricsF(combo.font())
    return _offender("combo box", text, (metrics.horizontalAdvance(text), metrics.height()),
                     field.intersected(visible_rect(combo)), combo)


LINE_EDIT_MARGIN = 2  # pixels QLineEdit keeps either side of its text (its horizontalMargin)


def _line_edit(edit: QLineEdit) -> list[Offender]:
    """The text a field shows (a spin box's number), inside its frame and text margins."""
    text = edit.displayText()
    if not text or edit.hasFocus():
        return []  # a field being typed into scrolls with the cursor
    margins = edit.textMargins()
    room = edit.contentsRect().adjusted(margins.left() + LINE_EDIT_MARGIN, 0,
                                        -margins.right() - LINE_EDIT_MARGIN, 0)
    if edit.hasFrame():
        frame = edit.style().pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth, None, edit)
        room.adjust(frame, 0, -frame, 0)
    metrics = QFontMetricsF(edit.font())
    return _offender("line edit", text, (metrics.horizontalAdvance(text), metrics.height()),
                     room.intersected(visible_rect(edit)), edit)
