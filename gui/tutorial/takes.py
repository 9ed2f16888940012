"""Takes: the learner's actions on a lab, recorded with their timing so they can be redone exactly.

The controller's public methods are the actions (every view request ends in one), and each
announces itself on the controller's `action_performed` signal with its arguments by name, once
per user action (gui/controller/actions.py); the recorder here only listens. A take stores each
action with the seconds since recording began and the stepper's position just before it; a run
between two actions is redone by training up to the next action's position, which makes a
replay exact whatever the speed of the computer that replays it.

Format 1 (JSON):

    {"app": "backprop-playground", "take": 1,
     "start": a session document (engine.files.session's format: where the take begins),
     "actions": [{"at": seconds, "action": name, "args": {...},
                  "iteration": i, "position": p,
                  optional "runs": {compared run: its iteration}}, ...],
     "end": {"at": seconds, "iteration": i, "position": p}}

Action names are the controller's method names, plus "scenario" (a scenario chosen in the
window) and "undo_index" (Edit > Undo or Redo moved the undo stack to that index). While runs
are compared, each action also records where every run stands ("runs"): the runs train in
lockstep, but one behind catches up while the others wait, so the main run's position alone
does not say where the others are; a replay trains each run up to its own iteration.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from engine.files.atomic import write_atomically
from engine.files.session import Session, SessionError, session_document, session_from_document
from gui.controller.actions import inside_action

APP = "backprop-playground"
TAKE_FORMAT = 1
MAX_TAKE_BYTES = 50 * 2**20
# What a take may ask for, with the arguments each needs (from the window or a controller).
ACTIONS: dict[str, tuple[str, ...]] = {
    "scenario": ("name",),
    "undo_index": ("index",),
    "open_session": ("session",),
    "set_architecture": ("network",),
    "set_data_spec": ("data_spec",),
    "set_hyperparameters": ("values",),
    "set_stop_conditions": ("conditions",),
    "add_point": ("x", "y", "label"),
    "remove_point": ("index",),
    "clear_points": (),
    "load_points": ("path",),
    "restore_last_good": (),
    "edit_value": ("name", "index", "value", "session"),
    "select": ("name", "index"),
    "step": (),
    "step_back": (),
    "finish_iteration": (),
    "run_iterations": ("n",),
    "reset": (),
    "set_running": ("running",),
    "toggle_running": (),
    "set_speed": ("per_second", "unit"),
    "compare_add_run": (),
    "compare_set_settings": ("name", "settings"),
    "compare_stop": ("name",),
    "compare_resume": ("name",),
    "compare_remove": ("name",),
    "compare_promote": ("name",),
    "compare_watch": ("name", "index"),
    "compare_close": (),
}
# Recorded for their timing, replayed as training up to the next action's position.
RUN_TOGGLES = ("set_running", "toggle_running")


class TakeError(ValueError):
    """A take file that cannot be replayed, and why."""


def plain(value: Any) -> Any:
    """`value` as JSON keeps it: tuples as lists, numpy scalars as numbers, sessions as
    their documents."""
    if isinstance(value, Session):
        return session_document(value)
    if isinstance(value, dict):
        return {str(key): plain(each) for key, each in value.items()}
    if isinstance(value, list | tuple):
        return [plain(each) for each in value]
    if hasattr(value, "item") and not isinstance(value, str):
        return value.item()
    if hasattr(value, "keys"):  # a read-only mapping
        return {str(key): plain(value[key]) for key in value.keys()}
    return value


def position_of(controller: Any) -> dict[str, int]:
    stepper = controller.stepper
    return {"iteration": int(stepper.iteration), "position": int(stepper.position)}


def compared_iterations(controller: Any) -> dict[str, int] | None:
    """{compared run: its iteration} while `controller` compares runs, else None."""
    comparison = getattr(controller, "comparison", None)
    return None if comparison is None else comparison.iterations()


class ActionRecorder(QObject):
    """Records a take from a window: its scenario choices and its labs' controllers' actions."""

    # () a take was written (or recording stopped)
    stopped = Signal()

    def __init__(self, window, active_controller: Callable[[], Any]):
        super().__init__(window)
        self.window = window
        self._active = active_controller
        self._hooked: set[int] = set()
        self._started = 0.0
        self._shown: Any = None
        self._before_load: dict[str, int] | None = None
        self.take: dict | None = None

    @property
    def recording(self) -> bool:
        return self.take is not None

    def start(self) -> None:
        """Begin a take at the lab on screen, as it is now."""
        controller = self._active()
        if controller is None:
            raise TakeError("open a scenario first: a take starts from a lab")
        controller.pause()
        self._shown = controller  # the lab on screen, whose position a scenario change records
        self._started = time.perf_counter()
        self.take = {"app": APP, "take": TAKE_FORMAT,
                     "start": session_document(controller.capture_session()), "actions": []}
        self._hook_controllers()
        self.window.scenario_requested.connect(self._on_window_scenario_requested)

    def stop(self) -> dict:
        """End the take where the lab on screen stands; returns it."""
        take = self.take
        controller = self._active()
        take["end"] = {"at": self._now(), **position_of(controller)}
        runs = compared_iterations(controller)
        if runs is not None:
            take["end"]["runs"] = runs
        self.window.scenario_requested.disconnect(self._on_window_scenario_requested)
        self.take = None
        self.stopped.emit()
        return take

    def _now(self) -> float:
        return round(time.perf_counter() - self._started, 4)

    def _hook_controllers(self) -> None:
        # The controller comes with its lab; importing it here keeps it off the start page.
        from gui.controller.lab_controller import LabController

        for controller in self.window.findChildren(LabController):
            if id(controller) not in self._hooked:
                self._hooked.add(id(controller))
                controller.action_performed.connect(
                    lambda name, args, c=controller:
                    self._on_controller_action_performed(c, name, args))
                controller.undo_stack.indexChanged.connect(
                    lambda index, c=controller: self._on_undo_stack_index_changed(c, index))

    def _add(self, position: dict[str, int], name: str, args: dict,
             controller: Any = None) -> None:
        entry = {"at": self._now(), "action": name, "args": plain(args), **position}
        runs = compared_iterations(controller)
        if runs is not None:
            entry["runs"] = runs
        self.take["actions"].append(entry)

    def _on_controller_action_performed(self, controller: Any, name: str, args: dict) -> None:
        """A lab's action; a scenario load is recorded from the window, with the position
        the lab stood at before the load replaced its stepper (noted here)."""
        if not self.recording:
            return
        if name == "load_scenario" and controller is self._shown:
            self._before_load = position_of(controller)
        elif name in ACTIONS:
            self._add(position_of(controller), name, args, controller)

    def _on_undo_stack_index_changed(self, controller: Any, index: int) -> None:
        """Edit > Undo or Redo (other stack changes happen inside recorded actions)."""
        if self.recording and not inside_action(controller):
            self._add(position_of(controller), "undo_index", {"index": index}, controller)

    def _on_window_scenario_requested(self, name: str) -> None:
        """A scenario chosen in the window; its lab may be new, so hook its controller.
        The position is the previous lab's, paused where the learner left it."""
        if not self.recording:
            return
        self._hook_controllers()
        position = self._before_load or position_of(self._shown)
        self._add(position, "scenario", {"name": name})
        self._before_load = None
        self._shown = self._active()


