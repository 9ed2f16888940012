"""gui.controller.lab_controller against a fake view: requests in, one snapshot out after every
change."""

import json
import math

import numpy as np
import pytest

from engine.scenarios.presets import SCENARIOS
from gui.controller.lab_controller import LabController
from gui.labs.hand.lab import hand_builders
from gui.labs.hand.notation import input_name
from tests.reference import SEED_EXAMPLES

REFERENCE = json.loads(
    SEED_EXAMPLES.read_text())["book"]


class FakeView:
    """Records what a view would be shown, like the real panels' set_snapshot."""

    def __init__(self, controller: LabController):
        self.snapshots = []
        self.refusals = []
        self.messages = []
        controller.snapshot_changed.connect(self.snapshots.append)
        controller.value_refused.connect(lambda *refusal: self.refusals.append(refusal))
        controller.status_message.connect(self.messages.append)

    @property
    def last(self):
        return self.snapshots[-1]


@pytest.fixture
def lab(qtbot):
    controller = LabController(hand_builders())
    view = FakeView(controller)
    controller.load_scenario("neuron")
    return controller, view


def test_only_hand_scenarios_are_offered_with_the_engines_titles():
    assert {name: title for name, (title, _) in hand_builders().items()} == {
        name: s.title for name, s in SCENARIOS.items() if s.kind == "hand"}


def test_loading_emits_the_starting_values_and_selects_the_first_parameter(lab):
    controller, view = lab
    snapshot = view.last
    assert snapshot.title == "Single neuron"
    assert snapshot.parameters["weights"].tolist() == [-3.0, -1.0, 2.0]
    assert (snapshot.position, snapshot.iteration, snapshot.last_operation) == (0, 0, None)
    assert snapshot.selected == ("weights", (0,))
    # dl/dw_0 = dl/da * da/dz * dz/dw_0 = 2 * 6 * 1 * 1 = 12, and the central difference agrees.
    assert snapshot.chain_rule.product == 12.0
    assert snapshot.chain_rule.relative_error < 1e-6
    assert not snapshot.parameters["weights"].flags.writeable


def test_each_step_emits_one_snapshot_with_the_operation_it_ran(lab):
    controller, view = lab
    before = len(view.snapshots)
    controller.step()
    assert len(view.snapshots) == before + 1
    assert view.last.last_operation.code == "linear_output = np.dot(weights, inputs) + bias"
    assert view.last.values["linear_output"] == 6.0
    assert "linear_output" in view.last.computed()
    controller.step_back()
    assert (view.last.position, view.last.last_operation) == (0, None)


def test_iteration_finishes_the_current_one_and_logs_the_seed_line(lab):
    controller, view = lab
    controller.step()
    controller.finish_iteration()
    assert (view.last.iteration, view.last.position) == (1, 0)
    assert view.last.log_lines == ("Iteration 1, Loss: 36.0",)
    controller.finish_iteration()
    assert view.last.iteration == 2


def test_two_hundred_iterations_match_the_notebook(lab):
    controller, view = lab
    controller.run_iterations(200)
    lines = view.last.log_lines
    assert lines[:200] == tuple(f"Iteration {k + 1}, Loss: {loss}"
                                for k, loss in enumerate(REFERENCE["neuron"]["losses"]))
    assert view.last.parameters["weights"].tolist() == REFERENCE["neuron"]["final_weights"]
    assert float(view.last.parameters["bias"]) == REFERENCE["neuron"]["final_bias"]
    assert len(view.last.losses) == 200


def test_edit_recomputes_and_undo_redo_restore(lab):
    controller, view = lab
    controller.step()
    assert controller.edit_value("weights", (0,), -2.0)
    assert view.last.parameters["weights"][0] == -2.0
    assert view.last.values["linear_output"] == 7.0  # the forward pass already done is redone
    controller.undo_stack.undo()
    assert view.last.parameters["weights"][0] == -3.0
    assert view.last.values["linear_output"] == 6.0
    controller.undo_stack.redo()
    assert view.last.parameters["weights"][0] == -2.0


