"""Issue 20, the first ten minutes in the hand lab, as a learner and a teacher go through them in
the real window: each test is one surprise the issue names, driven with clicks, keys and typed
values, and asserting what the window then shows."""

import json

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QMessageBox

import gui.labs.hand.lab as hand_lab
import gui.labs.lab as lab_module
from gui.panels.chain_rule_panel import PASS_NOTE, UPDATED_NOTE
from gui.panels.controls_panel import ControlsPanel
from gui.shell.about import shortcut_rows
from gui.shell.app import build_window
from gui.tutorial.session_actions import SessionActions
from tests.gui.panels.test_panels import snapshot as panel_snapshot
from tests.reference import SEED_EXAMPLES

REFERENCE = json.loads(SEED_EXAMPLES.read_text())


def open_window(qtbot, scenario: str):
    window = build_window(scenario)
    qtbot.addWidget(window)
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window, window.labs["hand"]


@pytest.fixture
def neuron(qtbot):
    return open_window(qtbot, "neuron")


@pytest.fixture
def layer(qtbot):
    return open_window(qtbot, "layer")


def press(qtbot, window, key, times: int = 1, modifier=Qt.KeyboardModifier.NoModifier):
    """A key where the keyboard is: the focused widget, else the window."""
    for _ in range(times):
        qtbot.keyClick(QApplication.focusWidget() or window, key, modifier)


def click_cell(qtbot, lab, name: str, cell: tuple[int, int] = (0, 0)):
    table = lab.parameters.editors[name].table
    rect = table.visualItemRect(table.item(*cell))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    return table


def type_into(qtbot, lab, name: str, cell: tuple[int, int], text: str) -> None:
    """Click a cell and type a value, then Enter, as a learner edits it."""
    table = click_cell(qtbot, lab, name, cell)
    qtbot.keyClick(table, text[0])
    editor = table.findChild(QLineEdit)
    qtbot.keyClicks(editor, text[1:])
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.findChild(QLineEdit) is None or
                    not table.findChild(QLineEdit).isVisible())


def click_edge(qtbot, lab, neuron_index: int, input_index: int) -> None:
    point = lab.diagram.edge_midpoint(neuron_index, input_index).toPoint()
    qtbot.mouseClick(lab.diagram, Qt.MouseButton.LeftButton, pos=point)


def status(window) -> str:
    return window.statusBar().currentMessage()


# --- the preview ------------------------------------------------------------------------------

def test_at_iteration_0_the_pass_is_a_greyed_preview_until_the_stepper_computes_it(qtbot,
                                                                                  neuron):
    window, lab = neuron
    network = lab.diagram.network
    assert {"z", "a", "loss", "dl_da", "dl_dz", "dl_dw", "dl_db", "dl_dx"} <= network.preview
    assert network.note.startswith("Greyed numbers preview this iteration's pass")
    press(qtbot, window, Qt.Key.Key_Right)
    network = lab.diagram.network
    assert "z" not in network.preview and network.z.tolist() == [6.0]  # computed: solid
    assert "loss" in network.preview and network.loss == 36.0  # still to come: greyed
    press(qtbot, window, Qt.Key.Key_P)  # the preview off: values appear as computed
    network = lab.diagram.network
    assert network.z.tolist() == [6.0] and network.loss is None and network.dl_dw is None
    assert not network.preview and not network.note
    assert not lab.actions["preview"].isChecked()
    press(qtbot, window, Qt.Key.Key_Right, times=2)
    assert lab.diagram.network.loss == 36.0 and not lab.diagram.network.preview


# --- one number per name ------------------------------------------------------------------------

