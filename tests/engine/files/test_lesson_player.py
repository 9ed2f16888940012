"""The headless lesson player: states built as the window would build them, actions done with
the controller's engine calls, captions filled from the state, tasks checked, and every problem
in a lesson's content a warning of its step while the lesson goes on."""

import numpy as np
import pytest

from engine.files.lesson import lesson_from_document, session_start
from engine.files.lesson_actions import Stage, apply_actions
from engine.files.lesson_checks import format_quantity
from engine.files.lesson_player import MIN_HOLD_S, LessonPlayer
from engine.files.session import Session
from engine.scenarios.presets import SCENARIOS
from engine.training.model import Model
from engine.training.stepper import Stepper

SMALL_SPEC = {"data": {"kind": "spiral", "samples": 10, "classes": 3},
              "hidden": [{"neurons": 4}], "optimizer": {"name": "adam", "learning_rate": 0.05}}


def player(*steps: dict) -> LessonPlayer:
    return LessonPlayer(lesson_from_document(
        {"app": "backprop-playground", "kind": "lesson", "format": 1, "title": "Test",
         "steps": list(steps)}))


def neuron_step(**fields) -> dict:
    return {"caption": "x", "start": {"scenario": "neuron"}, **fields}


def small_model_step(**fields) -> dict:
    return {"caption": "x", "start": {"scenario": "spiral", "spec": SMALL_SPEC}, **fields}


def test_steps_continue_from_the_state_the_previous_step_left():
    played = player(neuron_step(actions=[{"do": "step", "count": 3}]),
                    {"caption": "{{ value loss }} at iteration {{ iteration }}",
                     "actions": [{"do": "step", "count": 10}]},
                    {"caption": "{{ line -1 }}"})
    first, second, third = (played.play(n) for n in range(3))
    assert first.session.stepper["position"] == 3
    assert second.start.stepper == first.session.stepper
    assert second.caption_text() == "36.0 at iteration 1"
    assert third.caption_text() == "Iteration 1, Loss: 36.0"
    assert (first.lab, first.warnings, second.warnings, third.warnings) == ("hand", (), (), ())


def test_the_window_doing_the_actions_on_the_start_state_arrives_at_the_same_state():
    actions = [{"do": "step", "count": 5}, {"do": "set", "target": "weights[1]", "value": 0.5},
               {"do": "run", "iterations": 3}, {"do": "step_back", "count": 2},
               {"do": "finish_iteration"}, {"do": "run_to", "iteration": 9},
               {"do": "set", "target": "learning_rate", "value": 0.01}, {"do": "step"}]
    played = player(neuron_step(actions=actions),
                    small_model_step(actions=[
                        {"do": "run", "iterations": 4}, {"do": "set", "target": "decay",
                                                         "value": 0.01},
                        {"do": "set", "target": "dense2.biases[0, 1]", "value": 0.25},
                        {"do": "step", "count": 2}]))
    for number in range(2):
        step = played.play(number)
        stage = Stage(step.start.build_stepper(), step.start.scenario, step.start.title)
        apply_actions(stage, step.step.actions, "again")
        assert stage.warnings == []
        assert Session.capture(stage.stepper, stage.scenario, stage.title) == step.session
    assert played.play(0).session.stepper["iteration"] == 9
    assert played.stepper(1).trainable.hyperparameters()["decay"] == 0.01


def test_a_step_starts_from_an_embedded_session_with_its_selection():
    stepper = Stepper(SCENARIOS["layer"].build())
    stepper.run_iterations(2)
    stepper.step()
    session = Session.capture(stepper, view={"selected": ["W", [1, 2]]})
    played = player({"caption": "{{ value Z }}", "start": session_start(session),
                     "highlight": [{"chain_rule": "product"}]}).play(0)
    assert played.start == played.session == session
    assert str(played.selection) == "W[1, 2]"
    assert played.caption_text() == str(stepper.trainable.value("Z"))
    assert played.warnings == () and len(played.highlights) == 1


def test_a_spec_change_builds_the_network_again_from_its_seed():
    played = player(small_model_step(actions=[
        {"do": "run", "iterations": 5},
        {"do": "set", "target": "spec.hidden[0].neurons", "value": 6},
        {"do": "set", "target": "spec.optimizer", "value": {"name": "sgd", "momentum": 0.5}},
        {"do": "run", "iterations": 2}])).play(0)
    stepper = played.session.build_stepper()
    model = stepper.trainable
    assert (stepper.iteration, model.spec["hidden"][0]["neurons"]) == (2, 6)
    assert model.hyperparameters() == {"learning_rate": 1.0, "decay": 0.0, "momentum": 0.5}
    fresh = Stepper(Model({**SMALL_SPEC, "hidden": [{"neurons": 6}],
                           "optimizer": {"name": "sgd", "momentum": 0.5}}))
    fresh.run_iterations(2)
    np.testing.assert_array_equal(model.value("dense1.weights"),
                                  fresh.trainable.value("dense1.weights"))


