"""The loss over a grid of two coordinates, with where training stands and where it has been.

Three kinds of grid, each a LandscapeJob that computes a bounded number of grid points per
call, so the window can run it in slices or on a worker thread, show progress and cancel it:

- hand_landscape: a seed example's loss over two of its trained parameters, the others fixed
  at their current values;
- weights_landscape: a classifier's loss over two of its weights or biases;
- plane_landscape: a classifier's loss over the plane through its current weights spanned by
  two filter-normalized random directions, or by its path's own two principal directions
  (engine/training/directions.py).

Every value is the engine's own loss for those parameters: the seed example's loss_with, or a
Model's forward pass through copies of its layers (engine/training/probes.py) in its numerics,
with its dropout masks and regularizers, as Model.loss_with computes it. A job copies what it
needs when it is made, so the run may train on while the job computes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from engine.scenarios.seed import LayerOfThree, SingleNeuron
from engine.training.coordinates import (
    Coordinate,
    ParameterLayout,
    TrajectoryRecorder,
    check_pair,
)
from engine.training.directions import (
    filter_normalized_direction,
    project,
    trajectory_directions,
)
from engine.training.fastpath import trusted
from engine.training.model import Model
from engine.training.probes import Probes, or_nan
from engine.training.stepper import Trainable

RESOLUTION = 41  # grid points along each axis unless asked otherwise
HAND_EXAMPLES = (SingleNeuron, LayerOfThree)
# A path: what a TrajectoryRecorder recorded, or parameter dicts as parameters() returns them.
Path = TrajectoryRecorder | Sequence[Mapping[str, np.ndarray]]


@dataclass(frozen=True)
class Landscape:
    """losses[j, i] is the loss at (xs[i], ys[j]), NaN where the network overflowed.

    axes: the two axes' labels; current: (2,) where the parameters are now; descent: (2,) the
    negative gradient there, in the axes' units; paths: {name: (n, 2)} each path's points,
    oldest first; path_iterations: {name: (n,)}; for a plane, directions (2, n_parameters) and
    each path point's distance from the plane, {name: (n,)}.
    """

    axes: tuple[str, str]
    xs: np.ndarray
    ys: np.ndarray
    losses: np.ndarray
    current: np.ndarray
    current_loss: float
    descent: np.ndarray
    paths: dict[str, np.ndarray]
    path_iterations: dict[str, np.ndarray]
    directions: np.ndarray | None = None
    distances: dict[str, np.ndarray] | None = None


class LandscapeJob:
    """A Landscape computed a few grid points per call: advance() until done, then result().

    Points go row by row (all xs at ys[0] first), so partial() fills in as an image would.
    """

    def __init__(self, loss_at: Callable[[float, float], float], xs: np.ndarray,
                 ys: np.ndarray, finish: Callable[[np.ndarray], Landscape]):
        self._loss_at = loss_at
        self._xs, self._ys = xs, ys
        self._finish = finish
        self._losses = np.full((len(ys), len(xs)), np.nan)
        self._next = 0
        self.cancelled = False

    @property
    def total(self) -> int:
        return self._losses.size

    @property
    def progress(self) -> float:
        """The share of grid points computed, 0..1."""
        return self._next / self.total

    @property
    def done(self) -> bool:
        return self._next == self.total

    def advance(self, points: int = RESOLUTION) -> float:
        """Compute up to `points` more grid points (none once cancelled); the progress."""
        end = min(self.total, self._next + max(0, points))
        nx = len(self._xs)
        while self._next < end and not self.cancelled:
            row, column = divmod(self._next, nx)
            value = self._loss_at(float(self._xs[column]), float(self._ys[row]))
            self._losses[row, column] = value if math.isfinite(value) else math.nan
            self._next += 1
        return self.progress

    def cancel(self) -> None:
        """Stop: advance() computes nothing more (safe to call from another thread)."""
        self.cancelled = True

    def partial(self) -> np.ndarray:
        """(len(ys), len(xs)) the losses computed so far, NaN for the rest: a copy."""
        return self._losses.copy()

    def result(self) -> Landscape:
        """The finished Landscape; RuntimeError before it is done."""
        if not self.done:
            state = "was cancelled" if self.cancelled else f"is {self.progress:.0%} done"
            raise RuntimeError(f"the landscape {state}: advance() it to the end first")
        return self._finish(self.partial())

    def run(self) -> Landscape:
        """All the remaining points in one call, then the result."""
        self.advance(self.total)
        return self.result()


def hand_landscape(example: Trainable, first: Sequence, second: Sequence,
                   ranges: Sequence[Sequence[float]] | None = None,
                   resolution: int = RESOLUTION,
                   paths: Mapping[str, Path] | None = None) -> LandscapeJob:
    """A seed example's loss over two of its trained parameters, e.g. ("weights", (0,)) and
    ("bias", ()); ranges: ((x_low, x_high), (y_low, y_high)), by default around the current
    point and the paths; paths: {name: path} of this example's parameters."""
    if not isinstance(example, HAND_EXAMPLES):
        raise ValueError(f"{example.title} is not one of the seed's worked examples: a "
                         "classifier's landscape is plane_landscape or weights_landscape")
    pair = check_pair(example, first, second)
    layout = ParameterLayout(example.parameters())
    current = layout.flatten(example.parameters(), np.float64)[_positions(layout, pair)]
    path_points, iterations = _paths_on(layout, pair, paths)
    xs, ys = grid_axes(ranges or default_ranges(current, path_points.values()), resolution)
    clone = type(example)(example.numerics.name)
    clone.set_state(example.get_state())

    def loss_at(x: float, y: float) -> float:
        clone.set_value(pair[0].name, pair[0].index, x)
        return clone.loss_with(pair[1].name, pair[1].index, y)

    descent = -np.array([example.chain_rule(*coordinate).product for coordinate in pair])
    current_loss = example.loss_with(pair[0].name, pair[0].index, float(current[0]))
    return LandscapeJob(loss_at, xs, ys, lambda losses: Landscape(
        (pair[0].label, pair[1].label), xs, ys, losses, current, float(current_loss), descent,
        path_points, iterations))


