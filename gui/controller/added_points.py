"""The training points the learner adds by hand: a click adds one, a brush stroke several,
Shift+click removes one, and a CSV file saves or replaces them all. A classifier's points are
[x, y, class], a regression's [x, target]. A file with a header and no points would clear the
points already added: the controller asks first (`empty_points_file`) and the view, having
asked the learner, clears them or not.

Each change rebuilds the Model on the changed data and trains on from where it was; the outcome,
good or bad, is said on the controller's `data_message` for the data panel.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from engine.files.points import (
    load_points_csv,
    load_regression_csv,
    save_points_csv,
    save_regression_csv,
)
from engine.limits import LOADABLE_DATA_POINTS
from engine.training.spec import sample_count
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

    def _regression(self) -> bool:
        return not self._controller.model.head.classifies

    def _point(self, x: float, y: float, label: int) -> list:
        return [float(x), float(y)] if self._regression() else [float(x), float(y), int(label)]

    def _describe(self, point: list, article: str) -> str:
        """'a point at (x, y)', or '{article} class k point at (x, y)'."""
        where = f"({point[0]:.3f}, {point[1]:.3f})"
        return f"a point at {where}" if len(point) == 2 else \
            f"{article} class {point[2]} point at {where}"

    def add(self, x: float, y: float, label: int) -> None:
        if not (math.isfinite(x) and math.isfinite(y)):
            self._say("A point needs finite coordinates.", True)
            return
        point = self._point(x, y, label)
        if self._set_points(self._points() + [point]):
            self._say(f"Added {self._describe(point, 'a')}.")

    def add_stroke(self, coordinates: list[tuple[float, float]], label: int) -> None:
        """The points of one brush stroke, added together: one rebuild, one message."""
        finite = [(x, y) for x, y in coordinates if math.isfinite(x) and math.isfinite(y)]
        if not finite:
            self._say("A point needs finite coordinates.", True)
            return
        points = [self._point(x, y, label) for x, y in finite]
        if self._set_points(self._points() + points):
            kind = "" if self._regression() else f"class {label} "
            self._say(f"Painted {len(points)} {kind}point{'s' if len(points) != 1 else ''}.")

    def remove(self, index: int) -> None:
        points = self._points()
        if not 0 <= index < len(points):
            self._say(f"There is no added point {index}.", True)
            return
        point = points.pop(index)
        if self._set_points(points):
            self._say(f"Removed {self._describe(point, 'the')}.")

    def clear(self) -> None:
        count = len(self._points())
        if count and self._set_points([]):
            self._say(f"Removed {_plural(count)}.")

    def save(self, path: str) -> None:
        points = self._points()
        try:
            if self._regression():
                save_regression_csv(path, np.array(points, dtype=np.float64).reshape(-1, 2))
            else:
                table = np.array(points, dtype=np.float64).reshape(-1, 3)
                save_points_csv(path, table[:, :2], table[:, 2].astype(int))
        except (OSError, ValueError) as error:
            self._say(f"Could not save the points: {error}", True)
            return
        self._say(f"Saved {len(points)} points to {Path(path).name}.")

    def room(self) -> int:
        """How many points may be added: the data set and they stay within what a session
        may hold (engine/limits.py), so what is made can always be saved."""
        return max(0, LOADABLE_DATA_POINTS - sample_count(self._controller.model.spec))

    def load(self, path: str) -> None:
        try:
            points = self._read(path)
        except (OSError, ValueError) as error:
            self.refused(path, error)
            return
        self._take(path, points)

    def _read(self, path: str) -> list[list]:
        """The points of the file at `path`, as the Model's data takes them."""
        if self._regression():
            return _as_points(load_regression_csv(path, most=self.room()), None)
        classes = self._controller.model.spec["data"]["classes"]
        coordinates, labels = load_points_csv(path, classes, most=self.room())
        return _as_points(coordinates, labels)

    def refused(self, path: str, error: Exception) -> None:
        """Loading `path` failed with `error`: say so; the data stays."""
        self._say(f"Could not load {isolated(Path(path).name)}: {error}. The current data is "
                  "kept.", True)

    def loaded(self, path: str, coordinates: np.ndarray, labels: np.ndarray | None) -> None:
        """Replace the added points with those read from `path` ((n, 2) and (n,); a
        regression's labels None)."""
        self._take(path, _as_points(coordinates, labels))

    def _take(self, path: str, points: list[list]) -> None:
        """The points of `path` replace the added ones; a file without points asks first."""
        if not points and self._points():
            self._controller.empty_points_file.emit(Path(path).name, len(self._points()))
            return
        if self._set_points(points):
            self._say(f"Loaded {len(points)} points from {isolated(Path(path).name)}.")


def _as_points(coordinates: np.ndarray, labels: np.ndarray | None) -> list[list]:
    """[x, y, class] rows, or a regression's [x, target] (labels None)."""
    if labels is None:
        return [[float(x), float(y)] for x, y in np.asarray(coordinates).tolist()]
    return [[float(x), float(y), int(label)]
            for (x, y), label in zip(coordinates.tolist(), labels.tolist(), strict=True)]