def test_during_the_update_the_chain_rule_shows_the_diagrams_number(qtbot, neuron):
    window, lab = neuron
    click_edge(qtbot, lab, 0, 0)
    press(qtbot, window, Qt.Key.Key_Right, times=12)  # weights -= learning_rate * dloss_dweights
    assert lab.diagram.network.dl_dw[0, 0] == 12.0
    text = lab.chain_rule.text()
    assert "= 12 (backpropagation)" in text and PASS_NOTE in text
    assert "11.664" not in text
    press(qtbot, window, Qt.Key.Key_U)  # the other state, on request, saying which it is
    text = lab.chain_rule.text()
    assert "= 11.664 (backpropagation)" in text and UPDATED_NOTE in text
    assert "before its update" in lab.loss_along_weight.caption.text()
    press(qtbot, window, Qt.Key.Key_U)
    assert "= 12 (backpropagation)" in lab.chain_rule.text()


def test_an_edit_inside_an_iteration_says_what_was_computed_again(qtbot, neuron):
    window, lab = neuron
    press(qtbot, window, Qt.Key.Key_Right, times=3)
    type_into(qtbot, lab, "bias", (0, 0), "2")
    assert status(window) == ("bias = 2; the 3 operations done in this iteration were computed "
                              "again with it; the preview shows the rest of the pass")
    assert lab.diagram.network.loss == 49.0 and lab.diagram.network.z.tolist() == [7.0]
    press(qtbot, window, Qt.Key.Key_Right, times=9)  # through weights -= ...
    type_into(qtbot, lab, "weights", (0, 0), "5")
    assert status(window).startswith("weights[0] = 5 from here on: the 12 operations done in "
                                     "this iteration keep the value they used")
    assert lab.diagram.network.loss == 49.0  # what this iteration computed stays


# --- zero gradients explained ------------------------------------------------------------------

def test_a_learning_rate_of_a_million_kills_the_neuron_and_the_window_says_so(qtbot, neuron):
    window, lab = neuron
    type_into(qtbot, lab, "learning_rate", (0, 0), "1e6")
    press(qtbot, window, Qt.Key.Key_Return, times=2)
    click_edge(qtbot, lab, 0, 1)
    warning = lab.diagram.network.warning
    assert warning.startswith("ReLU inactive: z = ") and "a dead neuron" in warning
    assert "A loss of 0 here is not learning" in warning
    assert lab.diagram.network.inactive == {0}
    text = lab.chain_rule.text()
    assert "da/dz = 0: the ReLU is inactive" in text
    # Explained in full once, in the selected rule; the inputs' three rules name it briefly.
    assert text.count("training cannot bring it back") == 1
    assert text.count("da/dz = 0: the ReLU is inactive.") == 3
    press(qtbot, window, Qt.Key.Key_Return)
    assert lab.controller.snapshot.current_loss == 0.0


def test_an_output_equal_to_its_target_says_why_every_gradient_is_zero(qtbot, neuron):
    window, lab = neuron
    type_into(qtbot, lab, "target_output", (0, 0), "6")
    assert lab.diagram.network.warning.startswith("dl/da = 0: the output equals its target")
    click_edge(qtbot, lab, 0, 2)
    assert lab.controller.snapshot.chain_rule.target == "dl/dw_2"
    text = lab.chain_rule.text()
    # 0 from backpropagation, 3.6e-15 from the central difference: both zero, not "differ".
    assert "relative error 3.0e-12: both ~0" in text and ": differ" not in text
    assert "dl/da = 0, so the whole product is 0." in text


# --- refusals and the status bar -----------------------------------------------------------------

def test_a_refusal_clears_on_the_next_good_edit_and_never_moves_the_tables(qtbot, neuron):
    window, lab = neuron
    panel = lab.parameters
    rate = panel.editors["learning_rate"]

    def rate_top() -> int:
        return rate.mapTo(panel, QPoint(0, 0)).y()

    before = rate_top()
    type_into(qtbot, lab, "bias", (0, 0), "1..5")
    assert panel.refusal() == "Refused: '1..5' is not a number; kept 1."
    assert rate_top() == before
    type_into(qtbot, lab, "weights", (0, 1), "2")
    assert panel.refusal() == "" and rate_top() == before
    type_into(qtbot, lab, "bias", (0, 0), "x")
    assert panel.refusal().startswith("Refused: 'x'")
    assert panel._clear_timer.isActive() and panel._clear_timer.interval() == 6000
    panel._clear_timer.start(50)  # the few seconds, shortened
    qtbot.waitUntil(lambda: panel.refusal() == "", timeout=2000)