def test_a_highlight_of_a_cell_that_does_not_exist_is_a_warning_and_the_lesson_goes_on():
    played = player(neuron_step(highlight=[{"cell": "weights[5]"}, {"cell": "weights[1]"},
                                           {"cell": "nothing[0]"}, {"cell": "weights"}]),
                    {"caption": "still here: {{ value bias }}",
                     "highlight": [{"diagram": "sum"}, {"diagram": "edge[0, 3]"},
                                   {"plot": "boundary"}, {"chain_rule": "product"},
                                   {"diagram": "relu[0]"}]},
                    small_model_step(highlight=[{"cell": "dense1.weights[2, 0]"},
                                                {"cell": "dense1.weights[1, 3]"},
                                                {"diagram": "loss"}, {"panel": "diagram"},
                                                {"chain_rule": "inputs"}],
                                     actions=[{"do": "select", "target": "dense2.biases[0, 0]"},
                                              {"do": "open", "panel": "parameters"}]))
    first, second, third = (played.play(n) for n in range(3))
    assert first.warnings == (
        "step 1, highlight[0] (cell weights[5]): weights[5] does not exist: weights has shape "
        "(3,); nothing is highlighted for it",
        "step 1, highlight[2] (cell nothing[0]): there is no table 'nothing' here; nothing is "
        "highlighted for it",
        "step 1, highlight[3] (cell weights): weights does not exist: weights has shape (3,); "
        "nothing is highlighted for it")
    assert [str(h) for h in first.highlights] == ["cell weights[1]"]
    assert second.caption_text() == "still here: 1.0"
    assert [w.split(":")[0] for w in second.warnings] == [
        "step 2, highlight[0] (diagram sum)", "step 2, highlight[1] (diagram edge[0, 3])",
        "step 2, highlight[2] (plot boundary)", "step 2, highlight[3] (chain_rule product)"]
    assert "nothing is selected" in second.warnings[3]
    assert [str(h) for h in second.highlights] == ["diagram relu[0]"]
    assert [w.split(":")[0] for w in third.warnings] == [
        "step 3, actions[1] (open parameters)", "step 3, highlight[0] (cell dense1.weights[2, 0])",
        "step 3, highlight[2] (diagram loss)", "step 3, highlight[3] (panel diagram)",
        "step 3, highlight[4] (chain_rule inputs)"]
    assert str(third.selection) == "dense2.biases[0, 0]" and third.panels == ()


def test_actions_the_network_cannot_do_are_warnings_and_the_rest_is_done():
    played = player(neuron_step(actions=[
        {"do": "step_back"}, {"do": "set", "target": "weights[7]", "value": 1.0},
        {"do": "set", "target": "weights", "value": 1.0},
        {"do": "set", "target": "momentum", "value": 0.5},
        {"do": "set", "target": "spec.seed", "value": 1},
        {"do": "select", "target": "target_output"},
        {"do": "run_to", "iteration": 4}, {"do": "run_to", "iteration": 2},
        {"do": "open", "panel": "chain_rule"}, {"do": "layout", "name": "presentation"}]),
        small_model_step(actions=[
            {"do": "set", "target": "spec.optimizer", "value": {"name": "sgd",
                                                              "learning_rate": 1e30}},
            {"do": "run", "iterations": 50}, {"do": "reset"}, {"do": "step", "count": 2}]))
    first, second = played.play(0), played.play(1)
    assert [w.split(": ", 1)[0] for w in first.warnings] == [
        "step 1, actions[0] (step_back 1)", "step 1, actions[1] (set weights[7] = 1.0)",
        "step 1, actions[2] (set weights = 1.0)", "step 1, actions[3] (set momentum = 0.5)",
        "step 1, actions[4] (set spec.seed = 1)", "step 1, actions[5] (select target_output)",
        "step 1, actions[7] (run_to 2)"]
    assert "is already at iteration 4" in first.warnings[6]
    assert first.session.stepper["iteration"] == 4
    assert (first.panels, first.layout) == (("chain_rule",), "presentation")
    assert len(second.warnings) == 1 and second.warnings[0].startswith(
        "step 2, actions[1] (run 50): training diverged at iteration 1")
    assert second.warnings[0].endswith("the last good state is kept")
    stepper = second.session.build_stepper()
    assert (stepper.iteration, stepper.position) == (0, 2)  # what follows was done
    assert all(np.isfinite(v).all() for v in stepper.trainable.parameters().values())


def test_a_quantity_this_state_cannot_give_is_a_warning_and_shows_a_question_mark():
    played = player(neuron_step(caption="{{ value dloss_dweights }} {{ accuracy }} "
                                        "{{ line 3 }} {{ value weights[9] }} {{ loss }}")).play(0)
    assert played.caption_html() == "<p>? ? ? ? 36.0</p>"
    assert len(played.warnings) == 4 and all("shown as ?" in w for w in played.warnings)


