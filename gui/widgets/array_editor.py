"""A table that shows a small numpy array one value per cell and lets the learner change it.

Values are typed (live: the network follows every keystroke that parses), nudged with the mouse
wheel or the Up/Down keys (Shift x10, Ctrl x0.1), and tinted by sign and size so the pattern of a
weight matrix is visible at a glance. The editor never changes its own numbers: it emits
`value_edited` and waits for `set_array` to show what the controller accepted. Left/Right/Space/
Enter are left to the window's shortcuts unless a cell is open for typing.
"""

from __future__ import annotations

import math
import time

import numpy as np
from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSignalBlocker,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QKeyEvent, QWheelEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.shell.theme import current_theme

ERROR_STYLE = "color: #c0392b; font-weight: bold;"
NUDGE_PAUSE_S = 0.8  # wheel or key nudges closer together than this undo as one change
VALUE_ROLE = Qt.ItemDataRole.UserRole
EDIT_TRIGGERS = (QAbstractItemView.EditTrigger.DoubleClicked
                 | QAbstractItemView.EditTrigger.EditKeyPressed
                 | QAbstractItemView.EditTrigger.AnyKeyPressed)


def format_value(value: float, digits: int = 5) -> str:
    """Short enough for a cell, exact enough to follow a learning rate of 0.001."""
    if value == 0:
        return "0"
    text = f"{value:.{digits}g}"
    return text.replace("e-0", "e-").replace("e+0", "e")


