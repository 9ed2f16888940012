"""Junk typed into every kind of input: refused with a message at the field, value kept.

The junk: text, NaN, infinities, overflow, nothing, a decimal comma, huge and negative sizes.
The rule for a decimal comma, app-wide: a real-valued cell or box reads "1,5" as 1.5; a
whole-number box refuses it. One window per lab serves the whole module (a window takes about
2 s to open); each test starts from cleared messages and compares with the value it found.
"""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit

from gui.labs.classification.lab import ClassificationLab
from gui.labs.hand.lab import HandLab
from gui.shell.app import build_window


@pytest.fixture(scope="module")
def labs(qapp):
    """open_lab(scenario): that scenario's lab, in a window opened once for the module."""
    windows = {}

    def open_lab(scenario: str):
        if scenario not in windows:
            window = build_window(scenario)
            window.show()
            windows[scenario] = window
        window = windows[scenario]
        window.activateWindow()
        lab = next(child for child in window.children()
                   if isinstance(child, HandLab | ClassificationLab))
        clear_messages(lab)  # none left over from the test before
        return lab

    yield open_lab
    for window in windows.values():
        window.close()
        window.deleteLater()
    QApplication.processEvents()


def clear_messages(lab) -> None:
    lab.controls.speed_message.hide()
    for dock in ("network", "data"):
        if hasattr(lab, dock):
            getattr(lab, dock).message.clear()
    if hasattr(lab, "inspector"):
        lab.inspector.window_message.hide()
        lab.inspector.editor.clear_error()
    if hasattr(lab, "parameters"):
        lab.parameters.clear_refusal()


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
    qtbot.mouseClick(box.lineEdit(), Qt.MouseButton.LeftButton)  # into the box, to type
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
def test_hand_lab_cells_refuse_junk(qtbot, labs, scenario, name, cell, junk):
    lab = labs(scenario)
    editor = lab.parameters.editors[name]
    before = editor.array().copy()
    type_in_cell(qtbot, editor.table, cell, junk)
    # Said above the tables, where it moves nothing.
    assert "not a" in lab.parameters.refusal() and "kept" in lab.parameters.refusal()
    assert (lab.controller.trainable.parameters()[name] == before.reshape(
        lab.controller.trainable.parameters()[name].shape)).all()


def test_a_decimal_comma_is_read_as_a_point(qtbot, labs):
    lab = labs("neuron")
    editor = lab.parameters.editors["learning_rate"]
    type_in_cell(qtbot, editor.table, (0, 0), "0,5")
    assert lab.controller.trainable.parameters()["learning_rate"] == 0.5
    assert lab.parameters.refusal() == ""


@pytest.mark.parametrize("junk", ["abc", "inf", ""])
def test_layer_inspector_cells_refuse_junk(qtbot, labs, junk):
    lab = labs("spiral")
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


@pytest.mark.parametrize(("where", "name"), NETWORK_BOXES)
@pytest.mark.parametrize("junk", [*SIZE_JUNK, "1e999"])
def test_network_dock_boxes_refuse_junk(qtbot, labs, where, name, junk):
    lab = labs("spiral")
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
def test_data_dock_boxes_refuse_junk(qtbot, labs, where, name, junk):
    lab = labs("spiral")
    box = where(lab)
    before, spec = box.value(), lab.controller.spec
    type_in_box(qtbot, box, junk)
    assert box.value() == before
    assert lab.data.message.text().startswith(name)
    assert lab.controller.spec == spec


def test_a_decimal_comma_in_a_whole_number_box_is_refused_whole(qtbot, labs):
    lab = labs("spiral")
    box = lab.network.layers[0].neurons
    before, spec = box.value(), lab.controller.spec
    type_in_box(qtbot, box, "1,5")  # once, dropping the comma, this made 15 neurons
    assert box.value() == before and lab.controller.spec == spec
    assert lab.network.message.text() == "Layer 1 neurons: type a whole number ('1,5' is not one)."


def test_a_decimal_comma_in_a_real_box_is_read_as_a_point(qtbot, labs):
    lab = labs("spiral")
    box = lab.network.optimizer_inputs["adam"]["learning_rate"]
    type_in_box(qtbot, box, "0,5")
    assert box.value() == 0.5 and box.text() == "0.5"
    assert lab.network.message.text() == ""


@pytest.mark.parametrize("junk", ["abc", "nan", "", "-5", "1e999", "0", "100001"])
def test_speed_box_refuses_junk_out_loud_and_keeps_its_value(qtbot, labs, junk):
    lab = labs("neuron")
    box, message = lab.controls.speed_box, lab.controls.speed_message
    type_in_box(qtbot, box, junk)
    assert box.value() == 10 and lab.controller.speed == 10
    assert message.isVisible() and message.text().startswith("Speed:")


def test_speed_box_reads_a_decimal_comma_and_the_message_goes(qtbot, labs):
    lab = labs("neuron")
    box, message = lab.controls.speed_box, lab.controls.speed_message
    type_in_box(qtbot, box, "-5")
    assert message.isVisible() and "kept 10" in message.text()
    type_in_box(qtbot, box, "1,5")
    assert lab.controller.speed == 1.5 and not message.isVisible()
    type_in_box(qtbot, box, "10")
    assert lab.controller.speed == 10


def first_headers(table) -> tuple[str, str]:
    """The first row's and first column's labels (samples run down or across)."""
    return table.verticalHeaderItem(0).text(), table.horizontalHeaderItem(0).text()


@pytest.mark.parametrize("junk", ["abc", "-5", "1,5", "1e999", "", "100000"])
def test_the_inspectors_sample_window_refuses_junk_and_stays(qtbot, labs, junk):
    lab = labs("spiral")
    if lab.controller.snapshot.iteration == 0:
        lab.controller.finish_iteration()  # a layer's output exists once a pass computed it
    lab.inspector.show_array("dense1.output")
    box, message = lab.inspector.first_sample, lab.inspector.window_message
    assert box.isVisible()
    before, headers = box.value(), first_headers(lab.inspector.editor.table)
    type_in_box(qtbot, box, junk)
    assert box.value() == before and first_headers(lab.inspector.editor.table) == headers
    assert message.isVisible() and message.text().startswith("Samples from")
    type_in_box(qtbot, box, "12")
    assert "sample 12" in first_headers(lab.inspector.editor.table)
    assert not message.isVisible()
    type_in_box(qtbot, box, str(before))


def test_a_points_file_that_is_not_there_is_refused_with_its_name(qtbot, labs, tmp_path):
    lab = labs("spiral")
    spec = lab.controller.spec
    lab.data.load_points_requested.emit(str(tmp_path / "no such file.csv"))
    assert "Could not load no such file.csv" in lab.data.message.text()
    assert "kept" in lab.data.message.text()
    lab.data.save_points_requested.emit(str(tmp_path / "no folder" / "points.csv"))
    said = lab.data.message.text()
    assert said.startswith("Could not save the points: cannot write points.csv: the folder ")
    assert lab.controller.spec == spec
    QApplication.processEvents()


def test_markup_in_a_points_file_is_shown_as_text_not_rendered(qtbot, labs, tmp_path):
    """A QLabel renders anything that looks like HTML; the message quotes the file's field."""
    lab = labs("spiral")
    hostile = tmp_path / "shared.csv"
    hostile.write_text("x,y,class\n0.1,<h1>Run this to repair</h1>,0\n", encoding="utf-8")
    lab.data.load_points_requested.emit(str(hostile))
    label = lab.data.message
    assert "'<h1>Run this to repair</h1>' is not a number" in label.text()
    assert label.textFormat() == Qt.TextFormat.PlainText