def weights_landscape(model: Model, first: Sequence, second: Sequence,
                      ranges: Sequence[Sequence[float]] | None = None,
                      resolution: int = RESOLUTION,
                      paths: Mapping[str, Path] | None = None) -> LandscapeJob:
    """A classifier's loss over two of its parameters' elements, e.g.
    ("dense1.weights", (0, 3)) and ("dense2.biases", (0, 1)); each value is rounded to the
    parameter's dtype, as an edit of it would be. ranges and paths as in hand_landscape."""
    pair = check_pair(model, first, second)
    frozen = _FrozenModel(model)
    positions = _positions(frozen.layout, pair)
    current = frozen.center[positions].astype(np.float64)
    path_points, iterations = _paths_on(frozen.layout, pair, paths)
    xs, ys = grid_axes(ranges or default_ranges(current, path_points.values()), resolution)

    def loss_at(x: float, y: float) -> float:
        vector = frozen.center.copy()
        vector[positions] = (x, y)
        return frozen.loss(vector)

    descent = -frozen.gradient()[positions]
    current_loss = frozen.loss(frozen.center)
    return LandscapeJob(loss_at, xs, ys, lambda losses: Landscape(
        (pair[0].label, pair[1].label), xs, ys, losses, current, current_loss, descent,
        path_points, iterations))


def plane_landscape(model: Model, resolution: int = RESOLUTION, span: float | None = None,
                    seed: int = 0, paths: Mapping[str, Path] | None = None,
                    directions: str = "random") -> LandscapeJob:
    """A classifier's loss at theta* + a d1 + b d2, theta* its current parameters, paths
    projected onto the plane. directions "random": d1, d2 filter-normalized Gaussian
    directions drawn from `seed` (the model's own random stream is not touched), a and b in
    [-span, span] (span 1 by default); "path": the paths' own two principal directions, unit
    vectors, and by default a grid that covers the paths (engine/training/directions.py)."""
    if directions not in ("random", "path"):
        raise ValueError(f"directions must be 'random' or 'path', got {directions!r}")
    if span is not None and not (math.isfinite(span) and span > 0):
        raise ValueError(f"span must be a positive number, got {span}")
    frozen = _FrozenModel(model)
    center = frozen.center.astype(np.float64)
    vectors = {name: _path_vectors(frozen.layout, path) for name, path in (paths or {}).items()}
    if directions == "random":
        rng = np.random.default_rng(seed)
        parameters = model.parameters()
        basis = np.stack([frozen.layout.flatten(filter_normalized_direction(parameters, rng))
                          for _ in range(2)])
    else:
        every = [points for points, _ in vectors.values()]
        basis = trajectory_directions(
            np.concatenate(every) if every else np.empty((0, frozen.layout.size)), center)
    projected = {name: project(points, center, basis) for name, (points, _) in vectors.items()}
    path_points = {name: points for name, (points, _) in projected.items()}
    if span is None and directions == "path":
        ranges = default_ranges(np.zeros(2), path_points.values())
    else:
        ranges = ((-(span or 1.0), span or 1.0),) * 2
    xs, ys = grid_axes(ranges, resolution)

    def loss_at(a: float, b: float) -> float:
        return frozen.loss((center + a * basis[0] + b * basis[1]).astype(frozen.dtype))

    descent = -(basis @ frozen.gradient())
    current_loss = frozen.loss(frozen.center)
    return LandscapeJob(loss_at, xs, ys, lambda losses: Landscape(
        ("direction 1", "direction 2"), xs, ys, losses, np.zeros(2), current_loss, descent,
        path_points, {name: iterations for name, (_, iterations) in vectors.items()}, basis,
        {name: distances for name, (_, distances) in projected.items()}))


