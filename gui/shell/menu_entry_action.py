"""Help > Add to applications menu: the desktop entry without a terminal.

A learner who unpacked the standalone bundle and double-clicked it can put the app in the
applications menu from here; `--install-desktop-entry` does the same from a command line.
"""

import sys

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow

from gui import APP_NAME
from gui.shell.desktop_entry import install_desktop_entry

STATUS_MS = 15_000


def add_menu_entry_action(window: QMainWindow) -> QAction | None:
    """Put the action in the window's Help menu; None where there are no freedesktop menus."""
    if not sys.platform.startswith("linux"):
        return None
    action = QAction("Add to &applications menu", window)
    action.setObjectName("addToApplicationsMenu")
    action.setShortcut(QKeySequence("Ctrl+Shift+M"))
    action.triggered.connect(lambda: _install(window))
    window.add_menu_action("Help", action)
    return action


def _install(window: QMainWindow) -> None:
    """Write the entry and say where, or why not."""
    try:
        desktop = install_desktop_entry()[0]
    except OSError as error:
        window.statusBar().showMessage(f"Could not add {APP_NAME} to the menu: {error}",
                                       STATUS_MS)
        return
    window.statusBar().showMessage(f"{APP_NAME} is in your applications menu now ({desktop}).",
                                   STATUS_MS)
