"""Training that blows up: it pauses, says at which iteration and which quantity, and one
click on "Restore last good state" brings back finite numbers. Warnings are errors here, so a
numpy overflow warning anywhere on the way fails the test; a subprocess run checks the real
app's stderr too.
"""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from gui.labs.classification.lab import ClassificationLab
from gui.labs.hand.lab import HandLab
from gui.panels.controls_panel import ControlsPanel
from gui.shell.app import build_window
from gui.tutorial import recording, session_actions
from gui.tutorial.recording import RecordingPlan
from gui.tutorial.timeline import Timeline

ROOT = Path(__file__).resolve().parents[2]


def open_window(qtbot, scenario: str):
    window = build_window(scenario)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    lab = next(child for child in window.children()
               if isinstance(child, HandLab | ClassificationLab))
    return window, lab


def visible_controls(window) -> ControlsPanel:
    return next(panel for panel in window.findChildren(ControlsPanel) if panel.isVisible())


def all_finite(parameters) -> bool:
    return all(np.isfinite(value).all() for value in parameters.values())


def train_until_paused(qtbot, controls: ControlsPanel, clicks: int) -> None:
    for _ in range(clicks):
        qtbot.mouseClick(controls.iteration_button, Qt.MouseButton.LeftButton)
        if controls.restore_button.isVisible():
            return


# The brief's extreme settings. None of them overflows within a short run (the neuron's ReLU
# dies, Adam's steps are bounded by its rate, the clipped cross-entropy stays finite), so each
# is trained and must stay silent and finite, or pause with the notice.
EXTREME_RATES = [
    ("neuron", {"learning_rate": 10.0}, 300),
    ("layer", {"learning_rate": 10.0}, 300),
    ("spiral", {"name": "adam", "learning_rate": 100.0}, 60),
    ("vertical", {"name": "sgd", "learning_rate": 1e4}, 60),
]


@pytest.mark.parametrize(("scenario", "setting", "iterations"), EXTREME_RATES)
def test_extreme_learning_rates_train_without_warnings(qtbot, scenario, setting, iterations):
    window, lab = open_window(qtbot, scenario)
    controller = lab.controller
    if controller.model is None:
        assert controller.edit_value("learning_rate", (), setting["learning_rate"])
    else:
        controller.set_architecture({"optimizer": setting})
        assert controller.spec["optimizer"]["learning_rate"] == setting["learning_rate"]
    controller.run_iterations(iterations)
    snapshot = controller.snapshot
    assert all_finite(snapshot.parameters) or (snapshot.can_restore and snapshot.notice)


# An element pushed to the edge of what the numbers hold, then one more iteration: the loss
# overflows (a classification loss gets an L2 term first: its clipped cross-entropy alone
# stays finite). (scenario, name, index, value, what the notice says)
BLOW_UPS = [
    ("neuron", "weights", (0,), 1e200, "iteration 3: loss became infinite"),
    ("layer", "W", (0, 0), 1e200, "iteration 3: l became infinite"),
    ("spiral", "dense1.weights", (0, 0), 3e38, "epoch 3: loss became infinite"),
    ("vertical", "dense1.weights", (0, 0), 3e38, "epoch 3: loss became infinite"),
]


@pytest.mark.parametrize(("scenario", "name", "index", "value", "said"), BLOW_UPS)
def test_divergence_pauses_names_where_and_one_click_restores(qtbot, scenario, name, index,
                                                              value, said):
    window, lab = open_window(qtbot, scenario)
    controller = lab.controller
    if controller.model is not None:
        network = lab.network.architecture()
        network["hidden"][0]["weight_l2"] = 1e-3
        controller.set_architecture(network)
    controller.run_iterations(3)
    assert controller.edit_value(name, index, value)
    good = controller.snapshot.parameters
    controls = visible_controls(window)

    train_until_paused(qtbot, controls, clicks=3)

    assert controls.restore_button.isVisible()
    assert controls.notice_label.isVisible()
    assert said in controls.notice_label.text()
    assert said in window.statusBar().currentMessage()
    assert not controller.is_running()

    qtbot.mouseClick(controls.restore_button, Qt.MouseButton.LeftButton)

    assert not controls.restore_button.isVisible()
    assert not controls.notice_label.isVisible()
    assert "Restored the last good state" in window.statusBar().currentMessage()
    restored = controller.trainable.parameters()
    assert all_finite(restored)
    for key, array in good.items():
        np.testing.assert_array_equal(restored[key], array)


def test_running_into_a_divergence_pauses_run(qtbot):
    window, lab = open_window(qtbot, "neuron")
    controller = lab.controller
    assert controller.edit_value("weights", (0,), 1e200)
    controls = visible_controls(window)
    qtbot.mouseClick(controls.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controls.restore_button.isVisible(), timeout=5000)
    assert not controller.is_running()
    assert not controls.run_button.isChecked()
    assert "loss became infinite" in controls.notice_label.text()


