"""Session files: a whole lab (scenario, network, training state, view settings) as versioned JSON.

A learner saves to come back later or to hand a run to someone else, so a file must load back
bit for bit (float32 training is chaotic: one changed bit shows after a few hundred epochs) and
a bad file must never crash the window or half-replace what is open. Files are therefore read
with `json` only (never pickle or eval), capped in size before reading, and checked completely
against the network their own spec describes: every key, type, shape, dtype and range, then a
trial rebuild on a scratch copy. Anything wrong raises SessionError naming what and where; the
caller's session is never touched, because loading builds nothing the caller holds.

Format 1:

    {"app": "backprop-playground", "format": 1,
     "scenario": "spiral", "title": "Spiral (book chapter 10, Adam)",
     "spec": an engine.training.model spec (data, layers, optimizer, numerics, user points),
             or {"numerics": "book" | "native"} for the seed's "neuron" and "layer",
     "stepper": Stepper.get_state() (parameters, optimizer caches, iteration, position inside
                it, random stream, losses, metric history, printed lines, edits),
     "view": any JSON object the window wants back (opaque here)}

Arrays inside "stepper" are engine.files.state encodings: dtype, shape and base64 of the bytes.
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
import math
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from engine.scenarios.seed import LayerOfThree, SingleNeuron
from engine.training.model import Model
from engine.training.model_state import HISTORY_KEYS
from engine.training.spec import CACHES, CACHES_ALL, HYPERPARAMETERS, OPTIMIZERS, normalize_spec
from engine.training.stepper import Stepper, Trainable

APP = "backprop-playground"
FORMAT = 1
MAX_FILE_BYTES = 50 * 2**20  # a chapter-10 run: about 1 MB per 10,000 iterations
HAND_EXAMPLES: dict[str, type] = {"neuron": SingleNeuron, "layer": LayerOfThree}
# What a file may ask the engine to build: far beyond what the window offers (1000 samples per
# class, 6 classes, 4 layers of 256), low enough that building cannot exhaust memory.
MAX_DATA_POINTS = 200_000
MAX_HIDDEN_LAYERS = 32
MAX_NEURONS = 10_000
MAX_PARAMETERS = 4_000_000
MAX_ACTIVATIONS = 20_000_000  # data points x widest layer
MAX_VIEW_DEPTH = 32
MAX_TEXT = 100_000  # characters in one title, scenario name or printed line
_MAX_INT_DIGITS = 30  # a longer integer is no count or seed this app writes
_MAX_COUNT = 2**53  # iterations and positions stay exact as floats
_FLOAT_DTYPES = ("<f4", "<f8")
_KEYS = ("app", "format", "scenario", "title", "spec", "stepper", "view")


class SessionError(ValueError):
    """A session file that cannot be loaded, or a session that cannot be saved, and why."""


@dataclass(frozen=True)
class Session:
    """Everything a saved lab holds, in its JSON form (what the file stores, nothing built)."""

    scenario: str
    title: str
    spec: dict  # engine.training.model spec, or {"numerics": ...} for a hand example
    stepper: dict  # Stepper.get_state()
    view: dict = field(default_factory=dict)

    @classmethod
    def capture(cls, stepper: Stepper, scenario: str | None = None, title: str | None = None,
                view: dict | None = None) -> Session:
        """The session of a running stepper; `scenario` defaults to "neuron"/"layer" for the
        seed examples and "model" for a Model. ValueError if the scenario contradicts the
        trainable (a hand example's name for a Model, or the other hand example's name)."""
        trainable = stepper.trainable
        hand = _hand_name(trainable)
        if hand is not None:
            if scenario not in (None, hand):
                raise ValueError(f"a {type(trainable).__name__} is the {hand!r} scenario, "
                                 f"not {scenario!r}")
            spec = {"numerics": trainable.numerics.name}
        elif isinstance(trainable, Model):
            if scenario in HAND_EXAMPLES:
                raise ValueError(f"{scenario!r} names a seed example, not a Model")
            spec = trainable.starting_spec  # a reset after loading starts where the run started
        else:
            raise ValueError(f"cannot save a {type(trainable).__name__}: expected a Model or "
                             "one of the seed examples")
        # Through JSON once, so a captured session equals the one its file loads back as.
        return cls(scenario or hand or "model", title or trainable.title,
                   _json_copy(spec, "spec"), _json_copy(stepper.get_state(), "stepper"),
                   _json_copy(view or {}, "view"))

    def build_trainable(self) -> Trainable:
        """A fresh trainable at the spec's starting values (not yet at the saved state)."""
        if self.scenario in HAND_EXAMPLES:
            return HAND_EXAMPLES[self.scenario](self.spec["numerics"])
        return Model(self.spec, title=self.title)

    def build_stepper(self) -> Stepper:
        """A Stepper standing exactly where the saved one stood."""
        stepper = Stepper(self.build_trainable())
        stepper.set_state(copy.deepcopy(self.stepper))
        return stepper