def save_take(take: dict, path: str | Path) -> None:
    """Write a take as JSON, atomically (FileWriteError, the file there kept, if it fails)."""
    write_atomically(path, json.dumps(take, allow_nan=False))


def load_take(path: str | Path) -> dict:
    """A take read from `path` and checked throughout; TakeError naming what is wrong."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_TAKE_BYTES:
            raise TakeError(f"{path.name} is larger than a take can be")
        take = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise TakeError(f"cannot read {path}: {error.strerror or error}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise TakeError(f"{path.name} is not a take file (not JSON: {error})") from None
    check_take(take)
    return take


def check_take(take: Any) -> None:
    """TakeError unless `take` is a format-1 take whose actions are all known and complete."""
    if not isinstance(take, dict) or take.get("app") != APP:
        raise TakeError("not a Backprop Playground take (no \"app\": \"backprop-playground\")")
    if take.get("take") != TAKE_FORMAT:
        raise TakeError(f"take format {take.get('take')!r} is not one this version replays "
                        f"({TAKE_FORMAT})")
    try:
        session_from_document(take.get("start"))
    except SessionError as error:
        raise TakeError(f"the take's start: {error}") from None
    actions = take.get("actions")
    if not isinstance(actions, list):
        raise TakeError("\"actions\" must be a list")
    last = 0.0
    for number, entry in enumerate([*actions, take.get("end")]):
        where = f"action {number}" if number < len(actions) else "\"end\""
        if not isinstance(entry, dict):
            raise TakeError(f"{where} must be an object")
        at = entry.get("at")
        if not isinstance(at, int | float) or isinstance(at, bool) or not math.isfinite(at) \
                or at < last:
            raise TakeError(f"{where}: \"at\" must be a time in seconds, not before the last")
        last = at
        for key in ("iteration", "position"):
            value = entry.get(key)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise TakeError(f"{where}: \"{key}\" must be a whole number, 0 or more")
        _check_runs(entry.get("runs", {}), where)
        if number == len(actions):
            break
        name, args = entry.get("action"), entry.get("args")
        if name not in ACTIONS:
            raise TakeError(f"{where}: unknown action {name!r}")
        if not isinstance(args, dict) or set(args) != set(ACTIONS[name]):
            raise TakeError(f"{where} ({name}) needs the arguments "
                            f"{', '.join(ACTIONS[name]) or 'none'}")


def _check_runs(runs: Any, where: str) -> None:
    """An action's record of the compared runs: {name: whole number, 0 or more}."""
    if not isinstance(runs, dict) or not all(
            isinstance(name, str) and isinstance(at, int) and not isinstance(at, bool)
            and at >= 0 for name, at in runs.items()):
        raise TakeError(f"{where}: \"runs\" must give each compared run's iteration")
