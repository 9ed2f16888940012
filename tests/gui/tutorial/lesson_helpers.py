"""What the lesson tests share: a window as the app builds it, a learner's keys and typing, and
short lessons written for a test."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit

from gui.shell.app import build_window
from gui.tutorial.lessons import Lessons

STEP_TIMEOUT_MS = 120_000  # a step that trains, on a loaded machine


def open_window(qtbot, scenario=None, size=(1600, 1000)):
    window = build_window(scenario)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def lessons_of(window) -> Lessons:
    return window.findChild(Lessons)


def wait_shown(qtbot, tour, number: int) -> None:
    """Until step `number` (from 0) has done its actions and shows its highlights."""
    qtbot.waitUntil(lambda: tour.number == number and tour.phase == "shown",
                    timeout=STEP_TIMEOUT_MS)


def press(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(QApplication.focusWidget() or window, key, modifier)


def type_into(qtbot, editor, cell, text) -> None:
    """Click a table cell, type, press Enter (as a learner edits a value)."""
    table = editor.table
    rect = table.visualItemRect(table.item(*cell))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.keyClick(table, text[0])
    qtbot.keyClicks(table.findChild(QLineEdit), text[1:])
    qtbot.keyClick(table.findChild(QLineEdit), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.State.EditingState)


def short_lesson(tmp_path, steps=None, name="short") -> str:
    """A lesson of three quick steps of the single neuron (or `steps`), written to a file."""
    steps = steps or [
        {"title": "Start", "caption": "The neuron, **w0 = {{ value weights[0] }}**.",
         "start": {"scenario": "neuron"}, "highlight": [{"cell": "weights[0]"}], "hold": 1.2},
        {"title": "Two operations", "caption": "z and a: `{{ value linear_output }}`.",
         "actions": [{"do": "step", "count": 2}], "highlight": [{"diagram": "relu[0]"}],
         "hold": 1.5},
        {"title": "Training", "caption": "Fifty iterations: the loss is {{ loss : .3f }}.",
         "actions": [{"do": "run", "iterations": 50}], "highlight": [{"plot": "loss"}],
         "hold": 2.0},
    ]
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps({"app": "backprop-playground", "kind": "lesson", "format": 1,
                                "title": "A short lesson", "steps": steps}))
    return str(path)
