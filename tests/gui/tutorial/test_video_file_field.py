"""Both video dialogs choose their file the way every other file is chosen: the dialog opens in
the folder the last video went to, and a file picked by Browse… sets the format it names."""

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QPushButton

from gui.shell.app import build_window
from gui.tutorial.lesson_render_dialog import RenderDialog
from gui.tutorial.recording import RecordDialog


@pytest.fixture
def window(qtbot):
    window = build_window("spiral")
    qtbot.addWidget(window)
    return window


def _browse(qtbot, dialog) -> None:
    button = next(each for each in dialog.findChildren(QPushButton) if each.text() == "Browse…")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_a_video_chosen_for_a_recording_is_where_the_next_dialog_starts(
        qtbot, window, tmp_path, monkeypatch):
    asked = []

    def answer(_parent, _caption, start, _filters):
        asked.append(Path(start))
        return str(tmp_path / "clip.gif"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(answer))
    record = RecordDialog(window)
    qtbot.addWidget(record)
    _browse(qtbot, record)
    assert record.format.currentText() == "GIF"
    assert record.plan().path == tmp_path / "clip.gif"

    render = RenderDialog(window, None, None, None)
    qtbot.addWidget(render)
    assert Path(render.path.text()).parent == tmp_path  # proposed beside the last video
    _browse(qtbot, render)
    assert asked[-1].parent == tmp_path


def test_a_cancelled_browse_keeps_the_typed_file(qtbot, window, tmp_path, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a: ("", "")))
    record = RecordDialog(window)
    qtbot.addWidget(record)
    record.path.setText(str(tmp_path / "mine.mp4"))
    _browse(qtbot, record)
    assert record.plan().path == tmp_path / "mine.mp4"
    assert record.format.currentText() == "MP4"
