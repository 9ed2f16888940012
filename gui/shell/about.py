"""The Help menu's dialogs: the keyboard shortcuts, and which versions are running."""

from collections.abc import Iterator
from importlib import metadata

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui import APP_NAME, app_version


def library_versions() -> dict[str, str]:
    """The versions of the libraries whose behaviour the numbers on screen depend on."""
    import numpy  # imported here: the window opens before any lab needs numpy or pyqtgraph
    import pyqtgraph

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


def keys_of(action: QAction) -> str:
    """The action's shortcuts as the platform writes them, e.g. "Ctrl+Shift+Z, Ctrl+Y"."""
    return ", ".join(
        each.toString(QKeySequence.SequenceFormat.NativeText) for each in action.shortcuts()
    )


def menu_actions(menu: QMenu) -> Iterator[tuple[QAction, str]]:
    """Every action in `menu` and its submenus, top to bottom, with the title it sits under."""
    for action in menu.actions():
        if action.menu() is not None:
            yield from menu_actions(action.menu())
        elif not action.isSeparator():
            yield action, plain_text(menu.title())


def shortcut_rows(window: QMainWindow) -> list[tuple[str, str, str]]:
    """(action, keys, menu) for every action under `window` whose shortcut works now.

    Menus come in menu-bar order and their actions in menu order, then the shortcuts that are
    in no menu. Read from the live actions rather than a hand-written list, so a panel that
    adds an action appears here without anyone editing the help. Hidden actions (a lab not in
    use) are left out: their shortcuts do nothing until their lab returns.
    """
    rows: list[tuple[str, str, str]] = []
    seen: set[QAction] = set()
    for bar_entry in window.menuBar().actions():
        if bar_entry.menu() is None:
            continue
        for action, title in menu_actions(bar_entry.menu()):
            seen.add(action)
            if action.isVisible() and keys_of(action):
                rows.append((plain_text(action.text()), keys_of(action), title))
    unlisted = {
        (plain_text(action.text()), keys_of(action), "")
        for action in window.findChildren(QAction)
        if action not in seen and action.isVisible() and keys_of(action)
    }
    return rows + sorted(unlisted)


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

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.setWindowTitle("Keyboard shortcuts")
        rows = shortcut_rows(window)
        self.table = QTableWidget(len(rows), 3)
        self.table.setHorizontalHeaderLabels(["Action", "Keys", "Menu"])
        # A reference card, not a form: nothing to edit, select or tab through.
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
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
        self.resize(600, 460)
