"""Compared runs train exactly as each setting would alone, in lockstep, and save exactly."""

import copy
import json

import numpy as np
import pytest

from engine.files.session import clone_stepper
from engine.scenarios.seed import SingleNeuron
from engine.training.comparison import DIVERGED, MAX_RUNS, RUNNING, STOPPED, Comparison
from engine.training.fork import capture_start, describe_changes, settings_table
from engine.training.model import Model
from engine.training.stepper import Stepper

BASE = {"data": {"kind": "spiral", "samples": 30, "classes": 3},
        "hidden": [{"neurons": 16, "activation": "relu"}],
        "optimizer": {"name": "adam", "learning_rate": 0.05, "decay": 5e-7},
        "print_every": 10}


def changed(**changes) -> dict:
    """BASE with some parts replaced: optimizer=..., hidden=..., numerics=..."""
    spec = copy.deepcopy(BASE)
    spec.update(copy.deepcopy(changes))
    return spec


def hidden(**layer) -> list[dict]:
    return [{"neurons": 16, "activation": "relu", **layer}]


FORKS = {
    "sgd": changed(optimizer={"name": "sgd", "learning_rate": 1.0}),
    "sgd momentum decay": changed(optimizer={"name": "sgd", "learning_rate": 0.5,
                                             "momentum": 0.9, "decay": 1e-3}),
    "adagrad": changed(optimizer={"name": "adagrad", "learning_rate": 0.5}),
    "rmsprop": changed(optimizer={"name": "rmsprop", "learning_rate": 0.02, "rho": 0.95}),
    "adam learning rate": changed(optimizer={"name": "adam", "learning_rate": 0.01,
                                             "decay": 1e-2, "beta_1": 0.8}),
    "dropout": changed(hidden=hidden(dropout=0.2)),
    "l1 l2": changed(hidden=hidden(weight_l2=5e-4, bias_l1=1e-4),
                     output={"weight_l1": 1e-4}),
    "tanh": changed(hidden=hidden(activation="tanh")),
}


def bits(model: Model) -> dict[str, bytes]:
    """Everything a run's numbers are: parameters, caches, metric history (bytes), log."""
    values = {name: np.asarray(value).tobytes() + str(np.asarray(value).dtype).encode()
              for name, value in model.values().items()
              if name.rpartition(".")[2] in ("weights", "biases", "weight_momentums",
                                             "bias_momentums", "weight_cache", "bias_cache")}
    values.update({f"history {key}": column.tobytes()
                   for key, column in model.history().items()})
    values["log"] = "\n".join(model.log_lines()).encode()
    return values


def train(spec: dict, iterations: int) -> Model:
    stepper = Stepper(Model(spec))
    stepper.run_iterations(iterations)
    return stepper.trainable


@pytest.mark.parametrize("fork", FORKS, ids=list(FORKS))
def test_a_compared_run_trains_bit_for_bit_as_its_setting_alone(fork):
    comparison = Comparison(Stepper(Model(BASE)))
    run = comparison.add_run(FORKS[fork])
    for n in (7, 30, 13):
        comparison.run_iterations(n)
    assert [r.iteration for r in comparison.runs] == [50, 50]
    assert bits(run.model) == bits(train(FORKS[fork], 50))
    assert bits(comparison.main.model) == bits(train(BASE, 50))


def test_four_runs_with_a_watched_weight_still_train_as_each_alone():
    comparison = Comparison(Stepper(Model(BASE)))
    forks = ["sgd momentum decay", "rmsprop", "dropout"]
    for fork in forks:
        comparison.add_run(FORKS[fork])
    comparison.watch("dense2.weights", (3, 1))
    for n in (5, 40, 1, 14):
        comparison.run_iterations(n)
    for fork, run in zip(forks, comparison.runs[1:], strict=True):
        assert bits(run.model) == bits(train(FORKS[fork], 60))


def test_other_numerics_start_from_the_same_weights_in_their_precision():
    main = Stepper(Model(BASE))
    comparison = Comparison(main)
    run = comparison.add_run(changed(numerics="native"))
    comparison.run_iterations(25)
    alone = Model(changed(numerics="native"))
    for name, values in Model(BASE).parameters().items():
        for index in np.ndindex(values.shape):
            alone.set_value(name, index, float(values[index]))
    stepper = Stepper(alone)
    stepper.run_iterations(25)
    assert run.model.parameters()["dense1.weights"].dtype == np.float64
    assert bits(run.model) == bits(alone)


