"""A watched weight's optimizer state, as the book's optimizers keep it, in bounded memory."""

import copy

import numpy as np
import pytest

from engine.training.comparison import Comparison
from engine.training.internals import COLUMNS, OptimizerInternals
from engine.training.model import Model
from engine.training.series import DecimatedSeries
from engine.training.stepper import Stepper

BASE = {"data": {"kind": "spiral", "samples": 30, "classes": 3},
        "hidden": [{"neurons": 8, "activation": "relu"}], "print_every": 10}
OPTIMIZERS = {
    "sgd": {"name": "sgd", "learning_rate": 1.0, "decay": 1e-2},
    "sgd momentum": {"name": "sgd", "learning_rate": 0.5, "momentum": 0.9},
    "adagrad": {"name": "adagrad", "learning_rate": 0.5},
    "rmsprop": {"name": "rmsprop", "learning_rate": 0.02, "decay": 1e-3},
    "adam": {"name": "adam", "learning_rate": 0.05, "decay": 5e-7},
}


def spec(optimizer: str, numerics: str = "book") -> dict:
    return {**copy.deepcopy(BASE), "optimizer": OPTIMIZERS[optimizer], "numerics": numerics}


@pytest.mark.parametrize("numerics", ["book", "native"])
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize("name, index", [("dense1.weights", (1, 5)), ("dense2.biases", (0, 2))])
def test_each_step_is_the_update_the_optimizer_applied(optimizer, numerics, name, index):
    comparison = Comparison(Stepper(Model(spec(optimizer, numerics))))
    comparison.watch(name, index)
    for n in (1, 9, 20):
        comparison.run_iterations(n)
    model = comparison.main.model
    columns = comparison.main.internals.columns()
    assert columns["iteration"].tolist() == list(range(31))
    dtype = model.parameters()[name].dtype
    before, step, after = (columns[key].astype(dtype) for key in ("value", "step", "value"))
    assert np.isnan(step[0])  # nothing updated it yet
    assert (before[:-1] + step[1:] == after[1:]).all()
    assert columns["value"][-1] == model.parameters()[name][index]
    layer, _, attribute = name.partition(".")
    kind = "weight" if attribute == "weights" else "bias"
    assert columns["gradient"][-1] == model.value(f"{layer}.d{attribute}")[index]
    assert columns["learning_rate"][-1] == model.value("optimizer.current_learning_rate")
    for column, cache in (("momentum", f"{kind}_momentums"), ("cache", f"{kind}_cache")):
        try:
            kept = float(model.value(f"{layer}.{cache}")[index])
        except KeyError:
            kept = np.nan
        np.testing.assert_equal(columns[column][-1], kept)


def test_adams_corrected_moments_and_the_labels_per_optimizer():
    model = Model(spec("adam"))
    stepper = Stepper(model)
    internals = OptimizerInternals(model, "dense1.weights", (0, 0))
    stepper.run_iterations(3)
    internals.record(model)
    row = dict(zip(COLUMNS, internals.sample(model), strict=True))
    m, v = row["momentum"], row["cache"]
    assert row["momentum_corrected"] == float(np.float32(m) / np.float32(1 - 0.9 ** 3))
    assert row["cache_corrected"] == float(np.float32(v) / np.float32(1 - 0.999 ** 3))
    assert set(internals.labels(model)) == {"value", "gradient", "learning_rate", "momentum",
                                            "cache", "momentum_corrected", "cache_corrected",
                                            "step"}
    sgd = Model(spec("sgd"))
    assert set(OptimizerInternals(sgd, "dense1.weights", (0, 0)).labels(sgd)) == \
        {"value", "gradient", "learning_rate", "step"}
    rmsprop = Model(spec("rmsprop"))
    labels = OptimizerInternals(rmsprop, "dense1.weights", (0, 0)).labels(rmsprop)
    assert labels["cache"] == "cache (rho * cache + (1 - rho) * dw**2)"


def test_a_long_run_keeps_a_bounded_evenly_spaced_record():
    model = Model(spec("adam"))
    stepper = Stepper(model)
    internals = OptimizerInternals(model, "dense1.weights", (0, 0), capacity=16)
    internals.record(model)
    while model.iteration < 300:
        due = internals.next_due()
        stepper.run_iterations(due - model.iteration)
        internals.record(model)
    iterations = internals.columns()["iteration"]
    assert 8 <= len(iterations) < 16
    assert iterations[0] == 0 and set(np.diff(iterations)) == {internals.series.stride}
    assert internals.series.stride == 32


def test_the_series_forgets_what_a_step_back_undid_and_round_trips():
    series = DecimatedSeries(2, capacity=4)
    for iteration in range(6):
        series.record(iteration, np.array([iteration, -iteration]))
    assert series.iterations().tolist() == [0, 2, 4] and series.stride == 2
    assert not series.record(5, np.zeros(2))
    assert series.record(2, np.array([7.0, 7.0]))  # stepped back to iteration 2
    assert series.iterations().tolist() == [0, 2]
    again = DecimatedSeries.from_state(series.get_state())
    assert again.rows().tolist() == [[0, 0], [7, 7]] and again.stride == 2
    with pytest.raises(ValueError, match="not a saved series"):
        DecimatedSeries.from_state({"rows": 3})


def test_a_weight_that_is_not_trained_is_refused():
    model = Model(spec("adam"))
    with pytest.raises(ValueError, match="'dense1.weight_cache' is not a trainable parameter"):
        OptimizerInternals(model, "dense1.weight_cache", (0, 0))
    with pytest.raises(ValueError, match="has no parameter 'dense7.weights'"):
        Comparison(Stepper(model)).watch("dense7.weights", (0, 0))
