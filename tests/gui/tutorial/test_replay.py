"""Takes: actions recorded through the window replay in a fresh window to the same numbers."""

import json

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QFileDialog, QLineEdit

import main
from engine.files import atomic
from gui.shell.app import build_window
from gui.tutorial.recording import active_controller
from gui.tutorial.takes import TakeError, load_take
from tests.full_disk import fill_disk


def open_window(qtbot, scenario=None):
    window = build_window(scenario)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def type_into(qtbot, lab, name, cell, text):
    """Click a cell of the parameters panel, type, press Enter."""
    table = lab.parameters.editors[name].table
    rect = table.visualItemRect(table.item(*cell))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.keyClick(table, text[0])
    qtbot.keyClicks(table.findChild(QLineEdit), text[1:])
    qtbot.keyClick(table.findChild(QLineEdit), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.State.EditingState)


def key(qtbot, window, which, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(QApplication.focusWidget() or window, which, modifier)


def state_of(window):
    controller = active_controller(window)
    return controller.scenario, controller.capture_session().stepper


def record_a_take(qtbot, tmp_path, monkeypatch):
    """Steps, a typed weight, a run, an undo and a scenario change, by keys and typing."""
    window = open_window(qtbot, "neuron")
    lab = active_controller(window).parent()
    ctrl_alt = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
    key(qtbot, window, Qt.Key.Key_R, ctrl_alt)
    assert window.tools.take_actions.recorder.recording
    key(qtbot, window, Qt.Key.Key_Right)
    key(qtbot, window, Qt.Key.Key_Right)
    type_into(qtbot, lab, "weights", (0, 1), "0.25")
    key(qtbot, window, Qt.Key.Key_Return)
    key(qtbot, window, Qt.Key.Key_Space)  # run at 10 iterations a second...
    qtbot.wait(350)
    key(qtbot, window, Qt.Key.Key_Space)  # ...and pause after a few
    type_into(qtbot, lab, "bias", (0, 0), "0.5")
    key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the bias
    key(qtbot, window, Qt.Key.Key_Left)
    window.scenario_requested.emit("layer")
    key(qtbot, window, Qt.Key.Key_Return)
    path = tmp_path / "take.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    key(qtbot, window, Qt.Key.Key_R, ctrl_alt)
    assert path.is_file()
    return window, path


def test_a_recorded_take_replays_to_the_same_numbers_bit_for_bit(qtbot, tmp_path, monkeypatch):
    live, path = record_a_take(qtbot, tmp_path, monkeypatch)
    take = load_take(path)
    names = [entry["action"] for entry in take["actions"]]
    assert {"step", "edit_value", "finish_iteration", "toggle_running", "undo_index",
            "step_back", "scenario"} <= set(names)
    neuron_run = take["actions"][names.index("toggle_running") + 1]
    assert neuron_run["iteration"] > 1  # the run trained on its own between the two Spaces
    fresh = open_window(qtbot)
    replayer = fresh.tools.take_actions.replay(take, fast=True)
    with qtbot.waitSignal(replayer.finished, timeout=10_000) as done:
        pass
    assert done.args == [""]
    assert state_of(fresh) == state_of(live)
    assert active_controller(live).scenario == "layer"
    for window in (live, fresh):
        window.scenario_requested.emit("neuron")
    live_weights = active_controller(live).trainable.parameters()["weights"]
    fresh_weights = active_controller(fresh).trainable.parameters()["weights"]
    assert live_weights.tobytes() == fresh_weights.tobytes()
    assert np.asarray(live_weights).dtype == np.asarray(fresh_weights).dtype


def test_a_take_replays_with_its_timing(qtbot, tmp_path, monkeypatch):
    live, path = record_a_take(qtbot, tmp_path, monkeypatch)
    take = load_take(path)
    fresh = open_window(qtbot)
    replayer = fresh.tools.take_actions.replay(take)
    with qtbot.waitSignal(replayer.finished, timeout=10_000) as done:
        pass
    assert done.args == [""]
    assert state_of(fresh) == state_of(live)


@pytest.mark.parametrize("text, problem", [
    ("not json", "not a take file"),
    ('{"app": "backprop-playground", "take": 99}', "take format 99"),
    ('{"app": "other"}', "not a Backprop Playground take"),
])
def test_a_malformed_take_is_refused_with_a_clear_error(tmp_path, capsys, text, problem):
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(TakeError, match=problem):
        load_take(path)
    assert main.main(["--replay", str(path)]) == 2
    assert problem in capsys.readouterr().err


def test_an_unknown_action_is_named(qtbot, tmp_path, monkeypatch):
    _live, path = record_a_take(qtbot, tmp_path, monkeypatch)
    take = json.loads(path.read_text())
    take["actions"][0]["action"] = "format_disk"
    path.write_text(json.dumps(take))
    with pytest.raises(TakeError, match="action 0: unknown action 'format_disk'"):
        load_take(path)


def test_a_take_saved_on_a_full_disk_says_so_and_keeps_the_earlier_take(qtbot, tmp_path,
                                                                        monkeypatch):
    window, path = record_a_take(qtbot, tmp_path, monkeypatch)
    earlier = path.read_bytes()
    fill_disk(monkeypatch, atomic, room=len(earlier) // 2)
    window.tools.take_actions.save(load_take(path), path)
    assert window.statusBar().currentMessage() == (
        "Could not save the take: cannot write take.json: the disk is full")
    assert path.read_bytes() == earlier
    assert sorted(tmp_path.iterdir()) == [path]
