"""What the optimizer keeps for one weight, over time: why two runs' steps differ.

After each sampled iteration it reads the watched weight, its gradient, the learning rate in
effect and the optimizer's state for that weight as the book's classes left them (SGD's
momentum, Adagrad's and RMSprop's cache, Adam's first and second moments), and computes the
step the update applied from them with the optimizer's own formula, in the arrays' dtype, so
value before + step is exactly the value after. Adam's bias-corrected moments are computed
the same way. Samples are bounded in number (engine/training/series.py).
"""

from __future__ import annotations

import math

import numpy as np

from engine.files import state as state_codec
from engine.training.coordinates import Coordinate, check_coordinate
from engine.training.model import Model
from engine.training.series import DecimatedSeries

INTERNALS_CAPACITY = 512  # samples a record keeps (engine/training/series.py)
COLUMNS = ("value", "gradient", "learning_rate", "momentum", "cache", "momentum_corrected",
           "cache_corrected", "step")
# The columns each optimizer has, with what the book calls them.
LABELS = {
    "sgd": {"momentum": "momentum v (momentum * v - lr * dw)"},
    "adagrad": {"cache": "cache (sum of dw**2)"},
    "rmsprop": {"cache": "cache (rho * cache + (1 - rho) * dw**2)"},
    "adam": {"momentum": "first moment m", "cache": "second moment v",
             "momentum_corrected": "m corrected (m / (1 - beta_1**t))",
             "cache_corrected": "v corrected (v / (1 - beta_2**t))"},
}
_ALWAYS = {"value": "value", "gradient": "gradient dw", "learning_rate": "learning rate",
           "step": "step (the update applied)"}


class OptimizerInternals:
    """One weight of a Model and its optimizer's state, sampled after iterations.

    coordinate: e.g. ("dense1.weights", (0, 3)) or ("dense2.biases", (0, 1)).
    """

    def __init__(self, model: Model, name: str, index: tuple[int, ...],
                 capacity: int = INTERNALS_CAPACITY):
        self.coordinate: Coordinate = check_coordinate(model, name, index)
        layer, _, attribute = self.coordinate.name.partition(".")
        kind = "weight" if attribute == "weights" else "bias"
        self._names = {"value": self.coordinate.name, "gradient": f"{layer}.d{attribute}",
                       "momentum": f"{layer}.{kind}_momentums",
                       "cache": f"{layer}.{kind}_cache"}
        self.series = DecimatedSeries(len(COLUMNS), capacity)

    def labels(self, model: Model) -> dict[str, str]:
        """{column: label} of the columns that mean something for the model's optimizer now
        (SGD without momentum has no momentum)."""
        optimizer = model.spec["optimizer"]
        own = dict(LABELS[optimizer["name"]])
        if optimizer["name"] == "sgd" and not optimizer["momentum"]:
            own.clear()
        return {column: own.get(column, _ALWAYS.get(column)) for column in COLUMNS
                if column in own or column in _ALWAYS}

    def next_due(self) -> int | None:
        """The first iteration whose sample would be kept (None: the next one)."""
        return self.series.next_due()

    def record(self, model: Model) -> bool:
        """Sample the model as it stands after model.iteration iterations, if due."""
        return self.series.record(model.iteration, self.sample(model))

    def sample(self, model: Model) -> np.ndarray:
        """(len(COLUMNS),) float64: the columns now; NaN where the optimizer keeps nothing
        (yet: before the first update there is no gradient or cache)."""
        read = {column: self._element(model, name) for column, name in self._names.items()}
        learning_rate = float(model.value("optimizer.current_learning_rate"))
        derived = _derived(model.spec["optimizer"], int(model.value("optimizer.iterations")),
                           learning_rate, read)
        row = {**{column: _as_float(value) for column, value in read.items()},
               "learning_rate": learning_rate, **derived}
        return np.array([row.get(column, math.nan) for column in COLUMNS], dtype=np.float64)

    def _element(self, model: Model, name: str) -> np.ndarray | None:
        """The watched element of value `name` as a one-element array of its dtype."""
        try:
            array = model.value(name)
        except KeyError:
            return None
        return np.array([array[self.coordinate.index]], dtype=array.dtype)

    def columns(self) -> dict[str, np.ndarray]:
        """{"iteration": (n,), column: (n,) for each of COLUMNS}, oldest first."""
        rows = self.series.rows()
        return {"iteration": self.series.iterations(),
                **{column: rows[:, number] for number, column in enumerate(COLUMNS)}}

    def get_state(self) -> dict:
        """JSON-able and exact."""
        return {"coordinate": [self.coordinate.name, list(self.coordinate.index)],
                "series": self.series.get_state()}

    @classmethod
    def from_state(cls, model: Model, state: dict) -> OptimizerInternals:
        """The recorder get_state() described, watching the same weight of `model`."""
        name, index = state_codec.decode(state["coordinate"])
        internals = cls(model, name, tuple(index))
        series = DecimatedSeries.from_state(state["series"])
        if series.rows().shape[1:] != (len(COLUMNS),):
            raise ValueError("a saved optimizer record has the wrong number of columns")
        internals.series = series
        return internals


def _derived(optimizer: dict, t: int, learning_rate: float,
             read: dict[str, np.ndarray | None]) -> dict[str, float]:
    """The step (and Adam's corrected moments) as the optimizer's update_array computed them
    in the iteration that made the optimizer's count `t`, from what it left behind."""
    gradient, momentum, cache = read["gradient"], read["momentum"], read["cache"]
    name = optimizer["name"]
    if gradient is None:
        return {}
    if name == "sgd":
        if optimizer["momentum"]:
            return {} if momentum is None else {"step": _as_float(momentum)}
        return {"step": _as_float(-learning_rate * gradient)}
    if cache is None:
        return {}
    if name in ("adagrad", "rmsprop"):
        step = -learning_rate * gradient / (np.sqrt(cache) + optimizer["epsilon"])
        return {"step": _as_float(step)}
    momentum_corrected = momentum / (1 - optimizer["beta_1"] ** t)
    cache_corrected = cache / (1 - optimizer["beta_2"] ** t)
    step = -learning_rate * momentum_corrected / (np.sqrt(cache_corrected) + optimizer["epsilon"])
    return {"momentum_corrected": _as_float(momentum_corrected),
            "cache_corrected": _as_float(cache_corrected), "step": _as_float(step)}


def _as_float(value: np.ndarray | None) -> float:
    return math.nan if value is None else float(value[0])