def clone_stepper(stepper: Stepper) -> Stepper:
    """An independent Stepper at exactly the same state (its step-back history not kept)."""
    return Session.capture(stepper).build_stepper()


def save_session(path: str | os.PathLike, session: Session) -> None:
    """Write `session` to `path` atomically (a temporary file beside it, then os.replace), so
    a failed save never leaves half a file. SessionError, and nothing written, if the session
    would not load back (a non-finite parameter, a view that is not JSON) or exceeds
    MAX_FILE_BYTES."""
    document = {"app": APP, "format": FORMAT, "scenario": session.scenario,
                "title": session.title, "spec": session.spec, "stepper": session.stepper,
                "view": session.view}
    try:
        text = json.dumps(document, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise SessionError(f"the session cannot be written as JSON: {error}") from None
    data = text.encode("ascii")
    if len(data) > MAX_FILE_BYTES:
        raise SessionError(f"the session is {len(data) / 2**20:.1f} MB, over the "
                           f"{MAX_FILE_BYTES // 2**20} MB limit for session files")
    session_from_document(_parse(data))  # refuse to write what would not load back
    path = Path(path)
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def load_session(path: str | os.PathLike) -> Session:
    """The session saved in `path`; SessionError saying what is wrong and where otherwise."""
    return session_from_document(_parse(_read(Path(path))))


# -- reading --------------------------------------------------------------------------------------


def _read(path: Path) -> bytes:
    """The file's bytes; its size is checked before anything is read."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise SessionError(f"{path.name} is {size / 2**20:.1f} MB; session files are "
                               f"limited to {MAX_FILE_BYTES // 2**20} MB")
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise SessionError(f"cannot read {path.name}: {error.strerror or error}") from None
    if len(data) > MAX_FILE_BYTES:
        raise SessionError(f"{path.name} grew past {MAX_FILE_BYTES // 2**20} MB while being read")
    return data


def _parse(data: bytes) -> Any:
    """JSON with no NaN or infinity, no huge numbers and no repeated keys."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SessionError(f"not a session file: byte {error.start} is not UTF-8 text "
                           "(a binary or damaged file?)") from None
    try:
        return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float,
                          parse_int=_bounded_int, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as error:
        ending = "; the file ends early (truncated?)" if error.pos >= len(text.rstrip()) else ""
        raise SessionError(f"not valid JSON at line {error.lineno}, column {error.colno}: "
                           f"{error.msg}{ending}") from None
    except RecursionError:
        raise SessionError("the file nests lists or objects too deeply to be a session") from None


