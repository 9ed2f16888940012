"""Compare runs, the controller's part: up to four runs of the classifier from one start, trained
in lockstep by Run, each with its own settings (engine/training/comparison.py does the
training; this part is what the window asks of it).

While a comparison is open, Run trains through it (the run loop's trainer), so Space trains
every running run and the main run is still the window's own Stepper: the lab's views go on
drawing it from the controller's Snapshot. The compare panel gets a ComparisonView of its own
on `comparison_changed` (None once the comparison is closed), at most every VIEW_S while
running. A rebuilt or replaced main run (a new network, data or session) ends the
comparison, which is said. A session saves the comparison (saved_state) and reopens it
(restore); a promotion is a step on the undo stack (gui/controller/promotion.py).
"""

from __future__ import annotations

import copy
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from engine.training.comparison import MAX_RUNS, RUNNING, Comparison, Run
from engine.training.coordinates import TrajectoryRecorder, trained_names
from engine.training.fork import RunStart, capture_start
from gui.controller.comparison_snapshot import RUN_COLORS
from gui.controller.comparison_views import RunPictures, comparison_view, settings_spec
from gui.controller.promotion import PromoteCommand, names_on_stack

if TYPE_CHECKING:
    from gui.controller.lab_controller import LabController

VIEW_S = 1.0  # while running, one ComparisonView at most this often: its plots cost as
# the curves do (gui/labs/classification/lab.py redraws those once a second too)


