"""Checking a parsed session file completely against the network its own spec describes: every
key, type, shape, dtype and range of the spec, the saved training state and its edits, the view
and the optional parts, before anything is built from it (engine/files/session.py then rebuilds
it once on a scratch copy). Format 1's plain lists are checked as such, then its state is
upgraded to format 2's (engine/files/session_upgrade.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.files.session_comparison import check_comparison
from engine.files.session_extras import (
    check_stop_conditions,
    check_timeline,
    check_validation,
    check_view,
)
from engine.files.session_fields import (
    SessionError,
    as_dict,
    as_list,
    as_tuple,
    check_array,
    check_count,
    check_history,
    check_keys,
    check_lines,
    check_real,
    check_same_iteration,
    check_text,
    describe,
    kind_of,
    show,
)
from engine.files.session_upgrade import upgraded_stepper
from engine.limits import (
    LOADABLE_ACTIVATIONS,
    LOADABLE_DATA_POINTS,
    LOADABLE_EDITS,
    LOADABLE_HIDDEN_LAYERS,
    LOADABLE_NEURONS,
    LOADABLE_PARAMETERS,
    PRINTED_LINES,
)
from engine.scenarios.seed import LayerOfThree, SingleNeuron
from engine.training.cost import iteration_cost
from engine.training.model import Model
from engine.training.model_state import HISTORY_KEYS
from engine.training.spec import (
    CACHES,
    CACHES_ALL,
    HYPERPARAMETERS,
    OPTIMIZERS,
    input_width,
    normalize_spec,
    output_width,
    sample_count,
)
from engine.training.stepper import Trainable

APP = "backprop-playground"
FORMAT = 2
HAND_EXAMPLES: dict[str, type] = {"neuron": SingleNeuron, "layer": LayerOfThree}
_FLOAT_DTYPES = ("<f4", "<f8")
_KEYS = ("app", "format", "scenario", "title", "spec", "stepper", "view")
OPTIONAL_KEYS = ("validation", "stop_conditions", "timeline", "comparison")


@dataclass(frozen=True)
class CheckedDocument:
    """A session file's parts, checked; the stepper state in format 2 whatever the file's
    format; template: a scratch trainable built from the spec, against which the state was
    checked."""

    scenario: str
    title: str
    spec: dict
    stepper: dict
    view: dict
    parts: dict  # the optional parts present (OPTIONAL_KEYS)
    template: Trainable


def check_document(document: Any) -> CheckedDocument:
    """Every part of a parsed (unpacked) session file checked; SessionError naming the first
    problem found."""
    version = _check_header(document)
    check_keys(document, "", _KEYS, optional=OPTIONAL_KEYS if version >= 2 else ())
    scenario = check_text(document["scenario"], "scenario", non_empty=True)
    title = check_text(document["title"], "title")
    spec, template = _spec_and_template(scenario, document["spec"])
    check_view(document["view"], template)
    iteration, log_count = _check_stepper(document["stepper"], template, "stepper", version)
    stepper = document["stepper"] if version >= 2 else upgraded_stepper(document["stepper"])
    parts = {key: document[key] for key in OPTIONAL_KEYS if key in document}
    if "validation" in parts:
        check_validation(parts["validation"], iteration)
    if "stop_conditions" in parts:
        check_stop_conditions(parts["stop_conditions"])
    if "timeline" in parts:
        check = _check_model_state if isinstance(template, Model) else _check_hand_state
        check_timeline(parts["timeline"], iteration,
                       lambda state, path, at: check(state, template, path, at, log_count, 2))
    if "comparison" in parts:
        check_comparison(parts["comparison"], template, iteration, _check_compared_spec,
                         _check_compared_stepper)
    return CheckedDocument(scenario, title, spec, stepper, document["view"], parts, template)


def _check_compared_spec(spec: Any, path: str) -> Model:
    """A compared run's spec, checked as the session's own: the Model it builds."""
    try:
        return _spec_and_template("model", spec)[1]
    except SessionError as error:  # "spec: ..." or "spec.hidden: ..."
        raise SessionError(f"{path}{str(error).removeprefix('spec')}") from None


def _check_compared_stepper(state: Any, template: Model, path: str) -> int:
    """A compared run's Stepper state, checked as the session's own: its iteration."""
    return _check_stepper(state, template, path, FORMAT)[0]


def _check_header(document: Any) -> int:
    """The file's format, after checking it is a Backprop Playground session this app reads."""
    if not isinstance(document, dict):
        raise SessionError(f"not a session file: the top level is a JSON {kind_of(document)}, "
                           "not an object")
    app = document.get("app")
    if app != APP:
        raise SessionError("not a Backprop Playground session (app is "
                           f"{show(str(app)) if 'app' in document else 'missing'})")
    version = document.get("format")
    if isinstance(version, bool) or not isinstance(version, int):
        raise SessionError(f"format: expected a whole number, got {describe(version)}")
    if version > FORMAT:
        raise SessionError(f"the file has format {version}, written by a newer version of the "
                           f"app; this version reads formats 1 to {FORMAT}")
    if version < 1:
        raise SessionError(f"format: {version} is not a session format")
    return version


