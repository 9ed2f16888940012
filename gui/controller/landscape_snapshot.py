"""What the loss landscape panel draws at one instant, frozen (gui/controller/landscape_part.py
builds it): the loss over a grid of two coordinates, where training stands, the negative
gradient there, the training paths and, in the hand lab, the optimizer race.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

HAND, PLANE = "hand", "plane"
DIRECTIONS = (("random", "two filter-normalized random directions"),
              ("path", "the path's own two principal directions"))


@dataclass(frozen=True)
class LandscapeView:
    """kind: HAND (two chosen parameters) or PLANE (the plane through a classifier's
    weights); choices: the elements that may be chosen as axes (HAND), chosen: the two
    chosen; losses[j, i] the loss at (xs[i], ys[j]), NaN where not computed yet or
    overflowed (None before the first grid); current (2,), descent (2,) the negative gradient
    there in the axes' units; paths {name: (colour, (n, 2) points)}; race {optimizer: (n, 2)
    points}; progress 0..1 of the grid being computed (1: none is); message: what is wrong
    with the choice, or what the picture shows."""

    kind: str
    choices: tuple[str, ...]
    chosen: tuple[str, str]
    axes: tuple[str, str]
    xs: np.ndarray | None
    ys: np.ndarray | None
    losses: np.ndarray | None
    current: np.ndarray | None
    descent: np.ndarray | None
    paths: Mapping[str, tuple[str, np.ndarray]]
    race: Mapping[str, np.ndarray]
    progress: float
    message: str
    racing: bool
    directions: str
