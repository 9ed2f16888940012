"""A regression's picture along its one input: the network's prediction over x beside the data,
and each hidden neuron's output along x, recomputed at most as often as a view can show it.

The counterpart of engine/training/plane.py for a Model whose data is a regression (chapter
17's sine): there is no plane to colour, so the window plots the data and the prediction as
curves. A prediction of 400 points through the chapter-17 network costs well under a
millisecond, so it is recomputed for every new model version, in the window's process.
"""

from __future__ import annotations

import time

import numpy as np

from engine.training.model import Model
from engine.training.plane import MAPS_REFRESH_S, Extent, next_frame, sealed
from engine.training.validation import ValidationMeasurements

CURVE_POINTS = 400  # the prediction: this many x from the left of the data to the right
MAP_POINTS = 96  # each neuron's output along x, as a band
CURVE_MARGIN = 0.05  # the view shows the data plus this fraction of its span on each side


def curve_extent(*point_sets: np.ndarray) -> Extent:
    """(x_min, x_max, y_min, y_max) around every (x, target) point with a margin; each axis
    keeps its own scale (x and a target are different quantities)."""
    points = np.concatenate([np.asarray(each, dtype=np.float64).reshape(-1, 2)
                             for each in point_sets])
    finite = points[np.isfinite(points).all(axis=1)]
    low, high = (finite.min(axis=0), finite.max(axis=0)) if len(finite) else \
        (np.zeros(2), np.ones(2))
    span = np.where(high > low, high - low, 1.0) * CURVE_MARGIN
    return (float(low[0] - span[0]), float(high[0] + span[0]),
            float(low[1] - span[1]), float(high[1] + span[1]))


def data_points(inputs: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """A regression's samples as (x, target) rows: inputs (n, 1), targets (n, 1) -> (n, 2)."""
    return np.column_stack([np.asarray(inputs, dtype=np.float64)[:, 0],
                            np.asarray(targets, dtype=np.float64)[:, 0]])


class Curve(ValidationMeasurements):
    """A regression Model's prediction over x and its hidden neurons' outputs along x.

    xs: (CURVE_POINTS,) where the prediction is taken; prediction: (CURVE_POINTS,) float64, or
    None before the first refresh; maps: per hidden layer (MAP_POINTS, MAP_POINTS, neurons),
    each neuron's output along x repeated down the rows (a band a neuron, read-only views of
    one row), shaped as the plane's maps are, spanning maps_extent: the data's x range and a
    square's height.
    """

    def __init__(self, model: Model):
        super().__init__()
        self.extent = curve_extent(data_points(model.X, model.y),
                                   data_points(model.X_val, model.y_val))
        x_min, x_max = self.extent[:2]
        self.xs = sealed(np.linspace(x_min, x_max, CURVE_POINTS))
        self._map_xs = np.linspace(x_min, x_max, MAP_POINTS)
        self.maps_extent: Extent = (x_min, x_max, 0.0, x_max - x_min)
        self.prediction: np.ndarray | None = None
        self.frame = 0
        self._version = -1
        self.maps: tuple[np.ndarray, ...] = ()
        self.maps_frame = 0
        self.maps_version = -1
        self.maps_time = 0.0
        self.maps_seconds = 0.0

    @property
    def complete(self) -> bool:
        """The prediction is drawn whole at every refresh: never a part left to finish."""
        return True

    def refresh(self, model: Model, version: int, running: bool) -> None:
        """The prediction at model state `version`; the neuron bands when due (while
        running, at most once a MAPS_REFRESH_S, as the plane's maps)."""
        if version != self._version:
            self.prediction = sealed(model.predict_line(self.xs))
            self._version = version
            self.frame = next_frame()
        now = time.perf_counter()
        due = max(MAPS_REFRESH_S, 10 * self.maps_seconds)
        if version != self.maps_version and not (running and now - self.maps_time < due):
            self.maps = tuple(self._bands(model.hidden_activations_line(self._map_xs, layer))
                              for layer in range(1, len(model.spec["hidden"]) + 1))
            self.maps_frame = next_frame()
            self.maps_version = version
            self.maps_time = now
            self.maps_seconds = time.perf_counter() - now

    @staticmethod
    def _bands(line: np.ndarray) -> np.ndarray:
        """(MAP_POINTS, neurons) along x -> (MAP_POINTS, MAP_POINTS, neurons), the row repeated
        (a read-only view: no copies)."""
        return np.broadcast_to(line[None], (len(line), *line.shape))
