"""The validation set's loss and accuracy along a run, measured as the window draws it (a Plane
or a regression's Curve), placed per epoch for the curves.
"""

from __future__ import annotations

import numpy as np

from engine.training.history import History
from engine.training.model import Model


def sealed(array: np.ndarray) -> np.ndarray:
    """Make an array nobody else holds read-only without copying it (a fresh boundary grid is
    half a megabyte, and copying it every frame would buy nothing)."""
    array.setflags(write=False)
    return array


class ValidationMeasurements:
    """(loss, accuracy) on the validation set at the iterations measured (at most once a
    frame), bounded as the training history is (engine/training/history.py)."""

    def __init__(self) -> None:
        self.validation = History(("loss", "accuracy"))
        self._series: tuple[tuple[int, int], tuple[np.ndarray, ...]] | None = None

    def measure_validation(self, model: Model, iteration: int) -> None:
        """Record the validation loss and accuracy at the current parameters (iteration
        `iteration`), forgetting measurements of iterations stepped back over."""
        self.validation.truncate(iteration + 1)
        epochs = self.validation.epochs()
        if len(epochs) and epochs[-1] == iteration:
            return  # measured already
        self.validation.truncate(iteration)
        metrics = model.validation_metrics()
        self.validation.append((metrics["loss"], metrics["accuracy"]), epoch=iteration)

    def validation_series(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(epochs, loss, accuracy), each (n,), read-only: the measurements at the parameters
        after k updates, placed at epoch k - 1, the epoch whose training loss was the last one
        recorded then (a measurement before the first update has no epoch yet)."""
        key = (len(self.validation), self.validation.count)
        if self._series is None or self._series[0] != key:
            epochs = self.validation.epochs()
            first = int(np.searchsorted(epochs, 1))
            columns = self.validation.columns(first)
            placed = sealed(epochs[first:].astype(np.float64) - 1)
            self._series = (key, (placed, columns["loss"], columns["accuracy"]))
        return self._series[1]
