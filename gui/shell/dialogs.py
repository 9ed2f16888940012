"""Questions the window asks with a yes and a no, worded by the caller."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from gui import APP_NAME


def ask_yes(parent: QWidget, title: str, text: str,
            no: QMessageBox.StandardButton = QMessageBox.StandardButton.No) -> bool:
    """Whether the user answered Yes (the default button) rather than `no`."""
    yes = QMessageBox.StandardButton.Yes
    return QMessageBox.question(parent, f"{title} - {APP_NAME}", text, yes | no, yes) == yes