def test_settings_are_quoted_from_the_hyperparameters_and_the_spec():
    played = player(small_model_step(
        caption="{{ setting decay }} {{ setting spec.hidden[0].neurons }} "
                "{{ setting spec.optimizer.name }} {{ learning_rate }} {{ setting beta_9 }} "
                "{{ setting spec.hidden[4].dropout }} {{ setting spec.optimizer }}",
        actions=[{"do": "set", "target": "decay", "value": 0.25}]),
        neuron_step(caption="{{ setting learning_rate }} {{ setting weights }}")).play
    assert played(0).caption_text() == "0.25 4 adam 0.05 ? ? ?"
    expected = ["beta_9 is not a setting here", "spec.hidden[4].dropout is not in this "
                "network's spec", "spec.optimizer is not a single setting"]
    assert len(played(0).warnings) == 3
    assert all(text in warning for text, warning in zip(expected, played(0).warnings,
                                                        strict=True))
    assert played(1).caption_text() == "0.001 ?"


def test_a_task_is_done_only_by_the_changes_it_allows():
    task = {"text": "loss under 1", "hint": "bias to -4.5",
            "check": {"quantity": "loss", "compare": "<", "threshold": 1.0,
                      "may_change": ["bias", "weights[2]"]}}
    played = player(neuron_step(task=task))
    assert played.play(0).status.done is False and played.play(0).status.value == 36.0
    stepper = played.stepper(0)
    stepper.edit("bias", (), -4.5)
    assert played.check(0, stepper).done
    stepper.edit("weights", (2,), 1.9)  # allowed as well
    assert played.check(0, stepper).changed == ()
    stepper.edit("weights", (0,), -3.01)
    status = played.check(0, stepper)
    assert (status.met, status.done, status.changed) == (True, False, ("weights[0]",))
    stepper.edit("weights", (0,), -3.0)
    stepper.run_iterations(1)
    assert played.check(0, stepper).changed == ("training (+1 iterations)",)
    other = Stepper(SCENARIOS["layer"].build())
    assert played.check(0, other).changed == ("the network (now Layer of 3 neurons)",)


def test_a_model_task_tells_hyperparameters_spec_changes_and_training_apart():
    task = {"text": "t", "hint": "h",
            "check": {"quantity": "accuracy", "compare": ">=", "threshold": 0.0,
                      "may_change": ["decay", "spec.hidden[0].dropout", "training"]}}
    played = player(small_model_step(task=task))
    stepper = played.stepper(0)
    stepper.set_hyperparameters(decay=0.5)
    stepper.run_iterations(3)
    assert played.check(0, stepper).done
    stepper.set_hyperparameters(learning_rate=0.1)
    assert played.check(0, stepper).changed == ("learning_rate",)
    rebuilt = Stepper(Model({**SMALL_SPEC, "hidden": [{"neurons": 4, "dropout": 0.2}]}))
    assert played.check(0, rebuilt).changed == ()
    wider = Stepper(Model({**SMALL_SPEC, "hidden": [{"neurons": 5, "dropout": 0.2}]}))
    assert played.check(0, wider).changed == ("spec.hidden[0].neurons",)
    assert played.check(0, Stepper(SCENARIOS["neuron"].build())).problem == \
        "accuracy needs a classification network; this step shows Single neuron"


def test_solve_does_what_the_task_solution_says_and_checks_it():
    played = player(neuron_step(task={
        "text": "t", "hint": "h",
        "check": {"quantity": "gradient weights[0]", "compare": "<", "threshold": 0,
                  "may_change": ["inputs"]},
        "solution": [{"do": "set", "target": "inputs[0]", "value": -1.0}]}), neuron_step())
    stepper, status, warnings = played.solve(0)
    assert (status.done, status.value, warnings) == (True, -24.0, ())
    assert played.solve(1)[1:] == (None, ())


def test_pacing_comes_from_delay_and_hold_or_the_captions_length():
    played = player(neuron_step(delay=1.5, hold=3), neuron_step(), neuron_step(caption="w " * 100))
    assert played.play(0).seconds == 4.5
    assert played.play(1).seconds == MIN_HOLD_S
    assert played.play(2).seconds == 41.0  # 1 s, then 100 words at 2.5 a second
    with pytest.raises(IndexError):
        played.play(3)


@pytest.mark.parametrize(("value", "fmt", "text"), [
    (np.float32(0.1), None, "0.1"), (0.1 + 0.2, None, "0.30000000000000004"), (200, None, "200"),
    (np.float64(36.0), None, "36.0"), (0.8166, ".1%", "81.7%"), (12.0, ".2e", "1.20e+01"),
    (np.array([1.0, -2.0, 3.0]), None, "[ 1. -2.  3.]"),
    (np.array([1.76079, 5.86]), ".3f", "[1.761 5.860]"), ("a line", None, "a line"),
])
def test_numbers_are_shown_as_the_book_prints_them_or_in_the_given_format(value, fmt, text):
    assert format_quantity(value, fmt) == text
