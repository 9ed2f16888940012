"""Checking the view and the optional parts of a format-2 session: the validation measurements,
the stop conditions and the timeline's keyframes (the compared runs:
engine/files/session_comparison.py), and rebuilding the compared runs once checked.

Each is what the window showed or the learner set; a file may come from anyone, so each is
checked as strictly as the training state before anything is built, and a part that does not
fit refuses the whole file (opening is all or nothing).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import numpy as np

from engine.files import state as state_codec
from engine.files.session_fields import (
    SessionError,
    as_dict,
    as_list,
    check_count,
    check_history,
    check_json_tree,
    check_keys,
    check_real,
    describe,
)
from engine.files.stacked_states import unstack_states
from engine.limits import LOADABLE_KEYFRAMES
from engine.training.stepper import Stepper, Trainable

STOP_KEYS = ("max_epochs", "target_loss", "target_accuracy")
# The view keys the window writes, and what each must be; any other key is kept for the views,
# which ignore what they cannot use.
VIEW_TYPES = {"lab": str, "log_scale": bool, "array": str, "transposed": bool}
VALIDATION_KEYS = ("loss", "accuracy")
# check_start(decoded state, path, iteration): a Stepper checkpoint at that iteration start
StartCheck = Callable[[Any, str, int], None]


def check_view(view: Any, template: Trainable, path: str = "view") -> None:
    """An object of bounded depth; its known keys of the right kind, and the selection an
    element of this network's parameters (a view that names what the network lacks would
    leave the window half opened)."""
    check_json_tree(view, path)
    as_dict(view, path)
    for key, kind in VIEW_TYPES.items():
        if key in view and not isinstance(view[key], kind):
            wanted = "text" if kind is str else "true or false"
            raise SessionError(f"{path}.{key}: expected {wanted}, got {describe(view[key])}")
    if "selected" not in view:
        return
    name, index = as_pair(view["selected"], f"{path}.selected")
    parameters = template.parameters()
    if not isinstance(name, str) or name not in parameters:
        raise SessionError(f"{path}.selected[0]: {describe(name)} is not a parameter of this "
                           f"network (expected one of {', '.join(parameters)})")
    shape = np.shape(parameters[name])
    index = as_list(index, f"{path}.selected[1]")
    if len(index) != len(shape):
        raise SessionError(f"{path}.selected[1]: {name} has {len(shape)} axes, got an index "
                           f"of {len(index)}")
    for axis, (i, n) in enumerate(zip(index, shape, strict=True)):
        check_count(i, f"{path}.selected[1][{axis}]", high=n - 1)


def as_pair(value: Any, path: str) -> list:
    pair = as_list(value, path)
    if len(pair) != 2:
        raise SessionError(f"{path}: expected [name, index], got {describe(value)}")
    return pair


def check_validation(value: Any, iteration: int, path: str = "validation") -> None:
    """Validation (loss, accuracy) measured at iterations up to the saved one."""
    check_history(value, path, VALIDATION_KEYS, most_count=iteration + 1)


def check_stop_conditions(value: Any, path: str = "stop_conditions") -> dict:
    """{"max_epochs": whole number or None, "target_loss": real >= 0 or None,
    "target_accuracy": real in 0..1 or None}."""
    check_keys(value, path, STOP_KEYS)
    if value["max_epochs"] is not None:
        check_count(value["max_epochs"], f"{path}.max_epochs")
    for key, high in (("target_loss", None), ("target_accuracy", 1.0)):
        if value[key] is None:
            continue
        number = check_real(value[key], f"{path}.{key}", integers=True)
        if number < 0 or (high is not None and number > high):
            raise SessionError(f"{path}.{key}: expected 0..{high if high else 'any'}, got "
                               f"{number:g}")
    return value


def check_timeline(value: Any, iteration: int, check_start: StartCheck,
                   path: str = "timeline") -> None:
    """Keyframes at increasing iterations up to the saved one, anchors among them, each state
    a checkpoint of this network at its iteration start."""
    check_keys(value, path, ("iterations", "anchors", "groups"))
    iterations = as_list(value["iterations"], f"{path}.iterations")
    if not 1 <= len(iterations) <= LOADABLE_KEYFRAMES:
        raise SessionError(f"{path}.iterations: expected 1 to {LOADABLE_KEYFRAMES} keyframes, "
                           f"got {len(iterations)}")
    for index, kept in enumerate(iterations):
        check_count(kept, f"{path}.iterations[{index}]", high=iteration)
        if index and kept <= iterations[index - 1]:
            raise SessionError(f"{path}.iterations: expected increasing iterations")
    for index, anchor in enumerate(as_list(value["anchors"], f"{path}.anchors")):
        if check_count(anchor, f"{path}.anchors[{index}]") not in iterations:
            raise SessionError(f"{path}.anchors[{index}]: {anchor} is not a keyframe")
    groups = as_list(value["groups"], f"{path}.groups")
    counted = 0
    for index, group in enumerate(groups):
        check_keys(group, f"{path}.groups[{index}]", ("count", "states"))
        counted += check_count(group["count"], f"{path}.groups[{index}].count", low=1)
        check_json_tree(group["states"], f"{path}.groups[{index}].states")
    if counted != len(iterations):
        raise SessionError(f"{path}.groups: {counted} states for {len(iterations)} keyframes")
    try:
        states = unstack_states(state_codec.decode(groups))
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as error:
        raise SessionError(f"{path}.groups: not stacked keyframes: {error}") from None
    for kept, state in zip(iterations, states, strict=True):
        check_start(state, f"{path} keyframe {kept}", kept)  # decoded: checked as it is


def rebuild_comparison(stepper: Stepper, state: dict) -> None:
    """Rebuild the compared runs around `stepper` (a scratch copy of the main run);
    SessionError naming what does not fit."""
    from engine.training.comparison import Comparison

    try:
        Comparison.from_state(stepper, copy.deepcopy(state))
    except (ValueError, TypeError, KeyError, IndexError, ArithmeticError) as error:
        raise SessionError(f"comparison: the compared runs cannot be rebuilt: {error}") from None