def grid_axes(ranges: Sequence[Sequence[float]], resolution: int) -> tuple[np.ndarray, ...]:
    """((x_low, x_high), (y_low, y_high)), resolution -> xs, ys: (resolution,) each."""
    if isinstance(resolution, bool) or not isinstance(resolution, (int, np.integer)) \
            or resolution < 2:
        raise ValueError(f"resolution must be a whole number of at least 2, got {resolution!r}")
    axes = []
    for axis, (low, high) in zip("xy", ranges, strict=True):
        low, high = float(low), float(high)
        if not (math.isfinite(low) and math.isfinite(high) and low < high):
            raise ValueError(f"the {axis} range must be two finite numbers, low < high; got "
                             f"({low}, {high})")
        axes.append(np.linspace(low, high, resolution))
    return tuple(axes)


def default_ranges(current: np.ndarray, paths: Iterable[np.ndarray]) -> list[tuple[float, ...]]:
    """Around the current point (2,) and every path (n, 2): a fifth more than they span, and
    at least half the coordinate's size and 0.5 to each side."""
    points = np.concatenate([np.reshape(current, (1, 2)), *paths])
    points = points[np.isfinite(points).all(axis=1)]
    ranges = []
    for axis in range(2):
        low, high = float(points[:, axis].min()), float(points[:, axis].max())
        middle = (low + high) / 2
        half = max(0.6 * (high - low), 0.5 * abs(float(current[axis])), 0.5)
        ranges.append((middle - half, middle + half))
    return ranges


def _positions(layout: ParameterLayout, pair: tuple[Coordinate, Coordinate]) -> list[int]:
    return [layout.position(coordinate) for coordinate in pair]


def _path_vectors(layout: ParameterLayout, path: Path) -> tuple[np.ndarray, np.ndarray]:
    """(vectors (n, layout.size), iterations (n,)) of a path."""
    if isinstance(path, TrajectoryRecorder):
        vectors, iterations = path.vectors(), path.iterations()
    else:
        vectors = np.array([layout.flatten(parameters) for parameters in path])
        iterations = np.arange(len(vectors))
    if vectors.shape[1:] != (layout.size,) and len(vectors):
        raise ValueError(f"a path of {vectors.shape[1]} parameters does not fit a network "
                         f"of {layout.size}")
    return vectors.reshape(len(vectors), layout.size), iterations


def _paths_on(layout: ParameterLayout, pair: tuple[Coordinate, Coordinate],
              paths: Mapping[str, Path] | None) -> tuple[dict, dict]:
    points, iterations = {}, {}
    for name, path in (paths or {}).items():
        vectors, iterations[name] = _path_vectors(layout, path)
        points[name] = vectors[:, _positions(layout, pair)].astype(np.float64)
    return points, iterations


class _FrozenModel:
    """A Model's parameters, data, layers and dropout masks as they were when the job began,
    and its loss and gradient at any parameters laid end to end (ParameterLayout)."""

    def __init__(self, model: Model):
        parameters = model.parameters()
        self.layout = ParameterLayout(parameters)
        self.center = self.layout.flatten(parameters)
        self.dtype = self.center.dtype
        self.probes = Probes(model.layers, model.numerics, model.head, parameters)
        self.X, self.y = model.X.copy(), model.y.copy()

    def loss(self, vector: np.ndarray) -> float:
        """The total loss on the training data with these parameters (size,): non-finite
        once a value overflows (the grid shows NaN there)."""
        for name, values in self.layout.unflatten(vector).items():
            layer, _, attribute = name.partition(".")
            setattr(self.probes.layers[layer], attribute, values.copy())
        with trusted():  # the model's own arrays, checked when it trained; NaN is caught
            return or_nan(lambda: self.probes.loss(self.X, self.y), lambda: math.nan)

    def gradient(self) -> np.ndarray:
        """(size,) float64: the book's backward pass at the starting parameters (the
        regularization gradients included), NaN if they overflow."""
        if math.isnan(self.loss(self.center)):
            return np.full(self.layout.size, np.nan)
        or_nan(lambda: self.probes.backward(self.y), lambda: None)
        parts = []
        for name in self.layout.shapes:
            layer, _, attribute = name.partition(".")
            parts.append(np.ravel(getattr(self.probes.layers[layer], f"d{attribute}")))
        return np.concatenate(parts).astype(np.float64)
