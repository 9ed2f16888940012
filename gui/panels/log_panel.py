"""The lines the seed notebook prints, printed here as the lab reaches them.

Seeing "Iteration 1, Loss: 36.0" appear in the same format as the notebook is how the learner
knows the window computes exactly what the book's code computes.

A long run prints tens of thousands of lines, so the panel is a one-column table view over the
snapshot's own tuple of strings: it keeps no copy of the text and Qt keeps a few bytes per row (a
text editor kept a laid-out text block of several kilobytes per line).
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QEvent, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import (
    QAction,
    QFont,
    QFontDatabase,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QLabel,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gui.controller.snapshot import Snapshot

MAX_BLOCKS = 20_000  # a long run keeps its latest lines; older ones scroll away
PLACEHOLDER_MARGIN = 4  # pixels between the viewport's edge and the placeholder text

Index = QModelIndex | QPersistentModelIndex


class LinesModel(QAbstractListModel):
    """The latest MAX_BLOCKS lines of a tuple, one row each, without copying the tuple."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._lines: tuple[str, ...] = ()
        self._first = 0  # the index in _lines of the first row shown

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 (Qt's name)
        return 0 if parent.isValid() else len(self._lines) - self._first

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> str | None:
        if role == Qt.ItemDataRole.DisplayRole and index.isValid():
            return self._lines[self._first + index.row()]
        return None

    def lines(self) -> tuple[str, ...]:
        return self._lines[self._first:]

    def extend(self, lines: tuple[str, ...]) -> None:
        """Show lines that begin with the lines shown now: the dropped oldest rows are removed and
        the new ones inserted, so the view keeps the user's selection and adds only new rows."""
        first = max(0, len(lines) - MAX_BLOCKS)
        if first >= len(self._lines):  # not one shown line stays
            self.replace(lines)
            return
        if first > self._first:
            self.beginRemoveRows(QModelIndex(), 0, first - self._first - 1)
            self._first = first
            self.endRemoveRows()
        shown = self.rowCount()
        self.beginInsertRows(QModelIndex(), shown, shown + len(lines) - len(self._lines) - 1)
        self._lines = lines
        self.endInsertRows()

    def replace(self, lines: tuple[str, ...]) -> None:
        self.beginResetModel()
        self._lines = lines
        self._first = max(0, len(lines) - MAX_BLOCKS)
        self.endResetModel()


class LinesView(QTableView):
    """One column of lines, one row each, that paints a hint in its empty viewport as a text
    editor does.

    A table rather than a list view: a list view lays out every row again at each insertion,
    asking the model (Python) about each one, which costs tens of milliseconds per printed line
    at 20,000 lines; a table's fixed-height rows cost nothing per row.
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.placeholder = ""
        self.horizontalHeader().hide()
        self.verticalHeader().hide()
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)
        self.horizontalHeader().setStretchLastSection(True)  # rows span the view's width
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.longest = ""  # the longest line shown; in a fixed-width font, also the widest

    def fit_rows(self) -> None:
        """Rows one line high and at least as wide as the longest line, which is then scrolled
        to rather than cut off."""
        metrics = self.fontMetrics()
        height = metrics.lineSpacing() + 2  # a pixel above and below, as a text editor spaces lines
        rows = self.verticalHeader()
        rows.setMinimumSectionSize(height)
        rows.setDefaultSectionSize(height)
        # The item's text margin each side, as the style lays out an item view's cell, and a
        # pixel of slack each side so that no glyph's overhang is clipped.
        margin = self.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self) + 2
        width = metrics.horizontalAdvance(self.longest) + 2 * margin
        self.horizontalHeader().setMinimumSectionSize(width)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        """A view that showed the newest line still shows it after its dock is resized."""
        bar = self.verticalScrollBar()
        following = bar.value() == bar.maximum()
        super().resizeEvent(event)
        if following:
            self.scrollToBottom()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.fit_rows()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        super().paintEvent(event)
        if self.placeholder and self.model().rowCount() == 0:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().placeholderText().color())
            area = self.viewport().rect().adjusted(PLACEHOLDER_MARGIN, PLACEHOLDER_MARGIN,
                                                   -PLACEHOLDER_MARGIN, -PLACEHOLDER_MARGIN)
            flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
            painter.drawText(area, int(flags) | int(Qt.TextFlag.TextWordWrap), self.placeholder)
            painter.end()


class LogPanel(QWidget):
    """A read-only console; new lines are appended, a rewritten history is shown afresh."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = LinesModel(self)
        self.view = LinesView(self)
        self.view.setModel(self.model)
        # Only the family is set: the size follows the application's, large text included.
        monospace = QFont()
        monospace.setFamily(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont).family())
        monospace.setStyleHint(QFont.StyleHint.TypeWriter)
        self.view.setFont(monospace)
        self.view.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.copy_action = self._view_action("&Copy selected lines", QKeySequence.StandardKey.Copy)
        self.copy_action.triggered.connect(self.copy)
        select_all = self._view_action("Select &all lines", QKeySequence.StandardKey.SelectAll)
        select_all.triggered.connect(self.view.selectAll)
        self._lines: tuple[str, ...] = ()
        # A long run prints more lines than are kept (engine/limits.py PRINTED_LINES): say so.
        self.dropped = QLabel()
        self.dropped.setTextFormat(Qt.TextFormat.PlainText)
        self.dropped.setWordWrap(True)
        self.dropped.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.dropped)
        layout.addWidget(self.view)

    def _view_action(self, text: str, keys: QKeySequence.StandardKey) -> QAction:
        """An action in the view's context menu whose keys work while the view has focus."""
        action = QAction(text, self.view)
        action.setShortcut(keys)
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.view.addAction(action)
        return action

    def set_placeholder(self, text: str) -> None:
        """The hint shown while no line has been printed yet."""
        self.view.placeholder = text
        self.view.viewport().update()

    def set_snapshot(self, snapshot: Snapshot) -> None:
        """Show the snapshot's printed lines, and how many earlier ones are not kept."""
        self.set_lines(snapshot.log_lines)
        self.show_dropped(snapshot.lines_printed - len(snapshot.log_lines),
                          len(snapshot.log_lines))

    def show_dropped(self, dropped: int, kept: int) -> None:
        """Say that the first `dropped` printed lines are no longer kept (none: say nothing)."""
        self.dropped.setVisible(dropped > 0)
        if dropped > 0:
            self.dropped.setText(f"The first {dropped:,} printed lines are not kept; "
                                 f"the latest {kept:,} are shown.")

    def set_lines(self, lines: tuple[str, ...]) -> None:
        lines = tuple(lines)
        if lines == self._lines:
            return
        old = self._lines
        self._lines = lines
        if len(lines) > len(old) and lines[:len(old)] == old:
            # The usual case while stepping or running: only new lines, no full redraw.
            self._widen(lines[max(len(old), len(lines) - MAX_BLOCKS):])
            self.model.extend(lines)
        else:
            self.view.longest = max(lines[-MAX_BLOCKS:], key=len, default="")
            self.view.fit_rows()
            self.model.replace(lines)
        self.view.scrollToBottom()  # follow the newest line

    def _widen(self, lines: tuple[str, ...]) -> None:
        """Keep the rows as wide as the longest line shown."""
        longest = max(lines, key=len, default="")
        if len(longest) > len(self.view.longest):
            self.view.longest = longest
            self.view.fit_rows()

    def lines(self) -> list[str]:
        """The text as the learner reads it, one entry per line."""
        return list(self.model.lines())

    def copy(self) -> None:
        """Put the selected lines on the clipboard as plain text, in the order shown."""
        rows = sorted(index.row() for index in self.view.selectionModel().selectedRows())
        if rows:
            shown = self.model.lines()
            QApplication.clipboard().setText("\n".join(shown[row] for row in rows))
