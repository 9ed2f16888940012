"""Checking a session's compared runs (engine/training/comparison.py's Comparison.get_state())
field by field, before anything is built from them.

A compared run is a whole second training state: its spec, its Stepper state, its parameter
path and optimizer record. A file may come from anyone, so each run's spec and Stepper go
through the same checks as the session's own (engine/files/session_checks.py hands them in as
`check_run`), each record is bounded in length and shape before its arrays are allocated, and
the run's data and layer sizes must be the main run's (a compared run starts from its
weights). Only then does the session rebuild the comparison once on a scratch copy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from engine.files import state as state_codec
from engine.files.session_fields import (
    SessionError,
    array_shape,
    as_list,
    check_array,
    check_count,
    check_keys,
    check_text,
    describe,
)
from engine.training.comparison import FORMAT, MAX_RUNS, STATUSES
from engine.training.coordinates import TRAJECTORY_CAPACITY, ParameterLayout, check_coordinate
from engine.training.fork import check_fork_spec
from engine.training.internals import COLUMNS, INTERNALS_CAPACITY
from engine.training.model import Model

RUN_KEYS = ("name", "status", "message", "spec", "forked_at", "stepper", "trajectory",
            "internals")
SERIES_KEYS = ("capacity", "stride", "iterations", "rows")
# The session's own checks: check_spec(spec, path) -> the Model template it builds;
# check_stepper(state, template, path) -> the iteration it stands at
SpecCheck = Callable[[Any, str], Model]
StepperCheck = Callable[[Any, Model, str], int]


def check_comparison(value: Any, main: Any, iteration: int, check_spec: SpecCheck,
                     check_stepper: StepperCheck, path: str = "comparison") -> None:
    """A Comparison.get_state() around the session's main run (`main`, its Model template,
    at `iteration`): 1 to MAX_RUNS runs with distinct names, the first the main run (its
    training state is the session's), each other a checked run of the main run's data."""
    if not isinstance(main, Model):
        raise SessionError(f"{path}: runs are compared in the classification lab, not in a "
                           "seed example's session")
    check_keys(value, path, ("format", "watched", "runs"))
    if value["format"] != FORMAT:
        raise SessionError(f"{path}.format: expected {FORMAT}, got {describe(value['format'])}")
    runs = as_list(value["runs"], f"{path}.runs")
    if not 1 <= len(runs) <= MAX_RUNS:
        raise SessionError(f"{path}.runs: expected 1 to {MAX_RUNS} runs, got {len(runs)}")
    watched = _check_watched(value["watched"], main, f"{path}.watched")
    names = set()
    for number, run in enumerate(runs):
        where = f"{path}.runs[{number}]"
        model, at = (main, iteration) if number == 0 else \
            _check_fork(run, main, check_spec, check_stepper, where)
        _check_run(run, model, at, number == 0, watched, where)
        if run["name"] in names:
            raise SessionError(f"{where}.name: {run['name']!r} names two runs")
        names.add(run["name"])


def _check_watched(value: Any, main: Model, path: str) -> list | None:
    """The watched weight, [name, [i, j]] of a parameter the runs train, or None."""
    if value is None:
        return None
    pair = as_list(value, path)
    if len(pair) != 2 or not isinstance(pair[0], str):
        raise SessionError(f"{path}: expected [name, index], got {describe(value)}")
    index = as_list(pair[1], f"{path}[1]")
    for axis, i in enumerate(index):
        check_count(i, f"{path}[1][{axis}]")
    try:
        check_coordinate(main, pair[0], tuple(index))
    except (ValueError, IndexError) as error:
        raise SessionError(f"{path}: {error}") from None
    return value


def _check_fork(run: Any, main: Model, check_spec: SpecCheck, check_stepper: StepperCheck,
                path: str) -> tuple[Model, int]:
    """A compared run's spec (of the main run's data and layer sizes) and Stepper state,
    checked as the session's own are."""
    check_keys(run, path, RUN_KEYS)
    model = check_spec(run["spec"], f"{path}.spec")
    try:
        check_fork_spec(main.starting_spec, model.starting_spec)
    except ValueError as error:
        raise SessionError(f"{path}.spec: {error}") from None
    return model, check_stepper(run["stepper"], model, f"{path}.stepper")


def _check_run(run: Any, model: Model, iteration: int, is_main: bool, watched: list | None,
               path: str) -> None:
    check_keys(run, path, RUN_KEYS)
    check_text(run["name"], f"{path}.name", non_empty=True)
    if run["status"] not in STATUSES:
        raise SessionError(f"{path}.status: expected one of {', '.join(STATUSES)}, got "
                           f"{describe(run['status'])}")
    check_text(run["message"], f"{path}.message")
    if is_main and run["forked_at"] is not None:
        raise SessionError(f"{path}.forked_at: the main run is no fork, got "
                           f"{describe(run['forked_at'])}")
    if run["forked_at"] is not None:
        check_count(run["forked_at"], f"{path}.forked_at", high=iteration)
    if is_main and run["stepper"] is not None:
        raise SessionError(f"{path}.stepper: the main run's training state is the session's "
                           f"own, got {describe(run['stepper'])}")
    layout = ParameterLayout(model.parameters())
    dtype = np.dtype(model.numerics.float_dtype).newbyteorder("<").str
    check_series(run["trajectory"], f"{path}.trajectory", TRAJECTORY_CAPACITY, layout.size,
                 dtype, iteration)
    if run["internals"] is None:
        return
    check_keys(run["internals"], f"{path}.internals", ("coordinate", "series"))
    if run["internals"]["coordinate"] != watched:
        raise SessionError(f"{path}.internals.coordinate: expected the watched weight "
                           f"{describe(watched)}, got {describe(run['internals']['coordinate'])}")
    check_series(run["internals"]["series"], f"{path}.internals.series", INTERNALS_CAPACITY,
                 len(COLUMNS), "<f8", iteration)


def check_series(value: Any, path: str, capacity: int, width: int, dtype: str,
                 iteration: int) -> None:
    """engine/training/series.py's DecimatedSeries.get_state() of this capacity and width:
    fewer samples than its capacity, at increasing iterations up to `iteration`, a stride
    that is a power of two (checked before its arrays are allocated)."""
    check_keys(value, path, SERIES_KEYS)
    if value["capacity"] != capacity or isinstance(value["capacity"], bool):
        raise SessionError(f"{path}.capacity: expected {capacity}, got "
                           f"{describe(value['capacity'])}")
    stride = check_count(value["stride"], f"{path}.stride", low=1)
    if stride & (stride - 1):
        raise SessionError(f"{path}.stride: expected a power of two, got {stride}")
    shape = array_shape(value["iterations"], f"{path}.iterations")
    if len(shape) != 1 or shape[0] >= capacity:
        raise SessionError(f"{path}.iterations: expected fewer than {capacity} samples, got "
                           f"shape {shape}")
    check_array(value["iterations"], f"{path}.iterations", shape, ("<i8",))
    check_array(value["rows"], f"{path}.rows", (shape[0], width), (dtype,), finite=False)
    kept = state_codec.decode_array(value["iterations"]["__ndarray__"])
    if len(kept) and (kept[0] < 0 or np.any(np.diff(kept) <= 0) or kept[-1] > iteration):
        raise SessionError(f"{path}.iterations: expected increasing iterations in "
                           f"0..{iteration}")