def _refuse_constant(name: str):
    raise SessionError(f"the file contains {name}; session files hold finite numbers only")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise SessionError(f"the number {_show(text)} is too large for a float")
    return value


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > _MAX_INT_DIGITS:
        raise SessionError(f"the integer {_show(text)} has {len(text.lstrip('-'))} digits; "
                           "no count in a session is that large")
    return int(text)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict:
    result = {}
    for key, value in pairs:
        if key in result:
            raise SessionError(f"the key {_show(key)} appears twice in one object")
        result[key] = value
    return result


def _show(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _json_copy(value: Any, where: str) -> Any:
    try:
        return json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError) as error:
        raise ValueError(f"{where} cannot be saved as JSON: {error}") from None


# -- checking -------------------------------------------------------------------------------------


def session_from_document(document: Any) -> Session:
    """The Session a parsed file describes, after checking all of it and rebuilding it once on
    a scratch trainable; SessionError naming the first problem found."""
    if not isinstance(document, dict):
        raise SessionError(f"not a session file: the top level is a JSON {_kind(document)}, "
                           "not an object")
    app = document.get("app")
    if app != APP:
        raise SessionError("not a Backprop Playground session (app is "
                           f"{_show(str(app)) if 'app' in document else 'missing'})")
    version = document.get("format")
    if isinstance(version, bool) or not isinstance(version, int):
        raise SessionError(f"format: expected a whole number, got {_describe(version)}")
    if version > FORMAT:
        raise SessionError(f"the file has format {version}, written by a newer version of the "
                           f"app; this version reads format {FORMAT}")
    if version < 1:
        raise SessionError(f"format: {version} is not a session format")
    _keys(document, "", _KEYS)
    scenario = _text(document["scenario"], "scenario", non_empty=True)
    title = _text(document["title"], "title")
    _json_tree(document["view"], "view")
    if not isinstance(document["view"], dict):
        raise SessionError(f"view: expected an object, got {_describe(document['view'])}")
    spec, template = _spec_and_template(scenario, document["spec"])
    _check_stepper(document["stepper"], template, "stepper")
    session = Session(scenario, title, spec, document["stepper"], document["view"])
    _trial_rebuild(session, template)
    return session


def _trial_rebuild(session: Session, scratch: Trainable) -> None:
    """Replay the saved position on the scratch trainable: the last check, for what only running
    the network can show (a saved edit it cannot compute with, say)."""
    try:
        with np.errstate(all="ignore"):
            Stepper(scratch).set_state(copy.deepcopy(session.stepper))
    except (ValueError, ArithmeticError, TypeError, KeyError, IndexError) as error:
        raise SessionError(f"stepper: the saved training state cannot be restored: "
                           f"{error}") from None


def _spec_and_template(scenario: str, spec: Any) -> tuple[dict, Trainable]:
    """The checked spec and a scratch trainable built from it, the template the saved state is
    checked against (shapes, dtypes, operations, parameter names)."""
    if scenario in HAND_EXAMPLES:
        _keys(spec, "spec", ("numerics",))
        if spec["numerics"] not in ("book", "native"):
            raise SessionError(f"spec.numerics: expected 'book' or 'native', got "
                               f"{_describe(spec['numerics'])}")
        return dict(spec), HAND_EXAMPLES[scenario](spec["numerics"])
    if not isinstance(spec, dict):
        raise SessionError(f"spec: expected an object, got {_describe(spec)}")
    for key, kind in (("data", dict), ("hidden", list), ("output", dict), ("optimizer", dict),
                      ("points", list)):
        if key in spec and not isinstance(spec[key], kind):
            raise SessionError(f"spec.{key}: expected {'an object' if kind is dict else 'a list'}"
                               f", got {_describe(spec[key])}")
    for number, layer in enumerate(spec.get("hidden", []), start=1):
        if not isinstance(layer, dict):
            raise SessionError(f"spec.hidden[{number - 1}]: expected an object, got "
                               f"{_describe(layer)}")
    if len(spec.get("hidden", [])) > MAX_HIDDEN_LAYERS:
        raise SessionError(f"spec.hidden: {len(spec['hidden'])} layers; at most "
                           f"{MAX_HIDDEN_LAYERS} are allowed")
    if len(spec.get("points", [])) > MAX_DATA_POINTS:
        raise SessionError(f"spec.points: more than {MAX_DATA_POINTS} points")
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
    data = spec["data"]
    points = data["samples"] * data["classes"] + len(spec["points"])
    if points > MAX_DATA_POINTS:
        raise SessionError(f"spec.data: {points} data points; at most {MAX_DATA_POINTS} "
                           "are allowed")
    widths = [2] + [layer["neurons"] for layer in spec["hidden"]] + [data["classes"]]
    if max(widths) > MAX_NEURONS:
        raise SessionError(f"spec: a layer of {max(widths)} neurons; at most {MAX_NEURONS} "
                           "are allowed")
    parameters = sum((n_in + 1) * n_out for n_in, n_out in zip(widths, widths[1:], strict=False))
    if parameters > MAX_PARAMETERS:
        raise SessionError(f"spec: {parameters} weights and biases; at most {MAX_PARAMETERS} "
                           "are allowed")
    if points * max(widths) > MAX_ACTIVATIONS:
        raise SessionError(f"spec: {points} points through a layer of {max(widths)} neurons "
                           "is too large a network to load")


