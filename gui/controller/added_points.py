"""The training points the learner adds by hand: a click adds one, Shift+click removes one, and
a CSV file saves or replaces them all.

Each change rebuilds the Model on the changed data and trains on from where it was; the outcome,
good or bad, is said on the controller's `data_message` for the data panel.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from engine.files.points import load_points_csv, save_points_csv
from engine.limits import LOADABLE_DATA_POINTS
from gui.user_text import isolated

if TYPE_CHECKING:
    from gui.controller.lab_controller import LabController


Rebuild = Callable[[dict, str, bool], bool]


def _plural(count: int) -> str:
    return f"{count} added point{'s' if count != 1 else ''}"


class AddedPoints:
    """Adds, removes, saves and loads the points added to a classification Model's data."""

    def __init__(self, controller: LabController, rebuild: Rebuild):
        """rebuild(spec, message, keep_training): drives a Model built from `spec`; False if
        the engine refused it."""
        self._controller = controller
        self._rebuild = rebuild

    def _points(self) -> list[list]:
        return self._controller.spec["points"]

    def _set_points(self, points: list[list]) -> bool:
        """Train on with `points` as the added points; False if the engine refused them."""
        spec = self._controller.spec
        spec["points"] = points
        return self._rebuild(spec, f"{_plural(len(points))}; training goes on with them", True)

    def _say(self, message: str, is_error: bool = False) -> None:
        self._controller.data_message.emit(message, is_error)

    def add(self, x: float, y: float, label: int) -> None:
        if not (math.isfinite(x) and math.isfinite(y)):
            self._say("A point needs finite coordinates.", True)
            return
        if self._set_points(self._points() + [[float(x), float(y), int(label)]]):
            self._say(f"Added a class {label} point at ({x:.3f}, {y:.3f}).")

    def remove(self, index: int) -> None:
        points = self._points()
        if not 0 <= index < len(points):
            self._say(f"There is no added point {index}.", True)
            return
        x, y, label = points.pop(index)
        if self._set_points(points):
            self._say(f"Removed the class {label} point at ({x:.3f}, {y:.3f}).")

    def clear(self) -> None:
        count = len(self._points())
        if count and self._set_points([]):
            self._say(f"Removed {_plural(count)}.")

    def save(self, path: str) -> None:
        points = np.array(self._points(), dtype=np.float64).reshape(-1, 3)
        try:
            save_points_csv(path, points[:, :2], points[:, 2].astype(int))
        except (OSError, ValueError) as error:
            self._say(f"Could not save the points: {error}", True)
            return
        self._say(f"Saved {len(points)} points to {Path(path).name}.")

    def room(self) -> int:
        """How many points may be added: the data set and they stay within what a session
        may hold (engine/limits.py), so what is made can always be saved."""
        data = self._controller.model.spec["data"]
        return max(0, LOADABLE_DATA_POINTS - data["samples"] * data["classes"])

    def load(self, path: str) -> None:
        classes = self._controller.model.spec["data"]["classes"]
        try:
            coordinates, labels = load_points_csv(path, classes, most=self.room())
        except (OSError, ValueError) as error:
            self.refused(path, error)
            return
        self.loaded(path, coordinates, labels)

    def refused(self, path: str, error: Exception) -> None:
        """Loading `path` failed with `error`: say so; the data stays."""
        self._say(f"Could not load {isolated(Path(path).name)}: {error}. The current data is "
                  "kept.", True)

    def loaded(self, path: str, coordinates: np.ndarray, labels: np.ndarray) -> None:
        """Replace the added points with those read from `path` ((n, 2) and (n,))."""
        points = [[float(x), float(y), int(label)]
                  for (x, y), label in zip(coordinates.tolist(), labels.tolist(), strict=True)]
        if self._set_points(points):
            self._say(f"Loaded {len(points)} points from {isolated(Path(path).name)}.")
