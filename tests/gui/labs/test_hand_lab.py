"""The hand-backprop lab driven as a learner drives it: keys, typed cells, clicks, buttons."""

import json

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit

from gui.labs.hand.lab import HandLab, install_hand_lab
from gui.shell.app import build_window
from gui.shell.main_window import MainWindow
from gui.widgets.cell_values import format_value
from tests.reference import SEED_EXAMPLES

REFERENCE = json.loads(
    SEED_EXAMPLES.read_text())["book"]

# The notebook's printout after its layer cell [5], line for line.
LAYER_FINAL_LINES = [
    "Final weights:",
    " [[-0.00698895 -0.0139779  -0.02096685 -0.0279558 ]",
    " [ 0.25975286  0.11950571 -0.02074143 -0.16098857]",
    " [ 0.53548461  0.27096922  0.00645383 -0.25806156]]",
    "Final biases:",
    " [-0.00698895 -0.04024714 -0.06451539]",
]


def open_lab(qtbot, scenario: str) -> HandLab:
    window = MainWindow(settings=None)
    qtbot.addWidget(window)
    lab = install_hand_lab(window, scenario)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return lab


@pytest.fixture
def neuron(qtbot):
    return open_lab(qtbot, "neuron")


@pytest.fixture
def layer(qtbot):
    return open_lab(qtbot, "layer")


def table_of(lab: HandLab, name: str):
    return lab.parameters.editors[name].table


def type_into(qtbot, lab: HandLab, name: str, cell: tuple[int, int], text: str) -> None:
    """Click a cell, type, press Enter: the first key opens the cell for typing."""
    table = table_of(lab, name)
    rect = table.visualItemRect(table.item(*cell))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.keyClick(table, text[0])
    line_edit = table.findChild(QLineEdit)
    qtbot.keyClicks(line_edit, text[1:])
    qtbot.keyClick(line_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.State.EditingState)


def press(qtbot, lab: HandLab, key, modifier=Qt.KeyboardModifier.NoModifier, times: int = 1):
    """Keys go where the learner's focus is: here, the weights table."""
    for _ in range(times):
        qtbot.keyClick(QApplication.focusWidget() or lab.window, key, modifier)


def test_right_and_left_step_one_operation_even_while_a_table_has_focus(qtbot, neuron):
    table_of(neuron, "weights").setFocus()
    press(qtbot, neuron, Qt.Key.Key_Right, times=3)
    assert neuron.controls.position_label.text() == "done 3 of 13 operations (loss)"
    assert neuron.diagram.network.loss == 36.0
    assert neuron.diagram.network.code == "loss = (output - target_output) ** 2"
    assert "loss" not in neuron.diagram.network.preview  # computed: drawn solid
    press(qtbot, neuron, Qt.Key.Key_Left)
    assert neuron.controls.position_label.text() == "done 2 of 13 operations (forward pass)"
    assert "loss" in neuron.diagram.network.preview  # not computed yet: only previewed


def test_enter_finishes_the_iteration_and_prints_the_seed_line(qtbot, neuron):
    table_of(neuron, "weights").setFocus()
    press(qtbot, neuron, Qt.Key.Key_Right)
    press(qtbot, neuron, Qt.Key.Key_Return)
    assert neuron.log.lines() == ["Iteration 1, Loss: 36.0"]
    assert neuron.controls.iteration_label.text() == "Iteration 1 done   ·   last loss 36"
    assert neuron.loss_plot.curve_data()[1].tolist() == [36.0]


