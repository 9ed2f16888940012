"""Compare runs: up to four runs of one classifier, from the same start, trained in lockstep.

The first run is the one the comparison was made from (the window's own Stepper, by
reference: training the comparison trains it); the others are forks (engine/training/fork.py)
from where it stands or stood, each with its own settings and its own Stepper. Each run
trains exactly as it would alone: run_iterations calls each run's Stepper.run_iterations in
turn, and nothing else touches a run's arrays, so its numbers are those of training that
setting alone from the same start, bit for bit.

Lockstep: run_iterations(n) trains every running run n iterations when they stand at the
same epoch. A run behind the others (a fork from a past iteration, a run resumed after a
stop) first catches up, up to n iterations a call while the others wait, so every call does
about n iterations a run and the window stays responsive.

For a watched weight, each run records its optimizer's state over time
(engine/training/internals.py); each run also records its parameter path for the loss
landscape (engine/training/coordinates.py's TrajectoryRecorder). A comparison's state is
JSON-able (get_state, from_state), the arrays in engine/files/state.py's exact encoding; the
first run's own training state is not in it, it is the session's.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.training.coordinates import Coordinate, TrajectoryRecorder, check_coordinate
from engine.training.fork import (
    RunStart,
    capture_start,
    check_fork_spec,
    describe_changes,
    fork_stepper,
)
from engine.training.internals import OptimizerInternals
from engine.training.model import Model
from engine.training.stepper import Divergence, Stepper

MAX_RUNS = 4
RUNNING, STOPPED, DIVERGED = "running", "stopped", "diverged"
STATUSES = (RUNNING, STOPPED, DIVERGED)
FORMAT = 1


@dataclass(eq=False)
class Run:
    """One compared run. forked_at: the iteration it was forked at (None for the run the
    comparison was made from); status: RUNNING, STOPPED or DIVERGED (message says where)."""

    name: str
    stepper: Stepper
    forked_at: int | None
    trajectory: TrajectoryRecorder
    status: str = RUNNING
    message: str = ""
    internals: OptimizerInternals | None = None

    @property
    def model(self) -> Model:
        return self.stepper.trainable

    @property
    def iteration(self) -> int:
        return self.stepper.iteration


class Comparison:
    """The compared runs; runs[0] is the main run, the one the window shows as its own."""

    def __init__(self, main: Stepper, name: str = "main"):
        if not isinstance(main.trainable, Model):
            raise ValueError(f"runs are compared in the classification lab: "
                             f"{main.trainable.title} is not a classifier Model")
        self._runs = [Run(name, main, None, TrajectoryRecorder(main.trainable))]
        self._runs[0].trajectory.record(main)
        self._watched: Coordinate | None = None

    # -- the runs ------------------------------------------------------------------------------

    @property
    def runs(self) -> tuple[Run, ...]:
        return tuple(self._runs)

    @property
    def main(self) -> Run:
        return self._runs[0]

    @property
    def epoch(self) -> int:
        """The lockstep epoch: the furthest a running run has got (of all if none runs)."""
        running = [run for run in self._runs if run.status == RUNNING] or self._runs
        return max(run.iteration for run in running)

    def run(self, name: str) -> Run:
        """The run called `name`; ValueError listing the names otherwise."""
        for run in self._runs:
            if run.name == name:
                return run
        raise ValueError(f"no compared run is called {name!r}: the runs are "
                         f"{', '.join(run.name for run in self._runs)}")

    def add_run(self, spec: dict, start: RunStart | None = None,
                name: str | None = None) -> Run:
        """A fork with `spec` from `start` (by default where the main run stands now, which
        must be an iteration start), called `name` (by default what it changes; a name
        already taken gets a number); ValueError if there are MAX_RUNS runs already or the
        spec may not be compared (engine/training/fork.py)."""
        if len(self._runs) >= MAX_RUNS:
            raise ValueError(f"at most {MAX_RUNS} runs can be compared: remove one first")
        start = capture_start(self.main.stepper) if start is None else start
        check_fork_spec(self.main.model.spec, start.spec)  # a start of this run's data
        stepper = fork_stepper(start, spec)
        name = self._free_name(name or describe_changes(start.spec, spec))
        run = Run(name, stepper, start.iteration, TrajectoryRecorder(stepper.trainable))
        run.trajectory.record(run.stepper)
        if self._watched is not None:
            self._start_internals(run)
        self._runs.append(run)
        return run

    def _free_name(self, name: str) -> str:
        taken = {run.name for run in self._runs}
        if name not in taken:
            return name
        number = 2
        while f"{name} ({number})" in taken:
            number += 1
        return f"{name} ({number})"

    def stop(self, name: str) -> None:
        """The run stays where it is while the others train on."""
        self.run(name).status = STOPPED

    def resume(self, name: str) -> None:
        """Train the run again; it catches up with the others first."""
        run = self.run(name)
        run.status, run.message = RUNNING, ""

    def remove(self, name: str) -> None:
        """Forget a run; ValueError for the main run (promote another one first)."""
        run = self.run(name)
        if run is self.main:
            raise ValueError(f"{name!r} is the main run: promote another run before "
                             "removing it")
        self._runs.remove(run)

    def promote(self, name: str) -> Run:
        """Make the run the main one (the window's own from now on): it swaps places with
        the main run, which stays in the comparison. Returns the new main run."""
        run = self.run(name)
        number = self._runs.index(run)
        self._runs[0], self._runs[number] = run, self._runs[0]
        return run

    # -- training ------------------------------------------------------------------------------

    def run_iterations(self, n: int) -> None:
        """n iterations of every running run, in lockstep (runs behind catch up first)."""
        running = [run for run in self._runs if run.status == RUNNING]
        if n <= 0 or not running:
            return
        lead = max(run.iteration for run in running)
        behind = [run for run in running if run.iteration < lead]
        for run in behind or running:
            self._train(run, min(n, lead - run.iteration) if behind else n)

    def train_run(self, name: str, iterations: int) -> None:
        """`iterations` more of the run called `name` alone, whatever its status (a replay
        redoing a recorded comparison run by run: each run's numbers depend on its own
        iterations only, so the order the runs are trained in changes none)."""
        if iterations > 0:
            self._train(self.run(name), iterations)

    def _train(self, run: Run, iterations: int) -> None:
        """Train one run; a run whose watched weight is sampled trains up to each sample."""
        while iterations > 0:
            chunk = iterations
            due = run.internals.next_due() if run.internals is not None else None
            if due is not None and due > run.iteration:
                chunk = min(chunk, due - run.iteration)
            try:
                run.stepper.run_iterations(chunk)
            except Divergence as divergence:
                run.stepper.restore_last_good()
                run.status, run.message = DIVERGED, str(divergence)
                break
            iterations -= chunk
            self._sample(run)
        run.trajectory.record(run.stepper)

    # -- the watched weight --------------------------------------------------------------------

    @property
    def watched(self) -> Coordinate | None:
        return self._watched

    def watch(self, name: str, index: tuple[int, ...]) -> None:
        """Record every run's optimizer state for parameters()[name][index] from now on;
        ValueError for a weight the runs do not train."""
        self._watched = check_coordinate(self.main.model, name, index)
        for run in self._runs:
            self._start_internals(run)

    def unwatch(self) -> None:
        self._watched = None
        for run in self._runs:
            run.internals = None

    def _start_internals(self, run: Run) -> None:
        run.internals = OptimizerInternals(run.model, *self._watched)
        self._sample(run)

    @staticmethod
    def _sample(run: Run) -> None:
        if run.internals is not None and run.stepper.position == 0:
            run.internals.record(run.model)

    # -- state ---------------------------------------------------------------------------------

    def get_state(self) -> dict:
        """JSON-able and exact: every run's spec, training state (the main run's excepted:
        the session holds it), status, records and the watched weight."""
        watched = self._watched
        return {"format": FORMAT,
                "watched": None if watched is None else [watched.name, list(watched.index)],
                "runs": [_run_state(run, keep_stepper=number > 0)
                         for number, run in enumerate(self._runs)]}

    @classmethod
    def from_state(cls, main: Stepper, state: dict) -> Comparison:
        """The comparison get_state() saved, around `main` (the main run, restored by the
        session); ValueError naming the run and the problem if the state does not fit."""
        try:
            runs = list(state["runs"])
            if state["format"] != FORMAT or not 1 <= len(runs) <= MAX_RUNS:
                raise ValueError(f"format {state['format']!r} with {len(runs)} runs")
            comparison = cls(main, _text(runs[0]["name"]))
            watched = state["watched"]
            if watched is not None:
                comparison._watched = check_coordinate(main.trainable, watched[0],
                                                       tuple(watched[1]))
        except (KeyError, TypeError, ValueError, IndexError) as error:
            raise ValueError(f"not a saved comparison: {error}") from None
        for number, saved in enumerate(runs):
            try:
                comparison._restore_run(number, saved)
            except (KeyError, TypeError, ValueError, IndexError, AttributeError,
                    ArithmeticError) as error:
                raise ValueError(f"compared run {number + 1}: {error}") from None
        return comparison

    def _restore_run(self, number: int, saved: dict) -> None:
        if saved["status"] not in STATUSES:
            raise ValueError(f"unknown status {saved['status']!r}")
        run = self.main if number == 0 else self._restored_fork(saved)
        run.forked_at = _iteration(saved["forked_at"])
        run.status, run.message = saved["status"], _text(saved["message"], empty=True)
        run.trajectory.set_state(saved["trajectory"])
        run.trajectory.record(run.stepper)
        if saved["internals"] is not None:
            run.internals = OptimizerInternals.from_state(run.model, saved["internals"])

    def _restored_fork(self, saved: dict) -> Run:
        """A run rebuilt as a session rebuilds one: its Model from the spec it was built
        with, then its Stepper set where it stood."""
        stepper = Stepper(Model(check_fork_spec(self.main.model.spec, saved["spec"])))
        stepper.set_state(saved["stepper"])
        run = Run(self._free_name(_text(saved["name"])), stepper, None,
                  TrajectoryRecorder(stepper.trainable))
        self._runs.append(run)
        return run


def _run_state(run: Run, keep_stepper: bool) -> dict:
    return {"name": run.name, "status": run.status, "message": run.message,
            "spec": run.model.starting_spec, "forked_at": run.forked_at,
            "stepper": run.stepper.get_state() if keep_stepper else None,
            "trajectory": run.trajectory.get_state(),
            "internals": None if run.internals is None else run.internals.get_state()}


def _text(value, empty: bool = False) -> str:
    if not isinstance(value, str) or (not value and not empty):
        raise ValueError(f"expected a name, got {value!r}")
    return value


def _iteration(value) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                              or value < 0):
        raise ValueError(f"forked_at: expected an iteration, got {value!r}")
    return value