def _check_stepper(state: Any, template: Trainable, path: str) -> None:
    _keys(state, path, ("iteration", "position", "losses", "trainable", "start", "edits"))
    operations = template.operations()
    iteration = _count(state["iteration"], f"{path}.iteration")
    _count(state["position"], f"{path}.position", high=len(operations) - 1)
    losses = _list(state["losses"], f"{path}.losses")
    for index, loss in enumerate(losses):
        _real(loss, f"{path}.losses[{index}]", finite=False)
    if len(losses) != iteration:
        raise SessionError(f"{path}.losses: expected one loss per completed iteration "
                           f"({iteration}), got {len(losses)}")
    check = _check_model_state if isinstance(template, Model) else _check_hand_state
    log_length = check(state["trainable"], template, f"{path}.trainable", iteration, None)
    check(state["start"], template, f"{path}.start", iteration, log_length)
    for index, edit in enumerate(_list(state["edits"], f"{path}.edits")):
        _check_edit(edit, template, f"{path}.edits[{index}]", len(operations))


def _check_model_state(state: Any, model: Model, path: str, iteration: int,
                       log_length: int | None) -> int:
    """A Model's get_state() (log_length None) or its snapshot at the iteration start (at most
    `log_length` lines printed). Returns the number of printed lines."""
    full = log_length is None
    _keys(state, path, ("layers", "optimizer", "random", "iteration", "log_length")
          + (("log", "history") if full else ()))
    layers = state["layers"]
    _keys(layers, f"{path}.layers", tuple(model.dense_names))
    dtype = np.dtype(model.numerics.float_dtype).newbyteorder("<").str
    optimizer = model.spec["optimizer"]["name"]
    for name, layer in zip(model.dense_names, model.dense, strict=True):
        where = f"{path}.layers.{name}"
        saved = layers[name]
        _keys(saved, where, ("weights", "biases"), optional=CACHES_ALL)
        caches = set(saved) - {"weights", "biases"}
        if caches and caches != set(CACHES[optimizer]):
            raise SessionError(f"{where}: {optimizer} keeps {', '.join(CACHES[optimizer])}, "
                               f"got {', '.join(sorted(caches))}")
        for attribute in ("weights", "biases", *sorted(caches)):
            shape = layer.weights.shape if attribute.startswith("weight") else layer.biases.shape
            dtypes = (dtype,) if attribute in ("weights", "biases") else _FLOAT_DTYPES
            _array(saved[attribute], f"{where}.{attribute}", shape, dtypes)
    _check_optimizer(state["optimizer"], optimizer, f"{path}.optimizer")
    _check_random(state["random"], f"{path}.random")
    _same_iteration(state["iteration"], iteration, f"{path}.iteration")
    if not full:
        _count(state["log_length"], f"{path}.log_length", high=log_length)
        return log_length
    log = _lines(state["log"], f"{path}.log")
    _count(state["log_length"], f"{path}.log_length", low=len(log), high=len(log))
    history = state["history"]
    _keys(history, f"{path}.history", HISTORY_KEYS)
    for key in HISTORY_KEYS:
        values = _list(history[key], f"{path}.history.{key}")
        if len(values) != iteration:
            raise SessionError(f"{path}.history.{key}: expected one value per completed "
                               f"iteration ({iteration}), got {len(values)}")
        for index, value in enumerate(values):
            _real(value, f"{path}.history.{key}[{index}]", finite=False)
    return len(log)


