"""gui.controller.lab_requests and what it relies on, against a fake view: one state per
scenario, the preview of the pass, readings consistent with the diagram mid-update, edits that
say what they recomputed, the rate a run reaches, the whole-model gradient check, numerics."""

import json

import numpy as np
import pytest

from gui.controller.edit_report import ordinal, work_summary
from gui.controller.lab_controller import LabController
from gui.labs.hand.lab import hand_builders
from gui.labs.hand.notation import input_name
from tests.gui.controller.test_controller import FakeView
from tests.reference import SEED_EXAMPLES

REFERENCE = json.loads(SEED_EXAMPLES.read_text())


@pytest.fixture
def neuron(qtbot):
    controller = LabController(hand_builders(), input_name=input_name, preview=True)
    view = FakeView(controller)
    controller.load_scenario("neuron")
    return controller, view


def steps(controller, n):
    for _ in range(n):
        controller.step()


# --- the preview of the pass -----------------------------------------------------------------

def test_the_preview_inside_an_iteration_is_what_the_stepper_then_computes(neuron):
    controller, view = neuron
    steps(controller, 3)
    values, computed, previewed = view.last.drawn()
    assert computed == {"linear_output", "output", "loss"}
    assert {"dloss_dweights", "dloss_dbias", "dloss_dinputs"} <= previewed
    previewed_values = {name: np.array(values[name]) for name in previewed}
    steps(controller, 8)  # the rest of the forward and backward pass
    for name, value in previewed_values.items():
        np.testing.assert_array_equal(view.last.values[name], value, err_msg=name)
    controller.step()  # weights.update: nothing is left to preview
    assert view.last.preview is None


def test_previewing_changes_nothing_the_notebook_prints(neuron):
    controller, view = neuron
    for _ in range(200):
        steps(controller, 5)
        controller.finish_iteration()
    assert view.last.log_lines[:200] == tuple(
        f"Iteration {k + 1}, Loss: {loss}"
        for k, loss in enumerate(REFERENCE["book"]["neuron"]["losses"]))


def test_the_preview_can_be_switched_off(neuron):
    controller, view = neuron
    controller.set_preview(False)
    assert view.last.preview is None and not controller.preview_on
    assert view.messages[-1].startswith("Preview off")
    values, computed, previewed = view.last.drawn()
    assert computed == previewed == frozenset()
    controller.set_preview(True)
    assert view.last.preview is not None


# --- readings during the update --------------------------------------------------------------

def test_once_the_update_began_the_chain_rule_is_the_passs_with_the_updated_one_beside(neuron):
    controller, view = neuron
    controller.select("weights", (0,))
    steps(controller, 12)  # the pass and weights -= learning_rate * dloss_dweights
    snapshot = view.last
    assert snapshot.last_operation.name == "weights.update"
    assert snapshot.rules_at_pass_start
    # The diagram shows the pass's dl/dw0 = 12; the chain rule says the same number.
    assert snapshot.values["dloss_dweights"][0] == 12.0
    assert snapshot.chain_rule.product == 12.0 and snapshot.chain_rule.verdict == "agree"
    assert snapshot.loss_curve.value == -3.0 and snapshot.loss_curve.note
    # At the updated weights (-2.988, -0.976, 1.964) the next pass computes 11.664.
    assert snapshot.updated_chain_rule.product == pytest.approx(11.664, rel=1e-6)
    controller.step()  # the bias too: the iteration ends, there is one state again
    assert not view.last.rules_at_pass_start and view.last.updated_chain_rule is None
    assert view.last.chain_rule.product == pytest.approx(11.64, rel=1e-6)


# --- what an edit says ------------------------------------------------------------------------

def test_an_edit_says_exactly_what_was_computed_again_and_what_waits(neuron):
    controller, view = neuron
    controller.edit_value("bias", (), 2.0)
    assert view.messages[-1] == "bias = 2; the preview of the next pass shows what it changes"
    steps(controller, 3)
    controller.edit_value("bias", (), 1.0)
    assert view.messages[-1] == ("bias = 1; the 3 operations done in this iteration were "
                                 "computed again with it; the preview shows the rest of the pass")
    assert view.last.values["loss"] == 36.0  # computed again: (6 - 0) ** 2
    steps(controller, 9)  # weights.update done: the weights were rewritten in this iteration
    controller.edit_value("weights", (0,), 5.0)
    assert view.messages[-1] == ("weights[0] = 5 from here on: the 12 operations done in this "
                                 "iteration keep the value they used; the next iteration "
                                 "starts from 5")
    assert view.last.values["loss"] == 36.0  # what the pass computed stays


