"""Recording a run: GIF and MP4 decode at the asked size and frame count, and the same session
recorded twice gives the same frames."""

import gc

import imageio.v2 as imageio
import imageio.v3 as iio
import numpy as np
import pytest
from PySide6.QtWidgets import QApplication

from gui.controller import classification_part
from gui.controller.lab_controller import LabController
from gui.shell.app import build_window
from gui.shell.theme import LIGHT, apply_theme
from gui.tutorial.recording import RecordDialog, Recorder, RecordingPlan


def record(qtbot, path, size=(640, 360), frames=4):
    apply_theme(QApplication.instance(), LIGHT)
    window = build_window("spiral")
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    controller = window.findChildren(LabController)[0]
    recorder = Recorder(window, controller, RecordingPlan(path, fps=5, size=size, every=5,
                                                          frames=frames))
    with qtbot.waitSignal(recorder.finished, timeout=20_000) as done:
        recorder.start()
    assert done.args == [path, frames + 1, ""]
    assert controller.stepper.iteration == 5 * frames
    return decode(path)


def decode(path) -> np.ndarray:
    """Every frame of a GIF or MP4, as imageio reads it back."""
    if path.suffix == ".gif":
        return iio.imread(path, index=None)
    with imageio.get_reader(path, format="FFMPEG") as reader:
        frames = np.stack(list(reader.iter_data()))
    gc.collect()  # imageio-ffmpeg 0.8.1 leaves its pipes to ffmpeg unclosed: seen here
    return frames


def test_a_gif_has_the_asked_size_and_frames_and_is_the_same_twice(qtbot, tmp_path):
    first = record(qtbot, tmp_path / "a.gif")
    assert first.shape[:3] == (5, 360, 640)
    second = record(qtbot, tmp_path / "b.gif")
    assert np.array_equal(first, second)


def grabbed_frames(qtbot, path) -> tuple[list[np.ndarray], int]:
    """The frames a spiral recording at its window's own size hands its writer (before any
    encoding), and the status bar's height."""
    apply_theme(QApplication.instance(), LIGHT)
    window = build_window("spiral")
    qtbot.addWidget(window)
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    controller = window.findChildren(LabController)[0]
    recorder = Recorder(window, controller, RecordingPlan(path, fps=5, size=(1600, 1000),
                                                          every=5, frames=3), progress=False)
    frames, append = [], recorder._writer.append_data
    recorder._writer.append_data = lambda frame: frames.append(frame.copy()) or append(frame)
    with qtbot.waitSignal(recorder.finished, timeout=60_000):
        recorder.start()
    return frames, window.statusBar().height()


def test_a_busy_machine_records_the_same_frames(qtbot, tmp_path, monkeypatch):
    """The plane is drawn in time-boxed slices: with little time per slice (a busy machine)
    it takes many more event-loop passes, and each frame still waits for the whole plane.
    (The status bar is left out: its messages go after 10 s of wall-clock time.)"""
    calm, status_bar = grabbed_frames(qtbot, tmp_path / "calm.gif")
    monkeypatch.setattr(classification_part, "PLANE_BUDGET_S", 1e-9)  # a row per slice
    busy, _ = grabbed_frames(qtbot, tmp_path / "busy.gif")
    assert len(calm) == len(busy) == 4
    for calm_frame, busy_frame in zip(calm, busy, strict=True):
        np.testing.assert_array_equal(calm_frame[:-status_bar], busy_frame[:-status_bar])


# imageio-ffmpeg 0.8.1's frame reader leaves its pipes to ffmpeg open (a ResourceWarning
# when they are collected); the reading, not the recording, leaks.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_an_mp4_decodes_at_the_asked_size(qtbot, tmp_path):
    frames = record(qtbot, tmp_path / "run.mp4", size=(1280, 720), frames=3)
    assert frames.shape[:3] == (4, 720, 1280)


def test_file_record_asks_and_records_what_was_typed(qtbot, tmp_path, monkeypatch):
    apply_theme(QApplication.instance(), LIGHT)
    window = build_window("neuron")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    typed = {}

    def fill_in(dialog):
        dialog.path.clear()
        qtbot.keyClicks(dialog.path, str(tmp_path / "take"))
        dialog.format.setCurrentText("GIF")
        dialog.size.setCurrentText("Window size")
        dialog.every.setValue(2)
        dialog.frames.setValue(3)
        typed["plan"] = dialog.plan()
        return RecordDialog.DialogCode.Accepted

    monkeypatch.setattr(RecordDialog, "exec", fill_in)
    window.tools.record_action.action.trigger()
    recorder = window.tools.record_action.recorder
    with qtbot.waitSignal(recorder.finished, timeout=20_000):
        pass
    assert typed["plan"].path == tmp_path / "take.gif"
    frames = iio.imread(tmp_path / "take.gif", index=None)
    assert frames.shape[0] == 4
    assert frames.shape[1:3] == (window.height() - window.height() % 2,
                                 window.width() - window.width() % 2)
    assert window.statusBar().currentMessage() == f"Recorded 4 frames to {tmp_path / 'take.gif'}"
