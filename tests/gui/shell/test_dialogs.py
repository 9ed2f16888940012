"""gui.shell.dialogs.ask_yes: the question a user answers with a click."""

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from gui import APP_NAME
from gui.shell.dialogs import ask_yes


@pytest.mark.parametrize(("button", "expected"), [
    (QMessageBox.StandardButton.Yes, True), (QMessageBox.StandardButton.Cancel, False)])
def test_the_users_click_is_the_answer(qtbot, button, expected):
    seen = []

    def click() -> None:
        box = QApplication.activeModalWidget()
        seen.append((box.windowTitle(), box.text(), box.defaultButton() == box.button(
            QMessageBox.StandardButton.Yes)))
        box.button(button).click()

    QTimer.singleShot(50, click)
    answer = ask_yes(None, "Resume from here", "Train on?", no=QMessageBox.StandardButton.Cancel)
    assert answer is expected
    assert seen == [(f"Resume from here - {APP_NAME}", "Train on?", True)]
