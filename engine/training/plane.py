"""A Model's picture over the input plane: the predicted boundary, the hidden neurons' maps and
the validation curves (engine/training/validation.py), each recomputed at most as often as a
view can show it. A regression's picture along its one input is engine/training/curve.py.

The window's controller keeps one Plane per Model and asks it for what each snapshot needs;
while Run is on, the boundary comes from the helper process (engine/training/plane_worker.py)
when it can. Every array a Plane hands out is read-only and never written again (a new frame is
a new array), so a caller may pass it on without copying it.
"""

from __future__ import annotations

import itertools
import time

import numpy as np

from engine.training.model import Model
from engine.training.plane_worker import PlaneWorker
from engine.training.validation import ValidationMeasurements, sealed

BOUNDARY_CELLS = 200  # the predicted plane: BOUNDARY_CELLS x BOUNDARY_CELLS cell centres
MAP_CELLS = 48  # each neuron map: a thumbnail needs no more
MAPS_REFRESH_S = 1.0  # while running, neuron maps are recomputed at most this often
EXTENT_MARGIN = 0.1  # the plane shows the data plus this fraction of its span on each side

Extent = tuple[float, float, float, float]  # (x_min, x_max, y_min, y_max) of grid cell centres


def data_extent(*point_sets: np.ndarray) -> Extent:
    """A square around every point with a margin, so the plane is not stretched and points on
    the edge are not cut."""
    points = np.concatenate([np.asarray(each, dtype=np.float64).reshape(-1, 2)
                             for each in point_sets])
    low, high = points.min(axis=0), points.max(axis=0)
    centre, half = (low + high) / 2, float(np.max(high - low)) / 2 or 1.0
    half *= 1 + 2 * EXTENT_MARGIN
    return (float(centre[0] - half), float(centre[0] + half),
            float(centre[1] - half), float(centre[1] + half))


def grid_axes(extent: Extent, cells: int) -> tuple[np.ndarray, np.ndarray]:
    """The cell centres xs: (cells,), ys: (cells,) spanning `extent`."""
    x_min, x_max, y_min, y_max = extent
    return np.linspace(x_min, x_max, cells), np.linspace(y_min, y_max, cells)


# Frame numbers count across models, so a view never takes a rebuilt model's first frames for
# ones it has already shown.
_FRAMES = itertools.count(1)


def next_frame() -> int:
    """A new frame number, larger than any handed out before (by any Plane or Curve)."""
    return next(_FRAMES)


class Plane(ValidationMeasurements):
    """A Model's picture over the input plane, recomputed within a time budget per snapshot.

    The boundary's rows are recomputed as many per call as fit in the budget, top to bottom:
    the chapter-10 network's whole plane every frame; a 4 x 256 network's a band of rows per
    frame, sweeping down, the window staying responsive while its plane catches up. (Rows
    interleaved across frames were tried: while training runs the boundary moves between two
    frames, and alternate rows from two moments show as combs.)
    """

    def __init__(self, model: Model):
        super().__init__()
        self.extent = data_extent(model.X[:len(model.X) - len(model.spec["points"])],
                                  model.X_val)
        self.boundary: np.ndarray | None = None
        self.boundary_rows: np.ndarray | None = None
        self.boundary_frame = 0
        self.serial = next(_FRAMES)  # tells this plane's requests to the worker from others'
        self._order = np.arange(BOUNDARY_CELLS)
        self._cursor = 0  # position in _order of the next row to recompute
        self._row_version = np.full(BOUNDARY_CELLS, -1)  # the model version each row shows
        self._seconds_per_row = 1e-4
        self.maps: tuple[np.ndarray, ...] = ()
        self.maps_frame = 0
        self.maps_version = -1
        self.maps_time = 0.0
        self.maps_seconds = 0.0

    @property
    def maps_extent(self) -> Extent:
        """The neuron maps span the plane's extent, as the boundary does."""
        return self.extent

    @property
    def complete(self) -> bool:
        """Every row shows the latest model version asked for."""
        return bool((self._row_version == self._row_version.max()).all())

    def refresh(self, model: Model, version: int, running: bool, budget: float,
                worker: PlaneWorker | None = None) -> None:
        """Recompute the rows not showing `version` (as many as fit in `budget` seconds, at
        least one), or have `worker` compute the plane while running; and the neuron maps
        when due."""
        xs, ys = grid_axes(self.extent, BOUNDARY_CELLS)
        if worker is not None and self.boundary is not None and \
                self._delegate(model, version, worker, xs, ys):
            pass
        elif self.boundary is None:
            self._compute_rows(model, xs, ys, self._order, version)
        elif (self._row_version != version).any():
            stale = np.roll(self._order, -self._cursor)
            stale = stale[self._row_version[stale] != version]
            count = max(1, min(len(stale), int(budget / self._seconds_per_row)))
            self._compute_rows(model, xs, ys, stale[:count], version)
            self._cursor = (int(np.flatnonzero(self._order == stale[count - 1])[0]) + 1) \
                % BOUNDARY_CELLS
        now = time.perf_counter()
        # Maps cost what the hidden layers cost: while running, at most a tenth of the time.
        due = max(MAPS_REFRESH_S, 10 * self.maps_seconds)
        if version != self.maps_version and not (running and now - self.maps_time < due):
            map_xs, map_ys = grid_axes(self.extent, MAP_CELLS)
            self.maps = tuple(sealed(model.hidden_activations_grid(map_xs, map_ys, layer))
                              for layer in range(1, len(model.spec["hidden"]) + 1))
            self.maps_frame = next(_FRAMES)
            self.maps_version = version
            self.maps_time = now
            self.maps_seconds = time.perf_counter() - now

    def _delegate(self, model: Model, version: int, worker: PlaneWorker, xs: np.ndarray,
                  ys: np.ndarray) -> bool:
        """Show the worker's latest plane and ask it for the current one; False when the
        worker cannot help (not started yet, or gone): then the caller computes the plane."""
        finished = worker.result()
        if finished is not None:
            (serial, shown), plane = finished
            if serial == self.serial and shown > self._row_version.max():
                self.boundary = sealed(plane)
                self.boundary_rows = None
                self._row_version[:] = shown
                self.boundary_frame = next(_FRAMES)
        if worker.pending() is not None or self._row_version.max() == version:
            return True
        return worker.submit((self.serial, version), self.serial, model.spec,
                             model.parameters(), xs, ys)

    def _compute_rows(self, model: Model, xs: np.ndarray, ys: np.ndarray, rows: np.ndarray,
                      version: int) -> None:
        started = time.perf_counter()
        values = model.predict_grid(xs, ys[rows])
        plane = np.empty((len(ys), len(xs), values.shape[-1]), dtype=values.dtype) \
            if self.boundary is None else self.boundary.copy()
        plane[rows] = values
        self._seconds_per_row = max(1e-6, (time.perf_counter() - started) / len(rows))
        self.boundary = sealed(plane)
        self.boundary_rows = None if len(rows) == len(ys) else sealed(np.sort(rows))
        self._row_version[rows] = version
        self.boundary_frame = next(_FRAMES)
