"""Replaying a take, and Tools > Record actions that writes one.

A replay opens the take's start, then does each action at its time through the same controller
methods the views call. Between two actions it trains up to the position the next one was
recorded at, spread over the interval as the live run was, so a take redone on a faster or
slower computer ends at the same numbers bit for bit. `fast` drops the waiting (tests, checks).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, QSignalBlocker, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow

from gui.shell.file_dialogs import ask_save_path
from gui.tutorial.recording import active_controller
from gui.tutorial.takes import (
    RUN_TOGGLES,
    ActionRecorder,
    TakeError,
    compared_iterations,
    save_take,
)

TICK_MS = 30
SLICE_BUDGET_S = 0.02  # training per tick while catching up with a recorded run
STATUS_MS = 10_000


def _operations_done(controller: Any) -> int:
    stepper = controller.stepper
    return stepper.iteration * len(stepper.operations) + stepper.position


class Chunks:
    """How many whole iterations to train in one call to the controller. Each call ends in a
    snapshot, which can cost more than many iterations of a small network: a run redone an
    iteration per call took many times as long as the live run. The chunk doubles while a
    call (training and snapshot) takes under twice the slice's budget and halves above four
    times it, so the window still answers between calls."""

    def __init__(self, budget_s: float):
        self.budget_s = budget_s
        self.size = 1

    def next(self, left: int) -> int:
        return max(1, min(left, self.size))

    def took(self, seconds: float) -> None:
        if seconds < 2 * self.budget_s:
            self.size *= 2
        elif seconds > 4 * self.budget_s and self.size > 1:
            self.size //= 2


def advance(controller: Any, target: tuple[int, int], budget_s: float | None = None,
            chunks: Chunks | None = None) -> bool:
    """Train `controller` forward to (iteration, position) = `target`, whole iterations where
    possible (all at once without a budget, else as many per call as `chunks` finds fit);
    True when there, False when `budget_s` ran out first. TakeError if the stepper is already
    past it (the take was not recorded from this start)."""
    stepper = controller.stepper
    goal = target[0] * len(stepper.operations) + target[1]
    if _operations_done(controller) > goal:
        raise TakeError(f"the lab is past iteration {target[0]}, operation {target[1]}, where "
                        "the take's next action was recorded: it does not fit this start")
    deadline = None if budget_s is None else time.perf_counter() + budget_s
    chunks = chunks or Chunks(budget_s or 0.0)
    while _operations_done(controller) < goal:
        now = time.perf_counter()
        if deadline is not None and now > deadline:
            return False
        if stepper.position == 0 and stepper.iteration < target[0]:
            left = target[0] - stepper.iteration
            controller.run_iterations(left if deadline is None else chunks.next(left))
            chunks.took(time.perf_counter() - now)
        else:
            controller.step()
    return True


class Replayer(QObject):
    """Plays one take in `window`; `finished` when done (or failed, with the reason).

    speed: how much faster than the take's own pace (2.0: in half its time); fast: no
    waiting at all."""

    # (str) "" when the take was played to its end, else why it stopped
    finished = Signal(str)

    def __init__(self, window: QMainWindow, take: dict, fast: bool = False, speed: float = 1.0):
        super().__init__(window)
        if not speed > 0:
            raise ValueError(f"a replay's speed is a positive factor, not {speed}")
        self.window, self.take, self.fast, self.speed = window, take, fast, speed
        self._chunks = Chunks(SLICE_BUDGET_S)
        self._entries = [*take["actions"], {**take["end"], "action": None}]
        self._next = 0
        self._from: tuple[float, int] = (0.0, 0)  # (take time, operations done) of the last
        self._started = 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(0 if fast else TICK_MS)
        self._timer.timeout.connect(self._on_timer_timeout)

    def start(self) -> None:
        """Open the take's start, then play its actions on the event loop."""
        from engine.files.session import SessionError, session_from_document
        from gui.tutorial.session_actions import scenario_for

        try:
            session = session_from_document(self.take["start"])
        except SessionError as error:
            self.finished.emit(f"the take's start: {error}")
            return
        self.window.scenario_requested.emit(scenario_for(session))
        controller = active_controller(self.window)
        controller.open_session(session)
        self._from = (0.0, _operations_done(controller))
        self._started = time.perf_counter()
        self._timer.start()

    def _on_timer_timeout(self) -> None:
        """Catch up with the recorded run, then do the actions that are due."""
        try:
            while self._next < len(self._entries):
                entry = self._entries[self._next]
                controller = active_controller(self.window)
                target = (entry["iteration"], entry["position"])
                if not self._due(entry):
                    self._pace(controller, entry)
                    return
                if "runs" in entry and compared_iterations(controller) is not None:
                    controller.comparison.train_runs_to(entry["runs"])
                if not advance(controller, target, None if self.fast else SLICE_BUDGET_S,
                               self._chunks):
                    return  # more training than a slice: on at the next tick
                self._do(controller, entry)
                self._next += 1
                self._from = (entry["at"], _operations_done(active_controller(self.window)))
        except (TakeError, TypeError, ValueError, KeyError) as error:
            self._timer.stop()
            self.finished.emit(str(error))
            return
        self._timer.stop()
        self.finished.emit("")

    def _elapsed(self) -> float:
        """Seconds of the take played so far (at the replay's speed)."""
        return (time.perf_counter() - self._started) * self.speed

    def _due(self, entry: dict) -> bool:
        return self.fast or self._elapsed() >= entry["at"]

    def _pace(self, controller: Any, entry: dict) -> None:
        """Train the share of the recorded run that the time elapsed since the last action
        stands for."""
        if compared_iterations(controller) is not None:
            return  # compared runs train up to their recorded iterations when it is due
        start_at, start_done = self._from
        span = entry["at"] - start_at
        stepper = controller.stepper
        goal = entry["iteration"] * len(stepper.operations) + entry["position"]
        share = min(1.0, (self._elapsed() - start_at) / span) if span else 1
        now = start_done + int(share * (goal - start_done))
        n = len(stepper.operations)
        if now > _operations_done(controller):
            advance(controller, (now // n, now % n), SLICE_BUDGET_S, self._chunks)

    def _do(self, controller: Any, entry: dict) -> None:
        name, args = entry["action"], dict(entry.get("args", {}))
        if name is None or name in RUN_TOGGLES:
            return  # the end, or a run: redone as the training up to the next action
        if name == "scenario":
            self.window.scenario_requested.emit(args["name"])
        elif name == "undo_index":
            controller.undo_stack.setIndex(int(args["index"]))
        elif name == "open_session":
            from engine.files.session import session_from_document

            controller.open_session(session_from_document(args["session"]))
        else:
            if "index" in args and isinstance(args["index"], list):
                args["index"] = tuple(args["index"])
            getattr(controller, name)(**args)


class TakeActions(QObject):
    """Tools > Record actions (Ctrl+Alt+R): on starts a take, off asks where to save it."""

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.window = window
        self.recorder = ActionRecorder(window, lambda: active_controller(window))
        self.action = QAction("Record &actions", window)
        self.action.setCheckable(True)
        self.action.setShortcut(QKeySequence("Ctrl+Alt+R"))
        self.action.toggled.connect(self._on_action_toggled)
        window.add_menu_action("Tools", self.action)
        self.replayer: Replayer | None = None

    def _on_action_toggled(self, on: bool) -> None:
        """Start a take, or end it and save it."""
        if on:
            try:
                self.recorder.start()
            except TakeError as error:
                self._uncheck()
                self.window.statusBar().showMessage(f"Cannot record: {error}", STATUS_MS)
                return
            self.window.statusBar().showMessage("Recording actions: Ctrl+Alt+R again to stop "
                                                "and save the take", STATUS_MS)
            return
        if not self.recorder.recording:
            return
        take = self.recorder.stop()
        path = ask_save_path(self.window, "take", "Save the take", "take.json",
                             "Takes (*.json)", suffix=".json")
        if path is not None:
            self.save(take, path)

    def save(self, take: dict, path: str | Path) -> None:
        """Write `take`, saying where or why not."""
        try:
            save_take(take, path)
        except (OSError, ValueError) as error:
            self.window.statusBar().showMessage(f"Could not save the take: {error}", STATUS_MS)
            return
        self.window.statusBar().showMessage(f"Saved {len(take['actions'])} actions to {path}",
                                            STATUS_MS)

    def replay(self, take: dict, fast: bool = False, speed: float = 1.0) -> Replayer:
        """Play `take` in this window (`speed` times its pace, or without waiting if fast)."""
        self.replayer = Replayer(self.window, take, fast, speed)
        self.replayer.finished.connect(self._on_replayer_finished)
        QTimer.singleShot(0, self.replayer.start)
        return self.replayer

    def _on_replayer_finished(self, problem: str) -> None:
        """Say how the replay ended."""
        self.window.statusBar().showMessage(
            f"Replay stopped: {problem}" if problem else "Replay done", STATUS_MS)

    def _uncheck(self) -> None:
        with QSignalBlocker(self.action):
            self.action.setChecked(False)


def replay_to_end(window: QMainWindow, take: dict) -> str:
    """Play `take` in `window` without waiting (a --screenshot of its end); "" when it was
    played to its end, else why it stopped."""
    ended: list[str] = []
    loop = QEventLoop()

    def _on_replayer_finished(problem: str) -> None:
        ended.append(problem)
        loop.quit()

    replayer = window.tools.take_actions.replay(take, fast=True)
    replayer.finished.connect(_on_replayer_finished)
    if not ended:
        loop.exec()
    return ended[0]
