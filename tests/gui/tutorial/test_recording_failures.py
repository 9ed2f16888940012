"""A recording that cannot be made is said to be so, and never spoils a recording that was there:
a missing or read-only folder is refused before the first frame, a full disk or a killed app
leaves the earlier file as it was, and training that diverges ends the recording with a reason."""

import os
import resource
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import imageio.v3 as iio
import imageio_ffmpeg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication, QPushButton

from engine.files.atomic import TEMPORARY_SUFFIX
from gui.controller.lab_controller import LabController
from gui.shell.app import build_window
from gui.shell.theme import LIGHT, apply_theme
from gui.tutorial import recording, video_writers
from gui.tutorial.recording import RecordingPlan
from tests.full_disk import fill_disk

ROOT = Path(__file__).resolve().parents[3]
SMALL = (320, 180)


@pytest.fixture
def told(monkeypatch):
    """What the message boxes said, as the user reads it, instead of showing them."""
    messages = []

    def read(parent, title, text):
        document = QTextDocument()
        document.setHtml(text)
        messages.append(document.toPlainText())

    monkeypatch.setattr(recording.QMessageBox, "warning", read)
    return messages


def open_window(qtbot, scenario="neuron"):
    apply_theme(QApplication.instance(), LIGHT)
    window = build_window(scenario)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window, window.findChildren(LabController)[0]


def record(qtbot, window, controller, path, frames=3, every=2):
    """File > Record's recording of `path`; (path or None, frames, problem) it finished with,
    or None if it did not start."""
    recorder = window.tools.record_action.record(
        controller, RecordingPlan(Path(path), fps=5, size=SMALL, every=every, frames=frames))
    if recorder is None:
        return None
    with qtbot.waitSignal(recorder.finished, timeout=30_000) as done:
        pass
    return done.args


def frames_in(mp4: Path) -> int:
    return imageio_ffmpeg.count_frames_and_secs(mp4)[0]


def leftovers(folder: Path) -> list[Path]:
    return sorted(folder.glob(f".*{TEMPORARY_SUFFIX}"))


def test_a_missing_folder_is_refused_before_any_frame_is_recorded(qtbot, tmp_path, told):
    window, controller = open_window(qtbot)
    assert record(qtbot, window, controller, tmp_path / "gone" / "run.gif") is None
    assert len(told) == 1 and "the folder" in told[0] and "does not exist" in told[0]
    assert controller.stepper.iteration == 0  # not one frame was trained for


def test_a_read_only_folder_is_refused_before_any_frame_is_recorded(qtbot, tmp_path, told):
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o555)
    window, controller = open_window(qtbot)
    try:
        assert record(qtbot, window, controller, folder / "run.mp4") is None
    finally:
        folder.chmod(0o755)
    assert "is read-only" in told[0]
    assert controller.stepper.iteration == 0
    assert list(folder.iterdir()) == []


