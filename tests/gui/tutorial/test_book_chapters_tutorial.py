"""The tutorial tools on the book's chapters 16 (binary) and 17 (sine): the timeline shows a
past epoch and resumes from it exactly, File > Save and Open give back a session that trains on
bit for bit, and a recording of a regression has its frames."""

import json

import imageio.v3 as iio
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog

from engine.files import state as state_codec
from gui.controller.lab_controller import LabController
from gui.labs.classification.lab import install_classification_lab
from gui.shell import app
from gui.shell.theme import LIGHT, apply_theme
from gui.tutorial import timeline
from gui.tutorial.recording import Recorder, RecordingPlan
from gui.tutorial.session_actions import SessionActions
from gui.tutorial.timeline import Timeline

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


@pytest.fixture(autouse=True)
def both_labs(monkeypatch):
    monkeypatch.setitem(app.LAB_INSTALLERS, "classification", install_classification_lab)


def open_window(qtbot, scenario):
    window = app.build_window(scenario)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()  # shortcuts reach the active window only
    qtbot.waitUntil(window.isActiveWindow)
    return window


def lab_of(window):
    return window.findChild(SessionActions).active_lab()


def encoded_state(controller) -> str:
    return json.dumps(state_codec.encode(state_codec.decode(controller.stepper.get_state())),
                      sort_keys=True)


@pytest.mark.parametrize("scenario", ["binary", "sine"])
def test_the_timeline_shows_a_past_epoch_and_resumes_from_it_exactly(
        qtbot, monkeypatch, scenario):
    window = open_window(qtbot, scenario)
    lab = lab_of(window)
    controller = lab.controller
    for _ in range(4):
        controller.run_iterations(10)
    recorded = list(controller.stepper.losses)
    latest_prediction = lab.outputs.regression.prediction.getData()[1]
    bar = window.findChild(Timeline).bar
    bar.slider.setValue(23)
    assert controller.snapshot.iteration == 23
    assert controller.snapshot.current_loss == recorded[22]
    assert bar.reading.text() == "epoch 23 of 40 (the past)"
    assert "Showing epoch 23 of 40" in lab.controls.notice_label.text()
    if scenario == "sine":  # the plotted prediction is the past network's
        x, y = lab.outputs.regression.prediction.getData()
        assert np.array_equal(y, controller.model.predict_line(x))
        assert np.abs(y - latest_prediction).max() > 1e-3
    monkeypatch.setattr(timeline, "confirm_resume", lambda *args: True)
    bar.resume_button.click()
    assert not controller.viewing_past and controller.stepper.iteration == 23
    controller.run_iterations(7)

    fresh = lab_of(open_window(qtbot, scenario)).controller
    fresh.run_iterations(30)
    assert controller.stepper.losses.tolist() == fresh.stepper.losses.tolist()
    assert encoded_state(controller) == encoded_state(fresh)


@pytest.mark.parametrize("scenario", ["binary", "sine"])
def test_a_saved_session_reopens_and_trains_on_bit_for_bit(
        qtbot, monkeypatch, tmp_path, scenario):
    window = open_window(qtbot, scenario)
    controller = lab_of(window).controller
    controller.run_iterations(12)
    controller.step()  # one operation into the next epoch
    path = tmp_path / f"{scenario}.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *args, **kwargs: (str(path), "")))
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    window.findChild(SessionActions).wait_for_saves()  # written on the saver's thread
    assert path.is_file()

    fresh = open_window(qtbot, "spiral")
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *args, **kwargs: (str(path), "")))
    qtbot.keyClick(fresh, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    reopened = lab_of(fresh).controller
    assert reopened.model.spec == controller.model.spec
    assert (reopened.stepper.iteration, reopened.stepper.position) == (12, 1)
    assert encoded_state(reopened) == encoded_state(controller)
    assert lab_of(fresh).outputs.regression.isVisible() == (scenario == "sine")
    controller.run_iterations(20)
    reopened.run_iterations(20)
    assert reopened.stepper.losses.tolist() == controller.stepper.losses.tolist()
    assert encoded_state(reopened) == encoded_state(controller)


def test_a_recording_of_the_regression_has_its_frames(qtbot, tmp_path):
    apply_theme(QApplication.instance(), LIGHT)
    window = app.build_window("sine")
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    controller = window.findChildren(LabController)[0]
    path = tmp_path / "sine.gif"
    recorder = Recorder(window, controller, RecordingPlan(path, fps=5, size=(480, 270),
                                                          every=5, frames=3))
    with qtbot.waitSignal(recorder.finished, timeout=30_000) as done:
        recorder.start()
    assert done.args == [path, 4, ""]
    frames = iio.imread(path, index=None)
    assert frames.shape[:3] == (4, 270, 480)
    assert not np.array_equal(frames[0], frames[-1])  # the prediction moved
