"""engine.training.stepper: one operation at a time, exactly one iteration per cycle, and a way
back."""

import json
import warnings

import numpy as np
import pytest

from engine.scenarios.seed import LayerOfThree, SingleNeuron
from engine.training.stepper import Divergence, Stepper


def _same(a: dict, b: dict) -> bool:
    """Every value equal bit for bit, with the same dtype."""
    return a.keys() == b.keys() and all(
        a[k].dtype == b[k].dtype and a[k].tobytes() == b[k].tobytes() for k in a)


@pytest.mark.parametrize("numerics", ["book", "native"])
def test_stepping_op_by_op_equals_run_iterations(numerics):
    stepped, run = Stepper(LayerOfThree(numerics)), Stepper(LayerOfThree(numerics))
    for _ in range(7 * len(stepped.operations)):
        stepped.step()
    run.run_iterations(7)
    assert stepped.iteration == run.iteration == 7 and stepped.position == 0
    assert _same(stepped.trainable.values(), run.trainable.values())
    assert stepped.losses.tolist() == run.losses.tolist()
    assert stepped.trainable.log_lines() == run.trainable.log_lines()


def test_step_reports_the_operation_and_wraps_after_the_last():
    stepper = Stepper(SingleNeuron())
    operations = stepper.operations
    assert stepper.last_operation is None
    first = stepper.step()
    assert first is operations[0] and stepper.last_operation is first
    assert first.code == "linear_output = np.dot(weights, inputs) + bias"
    assert "linear_output" in stepper.trainable.values()
    assert "output" not in stepper.trainable.values()
    for _ in range(len(operations) - 1):
        stepper.step()
    assert stepper.position == 0 and stepper.iteration == 1 and stepper.losses.tolist() == [36.0]
    assert stepper.last_operation is operations[-1]


def test_finish_iteration_runs_the_rest():
    stepper = Stepper(SingleNeuron())
    stepper.finish_iteration()
    assert stepper.iteration == 0
    stepper.step()
    stepper.finish_iteration()
    assert stepper.iteration == 1 and stepper.position == 0
    stepper.step()
    stepper.run_iterations(2)  # finishes iteration 1, then runs iteration 2
    assert stepper.iteration == 3 and stepper.position == 0


def test_step_back_then_forward_gives_the_same_states():
    stepper = Stepper(LayerOfThree("book"))
    seen = []
    for _ in range(3 * len(stepper.operations) + 4):
        stepper.step()
        seen.append((stepper.iteration, stepper.position, stepper.trainable.values()))
    for expected in reversed(seen[:-1]):
        assert stepper.step_back()
        assert (stepper.iteration, stepper.position) == expected[:2]
        assert _same(stepper.trainable.values(), expected[2])
    assert stepper.step_back()
    assert (stepper.iteration, stepper.position) == (0, 0)
    assert stepper.trainable.values().keys() == stepper.trainable.parameters().keys()
    assert not stepper.step_back()
    for expected in seen:
        stepper.step()
        assert _same(stepper.trainable.values(), expected[2])


def test_step_back_across_iterations_restores_losses_and_log():
    stepper = Stepper(SingleNeuron())
    stepper.run_iterations(3)
    log = stepper.trainable.log_lines()
    assert len(log) == 3
    stepper.step_back()
    assert stepper.iteration == 2 and stepper.position == len(stepper.operations) - 1
    assert len(stepper.losses) == 2 and stepper.trainable.log_lines() == log[:2]
    assert stepper.last_operation is stepper.operations[-2]
    stepper.step()
    assert stepper.trainable.log_lines() == log and len(stepper.losses) == 3