def test_a_gif_on_a_full_disk_fails_and_keeps_the_earlier_recording(qtbot, tmp_path, told,
                                                                   monkeypatch):
    target = tmp_path / "run.gif"
    window, controller = open_window(qtbot)
    assert record(qtbot, window, controller, target)[2] == ""
    earlier = target.read_bytes()
    disk = fill_disk(monkeypatch, video_writers, room=len(earlier) // 2)

    path, frames, problem = record(qtbot, window, controller, target)

    assert disk.refused == 1
    assert (path, frames) == (None, 0)
    assert "run.gif: the disk is full" in problem
    assert "the disk is full" in told[0] and "was left as it was" in told[0]
    assert window.statusBar().currentMessage() == "Nothing was recorded"
    assert target.read_bytes() == earlier
    assert leftovers(tmp_path) == []


def test_a_gif_on_a_full_disk_leaves_no_empty_file(qtbot, tmp_path, told, monkeypatch):
    window, controller = open_window(qtbot)
    fill_disk(monkeypatch, video_writers, room=0)
    path, _, problem = record(qtbot, window, controller, tmp_path / "run.gif")
    assert path is None and "the disk is full" in problem
    assert list(tmp_path.iterdir()) == []


def test_a_gif_is_written_as_it_is_recorded_not_held_until_the_end(qtbot, tmp_path):
    window, controller = open_window(qtbot)
    plan = RecordingPlan(tmp_path / "run.gif", fps=5, size=SMALL, every=1, frames=4)
    recorder = recording.Recorder(window, controller, plan, progress=False)
    sizes = []
    recorder._writer.append_data = _measured(recorder._writer, recorder._file.path, sizes)
    with qtbot.waitSignal(recorder.finished, timeout=30_000):
        recorder.start()
    assert len(sizes) == 5 and sizes == sorted(set(sizes))  # it grew with every frame
    assert iio.imread(tmp_path / "run.gif", index=None).shape[:3] == (5, 180, 320)


def _measured(writer, path: Path, sizes: list[int]):
    """writer.append_data, noting the file's size on disk after each frame."""
    append = writer.append_data

    def append_and_measure(frame):
        append(frame)
        writer._file.flush()
        sizes.append(path.stat().st_size)

    return append_and_measure


def ffmpeg_with_a_full_disk(monkeypatch, room: int) -> None:
    """The encoding ffmpeg may write `room` bytes, then the disk is full for it (the file-size
    limit stands for the disk: past it, ffmpeg's writes fail and it is stopped); the ffmpeg
    that reads the file back is not limited."""
    popen = subprocess.Popen

    def limited(command, *args, **kwargs):
        if "rawvideo" in command:  # the encoder: frames come in raw through its stdin
            kwargs["preexec_fn"] = lambda: resource.setrlimit(resource.RLIMIT_FSIZE,
                                                              (room, room))
        return popen(command, *args, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", limited)


@pytest.mark.parametrize("room", [0, 20_000])
def test_an_mp4_on_a_full_disk_fails_and_keeps_the_earlier_recording(qtbot, tmp_path, told,
                                                                    monkeypatch, room):
    target = tmp_path / "run.mp4"
    window, controller = open_window(qtbot)
    assert record(qtbot, window, controller, target, frames=8)[2] == ""
    earlier = target.read_bytes()
    assert frames_in(target) == 9
    ffmpeg_with_a_full_disk(monkeypatch, room)

    path, frames, problem = record(qtbot, window, controller, target, frames=8)

    assert (path, frames) == (None, 0)
    assert "cannot write run.mp4: ffmpeg" in problem
    assert "Recorded" not in window.statusBar().currentMessage()
    assert target.read_bytes() == earlier
    assert leftovers(tmp_path) == []


KILLED_RECORDING = textwrap.dedent("""
    import sys
    from pathlib import Path
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from gui.controller.lab_controller import LabController
    from gui.shell.app import build_window
    from gui.tutorial.recording import RecordingPlan

    application = QApplication([])
    window = build_window("neuron")
    window.show()
    controller = window.findChildren(LabController)[0]
    plan = RecordingPlan(Path(sys.argv[1]), fps=5, size=(320, 180), every=1, frames=10_000)
    recorder = window.tools.record_action.record(controller, plan)

    def _on_timer_timeout():
        if recorder.written >= 5:
            print("recording", flush=True)
            timer.stop()

    timer = QTimer(interval=10)
    timer.timeout.connect(_on_timer_timeout)
    timer.start()
    application.exec()
""")


def test_killing_the_app_mid_mp4_keeps_the_earlier_recording(qtbot, tmp_path, told):
    target = tmp_path / "run.mp4"
    window, controller = open_window(qtbot)
    assert record(qtbot, window, controller, target)[2] == ""
    earlier = target.read_bytes()
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.Popen([sys.executable, "-c", KILLED_RECORDING, str(target)], cwd=ROOT,
                             env=environment, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "recording"
    finally:
        child.kill()
        child.wait()
        child.stdout.close()
    assert target.read_bytes() == earlier
    [leftover] = leftovers(tmp_path)

    a_while_ago = time.time() - 3600  # long dead: not a recording in flight
    os.utime(leftover, (a_while_ago, a_while_ago))
    assert record(qtbot, window, controller, target)[2] == ""
    assert leftovers(tmp_path) == []  # the next recording of the file cleared it away
    assert frames_in(target) == 4


def test_training_that_diverges_ends_the_recording_saying_why(qtbot, tmp_path, told):
    target = tmp_path / "run.gif"
    window, controller = open_window(qtbot)
    assert controller.edit_value("weights", (0,), 1e200)

    path, frames, problem = record(qtbot, window, controller, target, frames=10)

    assert path == target and frames == 2  # the start, and the frame that shows the blow-up
    assert "diverged at iteration 0: loss became infinite" in problem
    message = window.statusBar().currentMessage()
    assert message.startswith(f"Recorded 2 frames to {target}. It stopped early: ")
    assert iio.imread(target, index=None).shape[0] == 2
    assert told == []


def test_a_diverged_run_is_not_recorded_until_restored(qtbot, tmp_path, told):
    window, controller = open_window(qtbot)
    assert controller.edit_value("weights", (0,), 1e200)
    controller.run_iterations(1)
    assert controller.snapshot.can_restore
    assert record(qtbot, window, controller, tmp_path / "run.gif") is None
    assert "restore the last good state first" in told[0]
    assert list(tmp_path.iterdir()) == []
    controller.restore_last_good()
    assert controller.edit_value("weights", (0,), 0.5)
    assert record(qtbot, window, controller, tmp_path / "run.gif")[2] == ""


def test_cancelled_before_the_first_frame_nothing_is_written_or_complained_of(qtbot, tmp_path,
                                                                             told):
    target = tmp_path / "run.gif"
    target.write_bytes(b"earlier")
    window, controller = open_window(qtbot)
    recorder = window.tools.record_action.record(
        controller, RecordingPlan(target, fps=5, size=SMALL, every=1, frames=3))
    cancel = recorder.dialog.findChild(QPushButton)
    assert cancel.text() == "Cancel"
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)  # before the first frame is taken
    with qtbot.waitSignal(recorder.finished, timeout=30_000) as done:
        pass
    assert done.args == [None, 0, ""]
    assert window.statusBar().currentMessage() == "Nothing was recorded"
    assert told == []
    assert sorted(tmp_path.iterdir()) == [target] and target.read_bytes() == b"earlier"
