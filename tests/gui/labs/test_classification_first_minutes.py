"""Issue 20 in the classification lab: the added-points buttons as keys (every control a teacher
uses while recording has a key, listed in F1), each doing what its button does and nothing while
the button is greyed out; the curves start with each scenario's own epochs."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication

import gui.labs.classification.data_panel as data_panel
from gui.shell.about import shortcut_rows
from gui.shell.app import build_window

KEYS = {"Clear added points": "Ctrl+Shift+Backspace", "Save added points…": "Ctrl+Alt+P",
        "Load points…": "Ctrl+Alt+O"}
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
CTRL_ALT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier


def open_spiral(qtbot):
    window = build_window("spiral")
    qtbot.addWidget(window)
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window, window.labs["classification"]


def press(qtbot, window, key, modifiers) -> None:
    qtbot.keyClick(QApplication.focusWidget() or window, key, modifiers)


def user_points(lab) -> int:
    return len(lab.controller.snapshot.classification.user_points)


def test_the_points_buttons_have_keys_listed_in_f1(qtbot, monkeypatch, tmp_path):
    window, lab = open_spiral(qtbot)
    rows = {action: keys for action, keys, _ in shortcut_rows(window)}
    assert {name: rows.get(name) for name in KEYS} == KEYS
    assert "Ctrl+Alt+P" in lab.data.save_button.toolTip()

    saved = tmp_path / "points.csv"
    monkeypatch.setattr(data_panel, "ask_save_path", lambda *args, **kwargs: saved)
    press(qtbot, window, Qt.Key.Key_P, CTRL_ALT)  # greyed out: no points to save
    assert not saved.exists()
    lab.controller.add_point(0.1, 0.2, 1)
    lab.controller.add_point(-0.3, 0.4, 0)
    assert user_points(lab) == 2
    press(qtbot, window, Qt.Key.Key_P, CTRL_ALT)
    qtbot.waitUntil(saved.is_file)
    press(qtbot, window, Qt.Key.Key_Backspace, CTRL_SHIFT)
    assert user_points(lab) == 0
    monkeypatch.setattr(data_panel, "ask_open_path", lambda *args, **kwargs: saved)
    press(qtbot, window, Qt.Key.Key_O, CTRL_ALT)
    qtbot.waitUntil(lambda: user_points(lab) == 2)  # points load off the window's thread


def test_the_curves_start_with_each_scenarios_own_epochs(qtbot):
    """Issue 20: plot axes kept the previous scenario's ranges after a switch."""
    window, lab = open_spiral(qtbot)
    lab.controller.run_iterations(300)
    view = lab.curves.loss_plot.getViewBox()
    qtbot.waitUntil(lambda: view.viewRange()[0][1] >= 290)
    view.setXRange(200, 230)  # the learner zoomed into the spiral's curve
    lab.actions["scenario_vertical"].trigger()
    lab.controller.run_iterations(60)
    qtbot.waitUntil(lambda: lab.controller.snapshot.iteration >= 60)
    qtbot.waitUntil(lambda: view.viewRange()[0][1] >= 59, timeout=3000)
    low, high = view.viewRange()[0]
    assert low <= 1 and 59 <= high <= 75  # the vertical run's own epochs


@pytest.mark.parametrize("scenario", ["spiral", "neuron"])
def test_no_two_actions_of_the_window_share_a_key(qtbot, scenario):
    """A key two actions claim triggers neither (Qt calls it ambiguous): Save points once
    shared Ctrl+Alt+S with Save layout."""
    window = build_window(scenario)
    qtbot.addWidget(window)
    window.show()
    owners: dict[str, list[str]] = {}
    for action in window.findChildren(QAction):
        if action.isVisible():
            for keys in action.shortcuts():
                owners.setdefault(keys.toString(), []).append(action.text())
    assert {keys: names for keys, names in owners.items() if len(names) > 1} == {}
