"""The questions and messages of the session actions, module-level so tests can answer them
(gui/tutorial/session_actions.py calls them through its own names, which tests replace).
Every text is shown as plain text: a title or file name in it is never read as markup.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow, QMessageBox

from gui import APP_NAME
from gui.user_text import isolated

UNTITLED = "untitled"  # what Save/Discard/Cancel calls a session that has no file


def unsaved_question(name: str, work: str = "") -> str:
    """The question about unsaved changes to the session `name` (UNTITLED: no file), saying
    what would be lost when `work` says it (e.g. "3 operations of the 1st iteration")."""
    session = "Untitled session" if name == UNTITLED else f"The session {isolated(name)}"
    lost = f" Discarding loses {work}." if work else ""
    return f"{session} has changes that are not saved.{lost} Save them before closing?"


def ask_unsaved_changes(parent: QMainWindow, name: str, work: str = "") -> str:
    """'save', 'discard' or 'cancel': what to do with unsaved changes to `name`."""
    buttons = QMessageBox.StandardButton
    answer = QMessageBox.question(
        parent, f"Unsaved changes - {APP_NAME}", unsaved_question(name, work),
        buttons.Save | buttons.Discard | buttons.Cancel, buttons.Save)
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
