"""Compared runs and files, driven as a learner drives them: a comparison saved with Ctrl+S and
opened with Ctrl+O in another window comes back run for run, bit for bit; a promotion is
undone with Ctrl+Z."""

import json
import subprocess
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from engine.files import export
from engine.files import state as state_codec
from gui.labs.classification import compare_panel
from gui.labs.classification.lab import install_classification_lab
from gui.shell import app
from gui.tutorial.session_actions import SessionActions
from tests.gui.labs.test_compare_runs import choose, compare, train_in_step, type_into
from tests.gui.tutorial.test_sessions import (
    answer_open_dialog,
    answer_save_dialog,
    open_window,
    sessions_of,
)

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


@pytest.fixture(autouse=True)
def both_labs(monkeypatch):
    monkeypatch.setitem(app.LAB_INSTALLERS, "classification", install_classification_lab)


def spiral_lab(qtbot):
    window = open_window(qtbot, "spiral")
    window.resize(1600, 1000)
    return sessions_of(window).active_lab()


def sgd_beside_adam(qtbot, lab) -> None:
    """Ctrl+Shift+C, the new run set to SGD (learning rate 0.5) in the compare panel."""
    compare(qtbot, lab)
    panel = lab.compare
    panel.pages.setCurrentIndex(1)
    choose(panel.form.optimizer, "sgd")
    type_into(qtbot, panel.form.learning_rate, "0.5")
    qtbot.mouseClick(panel.buttons["apply"], Qt.MouseButton.LeftButton)
    assert panel.view.runs[1].editable["optimizer"] == "sgd"


def run_states(lab) -> list[str]:
    """Every number of every compared run (its Stepper's whole state), as exact text."""
    return [json.dumps(state_codec.encode(run.stepper.get_state()), sort_keys=True)
            for run in lab.controller.comparison.comparison.runs]


def test_a_saved_comparison_reopens_run_for_run_and_trains_on_in_step(
        qtbot, monkeypatch, tmp_path):
    lab = spiral_lab(qtbot)
    sgd_beside_adam(qtbot, lab)
    epochs = train_in_step(qtbot, lab, 25)
    compare(qtbot, lab)  # a third run; one of them stopped
    qtbot.mouseClick(lab.compare.buttons["stop"], Qt.MouseButton.LeftButton)
    assert "stopped" in [run.status for run in lab.compare.view.runs]
    lab.compare.watch_name.setCurrentIndex(lab.compare.watch_name.findText("dense1.weights"))
    qtbot.mouseClick(lab.compare.watch_button, Qt.MouseButton.LeftButton)
    path = tmp_path / "compared.json"
    answer_save_dialog(monkeypatch, path)
    qtbot.keyClick(lab.window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert sessions_of(lab.window).wait_for_saves() and path.is_file()
    assert not lab.window.isWindowModified()

    fresh = open_window(qtbot, "neuron")
    answer_open_dialog(monkeypatch, path)
    qtbot.keyClick(fresh, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    reopened = sessions_of(fresh).active_lab()
    assert reopened.controller is not lab.controller
    before, after = lab.compare.view, reopened.compare.view
    assert after is not None and reopened.docks["compare"].isVisible()
    assert [(run.name, run.color, run.status, run.epoch, dict(run.editable))
            for run in after.runs] == \
        [(run.name, run.color, run.status, run.epoch, dict(run.editable))
         for run in before.runs]
    assert [run.name for run in after.runs] == ["blue", "vermillion", "bluish green"]
    assert after.epoch == epochs and after.watched == "dense1.weights[0, 0]"
    assert run_states(reopened) == run_states(lab)
    assert not fresh.isWindowModified()  # opened as saved

    train_in_step_of_all(qtbot, lab, epochs + 10)
    train_in_step_of_all(qtbot, reopened, epochs + 10)
    assert run_states(reopened) == run_states(lab)


def train_in_step_of_all(qtbot, lab, epochs: int) -> None:
    """The stopped run resumed, then every run trained in step to `epochs`."""
    comparison = lab.controller.comparison.comparison
    assert [run.status for run in comparison.runs].count("stopped") == 1
    for run in comparison.runs:
        if run.status == "stopped":
            lab.controller.compare_resume(run.name)
    assert {run.status for run in comparison.runs} == {"running"}, [
        (run.name, run.status, run.message) for run in comparison.runs]
    comparison.run_iterations(epochs - comparison.epoch)
    assert {run.iteration for run in comparison.runs} == {epochs}


def test_ctrl_z_after_a_promotion_makes_the_former_main_run_main_again(
        qtbot, monkeypatch):
    lab = spiral_lab(qtbot)
    controller = lab.controller
    main = controller.stepper
    sgd_beside_adam(qtbot, lab)
    train_in_step(qtbot, lab, 10)
    monkeypatch.setattr(compare_panel, "ask_yes", lambda *args: True)
    qtbot.mouseClick(lab.compare.buttons["promote"], Qt.MouseButton.LeftButton)
    sgd = controller.stepper
    assert sgd is not main and lab.compare.view.runs[0].name == "vermillion"
    assert controller.undo_stack.canUndo()

    window = lab.window
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert controller.stepper is main
    assert [run.name for run in lab.compare.view.runs] == ["blue", "vermillion"]
    assert lab.network.optimizer_box.currentData() == "adam"
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert controller.stepper is sgd and lab.compare.view.runs[0].name == "vermillion"
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert controller.stepper is main
    # A run the undo history names leaves: the history goes with it.
    lab.compare.run_box.setCurrentIndex(1)
    qtbot.mouseClick(lab.compare.buttons["remove"], Qt.MouseButton.LeftButton)
    assert not controller.undo_stack.canUndo() and not controller.undo_stack.canRedo()


def test_export_as_python_of_a_comparison_trains_each_run_to_the_windows_numbers(
        qtbot, monkeypatch, tmp_path):
    lab = spiral_lab(qtbot)
    sgd_beside_adam(qtbot, lab)
    epochs = train_in_step(qtbot, lab, 20)
    monkeypatch.setattr(export, "BOOK_EPOCHS", epochs + 201)  # a short script: to epoch 200
    path = tmp_path / "compared.py"
    answer_save_dialog(monkeypatch, path)
    lab.window.findChild(SessionActions).actions["export"].trigger()
    printed = subprocess.run([sys.executable, str(path)], capture_output=True, text=True,
                             cwd=tmp_path, timeout=120, check=True).stdout.splitlines()

    comparison = lab.controller.comparison.comparison
    comparison.run_iterations(201)
    expected = []
    for run in comparison.runs:
        later = [line for line in run.model.log_lines()
                 if int(line.split(",")[0].removeprefix("epoch: ")) >= epochs]
        assert len(later) == 2  # epochs 100 and 200
        expected += [run.name, *later]
    assert printed == expected
    assert expected[0] == "blue" and expected[1:3] != expected[4:6]  # two runs, two courses
