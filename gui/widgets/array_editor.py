"""A table that shows a small numpy array one value per cell and lets the learner change it.

Values are typed (live: the network follows every keystroke that parses), nudged with the mouse
wheel or the Up/Down keys (Shift x10, Ctrl x0.1), and tinted by sign and size so the pattern of a
weight matrix is visible at a glance. The editor never changes its own numbers: it emits
`value_edited` and waits for `set_array` to show what the controller accepted. Left/Right/Space/
Enter are left to the window's shortcuts unless a cell is open for typing. The grid and its cell
editor are gui.widgets.array_table's, the numbers' text, tints and steps gui.widgets.cell_values'.
"""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QModelIndex, QPoint, QRect, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.widgets.array_table import EDIT_TRIGGERS, VALUE_ROLE, ArrayTable, CellDelegate
from gui.widgets.cell_values import (
    fitting_text,
    format_value,
    nudge_step,
    parse_value,
    round_to_step,
    tint,
)
from gui.widgets.text_style import ERROR_COLOUR, style_text

NUDGE_PAUSE_S = 0.8  # wheel or key nudges closer together than this undo as one change


class ArrayEditor(QWidget):
    """One ndarray (scalar, vector or matrix) as an editable, sign-tinted table.

    Indices in the signals are indices into the array given to `set_array`, also when it is
    shown transposed, so callers never translate between what is seen and what is stored.
    """

    # (index tuple into the array, new value, edit session id: same id = one undo step)
    value_edited = Signal(object, float, int)
    # (index tuple, message) text that is not a finite number; the old value stays
    value_rejected = Signal(object, str)
    # (index tuple) the cell the learner clicked or moved to
    cell_selected = Signal(object)

    def __init__(self, parent: QWidget | None = None, *, step: float | None = 0.01,
                 digits: int = 5, inline_errors: bool = True):
        """inline_errors: say under the table why a value was refused (False: the panel that
        holds the editor says it, from `value_rejected`, in a place that moves nothing)."""
        super().__init__(parent)
        self.step = step
        self.digits = digits
        self.inline_errors = inline_errors
        self._array = np.zeros((0, 0))
        self._transposed = False
        self._session = 0
        self._session_cell: tuple[int, int] | None = None
        self._session_original: float | None = None
        self._session_previewed = False
        self._last_nudge = 0.0
        self._editable = True

        self.table = ArrayTable(self)
        self.table.setEditTriggers(EDIT_TRIGGERS)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.delegate = CellDelegate(self.table)
        self.table.setItemDelegate(self.delegate)
        self.message = QLabel(self)
        style_text(self.message, ERROR_COLOUR, bold=True)
        self.message.setWordWrap(True)
        self.message.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.table)
        layout.addWidget(self.message)

        self.delegate.editor_opened.connect(self._on_delegate_editor_opened)
        self.delegate.text_edited.connect(self._on_delegate_text_edited)
        self.delegate.text_committed.connect(self._on_delegate_text_committed)
        self.table.nudged.connect(self._on_table_nudged)
        self.table.edit_cancelled.connect(self._on_table_edit_cancelled)
        self.table.currentCellChanged.connect(self._on_table_current_cell_changed)
        self.table.horizontalHeader().sectionResized.connect(self._on_header_section_resized)

    # --- showing values -------------------------------------------------------------------

    def set_array(self, array: np.ndarray, *, transposed: bool = False,
                  row_labels: list[str] | None = None,
                  column_labels: list[str] | None = None) -> None:
        """Show `array` (shown as array.T when `transposed`); safe to call on every snapshot."""
        array = np.asarray(array, dtype=float)
        self._array = array.copy()
        self._transposed = transposed and array.ndim == 2
        grid = self._grid(array)
        with QSignalBlocker(self.table):
            if (self.table.rowCount(), self.table.columnCount()) != grid.shape:
                self._drop_open_editor()
                self.table.setRowCount(grid.shape[0])
                self.table.setColumnCount(grid.shape[1])
            if column_labels is not None:
                self.table.setHorizontalHeaderLabels(column_labels)
            if row_labels is not None:
                self.table.setVerticalHeaderLabels(row_labels)
            self.table.verticalHeader().setVisible(row_labels is not None)
            self.table.horizontalHeader().setVisible(column_labels is not None)
            self._fit_height()
            # A lone value is tinted by its sign only: against itself it would always be "large".
            scale = float(np.max(np.abs(grid))) * (2.5 if grid.size == 1 else 1.0) \
                if grid.size else 0.0
            for (row, column), value in np.ndenumerate(grid):
                self._show_cell(row, column, float(value), scale)

    def _drop_open_editor(self) -> None:
        """Close a cell being typed into without committing: its array changed shape.

        Left open, removing its row would commit it from inside setRowCount, the commit would
        rebuild the table again from within, and Qt crashed (found by the monkey test).
        """
        if self.table.state() != QAbstractItemView.State.EditingState:
            return
        editor = self.table.indexWidget(self.table.currentIndex())
        if editor is not None:
            self.table.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        self._session_original = None
        self._session_cell = None

    def set_editable(self, editable: bool) -> None:
        """Read-only shows values (computed ones, say) without typing or nudging."""
        self._editable = editable
        self.table.nudging = editable
        self.table.setEditTriggers(EDIT_TRIGGERS if editable
                                   else QAbstractItemView.EditTrigger.NoEditTriggers)

    def is_editable(self) -> bool:
        return self._editable

    def array(self) -> np.ndarray:
        """The values last given to `set_array` (a copy)."""
        return self._array.copy()

    def cell_text(self, index: tuple[int, ...]) -> str:
        """What the learner reads in the cell of array element `index`."""
        row, column = self._cell_of(index)
        return self.table.item(row, column).text()

    def cell_rect(self, index: tuple[int, ...]) -> QRect | None:
        """Where the cell of array element `index` is drawn, in this editor's coordinates
        (None if the array has no such element): what a lesson rings."""
        if len(index) != self._array.ndim or any(
                not 0 <= i < n for i, n in zip(index, self._array.shape, strict=True)):
            return None
        item = self.table.item(*self._cell_of(index))
        if item is None:
            return None
        rect = self.table.visualItemRect(item)
        return rect.translated(self.table.viewport().mapTo(self, QPoint(0, 0)))

    def select(self, index: tuple[int, ...] | None) -> None:
        """Mark the cell of array element `index` as the current one (None clears it)."""
        if self.table.state() == QAbstractItemView.State.EditingState:
            return  # moving the current cell would close the cell being typed into
        with QSignalBlocker(self.table):
            if index is None:
                self.table.clearSelection()
            else:
                self.table.setCurrentCell(*self._cell_of(index))

    def show_error(self, message: str) -> None:
        """Say under the table why a value was refused (unless inline_errors is off)."""
        if not self.inline_errors:
            return
        self.message.setText(message)
        self.message.show()

    def clear_error(self) -> None:
        self.message.hide()
        self.message.clear()

    # --- index bookkeeping ----------------------------------------------------------------

    def _grid(self, array: np.ndarray) -> np.ndarray:
        if array.ndim == 0:
            return array.reshape(1, 1)
        if array.ndim == 1:
            return array.reshape(1, -1)
        return array.T if self._transposed else array

    def _index_of(self, row: int, column: int) -> tuple[int, ...]:
        if self._array.ndim == 0:
            return ()
        if self._array.ndim == 1:
            return (column,)
        return (column, row) if self._transposed else (row, column)

    def _cell_of(self, index: tuple[int, ...]) -> tuple[int, int]:
        if self._array.ndim == 0:
            return 0, 0
        if self._array.ndim == 1:
            return 0, index[0]
        return (index[1], index[0]) if self._transposed else (index[0], index[1])

    def _show_cell(self, row: int, column: int, value: float, scale: float) -> None:
        item = self.table.item(row, column)
        if item is None:
            item = QTableWidgetItem()
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, column, item)
        item.setData(VALUE_ROLE, value)
        item.setText(self._fitted(value, column))
        item.setToolTip(repr(value))
        item.setBackground(tint(value, scale))

    def _fitted(self, value: float, column: int, width: int | None = None) -> str:
        """The value as precisely as its column (`width` pixels, or as wide as it is now)
        shows it whole."""
        style = self.table.style()
        margin = style.pixelMetric(style.PixelMetric.PM_FocusFrameHMargin, None, self.table) + 1
        width = self.table.columnWidth(column) if width is None else width
        room = width - 2 * margin
        metrics = QFontMetricsF(self.table.font())  # fractional: a rounded advance can overrun
        return fitting_text(value, self.digits, lambda text: metrics.horizontalAdvance(text)
                            <= room)

    def _on_header_section_resized(self, column: int, _old: int, new: int) -> None:
        """A column's width changed: its numbers get the digits that fit it now (a stretched
        header tells before the table reports the new width)."""
        for row in range(self.table.rowCount()):
            item = self.table.item(row, column)
            if item is not None:
                item.setText(self._fitted(float(item.data(VALUE_ROLE)), column, new))

    def _fit_height(self) -> None:
        """Tables are a few cells: show them whole instead of scrolling."""
        horizontal = self.table.horizontalHeader()
        header = horizontal.sizeHint().height() if not horizontal.isHidden() else 0
        rows = sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        self.table.setFixedHeight(header + rows + 2 * self.table.frameWidth() + 2)

    # --- learner input --------------------------------------------------------------------

    def _value_at(self, row: int, column: int) -> float:
        return float(self._grid(self._array)[row, column])

    def _holds(self, row: int, column: int) -> bool:
        """Whether the cell is in the array shown: an editor can outlive a change of shape
        (found by the monkey test: IndexError on typing into it)."""
        rows, columns = self._grid(self._array).shape
        return 0 <= row < rows and 0 <= column < columns

    def _start_session(self, row: int, column: int) -> None:
        self._session += 1
        self._session_cell = (row, column)
        self._session_original = self._value_at(row, column)
        self._session_previewed = False

    def _on_delegate_editor_opened(self, index: QModelIndex) -> None:
        """A cell opened for typing: what is typed until it closes is one undo step."""
        self._start_session(index.row(), index.column())

    def _on_delegate_text_edited(self, index: QModelIndex, text: str) -> None:
        """Apply every keystroke that reads as a number, so the network follows the typing."""
        cell = (index.row(), index.column())
        if not self._holds(*cell):
            return
        if self._session_cell != cell or self._session_original is None:
            self._start_session(*cell)
        try:
            value = parse_value(text)
        except ValueError:
            return
        self._session_previewed = True
        self.value_edited.emit(self._index_of(*cell), value, self._session)

    def _on_delegate_text_committed(self, index: QModelIndex, text: str) -> None:
        """Apply the typed number, or refuse it and put the value from before typing back."""
        cell = (index.row(), index.column())
        if not self._holds(*cell):
            return
        if self._session_cell != cell or self._session_original is None:
            self._start_session(*cell)
        try:
            value = parse_value(text)
        except ValueError as error:
            original = self._session_original
            self.show_error(f"{error}; kept {format_value(original, self.digits)}.")
            self.value_rejected.emit(self._index_of(*cell), str(error))
            if self._session_previewed:
                self.value_edited.emit(self._index_of(*cell), original, self._session)
        else:
            self.clear_error()
            self.value_edited.emit(self._index_of(*cell), value, self._session)
        self._session_original = None
        self._session_cell = None

    def _on_table_edit_cancelled(self, row: int, column: int) -> None:
        """Escape: undo whatever the live typing already applied."""
        if self._session_cell == (row, column) and self._session_previewed:
            self.value_edited.emit(self._index_of(row, column), self._session_original,
                                   self._session)
        self._session_original = None
        self._session_cell = None

    def _on_table_nudged(self, row: int, column: int, steps: int, multiplier: float) -> None:
        """Wheel or arrow-key fine tuning; a quick burst on one cell is one undo step."""
        if not self._editable:
            return
        now = time.monotonic()
        if self._session_cell != (row, column) or now - self._last_nudge > NUDGE_PAUSE_S:
            self._start_session(row, column)
        self._last_nudge = now
        value = self._value_at(row, column)
        step = nudge_step(value, self.step) * multiplier
        new_value = round_to_step(value + steps * step, step)
        self.clear_error()
        self.value_edited.emit(self._index_of(row, column), new_value, self._session)

    def _on_table_current_cell_changed(self, row: int, column: int, *_previous: int) -> None:
        """Tell the lab which value the learner is looking at."""
        if row >= 0 and column >= 0:
            self.cell_selected.emit(self._index_of(row, column))