def test_edits_of_one_session_undo_as_one_step(lab):
    controller, view = lab
    for value in (-2.9, -2.8, -2.7):
        controller.edit_value("weights", (1,), value, session=5)
    controller.edit_value("weights", (1,), 0.5, session=6)
    assert controller.undo_stack.count() == 2
    controller.undo_stack.undo()
    assert view.last.parameters["weights"][1] == -2.7
    controller.undo_stack.undo()
    assert view.last.parameters["weights"][1] == -1.0


def test_a_value_the_engine_refuses_is_reported_and_the_old_one_kept(lab):
    controller, view = lab
    assert not controller.edit_value("weights", (7,), 1.0)
    assert not controller.edit_value("bias", (), math.inf)
    assert [refusal[:2] for refusal in view.refusals] == [("weights", (7,)), ("bias", ())]
    assert view.messages[-1].startswith("Refused:")
    assert float(view.last.parameters["bias"]) == 1.0
    assert controller.undo_stack.count() == 0


def test_reset_gives_exactly_the_starting_values_every_time(lab):
    controller, view = lab
    start = {name: value.tolist() for name, value in view.last.parameters.items()}
    for _ in range(2):
        controller.edit_value("inputs", (2,), 5.0)
        controller.run_iterations(3)
        controller.reset()
        assert {name: value.tolist() for name, value in view.last.parameters.items()} == start
        assert (view.last.iteration, view.last.log_lines, len(view.last.losses)) == (0, (), 0)
        assert controller.undo_stack.count() == 0


def test_selecting_a_bias_gives_its_chain_rule_and_loss_curve(lab):
    controller, view = lab
    controller.select("bias", ())
    curve = view.last.loss_curve
    assert view.last.chain_rule.target == "dl/db"
    assert curve.value == 1.0 and curve.loss == 36.0 and curve.slope == 12.0
    assert curve.xs[0] < 1.0 < curve.xs[-1]
    # The curve is the loss itself: (6 + (b - 1))**2 along the bias, where the ReLU is open.
    open_part = curve.xs > -5
    # (book numerics compute the dot product in float32)
    np.testing.assert_allclose(curve.ys[open_part], (5 + curve.xs[open_part]) ** 2, rtol=1e-6)


def test_selecting_the_learning_rate_keeps_the_selection(lab):
    controller, view = lab
    before = len(view.snapshots)
    controller.select("learning_rate", ())
    assert view.last.selected == ("weights", (0,))
    assert len(view.snapshots) == before


def test_layer_offers_the_input_gradients_term_by_term(qtbot):
    controller = LabController(hand_builders(), input_name=input_name)
    view = FakeView(controller)
    controller.load_scenario("layer")
    rules = view.last.input_chain_rules
    assert [rule.target for rule in rules] == ["dl/dx_1", "dl/dx_2", "dl/dx_3", "dl/dx_4"]
    # dl/dx_1 = sum_i dl/dz_i * w_i1 = 2 * 21.6 * (0.1 + 0.5 + 0.9)
    assert rules[0].product == pytest.approx(64.8, rel=1e-6)
    assert len(rules[0].terms) == 3


def test_run_goes_in_time_boxed_slices_and_pauses(qtbot, lab):
    controller, view = lab
    controller.set_speed(2000, "iterations")
    controller.set_running(True)
    assert view.last.running
    qtbot.waitUntil(lambda: view.last.iteration >= 30, timeout=3000)
    controller.set_running(False)
    assert not view.last.running
    stopped_at = view.last.iteration
    qtbot.wait(50)
    assert view.last.iteration == stopped_at