class ComparisonPart(QObject):
    """The open comparison of the controller's classification run, if any."""

    # (ComparisonView | None) after every change; None: no comparison open
    comparison_changed = Signal(object)

    def __init__(self, controller: LabController):
        super().__init__(controller)
        self._controller = controller
        self._comparison: Comparison | None = None
        self._colors: dict[str, str] = {}
        self._pictures = RunPictures()
        self._last_view = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)
        controller.snapshot_changed.connect(self._on_controller_snapshot_changed)

    @property
    def comparison(self) -> Comparison | None:
        """The engine's comparison (for tests and saving); views get ComparisonViews."""
        return self._comparison

    @property
    def active(self) -> bool:
        return self._comparison is not None

    # --- the runs -----------------------------------------------------------------------------

    def add_run(self) -> None:
        """Compare: a copy of the main run from where it stands (the same weights, data, seed
        and settings), to change a setting in; the comparison opens with the first one."""
        controller = self._controller
        if controller.model is None:
            return self._say("Runs are compared in the classification lab")
        if controller.viewing_past:
            return self._say("Showing a past iteration: Compare from here on the timeline "
                             "compares from it")
        self._add(None, "Run {name!r} added from {word} {iteration}: change its settings in "
                        "the Compare panel, then Run trains all in step")

    def compare_from_here(self) -> None:
        """Compare from the past iteration the timeline shows: a copy of the main run as it
        stood there (the same settings, to change one), which catches up with the others
        when Run trains; the window goes back to the latest iteration."""
        controller = self._controller
        if not controller.viewing_past:
            return self.add_run()
        try:
            start = capture_start(controller.stepper)
        except ValueError as error:
            return self._say(f"Cannot compare: {error}")
        controller.return_to_present()
        self._add(start, "Run {name!r} added from {word} {iteration} of the past: change its "
                         "settings, then Run trains it up to the others first")

    def _add(self, start: RunStart | None, message: str) -> None:
        """A run from `start` (None: where the main run stands) with the main run's settings
        then; `message` names it as {name}, {word} {iteration}."""
        try:
            if self._comparison is None:
                self._open()
            comparison = self._comparison
            spec = comparison.main.model.spec if start is None else start.spec
            run = comparison.add_run(spec, start, name=self._free_color())
        except ValueError as error:
            if self._comparison is not None and len(self._comparison.runs) == 1:
                self.close(quiet=True)
            return self._say(f"Cannot compare: {error}")
        self._colors[run.name] = dict(RUN_COLORS)[run.name]
        self._changed(message.format(name=run.name, word=self._controller.epoch_word,
                                     iteration=run.iteration))

    def _open(self) -> None:
        stepper = self._controller.stepper
        capture_start(stepper)  # says why not, before anything changes
        self._start(Comparison(stepper, self._free_color()))

    def _start(self, comparison: Comparison) -> None:
        """Run trains through `comparison` from now on; each run keeps the colour it is named
        after (one of another name gets a free one)."""
        self._comparison = comparison
        named = dict(RUN_COLORS)
        self._colors = {run.name: named[run.name] for run in comparison.runs
                        if run.name in named}
        for run in comparison.runs:
            if run.name not in self._colors:
                free = self._free_color()
                self._colors[run.name] = named[free] if free else RUN_COLORS[0][1]
        self._pictures = RunPictures()
        self._controller.set_iteration_trainer(self._train)

    def saved_state(self) -> dict | None:
        """The comparison as a session saves it (Comparison.get_state()), None if none."""
        return None if self._comparison is None else self._comparison.get_state()

    def restore(self, state: dict) -> None:
        """Reopen the comparison a session saved around the main run the controller has just
        opened from it (the file was checked whole when it was loaded)."""
        try:
            comparison = Comparison.from_state(self._controller.stepper, state)
        except ValueError as error:
            return self._say(f"The compared runs could not be reopened: {error}")
        self._start(comparison)
        self._say(f"Reopened {len(comparison.runs)} compared runs at "
                      f"{self._controller.epoch_word} {comparison.epoch}")

    def _free_color(self) -> str | None:
        """The first colour no run has (None: there are MAX_RUNS, the engine says so)."""
        taken = {*self._colors, *self._colors.values()} if self._comparison is not None \
            else set()
        return next((name for name, color in RUN_COLORS
                     if name not in taken and color not in taken), None)

    def close(self, quiet: bool = False) -> None:
        """End the comparison: the main run trains alone again, the others are forgotten."""
        if self._comparison is None:
            return
        self._comparison = None
        self._colors = {}
        self._controller.set_iteration_trainer(None)
        self.comparison_changed.emit(None)
        if names_on_stack(self._controller.undo_stack):
            self._controller.undo_stack.clear()  # it made runs main that are gone now
        if not quiet:
            self._changed("Comparison closed: the main run trains alone")

    def stop(self, name: str) -> None:
        """The run stays where it is while the others train on (resume() trains it again)."""
        self._request(lambda: self._comparison.stop(name), f"Run {name!r} stopped")

    def resume(self, name: str) -> None:
        self._request(lambda: self._comparison.resume(name),
                      f"Run {name!r} trains again: it catches up with the others first")

    def remove(self, name: str) -> None:
        """Forget a compared run (not the main one: promote another one first)."""
        def remove() -> None:
            self._comparison.remove(name)
            self._colors.pop(name)
            if name in names_on_stack(self._controller.undo_stack):
                self._controller.undo_stack.clear()  # undoing would need the run back
        self._request(remove, f"Run {name!r} removed")

    def promote(self, name: str) -> None:
        """Make the run the main one: the window's views, the timeline and a saved session
        follow it from now on; the former main run stays in the comparison."""
        comparison = self._comparison
        if comparison is None or comparison.main.name == name:
            return
        former = comparison.main.name
        try:
            self._make_main(name)
        except ValueError as error:
            return self._say(str(error))
        self._controller.undo_stack.push(PromoteCommand(self._make_main, name, former))

    def _make_main(self, name: str) -> None:
        """The run called `name` becomes the main one (promote(), its undo and redo)."""
        run = self._comparison.promote(name)
        self._controller.adopt_run(run.stepper, f"Run {name!r} is the main run now, at "
                                   f"{self._controller.epoch_word} {run.iteration}")

    def set_settings(self, name: str, settings: Mapping[str, object]) -> None:
        """Change a run's settings (of EDITABLE) from its next iteration on. Optimizer
        hyperparameters change in place (its caches kept, as the Network panel changes
        them); another optimizer, L2 or dropout make the run a new fork from where it stands.
        The main run's optimizer and layers change in the Network panel, which starts it
        again."""
        comparison = self._comparison
        if comparison is None:
            return
        try:
            run = comparison.run(name)
            spec, in_place = settings_spec(run.model.spec, settings)
            if spec == run.model.spec:
                return self._say(f"Run {name!r} already has these settings")
            if in_place:
                self._set_hyperparameters(run, spec["optimizer"])
            elif run is comparison.main:
                raise ValueError("the main run's optimizer, L2 and dropout change in the "
                                 "Network panel (which starts it again): change them in a "
                                 "compared run, or promote one")
            else:
                self._refork(run, spec)
        except ValueError as error:
            return self._say(f"Refused: {error}")
        self._changed(f"Run {name!r}: new settings from {self._controller.epoch_word} "
                      f"{run.iteration} on")

    def _set_hyperparameters(self, run: Run, optimizer: dict) -> None:
        changed = {key: value for key, value in optimizer.items()
                   if key != "name" and value != run.model.spec["optimizer"][key]}
        if run is self._comparison.main:
            self._controller.set_hyperparameters(changed)
        else:
            run.stepper.set_hyperparameters(**changed)

    def _refork(self, run: Run, spec: dict) -> None:
        """The run again as a fork with `spec` from where it stands, under its own name."""
        comparison = self._comparison
        start = capture_start(run.stepper)
        comparison.remove(run.name)
        try:
            comparison.add_run(spec, start, run.name)
        except ValueError:
            comparison.add_run(start.spec, start, run.name)  # put it back as it was
            raise

    def watch(self, name: str, index: tuple[int, ...]) -> None:
        """Record each run's optimizer state for parameters()[name][index] from now on."""
        self._request(lambda: self._comparison.watch(name, tuple(index)),
                      f"Watching {name}{list(index)}: each run's optimizer state is recorded")

    def _request(self, change, message: str) -> None:
        if self._comparison is None:
            return
        try:
            change()
        except ValueError as error:
            return self._say(f"Refused: {error}")
        self._changed(message)

    def _say(self, message: str) -> None:
        """A refusal or a notice: the runs are as they were."""
        self._controller.status_message.emit(message)
        self._publish()

    def _changed(self, message: str) -> None:
        """The runs changed: a new version of the session, and the views follow."""
        self._controller.publish_change(message)  # the views follow its snapshot...
        if self._controller.is_running():
            self._publish()  # ...at once, not at the next second while running

    def trajectories(self) -> dict[str, tuple[str, TrajectoryRecorder]]:
        """{run name: (its colour, its path so far)}, for the loss landscape."""
        if self._comparison is None:
            return {}
        return {run.name: (self._colors[run.name], run.trajectory)
                for run in self._comparison.runs}

    # --- training -----------------------------------------------------------------------------

    def iterations(self) -> dict[str, int] | None:
        """{run name: its iteration} of the open comparison (None: none), for a take."""
        if self._comparison is None:
            return None
        return {run.name: int(run.iteration) for run in self._comparison.runs}

    def train_runs_to(self, iterations: dict[str, int]) -> None:
        """Train each run alone up to its iteration in `iterations` (a take's record of
        them); ValueError if the runs are not those or one is already past it."""
        comparison = self._comparison
        names = [run.name for run in comparison.runs] if comparison is not None else []
        if sorted(names) != sorted(iterations):
            raise ValueError(f"the take compares the runs {', '.join(sorted(iterations))}, "
                             f"the lab {', '.join(sorted(names)) or 'none'}")
        for run in comparison.runs:
            if run.iteration > iterations[run.name]:
                raise ValueError(f"run {run.name!r} is past iteration {iterations[run.name]}, "
                                 "where the take recorded it: it does not fit this start")
            comparison.train_run(run.name, iterations[run.name] - run.iteration)
        self._controller.publish_change(None)


    def _train(self, iterations: int) -> str | None:
        """Run's work while comparing: every running run `iterations` more, in lockstep."""
        comparison = self._comparison
        comparison.run_iterations(iterations)
        if not any(run.status == RUNNING for run in comparison.runs):
            return "Paused: every compared run has stopped or diverged"
        return None

    # --- views --------------------------------------------------------------------------------

    def _on_controller_snapshot_changed(self, snapshot) -> None:
        """The main run changed: a rebuilt or replaced one ends the comparison; otherwise
        the view follows, at most every VIEW_S while running."""
        comparison = self._comparison
        if comparison is None:
            return
        if self._controller.stepper is not comparison.main.stepper:
            self.close(quiet=True)
            # After the controller's own sentence about the rebuild, which follows this.
            QTimer.singleShot(0, self._on_closed_by_replacement)
            return
        wait = self._last_view + VIEW_S - time.perf_counter()
        if snapshot.running and wait > 0:
            if not self._timer.isActive():
                self._timer.start(int(wait * 1000) + 1)
            return
        self._publish()

    def _on_closed_by_replacement(self) -> None:
        """Said after the controller's own sentence about the rebuild, unless the new main
        run came with compared runs of its own (an opened session)."""
        if self._comparison is None:
            self._controller.status_message.emit(
                "The main run was rebuilt or replaced: the comparison is closed")

    def _on_timer_timeout(self) -> None:
        self._publish()

    def _publish(self) -> None:
        self._timer.stop()
        comparison, snapshot = self._comparison, self._controller.snapshot
        if comparison is None or snapshot is None or snapshot.classification is None:
            return
        self._last_view = time.perf_counter()
        main = comparison.main.model
        choices = {name: tuple(main.parameters()[name].shape) for name in trained_names(main)}
        self.comparison_changed.emit(comparison_view(
            comparison, dict(self._colors), self._pictures, snapshot.classification.extent,
            running=snapshot.running, main_version=self._controller.version,
            can_add=len(comparison.runs) < MAX_RUNS, choices=copy.deepcopy(choices)))
