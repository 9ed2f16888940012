"""The questions and messages of the session actions, module-level so tests can answer them
(gui/tutorial/session_actions.py calls them through its own names, which tests replace).
Every text is shown as plain text: a title or file name in it is never read as markup.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow, QMessageBox

from gui import APP_NAME
from gui.user_text import isolated


def ask_unsaved_changes(parent: QMainWindow, name: str) -> str:
    """'save', 'discard' or 'cancel': what to do with unsaved changes to `name`."""
    buttons = QMessageBox.StandardButton
    answer = QMessageBox.question(
        parent, f"Unsaved changes - {APP_NAME}",
        f"The session {isolated(name)} has changes that are not saved. Save them before "
        "closing?", buttons.Save | buttons.Discard | buttons.Cancel, buttons.Save)
    return {buttons.Save: "save", buttons.Discard: "discard"}.get(answer, "cancel")


def show_problem(parent: QMainWindow, title: str, text: str) -> None:
    """Tell the user what went wrong (a modal message box, its text never read as markup)."""
    box = QMessageBox(QMessageBox.Icon.Warning, f"{title} - {APP_NAME}", text,
                      QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()


def offer_save_as(parent: QMainWindow, name: str, reason: str) -> bool:
    """Whether to save under another name, since `name` cannot be written (`reason`)."""
    buttons = QMessageBox.StandardButton
    box = QMessageBox(QMessageBox.Icon.Warning, f"Cannot save here - {APP_NAME}",
                      f"{isolated(name)} cannot be saved: {reason}. Save it under another name "
                      "or in another folder?", buttons.Save | buttons.Cancel, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.button(buttons.Save).setText("Save &As…")
    return box.exec() == buttons.Save
