"""The one place in gui/ that changes engine state: edits, stepping, running, scenarios.

Views send requests (signals connected to the public methods here) and receive one immutable
`Snapshot` after every change. Training runs on a QTimer in short time-boxed slices, so the
window keeps answering however fast the learner asks it to run. Nothing here knows a scenario
by name: everything comes from what the Trainable reports. When the trainable is an
engine.training.model.Model (the classification lab), the controller also rebuilds it from a changed
spec, manages the points added by hand, stops at the learner's stop conditions, and adds what
the classification views draw (the predicted plane, neuron maps, curves) to each snapshot;
gui/labs/classification/plane.py recomputes the expensive parts at most as often as a view can show
them.
"""

from __future__ import annotations

import copy
import dataclasses
import math
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from engine.files.points import load_points_csv, save_points_csv
from engine.files.session import Session
from engine.training.chain_rule import ChainRule
from engine.training.model import Model
from engine.training.performance import release_freed_memory
from engine.training.spec import describe, normalize_spec
from engine.training.stepper import Divergence, Operation, Stepper, Trainable
from gui.controller.snapshot import (
    ChainRuleInfo,
    ClassificationInfo,
    GradientFactor,
    Index,
    LossCurve,
    OperationInfo,
    Snapshot,
    frozen_array,
    frozen_arrays,
    sealed,
)
from gui.labs.classification.plane import Plane
from gui.labs.classification.plane_worker import shared_worker
from gui.tutorial.takes import recorded

TICK_MS = 30  # one run slice, and one snapshot, per tick: about 30 a second
SLICE_BUDGET_S = 0.012  # at most this much computing per slice, the rest of the tick is Qt's
CURVE_POINTS = 61
CURVE_REFRESH_S = 0.1  # while running, the loss-along-weight curve is recomputed at most this often
EDIT_COMMAND_ID = 4041
# Boundary computing per snapshot: the chapter-10 plane whole (about 6 ms); a larger
# network's plane comes in slices of rows, top to bottom, the window answering in between.
PLANE_BUDGET_S = 0.03
RULE_REFRESH_S = 0.5  # while running, the selected weight's chain rule likewise
MIN_CHUNK = 4  # after the first, no run call for fewer iterations than this in a slice
FRAME_SLACK_S = 0.002  # a slice ending this close to the next frame's time publishes it
# (or closer than MIN_CHUNK iterations take, which the slice leaves untrained)
RELEASE_EVERY_S = 10.0  # while running, freed memory goes back to the system this often
VALIDATION_EVERY = 100  # run_iterations measures the validation set this often
NETWORK_KEYS = ("hidden", "output", "optimizer", "numerics")


def operation_info(operation: Operation) -> OperationInfo:
    return OperationInfo(operation.name, operation.code, operation.phase, tuple(operation.writes))


def chain_rule_info(rule: ChainRule) -> ChainRuleInfo:
    return ChainRuleInfo(
        target=rule.target,
        equation=rule.equation,
        factors=tuple(GradientFactor(label, float(value)) for label, value in rule.factors),
        terms=tuple(GradientFactor(label, float(value)) for label, value in rule.terms),
        product=float(rule.product),
        numerical=float(rule.numerical),
        relative_error=float(rule.relative_error),
    )


def parameter_label(name: str, index: Index) -> str:
    """A short name for one element, e.g. "weights[0, 2]" (the seed's own labels come from the
    chain rule's target)."""
    return name if not index else f"{name}[{', '.join(str(i) for i in index)}]"


class _EditCommand(QUndoCommand):
    """One edit on the undo stack; quick successive edits of one cell merge into one step."""

    def __init__(self, controller: LabController, name: str, index: Index, old: float,
                 new: float, session: int):
        super().__init__(f"set {parameter_label(name, index)} to {new:.6g}")
        self.controller = controller
        self.name, self.index, self.old, self.new, self.session = name, index, old, new, session
        self._applied = True  # the controller applied it before pushing, to validate it

    def id(self) -> int:
        return EDIT_COMMAND_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, _EditCommand) or other.session == 0 or (
                other.session, other.name, other.index) != (self.session, self.name, self.index):
            return False
        self.new = other.new
        self.setText(other.text())
        self.setObsolete(self.new == self.old)
        return True

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        self.controller._apply_edit(self.name, self.index, self.new)

    def undo(self) -> None:
        self.controller._apply_edit(self.name, self.index, self.old)


