"""File > Export as Python: the script it writes prints what the app prints."""

import subprocess
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog

from engine.files import atomic
from gui.labs.classification.lab import install_classification_lab
from gui.shell import app
from gui.tutorial import session_actions
from gui.tutorial.session_actions import SessionActions
from tests.full_disk import fill_disk


def export_through_the_menu(qtbot, monkeypatch, window, path) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *args, **kwargs: (str(path), "")))
    window.findChild(SessionActions).actions["export"].trigger()
    assert path.is_file()


def first_lines(path, count: int, cwd) -> list[str]:
    """The script's first `count` printed lines (it is stopped there: no need to train on)."""
    process = subprocess.Popen([sys.executable, str(path)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, cwd=cwd)
    try:
        lines = [process.stdout.readline().rstrip("\n") for _ in range(count)]
    finally:
        process.kill()
        process.communicate()
    return lines


def test_the_exported_spiral_script_prints_the_apps_epoch_lines(qtbot, monkeypatch, tmp_path):
    monkeypatch.setitem(app.LAB_INSTALLERS, "classification", install_classification_lab)
    window = app.build_window("spiral")
    qtbot.addWidget(window)
    controller = window.findChild(SessionActions).active_lab().controller
    controller.run_iterations(100)  # exported from epoch 100 on
    path = tmp_path / "spiral.py"
    export_through_the_menu(qtbot, monkeypatch, window, path)
    controller.run_iterations(201)
    app_lines = controller.trainable.log_lines()[1:]  # epochs 100, 200 and 300
    assert len(app_lines) == 3 and app_lines[0].startswith("epoch: 100,")
    assert first_lines(path, 3, tmp_path) == app_lines


def test_the_exported_neuron_script_prints_the_notebooks_lines(qtbot, monkeypatch, tmp_path):
    window = app.build_window("neuron")
    qtbot.addWidget(window)
    controller = window.findChild(SessionActions).active_lab().controller
    controller.run_iterations(7)
    path = tmp_path / "neuron.py"
    export_through_the_menu(qtbot, monkeypatch, window, path)
    controller.run_iterations(5)
    app_lines = controller.trainable.log_lines()[7:12]
    assert first_lines(path, 5, tmp_path) == app_lines


@pytest.fixture
def told(monkeypatch):
    """What the user was told in message boxes, instead of showing them."""
    messages = []
    monkeypatch.setattr(session_actions, "show_problem",
                        lambda parent, title, text: messages.append((title, text)))
    return messages


# An element set to overflow within the iteration the app stands in: the script would start
# where that iteration ends, which cannot be computed. (scenario, element, value)
OVERFLOWING = [("neuron", "weights", (0,), 1e30),
               ("spiral", "dense1.weights", (0, 0), 3e38)]


@pytest.mark.parametrize(("scenario", "name", "index", "value"), OVERFLOWING)
def test_export_mid_iteration_of_an_overflowing_state_says_why_and_writes_nothing(
        qtbot, monkeypatch, tmp_path, told, scenario, name, index, value):
    monkeypatch.setitem(app.LAB_INSTALLERS, "classification", install_classification_lab)
    window = app.build_window(scenario)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    controller = window.findChild(SessionActions).active_lab().controller
    if controller.model is not None:  # its clipped cross-entropy alone stays finite
        network = controller.spec
        network["hidden"][0]["weight_l2"] = 1e-3
        controller.set_architecture(network)
    assert controller.edit_value(name, index, value)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Right)
    where = (controller.stepper.iteration, controller.stepper.position)
    assert where == (0, 1)
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *args, **kwargs: (str(tmp_path / "x.py"), "")))

    window.findChild(SessionActions).actions["export"].trigger()

    [(title, text)] = told
    assert title == "Could not export"
    assert "finishing it overflows" in text and "became infinite" in text
    assert "Step back (Left)" in text
    assert list(tmp_path.iterdir()) == []
    assert (controller.stepper.iteration, controller.stepper.position) == where


def test_export_on_a_full_disk_keeps_the_earlier_script(qtbot, monkeypatch, tmp_path, told):
    window = app.build_window("neuron")
    qtbot.addWidget(window)
    path = tmp_path / "neuron.py"
    export_through_the_menu(qtbot, monkeypatch, window, path)
    earlier = path.read_bytes()
    window.findChild(SessionActions).active_lab().controller.run_iterations(3)
    fill_disk(monkeypatch, atomic, room=len(earlier) // 2)
    window.findChild(SessionActions).actions["export"].trigger()
    assert told == [("Could not export",
                     "cannot write neuron.py: the disk is full; nothing was changed.")]
    assert path.read_bytes() == earlier
    assert sorted(tmp_path.iterdir()) == [path]