def test_a_fork_from_a_past_iteration_equals_changing_the_setting_there():
    main = Stepper(Model(BASE))
    main.run_iterations(20)
    start = capture_start(main)
    main.run_iterations(40)
    comparison = Comparison(main)
    lower = changed(optimizer={"name": "adam", "learning_rate": 0.005, "decay": 5e-7})
    run = comparison.add_run(lower, start=start)
    assert run.iteration == 20
    comparison.run_iterations(15)  # the fork catches up while the main run waits
    assert (main.iteration, run.iteration) == (60, 35)
    while run.iteration < main.iteration:
        comparison.run_iterations(15)
    comparison.run_iterations(20)
    assert (main.iteration, run.iteration) == (80, 80)
    alone = Stepper(Model(BASE))
    alone.run_iterations(20)
    alone.set_hyperparameters(learning_rate=0.005)
    alone.run_iterations(60)
    assert bits(run.model) == bits(alone.trainable)
    assert run.stepper.losses.tobytes() == alone.losses.tobytes()
    assert bits(main.trainable) == bits(train(BASE, 80))


def test_a_new_optimizer_from_a_past_iteration_starts_fresh_on_the_same_weights():
    main = Stepper(Model(BASE))
    main.run_iterations(30)
    start = capture_start(main)
    sgd = changed(optimizer={"name": "sgd", "learning_rate": 1.0, "momentum": 0.5})
    weights = main.trainable.parameters()
    comparison = Comparison(main)
    run = comparison.add_run(sgd, start=start)
    comparison.run_iterations(40)
    alone = Model(sgd)
    for name, values in weights.items():
        for index in np.ndindex(values.shape):
            alone.set_value(name, index, float(values[index]))
    Stepper(alone).run_iterations(40)
    ours = run.model.parameters()
    for name, values in alone.parameters().items():
        assert ours[name].tobytes() == values.tobytes()
    assert run.model.value("optimizer.iterations") == 40
    assert run.model.log_lines()[:3] == main.trainable.log_lines()[:3]  # the run's past kept


def test_runs_stop_resume_and_catch_up_in_lockstep():
    comparison = Comparison(Stepper(Model(BASE)))
    sgd = comparison.add_run(FORKS["sgd"])
    rmsprop = comparison.add_run(FORKS["rmsprop"])
    comparison.run_iterations(10)
    comparison.stop(sgd.name)
    comparison.run_iterations(10)
    assert [run.iteration for run in comparison.runs] == [20, 10, 20]
    assert comparison.epoch == 20 and sgd.status == STOPPED
    comparison.resume(sgd.name)
    comparison.run_iterations(4)
    assert [run.iteration for run in comparison.runs] == [20, 14, 20]
    comparison.run_iterations(6)
    comparison.run_iterations(5)
    assert [run.iteration for run in comparison.runs] == [25, 25, 25]
    assert bits(sgd.model) == bits(train(FORKS["sgd"], 25))
    assert bits(rmsprop.model) == bits(train(FORKS["rmsprop"], 25))


def test_remove_and_promote():
    main = Stepper(Model(BASE))
    comparison = Comparison(main)
    sgd = comparison.add_run(FORKS["sgd"], name="SGD")
    comparison.add_run(FORKS["tanh"], name="tanh")
    with pytest.raises(ValueError, match="'main' is the main run: promote another"):
        comparison.remove("main")
    promoted = comparison.promote("SGD")
    assert promoted is sgd and comparison.main is sgd
    assert [run.name for run in comparison.runs] == ["SGD", "main", "tanh"]
    comparison.remove("main")
    assert [run.name for run in comparison.runs] == ["SGD", "tanh"]
    with pytest.raises(ValueError, match="no compared run is called 'main': the runs are SGD"):
        comparison.stop("main")


def test_at_most_four_runs_with_names_of_their_own():
    comparison = Comparison(Stepper(Model(BASE)))
    runs = [comparison.add_run(FORKS["sgd"]) for _ in range(MAX_RUNS - 1)]
    assert [run.name for run in runs] == ["sgd", "sgd (2)", "sgd (3)"]
    with pytest.raises(ValueError, match="at most 4 runs can be compared"):
        comparison.add_run(FORKS["tanh"])


def test_a_diverging_run_stops_at_its_last_good_state_and_the_others_go_on():
    comparison = Comparison(Stepper(Model(BASE)))
    wild = comparison.add_run(changed(optimizer={"name": "sgd", "learning_rate": 1e30}))
    comparison.run_iterations(20)
    assert wild.status == DIVERGED and "diverged at iteration" in wild.message
    assert all(np.isfinite(values).all() for values in wild.model.parameters().values())
    assert comparison.main.status == RUNNING and comparison.main.iteration == 20
    comparison.run_iterations(5)
    assert comparison.main.iteration == 25


