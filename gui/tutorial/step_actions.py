"""A lesson step's actions done in the window, through the lab's controller, at a pace.

The engine plays a step on its own Stepper (engine/files/lesson_actions.py); the window does the
same actions through the controller the views talk to, with the same engine calls in the same
order, so it arrives at the same numbers while the learner watches: operations one at a time,
training in slices that leave the window answering (and show how far it is), edits, selections,
panels. `advance(t)` does what is due by `t` seconds after the actions began: the window calls it
from a timer with the time elapsed, the offline renderer with each frame's time, so a rendered
video shows training progress frame by frame, the same in every render.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from engine.files.lesson_actions import spec_with
from engine.files.lesson_steps import Action
from engine.files.lesson_terms import SpecPath
from engine.training.model import Model
from gui.controller.rebuilds import NETWORK_KEYS
from gui.tutorial.lesson_pacing import ONE_BY_ONE, OPERATION_S, TRAINING_S, eased
from gui.tutorial.lesson_targets import CENTRAL_PANELS, bring_forward
from gui.tutorial.replay import Chunks

TRAINED = ("run", "run_to")


@dataclass
class _Unit:
    """One thing to do at `at` seconds: an action, or one operation of a step action, or a
    run spread over `length` seconds."""

    action: Action
    at: float
    length: float = 0.0
    spread: bool = False  # a run (or many operations) done bit by bit over `length`
    started: bool = False
    start_count: int = 0  # iterations (or operations) done when a spread unit began
    goal: int = 0  # of a spread unit: how many to do in all


def schedule(actions: tuple[Action, ...], scale: float = 1.0) -> list[_Unit]:
    """The actions laid out in time (as gui/tutorial/lesson_pacing.py plans them), every time
    multiplied by `scale` (a step squeezed to fit)."""
    units, at = [], 0.0
    for action in actions:
        if action.kind in ("step", "step_back") and action.count <= ONE_BY_ONE:
            for _ in range(action.count):
                units.append(_Unit(_one(action), at))
                at += OPERATION_S * scale
        elif action.kind in ("step", "step_back", *TRAINED):
            units.append(_Unit(action, at, TRAINING_S * scale, spread=True))
            at += TRAINING_S * scale
        else:
            units.append(_Unit(action, at))
    return units


def _one(action: Action) -> Action:
    return Action(action.kind, count=1)


class StepActions:
    """Does `actions` in `window`'s active lab, each when it is due.

    paced: runs progress with the time (a rendered video); otherwise they go as fast as the
    slices allow (the window, where the learner waits for them)."""

    def __init__(self, window, actions: tuple[Action, ...], scale: float = 1.0,
                 paced: bool = False, presentation_allowed: bool = True,
                 slice_budget_s: float = 0.03):
        self.window = window
        self.units = schedule(actions, scale)
        self.paced = paced
        self.presentation_allowed = presentation_allowed
        self._next = 0
        self._chunks = Chunks(slice_budget_s)  # iterations per call that fit a slice

    @property
    def done(self) -> bool:
        return self._next >= len(self.units)

    def progress(self) -> tuple[int, int]:
        """(done, of) of the run being done, (0, 0) when none is."""
        if self.done or not self.units[self._next].spread or not self.units[self._next].started:
            return 0, 0
        unit = self.units[self._next]
        return self._count(unit) - unit.start_count, unit.goal

    def advance(self, elapsed: float, budget_s: float | None = None) -> bool:
        """Do what is due `elapsed` seconds after the actions began, training for at most
        `budget_s` (None: all that is due); True once every action is done."""
        deadline = None if budget_s is None else time.perf_counter() + budget_s
        while not self.done:
            unit = self.units[self._next]
            if unit.at > elapsed:
                return False
            if not unit.spread:
                self._do(unit.action)
            elif not self._spread(unit, elapsed, deadline):
                return False
            self._next += 1
        return True

    def finish(self) -> None:
        """Everything that is left, at once."""
        self.advance(float("inf"))

    # --- one action --------------------------------------------------------------------------

    def _lab(self):
        return self.window.active_lab()

    def _do(self, action: Action) -> None:
        lab = self._lab()
        controller = lab.controller
        kind = action.kind
        if kind == "step":
            controller.step()
        elif kind == "step_back":
            controller.step_back()
        elif kind == "finish_iteration":
            controller.finish_iteration()
        elif kind == "reset":
            controller.reset()
        elif kind == "select":
            controller.select(action.target.name, action.target.index or ())
        elif kind == "set":
            self._set(controller, action)
        elif kind == "open":
            self._open(lab, action.name)
        elif kind == "layout":
            self._layout(action.name)

    def _set(self, controller, action: Action) -> None:
        target, value = action.target, action.value
        model = controller.model
        if isinstance(target, SpecPath):
            if model is None:
                return  # the engine's warning says a seed example has no spec
            spec = spec_with(controller.spec, target, value)
            if isinstance(spec, str):
                return
            if target.keys[0] in ("data", "seed"):
                controller.set_data_spec({"data": spec["data"], "seed": spec["seed"]})
            else:
                controller.set_architecture({key: spec[key] for key in NETWORK_KEYS})
        elif target.name in controller.trainable.parameters():
            controller.edit_value(target.name, target.index or (), float(value))
        elif isinstance(model, Model) and target.name in model.hyperparameters():
            controller.set_hyperparameters({target.name: float(value)})

    def _open(self, lab, key: str) -> None:
        if key != CENTRAL_PANELS.get(lab.kind) and key in lab.docks:
            bring_forward(lab.docks[key])

    def _layout(self, name: str) -> None:
        if name == "default":
            self.window.reset_layout()
        elif self.presentation_allowed and self.window.tools is not None:
            self.window.tools.view_toggles.presentation.setChecked(True)

    # --- runs ---------------------------------------------------------------------------------

    def _count(self, unit: _Unit) -> int:
        stepper = self._lab().controller.stepper
        if unit.action.kind in TRAINED:
            return stepper.iteration
        return stepper.iteration * len(stepper.operations) + stepper.position

    def _spread(self, unit: _Unit, elapsed: float, deadline: float | None) -> bool:
        """Train (or step) toward where the unit should be at `elapsed`; True when it is
        complete (or cannot go on: the network diverged, nothing is left to step back to)."""
        if not unit.started:
            unit.started = True
            unit.start_count = self._count(unit)
            action = unit.action
            unit.goal = max(0, action.count - unit.start_count) if action.kind == "run_to" \
                else action.count
        share = eased((elapsed - unit.at) / unit.length) if self.paced and unit.length else 1.0
        sign = -1 if unit.action.kind == "step_back" else 1
        target = unit.start_count + sign * round(share * unit.goal)
        while sign * (target - self._count(unit)) > 0:
            if deadline is not None and time.perf_counter() > deadline:
                return False
            if not self._one_slice(unit, abs(target - self._count(unit)), deadline):
                return True
        return share >= 1.0

    def _one_slice(self, unit: _Unit, left: int, deadline: float | None) -> bool:
        """One call to the controller toward the unit's target, `left` away; False if the
        unit cannot go on."""
        controller = self._lab().controller
        kind = unit.action.kind
        before = self._count(unit)
        if kind == "step":
            controller.step()
        elif kind == "step_back":
            controller.step_back()
        else:
            started = time.perf_counter()
            controller.run_iterations(left if deadline is None else self._chunks.next(left))
            self._chunks.took(time.perf_counter() - started)
        if controller.snapshot is not None and controller.snapshot.can_restore:
            controller.restore_last_good()  # as the engine keeps the last good state
            return False
        return self._count(unit) != before
