"""The Help menu's dialogs: the keyboard shortcuts, and which versions are running."""

from importlib import metadata

import numpy
import pyqtgraph
import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui import APP_NAME, app_version


def library_versions() -> dict[str, str]:
    """The versions of the libraries whose behaviour the numbers on screen depend on."""
    return {
        "numpy": numpy.__version__,
        "nnfs": metadata.version("nnfs"),
        "PySide6": PySide6.__version__,
        "Qt": qVersion(),
        "pyqtgraph": pyqtgraph.__version__,
    }


def plain_text(label: str) -> str:
    """A menu label without its '&' mnemonic markers ('&&' stands for a literal '&')."""
    return label.replace("&&", "\0").replace("&", "").replace("\0", "&")


def shortcut_rows(window: QWidget) -> list[tuple[str, str, str]]:
    """(action, keys, menus) for every action under `window` that has a shortcut.

    Read from the live actions rather than a hand-written list, so a dock that adds an action
    with a shortcut appears here without anyone editing the help.
    """
    rows = set()
    for action in window.findChildren(QAction):
        keys = ", ".join(
            each.toString(QKeySequence.SequenceFormat.NativeText) for each in action.shortcuts()
        )
        if not keys:
            continue
        menus = sorted(
            plain_text(each.title())
            for each in action.associatedObjects()
            if isinstance(each, QMenu)
        )
        rows.add((plain_text(action.text()), keys, ", ".join(menus)))
    return sorted(rows, key=lambda row: (row[2], row[0]))


class AboutDialog(QDialog):
    """Names the app, its version and its libraries' versions."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"About {APP_NAME}")
        rows = "".join(
            f"<tr><td>{name}</td><td>&nbsp;&nbsp;{version}</td></tr>"
            for name, version in library_versions().items()
        )
        self.text = QLabel(
            f"<h2>{APP_NAME} {app_version()}</h2>"
            "<p>Learn backpropagation by touching it: the networks of the book<br>"
            "<i>Neural Networks from Scratch in Python</i>, one operation at a time.</p>"
            f"<table>{rows}</table>"
        )
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)


class ShortcutsDialog(QDialog):
    """A table of every keyboard shortcut the window offers at the moment it opens."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setWindowTitle("Keyboard shortcuts")
        rows = shortcut_rows(window)
        self.table = QTableWidget(len(rows), 3)
        self.table.setHorizontalHeaderLabels(["Action", "Keys", "Menu"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        for row, cells in enumerate(rows):
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(520, 360)
