"""The plane a classifier's loss landscape is drawn on (Li et al. 2018, "Visualizing the Loss
Landscape of Neural Nets", arXiv 1712.09913), and a training path projected onto it.

A random direction in weight space means little on its own: a network with ReLU units computes
the same function when a neuron's incoming weights are scaled up and the next layer's scaled
down, so a step of a given length is large for a neuron with small weights and small for one
with large weights. The paper therefore scales each filter of a Gaussian direction to the norm
of the same filter of the weights: d_ij <- d_ij / ||d_ij|| * ||theta_ij||. In a Dense layer a
filter is one neuron's incoming weights; the book stores weights as (n_inputs, n_neurons), so
a filter is a column. Biases get a zero direction, as the paper's code does by default (its
"biasbn" setting: one-dimensional parameters are not perturbed).

Random directions are nearly orthogonal to a training path in many dimensions, so a path
projected on them stays close to the origin; the paper (section 7) draws paths on the plane of
the path's own two principal directions instead: the top two right singular vectors of the
path's offsets theta_t - theta*, unit vectors, so the plane's units are parameter distances.
trajectory_directions gives those.

A path is projected by least squares: the coefficients (a, b) of the point of the plane
theta* + a d1 + b d2 nearest to each theta_t (the paper's code offers this besides cosines),
so the path is in the grid's own units and the current weights theta* are at the origin.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np


def filter_normalized_direction(parameters: Mapping[str, np.ndarray],
                                rng: np.random.Generator) -> dict[str, np.ndarray]:
    """A Gaussian direction for a Model's parameters ({"dense1.weights": (n_in, n), ...,
    "dense1.biases": (1, n), ...}), float64: each weight column scaled to the norm of the
    same column of the weights, the biases zero."""
    direction = {}
    for name, values in parameters.items():
        if name.endswith(".biases"):
            direction[name] = np.zeros(np.shape(values))
            continue
        values = np.asarray(values, dtype=np.float64)
        random = rng.standard_normal(values.shape)
        norms = np.linalg.norm(random, axis=0)
        scale = np.divide(np.linalg.norm(values, axis=0), norms,
                          out=np.zeros_like(norms), where=norms > 0)
        direction[name] = random * scale
    return direction


def project(vectors: np.ndarray, center: np.ndarray,
            directions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """vectors (n, size), center (size,), directions (2, size) -> (coefficients (n, 2), the
    distance of each vector from the plane (n,)), by least squares in float64."""
    offsets = (np.asarray(vectors, dtype=np.float64) - np.asarray(center, dtype=np.float64))
    if len(offsets) == 0:
        return np.empty((0, 2)), np.empty(0)
    basis = np.asarray(directions, dtype=np.float64).T
    coefficients = np.linalg.lstsq(basis, offsets.T, rcond=None)[0].T
    distances = np.linalg.norm(offsets - coefficients @ basis.T, axis=1)
    return coefficients, distances


def trajectory_directions(vectors: np.ndarray, center: np.ndarray) -> np.ndarray:
    """(2, size) float64: the two principal directions of the offsets of the path's points
    (n, size) from `center` (size,), unit length; ValueError if the path spans no plane."""
    offsets = np.asarray(vectors, dtype=np.float64) - np.asarray(center, dtype=np.float64)
    if len(offsets) < 2:
        raise ValueError("a path's own plane needs a path of at least 2 points besides the "
                         "current one")
    _, singular, rows = np.linalg.svd(offsets, full_matrices=False)
    if len(singular) < 2 or singular[1] <= 1e-12 * max(singular[0], 1e-300):
        raise ValueError("the path runs along a line (or stands still): it spans no plane")
    return rows[:2]
