"""Where the keyboard goes, so the lab's keys work whenever no one is typing.

Two things lost a teacher's key presses: a number field that had the focus only because it was
the last thing touched (after a scenario switch, the cursor stayed in the Neurons field) kept
Space, Right and R as text, and a dialog that closed left no window active, so the next three
Right presses went nowhere. `KeyboardFocus` watches the application's events for one window:

- A text field (a line edit or a number box) counts as being typed into once the learner
  clicks or tabs into it or types a key that is not one of the window's one-key shortcuts,
  until Enter, Escape or leaving it; focus it merely kept (or was given by the program) is not
  typing. While it is not, the window's one-key shortcuts (Right, Space, R, ...)
  win over it, as they already do over buttons and tables. A table's cell editor always keeps
  its keys (gui.widgets.array_table).
- When a dialog of the window closes, the window is made active again, its focus where it was.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QFocusEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QDialog,
    QLineEdit,
    QMainWindow,
    QWidget,
)

ENDS_TYPING = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape)
# Focus that arrives this way means the learner is about to type.
TYPING_REASONS = (Qt.FocusReason.MouseFocusReason, Qt.FocusReason.TabFocusReason,
                  Qt.FocusReason.BacktabFocusReason)
NO_MODIFIERS = (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)


def text_field(widget: QObject | None) -> QWidget | None:
    """The line edit or number box `widget` is (or is inside), unless it is a table's cell
    editor; None for anything else."""
    if not isinstance(widget, QWidget):
        return None
    field = widget
    if isinstance(widget, QLineEdit) and isinstance(widget.parent(), QAbstractSpinBox):
        field = widget.parent()
    if not isinstance(field, (QLineEdit, QAbstractSpinBox)):
        return None
    ancestor = field.parentWidget()
    while ancestor is not None:
        if isinstance(ancestor, QAbstractItemView):
            return None
        ancestor = ancestor.parentWidget()
    return field


class KeyboardFocus(QObject):
    """Gives `window`'s one-key shortcuts the keys no one is typing, and the keyboard back to
    `window` after its dialogs."""

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.window = window
        self.typing: QWidget | None = None  # the text field being typed into, if any
        QApplication.instance().installEventFilter(self)

    def one_key_shortcuts(self) -> set[int]:
        """The keys that alone trigger a visible, enabled action of the window."""
        keys = set()
        for action in self.window.findChildren(QAction):
            if not (action.isVisible() and action.isEnabled()):
                continue
            for sequence in action.shortcuts():
                if sequence.count() == 1:
                    combination = sequence[0]
                    if combination.keyboardModifiers() == Qt.KeyboardModifier.NoModifier:
                        keys.add(combination.key())
        return keys

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        kind = event.type()
        if kind == QEvent.Type.Hide and isinstance(watched, QDialog) and \
                watched.parentWidget() is not None and watched.parentWidget().window() is \
                self.window:
            # With the window as context: a window closed meanwhile cancels the call.
            QTimer.singleShot(0, self.window, self._give_back_the_keyboard)
            return False
        field = text_field(watched)
        if field is None or field.window() is not self.window:
            return False
        if kind == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            return self._on_field_shortcut_override(field, event)
        if kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            self._on_field_key_press(field, event)
        elif kind == QEvent.Type.MouseButtonPress:
            self.typing = field
        elif kind == QEvent.Type.FocusIn and isinstance(event, QFocusEvent):
            self.typing = field if event.reason() in TYPING_REASONS else None
        elif kind == QEvent.Type.FocusOut and self.typing is field:
            self.typing = None
        return False

    def _on_field_shortcut_override(self, field: QWidget, event: QKeyEvent) -> bool:
        """A key that could be text or a shortcut: the shortcut's while no one is typing (the
        event goes on unaccepted, so Qt triggers the shortcut); while someone is, Enter
        commits what they typed rather than finish an iteration."""
        if self.typing is field:
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                event.accept()
                return True
            return False
        if event.modifiers() not in NO_MODIFIERS:
            return False
        return event.key() in self.one_key_shortcuts()

    def _on_field_key_press(self, field: QWidget, event: QKeyEvent) -> None:
        """Typing starts with a key that is text, and ends with Enter or Escape."""
        if event.key() in ENDS_TYPING:
            self.typing = None
        elif event.text() and event.key() not in self.one_key_shortcuts():
            self.typing = field

    def _give_back_the_keyboard(self) -> None:
        """After a dialog: the window active again, and the keyboard somewhere in it."""
        if QApplication.activeModalWidget() is not None:
            return  # another dialog is still open
        window = self.window
        if not window.isVisible():
            return
        window.activateWindow()
        window.raise_()
        focus = window.focusWidget()
        if focus is None or not focus.isVisible():
            central = window.centralWidget()
            if central is not None:
                central.setFocus(Qt.FocusReason.OtherFocusReason)
        elif QApplication.focusWidget() is not focus:
            focus.setFocus(Qt.FocusReason.ActiveWindowFocusReason)


def keys_text(action: QAction) -> str:
    """An action's first key as the platform writes it, for a button's label."""
    shortcuts = action.shortcuts()
    return shortcuts[0].toString(QKeySequence.SequenceFormat.NativeText) if shortcuts else ""