@pytest.mark.parametrize("spec, message", [
    (changed(data={"kind": "vertical", "samples": 30, "classes": 3}),
     "trains on the same data: its data must stay"),
    (changed(seed=3), "its seed must stay 0"),
    (changed(hidden=[{"neurons": 8}]), r"keep their sizes \(16 neurons\), got 8 neurons"),
    (changed(hidden=[{"neurons": 16}, {"neurons": 16}]), "got 16-16 neurons"),
    (changed(optimizer={"name": "adam", "rho": 0.9}), "adam has no hyperparameter rho"),
])
def test_settings_a_run_cannot_be_compared_with_say_why(spec, message):
    comparison = Comparison(Stepper(Model(BASE)))
    with pytest.raises(ValueError, match=message):
        comparison.add_run(spec)
    assert len(comparison.runs) == 1


def test_a_start_needs_a_classifier_at_an_iteration_start():
    stepper = Stepper(Model(BASE))
    stepper.step()
    with pytest.raises(ValueError, match="inside iteration 0 .after 1 of its 13 operations."):
        capture_start(stepper)
    with pytest.raises(ValueError, match="Single neuron is not a classifier Model"):
        Comparison(Stepper(SingleNeuron()))


def test_the_settings_table_marks_what_differs():
    rows = {name: (values, differs) for name, values, differs
            in settings_table([BASE, FORKS["sgd momentum decay"], FORKS["dropout"]])}
    assert rows["optimizer"] == (["adam", "sgd", "adam"], True)
    assert rows["momentum"] == (["-", "0.9", "-"], True)
    assert rows["dense1 dropout"] == (["0", "0", "0.2"], True)
    assert rows["numerics"] == (["book", "book", "book"], False)
    assert describe_changes(BASE, FORKS["dropout"]) == "dense1 dropout 0.2"
    assert describe_changes(BASE, BASE) == "same"
    assert describe_changes(BASE, FORKS["sgd momentum decay"]) == \
        "sgd, lr 0.5, decay 0.001, momentum 0.9"
    assert describe_changes(BASE, FORKS["adam learning rate"]) == \
        "lr 0.01, decay 0.01, beta_1 0.8"


def test_a_comparison_round_trips_through_json_and_trains_on_identically():
    main = Stepper(Model(BASE))
    main.run_iterations(10)
    start = capture_start(main)
    comparison = Comparison(main)
    comparison.add_run(FORKS["dropout"])
    comparison.add_run(FORKS["sgd momentum decay"], start=start, name="past")
    comparison.watch("dense1.biases", (0, 2))
    comparison.run_iterations(25)
    comparison.promote("past")  # the first main run, without a start, is now a fork
    comparison.stop(comparison.runs[2].name)
    saved = json.loads(json.dumps(comparison.get_state()))
    restored = Comparison.from_state(clone_stepper(comparison.main.stepper), saved)
    assert [(r.name, r.status, r.iteration, r.forked_at) for r in restored.runs] == \
        [(r.name, r.status, r.iteration, r.forked_at) for r in comparison.runs] == \
        [("past", RUNNING, 35, 10), ("dense1 dropout 0.2", RUNNING, 35, 10),
         ("main", STOPPED, 35, None)]
    for ours, theirs in zip(comparison.runs, restored.runs, strict=True):
        for key, column in ours.internals.columns().items():
            assert theirs.internals.columns()[key].tobytes() == column.tobytes()
        assert theirs.trajectory.vectors().tobytes() == ours.trajectory.vectors().tobytes()
    for comparing in (comparison, restored):
        comparing.resume(comparing.runs[2].name)
        comparing.run_iterations(30)
    for ours, theirs in zip(comparison.runs, restored.runs, strict=True):
        assert bits(theirs.model) == bits(ours.model)
        theirs.stepper.reset()
        ours.stepper.reset()
        assert bits(theirs.model) == bits(ours.model)  # both at iteration 0 of their spec
    assert restored.watched == comparison.watched


@pytest.mark.parametrize("damage, message", [
    (lambda state: state.update(format=9), "not a saved comparison: format 9"),
    (lambda state: state["runs"][1].update(status="lost"), "run 2: unknown status 'lost'"),
    (lambda state: state["runs"][1]["spec"].update(seed=5), "run 2: .*its seed must stay"),
    (lambda state: state["runs"][1].pop("stepper"), "run 2: 'stepper'"),
    (lambda state: state.update(watched=["dense1.weights", [9, 9]]),
     r"index \(9, 9\) is outside dense1.weights"),
])
def test_a_damaged_saved_comparison_is_refused_with_the_reason(damage, message):
    comparison = Comparison(Stepper(Model(BASE)))
    comparison.add_run(FORKS["sgd"])
    comparison.run_iterations(3)
    state = json.loads(json.dumps(comparison.get_state()))
    damage(state)
    with pytest.raises(ValueError, match=message):
        Comparison.from_state(Stepper(Model(BASE)), state)