def test_a_typed_weight_recomputes_everything_and_undo_redo_restore_it(qtbot, neuron):
    type_into(qtbot, neuron, "weights", (0, 0), "-2")
    # z = -2*1 + -1*-2 + 2*3 + 1 = 7, so dl/dw_0 = 2*7 * 1 * x_0 = 14 and the loss is 49.
    assert neuron.parameters.editors["weights"].cell_text((0,)) == "-2"
    assert "= 14 (backpropagation)" in neuron.chain_rule.text()
    # At the iteration's start the diagram previews the whole pass at the new value.
    network = neuron.diagram.network
    assert (network.z.tolist(), network.loss, network.dl_dw.tolist()) == (
        [7.0], 49.0, [[14.0, -28.0, 42.0]])
    assert network.note.startswith("Greyed numbers preview this iteration's pass")
    assert {"z", "loss", "dl_dw"} <= network.preview
    assert neuron.loss_along_weight.caption.text().startswith(
        "loss along w_0, everything else fixed: at w_0 = -2 the loss is 49;")
    press(qtbot, neuron, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert neuron.parameters.editors["weights"].cell_text((0,)) == "-3"
    assert "= 12 (backpropagation)" in neuron.chain_rule.text()
    press(qtbot, neuron, Qt.Key.Key_Z,
          Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert neuron.parameters.editors["weights"].cell_text((0,)) == "-2"


def test_junk_in_a_cell_is_refused_visibly_and_the_old_value_kept(qtbot, neuron):
    type_into(qtbot, neuron, "bias", (0, 0), "1..5")
    editor = neuron.parameters.editors["bias"]
    assert neuron.parameters.refusal() == "Refused: '1..5' is not a number; kept 1."
    assert neuron.window.statusBar().currentMessage().startswith("Refused: '1..5' is not")
    assert editor.cell_text(()) == "1"
    assert float(neuron.controller.snapshot.parameters["bias"]) == 1.0


def test_keys_belong_to_a_cell_while_it_is_being_edited(qtbot, neuron):
    table = table_of(neuron, "weights")
    table.setFocus()
    qtbot.keyClick(table, "5")
    line_edit = table.findChild(QLineEdit)
    for key in (Qt.Key.Key_Right, Qt.Key.Key_Left, Qt.Key.Key_Space, Qt.Key.Key_R):
        qtbot.keyClick(line_edit, key)
    assert neuron.controller.snapshot.position == 0
    assert not neuron.controller.is_running()
    assert neuron.controller.snapshot.iteration == 0
    assert table.state() == QAbstractItemView.State.EditingState
    assert sorted(line_edit.text()) == sorted("5 r")


def test_reset_button_brings_back_exactly_the_starting_values(qtbot, neuron):
    start = {name: value.tolist() for name, value in
             neuron.controller.snapshot.parameters.items()}
    type_into(qtbot, neuron, "inputs", (0, 1), "4")
    neuron.controls.iteration_button.click()
    neuron.controls.iteration_button.click()
    qtbot.mouseClick(neuron.controls.reset_button, Qt.MouseButton.LeftButton)
    snapshot = neuron.controller.snapshot
    assert {name: value.tolist() for name, value in snapshot.parameters.items()} == start
    assert neuron.parameters.editors["inputs"].cell_text((1,)) == "-2"
    assert neuron.log.lines() == []
    assert neuron.controls.iteration_label.text() == "Ready for iteration 1"
    press(qtbot, neuron, Qt.Key.Key_R)  # and the key does the same
    assert neuron.controller.snapshot.iteration == 0


def test_step_buttons_walk_through_one_iteration_operation_by_operation(qtbot, neuron):
    codes = []
    for _ in range(13):
        qtbot.mouseClick(neuron.controls.step_button, Qt.MouseButton.LeftButton)
        codes.append(neuron.diagram.network.code)
    assert codes[0] == "linear_output = np.dot(weights, inputs) + bias"
    assert codes[-1] == "bias -= learning_rate * dloss_dbias"
    assert neuron.controller.snapshot.iteration == 1
    qtbot.mouseClick(neuron.controls.step_back_button, Qt.MouseButton.LeftButton)
    assert neuron.controller.snapshot.position == 12


def test_neuron_after_200_iterations_prints_the_notebooks_log_and_final_values(qtbot, neuron):
    press(qtbot, neuron, Qt.Key.Key_Return)
    neuron.controller.run_iterations(199)
    reference = REFERENCE["neuron"]
    expected = [f"Iteration {k + 1}, Loss: {loss}" for k, loss in enumerate(reference["losses"])]
    lines = neuron.log.lines()
    assert lines[:200] == expected
    assert lines[200:] == ["Final weights: [-3.3990955  -0.20180899  0.80271349]",
                           "Final bias: 0.6009044964517248"]
    weights = neuron.parameters.editors["weights"]
    assert [weights.cell_text((n,)) for n in range(3)] == [
        format_value(w) for w in reference["final_weights"]]
    assert weights.table.item(0, 0).toolTip() == repr(reference["final_weights"][0])


def test_layer_after_200_iterations_prints_the_notebooks_log_and_final_values(qtbot, layer):
    press(qtbot, layer, Qt.Key.Key_Enter)
    layer.controller.run_iterations(199)
    reference = REFERENCE["layer"]
    expected = [f"Iteration {k}, Loss: {loss}" for k, loss in
                sorted(((int(k), v) for k, v in reference["losses_every_20"].items()))]
    assert layer.log.lines() == expected + LAYER_FINAL_LINES
    weights = layer.parameters.editors["W"]
    assert weights.table.item(2, 3).toolTip() == repr(reference["final_W"][2][3])
    assert layer.parameters.editors["B"].table.item(0, 1).toolTip() == repr(
        reference["final_B"][1])


def test_layer_chain_rule_shows_the_seed_factors_with_live_numbers(qtbot, layer):
    snapshot = layer.controller.snapshot
    assert snapshot.selected == ("W", (0, 0))
    text = layer.chain_rule.text()
    # y = 3.1 + 7.2 + 11.3 = 21.6; dl/dw_11 = 2y * 1 * 1 * x_1 = 43.2
    assert "dl/dw_11 = dl/dy * dy/da_1 * da_1/dz_1 * dz_1/dw_11" in text
    assert "= 43.2 × 1 × 1 × 1" in text
    assert "= 43.2 (backpropagation)" in text
    assert "dl/dx_1 = dl/dz_1 * w_11 + dl/dz_2 * w_21 + dl/dz_3 * w_31" in text
    assert "= 64.8 (backpropagation)" in text


def test_clicking_an_edge_selects_its_weight_everywhere(qtbot, layer):
    diagram = layer.diagram
    qtbot.mouseClick(diagram, Qt.MouseButton.LeftButton,
                     pos=diagram.edge_midpoint(2, 1).toPoint())
    assert layer.controller.snapshot.selected == ("W", (2, 1))
    assert "dl/dw_32 = " in layer.chain_rule.text()
    assert table_of(layer, "W").currentRow() == 2 and table_of(layer, "W").currentColumn() == 1
    assert layer.loss_along_weight.curve.xData is not None
    qtbot.mouseClick(diagram, Qt.MouseButton.LeftButton, pos=diagram.neuron_centre(1).toPoint())
    assert layer.controller.snapshot.selected == ("B", (1,))


def test_transpose_toggle_shows_layer_dense_storage_and_edits_the_same_weight(qtbot, layer):
    layer.parameters.transpose_box.click()
    table = table_of(layer, "W")
    assert (table.rowCount(), table.columnCount()) == (4, 3)
    assert layer.parameters.titles["W"].text().startswith("Layer_Dense.weights = W.T")
    assert table.verticalHeaderItem(3).text() == "x4"
    type_into(qtbot, layer, "W", (3, 0), "0.25")  # row x4, column neuron 1: w_14
    assert layer.controller.snapshot.parameters["W"][0, 3] == 0.25


def test_space_runs_and_pauses_without_freezing(qtbot, neuron):
    neuron.controller.set_speed(500, "iterations")
    press(qtbot, neuron, Qt.Key.Key_Space)
    assert neuron.controls.run_button.text() == "Pause  (Space)"
    qtbot.waitUntil(lambda: neuron.controller.snapshot.iteration >= 5, timeout=3000)
    press(qtbot, neuron, Qt.Key.Key_Space)
    assert not neuron.controller.is_running()
    assert neuron.controls.run_button.text() == "Run  (Space)"
    assert len(neuron.log.lines()) == neuron.controller.snapshot.iteration


def test_scenario_menu_switches_to_the_layer(qtbot, neuron):
    neuron.actions["scenario_layer"].trigger()
    assert neuron.controller.snapshot.title == "Layer of 3 neurons"
    assert set(neuron.parameters.editors) == {"W", "B", "X", "learning_rate"}
    assert neuron.diagram.network.n_neurons == 3
    assert neuron.window.windowTitle().startswith("Layer of 3 neurons")


def test_loss_plot_log_scale_toggle(qtbot, layer):
    layer.controller.run_iterations(50)
    layer.loss_plot.log_box.click()
    assert layer.loss_plot.plot_item.getAxis("left").logMode
    xs, ys = layer.loss_plot.curve_data()
    assert len(xs) == 50 and np.all(np.diff(ys) < 0)


def test_the_app_opens_the_lab_from_the_start_page_and_the_command_line(qtbot):
    window = build_window()
    qtbot.addWidget(window)
    assert not window.findChildren(HandLab)
    window.scenario_requested.emit("layer")  # what choosing the start page's card does
    (lab,) = window.findChildren(HandLab)
    assert lab.controller.snapshot.title == "Layer of 3 neurons"
    assert window.centralWidget() is lab.diagram
    direct = build_window("neuron")
    qtbot.addWidget(direct)
    assert direct.findChildren(HandLab)[0].controller.snapshot.title == "Single neuron"


def test_typing_a_learning_rate_and_a_target_keeps_the_cell_open_until_enter(qtbot, neuron):
    type_into(qtbot, neuron, "learning_rate", (0, 0), "0.01")
    type_into(qtbot, neuron, "target_output", (0, 0), "-1.5")
    parameters = neuron.controller.snapshot.parameters
    assert (float(parameters["learning_rate"]), float(parameters["target_output"])) == (0.01, -1.5)
    assert neuron.controller.snapshot.selected == ("weights", (0,))
    press(qtbot, neuron, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert float(neuron.controller.snapshot.parameters["target_output"]) == 0.0
