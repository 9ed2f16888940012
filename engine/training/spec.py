"""A model spec: the plain JSON-able description engine.training.model.Model is built from.

Spec (every key but "data" and "hidden" optional; `normalize_spec` fills the defaults):

    {"data": {"kind": "spiral" | "vertical", "samples": 100, "classes": 3}
             or {"kind": "sine", "samples": 1000},
     "hidden": [{"neurons": 64, "activation": "relu" | "sigmoid" | "linear" | "tanh",
                 "weight_l1": 0, "weight_l2": 0, "bias_l1": 0, "bias_l2": 0, "dropout": 0}],
     "output": {"weight_l1": 0, "weight_l2": 0, "bias_l1": 0, "bias_l2": 0},
     "loss": "categorical_crossentropy" | "binary_crossentropy" | "mean_squared_error"
             | "mean_absolute_error",
     "optimizer": {"name": "sgd" | "adagrad" | "rmsprop" | "adam", "learning_rate": ...,
                   "decay": ..., plus momentum (sgd), epsilon, rho (rmsprop), beta_1, beta_2},
     "weight_scale": 0.01, "seed": 0, "numerics": "book" | "native", "print_every": 100,
     "points": [[x, y, class], ...] (classes) or [[x, y], ...] (sine: input x, target y)}

The loss names the output layer's activation too, as the book pairs them (LOSSES): softmax with
categorical cross-entropy (chapter 10, fused), a sigmoid with binary cross-entropy (chapter 16:
one sigmoid for 2 classes, one per class for more), linear with mean squared or absolute error
(chapter 17, regression). Class data takes the first two, regression data (sine) the last two;
the default is the first that fits. "weight_scale" is Layer_Dense's 0.01 * randn, which the
book's chapter 17 draws as 0.1 * randn.

"points" are added to the training data after it is drawn (they draw no random numbers), for
the points a learner places by hand; each coordinate must fit the numerics' float dtype
(float32 for "book"), or the data would hold an infinity.
"""

from __future__ import annotations

import math

import numpy as np

from engine.book.activations import Activation_Linear, Activation_Sigmoid
from engine.book.optimizers import (
    Optimizer_Adagrad,
    Optimizer_Adam,
    Optimizer_RMSprop,
    Optimizer_SGD,
)
from engine.book.tanh import Activation_Tanh
from engine.limits import MIN_CLASSES, SEED_END
from engine.training.fast_layers import FastReLU

# The book's ReLU computes the same numbers as FastReLU, which a model runs thousands of times.
ACTIVATIONS = {"relu": FastReLU, "sigmoid": Activation_Sigmoid,
               "linear": Activation_Linear, "tanh": Activation_Tanh}
OPTIMIZERS = {"sgd": Optimizer_SGD, "adagrad": Optimizer_Adagrad,
              "rmsprop": Optimizer_RMSprop, "adam": Optimizer_Adam}
# Each optimizer's hyperparameters with the book's defaults.
HYPERPARAMETERS = {
    "sgd": {"learning_rate": 1.0, "decay": 0.0, "momentum": 0.0},
    "adagrad": {"learning_rate": 1.0, "decay": 0.0, "epsilon": 1e-7},
    "rmsprop": {"learning_rate": 0.001, "decay": 0.0, "epsilon": 1e-7, "rho": 0.9},
    "adam": {"learning_rate": 0.001, "decay": 0.0, "epsilon": 1e-7, "beta_1": 0.9,
             "beta_2": 0.999},
}
# What each optimizer keeps on a layer between steps.
CACHES = {"sgd": ("weight_momentums", "bias_momentums"),
          "adagrad": ("weight_cache", "bias_cache"),
          "rmsprop": ("weight_cache", "bias_cache"),
          "adam": ("weight_momentums", "bias_momentums", "weight_cache", "bias_cache")}
CACHES_ALL = ("weight_momentums", "bias_momentums", "weight_cache", "bias_cache")
REGULARIZERS = ("weight_l1", "weight_l2", "bias_l1", "bias_l2")
FLOAT_DTYPES = {"book": np.dtype(np.float32), "native": np.dtype(np.float64)}
# Each loss with the output activation the book puts before it.
LOSSES = {"categorical_crossentropy": "softmax", "binary_crossentropy": "sigmoid",
          "mean_squared_error": "linear", "mean_absolute_error": "linear"}
CLASS_DATA = ("spiral", "vertical")  # points of classes in the plane
REGRESSION_DATA = ("sine",)  # one input, one target
DATA_KINDS = CLASS_DATA + REGRESSION_DATA
DEFAULT_SAMPLES = {"spiral": 100, "vertical": 100, "sine": 1000}
DEFAULT_WEIGHT_SCALE = 0.01
_KEYS = {"data", "hidden", "output", "loss", "optimizer", "weight_scale", "seed", "numerics",
         "print_every", "points"}


