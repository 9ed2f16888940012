"""Measuring a lesson's quantities on a running Stepper, and checking a task against them.

A quantity is measured on the current parameters, never on a stale value: "loss" is a whole
forward pass at the parameters as they are now (the hand examples' loss_with, a Model's
training_metrics), "gradient weights[0]" is the chain rule at them. So a check reads the same
whether the learner stepped halfway through an iteration or not, and a caption quotes what the
window's chain rule panel shows.

A task allows some changes (its may_change) and no others; what else differs from the state the
step started in is reported, so "get the loss under 1.0 by changing only the bias" is not met by
changing a weight.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.files.lesson_steps import TRAINING, Check
from engine.files.lesson_terms import Quantity, SpecPath, Target
from engine.training.model import Model
from engine.training.stepper import Stepper, Trainable


class Unavailable(ValueError):  # noqa: N818 (reads as "the quantity is unavailable")
    """A quantity that this state cannot give (a value not computed yet, an index outside an
    array, validation accuracy of a seed example), and why."""


def measure(quantity: Quantity, stepper: Stepper) -> Any:
    """The quantity now: a number (int or float), an array (a whole value) or text (a line)."""
    trainable = stepper.trainable
    kind = quantity.kind
    if kind == "iteration":
        return stepper.iteration
    if kind in ("value", "gradient", "numerical"):
        return _targeted(kind, quantity.target, trainable)
    if kind == "setting":
        return _setting(quantity.target, trainable)
    if kind == "line":
        lines = trainable.log_lines()
        if not -len(lines) <= quantity.line < len(lines):
            raise Unavailable(f"{quantity}: {len(lines)} lines are printed so far")
        return lines[quantity.line]
    if kind == "loss":
        if isinstance(trainable, Model):
            return trainable.training_metrics()["loss"]
        name, array = next(iter(trainable.parameters().items()))
        index = (0,) * array.ndim
        return trainable.loss_with(name, index, float(array[index]))
    if kind == "learning_rate":
        if isinstance(trainable, Model):
            return float(trainable.value("optimizer.current_learning_rate"))
        return _element(trainable.value("learning_rate"), None, "learning_rate")
    model = _model(trainable, quantity)
    if kind == "accuracy":
        return model.training_metrics()["accuracy"]
    if kind == "validation_line":
        return model.validation_line()
    return model.validation_metrics()[kind.removeprefix("validation_")]


def _targeted(kind: str, target: Target, trainable: Trainable) -> Any:
    if kind == "value":
        try:
            value = trainable.value(target.name)
        except KeyError:
            raise Unavailable(f"{target.name} is not a value of this network, or not computed "
                              "yet at this point of the iteration") from None
        return _element(value, target.index, target.name)
    parameters = trainable.parameters()
    if target.name not in parameters:
        raise Unavailable(f"{target.name} has no gradient here: expected one of "
                          f"{', '.join(parameters)}")
    index = target.index if target.index is not None else ()
    try:
        rule = trainable.chain_rule(target.name, index)
    except ValueError as error:
        raise Unavailable(str(error)) from None
    return rule.product if kind == "gradient" else rule.numerical


def _setting(place: Target | SpecPath, trainable: Trainable) -> Any:
    """A hyperparameter as it is now, or a value of the spec the network was built from."""
    if isinstance(place, Target):
        settings = trainable.hyperparameters() if isinstance(trainable, Model) else {
            name: value for name, value in trainable.parameters().items() if np.ndim(value) == 0}
        if place.index is not None or place.name not in settings:
            raise Unavailable(f"{place} is not a setting here: expected one of "
                              f"{', '.join(settings)}")
        return _element(settings[place.name], None, place.name)
    if not isinstance(trainable, Model):
        raise Unavailable(f"{place}: {trainable.title} has no spec")
    value: Any = trainable.spec
    for key in place.keys:
        try:
            value = value[key]
        except (KeyError, IndexError, TypeError):
            raise Unavailable(f"{place} is not in this network's spec") from None
    if isinstance(value, (dict, list)):
        raise Unavailable(f"{place} is not a single setting")
    return value


def _element(value: Any, index: tuple[int, ...] | None, name: str) -> Any:
    array = np.asarray(value)
    if index is None:
        return array[()] if array.ndim == 0 else array.copy()
    if len(index) != array.ndim or any(i >= n for i, n in zip(index, array.shape, strict=True)):
        raise Unavailable(f"{name}{list(index)} does not exist: {name} has shape "
                          f"{array.shape}")
    return array[index]


def _model(trainable: Trainable, quantity: Quantity) -> Model:
    if not isinstance(trainable, Model):
        raise Unavailable(f"{quantity} needs a classification network; this step shows "
                          f"{trainable.title}")
    return trainable


def number_of(value: Any, quantity: Quantity) -> float:
    """`value` as one float; Unavailable for an array or text."""
    if isinstance(value, str) or np.ndim(value) != 0:
        raise Unavailable(f"{quantity} is not a single number here")
    return float(value)


def format_quantity(value: Any, fmt: str | None = None) -> str:
    """As the book prints it (numpy's shortest repr of its dtype) unless `fmt` (Python's format
    spec, such as .3f) is given; arrays element by element, as print() shows them."""
    if isinstance(value, str):
        return value
    array = np.asarray(value)
    if array.ndim:
        if fmt is None:
            return str(array)
        return np.array2string(array, formatter={"all": lambda x: format(float(x), fmt)})
    if fmt is not None:
        return format(float(array), fmt)
    return str(array[()])


# -- tasks ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Baseline:
    """What a step showed when the learner got it, to tell what the learner changed."""

    trainable_type: type
    parameters: dict[str, np.ndarray]
    hyperparameters: dict[str, float]
    spec: dict | None
    iteration: int

    @classmethod
    def of(cls, stepper: Stepper) -> Baseline:
        trainable = stepper.trainable
        model = trainable if isinstance(trainable, Model) else None
        return cls(type(trainable), trainable.parameters(),
                   dict(model.hyperparameters()) if model else {},
                   copy.deepcopy(model.starting_spec) if model else None, stepper.iteration)


@dataclass(frozen=True)
class TaskStatus:
    """done: the comparison holds and nothing outside may_change was changed.
    value: the checked quantity now (None if it cannot be measured here, see `problem`);
    changed: what the learner changed that the task does not allow, e.g. ("weights[1]",)."""

    done: bool
    met: bool
    value: float | None
    changed: tuple[str, ...] = ()
    problem: str = ""


def check_task(check: Check, stepper: Stepper, baseline: Baseline) -> TaskStatus:
    try:
        value = number_of(measure(check.quantity, stepper), check.quantity)
    except Unavailable as error:
        return TaskStatus(False, False, None, problem=str(error))
    met = bool(_compare(value, check.compare, check.threshold))
    changed = tuple(changes_outside(check.may_change, stepper, baseline))
    return TaskStatus(met and not changed, met, value, changed)


def _compare(value: float, compare: str, threshold: float) -> bool:
    return {"<": value < threshold, "<=": value <= threshold, ">": value > threshold,
            ">=": value >= threshold}[compare]


def changes_outside(allowed: tuple, stepper: Stepper, baseline: Baseline) -> list[str]:
    """What differs from `baseline` that `allowed` (targets, spec places, TRAINING) does not
    cover: parameter elements, hyperparameters, spec places, and training itself."""
    trainable = stepper.trainable
    if type(trainable) is not baseline.trainable_type:
        return [f"the network (now {trainable.title})"]
    targets = [a for a in allowed if isinstance(a, Target)]
    places = [a for a in allowed if isinstance(a, SpecPath)]
    changed: list[str] = []
    rebuilt = False
    if isinstance(trainable, Model):
        spec_changes = _spec_differences(baseline.spec, trainable.starting_spec)
        changed += [str(p) for p in spec_changes if not any(a.covers(p) for a in places)]
        rebuilt = bool(spec_changes)
        if not rebuilt:
            for key, value in trainable.hyperparameters().items():
                if value != baseline.hyperparameters.get(key) and not any(
                        t.covers(key, None) for t in targets):
                    changed.append(key)
    if TRAINING in allowed or rebuilt:
        return changed
    if stepper.iteration != baseline.iteration:
        changed.append(f"{TRAINING} ({stepper.iteration - baseline.iteration:+d} iterations)")
        return changed
    for name, before in baseline.parameters.items():
        now = trainable.parameters()[name]
        for index in zip(*np.nonzero(np.atleast_1d(now != before)), strict=True):
            index = tuple(int(i) for i in index)[:np.ndim(before)] or None
            if not any(t.covers(name, index) for t in targets):
                changed.append(str(Target(name, index)))
    return changed


def _spec_differences(before: dict, after: dict) -> list[SpecPath]:
    flat_before, flat_after = _flatten(before), _flatten(after)
    return [SpecPath(keys) for keys in dict.fromkeys([*flat_before, *flat_after])
            if flat_before.get(keys) != flat_after.get(keys)]


def _flatten(spec: dict) -> dict[tuple, Any]:
    """A spec as {("hidden", 0, "neurons"): 64, ("optimizer", "name"): "adam", ...}."""
    flat: dict[tuple, Any] = {}
    for key, value in spec.items():
        if key == "hidden":
            for number, layer in enumerate(value):
                flat.update({("hidden", number, k): v for k, v in layer.items()})
        elif isinstance(value, dict):
            flat.update({(key, k): v for k, v in value.items()})
        else:
            flat[(key,)] = value
    return flat
