"""The loss landscape, the controller's part: the loss over two chosen parameters of a hand
example (recomputed when a value changes) or over the plane through a classifier's weights
(computed when asked), with the training path so far, the negative gradient and, in the hand
lab, the optimizer race (engine/training/landscape.py, race.py).

Every grid and race is computed on the thread pool (gui/controller/background.py) from copies
the engine takes when the job is made, so the run may train on meanwhile; the panel gets a
LandscapeView on `landscape_changed`, with the progress while a grid is computed.
"""

from __future__ import annotations

import time
from types import MappingProxyType
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, Signal

from engine.training.coordinates import Coordinate, TrajectoryRecorder, check_pair, trained_names
from engine.training.landscape import (
    HAND_EXAMPLES,
    RESOLUTION,
    Landscape,
    LandscapeJob,
    default_ranges,
    hand_landscape,
    plane_landscape,
)
from engine.training.model import Model
from engine.training.race import optimizer_race
from gui.controller.background import BackgroundWork
from gui.controller.landscape_snapshot import DIRECTIONS, HAND, PLANE, LandscapeView
from gui.controller.snapshot import frozen_array

if TYPE_CHECKING:
    from gui.controller.lab_controller import LabController

HAND_REFRESH_S = 0.5  # while running, the hand example's grid is recomputed at most this often
MAIN_PATH = ("path", "#1A1A1A")  # the main run's path when no comparison is open


