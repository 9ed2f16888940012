"""The grid of an array table: a cell opens a line edit that keeps every key while the learner
types and reports the text (never writes it); Up/Down and the wheel nudge the value under the
cursor. gui.widgets.array_editor turns these reports into edits.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QWheelEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QLineEdit,
    QStyledItemDelegate,
    QTableWidget,
    QWidget,
)

VALUE_ROLE = Qt.ItemDataRole.UserRole  # a cell's full-precision value, behind its short text
EDIT_TRIGGERS = (QAbstractItemView.EditTrigger.DoubleClicked
                 | QAbstractItemView.EditTrigger.EditKeyPressed
                 | QAbstractItemView.EditTrigger.AnyKeyPressed)


class CellEditor(QLineEdit):
    """The line edit a cell opens; it keeps every key to itself while the learner types."""

    def __init__(self, parent: QWidget, cell: QModelIndex):
        super().__init__(parent)
        self.cell = QPersistentModelIndex(cell)  # to ask the table whether it still holds us
        self.initialised = False  # given the cell's value once, when it opened

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()
            return True
        return super().event(event)


class CellDelegate(QStyledItemDelegate):
    """Opens a `CellEditor` with the full-precision value and reports text, never writes it."""

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
        editor = CellEditor(parent, index)
        editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        editor.textEdited.connect(lambda text, index=index: self.text_edited.emit(index, text))
        self.editor_opened.emit(index)
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:
        # Only when the editor opens: later refreshes would overwrite what is being typed.
        if not isinstance(editor, CellEditor) or editor.initialised:
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
        if isinstance(watched, CellEditor) and event.type() == QEvent.Type.KeyPress \
                and isinstance(event, QKeyEvent) \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.commitData.emit(watched)
            QTimer.singleShot(0, watched, lambda: self._close_committed(watched))
            return True
        return super().eventFilter(watched, event)

    def _close_committed(self, editor: CellEditor) -> None:
        # A key typed ahead or a new shape may have closed it already: then it is not the
        # table's any more, and Qt would warn of an editor that does not belong to it.
        if self._table.indexWidget(QModelIndex(editor.cell)) is editor:
            self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.SubmitModelCache)


class ArrayTable(QTableWidget):
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
