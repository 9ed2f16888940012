"""A monkey at the window: 1,000 seeded random user actions, and not one exception or Qt warning.

Menu actions, the docks' buttons, boxes and tables, the keys, junk typed anywhere, scenario and
architecture changes and window resizes come in a random order no hand-written test thinks of.
pytest-qt fails the test on an exception in a slot or virtual method and on a Qt warning.

The seeds are fixed (CI repeats the same walks, one per seed, each walk that once found a fault
kept as a seed); MONKEY_SEED=random walks a new one, MONKEY_SEED=<n> replays the walk that
failed. The seed is in the test's name and in the summary at the end of the run, passed or
failed (tests/gui/conftest.py), so a random walk can be replayed. Each action is printed, so a
failure shows the actions before it. Run it without -s: pytest-qt watches Qt's messages only
while pytest captures output, so with -s a Qt warning passes unnoticed.
"""

import os
import random

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QInputDialog,
    QMessageBox,
    QPushButton,
)

from gui.labs.classification.network_panel import NetworkDock
from gui.shell.app import build_window
from gui.widgets.array_editor import ArrayEditor

STEPS = 1000
FIXED_SEEDS = [
    20261125,
    1631583133,  # Export as Python mid-iteration of an overflowing state (issue 21)
]
JUNK = ["abc", "nan", "1e999", "-5", "", "0.5", "3", "1,5", "-inf", "0"]
SCENARIOS = ["neuron", "layer", "spiral", "vertical"]
K = Qt.Key
M = Qt.KeyboardModifier
KEYS = [(K.Key_Right, M.NoModifier), (K.Key_Left, M.NoModifier), (K.Key_Space, M.NoModifier),
        (K.Key_Return, M.NoModifier), (K.Key_R, M.NoModifier), (K.Key_Z, M.ControlModifier),
        (K.Key_Z, M.ControlModifier | M.ShiftModifier), (K.Key_F1, M.NoModifier),
        (K.Key_R, M.ControlModifier), (K.Key_Escape, M.NoModifier)]
# Leave the window, start a recording or write outside the test's folders: not for the monkey.
SKIPPED = ("Quit", "Record", "applications menu", "Presentation")
RUN_ACTIONS_AT_MOST = 3  # a Run started by the monkey is paused within this many actions
SIZES = [(800, 600), (1400, 900), (640, 480), (1920, 1080), (1024, 700)]
BUTTONS = QMessageBox.StandardButton
ANSWERS = [BUTTONS.Yes, BUTTONS.No, BUTTONS.Save, BUTTONS.Discard, BUTTONS.Cancel, BUTTONS.Ok]


def monkey_seeds() -> list[int]:
    """The walks to take: MONKEY_SEED's (a new random one for "random"), else the fixed ones."""
    wanted = os.environ.get("MONKEY_SEED", "")
    if wanted == "random":
        return [random.SystemRandom().randrange(2**32)]
    return [int(wanted)] if wanted else FIXED_SEEDS


