"""Forward passes over a plane of (x, y) points, for the decision boundary and neuron maps.

A picture needs no last-bit exactness, so the pass uses numpy's own dot in the model's dtype
(book numerics' float64 round trip costs more than the rest of the pass), and runs in blocks
whose hidden outputs fit in the CPU cache: a 200 x 200 grid through the chapter-10 network
takes about 5 ms this way instead of 20 to 80 ms in one piece, so the window can redraw the
boundary 20 times a second while training.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from engine.book.numerics import GLOBAL_NUMPY
from engine.training.outputs import Head
from engine.training.probes import Probes

GRID_BLOCK = 4096  # grid points per block of a pure grid pass


def grid_points(xs: np.ndarray, ys: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """xs: (nx,), ys: (ny,) -> every (x, y) row by row, (ny * nx, 2) in `dtype`."""
    xs, ys = np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)
    if xs.ndim != 1 or ys.ndim != 1:
        raise ValueError("xs and ys must be 1-D arrays of coordinates")
    grid_x, grid_y = np.meshgrid(xs, ys)
    return np.column_stack([grid_x.ravel(), grid_y.ravel()]).astype(dtype)


def line_points(xs: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """xs: (nx,) -> the inputs (nx, 1) of a one-input network in `dtype`."""
    xs = np.asarray(xs, dtype=np.float64)
    if xs.ndim != 1:
        raise ValueError("xs must be a 1-D array of inputs")
    return xs.reshape(-1, 1).astype(dtype)


def grid_pass(layers: list[tuple[str, object]], head: Head, points: np.ndarray,
              block: Callable[[Probes, np.ndarray], np.ndarray],
              parameters: dict[str, np.ndarray] | None = None) -> np.ndarray:
    """block(probes, rows) over points (n, features), GRID_BLOCK rows at a time, stacked along
    the first axis; probes are copies of `layers` and `head` (with `parameters` if given) on
    numpy's dot."""
    probes = Probes(layers, GLOBAL_NUMPY, head, parameters)
    return np.concatenate([block(probes, points[start:start + GRID_BLOCK])
                           for start in range(0, max(len(points), 1), GRID_BLOCK)])


def probabilities(probes: Probes, inputs: np.ndarray) -> np.ndarray:
    """inputs: (n, 2) -> each class's probability (n, classes), no dropout: the softmax's, or
    the sigmoids' (engine/training/outputs.py); ValueError where the network overflowed."""
    return probes.head.class_scores(probes.forward(inputs, training=False))


def predictions(probes: Probes, inputs: np.ndarray) -> np.ndarray:
    """inputs: (n, features) -> what the network outputs (n, outputs), no dropout: a
    regression's predicted values."""
    return probes.forward(inputs, training=False)


def activations_of(name: str) -> Callable[[Probes, np.ndarray], np.ndarray]:
    """A block function: inputs (n, features) -> layer `name`'s output (n, neurons), no
    dropout."""
    def block(probes: Probes, inputs: np.ndarray) -> np.ndarray:
        probes.forward(inputs, training=False, stop_after=name)
        return probes.layers[name].output
    return block