def is_regression(spec: dict) -> bool:
    """Whether the spec's data is a regression (one input x, one target y) rather than classes."""
    return spec["data"]["kind"] in REGRESSION_DATA


def losses_for(data_kind: str) -> tuple[str, ...]:
    """The losses (with their output activations) that fit a kind of data, the default first."""
    if data_kind in REGRESSION_DATA:
        return ("mean_squared_error", "mean_absolute_error")
    return ("categorical_crossentropy", "binary_crossentropy")


def input_width(spec: dict) -> int:
    """Inputs per sample: 1 for regression data (x), 2 for points in the plane."""
    return 1 if is_regression(spec) else 2


def output_width(spec: dict) -> int:
    """Neurons of the output layer: one per class for softmax, a single sigmoid for two
    classes (chapter 16) or one per class for more, one linear output for regression."""
    if is_regression(spec):
        return 1
    classes = spec["data"]["classes"]
    return 1 if spec["loss"] == "binary_crossentropy" and classes == 2 else classes


def sample_count(spec: dict) -> int:
    """Training samples the data set draws (points added by hand not counted)."""
    data = spec["data"]
    return data["samples"] if is_regression(spec) else data["samples"] * data["classes"]


def normalize_spec(spec: dict) -> dict:
    """A complete copy of `spec` with defaults filled in; ValueError naming any bad entry."""
    if not isinstance(spec, dict):
        raise ValueError(f"a model spec must be a dict, got {type(spec).__name__}")
    unknown = set(spec) - _KEYS
    if unknown:
        raise ValueError(f"unknown spec keys: {', '.join(sorted(unknown))}")
    normalized = {"data": _data(spec.get("data", {}))}
    hidden = spec.get("hidden", [])
    if not isinstance(hidden, list):
        raise ValueError("hidden must be a list of layers")
    normalized["hidden"] = [_hidden_layer(layer, number)
                            for number, layer in enumerate(hidden, start=1)]
    normalized["output"] = _regularizers(spec.get("output", {}), "output layer")
    normalized["loss"] = _loss(spec.get("loss"), normalized["data"]["kind"])
    normalized["optimizer"] = check_optimizer(spec.get("optimizer", {"name": "adam"}))
    seed = spec.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < SEED_END:
        raise ValueError(f"seed must be an integer in 0..{SEED_END - 1}, got {seed!r}")
    normalized["seed"] = seed
    normalized["weight_scale"] = check_real(spec.get("weight_scale", DEFAULT_WEIGHT_SCALE),
                                            "weight_scale", low=0.0, high=1e3)
    numerics = spec.get("numerics", "book")
    if numerics not in FLOAT_DTYPES:
        raise ValueError(f"numerics must be 'book' or 'native', got {numerics!r}")
    normalized["numerics"] = numerics
    normalized["print_every"] = _positive_int(spec.get("print_every", 100), "print_every")
    normalized["points"] = _points(spec.get("points", []), normalized["data"].get("classes"),
                                   FLOAT_DTYPES[numerics])
    return normalized


def _data(data) -> dict:
    if not isinstance(data, dict):
        raise ValueError("data must be a dict")
    kind = data.get("kind", "spiral")
    if kind not in DATA_KINDS:
        raise ValueError(f"data kind must be one of {', '.join(map(repr, DATA_KINDS))}, "
                         f"got {kind!r}")
    normalized = {"kind": kind, "samples": _positive_int(data.get("samples",
                                                                  DEFAULT_SAMPLES[kind]),
                                                         "data samples")}
    if kind in REGRESSION_DATA:
        if "classes" in data:
            raise ValueError(f"{kind} data is a regression: it has no classes")
        return normalized
    normalized["classes"] = _positive_int(data.get("classes", 3), "data classes")
    if normalized["classes"] < MIN_CLASSES:
        raise ValueError(f"a classifier needs at least {MIN_CLASSES} classes")
    return normalized


def _loss(loss, data_kind: str) -> str:
    fitting = losses_for(data_kind)
    if loss is None:
        return fitting[0]
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {', '.join(LOSSES)}, got {loss!r}")
    if loss not in fitting:
        raise ValueError(f"{loss} does not fit {data_kind} data: choose {' or '.join(fitting)}")
    return loss


