"""View > Recording size: the window's content exactly a recording's size, which File >
Record… then offers as the frame size."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from gui.shell.app import build_window
from gui.shell.theme import LIGHT, apply_theme
from gui.tutorial.recording import RECORDING_SIZES, RecordDialog
from gui.tutorial.recording_size import RecordingSizeMenu

KEYS = (Qt.Key.Key_F7, Qt.Key.Key_F8, Qt.Key.Key_F9)


@pytest.fixture
def window(qtbot):
    apply_theme(QApplication.instance(), LIGHT)
    window = build_window("spiral")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


@pytest.mark.parametrize(("size", "key"), list(zip(RECORDING_SIZES, KEYS, strict=True)))
def test_a_recording_size_makes_the_window_content_exactly_that_size(
        qtbot, window, size, key):
    qtbot.keyClick(window, key, Qt.KeyboardModifier.ShiftModifier)
    assert (window.width(), window.height()) == size
    assert window.grab().size().toTuple() == size
    dialog = RecordDialog(window)
    assert dialog.plan().size == size  # the recorder's frames are the window's size
    dialog.deleteLater()


def test_the_menu_names_every_recording_size(window):
    menu = window.findChild(RecordingSizeMenu).menu
    assert [action.text() for action in menu.actions()] == \
        ["1280 x 720", "1920 x 1080", "3840 x 2160"]
    assert RecordDialog(window).size.itemText(2) == "3840 x 2160"