def parse_value(text: str) -> float:
    """The float the learner meant, or ValueError with a message fit to show them."""
    stripped = text.strip().replace(",", ".") if text.count(",") == 1 and "." not in text \
        else text.strip()
    try:
        value = float(stripped)
    except ValueError:
        raise ValueError(f"'{text}' is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"'{text}' is not a finite number")
    return value


def tint(value: float, scale: float) -> QColor:
    """The theme's sign colours, stronger the larger the value is against `scale`."""
    theme = current_theme()
    base = QColor(theme.positive if value > 0 else theme.negative)
    strength = 0.0 if scale <= 0 else min(1.0, abs(value) / scale)
    base.setAlphaF(0.10 + 0.45 * strength if value != 0 else 0.0)
    return base


def nudge_step(value: float, step: float | None) -> float:
    """A fixed step, or (step=None) one unit in the value's second significant digit."""
    if step is not None:
        return step
    if value == 0:
        return 0.0001
    return 10.0 ** (math.floor(math.log10(abs(value))) - 1)


def round_to_step(value: float, step: float) -> float:
    """Drop the binary noise a repeated nudge would otherwise accumulate (0.1 + 0.01 + ...)."""
    decimals = max(0, -math.floor(math.log10(step)) + 1)
    return round(value, decimals)


class _CellEditor(QLineEdit):
    """The line edit a cell opens; it keeps every key to itself while the learner types."""

    def __init__(self, parent: QWidget, cell: QModelIndex):
        super().__init__(parent)
        self.cell = QPersistentModelIndex(cell)  # to ask the table whether it still holds us

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()
            return True
        return super().event(event)


class _CellDelegate(QStyledItemDelegate):
    """Opens a `_CellEditor` with the full-precision value and reports text, never writes it."""

    # (model index) a cell opened for typing
    editor_opened = Signal(QModelIndex)
    # (model index, text) every keystroke while a cell is open
    text_edited = Signal(QModelIndex, str)
    # (model index, text) the text when the learner presses Enter or leaves the cell
    text_committed = Signal(QModelIndex, str)

    def __init__(self, table: QAbstractItemView):
        super().__init__(table)
        self._table = table

    def createEditor(self, parent: QWidget, option, index: QModelIndex) -> QWidget:
        editor = _CellEditor(parent, index)
        editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        editor.textEdited.connect(lambda text, index=index: self.text_edited.emit(index, text))
        self.editor_opened.emit(index)
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:
        # Only when the editor opens: later refreshes would overwrite what is being typed.
        if getattr(editor, "initialised", False):
            return
        editor.initialised = True
        editor.setText(repr(float(index.data(VALUE_ROLE))))
        editor.selectAll()

    def setModelData(self, editor: QWidget, model, index: QModelIndex) -> None:
        self.text_committed.emit(index, editor.text())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter commits the cell at once and closes it on the next turn of the event loop.

        Qt's own Enter does both on the next turn. Keys typed ahead while the window is busy
        arrive before that turn, so an Escape closed the cell first; the late commit then went
        to an editor the table no longer had, Qt warned "commitData called with an editor that
        does not belong to this view" and the number was lost (found by the monkey). Closing
        inside the key press too would keep the closed line edit alive until an outer event
        loop turns (where Qt's deferred delete waits), and a search for the cell's line edit
        (as the tests do) found that one instead of the next cell's.
        """
        if isinstance(watched, _CellEditor) and event.type() == QEvent.Type.KeyPress \
                and isinstance(event, QKeyEvent) \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.commitData.emit(watched)
            QTimer.singleShot(0, watched, lambda: self._close_committed(watched))
            return True
        return super().eventFilter(watched, event)

    def _close_committed(self, editor: _CellEditor) -> None:
        # A key typed ahead or a new shape may have closed it already: then it is not the
        # table's any more, and Qt would warn of an editor that does not belong to it.
        if self._table.indexWidget(QModelIndex(editor.cell)) is editor:
            self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.SubmitModelCache)


class _Table(QTableWidget):
    """The grid itself: Up/Down and the wheel nudge the value under the cursor."""

    # (row, column, number of steps, multiplier from the modifiers)
    nudged = Signal(int, int, int, float)
    # (row, column) the cell editor closed without committing (Escape)
    edit_cancelled = Signal(int, int)

    nudging = True  # False for a read-only table: the wheel scrolls, Up/Down move

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.currentIndex().isValid() \
                and self.nudging:
            current = self.currentIndex()
            steps = 1 if key == Qt.Key.Key_Up else -1
            self.nudged.emit(current.row(), current.column(), steps,
                             _multiplier(event.modifiers()))
            event.accept()
            return
        super().keyPressEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        notches = round(event.angleDelta().y() / 120)
        if not index.isValid() or notches == 0 or not self.nudging:
            super().wheelEvent(event)
            return
        self.setCurrentIndex(index)
        self.nudged.emit(index.row(), index.column(), notches, _multiplier(event.modifiers()))
        event.accept()

    def closeEditor(self, editor: QWidget, hint) -> None:
        if hint == QAbstractItemDelegate.EndEditHint.RevertModelCache:
            index = self.currentIndex()
            self.edit_cancelled.emit(index.row(), index.column())
        super().closeEditor(editor, hint)


def _multiplier(modifiers) -> float:
    if modifiers & Qt.KeyboardModifier.ShiftModifier:
        return 10.0
    if modifiers & Qt.KeyboardModifier.ControlModifier:
        return 0.1
    return 1.0


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
                 digits: int = 5):
        super().__init__(parent)
        self.step = step
        self.digits = digits
        self._array = np.zeros((0, 0))
        self._transposed = False
        self._session = 0
        self._session_cell: tuple[int, int] | None = None
        self._session_original: float | None = None
        self._session_previewed = False
        self._last_nudge = 0.0
        self._editable = True

        self.table = _Table(self)
        self.table.setEditTriggers(EDIT_TRIGGERS)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.delegate = _CellDelegate(self.table)
        self.table.setItemDelegate(self.delegate)
        self.message = QLabel(self)
        self.message.setStyleSheet(ERROR_STYLE)
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
        """Say under the table why a value was refused."""
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
        item.setText(format_value(value, self.digits))
        item.setToolTip(repr(value))
        item.setBackground(tint(value, scale))

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
