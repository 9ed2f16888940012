"""View > Recording size: the window's content made exactly 1280x720, 1920x1080 or 3840x2160,
what a screen recorder set to that size captures, and the sizes File > Record… offers.

The window's content is the QMainWindow without the frame the window manager draws around it.
A size larger than the screen is still set (a recorder capturing the window records it all),
and the status bar says that the screen shows only part of it.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from gui.shell.main_window import MainWindow
from gui.shell.screen_fit import screen_area
from gui.tutorial.recording import RECORDING_SIZES

KEYS = ("Shift+F7", "Shift+F8", "Shift+F9")  # one per size of RECORDING_SIZES, in order
STATUS_MS = 8_000


def size_name(size: tuple[int, int]) -> str:
    """How the menus write a size: '1920 x 1080'."""
    return f"{size[0]} x {size[1]}"


class RecordingSizeMenu(QObject):
    """View > Recording size of one window."""

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window
        self.menu = QMenu("Recording &size", window)
        window.menu("View").addMenu(self.menu)
        self.actions: dict[tuple[int, int], QAction] = {}
        for size, keys in zip(RECORDING_SIZES, KEYS, strict=True):
            action = QAction(size_name(size), window)
            action.setShortcut(QKeySequence(keys))
            action.triggered.connect(lambda _checked=False, size=size: self.set_size(size))
            self.menu.addAction(action)
            self.actions[size] = action

    def set_size(self, size: tuple[int, int]) -> None:
        """Make the window's content exactly `size` (out of full screen or maximized first)."""
        window = self.window
        if window.isFullScreen() or window.isMaximized():
            window.showNormal()
        window.resize(*size)
        area = screen_area(window)
        message = f"The window is {size_name(size)} for recording"
        if size[0] > area.width() or size[1] > area.height():
            message += f"; the screen ({size_name(area.size().toTuple())}) shows part of it"
        window.statusBar().showMessage(message, STATUS_MS)
