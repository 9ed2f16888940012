"""What the compare panel draws at one instant: each compared run's settings, figures, curves,
small decision boundary and optimizer record, frozen like the lab's Snapshot, so the panel
never reaches into the engine's runs (gui/controller/comparison_part.py builds it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

Extent = tuple[float, float, float, float]  # (x_min, x_max, y_min, y_max), as the plane's

# Each compared run is named by its colour (Okabe and Ito's set, apart for colour-blind
# readers); the main run takes the first free one.
RUN_COLORS: tuple[tuple[str, str], ...] = (("blue", "#0072B2"), ("vermillion", "#D55E00"),
                                           ("bluish green", "#009E73"),
                                           ("reddish purple", "#CC79A7"))
# The settings a learner edits in a compared run, as the panel's form names them.
EDITABLE = ("optimizer", "learning_rate", "decay", "momentum", "l2", "dropout")


@dataclass(frozen=True)
class RunView:
    """One compared run. status: "running", "stopped" or "diverged" (message says where);
    editable: {setting of EDITABLE: its value now} (momentum only for SGD, l2 and dropout
    those of the first hidden layer, None without one); history: {"loss", "accuracy"} per
    epoch; boundary: (cells, cells, classes) probabilities or None before the first;
    internals: {"iteration", column: (n,)} of the watched weight, labels {column: label}."""

    name: str
    color: str
    is_main: bool
    status: str
    message: str
    forked_at: int | None
    epoch: int
    loss: float
    accuracy: float
    learning_rate: float
    editable: Mapping[str, object]
    history: Mapping[str, np.ndarray]
    boundary: np.ndarray | None
    internals: Mapping[str, np.ndarray] | None
    internals_labels: Mapping[str, str]


@dataclass(frozen=True)
class ComparisonView:
    """The comparison: runs (the main one first); rows: (setting, value in each run, whether
    they differ) in the runs' order; extent: the boundaries' common square; watched: the
    label of the weight whose optimizer state is recorded, "" for none; choices: the weights
    and biases that may be watched, {name: shape}."""

    runs: tuple[RunView, ...]
    rows: tuple[tuple[str, tuple[str, ...], bool], ...]
    extent: Extent
    epoch: int
    can_add: bool
    watched: str
    choices: Mapping[str, tuple[int, ...]]