def _spec_and_template(scenario: str, spec: Any) -> tuple[dict, Trainable]:
    """The checked spec and a scratch trainable built from it, the template the saved state is
    checked against (shapes, dtypes, operations, parameter names)."""
    if scenario in HAND_EXAMPLES:
        check_keys(spec, "spec", ("numerics",))
        if spec["numerics"] not in ("book", "native"):
            raise SessionError(f"spec.numerics: expected 'book' or 'native', got "
                               f"{describe(spec['numerics'])}")
        return dict(spec), HAND_EXAMPLES[scenario](spec["numerics"])
    if not isinstance(spec, dict):
        raise SessionError(f"spec: expected an object, got {describe(spec)}")
    for key, kind in (("data", dict), ("hidden", list), ("output", dict), ("optimizer", dict),
                      ("points", list)):
        if key in spec and not isinstance(spec[key], kind):
            raise SessionError(f"spec.{key}: expected {'an object' if kind is dict else 'a list'}"
                               f", got {describe(spec[key])}")
    for number, layer in enumerate(spec.get("hidden", []), start=1):
        if not isinstance(layer, dict):
            raise SessionError(f"spec.hidden[{number - 1}]: expected an object, got "
                               f"{describe(layer)}")
    if len(spec.get("hidden", [])) > LOADABLE_HIDDEN_LAYERS:
        raise SessionError(f"spec.hidden: {len(spec['hidden'])} layers; at most "
                           f"{LOADABLE_HIDDEN_LAYERS} are allowed")
    if len(spec.get("points", [])) > LOADABLE_DATA_POINTS:
        raise SessionError(f"spec.points: more than {LOADABLE_DATA_POINTS} points")
    try:
        normalized = normalize_spec(spec)
    except (ValueError, TypeError, ArithmeticError) as error:
        raise SessionError(f"spec: {error}") from None
    _check_size(normalized)
    largest = float(np.finfo(np.float32 if normalized["numerics"] == "book" else np.float64).max)
    for number, point in enumerate(normalized["points"]):
        if max(abs(point[0]), abs(point[1])) > largest:
            raise SessionError(f"spec.points[{number}]: {point[:2]} does not fit the "
                               f"{normalized['numerics']} numerics' floats")
    try:
        return normalized, Model(normalized)
    except (ValueError, ArithmeticError) as error:
        raise SessionError(f"spec: the network cannot be built: {error}") from None


def _check_size(spec: dict) -> None:
    points = sample_count(spec) + len(spec["points"])
    if points > LOADABLE_DATA_POINTS:
        raise SessionError(f"spec.data: {points} data points; at most {LOADABLE_DATA_POINTS} "
                           "are allowed")
    widths = ([input_width(spec)] + [layer["neurons"] for layer in spec["hidden"]]
              + [output_width(spec)])
    if max(widths) > LOADABLE_NEURONS:
        raise SessionError(f"spec: a layer of {max(widths)} neurons; at most {LOADABLE_NEURONS} "
                           "are allowed")
    parameters = sum((n_in + 1) * n_out for n_in, n_out in zip(widths, widths[1:], strict=False))
    if parameters > LOADABLE_PARAMETERS:
        raise SessionError(f"spec: {parameters} weights and biases; at most {LOADABLE_PARAMETERS} "
                           "are allowed")
    if points * max(widths) > LOADABLE_ACTIVATIONS:
        raise SessionError(f"spec: {points} points through a layer of {max(widths)} neurons "
                           "is too large a network to load")
    cost = iteration_cost(spec)
    if cost.refused:
        raise SessionError(f"spec: {cost.warning()}")