def _check_optimizer(state: Any, name: str, path: str) -> None:
    hyperparameters = tuple(HYPERPARAMETERS[name])
    _keys(state, path, ("iterations", "current_learning_rate", *hyperparameters))
    _count(state["iterations"], f"{path}.iterations")
    _real(state["current_learning_rate"], f"{path}.current_learning_rate")
    for key in hyperparameters:
        _real(state[key], f"{path}.{key}")
    try:
        OPTIMIZERS[name](**{key: state[key] for key in hyperparameters})
    except ValueError as error:
        raise SessionError(f"{path}: {error}") from None


def _check_random(state: Any, path: str) -> None:
    """numpy's MT19937 state: ("MT19937", 624 uint32 keys, pos, has_gauss, cached_gaussian)."""
    items = _tuple(state, path, 5)
    if items[0] != "MT19937":
        raise SessionError(f"{path}[0]: expected 'MT19937', got {_describe(items[0])}")
    _array(items[1], f"{path}[1]", (624,), ("<u4",))
    _count(items[2], f"{path}[2]", high=624)
    _count(items[3], f"{path}[3]", high=1)
    _real(items[4], f"{path}[4]")


def _check_hand_state(state: Any, example: Trainable, path: str, iteration: int,
                      log_length: int | None) -> int:
    """A seed example's get_state() (log_length None) or its iteration-start snapshot."""
    full = log_length is None
    _keys(state, path, ("variables", "iteration", "log_length") + (("log",) if full else ()))
    start = example.capture_state()["variables"]
    _keys(state["variables"], f"{path}.variables", tuple(start))
    for name, value in start.items():
        where = f"{path}.variables.{name}"
        if isinstance(value, np.ndarray):
            _array(state["variables"][name], where, value.shape, _FLOAT_DTYPES)
        else:
            _hand_scalar(state["variables"][name], where)
    _same_iteration(state["iteration"], iteration, f"{path}.iteration")
    if not full:
        _count(state["log_length"], f"{path}.log_length", high=log_length)
        return log_length
    log = _lines(state["log"], f"{path}.log")
    _count(state["log_length"], f"{path}.log_length", low=len(log), high=len(log))
    return len(log)


def _hand_scalar(value: Any, path: str) -> None:
    """A notebook scalar: a Python float, or a numpy float the notebook's arithmetic made."""
    if isinstance(value, dict):
        _keys(value, path, ("__npscalar__",))
        _array(value["__npscalar__"], path, (), _FLOAT_DTYPES, wrapped=False)
    else:
        _real(value, path)


