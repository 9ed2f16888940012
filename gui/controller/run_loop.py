"""The run loop: Run trains in short time-boxed slices on a QTimer, so the window never freezes.

Each tick adds the work the speed makes due since the last one (iterations or single operations
per second) and does as much of it as fits in the slice budget, in as few stepper calls as the
measured cost per unit allows; a slow run sleeps until its next unit is due, and a run behind
schedule drops its backlog rather than stutter to catch up. Between slices Qt paints and answers
keys. The loop tells the controller how each slice ended through its signals; the controller
publishes the snapshots.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from engine.training.performance import release_freed_memory
from engine.training.stepper import Divergence, Stepper
from gui.controller.trainable_part import TrainablePart

TICK_MS = 30  # one run slice, and one snapshot, per tick: about 30 a second
SLICE_BUDGET_S = 0.012  # at most this much computing per slice, the rest of the tick is Qt's
MIN_CHUNK = 4  # after the first, no run call for fewer iterations than this in a slice
FRAME_SLACK_S = 0.002  # a slice ending this close to the next frame's time publishes it
# (or closer than MIN_CHUNK iterations take, which the slice leaves untrained)
RELEASE_EVERY_S = 10.0  # while running, freed memory goes back to the system this often
RATE_WINDOW_S = 1.0  # the rate a run reaches is measured over its last second
UNITS = ("iterations", "operations")


class RunLoop(QObject):
    """Trains a stepper while running, one time-boxed slice per timer tick."""

    # (Divergence) training blew up inside a slice; the loop has paused
    diverged = Signal(object)
    # (reason) a stop condition was met; the loop has paused
    stopped = Signal(str)
    # (frame due) a slice trained; True when a snapshot is due (at most one per frame interval)
    trained = Signal(bool)

    def __init__(self, parent: QObject, tick_ms: int = TICK_MS,
                 slice_budget_s: float = SLICE_BUDGET_S, frame_s: float = 0.0):
        """tick_ms, slice_budget_s: the timer's interval and the computing time per tick.
        frame_s: one snapshot at most this often (0: one per tick)."""
        super().__init__(parent)
        self.speed = 10.0
        self.unit = "iterations"
        self._tick_ms = tick_ms
        self._slice_budget_s = slice_budget_s
        self._frame_s = frame_s
        self._timer = QTimer(self)
        self._timer.setInterval(tick_ms)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._stepper: Stepper | None = None
        self._part: TrainablePart | None = None
        self._credit = 0.0  # units of work due and not done yet
        self._last_tick = 0.0
        self._last_release = 0.0
        self._last_frame = 0.0
        self._seconds_per_unit = 1e-4
        self._started = 0.0
        self._done: deque[tuple[float, int]] = deque()  # (when, units) of the recent slices
        # Trains n iterations instead of the stepper alone and says why Run must stop (or
        # None): a comparison trains its runs in lockstep (gui/controller/comparison_part.py).
        self.trainer: Callable[[int], str | None] | None = None

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    @property
    def paced(self) -> bool:
        """Running with snapshots at most every frame interval: costly extras may lag."""
        return bool(self._frame_s) and self.running

    def set_speed(self, per_second: float, unit: str) -> bool:
        """How many iterations (or single operations) a second; False (and unchanged) for a
        speed that is not positive or an unknown unit."""
        if unit not in UNITS or not per_second > 0:
            return False
        self.speed, self.unit = float(per_second), unit
        return True

    def start(self, stepper: Stepper, part: TrainablePart) -> None:
        """Train `stepper` from the next tick on; `part` says when to stop and how to run."""
        self._stepper, self._part = stepper, part
        self._credit = 0.0
        self._last_frame = 0.0
        self._timer.setInterval(self._tick_ms)
        part.prepare_to_run()
        self._last_tick = self._last_release = self._started = time.perf_counter()
        self._done.clear()
        self._timer.start()

    def achieved(self) -> float | None:
        """Units per second the run reached over its last RATE_WINDOW_S, what the window really
        does beside what the speed asks; None while paused or before a whole window has run."""
        now = time.perf_counter()
        if not self.running or now - self._started < RATE_WINDOW_S:
            return None
        while self._done and self._done[0][0] < now - RATE_WINDOW_S:
            self._done.popleft()
        return sum(units for _, units in self._done) / RATE_WINDOW_S

    def pause(self) -> None:
        """Stop running; the memory the run's temporary arrays left behind goes back."""
        if self._timer.isActive():
            self._timer.stop()
            release_freed_memory()

    def frame_shown(self) -> None:
        """A snapshot went out now: the next one is due a frame interval later."""
        self._last_frame = time.perf_counter()

    def _on_timer_timeout(self) -> None:
        """One run slice: as much of the due work as fits in the budget, then say how it
        ended (a snapshot is due at most once per frame interval)."""
        now = time.perf_counter()
        due = self._units_due(now)
        if due == 0:
            return
        stepper, part = self._stepper, self._part
        budget = part.epochs_left(stepper, self.unit)
        if budget is not None:
            due = min(due, budget)
        try:
            done, stop = self._train(due, self._deadline(now))
        except Divergence as divergence:
            self.pause()
            self.diverged.emit(divergence)
            return
        self._done.append((time.perf_counter(), done))
        # Behind schedule: drop the backlog rather than stutter to catch up.
        self._credit = self._credit - due if done >= due else 0.0
        if stop is None and budget is not None and done >= budget:
            stop = part.stop_reason(stepper)
        if stop is not None:
            self.pause()
            self.stopped.emit(stop)
            return
        if now - self._last_release > RELEASE_EVERY_S:
            self._last_release = now
            release_freed_memory()
        slack = max(FRAME_SLACK_S, MIN_CHUNK * self._seconds_per_unit)
        self.trained.emit(time.perf_counter() - self._last_frame >= self._frame_s - slack)

    def _units_due(self, now: float) -> int:
        """Whole units the speed has made due by `now` (0: a slow run's timer then waits
        until its next unit instead of spinning)."""
        self._credit = min(self._credit + self.speed * (now - self._last_tick),
                           max(1.0, self.speed * 0.25))
        self._last_tick = now
        due = int(self._credit)
        if due == 0:
            wait = (1.0 - self._credit) / self.speed
            self._timer.setInterval(max(self._tick_ms, min(100, int(1000 * wait))))
        else:
            self._timer.setInterval(self._tick_ms)
        return due

    def _deadline(self, now: float) -> float:
        deadline = now + self._slice_budget_s
        if self._frame_s:
            # Train up to the next frame, so frames come on time whatever the budget.
            deadline = min(deadline, max(self._last_frame + self._frame_s, now + 0.002))
        return deadline

    def _train(self, due: int, deadline: float) -> tuple[int, str | None]:
        """(units done, why Run must stop or None): up to `due` units before `deadline`, in
        chunks sized by the measured cost (one at a time while a target is watched)."""
        stepper, part = self._stepper, self._part
        one_at_a_time = part.trains_one_at_a_time
        done, stop = 0, None
        while done < due and time.perf_counter() < deadline and stop is None:
            left = deadline - time.perf_counter()
            if done and not one_at_a_time and left < MIN_CHUNK * self._seconds_per_unit:
                break  # a sliver of time: not worth another call and its checkpoint
            chunk = 1 if one_at_a_time else \
                max(1, min(due - done, int(left / self._seconds_per_unit)))
            started = time.perf_counter()
            if self.unit == "operations":
                for _ in range(chunk):
                    stepper.step()
            elif self.trainer is not None:
                stop = self.trainer(chunk)
            else:
                stepper.run_iterations(chunk)
            self._seconds_per_unit = max(1e-7, (time.perf_counter() - started) / chunk)
            done += chunk
            stop = stop or part.stop_reason(stepper)
        return done, stop