def _check_stepper(state: Any, template: Trainable, path: str,
                   version: int) -> tuple[int, int]:
    """A Stepper.get_state() of `template`'s network in the file's format; (iteration, lines
    printed)."""
    check_keys(state, path, ("iteration", "position", "losses", "trainable", "start", "edits"))
    operations = template.operations()
    iteration = check_count(state["iteration"], f"{path}.iteration")
    check_count(state["position"], f"{path}.position", high=len(operations) - 1)
    if version >= 2:
        check_history(state["losses"], f"{path}.losses", ("loss",), count=iteration)
    else:
        _check_per_iteration(state["losses"], f"{path}.losses", iteration, "loss")
    check = _check_model_state if isinstance(template, Model) else _check_hand_state
    log_length = check(state["trainable"], template, f"{path}.trainable", iteration, None,
                       version)
    check(state["start"], template, f"{path}.start", iteration, log_length, version)
    edits = as_list(state["edits"], f"{path}.edits")
    if len(edits) > LOADABLE_EDITS:
        raise SessionError(f"{path}.edits: {len(edits)} edits; at most {LOADABLE_EDITS} are "
                           "allowed")
    for index, edit in enumerate(edits):
        _check_edit(edit, template, f"{path}.edits[{index}]", len(operations))
    return iteration, log_length


def _check_per_iteration(values: Any, path: str, iteration: int, what: str) -> None:
    """Format 1's plain list of one value per completed iteration."""
    values = as_list(values, path)
    if len(values) != iteration:
        raise SessionError(f"{path}: expected one {what} per completed iteration "
                           f"({iteration}), got {len(values)}")
    for index, value in enumerate(values):
        check_real(value, f"{path}[{index}]", finite=False)


def _check_log(state: dict, path: str, version: int) -> int:
    """The printed lines kept and log_length, the count of all printed (format 1 kept all);
    returns the count."""
    log = check_lines(state["log"], f"{path}.log")
    if version >= 2:
        if len(log) > PRINTED_LINES:
            raise SessionError(f"{path}.log: {len(log)} lines; at most {PRINTED_LINES} are kept")
        return check_count(state["log_length"], f"{path}.log_length", low=len(log))
    return check_count(state["log_length"], f"{path}.log_length", low=len(log), high=len(log))


def _check_model_state(state: Any, model: Model, path: str, iteration: int,
                       log_length: int | None, version: int) -> int:
    """A Model's get_state() (log_length None) or its state captured at an iteration start
    (at most `log_length` lines printed). Returns the number of printed lines."""
    full = log_length is None
    check_keys(state, path, ("layers", "optimizer", "random", "iteration", "log_length")
               + (("log", "history") if full else ()))
    layers = state["layers"]
    check_keys(layers, f"{path}.layers", tuple(model.dense_names))
    dtype = np.dtype(model.numerics.float_dtype).newbyteorder("<").str
    optimizer = model.spec["optimizer"]["name"]
    for name, layer in zip(model.dense_names, model.dense, strict=True):
        where = f"{path}.layers.{name}"
        saved = layers[name]
        check_keys(saved, where, ("weights", "biases"), optional=CACHES_ALL)
        caches = set(saved) - {"weights", "biases"}
        if caches and caches != set(CACHES[optimizer]):
            raise SessionError(f"{where}: {optimizer} keeps {', '.join(CACHES[optimizer])}, "
                               f"got {', '.join(sorted(caches))}")
        for attribute in ("weights", "biases", *sorted(caches)):
            shape = layer.weights.shape if attribute.startswith("weight") else layer.biases.shape
            dtypes = (dtype,) if attribute in ("weights", "biases") else _FLOAT_DTYPES
            check_array(saved[attribute], f"{where}.{attribute}", shape, dtypes)
    _check_optimizer(state["optimizer"], optimizer, f"{path}.optimizer")
    _check_random(state["random"], f"{path}.random")
    check_same_iteration(state["iteration"], iteration, f"{path}.iteration")
    if not full:
        return check_count(state["log_length"], f"{path}.log_length", high=log_length)
    printed = _check_log(state, path, version)
    history = state["history"]
    if version >= 2:
        check_history(history, f"{path}.history", HISTORY_KEYS, count=iteration)
        return printed
    check_keys(history, f"{path}.history", HISTORY_KEYS)
    for key in HISTORY_KEYS:
        _check_per_iteration(history[key], f"{path}.history.{key}", iteration, "value")
    return printed