def test_the_status_bar_keeps_saying_where_the_lab_stands(qtbot, monkeypatch, neuron):
    window, lab = neuron
    if status(window):  # the message the window opened with covers where the lab stands
        assert not lab.status_label.isVisible()
    monkeypatch.setattr(lab_module, "STATUS_MS", 50)
    press(qtbot, window, Qt.Key.Key_Right)
    press(qtbot, window, Qt.Key.Key_Space)
    press(qtbot, window, Qt.Key.Key_Space)
    assert status(window) and not lab.status_label.isVisible()  # never one over the other
    qtbot.waitUntil(lambda: status(window) == "", timeout=2000)  # the message timed out
    assert lab.status_label.isVisible()
    assert lab.status_label.text().startswith("Single neuron: done ")


# --- where the keyboard goes ----------------------------------------------------------------------

def test_clicking_a_weight_in_the_diagram_puts_the_keyboard_on_its_cell(qtbot, layer):
    window, lab = layer
    click_cell(qtbot, lab, "learning_rate")
    click_edge(qtbot, lab, 2, 3)  # w34
    press(qtbot, window, Qt.Key.Key_9)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    parameters = lab.controller.snapshot.parameters
    qtbot.waitUntil(lambda: lab.controller.snapshot.parameters["W"][2, 3] == 9.0)
    assert float(parameters["learning_rate"]) == 0.001


def test_space_right_and_r_work_unless_someone_is_typing(qtbot, neuron):
    window, lab = neuron
    speed = lab.controls.speed_box
    speed.setFocus(Qt.FocusReason.OtherFocusReason)  # the keyboard parked in a field
    press(qtbot, window, Qt.Key.Key_Right, times=2)
    assert lab.controller.snapshot.position == 2
    press(qtbot, window, Qt.Key.Key_R)
    assert lab.controller.snapshot.position == 0
    qtbot.mouseClick(speed.lineEdit(), Qt.MouseButton.LeftButton)  # now the learner types
    speed.lineEdit().selectAll()
    qtbot.keyClicks(speed.lineEdit(), "25")
    press(qtbot, window, Qt.Key.Key_Right)  # moves the text cursor, steps nothing
    assert lab.controller.snapshot.position == 0
    qtbot.keyClick(speed.lineEdit(), Qt.Key.Key_Return)
    assert lab.controller.speed == 25.0
    press(qtbot, window, Qt.Key.Key_Right)  # typing ended with Enter
    assert lab.controller.snapshot.position == 1


def test_after_a_dialog_closes_the_keys_reach_the_window_again(qtbot, neuron):
    window, lab = neuron
    press(qtbot, window, Qt.Key.Key_F1)
    dialog = next(each for each in window.findChildren(QDialog) if each.isVisible())
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.wait(50)  # the learner's next key comes at once
    focus = QApplication.focusWidget()
    assert QApplication.activeWindow() is window
    assert focus is not None and focus.window() is window
    for _ in range(3):
        qtbot.keyClick(focus, Qt.Key.Key_Right)
    assert lab.controller.snapshot.position == 3


# --- scenarios ---------------------------------------------------------------------------------

def test_switching_scenario_keeps_its_state_and_gives_the_keyboard_to_the_lab(qtbot, neuron):
    window, lab = neuron
    type_into(qtbot, lab, "bias", (0, 0), "2")
    press(qtbot, window, Qt.Key.Key_Right, times=2)
    lab.controls.speed_box.setFocus(Qt.FocusReason.MouseFocusReason)
    lab.actions["scenario_layer"].trigger()
    assert lab.controller.snapshot.scenario == "layer"
    assert QApplication.focusWidget() is lab.diagram  # out of the field
    press(qtbot, window, Qt.Key.Key_Right)
    assert lab.controller.snapshot.position == 1
    lab.actions["scenario_neuron"].trigger()
    snapshot = lab.controller.snapshot
    assert (snapshot.scenario, snapshot.position) == ("neuron", 2)
    assert float(snapshot.parameters["bias"]) == 2.0
    assert lab.parameters.editors["bias"].cell_text(()) == "2"
    assert status(window).startswith("Single neuron: back where you left it")
    assert lab.log.view.placeholder.endswith("(one line per iteration).")  # not the layer's


