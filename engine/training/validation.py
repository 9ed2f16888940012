"""The validation set's loss and accuracy along a run, measured as the window draws it (a Plane
or a regression's Curve), placed per epoch for the curves.
"""

from __future__ import annotations

import numpy as np

from engine.training.history import History
from engine.training.model import Model


class ValidationMeasurements:
    """epoch -> (loss, accuracy) on the validation set, measured at most once a frame."""

    def __init__(self) -> None:
        self.validation: dict[int, tuple[float, float]] = {}
        self._series = History(("loss", "accuracy"))  # validation_series, grown each frame

    def measure_validation(self, model: Model, iteration: int) -> None:
        """Record the validation loss and accuracy at the current parameters (epoch
        `iteration`), forgetting measurements of epochs stepped back over."""
        stepped_back = [e for e in self.validation if e > iteration]
        for epoch in stepped_back:
            del self.validation[epoch]
        if iteration not in self.validation:
            metrics = model.validation_metrics()
            self.validation[iteration] = (metrics["loss"], metrics["accuracy"])
            if iteration - 1 < len(self._series):
                stepped_back.append(iteration)  # its slot was handed out already
        if stepped_back:
            self._series = History(("loss", "accuracy"))

    def validation_series(self, epochs: int) -> tuple[np.ndarray, np.ndarray]:
        """(epochs,) validation loss and accuracy, NaN where not measured. A measurement at
        the parameters after k updates goes to epoch k - 1's slot, the last one recorded.
        The series grows by the epochs since the last frame: read-only views, no copies."""
        if len(self._series) > epochs:
            self._series = History(("loss", "accuracy"))
        placed = len(self._series)
        if epochs > placed:
            rows = np.full((epochs - placed, 2), np.nan)
            for epoch, measured in reversed(self.validation.items()):
                slot = min(epoch, epochs) - 1
                if slot < placed:
                    break  # measured in epoch order: the rest are placed already
                rows[slot - placed] = measured
            self._series.extend(rows)
        series = self._series.columns()
        return series["loss"], series["accuracy"]