@pytest.fixture
def no_modal_dialogs(monkeypatch):
    """Every file, question and choice dialog answers at once (a modal one would wait forever)."""
    rng = random.Random(0)

    def question(_parent, _title, _text, buttons=BUTTONS.Yes | BUTTONS.No, *_args, **_kwargs):
        return rng.choice([b for b in ANSWERS if buttons & b == b])

    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: ("", ""))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: ("", ""))
    monkeypatch.setattr(QMessageBox, "question", question)
    for name in ("warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, name, lambda *_a, **_k: BUTTONS.Ok)
    monkeypatch.setattr(QInputDialog, "getItem", lambda *_a, **_k: ("", False))
    monkeypatch.setattr(QInputDialog, "getText", lambda *_a, **_k: ("", False))
    monkeypatch.setattr(QDialog, "exec", lambda _self: QDialog.DialogCode.Rejected)


def visible(widgets):
    return [w for w in widgets if w.isVisible() and w.isEnabled()]


def leaf_actions(window):
    found = []

    def walk(menu):
        for action in menu.actions():
            if action.menu() is not None:
                walk(action.menu())
            elif not action.isSeparator() and action.isEnabled() and \
                    not any(word in action.text().replace("&", "") for word in SKIPPED):
                found.append(action)

    for entry in window.menuBar().actions():
        walk(entry.menu())
    return found


def type_into(qtbot, box: QAbstractSpinBox, text: str) -> None:
    box.setFocus()
    box.lineEdit().selectAll()
    if text:
        qtbot.keyClicks(box.lineEdit(), text)
    else:
        qtbot.keyClick(box.lineEdit(), K.Key_Delete)
    qtbot.keyClick(box.lineEdit(), K.Key_Return)
    box.clearFocus()


# How the learner leaves a cell: Enter; Enter then Escape typed ahead while the window is busy
# (both keys arrive before the event loop turns); Escape; Tab to the next cell; or not at all,
# so that the next action (a click, a menu, a new scenario) finds the cell still open.
CELL_ENDINGS = [(K.Key_Return,), (K.Key_Return, K.Key_Escape), (K.Key_Escape,), (K.Key_Tab,), ()]


def type_in_table(qtbot, rng, table, text: str) -> None:
    """Double-click a random cell as a user would; type into the editor if one opened."""
    if table.rowCount() == 0 or table.columnCount() == 0:
        return
    item = table.item(rng.randrange(table.rowCount()), rng.randrange(table.columnCount()))
    if item is None:
        return
    centre = table.visualItemRect(item).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    # The cell's own editor: a closed one can linger, hidden, until the event loop deletes it.
    editor = table.indexWidget(table.currentIndex())
    if table.state() != QAbstractItemView.State.EditingState or editor is None:
        return
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    ending = rng.choice(CELL_ENDINGS)
    for key in ending:
        qtbot.keyClick(editor, key)
    print(f" cell {item.row()},{item.column()} of {table.rowCount()}x{table.columnCount()}",
          "then", "+".join(key.name for key in ending) or "left open", end="")


class Monkey:
    """One random user action at a time on `window`."""

    def __init__(self, qtbot, qtlog, window, rng: random.Random) -> None:
        self.qtbot, self.qtlog, self.window, self.rng = qtbot, qtlog, window, rng
        self.seen = 0
        self.running_for = 0

    def act(self, step: int) -> None:
        kinds = [self.menu_action, self.button, self.key, self.junk_in_box, self.junk_in_table,
                 self.combo, self.architecture, self.resize, self.scenario]
        weights = [20, 20, 25, 12, 8, 6, 4, 3, 2]
        kind = self.rng.choices(kinds, weights)[0]
        print(f"{step}: {kind.__name__}", end=" ")
        kind()
        print()
        for record in self.qtlog.records[self.seen:]:
            print(f"   Qt said after {kind.__name__}: {record.message}")
        self.seen = len(self.qtlog.records)
        self.close_dialogs()
        self.pause_a_long_run()

    def menu_action(self) -> None:
        action = self.rng.choice(leaf_actions(self.window))
        print(repr(action.text()), end="")
        action.trigger()

    def button(self) -> None:
        buttons = [b for b in visible(self.window.findChildren(QAbstractButton))
                   if isinstance(b, QPushButton | QCheckBox)]
        if buttons:
            button = self.rng.choice(buttons)
            print(repr(button.text()), end="")
            self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    def key(self) -> None:
        key, modifiers = self.rng.choice(KEYS)
        print(key.name, modifiers, end="")
        self.qtbot.keyClick(self.window, key, modifiers)

    def junk_in_box(self) -> None:
        boxes = visible(self.window.findChildren(QAbstractSpinBox))
        if boxes:
            box, text = self.rng.choice(boxes), self.rng.choice(JUNK)
            print(repr(box.toolTip()[:30]), repr(text), end="")
            type_into(self.qtbot, box, text)

    def junk_in_table(self) -> None:
        editors = visible(self.window.findChildren(ArrayEditor))
        if editors:
            text = self.rng.choice(JUNK)
            print(repr(text), end="")
            type_in_table(self.qtbot, self.rng, self.rng.choice(editors).table, text)

    def combo(self) -> None:
        combos = [c for c in visible(self.window.findChildren(QComboBox)) if c.count()]
        if combos:
            combo = self.rng.choice(combos)
            index = self.rng.randrange(combo.count())
            print(repr(combo.itemText(index)), end="")
            combo.setCurrentIndex(index)

    def architecture(self) -> None:
        networks = visible(self.window.findChildren(NetworkDock))
        if not networks:
            return
        network = networks[0]
        if self.rng.random() < 0.5:
            box, text = network.hidden_count, str(self.rng.randint(0, 2))
        else:
            layer = self.rng.choice(network.layers[:network.hidden_count.value() + 1])
            box, text = layer.neurons, str(self.rng.randint(1, 8))
        print(repr(box.toolTip()[:30]), text, end="")
        type_into(self.qtbot, box, text)

    def resize(self) -> None:
        size = self.rng.choice(SIZES)
        print(size, end="")
        self.window.resize(*size)

    def scenario(self) -> None:
        titles = {"neuron": "Single neuron", "layer": "Layer of 3", "spiral": "Spiral",
                  "vertical": "Vertical"}
        wanted = titles[self.rng.choice(SCENARIOS)]
        print(wanted, end="")
        for action in leaf_actions(self.window):
            if action.text().startswith(wanted):
                action.trigger()

    def close_dialogs(self) -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                widget.reject()

    def pause_a_long_run(self) -> None:
        """Run ticks on a timer: the monkey lets it go a few actions, then pauses it."""
        run_buttons = [b for b in self.window.findChildren(QPushButton)
                       if b.isVisible() and b.isCheckable() and b.isChecked()
                       and b.text().startswith("Pause")]
        self.running_for = self.running_for + 1 if run_buttons else 0
        if self.running_for > RUN_ACTIONS_AT_MOST:
            self.qtbot.mouseClick(run_buttons[0], Qt.MouseButton.LeftButton)
            self.running_for = 0


@pytest.mark.parametrize("seed", monkey_seeds(), ids=lambda seed: f"seed={seed}")
def test_a_thousand_random_actions_raise_nothing(qtbot, qtlog, no_modal_dialogs,
                                                 record_property, seed):
    record_property("monkey_seed", seed)
    print(f"monkey seed: {seed} (replay with MONKEY_SEED={seed})")
    rng = random.Random(seed)
    window = build_window(rng.choice(SCENARIOS))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    monkey = Monkey(qtbot, qtlog, window, rng)
    for step in range(STEPS):
        monkey.act(step)
        if step % 50 == 0:
            qtbot.wait(1)  # let queued work (timers, deferred repaints) run now and then
    monkey.pause_a_long_run()
    assert window.isVisible()