def _check_optimizer(state: Any, name: str, path: str) -> None:
    hyperparameters = tuple(HYPERPARAMETERS[name])
    check_keys(state, path, ("iterations", "current_learning_rate", *hyperparameters))
    check_count(state["iterations"], f"{path}.iterations")
    check_real(state["current_learning_rate"], f"{path}.current_learning_rate")
    for key in hyperparameters:
        check_real(state[key], f"{path}.{key}")
    try:
        OPTIMIZERS[name](**{key: state[key] for key in hyperparameters})
    except ValueError as error:
        raise SessionError(f"{path}: {error}") from None


def _check_random(state: Any, path: str) -> None:
    """numpy's MT19937 state: ("MT19937", 624 uint32 keys, pos, has_gauss, cached_gaussian)."""
    items = as_tuple(state, path, 5)
    if items[0] != "MT19937":
        raise SessionError(f"{path}[0]: expected 'MT19937', got {describe(items[0])}")
    check_array(items[1], f"{path}[1]", (624,), ("<u4",))
    check_count(items[2], f"{path}[2]", high=624)
    check_count(items[3], f"{path}[3]", high=1)
    check_real(items[4], f"{path}[4]")


def _check_hand_state(state: Any, example: Trainable, path: str, iteration: int,
                      log_length: int | None, version: int) -> int:
    """A seed example's get_state() (log_length None) or its state captured at an iteration
    start."""
    full = log_length is None
    check_keys(state, path, ("variables", "iteration", "log_length") + (("log",) if full else ()))
    start = example.capture_state()["variables"]
    check_keys(state["variables"], f"{path}.variables", tuple(start))
    for name, value in start.items():
        where = f"{path}.variables.{name}"
        if isinstance(value, np.ndarray):
            check_array(state["variables"][name], where, value.shape, _FLOAT_DTYPES)
        else:
            _hand_scalar(state["variables"][name], where)
    check_same_iteration(state["iteration"], iteration, f"{path}.iteration")
    if not full:
        return check_count(state["log_length"], f"{path}.log_length", high=log_length)
    return _check_log(state, path, version)


def _hand_scalar(value: Any, path: str) -> None:
    """A notebook scalar: a Python float, or a numpy float the notebook's arithmetic made."""
    if isinstance(value, np.generic):
        check_array(value, path, (), _FLOAT_DTYPES)
    elif isinstance(value, dict):
        check_keys(value, path, ("__npscalar__",))
        check_array(value["__npscalar__"], path, (), _FLOAT_DTYPES, wrapped=False)
    else:
        check_real(value, path)


def _check_edit(edit: Any, template: Trainable, path: str, n_operations: int) -> None:
    """[position, "value", (name, index, value)] or [position, "hyper", {name: value}]."""
    items = as_list(edit, path)
    if len(items) != 3:
        raise SessionError(f"{path}: expected [position, kind, change], got {len(items)} items")
    check_count(items[0], f"{path}[0]", high=n_operations - 1)
    kind, payload = items[1], items[2]
    if kind == "value":
        name, index, value = as_tuple(payload, f"{path}[2]", 3)
        parameters = template.parameters()
        if not isinstance(name, str) or name not in parameters:
            raise SessionError(f"{path}[2]: {describe(name)} is not a parameter of this "
                               f"network (expected one of {', '.join(parameters)})")
        shape = parameters[name].shape
        index = as_tuple(index, f"{path}[2][1]", len(shape))
        for axis, (i, n) in enumerate(zip(index, shape, strict=True)):
            check_count(i, f"{path}[2][1][{axis}]", high=n - 1)
        check_real(value, f"{path}[2][2]", integers=True)
    elif kind == "hyper":
        settings = as_dict(payload, f"{path}[2]")
        allowed = (tuple(HYPERPARAMETERS[template.spec["optimizer"]["name"]])
                   if isinstance(template, Model) else ("learning_rate",))
        check_keys(settings, f"{path}[2]", (), optional=allowed)
        for key, value in settings.items():
            check_real(value, f"{path}[2].{key}", integers=True)
    else:
        raise SessionError(f"{path}[1]: expected 'value' or 'hyper', got {describe(kind)}")
