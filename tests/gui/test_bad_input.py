"""Junk typed into every kind of input: refused with a message at the field, value kept.

The junk: text, NaN, infinities, overflow, nothing, a decimal comma, huge and negative sizes.
"""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit

from gui.app import build_window
from gui.classification_lab import ClassificationLab
from gui.hand_lab import HandLab

# Each case opens a lab (about 2 s): the whole module takes a couple of minutes.
pytestmark = pytest.mark.slow

NOT_NUMBERS = ["abc", "nan", "inf", "-inf", "1e999", "-1e999"]


def open_lab(qtbot, scenario: str):
    window = build_window(scenario)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    return next(child for child in window.children()
                if isinstance(child, HandLab | ClassificationLab))


def type_in_cell(qtbot, table, cell, text: str) -> None:
    rect = table.visualItemRect(table.item(*cell))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    editor = table.findChild(QLineEdit)
    assert editor is not None
    editor.selectAll()
    if text:
        qtbot.keyClicks(editor, text)
    else:
        qtbot.keyClick(editor, Qt.Key.Key_Delete)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.State.EditingState)


def type_in_box(qtbot, box, text: str) -> None:
    box.setFocus()
    box.lineEdit().selectAll()
    if text:
        qtbot.keyClicks(box.lineEdit(), text)
    else:
        qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Delete)
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)
    box.clearFocus()


# The hand lab's editable values: weights, target and learning rate.
HAND_CELLS = [("neuron", "weights", (0, 0)), ("neuron", "target_output", (0, 0)),
              ("neuron", "learning_rate", (0, 0))]


@pytest.mark.parametrize(("scenario", "name", "cell"), HAND_CELLS)
@pytest.mark.parametrize("junk", ["abc", "nan", "-inf", "1e999", "", "1,2,3"])
def test_hand_lab_cells_refuse_junk(qtbot, scenario, name, cell, junk):
    lab = open_lab(qtbot, scenario)
    editor = lab.parameters.editors[name]
    before = editor.array().copy()
    type_in_cell(qtbot, editor.table, cell, junk)
    assert editor.message.isVisible()
    assert "not a" in editor.message.text() and "kept" in editor.message.text()
    assert (lab.controller.trainable.parameters()[name] == before.reshape(
        lab.controller.trainable.parameters()[name].shape)).all()


def test_a_decimal_comma_is_read_as_a_point(qtbot):
    lab = open_lab(qtbot, "neuron")
    editor = lab.parameters.editors["learning_rate"]
    type_in_cell(qtbot, editor.table, (0, 0), "0,5")
    assert lab.controller.trainable.parameters()["learning_rate"] == 0.5
    assert not editor.message.isVisible()


@pytest.mark.parametrize("junk", ["abc", "inf", ""])
def test_layer_inspector_cells_refuse_junk(qtbot, junk):
    lab = open_lab(qtbot, "spiral")
    lab.inspector.show_array("dense1.weights")
    editor = lab.inspector.editor
    before = lab.controller.trainable.parameters()["dense1.weights"].copy()
    type_in_cell(qtbot, editor.table, (0, 0), junk)
    assert editor.message.isVisible() and "kept" in editor.message.text()
    assert (lab.controller.trainable.parameters()["dense1.weights"] == before).all()


NETWORK_BOXES = [
    (lambda lab: lab.network.optimizer_inputs["adam"]["learning_rate"], "Adam learning rate"),
    (lambda lab: lab.network.layers[0].neurons, "Layer 1 neurons"),
    (lambda lab: lab.network.max_epochs, "Epoch budget"),
]
SIZE_JUNK = ["abc", "nan", "-inf", "", "999999999999", "-5"]
# Found by these tests and not yet fixed (see the robustness report): Qt's spin boxes read
# "1,5" as 15 and "1e999" in a whole-number box as 1; the speed box is a plain QDoubleSpinBox
# that takes "1,5", "-5" and huge values silently (clamped or misread, with no message).
KNOWN_GAPS = pytest.mark.xfail(strict=True, reason="misread by the spin box (see above)")


@pytest.mark.parametrize(("where", "name"), NETWORK_BOXES)
@pytest.mark.parametrize("junk", [*SIZE_JUNK, pytest.param("1,5", marks=KNOWN_GAPS)])
def test_network_dock_boxes_refuse_junk(qtbot, where, name, junk):
    lab = open_lab(qtbot, "spiral")
    lab.network.max_epochs_on.setChecked(True)
    lab.network.target_accuracy_on.setChecked(True)
    box = where(lab)
    before, spec = box.value(), lab.controller.spec
    type_in_box(qtbot, box, junk)
    assert box.value() == before
    assert lab.network.message.text().startswith(name)
    assert "kept" in lab.network.message.text() or "not one" in lab.network.message.text()
    assert lab.controller.spec == spec


DATA_BOXES = [(lambda lab: lab.data.samples_box, "Samples per class"),
              (lambda lab: lab.data.seed_box, "Seed")]


@pytest.mark.parametrize(("where", "name"), DATA_BOXES)
@pytest.mark.parametrize("junk", SIZE_JUNK)
def test_data_dock_boxes_refuse_junk(qtbot, where, name, junk):
    lab = open_lab(qtbot, "spiral")
    box = where(lab)
    before, spec = box.value(), lab.controller.spec
    type_in_box(qtbot, box, junk)
    assert box.value() == before
    assert lab.data.message.text().startswith(name)
    assert lab.controller.spec == spec


@pytest.mark.parametrize("junk", ["abc", "nan", "", *(pytest.param(j, marks=KNOWN_GAPS)
                                                     for j in ("1,5", "-5", "1e999"))])
def test_speed_box_keeps_its_value(qtbot, junk):
    lab = open_lab(qtbot, "neuron")
    box = lab.controls.speed_box
    type_in_box(qtbot, box, junk)
    assert box.value() == 10
    assert lab.controller.speed == 10


def test_a_points_file_that_is_not_there_is_refused_with_its_name(qtbot, tmp_path):
    lab = open_lab(qtbot, "spiral")
    spec = lab.controller.spec
    lab.data.load_points_requested.emit(str(tmp_path / "no such file.csv"))
    assert "Could not load no such file.csv" in lab.data.message.text()
    assert "kept" in lab.data.message.text()
    lab.data.save_points_requested.emit(str(tmp_path / "no folder" / "points.csv"))
    assert "Could not save points.csv" in lab.data.message.text()
    assert lab.controller.spec == spec
    QApplication.processEvents()
