"""The lines the seed notebook prints, printed here as the lab reaches them.

Seeing "Iteration 1, Loss: 36.0" appear in the same format as the notebook is how the learner
knows the window computes exactly what the book's code computes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QVBoxLayout, QWidget

from gui.snapshot import Snapshot

MAX_BLOCKS = 20_000  # a long run keeps its latest lines; older ones scroll away


class LogPanel(QWidget):
    """A read-only console; new lines are appended, a rewritten history is shown afresh."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.view = QPlainTextEdit(self)
        self.view.setReadOnly(True)
        self.view.setMaximumBlockCount(MAX_BLOCKS)
        self.view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.view.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.view.setPlaceholderText("The notebook's printed lines appear here as iterations "
                                     "finish (the layer prints every 20th).")
        self._lines: tuple[str, ...] = ()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.view)

    def set_snapshot(self, snapshot: Snapshot) -> None:
        """Show the snapshot's printed lines."""
        self.set_lines(snapshot.log_lines)

    def set_lines(self, lines: tuple[str, ...]) -> None:
        lines = tuple(lines)
        if lines == self._lines:
            return
        old = self._lines
        self._lines = lines
        if len(lines) > len(old) and lines[:len(old)] == old:
            # The usual case while stepping or running: only new lines, no full redraw.
            self.view.appendPlainText("\n".join(lines[len(old):]))
        else:
            self.view.setPlainText("\n".join(lines))
        # Follow the newest line, but keep the view scrolled to the lines' beginnings.
        self.view.moveCursor(QTextCursor.MoveOperation.End)
        self.view.moveCursor(QTextCursor.MoveOperation.StartOfLine)
        self.view.ensureCursorVisible()

    def lines(self) -> list[str]:
        """The text as the learner reads it, one entry per line."""
        text = self.view.toPlainText()
        return text.split("\n") if text else []