def test_each_scenarios_plots_start_with_its_own_ranges(qtbot, neuron):
    window, lab = neuron
    lab.controller.run_iterations(200)
    view = lab.loss_plot.plot_item.getViewBox()
    view.scaleBy((0.1, 0.1))  # the learner zoomed into the neuron's curve
    assert not any(view.autoRangeEnabled())
    lab.actions["scenario_layer"].trigger()
    lab.controller.run_iterations(50)
    qtbot.waitUntil(lambda: view.viewRange()[1][1] > 400)  # the layer's 466.56 in view
    (left, right), _ = view.viewRange()
    assert left <= 0 and 49 <= right <= 60  # its own iterations, not the neuron's 90 to 110


def test_the_layers_header_names_iterations_as_its_log_does(qtbot, layer):
    window, lab = layer
    assert lab.controls.iteration_label.text() == "Ready for iteration 0"
    assert lab.log.view.placeholder.endswith("(every 20th iteration, from iteration 0).")
    press(qtbot, window, Qt.Key.Key_Return)
    assert lab.log.lines() == ["Iteration 0, Loss: 466.56000000000006"]
    assert lab.controls.iteration_label.text().startswith("Iteration 0 done")
    assert lab.loss_plot.summary.text().startswith("iteration 0: loss")
    assert lab.loss_plot.curve_data()[0].tolist() == [0.0]


# --- numerics, keys, the whole check -----------------------------------------------------------

def test_the_hand_lab_computes_in_book_or_native_numerics(qtbot, monkeypatch, neuron):
    window, lab = neuron
    asked = []
    monkeypatch.setattr(hand_lab, "confirm_numerics",
                        lambda parent, numerics, work: asked.append(work) or True)
    box = lab.parameters.numerics_box
    assert box.currentData() == "book"
    press(qtbot, window, Qt.Key.Key_Right, times=3)
    box.activated.emit(box.findData("native"))  # chosen in the box's list
    assert asked == ["3 operations of the 1st iteration"]
    assert lab.controller.snapshot.numerics == "native" and box.currentData() == "native"
    assert lab.actions["numerics"].isChecked()
    lab.controller.run_iterations(2)
    assert lab.log.lines() == [f"Iteration {k + 1}, Loss: {loss}" for k, loss in
                               enumerate(REFERENCE["native"]["neuron"]["losses"][:2])]
    monkeypatch.setattr(hand_lab, "confirm_numerics", lambda *args: False)
    press(qtbot, window, Qt.Key.Key_N)  # back to book: refused, nothing changes
    assert lab.controller.snapshot.numerics == "native" and box.currentData() == "native"


def test_every_control_a_teacher_uses_has_a_key_listed_in_f1(qtbot, neuron):
    window, lab = neuron
    rows = {action: keys for action, keys, _ in shortcut_rows(window)}
    expected = {
        "Preview the rest of the pass": "P", "Show W as Layer_Dense stores it (W.T)": "T",
        "Log scale for the loss": "L", "Chain rule at the updated parameters": "U",
        "Compute in native numerics (float64)": "N", "Check every gradient": "G",
        "Run faster (twice the speed)": "]", "Run slower (half the speed)": "[",
        "Count the speed in operations or iterations": "O",
        "Restore the last good state": "Ctrl+R", "Resume from here": "Ctrl+Return",
        "Timeline: one iteration back": "Ctrl+Left",
        "Timeline: one iteration forward": "Ctrl+Right"}
    assert {name: rows.get(name) for name in expected} == expected
    press(qtbot, window, Qt.Key.Key_T)
    assert lab.parameters.transpose_box.isChecked()
    press(qtbot, window, Qt.Key.Key_L)
    assert lab.loss_plot.log_scale()
    press(qtbot, window, Qt.Key.Key_BracketRight)
    assert lab.controller.speed == 20.0
    press(qtbot, window, Qt.Key.Key_O)
    assert lab.controller.speed_unit == "operations"


