"""A session's compared runs: saved and opened bit for bit (weights, optimizer state, random
stream, records), trained on to the same numbers, and every field of them checked, a bad one
refusing the whole file with a message naming it."""

import copy
import json

import numpy as np
import pytest

from engine.files import state as state_codec
from engine.files.session import (
    Session,
    SessionError,
    load_session,
    save_session,
    session_document,
)
from engine.scenarios.seed import SingleNeuron
from engine.training.comparison import Comparison
from engine.training.model import Model
from engine.training.stepper import Stepper
from tests.engine.files.test_session import SMALL

ADAM = {**SMALL, "optimizer": {"name": "adam", "learning_rate": 0.02}}
DROPOUT = {**SMALL, "hidden": [{**SMALL["hidden"][0], "dropout": 0.4}]}


def _compared() -> tuple[Stepper, Comparison]:
    """A main run with two forks (another optimizer; dropout, which draws from the random
    stream), a watched weight, one fork stopped, all trained a while."""
    stepper = Stepper(Model(SMALL))
    stepper.run_iterations(5)
    comparison = Comparison(stepper)
    comparison.add_run(ADAM)
    comparison.add_run(DROPOUT, name="dropout")
    comparison.watch("dense1.weights", (1, 2))
    comparison.run_iterations(12)
    comparison.stop("dropout")
    comparison.run_iterations(4)
    return stepper, comparison


def _saved(tmp_path, stepper: Stepper, comparison: Comparison) -> Session:
    save_session(tmp_path / "s.json", Session.capture(stepper,
                                                      comparison=comparison.get_state()))
    return load_session(tmp_path / "s.json")


def _state_bytes(run) -> bytes:
    return json.dumps(run.stepper.get_state(), sort_keys=True).encode()


def test_compared_runs_reopen_bit_for_bit_and_train_on_to_the_same_numbers(tmp_path):
    stepper, comparison = _compared()
    loaded = _saved(tmp_path, stepper, comparison)
    reopened = Comparison.from_state(loaded.build_stepper(), loaded.comparison)

    assert [run.name for run in reopened.runs] == [run.name for run in comparison.runs]
    assert [(run.status, run.forked_at, run.iteration) for run in reopened.runs] == \
        [(run.status, run.forked_at, run.iteration) for run in comparison.runs]
    assert reopened.epoch == comparison.epoch == 21
    for before, after in zip(comparison.runs, reopened.runs, strict=True):
        for name, values in before.model.parameters().items():
            assert after.model.parameters()[name].tobytes() == values.tobytes(), name
        assert _state_bytes(after) == _state_bytes(before)  # caches, counts, random stream
        assert after.trajectory.get_state() == before.trajectory.get_state()
        assert after.internals.get_state() == before.internals.get_state()
    for each in (comparison, reopened):
        each.resume("dropout")
        each.run_iterations(30)
    for before, after in zip(comparison.runs, reopened.runs, strict=True):
        assert after.model.log_lines() == before.model.log_lines()
        assert after.stepper.losses.tobytes() == before.stepper.losses.tobytes()
        assert _state_bytes(after) == _state_bytes(before)


def test_a_session_without_compared_runs_has_none(tmp_path):
    stepper, _ = _compared()
    save_session(tmp_path / "s.json", Session.capture(stepper))
    assert load_session(tmp_path / "s.json").comparison is None


def _document() -> dict:
    stepper, comparison = _compared()
    return session_document(Session.capture(stepper, comparison=comparison.get_state()))


def _array(shape, dtype) -> dict:
    return state_codec.encode(np.zeros(shape, dtype=dtype))


def _set(document: dict, path: tuple, value) -> None:
    target = document["comparison"]
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


BAD = [
    (("format",), 2, r"comparison.format: expected 1, got number 2"),
    (("watched",), ["dense1.weights", [5, 0]], r"comparison.watched: .*index"),
    (("watched",), ["X", [0, 0]], r"comparison.watched: .*'X'"),
    (("runs", 1, "name"), "", r"comparison.runs\[1\].name: expected 1 to"),
    (("runs", 2, "name"), "main", r"comparison.runs\[2\].name: 'main' names two runs"),
    (("runs", 1, "status"), "paused", r"runs\[1\].status: expected one of running, stopped"),
    (("runs", 1, "forked_at"), 99, r"runs\[1\].forked_at: expected 0..21, got 99"),
    (("runs", 0, "forked_at"), 3, r"runs\[0\].forked_at: the main run is no fork"),
    (("runs", 0, "stepper"), {}, r"runs\[0\].stepper: the main run's training state is the"),
    (("runs", 1, "spec", "seed"), 4, r"runs\[1\].spec: a compared run trains on the same data"),
    (("runs", 1, "spec", "hidden"), [{"neurons": 7}],
     r"runs\[1\].spec: .* keep their sizes \(6 neurons\), got 7 neurons"),
    (("runs", 1, "spec", "hidden"), [{**SMALL["hidden"][0], "dropout": 3}],
     r"runs\[1\].spec.*dropout"),
    (("runs", 1, "stepper", "trainable", "layers", "dense1", "weights"),
     _array((2, 5), "<f4"), r"runs\[1\].stepper.trainable.layers.dense1.weights: expected "
                            r"shape \(2, 6\), got \(2, 5\)"),
    (("runs", 1, "stepper", "iteration"), "21", r"runs\[1\].stepper.iteration: expected a whole"),
    (("runs", 1, "trajectory", "capacity"), 10**12, r"runs\[1\].trajectory.capacity: expected "
                                                     r"256, got number 1000000000000"),
    (("runs", 1, "trajectory", "stride"), 3, r"trajectory.stride: expected a power of two"),
    (("runs", 1, "trajectory", "rows"), _array((1, 3), "<f4"), r"trajectory.rows: expected "
                                                                r"shape \(\d+, 39\)"),
    (("runs", 2, "internals", "coordinate"), ["dense1.weights", [0, 0]],
     r"runs\[2\].internals.coordinate: expected the watched weight"),
    (("runs", 2, "internals", "series", "iterations"), _array((600,), "<i8"),
     r"internals.series.iterations: expected fewer than 512 samples"),
]


@pytest.mark.parametrize("path, value, match", BAD)
def test_a_bad_field_of_a_compared_run_refuses_the_file_and_names_it(tmp_path, path, value,
                                                                     match):
    document = _document()
    _set(document, path, value)
    (tmp_path / "bad.json").write_text(json.dumps(document))
    with pytest.raises(SessionError, match=match):
        load_session(tmp_path / "bad.json")


def test_five_runs_or_a_hand_examples_comparison_are_refused(tmp_path):
    document = _document()
    runs = document["comparison"]["runs"]
    runs += [dict(copy.deepcopy(runs[1]), name=f"more {n}") for n in range(2)]
    (tmp_path / "five.json").write_text(json.dumps(document))
    with pytest.raises(SessionError, match=r"comparison.runs: expected 1 to 4 runs, got 5"):
        load_session(tmp_path / "five.json")
    hand = session_document(Session.capture(Stepper(SingleNeuron("book"))))
    hand["comparison"] = _document()["comparison"]
    (tmp_path / "hand.json").write_text(json.dumps(hand))
    with pytest.raises(SessionError, match="runs are compared in the classification lab"):
        load_session(tmp_path / "hand.json")