def _check_edit(edit: Any, template: Trainable, path: str, n_operations: int) -> None:
    """[position, "value", (name, index, value)] or [position, "hyper", {name: value}]."""
    items = _list(edit, path)
    if len(items) != 3:
        raise SessionError(f"{path}: expected [position, kind, change], got {len(items)} items")
    _count(items[0], f"{path}[0]", high=n_operations - 1)
    kind, payload = items[1], items[2]
    if kind == "value":
        name, index, value = _tuple(payload, f"{path}[2]", 3)
        parameters = template.parameters()
        if not isinstance(name, str) or name not in parameters:
            raise SessionError(f"{path}[2]: {_describe(name)} is not a parameter of this "
                               f"network (expected one of {', '.join(parameters)})")
        shape = parameters[name].shape
        index = _tuple(index, f"{path}[2][1]", len(shape))
        for axis, (i, n) in enumerate(zip(index, shape, strict=True)):
            _count(i, f"{path}[2][1][{axis}]", high=n - 1)
        _real(value, f"{path}[2][2]", integers=True)
    elif kind == "hyper":
        settings = _dict(payload, f"{path}[2]")
        allowed = (tuple(HYPERPARAMETERS[template.spec["optimizer"]["name"]])
                   if isinstance(template, Model) else ("learning_rate",))
        _keys(settings, f"{path}[2]", (), optional=allowed)
        for key, value in settings.items():
            _real(value, f"{path}[2].{key}", integers=True)
    else:
        raise SessionError(f"{path}[1]: expected 'value' or 'hyper', got {_describe(kind)}")


# -- small checks ---------------------------------------------------------------------------------


def _keys(value: Any, path: str, required: tuple[str, ...], optional: tuple[str, ...] = ()):
    """An object with exactly the required keys, plus any of the optional ones."""
    value = _dict(value, path or "the file")
    missing = [key for key in required if key not in value]
    if missing:
        raise SessionError(f"{path or 'the file'}: missing {', '.join(map(repr, missing))}")
    unknown = sorted(set(value) - set(required) - set(optional))
    if unknown:
        raise SessionError(f"{path or 'the file'}: unexpected "
                           f"{', '.join(_show(key) for key in unknown[:5])}")


def _dict(value: Any, path: str) -> dict:
    if not isinstance(value, dict):
        raise SessionError(f"{path}: expected an object, got {_describe(value)}")
    return value


def _list(value: Any, path: str) -> list:
    if not isinstance(value, list):
        raise SessionError(f"{path}: expected a list, got {_describe(value)}")
    return value


def _tuple(value: Any, path: str, length: int) -> list:
    """engine.files.state's encoding of a tuple: {"__tuple__": [items]}."""
    if not isinstance(value, dict) or set(value) != {"__tuple__"}:
        raise SessionError(f"{path}: expected {{'__tuple__': [...]}}, got {_describe(value)}")
    items = _list(value["__tuple__"], path)
    if len(items) != length:
        raise SessionError(f"{path}: expected {length} items, got {len(items)}")
    return items


def _text(value: Any, path: str, non_empty: bool = False) -> str:
    if not isinstance(value, str):
        raise SessionError(f"{path}: expected text, got {_describe(value)}")
    if len(value) > MAX_TEXT or (non_empty and not value):
        raise SessionError(f"{path}: expected 1 to {MAX_TEXT} characters, got {len(value)}")
    return value


def _lines(value: Any, path: str) -> list[str]:
    lines = _list(value, path)
    for index, line in enumerate(lines):
        _text(line, f"{path}[{index}]")
    return lines


def _count(value: Any, path: str, low: int = 0, high: int = _MAX_COUNT) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SessionError(f"{path}: expected a whole number, got {_describe(value)}")
    if not low <= value <= high:
        raise SessionError(f"{path}: expected {low}..{high}, got {value}")
    return value


def _same_iteration(value: Any, iteration: int, path: str) -> None:
    if _count(value, path) != iteration:
        raise SessionError(f"{path}: {value} disagrees with stepper.iteration ({iteration})")