def test_counts_are_said_as_counts():
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st"]
    assert work_summary(0, 3, 0) == "3 operations of the 1st iteration"
    assert work_summary(3, 2, 1) == "3 iterations, 2 operations of the 4th and 1 edited value"
    assert work_summary(1, 0, 0, "epoch") == "1 epoch"
    assert work_summary(0, 0, 0) == ""


def test_the_work_summary_says_where_the_session_stands(neuron):
    controller, _ = neuron
    assert controller.work_summary() == ""
    steps(controller, 3)
    assert controller.work_summary() == "3 operations of the 1st iteration"


# --- the rate a run reaches -------------------------------------------------------------------

def test_a_run_measures_the_rate_it_reaches(neuron, qtbot):
    controller, view = neuron
    controller.set_speed(50, "iterations")
    controller.set_running(True)
    assert view.last.achieved_speed is None  # nothing measured yet
    qtbot.waitUntil(lambda: view.last.achieved_speed is not None, timeout=5000)
    qtbot.wait(300)
    controller.set_running(False)
    reached = [s.achieved_speed for s in view.snapshots if s.achieved_speed is not None]
    assert 25 <= reached[-1] <= 60
    assert view.last.achieved_speed is None  # paused


# --- every gradient checked -------------------------------------------------------------------

def test_every_gradient_is_checked_and_the_worst_named(neuron, qtbot):
    controller, view = neuron
    controller.check_gradients()
    qtbot.waitUntil(lambda: view.last.gradient_survey is not None
                    and view.last.gradient_survey.done, timeout=5000)
    survey = view.last.gradient_survey
    assert survey.counts == {"agree": 7} and survey.total == 9
    assert survey.skipped == ("target_output", "learning_rate")
    assert survey.worst.target in {"dl/dw_0", "dl/dw_1", "dl/dw_2", "dl/db", "dl/dx_0",
                                   "dl/dx_1", "dl/dx_2"}
    assert view.messages[-1].startswith("7 gradients checked: 7 agree; the worst, ")
    controller.step()
    assert view.last.gradient_survey.stale  # of the state before the step


def test_a_check_stops_when_the_state_changes_under_it(neuron, qtbot):
    controller, view = neuron
    controller._gradient_check._slice_s = 0.0  # one element per slice
    controller.check_gradients()
    controller.step()
    assert view.last.gradient_survey is None
    qtbot.wait(50)
    assert view.last.gradient_survey is None


# --- one state per scenario --------------------------------------------------------------------

def test_switching_scenario_keeps_each_ones_state(neuron):
    controller, view = neuron
    controller.edit_value("bias", (), 2.0)
    controller.run_iterations(3)
    steps(controller, 2)
    controller.select("weights", (2,))
    left = view.last
    controller.load_scenario("layer")
    assert view.last.scenario == "layer" and view.last.iteration == 0
    controller.step()
    controller.load_scenario("neuron")
    back = view.last
    assert (back.scenario, back.iteration, back.position) == ("neuron", 3, 2)
    assert back.selected == ("weights", (2,))
    assert back.parameters["bias"] == left.parameters["bias"]
    assert back.values["output"] == left.values["output"]
    assert view.messages[-1] == ("Single neuron: back where you left it (3 iterations and "
                                 "2 operations of the 4th)")
    controller.step_back()  # its step-back history came back too
    assert view.last.position == 1
    controller.load_scenario("layer")
    assert view.last.position == 1  # the layer, one operation in, as it was left


def test_asking_for_the_scenario_on_screen_changes_nothing(neuron):
    controller, view = neuron
    steps(controller, 2)
    controller.load_scenario("neuron")
    assert view.last.position == 2
    assert view.messages[-1] == "Single neuron is open already: Reset (R) starts it again"


# --- numerics ---------------------------------------------------------------------------------

def test_the_seed_examples_run_in_native_numerics_on_request(neuron):
    controller, view = neuron
    assert view.last.numerics == "book"
    controller.run_iterations(3)
    controller.set_numerics("native")
    assert view.last.numerics == "native" and view.last.iteration == 0
    assert view.messages[-1].startswith("Native numerics: float64 throughout")
    controller.run_iterations(200)
    assert view.last.log_lines[:200] == tuple(
        f"Iteration {k + 1}, Loss: {loss}"
        for k, loss in enumerate(REFERENCE["native"]["neuron"]["losses"]))
    controller.reset()
    assert view.last.numerics == "native"
    with pytest.raises(ValueError):
        controller.set_numerics("float16")
