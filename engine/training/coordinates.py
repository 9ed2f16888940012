"""One trained number of a network, picked by name and index, and all of them laid end to end.

A landscape's axes, an optimizer race's two parameters and a watched weight are each one
element of a parameter the training updates: ("weights", (0,)) of the seed's neuron,
("dense1.weights", (0, 3)) of a Model. Choosing one is checked against the trainable itself,
so a mistake (a name it lacks, an index outside, the same parameter twice, a value training
never changes, such as the inputs) gets a ValueError naming it. Which parameters are trained
is read from the operations: those an "update" operation writes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np

from engine.training.series import DecimatedSeries
from engine.training.stepper import Stepper, Trainable

TRAJECTORY_CAPACITY = 256  # samples a run's path keeps (engine/training/series.py)


class Coordinate(NamedTuple):
    """parameters()[name][index]: one number of one parameter; index () for a scalar."""

    name: str
    index: tuple[int, ...]

    @property
    def label(self) -> str:
        """e.g. "weights[0]", "bias", "dense1.weights[0, 3]"."""
        if not self.index:
            return self.name
        return f"{self.name}[{', '.join(str(i) for i in self.index)}]"


def trained_names(trainable: Trainable) -> list[str]:
    """The parameters the training changes (an "update" operation writes them), in the order
    of trainable.parameters()."""
    written = {name for operation in trainable.operations() if operation.phase == "update"
               for name in operation.writes}
    return [name for name in trainable.parameters() if name in written]


def check_coordinate(trainable: Trainable, name: str, index: Sequence[int] | int = ()) \
        -> Coordinate:
    """The Coordinate (name, index) of `trainable`; ValueError naming what is wrong with it."""
    trained = trained_names(trainable)
    choices = ", ".join(trained)
    if name not in trained:
        if name in trainable.parameters():
            raise ValueError(f"{name!r} is fixed, not trained: training changes only "
                             f"{choices}")
        if any(name in operation.writes for operation in trainable.operations()):
            raise ValueError(f"{name!r} is not a trainable parameter of {trainable.title} "
                             f"(the training computes it): choose one of {choices}")
        raise ValueError(f"{trainable.title} has no parameter {name!r}: choose one of "
                         f"{choices}")
    shape = np.shape(trainable.parameters()[name])
    index = (index,) if isinstance(index, (int, np.integer)) else index
    try:
        index = tuple(int(i) for i in index)
    except (TypeError, ValueError):
        raise ValueError(f"index for {name} must be a tuple of integers, got {index!r}") from None
    if len(index) != len(shape) or any(not 0 <= i < n for i, n in zip(index, shape, strict=True)):
        raise ValueError(f"index {index} is outside {name}, whose shape is {shape}")
    return Coordinate(name, index)


def check_pair(trainable: Trainable, first: Sequence, second: Sequence) \
        -> tuple[Coordinate, Coordinate]:
    """Two different coordinates of `trainable`, each given as (name, index)."""
    pair = (check_coordinate(trainable, *first), check_coordinate(trainable, *second))
    if pair[0] == pair[1]:
        raise ValueError(f"both axes are {pair[0].label}: choose two different parameters")
    return pair


class ParameterLayout:
    """Where each parameter sits when all of trainable.parameters() are laid end to end, each
    in C order: the vectors that paths and directions are made of."""

    def __init__(self, parameters: Mapping[str, np.ndarray]):
        self.shapes = {name: np.shape(value) for name, value in parameters.items()}
        self.offsets: dict[str, int] = {}
        size = 0
        for name, shape in self.shapes.items():
            self.offsets[name] = size
            size += int(np.prod(shape, dtype=np.int64))
        self.size = size

    def flatten(self, parameters: Mapping[str, np.ndarray], dtype=None) -> np.ndarray:
        """(size,): every parameter's values in order, in their common dtype (or `dtype`)."""
        if set(parameters) != set(self.shapes):
            raise ValueError(f"expected the parameters {', '.join(self.shapes)}, got "
                             f"{', '.join(parameters)}")
        if not self.shapes:
            return np.empty(0, dtype)
        vector = np.concatenate([np.ravel(parameters[name]) for name in self.shapes])
        return vector if dtype is None else vector.astype(dtype, copy=False)

    def unflatten(self, vector: np.ndarray) -> dict[str, np.ndarray]:
        """The parameters a flatten() vector holds: {name: array of its shape}, views."""
        return {name: vector[start:start + int(np.prod(shape, dtype=np.int64))].reshape(shape)
                for (name, shape), start in zip(self.shapes.items(), self.offsets.values(),
                                                strict=True)}

    def position(self, coordinate: Coordinate) -> int:
        """The coordinate's place in a flatten() vector."""
        shape = self.shapes[coordinate.name]
        inner = int(np.ravel_multi_index(coordinate.index, shape)) if shape else 0
        return self.offsets[coordinate.name] + inner


class TrajectoryRecorder:
    """A run's parameters at iteration starts as it trains: the path a landscape draws.

    At most `capacity` samples, evenly spaced over the whole run (DecimatedSeries), plus the
    newest state recorded, so a path always ends where the run stands.
    """

    def __init__(self, trainable: Trainable, capacity: int = TRAJECTORY_CAPACITY):
        parameters = trainable.parameters()
        self.layout = ParameterLayout(parameters)
        self._dtype = self.layout.flatten(parameters).dtype
        self.series = DecimatedSeries(self.layout.size, capacity, self._dtype)
        self._newest: tuple[int, np.ndarray] | None = None

    def record(self, stepper: Stepper) -> None:
        """The stepper's parameters, if it stands at an iteration start (inside an iteration
        some parameters may be updated and others not yet)."""
        if stepper.position != 0:
            return
        vector = self.layout.flatten(stepper.trainable.parameters(), self._dtype)
        if self.series.record(stepper.iteration, vector):
            self._newest = None
        else:
            self._newest = (stepper.iteration, vector)

    def iterations(self) -> np.ndarray:
        """(n,): the iteration each point of vectors() was taken at, oldest first."""
        iterations = self.series.iterations()
        if self._newest is None:
            return iterations
        return np.append(iterations, self._newest[0])

    def vectors(self) -> np.ndarray:
        """(n, layout.size): the parameters laid end to end, oldest first, the newest last."""
        rows = self.series.rows()
        if self._newest is None:
            return rows
        return np.concatenate([rows, self._newest[1][np.newaxis]])

    def get_state(self) -> dict:
        """JSON-able and exact, for a saved comparison (the newest state is the run's own)."""
        return self.series.get_state()

    def set_state(self, state: dict) -> None:
        """Continue from a get_state() result; ValueError if it does not fit the layout."""
        series = DecimatedSeries.from_state(state)
        if series.rows().shape[1:] != (self.layout.size,):
            raise ValueError(f"a saved path of {series.rows().shape[1:]} values does not fit "
                             f"parameters of {self.layout.size}")
        self.series = series
        self._newest = None