def test_every_gradient_can_be_checked_at_once(qtbot, neuron):
    window, lab = neuron
    press(qtbot, window, Qt.Key.Key_G)
    qtbot.waitUntil(lambda: "7 gradients checked" in lab.chain_rule.text(), timeout=5000)
    text = lab.chain_rule.text()
    assert "7 gradients checked: 7 agree; the worst, dl/d" in text
    assert status(window).startswith("7 gradients checked: 7 agree")
    press(qtbot, window, Qt.Key.Key_Right)
    assert "Before the last change: 7 gradients checked" in lab.chain_rule.text()


@pytest.mark.parametrize("size", [(1600, 1000), (1366, 768)])
def test_the_check_and_its_verdict_are_in_view_without_scrolling(qtbot, size):
    window = build_window("layer", size=size)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    lab = window.labs["hand"]
    lab.docks["chain_rule"].raise_()
    button = lab.chain_rule.check_button
    qtbot.waitUntil(button.isVisible)
    assert button.visibleRegion().boundingRect() == button.rect()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    verdict = lab.chain_rule.survey_label
    qtbot.waitUntil(lambda: "gradients checked" in verdict.text(), timeout=5000)
    qtbot.waitUntil(lambda: not verdict.visibleRegion().isEmpty())
    assert verdict.visibleRegion().boundingRect().height() == verdict.height()


def test_the_speed_says_what_a_run_reaches_when_it_falls_short(qtbot):
    panel = ControlsPanel()
    qtbot.addWidget(panel)
    panel.set_snapshot(panel_snapshot(running=True, speed=400.0, achieved_speed=92.0))
    assert panel.reached_label.text() == "reaching 92 iterations / s: the window cannot keep up"
    panel.set_snapshot(panel_snapshot(running=True, speed=400.0, achieved_speed=395.0))
    assert panel.reached_label.text() == ""
    panel.set_snapshot(panel_snapshot(running=True, speed=100_000.0, achieved_speed=12_345.0))
    assert panel.reached_label.text() == "reaching 12,345 iterations / s"
    panel.set_snapshot(panel_snapshot(running=False, achieved_speed=None))
    assert panel.reached_label.text() == ""


def test_a_run_at_fastest_shows_the_rate_it_reaches(qtbot, neuron):
    window, lab = neuron
    lab.controller.set_speed(100_000, "iterations")
    press(qtbot, window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: lab.controls.reached_label.text().startswith("reaching "),
                    timeout=5000)
    press(qtbot, window, Qt.Key.Key_Space)


# --- quitting ---------------------------------------------------------------------------------

def test_quitting_after_stepping_says_what_would_be_lost(qtbot, monkeypatch, neuron):
    window, lab = neuron
    window.findChild(SessionActions).ask_on_close = True
    asked = []

    def answer(parent, title, text, *args):
        asked.append(text)
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", answer)
    press(qtbot, window, Qt.Key.Key_Right, times=3)
    window.close()
    assert asked == ["Untitled session has changes that are not saved. Discarding loses 3 "
                     "operations of the 1st iteration. Save them before closing?"]
    assert window.isVisible()
    np.testing.assert_array_equal(lab.controller.snapshot.parameters["weights"], [-3, -1, 2])


def test_the_refusal_line_follows_the_type_size(qtbot, neuron):
    window, lab = neuron
    panel = lab.parameters
    type_into(qtbot, lab, "bias", (0, 0), "x")
    assert panel.message.font().bold() and not panel.message.styleSheet()
    before = panel.message.height()
    larger = panel.font()
    larger.setPointSizeF(larger.pointSizeF() * 1.5)
    panel.setFont(larger)  # as presentation mode or large text does
    assert panel.message.fontInfo().pointSizeF() > QApplication.font().pointSizeF()
    assert panel.message.height() > before  # still two whole lines