def test_ten_thousand_operations_back():
    stepper = Stepper(SingleNeuron())
    operations = len(stepper.operations)
    iterations = 10_000 // operations + 40
    stepper.run_iterations(iterations)
    reference = Stepper(SingleNeuron())
    target = iterations * operations - 10_000
    reference.run_iterations(target // operations)
    for _ in range(target % operations):
        reference.step()
    assert stepper.history_length >= 10_000
    for _ in range(10_000):
        assert stepper.step_back()
    assert (stepper.iteration, stepper.position) == (reference.iteration, reference.position)
    assert _same(stepper.trainable.values(), reference.trainable.values())


def test_memory_cap_bounds_the_history():
    stepper = Stepper(SingleNeuron(), memory_cap_bytes=5_000)
    stepper.run_iterations(100)
    assert 0 < stepper.history_length < 100 * len(stepper.operations)
    for _ in range(stepper.history_length):
        assert stepper.step_back()
    assert not stepper.step_back()


def test_edit_before_the_value_is_written_recomputes_from_the_iteration_start():
    stepper = Stepper(SingleNeuron("native"))
    stepper.run_iterations(2)
    for _ in range(3):
        stepper.step()
    stepper.edit("weights", (0,), -1.0)
    # as if typed before this iteration started: the forward pass and loss are recomputed
    fresh = Stepper(SingleNeuron("native"))
    fresh.run_iterations(2)
    fresh.edit("weights", (0,), -1.0)
    for _ in range(3):
        fresh.step()
    assert _same(stepper.trainable.values(), fresh.trainable.values())
    assert stepper.position == 3


def test_edit_after_the_value_was_written_applies_from_now_on():
    stepper = Stepper(SingleNeuron("native"))
    for _ in range(len(stepper.operations) - 1):  # weights updated, bias not yet
        stepper.step()
    loss = stepper.trainable.values()["loss"]
    stepper.edit("weights", (1,), 5.0)
    assert stepper.trainable.values()["loss"] == loss
    assert stepper.trainable.values()["weights"][1] == 5.0
    stepper.step()
    assert stepper.trainable.values()["weights"][1] == 5.0


def test_edits_survive_stepping_back_and_forward():
    stepper = Stepper(LayerOfThree("book"))
    stepper.run_iterations(2)
    stepper.step()
    stepper.edit("X", (2,), 0.5)
    stepper.run_iterations(3)
    expected = stepper.trainable.values()
    log = stepper.trainable.log_lines()
    for _ in range(2 * len(stepper.operations) + 3):
        stepper.step_back()
    assert stepper.iteration < 2 or stepper.trainable.values()["X"][2] == 0.5
    stepper.run_iterations(5 - stepper.iteration)
    assert _same(stepper.trainable.values(), expected)
    assert stepper.trainable.log_lines() == log
    while stepper.iteration >= 2:
        stepper.step_back()
    assert stepper.trainable.values()["X"][2] == 3.0  # before the edit, the old value


def test_a_new_edit_drops_edits_recorded_after_it():
    stepper = Stepper(SingleNeuron("native"))
    stepper.run_iterations(3)
    stepper.edit("bias", (), 2.0)
    stepper.run_iterations(2)
    while stepper.iteration > 1:
        stepper.step_back()
    stepper.edit("inputs", (0,), 0.5)
    stepper.run_iterations(4)
    fresh = Stepper(SingleNeuron("native"))
    fresh.run_iterations(1)
    fresh.edit("inputs", (0,), 0.5)
    fresh.run_iterations(4)
    assert _same(stepper.trainable.values(), fresh.trainable.values())


def test_bad_edit_changes_nothing():
    stepper = Stepper(SingleNeuron())
    stepper.step()
    before = stepper.trainable.values()
    with pytest.raises(ValueError):
        stepper.edit("weights", (7,), 1.0)
    with pytest.raises(ValueError):
        stepper.edit("output", (), 1.0)
    assert _same(stepper.trainable.values(), before)


def test_hyperparameter_change_applies_at_the_next_step_and_survives_replay():
    stepper = Stepper(SingleNeuron("native"))
    stepper.run_iterations(2)
    stepper.set_hyperparameters(learning_rate=0.01)
    stepper.run_iterations(2)
    expected = stepper.trainable.values()
    stepper.step_back()
    stepper.step()
    assert _same(stepper.trainable.values(), expected)
    manual = SingleNeuron("native")
    plain = Stepper(manual)
    plain.run_iterations(2)
    manual.set_value("learning_rate", (), 0.01)
    plain.run_iterations(2)
    assert _same(manual.values(), expected)


def test_reset_gives_exactly_the_starting_values():
    neuron = SingleNeuron()
    start = neuron.values()
    stepper = Stepper(neuron)
    stepper.run_iterations(5)
    stepper.edit("bias", (), 3.0)
    stepper.step()
    stepper.reset()
    assert _same(neuron.values(), start)
    assert (stepper.iteration, stepper.position, stepper.losses.tolist()) == (0, 0, [])
    assert neuron.log_lines() == [] and not stepper.step_back()


def test_divergence_names_iteration_and_quantity_and_keeps_the_last_good_state():
    neuron = SingleNeuron("native")
    stepper = Stepper(neuron)
    stepper.run_iterations(2)
    stepper.set_hyperparameters(learning_rate=1e308)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's overflow warnings must not leak
        with pytest.raises(Divergence) as caught:
            stepper.run_iterations(10)
    assert caught.value.iteration == 2 and caught.value.quantity == "weights"
    assert "iteration 2" in str(caught.value) and "weights" in str(caught.value)
    assert stepper.last_operation.name == "weights.update"
    assert not np.isfinite(neuron.values()["weights"]).all()
    stepper.restore_last_good()
    assert np.isfinite(neuron.values()["weights"]).all()
    assert stepper.position == len(stepper.operations) - 2
    stepper.set_hyperparameters(learning_rate=0.001)
    stepper.run_iterations(3)
    assert np.isfinite(stepper.losses).all()


def test_divergence_while_stepping_names_the_loss():
    neuron = SingleNeuron("native")
    neuron.set_value("bias", (), 1e200)
    stepper = Stepper(neuron)
    stepper.step()
    stepper.step()
    with pytest.raises(Divergence) as caught:
        stepper.step()
    assert (caught.value.iteration, caught.value.quantity) == (0, "loss")
    assert "infinite" in str(caught.value)


def test_stepper_state_roundtrips_mid_iteration_with_edits():
    stepper = Stepper(LayerOfThree("book"))
    stepper.run_iterations(4)
    stepper.step()
    stepper.step()
    stepper.edit("W", (1, 1), 0.25)
    saved = json.loads(json.dumps(stepper.get_state()))
    expected = stepper.trainable.values()
    stepper.run_iterations(3)
    later = stepper.trainable.values()
    other = Stepper(LayerOfThree("book"))
    other.set_state(saved)
    assert (other.iteration, other.position) == (4, 2)
    assert other.losses.tolist() == stepper.losses[:4].tolist()
    values = other.trainable.values()
    assert all(np.array_equal(values[k], expected[k]) for k in values)
    other.run_iterations(3)
    assert _same(other.trainable.values(), later)


@pytest.mark.parametrize("trial", range(8))
def test_any_mix_of_actions_keeps_back_then_forward_exact(trial):
    """Steps, runs (sparse checkpoints), edits and hyperparameter changes in a random order;
    wherever the stepper stands, stepping back n operations and forward n returns exactly."""
    import random

    from engine.training.model import Model

    rnd = random.Random(trial)
    if trial % 2:
        trainable = Model({"data": {"kind": "spiral", "samples": 10, "classes": 3},
                           "hidden": [{"neurons": 5, "dropout": 0.2, "weight_l1": 1e-3}],
                           "optimizer": {"name": "sgd", "learning_rate": 0.5, "momentum": 0.5},
                           "seed": trial})
        rates = (0.1, 1.0)
    else:
        trainable, rates = LayerOfThree("book"), (0.0001, 0.002)
    stepper = Stepper(trainable, history_ops=300)
    for _ in range(40):
        action = rnd.random()
        if action < 0.3:
            stepper.step()
        elif action < 0.5:
            stepper.step_back()
        elif action < 0.65:
            stepper.run_iterations(rnd.randint(1, 40))
        elif action < 0.8:
            parameters = trainable.parameters()
            name = rnd.choice(list(parameters))
            index = tuple(rnd.randrange(n) for n in parameters[name].shape)
            stepper.edit(name, index, rnd.uniform(-1, 1))
        elif action < 0.9:
            stepper.set_hyperparameters(learning_rate=rnd.uniform(*rates))
        else:
            where = (stepper.iteration, stepper.position)
            values, losses = trainable.values(), list(stepper.losses)
            log = trainable.log_lines()
            back, wanted = 0, rnd.randint(1, 60)
            while back < wanted and stepper.step_back():
                back += 1
            for _ in range(back):
                stepper.step()
            assert (stepper.iteration, stepper.position) == where
            assert _same(trainable.values(), values)
            assert stepper.losses.tolist() == losses and trainable.log_lines() == log
    done = stepper.iteration * len(stepper.operations) + stepper.position
    assert stepper.history_length >= min(300, done)


def test_stepper_state_keeps_a_models_log_history_and_hyperparameters():
    from engine.training.model import Model

    spec = {"data": {"kind": "spiral", "samples": 10, "classes": 3},
            "hidden": [{"neurons": 5, "dropout": 0.2}],
            "optimizer": {"name": "adam", "learning_rate": 0.05}, "print_every": 3}
    stepper = Stepper(Model(spec))
    stepper.run_iterations(20)
    for _ in range(4):
        stepper.step()
    stepper.edit("dense1.weights", (0, 1), 0.3)
    stepper.set_hyperparameters(learning_rate=0.01)
    saved = json.loads(json.dumps(stepper.get_state()))
    log, history = stepper.trainable.log_lines(), stepper.trainable.history()
    stepper.run_iterations(5)
    other = Stepper(Model(spec))
    other.set_state(saved)
    assert other.trainable.log_lines() == log
    assert all(np.array_equal(other.trainable.history()[k], history[k]) for k in history)
    assert other.trainable.hyperparameters()["learning_rate"] == 0.01
    other.run_iterations(5)
    assert _same(other.trainable.values(), stepper.trainable.values())
    assert other.trainable.log_lines() == stepper.trainable.log_lines()
    assert other.losses.tolist() == stepper.losses.tolist()


def test_a_state_at_a_keyframe_continues_exactly_as_the_run_did():
    from engine.scenarios.presets import chapter10_spec
    from engine.training.model import Model
    from engine.training.stepper import state_at_keyframe

    model = Model({**chapter10_spec(), "print_every": 5})
    stepper = Stepper(model)
    stepper.run_iterations(12)
    keyframe = model.capture_state()  # the trainable at the start of iteration 12
    stepper.run_iterations(8)
    latest = stepper.get_state()
    at_20 = model.parameters()

    past = Stepper(Model({**chapter10_spec(), "print_every": 5}))
    past.set_state(state_at_keyframe(latest, 12, keyframe))
    assert (past.iteration, past.position) == (12, 0)
    assert past.losses.tolist() == stepper.losses.tolist()[:12]
    assert len(past.trainable.log_lines()) == 3  # epochs 0, 5 and 10 printed, not 15
    past.run_iterations(8)
    assert past.losses.tolist() == stepper.losses.tolist()
    assert past.trainable.log_lines() == model.log_lines()
    assert _same(past.trainable.parameters(), at_20)