def test_run_by_operations_advances_single_operations(qtbot, lab):
    controller, view = lab
    controller.set_speed(200, "operations")
    controller.toggle_running()
    qtbot.waitUntil(lambda: view.last.position >= 3 or view.last.iteration > 0, timeout=3000)
    controller.toggle_running()
    assert not controller.is_running()


def test_divergence_pauses_and_names_iteration_and_quantity(qtbot):
    controller = LabController(hand_builders())
    view = FakeView(controller)
    controller.load_scenario("layer")
    controller.edit_value("X", (0,), 1e200)  # the loss y**2 overflows in the first iteration
    controller.set_speed(100, "iterations")
    controller.set_running(True)
    qtbot.waitUntil(lambda: not controller.is_running(), timeout=3000)
    message = view.messages[-1]
    assert "diverged at iteration 0" in message and "l became infinite" in message
    assert not view.last.running
    assert view.last.notice == message  # stays on screen until the learner changes something
    assert view.last.loss_curve is None  # nothing finite to draw
    controller.step_back()
    assert view.last.notice == ""


def test_speed_must_be_positive(lab):
    controller, view = lab
    controller.set_speed(-1, "iterations")
    assert controller.speed == 10.0
    assert view.messages[-1].startswith("Refused speed")


def test_preview_shows_the_next_pass_at_an_iteration_start_and_changes_nothing(qtbot):
    controller = LabController(hand_builders(), preview=True)
    view = FakeView(controller)
    controller.load_scenario("layer")
    assert view.last.preview["l"] == 466.56000000000006
    assert "W.update" not in view.last.displayed()[1]
    controller.edit_value("B", (2,), -20.0)  # switches the third neuron off
    assert view.last.preview["A"][2] == 0.0
    assert view.last.preview["l"] == pytest.approx((3.1 + 7.2) ** 2, rel=1e-6)
    controller.step()
    values, computed, previewed = view.last.drawn()
    assert computed == {"Z"} and "l" in previewed and "W" not in previewed
    assert values["l"] == pytest.approx((3.1 + 7.2) ** 2, rel=1e-6)
    controller.undo_stack.undo()
    controller.reset()
    controller.run_iterations(200)
    assert view.last.parameters["W"].tolist() == REFERENCE["layer"]["final_W"]
    assert view.last.log_lines[:10] == tuple(
        f"Iteration {k}, Loss: {loss}" for k, loss in
        sorted((int(k), v) for k, v in REFERENCE["layer"]["losses_every_20"].items()))


def test_running_in_slices_with_previews_keeps_the_notebooks_numbers(qtbot):
    controller = LabController(hand_builders(), preview=True)
    view = FakeView(controller)
    controller.load_scenario("neuron")
    controller.set_speed(5000, "iterations")
    controller.set_running(True)
    qtbot.waitUntil(lambda: view.last.iteration >= 200, timeout=5000)
    controller.set_running(False)
    assert len(view.snapshots) > 3  # it really went in slices
    assert view.last.log_lines[:200] == tuple(
        f"Iteration {k + 1}, Loss: {loss}" for k, loss in enumerate(REFERENCE["neuron"]["losses"]))


def test_the_same_controller_drives_a_book_model_without_knowing_it(qtbot):
    spiral = SCENARIOS["spiral"]
    controller = LabController({"spiral": (spiral.title, spiral.build)})
    view = FakeView(controller)
    controller.load_scenario("spiral")
    assert view.last.selected == ("dense1.weights", (0, 0))
    controller.step()
    assert view.last.last_operation.code == "dense1.forward(X)"
    controller.finish_iteration()
    assert view.last.log_lines[0] == "epoch: 0, acc: 0.360, loss: 1.099, lr: 0.05"
    assert view.last.loss_curve.label == "dense1.weights[0, 0]"
    assert controller.edit_value("dense1.biases", (0, 1), 0.5)
    controller.undo_stack.undo()
    assert view.last.parameters["dense1.biases"][0, 1] != 0.5