def check_optimizer(optimizer: dict) -> dict:
    """{"name": ..., hyperparameters...} complete with the book's defaults, as floats;
    ValueError for an unknown name or key, or a value the book's class refuses."""
    name = optimizer.get("name", "adam")
    if name not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZERS)}, got {name!r}")
    defaults = HYPERPARAMETERS[name]
    unknown = set(optimizer) - set(defaults) - {"name"}
    if unknown:
        raise ValueError(f"{name} has no hyperparameter {', '.join(sorted(unknown))}: "
                         f"expected {', '.join(defaults)}")
    # check_real, not float(): "0.05", True and "1_0" are not numbers a learner typed
    values = {key: check_real(optimizer.get(key, default), f"{name} {key}", low=-math.inf)
              for key, default in defaults.items()}
    OPTIMIZERS[name](**values)  # the book class says what is out of range
    return {"name": name, **values}


def check_real(value, name: str, low: float = 0.0, high: float = math.inf,
               high_open: bool = False) -> float:
    """A finite real number in [low, high] (or [low, high)), as a float; bools refused."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a number, got {value!r}")
    value = float(value)
    if not math.isfinite(value) or value < low or value > high or (high_open and value == high):
        bracket = ")" if high_open else "]"
        raise ValueError(f"{name} must be in [{low}, {high}{bracket}, got {value}")
    return value


def describe(spec: dict) -> str:
    """A one-line title, e.g. "spiral 100x3: Dense 2-64 relu, Dense 64-3, adam"; a loss other
    than softmax's is named with its output activation ("Dense 64-1 sigmoid,
    binary_crossentropy")."""
    data = spec["data"]
    sizes = ([input_width(spec)] + [hidden["neurons"] for hidden in spec["hidden"]]
             + [output_width(spec)])
    parts = []
    for number, (n_in, n_out) in enumerate(zip(sizes, sizes[1:], strict=False)):
        if number < len(spec["hidden"]):
            parts.append(f"Dense {n_in}-{n_out} {spec['hidden'][number]['activation']}")
        else:
            parts.append(f"Dense {n_in}-{n_out}")
    loss = spec.get("loss", "categorical_crossentropy")
    if loss != "categorical_crossentropy":
        parts[-1] += f" {LOSSES[loss]}"
        parts.append(loss)
    size = (f"{data['samples']}" if data["kind"] in REGRESSION_DATA
            else f"{data['samples']}x{data['classes']}")
    return f"{data['kind']} {size}: {', '.join(parts)}, {spec['optimizer']['name']}"


def _points(points, classes: int | None, dtype: np.dtype) -> list[list]:
    """Points of classes data ([x, y, class]), or of regression data ([x, y]: classes None)."""
    shape = "[x, y]" if classes is None else "[x, y, class]"
    if not isinstance(points, list):
        raise ValueError(f"points must be a list of {shape}")
    largest = float(np.finfo(dtype).max)
    checked = []
    for number, point in enumerate(points, start=1):
        if not isinstance(point, (list, tuple)) or len(point) != (2 if classes is None else 3):
            raise ValueError(f"point {number} must be {shape}, got {point!r}")
        x = check_real(point[0], f"point {number} x", low=-largest, high=largest)
        y = check_real(point[1], f"point {number} y", low=-largest, high=largest)
        if classes is None:
            checked.append([x, y])
            continue
        label = point[2]
        if isinstance(label, bool) or not isinstance(label, (int, np.integer)) \
                or not 0 <= label < classes:
            raise ValueError(f"point {number} class must be in 0..{classes - 1}, got {label!r}")
        checked.append([x, y, int(label)])
    return checked


def _positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def _regularizers(layer: dict, where: str) -> dict:
    unknown = set(layer) - set(REGULARIZERS)
    if unknown:
        raise ValueError(f"unknown {where} keys: {', '.join(sorted(unknown))}")
    return {key: check_real(layer.get(key, 0.0), f"{where} {key}") for key in REGULARIZERS}


def _hidden_layer(layer, number: int) -> dict:
    where = f"hidden layer {number}"
    if not isinstance(layer, dict):
        raise ValueError(f"{where} must be a dict")
    activation = layer.get("activation", "relu")
    if activation not in ACTIVATIONS:
        raise ValueError(f"{where} activation must be one of {', '.join(ACTIVATIONS)}, "
                         f"got {activation!r}")
    rest = {key: value for key, value in layer.items()
            if key not in ("neurons", "activation", "dropout")}
    return {"neurons": _positive_int(layer.get("neurons", 64), f"{where} neurons"),
            "activation": activation, **_regularizers(rest, where),
            "dropout": check_real(layer.get("dropout", 0.0), f"{where} dropout", high=1.0,
                                  high_open=True)}
