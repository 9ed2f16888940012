"""File > Export as Python: the script it writes prints what the app prints."""

import subprocess
import sys

from PySide6.QtWidgets import QFileDialog

from gui.labs.classification.lab import install_classification_lab
from gui.shell import app
from gui.tutorial.session_actions import SessionActions


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
