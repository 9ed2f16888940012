"""A take of a comparison: compare, a run's settings changed, Space, a run stopped, resumed and
promoted, Ctrl+Z, all recorded by keys and clicks, replays in a fresh window to the same runs
bit for bit."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from gui.labs.classification import compare_panel
from gui.labs.classification.lab import install_classification_lab
from gui.shell import app
from gui.tutorial.recording import active_controller
from gui.tutorial.takes import load_take
from tests.gui.labs.test_compare_files import run_states, sgd_beside_adam
from tests.gui.tutorial.test_sessions import open_window, sessions_of

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")
CTRL_ALT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier


@pytest.fixture(autouse=True)
def both_labs(monkeypatch):
    monkeypatch.setitem(app.LAB_INSTALLERS, "classification", install_classification_lab)


def run_a_while(qtbot, lab) -> None:
    """Space, some training, Space."""
    start = lab.controller.comparison.comparison.epoch
    qtbot.keyClick(lab.window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: lab.controller.comparison.comparison.epoch >= start + 5,
                    timeout=20000)
    qtbot.keyClick(lab.window, Qt.Key.Key_Space)


def click(qtbot, lab, button: str) -> None:
    qtbot.mouseClick(lab.compare.buttons[button], Qt.MouseButton.LeftButton)


def test_a_take_of_a_comparison_replays_to_the_same_runs(qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, "spiral")
    window.resize(1600, 1000)
    lab = sessions_of(window).active_lab()
    monkeypatch.setattr(compare_panel, "ask_yes", lambda *args: True)
    qtbot.keyClick(window, Qt.Key.Key_R, CTRL_ALT)
    sgd_beside_adam(qtbot, lab)
    run_a_while(qtbot, lab)
    click(qtbot, lab, "stop")  # the SGD run waits...
    run_a_while(qtbot, lab)
    click(qtbot, lab, "stop")  # ...and catches up when resumed
    run_a_while(qtbot, lab)
    click(qtbot, lab, "promote")
    run_a_while(qtbot, lab)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    run_a_while(qtbot, lab)  # both train on, the main run blue again
    path = tmp_path / "take.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    qtbot.keyClick(window, Qt.Key.Key_R, CTRL_ALT)
    take = load_take(path)
    names = [entry["action"] for entry in take["actions"]]
    assert {"compare_add_run", "compare_set_settings", "compare_stop", "compare_resume",
            "compare_promote", "undo_index"} <= set(names)
    assert all("runs" in entry for entry in take["actions"][names.index("compare_stop"):])

    fresh = open_window(qtbot, "neuron")
    replayer = fresh.tools.take_actions.replay(take, fast=True)
    with qtbot.waitSignal(replayer.finished, timeout=60_000) as done:
        pass
    assert done.args == [""]
    replayed = sessions_of(fresh).active_lab()
    assert active_controller(fresh) is replayed.controller
    assert [run.name for run in replayed.controller.comparison.comparison.runs] == \
        [run.name for run in lab.controller.comparison.comparison.runs]
    assert replayed.controller.comparison.comparison.main.name == "blue"  # undone promotion
    assert run_states(replayed) == run_states(lab)