def test_the_app_prints_no_numpy_warning_when_training_diverges(tmp_path):
    """A real process: the spiral at Adam learning rate 100, then pushed over the edge;
    nothing about overflow or invalid values reaches stderr."""
    script = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from gui.shell.app import build_window, create_application
app = create_application()
window = build_window("spiral")
from gui.labs.classification.lab import ClassificationLab
lab = next(c for c in window.children() if isinstance(c, ClassificationLab))
c = lab.controller
c.set_architecture({{"optimizer": {{"name": "adam", "learning_rate": 100.0}}}})
c.run_iterations(50)
network = lab.network.architecture()
network["hidden"][0]["weight_l2"] = 1e-3
c.set_architecture(network)
c.run_iterations(2)
c.edit_value("dense1.weights", (0, 0), 3e38)
c.finish_iteration()
assert c.snapshot.can_restore, c.snapshot.notice
c.restore_last_good()
print("done", c.snapshot.iteration)
"""
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen",
                       BACKPROP_PLAYGROUND_DATA=str(tmp_path))
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120, env=environment, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "done" in result.stdout
    stderr = "\n".join(line for line in result.stderr.splitlines()
                       if "This plugin does not support" not in line)
    assert "Warning" not in stderr
    assert "overflow" not in stderr and "invalid value" not in stderr


def test_native_rmsprop_at_1e38_draws_its_neuron_maps_without_a_warning(qtbot):
    """Native numerics keep float64 activations past float32's 3.4e38, which the enlarged
    neuron map (a float32 image) could not hold: an overflow warning on stderr, an error here."""
    window, lab = open_window(qtbot, "spiral")
    window.resize(1600, 1000)
    controller = lab.controller
    controller.set_architecture({"numerics": "native",
                                 "optimizer": {"name": "rmsprop", "learning_rate": 1e38}})
    assert controller.spec["numerics"] == "native"

    def beyond_float32() -> bool:
        controller.run_iterations(1)
        qtbot.wait(5)  # the maps are drawn a slice after the snapshot
        return lab.neuron_maps.large_image.image is not None and \
            "e+" in lab.neuron_maps.caption.text() and \
            abs(float(lab.neuron_maps.caption.text().split()[-1])) > 3.5e38

    qtbot.waitUntil(beyond_float32, timeout=20_000)
    assert np.isfinite(lab.neuron_maps.large_image.image).all()


@pytest.mark.parametrize(("scenario", "name", "index", "value"),
                         [blow_up[:4] for blow_up in BLOW_UPS[::3]])
def test_every_file_action_on_a_diverged_state_answers_with_a_message(
        qtbot, monkeypatch, tmp_path, scenario, name, index, value):
    """Saved, exported, recorded, looked back at: a blown-up run meets each of them, and each
    says what it did or why it did not, never an uncaught Divergence."""
    window, lab = open_window(qtbot, scenario)
    controller = lab.controller
    if controller.model is not None:
        network = lab.network.architecture()
        network["hidden"][0]["weight_l2"] = 1e-3
        controller.set_architecture(network)
    controller.run_iterations(3)
    assert controller.edit_value(name, index, value)
    train_until_paused(qtbot, visible_controls(window), clicks=3)
    assert controller.snapshot.can_restore
    told = []
    monkeypatch.setattr(session_actions, "show_problem",
                        lambda parent, title, text: told.append(text))
    monkeypatch.setattr(recording.QMessageBox, "warning",
                        lambda parent, title, text: told.append(text))

    def save_to(file_name: str):
        monkeypatch.setattr(QFileDialog, "getSaveFileName",
                            lambda *args, **kwargs: (str(tmp_path / file_name), ""))

    files = window.findChild(session_actions.SessionActions)
    save_to("blown.json")
    files.actions["save_as"].trigger()
    files.wait_for_saves()  # a save is written on the saver's thread
    assert window.statusBar().currentMessage().startswith("Saved blown.json")
    save_to("blown.py")
    files.actions["export"].trigger()
    assert told[-1].startswith("Training has diverged: a script from here would train on")
    save_to("blown.png")
    window.tools.plot_export.actions["window_png"].trigger()
    assert window.statusBar().currentMessage() == f"Saved {tmp_path / 'blown.png'}"
    assert window.tools.record_action.record(
        controller, RecordingPlan(tmp_path / "blown.gif", frames=1)) is None
    assert "Training has diverged" in told[-1]
    timeline = window.findChild(Timeline)
    timeline.show_iteration(1)
    assert controller.viewing_past and controller.stepper.iteration == 1
    timeline.show_iteration(10**6)
    assert not controller.viewing_past
    assert sorted(path.name for path in tmp_path.iterdir()) == ["blown.json", "blown.png"]