class LandscapePart(QObject):
    """The landscape of the controller's trainable, computed when wanted."""

    # (LandscapeView) after every change
    landscape_changed = Signal(object)

    def __init__(self, controller: LabController):
        super().__init__(controller)
        self._controller = controller
        self._enabled = False
        self._trainable_id = 0
        self._recorder: TrajectoryRecorder | None = None
        self._pair: tuple[Coordinate, Coordinate] | None = None
        self._chosen = ("", "")
        self._directions = DIRECTIONS[0][0]
        self._landscape: Landscape | None = None
        self._partial: LandscapeJob | None = None
        self._race: dict | None = None
        self._racing = False
        self._message = ""
        self._progress = 1.0
        self._computed_version = -1
        self._computed_at = 0.0
        self._grid = BackgroundWork(self)
        self._grid.progressed.connect(self._on_grid_progressed)
        self._grid.finished.connect(self._on_grid_finished)
        self._grid.failed.connect(self._on_work_failed)
        self._racer = BackgroundWork(self)
        self._racer.finished.connect(self._on_racer_finished)
        self._racer.failed.connect(self._on_work_failed)
        controller.snapshot_changed.connect(self._on_controller_snapshot_changed)

    @property
    def kind(self) -> str:
        return PLANE if isinstance(self._controller.trainable, Model) else HAND

    @property
    def busy(self) -> bool:
        return self._grid.busy or self._racer.busy

    # --- the learner's requests ---------------------------------------------------------------

    def set_enabled(self, enabled: bool) -> None:
        """Compute only while the panel is on screen; the hand grid follows again at once."""
        self._enabled = enabled
        if not enabled or self._controller.stepper is None:
            return
        if self.kind == HAND:
            self.compute()
        else:
            self._follow(self._controller)
            self._publish()

    def set_axes(self, first: str, second: str) -> None:
        """The hand example's two axes by label, e.g. "weights[0]" and "bias"; a choice the
        engine refuses (the same twice, one training never changes) is said and drawn as
        no grid."""
        self._chosen = (first, second)
        self._pair = None
        self._landscape, self._race = None, None
        choices = _choices(self._controller.trainable)
        try:
            self._pair = check_pair(self._controller.trainable, choices[first], choices[second])
        except (KeyError, ValueError) as error:
            self._grid.cancel()
            self._racer.cancel()  # its race was on the axes before
            self._message = f"Choose again: {_text(error)}"
            return self._publish()
        self.compute()

    def set_directions(self, directions: str) -> None:
        """The classifier's plane: "random" or "path" (engine/training/landscape.py)."""
        self._directions = directions

    def set_racing(self, racing: bool) -> None:
        """Race SGD, momentum, RMSprop and Adam from the current point (hand lab)."""
        self._racing = racing
        self._race = None
        self.compute()

    def compute(self) -> None:
        """Compute the grid now, on the thread pool (racing: the race first, so the grid
        can cover the racers' paths)."""
        controller = self._controller
        if controller.stepper is None:
            return
        self._follow(controller)
        self._computed_version, self._computed_at = controller.version, time.perf_counter()
        if self._racing and self.kind == HAND and self._pair is not None:
            self._start_race()
        else:
            self._start_grid()
        self._publish()

    def _start_grid(self, ranges=None) -> None:
        try:
            job = self._job(ranges)
        except ValueError as error:
            self._message = f"Cannot draw the landscape: {_text(error)}"
            return
        if job is None:
            return
        self._partial, self._progress = job, 0.0
        self._grid.start(lambda report: _advance(job, report), job.cancel)

    def _job(self, ranges) -> LandscapeJob | None:
        trainable = self._controller.trainable
        if isinstance(trainable, Model):
            paths = {name: recorder for name, (_, recorder) in self._paths().items()}
            return plane_landscape(trainable, RESOLUTION, paths=paths,
                                   directions=self._directions)
        if not isinstance(trainable, HAND_EXAMPLES) or self._pair is None:
            return None
        first, second = self._pair
        return hand_landscape(trainable, first, second, ranges=ranges,
                              paths={MAIN_PATH[0]: self._recorder})

    def _start_race(self) -> None:
        example = self._controller.trainable
        clone = type(example)(example.numerics.name)  # the race reads it on the pool
        clone.set_state(example.get_state())
        first, second = self._pair
        self._racer.start(lambda _report: optimizer_race(clone, first, second))

    def _race_ranges(self, race: dict) -> list[tuple[float, ...]]:
        """Around the current point, the path so far and every racer's path."""
        layout = self._recorder.layout
        columns = [layout.position(coordinate) for coordinate in self._pair]
        path = self._recorder.vectors()[:, columns].astype(np.float64)
        start = next(iter(race.values())).points[0]
        return default_ranges(start, [path, *(racer.points for racer in race.values())])

    # --- following the trainable --------------------------------------------------------------

    def _follow(self, controller: LabController) -> None:
        """A new trainable (scenario, session, rebuild): a new path, default axes."""
        trainable = controller.trainable
        if id(trainable) != self._trainable_id:
            self._trainable_id = id(trainable)
            self._recorder = TrajectoryRecorder(trainable)
            self._landscape, self._race, self._partial = None, None, None
            self._grid.cancel()
            self._racer.cancel()
            self._message = ""
            self._set_default_axes(trainable)
        self._recorder.record(controller.stepper)

    def _set_default_axes(self, trainable) -> None:
        self._pair = None
        if isinstance(trainable, Model):
            return
        trained = trained_names(trainable)
        labels = list(_choices(trainable))
        firsts = [next(label for label in labels if label.split("[")[0] == name)
                  for name in (trained[0], trained[-1])]
        self._chosen = (firsts[0], firsts[1])
        choices = _choices(trainable)
        self._pair = check_pair(trainable, choices[firsts[0]], choices[firsts[1]])

    def _paths(self) -> dict[str, tuple[str, TrajectoryRecorder]]:
        """The paths drawn: each compared run's (in its colour) or the main run's."""
        comparison = getattr(self._controller, "comparison", None)
        if comparison is not None and comparison.active:
            return comparison.trajectories()
        return {MAIN_PATH[0]: (MAIN_PATH[1], self._recorder)}

    def _on_controller_snapshot_changed(self, snapshot) -> None:
        controller = self._controller
        self._follow(controller)
        due = not snapshot.running or \
            time.perf_counter() - self._computed_at >= HAND_REFRESH_S
        if self._enabled and self.kind == HAND and controller.version != self._computed_version \
                and due and not self.busy:
            self.compute()

    # --- results ------------------------------------------------------------------------------

    def _on_grid_progressed(self, progress: float) -> None:
        self._progress = progress
        self._publish()

    def _on_grid_finished(self, landscape: Landscape) -> None:
        self._landscape, self._partial, self._progress = landscape, None, 1.0
        self._message = _describe(landscape, self.kind)
        self._publish()
        if self.kind == HAND and self._enabled \
                and self._controller.version != self._computed_version:
            self.compute()  # the example changed while this grid was computed

    def _on_racer_finished(self, race: dict) -> None:
        if self._pair is None:  # the axes were refused meanwhile
            return
        self._race = race
        self._start_grid(self._race_ranges(race))
        self._publish()

    def _on_work_failed(self, message: str) -> None:
        self._partial, self._progress = None, 1.0
        self._message = f"Cannot draw the landscape: {message}"
        self._publish()

    def _publish(self) -> None:
        self.landscape_changed.emit(self.view())

    def view(self) -> LandscapeView:
        """What the panel shows now."""
        landscape, partial = self._landscape, self._partial
        trainable = self._controller.trainable
        choices = tuple(_choices(trainable)) if self.kind == HAND else ()
        losses = None
        if partial is not None and landscape is None:
            losses = partial.partial()
        elif landscape is not None:
            losses = landscape.losses
        colors = {name: color for name, (color, _) in self._paths().items()} \
            if self.kind == PLANE else {MAIN_PATH[0]: MAIN_PATH[1]}
        paths = {} if landscape is None else {
            name: (colors.get(name, MAIN_PATH[1]), frozen_array(points))
            for name, points in landscape.paths.items()}
        race = {} if self._race is None or not self._racing else {
            name: frozen_array(path.points) for name, path in self._race.items()}
        return LandscapeView(
            kind=self.kind, choices=choices, chosen=self._chosen,
            axes=landscape.axes if landscape is not None else self._chosen,
            xs=None if landscape is None else frozen_array(landscape.xs),
            ys=None if landscape is None else frozen_array(landscape.ys),
            losses=None if losses is None else frozen_array(losses),
            current=None if landscape is None else frozen_array(landscape.current),
            descent=None if landscape is None else frozen_array(landscape.descent),
            paths=MappingProxyType(paths), race=MappingProxyType(race),
            progress=self._progress, message=self._message, racing=self._racing,
            directions=self._directions)


def _choices(trainable) -> dict[str, tuple[str, tuple[int, ...]]]:
    """{label: (name, index)} of every element of the trainable's parameters (the engine
    says which of them training changes)."""
    choices = {}
    for name, value in trainable.parameters().items():
        for index in np.ndindex(np.shape(value)):
            choices[Coordinate(name, tuple(int(i) for i in index)).label] = (name, index)
    return choices


def _advance(job: LandscapeJob, report) -> Landscape:
    while not job.done and not job.cancelled:
        report(job.advance(RESOLUTION))
    return job.result()


def _describe(landscape: Landscape, kind: str) -> str:
    finite = landscape.losses[np.isfinite(landscape.losses)]
    spread = f"loss {finite.min():.4g} to {finite.max():.4g}" if finite.size else \
        "the network overflows everywhere on this grid"
    where = "over the two chosen parameters" if kind == HAND else \
        "over the plane through the current weights"
    return f"{len(landscape.xs)} x {len(landscape.ys)} {where}: {spread}; the current " \
           f"loss {landscape.current_loss:.4g}"


def _text(error: Exception) -> str:
    """The message, without the quotes str() gives a KeyError's."""
    return f"no parameter {error.args[0]}" if isinstance(error, KeyError) else str(error)
