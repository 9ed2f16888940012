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

from engine.book.checks import check_array
from engine.book.numerics import GLOBAL_NUMPY
from engine.training.fast_layers import softmax
from engine.training.probes import Probes

GRID_BLOCK = 4096  # grid points per block of a pure grid pass


def grid_points(xs: np.ndarray, ys: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """xs: (nx,), ys: (ny,) -> every (x, y) row by row, (ny * nx, 2) in `dtype`."""
    xs, ys = np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)
    if xs.ndim != 1 or ys.ndim != 1:
        raise ValueError("xs and ys must be 1-D arrays of coordinates")
    grid_x, grid_y = np.meshgrid(xs, ys)
    return np.column_stack([grid_x.ravel(), grid_y.ravel()]).astype(dtype)


def grid_pass(layers: list[tuple[str, object]], points: np.ndarray,
              block: Callable[[Probes, np.ndarray], np.ndarray],
              parameters: dict[str, np.ndarray] | None = None) -> np.ndarray:
    """block(probes, rows) over points (n, 2), GRID_BLOCK rows at a time, stacked along the
    first axis; probes are copies of `layers` (with `parameters` if given) on numpy's dot."""
    probes = Probes(layers, GLOBAL_NUMPY, parameters)
    return np.concatenate([block(probes, points[start:start + GRID_BLOCK])
                           for start in range(0, max(len(points), 1), GRID_BLOCK)])


def probabilities(probes: Probes, inputs: np.ndarray) -> np.ndarray:
    """inputs: (n, 2) -> softmax probabilities (n, classes), no dropout; ValueError, as the
    book's softmax gives, where the logits overflowed."""
    logits = probes.forward(inputs, training=False)
    check_array(logits, "Activation_Softmax inputs", ndim=2)
    return softmax(logits)


def activations_of(name: str) -> Callable[[Probes, np.ndarray], np.ndarray]:
    """A block function: inputs (n, 2) -> layer `name`'s output (n, neurons), no dropout."""
    def block(probes: Probes, inputs: np.ndarray) -> np.ndarray:
        probes.forward(inputs, training=False, stop_after=name)
        return probes.layers[name].output
    return block
