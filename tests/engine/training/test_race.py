"""The optimizer race: each path is the book's update rule applied to the notebook's own
gradients, step by step, from one start."""

import numpy as np
import pytest

from engine.scenarios.seed import LayerOfThree, SingleNeuron
from engine.training.race import default_racers, optimizer_race
from engine.training.stepper import Stepper

CASES = {"neuron": (SingleNeuron, ("weights", (0,)), ("bias", ()), "dloss_dweights",
                    "dloss_dbias"),
         "layer": (LayerOfThree, ("W", (2, 3)), ("B", (2,)), "dL_dW", "dL_dB")}


def notebook_gradients(example, pair, values) -> np.ndarray:
    """The notebook's backward lines at `values` of the pair (the others as they are)."""
    copied = type(example)(example.numerics.name)
    copied.set_state(example.get_state())
    for (name, index), value in zip(pair, values, strict=True):
        copied.set_value(name, index, float(value))
    for number, operation in enumerate(copied.operations()):
        if operation.phase == "update":
            break
        copied.run_operation(number)
    gradients = []
    for name, index in pair:
        if name == "W":  # W -= learning_rate * dL_dW.T
            gradients.append(float(copied.value("dL_dW")[index[1], index[0]]))
        else:
            source = {"weights": "dloss_dweights", "bias": "dloss_dbias", "B": "dL_dB"}[name]
            gradients.append(float(np.asarray(copied.value(source))[index]))
    return np.array(gradients)


def book_rule(settings: dict):
    """The book's chapter-10 update, written out: (w, gradient, state, t) -> w, state."""
    lr, name = settings["learning_rate"], settings["name"]

    def update(w, g, state, t):
        if name == "sgd" and settings["momentum"]:
            v = settings["momentum"] * state.get("v", np.zeros(2)) - lr * g
            return w + v, {"v": v}
        if name == "sgd":
            return w + -lr * g, state
        if name == "rmsprop":
            cache = settings["rho"] * state.get("c", np.zeros(2)) + (1 - settings["rho"]) * g**2
            return w + -lr * g / (np.sqrt(cache) + settings["epsilon"]), {"c": cache}
        m = settings["beta_1"] * state.get("m", np.zeros(2)) + (1 - settings["beta_1"]) * g
        m_hat = m / (1 - settings["beta_1"] ** (t + 1))
        v = settings["beta_2"] * state.get("v", np.zeros(2)) + (1 - settings["beta_2"]) * g**2
        v_hat = v / (1 - settings["beta_2"] ** (t + 1))
        return w + -lr * m_hat / (np.sqrt(v_hat) + settings["epsilon"]), {"m": m, "v": v}
    return update


@pytest.mark.parametrize("numerics", ["book", "native"])
@pytest.mark.parametrize("case", CASES)
def test_each_racer_follows_its_update_rule_on_the_notebooks_gradients(case, numerics):
    kind, first, second, _, _ = CASES[case]
    stepper = Stepper(kind(numerics))
    stepper.run_iterations(5)
    example = stepper.trainable
    before = example.get_state()
    race = optimizer_race(example, first, second, steps=40)
    assert example.get_state() == before
    assert list(race) == ["SGD", "SGD with momentum", "RMSprop", "Adam"]
    start = [float(np.asarray(example.parameters()[name])[index]) for name, index in
             (first, second)]
    for path in race.values():
        assert not path.diverged and path.points.shape == (41, 2)
        w, state = np.array(start), {}
        update = book_rule(path.optimizer)
        for t in range(40):
            assert path.points[t].tolist() == w.tolist()
            w, state = update(w, notebook_gradients(example, (first, second), w), state, t)
        assert path.points[40].tolist() == w.tolist()
    learning_rate = float(example.parameters()["learning_rate"])
    assert race["Adam"].optimizer["learning_rate"] == 10 * learning_rate
    assert race["SGD with momentum"].optimizer["momentum"] == 0.9


def test_the_losses_along_a_path_are_the_examples_and_a_wild_racer_stops():
    example = SingleNeuron()
    racers = {**default_racers(0.001), "wild": {"name": "sgd", "learning_rate": 1e200}}
    race = optimizer_race(example, ("weights", (1,)), ("weights", (2,)), steps=30,
                          racers=racers)
    adam = race["Adam"]
    for point, loss in zip(adam.points, adam.losses, strict=True):
        copied = SingleNeuron()
        copied.set_value("weights", (1,), point[0])
        assert loss == copied.loss_with("weights", (2,), point[1])
    assert adam.losses[-1] < adam.losses[0]
    wild = race["wild"]
    assert wild.diverged and len(wild.points) < 31 and np.isfinite(wild.points).all()


def test_a_race_needs_a_hand_example_and_two_trained_parameters():
    with pytest.raises(ValueError, match="'target_output' is fixed, not trained"):
        optimizer_race(SingleNeuron(), ("weights", (0,)), ("target_output", ()))
    with pytest.raises(ValueError, match="steps must be a whole number"):
        optimizer_race(SingleNeuron(), ("weights", (0,)), ("bias", ()), steps=-1)
    with pytest.raises(ValueError, match="sgd has no hyperparameter beta_1"):
        optimizer_race(SingleNeuron(), ("weights", (0,)), ("bias", ()),
                       racers={"bad": {"name": "sgd", "beta_1": 0.9}})