def _real(value: Any, path: str, finite: bool = True, integers: bool = False) -> float:
    """A JSON float (an integer too where `integers`), or engine.files.state's encoding of a
    non-finite Python float where not `finite`."""
    if isinstance(value, dict) and not finite:
        _keys(value, path, ("__float__",))
        if value["__float__"] not in ("nan", "inf", "-inf"):
            raise SessionError(f"{path}: expected 'nan', 'inf' or '-inf', got "
                               f"{_describe(value['__float__'])}")
        return float(value["__float__"])
    kinds = (int, float) if integers else (float,)
    if isinstance(value, bool) or not isinstance(value, kinds):
        wanted = "a number" if integers else "a real number such as 1.0"
        raise SessionError(f"{path}: expected {wanted}, got {_describe(value)}")
    return float(value)


def _array(value: Any, path: str, shape: tuple[int, ...], dtypes: tuple[str, ...],
           wrapped: bool = True) -> None:
    """engine.files.state's encoding of an array ({"__ndarray__": {dtype, shape, data}}, or the
    inner
    object when not `wrapped`) with this shape, one of these dtypes, all finite."""
    if wrapped:
        if not isinstance(value, dict) or set(value) != {"__ndarray__"}:
            raise SessionError(f"{path}: expected an array {{'__ndarray__': ...}}, got "
                               f"{_describe(value)}")
        value = value["__ndarray__"]
    _keys(value, path, ("dtype", "shape", "data"))
    if value["dtype"] not in dtypes:
        raise SessionError(f"{path}: expected dtype {' or '.join(dtypes)}, got "
                           f"{_describe(value['dtype'])}")
    saved_shape = _list(value["shape"], f"{path}.shape")
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in saved_shape) \
            or tuple(saved_shape) != tuple(shape):
        raise SessionError(f"{path}: expected shape {tuple(shape)}, got "
                           f"{_shape_text(saved_shape)}")
    data = value["data"]
    if not isinstance(data, str):
        raise SessionError(f"{path}.data: expected base64 text, got {_describe(data)}")
    dtype = np.dtype(value["dtype"])
    expected = math.prod(shape) * dtype.itemsize
    if len(data) != 4 * math.ceil(expected / 3):
        raise SessionError(f"{path}.data: expected {expected} bytes in base64, got "
                           f"{len(data)} characters")
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise SessionError(f"{path}.data: not valid base64") from None
    if len(raw) != expected:
        raise SessionError(f"{path}.data: expected {expected} bytes, got {len(raw)}")
    if dtype.kind == "f" and not np.isfinite(np.frombuffer(raw, dtype=dtype)).all():
        raise SessionError(f"{path}: contains NaN or infinite values")


def _shape_text(shape: list) -> str:
    if all(isinstance(n, int) for n in shape):
        return str(tuple(shape))
    return _describe(shape)


def _json_tree(value: Any, path: str) -> None:
    """Plain JSON (what `json` parsed is) no deeper than MAX_VIEW_DEPTH, checked without
    recursion so a deep tree cannot exhaust the stack."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if depth > MAX_VIEW_DEPTH:
            raise SessionError(f"{path}: nested more than {MAX_VIEW_DEPTH} levels deep")
        if isinstance(item, dict):
            pending.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            pending.extend((child, depth + 1) for child in item)


def _kind(value: Any) -> str:
    return {dict: "object", list: "list", str: "string", bool: "boolean", int: "number",
            float: "number", type(None): "null"}.get(type(value), type(value).__name__)


def _describe(value: Any) -> str:
    """A short phrase for a bad value: its JSON kind, and the value if it is short."""
    if isinstance(value, (dict, list)):
        return f"a {_kind(value)} of {len(value)} items"
    if value is None:
        return "null"
    text = repr(value)
    return f"{_kind(value)} {text if len(text) <= 40 else text[:37] + '...'}"


def _hand_name(trainable: Trainable) -> str | None:
    for name, example in HAND_EXAMPLES.items():
        if type(trainable) is example:
            return name
    return None


__all__ = ["APP", "FORMAT", "MAX_FILE_BYTES", "Session", "SessionError", "clone_stepper",
           "load_session", "save_session", "session_from_document"]