class LabController(QObject):
    """Owns the Stepper of the loaded Trainable and everything the learner can do to it."""

    # (Snapshot) the whole lab after every change
    snapshot_changed = Signal(object)
    # (name, index tuple, message) a value the controller refused; the old value is kept
    value_refused = Signal(str, object, str)
    # (message) a sentence for the status bar
    status_message = Signal(str)
    # (message, is_error) the outcome of a points request (add, load, save), for the data panel
    data_message = Signal(str, bool)
    # (no payload) a whole new session is loaded: a scenario's start or an opened file
    session_replaced = Signal()
    # (method name, its arguments by name) a learner's action, for recording takes
    action_performed = Signal(str, object)

    def __init__(self, builders: Mapping[str, tuple[str, Callable[[], Trainable]]],
                 parent: QObject | None = None,
                 input_name: Callable[[Mapping[str, np.ndarray]], str | None] | None = None,
                 preview: bool = False, *, tick_ms: int = TICK_MS,
                 slice_budget_s: float = SLICE_BUDGET_S, frame_s: float = 0.0,
                 loss_curve: bool = True):
        """builders: scenario name -> (title, function returning a fresh Trainable).
        input_name: which parameter holds the inputs, given the parameters (a Trainable's own
        `input_name` attribute wins); their dl/dx rules are included in every snapshot.
        preview: at an iteration start, include the values the next iteration's forward and
        backward pass will compute, so an edit shows its whole effect at once.
        tick_ms, slice_budget_s: the run timer's interval and the computing time per tick.
        frame_s: while running, one snapshot at most this often (0: one per tick).
        loss_curve: compute the loss along the selected value for each snapshot."""
        super().__init__(parent)
        self.builders = dict(builders)
        self._input_name = input_name
        self._preview_enabled = preview
        self._slice_budget_s = slice_budget_s
        self._frame_s = frame_s
        self._loss_curve_enabled = loss_curve
        self._last_frame = 0.0
        self._version = 0  # counts changes of the engine state, so caches know when to refresh
        self._rule: tuple[tuple, ChainRuleInfo | None, float, float] | None = None
        self._plane: Plane | None = None
        self._preset_spec: dict | None = None
        self.stop_conditions: dict[str, float | None] = {
            "max_epochs": None, "target_loss": None, "target_accuracy": None}
        self._can_restore = False
        self.undo_stack = QUndoStack(self)
        self.stepper: Stepper | None = None
        self.scenario = ""
        self.title = ""
        self.selected: tuple[str, Index] | None = None
        self.speed = 10.0
        self.speed_unit = "iterations"
        self._operations: tuple[OperationInfo, ...] = ()
        self._tick_ms = tick_ms
        self._timer = QTimer(self)
        self._timer.setInterval(tick_ms)
        self._timer.timeout.connect(self._on_timer_tick_changed)
        self._credit = 0.0
        self._last_tick = 0.0
        self._last_release = 0.0
        self._seconds_per_unit = 1e-4
        self._curve: LossCurve | None = None
        self._curve_time = 0.0
        self.snapshot: Snapshot | None = None
        self._notice = ""  # a warning that stays on screen (a divergence) until the next change
        self._present: dict | None = None  # while a past iteration is shown: the latest state

    # --- scenarios ---------------------------------------------------------------------------

    @recorded
    def load_scenario(self, name: str) -> None:
        """Start scenario `name` from its starting values."""
        if name not in self.builders:
            raise KeyError(f"unknown scenario {name!r}; choose one of {sorted(self.builders)}")
        title, build = self.builders[name]
        self.load_trainable(build(), name, title)

    def load_trainable(self, trainable: Trainable, name: str, title: str) -> None:
        """Drive `trainable` (a seed scenario or an engine.training.model.Model) from here on."""
        self.pause()
        if isinstance(trainable, Model):
            self._preset_spec = copy.deepcopy(trainable.spec)
        self.selected = None
        self._install(trainable, name, title)
        self._publish(f"{title}: ready")
        self.session_replaced.emit()

    def _install(self, trainable: Trainable, name: str, title: str,
                 stepper_state: dict | None = None) -> None:
        """A new Stepper for `trainable` (continuing from `stepper_state` if given); the
        selection is kept where the new trainable has it."""
        self._notice = ""
        self._present = None
        self._can_restore = False
        self.stepper = Stepper(trainable)
        if stepper_state is not None:
            self.stepper.set_state(stepper_state)
        self.scenario, self.title = name, title
        self._operations = tuple(operation_info(op) for op in self.stepper.operations)
        self.undo_stack.clear()
        self._plane = Plane(trainable) if isinstance(trainable, Model) else None
        self._rule = None
        self._curve = None
        parameters = trainable.parameters()
        kept = self.selected is not None and self.selected[0] in parameters and \
            len(self.selected[1]) == np.ndim(parameters[self.selected[0]]) and all(
                0 <= i < n for i, n in zip(self.selected[1],
                                           np.shape(parameters[self.selected[0]]), strict=True))
        if not kept:
            first = next(iter(parameters))
            self.selected = (first, (0,) * np.ndim(parameters[first]))

    @property
    def version(self) -> int:
        """Counts changes of the engine state: equal versions mean an unchanged session."""
        return self._version

    def capture_session(self, view: Mapping | None = None) -> Session:
        """The loaded session, exact, with the window's `view` settings (the selection added)."""
        view = dict(view or {})
        if self.selected is not None:
            view["selected"] = [self.selected[0], list(self.selected[1])]
        session = Session.capture(self.stepper, self.scenario, self.title, view)
        if self._present is not None:  # a past iteration on screen: the latest is the session
            session = dataclasses.replace(session, stepper=copy.deepcopy(self._present))
        return session

    @recorded
    def open_session(self, session: Session) -> None:
        """Continue exactly where `session` stood; Reset then goes to its spec's start."""
        self.pause()
        trainable = session.build_trainable()
        if isinstance(trainable, Model):
            self._preset_spec = copy.deepcopy(trainable.spec)
        selected = session.view.get("selected")
        if isinstance(selected, list) and len(selected) == 2:
            self.selected = (str(selected[0]), tuple(int(i) for i in selected[1]))
        self._install(trainable, session.scenario, session.title,
                      stepper_state=copy.deepcopy(session.stepper))
        self._publish(f"{session.title}: opened at {self._epoch_word()} "
                      f"{self.stepper.iteration}")
        self.session_replaced.emit()

    # --- time travel: a past iteration shown, the latest state kept aside --------------------

    @property
    def viewing_past(self) -> bool:
        return self._present is not None

    def present_state(self) -> dict:
        """The latest state (Stepper.get_state()), also while a past iteration is shown."""
        return self._present if self._present is not None else self.stepper.get_state()

    def show_past(self, stepper_state: dict, replay: int, notice: str) -> None:
        """Show the iteration `replay` iterations after `stepper_state` (a Stepper state at an
        earlier iteration start); training is refused until Resume or the return to the latest."""
        self.pause()
        present = self.present_state()
        try:
            with np.errstate(all="ignore"):
                self.stepper.set_state(stepper_state)
                self.stepper.run_iterations(replay)
        except (Divergence, ValueError) as error:
            self.stepper.set_state(present)
            self._present = None
            self._publish(f"Cannot show that iteration: {error}")
            return
        self._present = present
        self._notice = notice
        self._publish(None)

    def return_to_present(self) -> None:
        """Back to the latest state after looking at a past iteration."""
        if self._present is None:
            return
        self.stepper.set_state(self._present)
        self._present = None
        self._notice = ""
        self._publish("Back at the latest iteration")

    def resume_from_past(self) -> None:
        """Train on from the past iteration shown: the later history is dropped."""
        if self._present is None:
            return
        self._present = None
        self._notice = ""
        self.undo_stack.clear()
        self._publish(f"Resumed from {self._epoch_word()} {self.stepper.iteration}; "
                      "the later history is dropped")

    def _refused_in_past(self) -> bool:
        """True (and said) while a past iteration is shown: training would fork the history."""
        if self._present is None:
            return False
        self._publish("Showing a past iteration: choose Resume from here to train on from it, "
                      "or drag the timeline to the end", changed=False)
        return True

    @property
    def trainable(self) -> Trainable:
        return self.stepper.trainable

    @property
    def model(self) -> Model | None:
        """The trainable when it is a classification Model, else None."""
        trainable = self.stepper.trainable if self.stepper is not None else None
        return trainable if isinstance(trainable, Model) else None

    @property
    def spec(self) -> dict:
        """A copy of the Model's spec (engine.training.model's format), hyperparameters as now."""
        return copy.deepcopy(self.model.spec)

    # --- classification: rebuilding, hyperparameters, points, stop conditions -----------------

    @recorded
    def set_architecture(self, network: Mapping) -> None:
        """A new network shape, optimizer or numerics: rebuilt from the same seed, so the same
        spec always starts from the same weights."""
        spec = self.spec
        spec.update({key: copy.deepcopy(network[key]) for key in NETWORK_KEYS if key in network})
        self._rebuild(spec, "Network rebuilt from seed {seed}: training starts again")

    @recorded
    def set_data_spec(self, data_spec: Mapping) -> None:
        """New data (kind, samples per class, classes, seed): rebuilt from the seed; added
        points of classes that no longer exist are dropped."""
        spec = self.spec
        spec["data"] = dict(data_spec["data"])
        spec["seed"] = int(data_spec.get("seed", spec["seed"]))
        spec["points"] = [p for p in spec["points"] if p[2] < spec["data"]["classes"]]
        self._rebuild(spec, "New data from seed {seed}: training starts again")

    @recorded
    def set_hyperparameters(self, values: Mapping[str, float]) -> None:
        """Optimizer settings that apply from the next step on, without a reset."""
        try:
            self.stepper.set_hyperparameters(**{key: float(v) for key, v in values.items()})
        except ValueError as error:
            self.status_message.emit(f"Refused: {error}")
            self._publish(None, changed=False)
            return
        settings = ", ".join(f"{key} = {value:g}" for key, value in values.items())
        self._publish(f"{settings}: applies from the next step, training goes on")

    @recorded
    def set_stop_conditions(self, conditions: Mapping[str, float | None]) -> None:
        """When Run pauses by itself: {"max_epochs", "target_loss", "target_accuracy"},
        None = that condition is off."""
        self.stop_conditions = {key: conditions.get(key) for key in self.stop_conditions}
        self._publish(None, changed=False)

    @recorded
    def add_point(self, x: float, y: float, label: int) -> None:
        """Add a training point of class `label` where the learner clicked; training goes on
        from where it is, now with the point."""
        if not (math.isfinite(x) and math.isfinite(y)):
            self.data_message.emit("A point needs finite coordinates.", True)
            return
        points = self.spec["points"] + [[float(x), float(y), int(label)]]
        if self._change_points(points):
            self.data_message.emit(f"Added a class {label} point at ({x:.3f}, {y:.3f}).", False)

    @recorded
    def remove_point(self, index: int) -> None:
        """Remove added point number `index` (in the order they were added)."""
        points = self.spec["points"]
        if not 0 <= index < len(points):
            self.data_message.emit(f"There is no added point {index}.", True)
            return
        x, y, label = points.pop(index)
        if self._change_points(points):
            self.data_message.emit(f"Removed the class {label} point at ({x:.3f}, {y:.3f}).",
                                   False)

    @recorded
    def clear_points(self) -> None:
        """Remove every added point."""
        count = len(self.spec["points"])
        if count and self._change_points([]):
            self.data_message.emit(f"Removed {count} added point{'s' if count != 1 else ''}.",
                                   False)

    def save_points(self, path: str) -> None:
        """Write the added points to a CSV file (header x,y,class)."""
        points = np.array(self.spec["points"], dtype=np.float64).reshape(-1, 3)
        try:
            save_points_csv(path, points[:, :2], points[:, 2].astype(int))
        except (OSError, ValueError) as error:
            self.data_message.emit(f"Could not save {Path(path).name}: {error}", True)
            return
        self.data_message.emit(f"Saved {len(points)} points to {Path(path).name}.", False)

    @recorded
    def load_points(self, path: str) -> None:
        """Replace the added points with a CSV file's; a malformed file changes nothing and
        the message names the line."""
        classes = self.model.spec["data"]["classes"]
        try:
            coordinates, labels = load_points_csv(path, classes)
        except (OSError, ValueError) as error:
            self.data_message.emit(f"Could not load {Path(path).name}: {error}. "
                                   "The current data is kept.", True)
            return
        points = [[float(x), float(y), int(label)]
                  for (x, y), label in zip(coordinates, labels, strict=True)]
        if self._change_points(points):
            self.data_message.emit(f"Loaded {len(points)} points from {Path(path).name}.",
                                   False)

    @recorded
    def restore_last_good(self) -> None:
        """After a divergence: back to the last state with finite numbers, in one click."""
        if not self._can_restore:
            return
        self.stepper.restore_last_good()
        self._notice = ""
        self._can_restore = False
        self._publish(f"Restored the last good state: {self._epoch_word()} "
                      f"{self.stepper.iteration}, {self.stepper.position} operations in")

    def _rebuild(self, spec: dict, message: str, keep_training: bool = False) -> bool:
        """Build a Model from `spec`; keep_training carries the current parameters, optimizer
        state and position over (the data changed, the network did not). A spec the engine
        refuses changes nothing and is reported."""
        try:
            model = Model(spec, title=self._title_for(spec))
        except ValueError as error:
            self.status_message.emit(f"Refused: {error}")
            self.data_message.emit(f"Refused: {error}", True)
            self._publish(None, changed=False)
            return False
        running = self.is_running()
        self.pause()
        state = self.stepper.get_state() if keep_training else None
        measured = dict(self._plane.validation) if keep_training and self._plane else {}
        self._install(model, self.scenario, model.title, stepper_state=state)
        self._plane.validation.update(measured)  # the same validation set, the same history
        self._publish(message.format(seed=model.spec["seed"]))
        if running:
            self.set_running(True)
        return True

    def _change_points(self, points: list[list]) -> bool:
        spec = self.spec
        spec["points"] = points
        count = len(points)
        return self._rebuild(spec, f"{count} added point{'s' if count != 1 else ''}; "
                                   "training goes on with them", keep_training=True)

    def _title_for(self, spec: dict) -> str:
        """The preset's title while the network and data are the preset's (optimizer settings
        and added points aside), else a description of the spec."""
        spec = normalize_spec(spec)

        def shape(each: dict) -> tuple:
            return ({k: v for k, v in each.items() if k not in ("optimizer", "points")},
                    each["optimizer"]["name"])
        if self._preset_spec is not None and shape(spec) == shape(self._preset_spec) \
                and self.scenario in self.builders:
            return self.builders[self.scenario][0]
        return describe(spec)

    def _epoch_word(self) -> str:
        return "epoch" if self.model is not None else "iteration"

    # --- edits -------------------------------------------------------------------------------

    @recorded
    def edit_value(self, name: str, index: Index, value: float, session: int = 0) -> bool:
        """Set one element; refused values are reported and change nothing. session != 0 merges
        with the previous edit of the same element and session into one undo step."""
        index = tuple(int(i) for i in index)
        if self._refused_in_past():
            return False
        try:
            old = float(self.trainable.parameters()[name][index])
        except (KeyError, IndexError) as error:
            self._refuse(name, index, f"{parameter_label(name, index)} cannot be edited: {error}")
            return False
        if not math.isfinite(value):
            self._refuse(name, index, f"{parameter_label(name, index)} must be a finite number")
            return False
        if value == old:
            return True
        try:
            self._apply_edit(name, index, value)
        except ValueError as error:
            self._refuse(name, index, str(error))
            return False
        self.undo_stack.push(_EditCommand(self, name, index, old, float(value), session))
        return True

    def _apply_edit(self, name: str, index: Index, value: float) -> None:
        """Set the value in the engine and recompute up to the current position."""
        self.stepper.edit(name, index, value)
        self._notice = ""
        self._publish(f"{parameter_label(name, index)} = {value:.6g}; everything recomputed")

    def _refuse(self, name: str, index: Index, message: str) -> None:
        self.value_refused.emit(name, index, message)
        self.status_message.emit(f"Refused: {message}")
        self._publish(None, changed=False)

    @recorded
    def select(self, name: str, index: Index) -> None:
        """Show the chain rule and the loss curve of this weight, bias or input."""
        index = tuple(int(i) for i in index)
        if self.selected == (name, index):
            return
        if self._chain_rule(name, index) is None:
            return  # a learning rate or target: editable, but no gradient to take apart
        self.selected = (name, index)
        self._curve = None
        self._publish(None, changed=False)

    # --- stepping ----------------------------------------------------------------------------

    @recorded
    def step(self) -> None:
        """Run one operation."""
        self._guarded(lambda: self.stepper.step())

    @recorded
    def step_back(self) -> None:
        """Undo one operation, optimizer state included."""
        if self._refused_in_past():
            return
        if self.is_running():
            self.pause()
        if not self.stepper.step_back():
            self._publish("Nothing earlier to step back to", changed=False)
            return
        self._notice = ""
        self._can_restore = False
        self._publish(None)

    @recorded
    def finish_iteration(self) -> None:
        """Run to the end of the current iteration (a whole one when at its start)."""
        self._guarded(lambda: self.stepper.run_iterations(1))

    @recorded
    def run_iterations(self, n: int) -> None:
        """Run n whole iterations at once (used by tests and the headless path)."""
        self._guarded(lambda: self._run_measured(n))

    def _run_measured(self, n: int) -> None:
        """n iterations; for a Model, the validation set is measured every VALIDATION_EVERY
        epochs on the way, so the validation curves have points however the run was made."""
        plane = self._plane
        if plane is None:
            self.stepper.run_iterations(n)
            return
        target = self.stepper.iteration + n
        while self.stepper.iteration < target:
            stop = min(target, (self.stepper.iteration // VALIDATION_EVERY + 1)
                       * VALIDATION_EVERY)
            self.stepper.run_iterations(stop - self.stepper.iteration)
            plane.measure_validation(self.model, self.stepper.iteration)

    @recorded
    def reset(self) -> None:
        """Exactly the scenario's starting values, every time."""
        self.pause()
        self._present = None
        self.stepper.reset()
        self._notice = ""
        self._can_restore = False
        self.undo_stack.clear()
        self._publish("Reset to the starting values")

    def _guarded(self, action: Callable[[], object]) -> bool:
        if self._refused_in_past():
            return False
        try:
            action()
        except Divergence as divergence:
            self._diverged(divergence)
            return False
        self._publish(None)
        return True

    def _diverged(self, divergence: Divergence) -> None:
        """Pause and keep saying where training blew up until the learner changes something."""
        self.pause()
        self._can_restore = True
        if self.model is None:
            self._notice = f"Paused: {divergence}. Step back (Left) to the last good values."
        else:
            what = str(divergence).partition(": ")[2]
            self._notice = (f"Paused: training diverged at epoch {divergence.iteration}: "
                            f"{what}. Restore the last good state to go on.")
        self._publish(self._notice)

    # --- running -----------------------------------------------------------------------------

    def is_running(self) -> bool:
        return self._timer.isActive()

    @recorded
    def set_running(self, running: bool) -> None:
        """Run continuously at the current speed, or pause."""
        if running == self.is_running():
            self._publish(None, changed=False)
            return
        if running:
            if self._refused_in_past():
                return
            stop = self._stop_reason(starting=True)
            if stop is not None:
                self._publish(stop, changed=False)
                return
            self._credit = 0.0
            self._last_frame = 0.0
            self._timer.setInterval(self._tick_ms)
            if self.model is not None:
                shared_worker().start()  # the plane is drawn on another core while running
            self._last_tick = self._last_release = time.perf_counter()
            self._timer.start()
            self._publish(f"Running at {self.speed:g} {self.speed_unit} per second")
        else:
            self.pause()
            self._publish("Paused")

    @recorded
    def toggle_running(self) -> None:
        self.set_running(not self.is_running())

    def pause(self) -> None:
        """Stop running; the memory the run's temporary arrays left behind goes back."""
        if self._timer.isActive():
            self._timer.stop()
            release_freed_memory()

    @recorded
    def set_speed(self, per_second: float, unit: str) -> None:
        """How many iterations (or single operations) Run does per second."""
        if unit not in ("iterations", "operations") or not per_second > 0:
            self.status_message.emit(f"Refused speed {per_second} {unit}")
            return
        self.speed, self.speed_unit = float(per_second), unit
        self._publish(None, changed=False)

    def _on_timer_tick_changed(self) -> None:
        """One run slice: as much of the due work as fits in the budget, then a snapshot (at
        most one per frame interval)."""
        now = time.perf_counter()
        self._credit = min(self._credit + self.speed * (now - self._last_tick),
                           max(1.0, self.speed * 0.25))
        self._last_tick = now
        due = int(self._credit)
        if due == 0:
            # A slow run sleeps until its next unit is due instead of spinning the timer.
            wait = (1.0 - self._credit) / self.speed
            self._timer.setInterval(max(self._tick_ms, min(100, int(1000 * wait))))
            return
        self._timer.setInterval(self._tick_ms)
        budget = self._epochs_left()
        if budget is not None:
            due = min(due, budget)
        # A target is checked after every iteration, so Run stops at the very epoch.
        one_at_a_time = self.stop_conditions["target_loss"] is not None or \
            self.stop_conditions["target_accuracy"] is not None
        deadline = now + self._slice_budget_s
        if self._frame_s:
            # Train up to the next frame, so frames come on time whatever the budget.
            deadline = min(deadline, max(self._last_frame + self._frame_s, now + 0.002))
        done = 0
        stop = None
        try:
            while done < due and time.perf_counter() < deadline and stop is None:
                left = deadline - time.perf_counter()
                if done and not one_at_a_time and left < MIN_CHUNK * self._seconds_per_unit:
                    break  # a sliver of time: not worth another call and its checkpoint
                chunk = 1 if one_at_a_time else \
                    max(1, min(due - done, int(left / self._seconds_per_unit)))
                started = time.perf_counter()
                if self.speed_unit == "operations":
                    for _ in range(chunk):
                        self.stepper.step()
                else:
                    self.stepper.run_iterations(chunk)
                self._seconds_per_unit = max(1e-7, (time.perf_counter() - started) / chunk)
                done += chunk
                stop = self._stop_reason()
        except Divergence as divergence:
            self._diverged(divergence)
            return
        # Behind schedule: drop the backlog rather than stutter to catch up.
        self._credit = self._credit - due if done >= due else 0.0
        if stop is None and budget is not None and done >= budget:
            stop = self._stop_reason()
        if stop is not None:
            self.pause()
            self._publish(stop)
            return
        self._version += 1
        if now - self._last_release > RELEASE_EVERY_S:
            self._last_release = now
            release_freed_memory()
        slack = max(FRAME_SLACK_S, MIN_CHUNK * self._seconds_per_unit)
        if time.perf_counter() - self._last_frame >= self._frame_s - slack:
            self._publish(None)

    def _epochs_left(self) -> int | None:
        """Iterations Run may still do under the epoch budget (None: no budget). "Stop after
        epoch N" runs epochs 0 to N, as the book's `for epoch in range(N + 1)` does."""
        budget = self.stop_conditions["max_epochs"]
        if budget is None or self.model is None or self.speed_unit != "iterations":
            return None
        return max(0, int(budget) + 1 - self.stepper.iteration)

    def _stop_reason(self, starting: bool = False) -> str | None:
        """Why Run should stop now (a stop condition met), or None."""
        if self.model is None or self.stepper.position != 0:
            return None
        conditions, iteration = self.stop_conditions, self.stepper.iteration
        budget = conditions["max_epochs"]
        if budget is not None and iteration > budget:
            return (f"Epoch {budget} is done, the epoch budget: raise it or switch it off in "
                    "the network panel to train on" if starting else
                    f"Stopped after epoch {budget}, the epoch budget")
        if starting or iteration == 0:
            return None
        loss = float(self.model.value("loss"))
        accuracy = float(self.model.value("accuracy"))
        if conditions["target_loss"] is not None and loss <= conditions["target_loss"]:
            return (f"Stopped: the loss reached {loss:.4g} <= {conditions['target_loss']:g} "
                    f"at epoch {iteration - 1}")
        if conditions["target_accuracy"] is not None and \
                accuracy >= conditions["target_accuracy"]:
            return (f"Stopped: the accuracy reached {accuracy:.3f} >= "
                    f"{conditions['target_accuracy']:g} at epoch {iteration - 1}")
        return None

    # --- snapshots ---------------------------------------------------------------------------

    def _publish(self, message: str | None, changed: bool = True) -> None:
        """Build the snapshot of the current state and send it to every view. changed=False:
        the engine state is as in the last snapshot (a selection, a speed, a refusal)."""
        if changed:
            self._version += 1
        stepper = self.stepper
        if stepper is None:
            return  # nothing loaded yet: a setting chosen before the first scenario
        self._last_frame = time.perf_counter()
        trainable = stepper.trainable
        parameters = trainable.parameters()
        rule = self._selected_rule()
        snapshot = Snapshot(
            scenario=self.scenario,
            title=self.title,
            values=frozen_arrays(trainable.values()),
            parameters=frozen_arrays(parameters),
            operations=self._operations,
            position=stepper.position,
            iteration=stepper.iteration,
            last_operation=None if stepper.last_operation is None
            else operation_info(stepper.last_operation),
            losses=stepper.losses,
            log_lines=tuple(trainable.log_lines()),
            selected=self.selected,
            chain_rule=rule,
            input_chain_rules=self._input_chain_rules(),
            loss_curve=self._loss_curve(rule) if self._loss_curve_enabled else None,
            preview=self._preview(),
            notice=self._notice,
            running=self.is_running(),
            speed=self.speed,
            speed_unit=self.speed_unit,
            can_step_back=stepper.history_length > 0,
            can_restore=self._can_restore,
            classification=self._classification(),
        )
        self.snapshot = snapshot
        self.snapshot_changed.emit(snapshot)
        if message:
            self.status_message.emit(message)

    def _on_plane_slice_changed(self) -> None:
        """Continue a plane too large for one snapshot (the engine state is unchanged)."""
        if self._plane is not None and not self._plane.complete and not self.is_running():
            self._publish(None, changed=False)

    def _selected_rule(self) -> ChainRuleInfo | None:
        """The selected value's chain rule; while running, recomputed at most every
        RULE_REFRESH_S (or ten times what it took, for a large network) when the run loop
        publishes frames: it is several extra passes."""
        if self.selected is None:
            return None
        key = (self.selected, self._version)
        now = time.perf_counter()
        if self._rule is not None:
            (selected, version), rule, when, took = self._rule
            if version == self._version and selected == self.selected:
                return rule
            if self._frame_s and self.is_running() and selected == self.selected and \
                    now - when < max(RULE_REFRESH_S, 10 * took):
                return rule
        rule = self._chain_rule(*self.selected)
        self._rule = (key, rule, now, time.perf_counter() - now)
        return rule

    def _classification(self) -> ClassificationInfo | None:
        """The classification views' part of the snapshot (None for the hand scenarios)."""
        model, plane = self.model, self._plane
        if model is None or plane is None:
            return None
        running = self.is_running()
        plane.refresh(model, self._version, running, PLANE_BUDGET_S,
                      shared_worker() if running else None)
        if not plane.complete and not running:
            # A large network's plane is finished in further slices, the window answering
            # in between.
            QTimer.singleShot(0, self._on_plane_slice_changed)
        plane.measure_validation(model, self.stepper.iteration)
        history = model.history()  # read-only views later epochs never change: no copy
        epochs = len(history["loss"])
        validation_loss, validation_accuracy = plane.validation_series(epochs)
        spec = model.spec
        added = np.array(spec["points"], dtype=np.float64).reshape(-1, 3)
        metrics = model.training_metrics()
        status = (f"epoch: {self.stepper.iteration}, acc: {metrics['accuracy']:.3f}, "
                  f"loss: {metrics['loss']:.3f}, "
                  f"lr: {model.optimizer.current_learning_rate}")
        return ClassificationInfo(
            spec=MappingProxyType(copy.deepcopy(spec)),
            points=frozen_array(model.X),
            labels=frozen_array(model.y),
            validation_points=frozen_array(model.X_val),
            validation_labels=frozen_array(model.y_val),
            user_points=sealed(added[:, :2].copy()),
            user_labels=sealed(added[:, 2].astype(int)),
            extent=plane.extent,
            boundary=plane.boundary,
            boundary_frame=plane.boundary_frame,
            boundary_rows=plane.boundary_rows,
            hidden_maps=plane.maps,
            maps_extent=plane.extent,
            maps_frame=plane.maps_frame,
            history=MappingProxyType(history),
            validation_loss=sealed(validation_loss),
            validation_accuracy=sealed(validation_accuracy),
            status_line=status,
            stop_conditions=MappingProxyType(dict(self.stop_conditions)),
        )

    def _preview(self) -> Mapping[str, np.ndarray] | None:
        """At an iteration start: every value the next forward and backward pass computes at the
        current parameters. The operations run on the trainable itself, which is then restored
        to the same iteration start, so nothing the stepper relies on changes."""
        if not self._preview_enabled or self.stepper.position != 0:
            return None
        trainable = self.trainable
        saved = trainable.capture_state()
        try:
            with np.errstate(all="ignore"):
                for index, operation in enumerate(self.stepper.operations):
                    if operation.phase == "update":
                        break
                    trainable.run_operation(index)
            return frozen_arrays(trainable.values())
        except (ArithmeticError, ValueError):
            return None
        finally:
            trainable.restore(saved)

    def _chain_rule(self, name: str, index: Index) -> ChainRuleInfo | None:
        try:
            with np.errstate(all="ignore"):  # a diverged state is shown, not warned about
                return chain_rule_info(self.trainable.chain_rule(name, index))
        except (KeyError, ValueError, IndexError, ArithmeticError):
            # No rule for this value, or none computable at a diverged state.
            return None

    def _input_chain_rules(self) -> tuple[ChainRuleInfo, ...]:
        """dl/dx_n for every input the Trainable names, when it can take them apart."""
        parameters = self.trainable.parameters()
        name = getattr(self.trainable, "input_name", None)
        if name is None and self._input_name is not None:
            name = self._input_name(parameters)
        inputs = parameters.get(name) if name is not None else None
        if inputs is None or np.size(inputs) > 16:
            return ()
        rules = (self._chain_rule(name, index) for index in np.ndindex(np.shape(inputs)))
        return tuple(rule for rule in rules if rule is not None)

    def _loss_curve(self, rule: ChainRuleInfo | None) -> LossCurve | None:
        """The loss along the selected value, everything else fixed; None where it is not finite."""
        if self.selected is None or rule is None:
            return None
        now = time.perf_counter()
        if self.is_running() and self._curve is not None and now - self._curve_time < \
                CURVE_REFRESH_S:
            return self._curve
        name, index = self.selected
        value = float(self.trainable.parameters()[name][index])
        if not math.isfinite(value) or not math.isfinite(rule.product):
            return None
        half = max(1.0, abs(value))
        xs = np.unique(np.append(np.linspace(value - half, value + half, CURVE_POINTS), value))
        with np.errstate(all="ignore"):
            ys = np.array([self.trainable.loss_with(name, index, float(x)) for x in xs])
            loss = float(self.trainable.loss_with(name, index, value))
        if not (np.isfinite(ys).all() and math.isfinite(loss)):
            return None
        label = rule.target[4:] if rule.target.startswith("dl/d") else \
            parameter_label(name, index)
        if label.startswith("(") and label.endswith(")"):
            label = label[1:-1]  # "dl/d(dense1.weights[0, 0])"
        self._curve = LossCurve(name, index, label, frozen_array(xs), frozen_array(ys), value,
                                loss, rule.product)
        self._curve_time = now
        return self._curve
