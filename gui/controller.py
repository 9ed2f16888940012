"""The one place in gui/ that changes engine state: edits, stepping, running, scenarios.

Views send requests (signals connected to the public methods here) and receive one immutable
`Snapshot` after every change. Training runs on a QTimer in short time-boxed slices, so the
window keeps answering however fast the learner asks it to run. Nothing here knows a scenario
by name: everything comes from what the Trainable reports, so the classification lab can drive
an engine.model.Model through the same controller.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from engine.chain_rule import ChainRule
from engine.stepper import Divergence, Operation, Stepper, Trainable
from gui.snapshot import (
    ChainRuleInfo,
    GradientFactor,
    Index,
    LossCurve,
    OperationInfo,
    Snapshot,
    frozen_array,
    frozen_arrays,
)

TICK_MS = 30  # one run slice, and one snapshot, per tick: about 30 a second
SLICE_BUDGET_S = 0.012  # at most this much computing per slice, the rest of the tick is Qt's
CURVE_POINTS = 61
CURVE_REFRESH_S = 0.1  # while running, the loss-along-weight curve is recomputed at most this often
EDIT_COMMAND_ID = 4041


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

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802
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

    def __init__(self, builders: Mapping[str, tuple[str, Callable[[], Trainable]]],
                 parent: QObject | None = None,
                 input_name: Callable[[Mapping[str, np.ndarray]], str | None] | None = None,
                 preview: bool = False):
        """builders: scenario name -> (title, function returning a fresh Trainable).
        input_name: which parameter holds the inputs, given the parameters (a Trainable's own
        `input_name` attribute wins); their dl/dx rules are included in every snapshot.
        preview: at an iteration start, include the values the next iteration's forward and
        backward pass will compute, so an edit shows its whole effect at once."""
        super().__init__(parent)
        self.builders = dict(builders)
        self._input_name = input_name
        self._preview_enabled = preview
        self.undo_stack = QUndoStack(self)
        self.stepper: Stepper | None = None
        self.scenario = ""
        self.title = ""
        self.selected: tuple[str, Index] | None = None
        self.speed = 10.0
        self.speed_unit = "iterations"
        self._operations: tuple[OperationInfo, ...] = ()
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._on_timer_tick_changed)
        self._credit = 0.0
        self._last_tick = 0.0
        self._seconds_per_unit = 1e-4
        self._curve: LossCurve | None = None
        self._curve_time = 0.0
        self.snapshot: Snapshot | None = None
        self._notice = ""  # a warning that stays on screen (a divergence) until the next change

    # --- scenarios ---------------------------------------------------------------------------

    def load_scenario(self, name: str) -> None:
        """Start scenario `name` from its starting values."""
        if name not in self.builders:
            raise KeyError(f"unknown scenario {name!r}; choose one of {sorted(self.builders)}")
        title, build = self.builders[name]
        self.load_trainable(build(), name, title)

    def load_trainable(self, trainable: Trainable, name: str, title: str) -> None:
        """Drive `trainable` (a seed scenario or an engine.model.Model) from here on."""
        self.pause()
        self._notice = ""
        self.stepper = Stepper(trainable)
        self.scenario, self.title = name, title
        self._operations = tuple(operation_info(op) for op in self.stepper.operations)
        self.undo_stack.clear()
        parameters = trainable.parameters()
        first = next(iter(parameters))
        self.selected = (first, (0,) * np.ndim(parameters[first]))
        self._publish(f"{title}: ready")

    @property
    def trainable(self) -> Trainable:
        return self.stepper.trainable

    # --- edits -------------------------------------------------------------------------------

    def edit_value(self, name: str, index: Index, value: float, session: int = 0) -> bool:
        """Set one element; refused values are reported and change nothing. session != 0 merges
        with the previous edit of the same element and session into one undo step."""
        index = tuple(int(i) for i in index)
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
        self._publish(None)

    def select(self, name: str, index: Index) -> None:
        """Show the chain rule and the loss curve of this weight, bias or input."""
        index = tuple(int(i) for i in index)
        if self.selected == (name, index):
            return
        if self._chain_rule(name, index) is None:
            return  # a learning rate or target: editable, but no gradient to take apart
        self.selected = (name, index)
        self._curve = None
        self._publish(None)

    # --- stepping ----------------------------------------------------------------------------

    def step(self) -> None:
        """Run one operation."""
        self._guarded(lambda: self.stepper.step())

    def step_back(self) -> None:
        """Undo one operation, optimizer state included."""
        if self.is_running():
            self.pause()
        if not self.stepper.step_back():
            self._publish("Nothing earlier to step back to")
            return
        self._notice = ""
        self._publish(None)

    def finish_iteration(self) -> None:
        """Run to the end of the current iteration (a whole one when at its start)."""
        self._guarded(lambda: self.stepper.run_iterations(1))

    def run_iterations(self, n: int) -> None:
        """Run n whole iterations at once (used by tests and the headless path)."""
        self._guarded(lambda: self.stepper.run_iterations(n))

    def reset(self) -> None:
        """Exactly the scenario's starting values, every time."""
        self.pause()
        self.stepper.reset()
        self._notice = ""
        self.undo_stack.clear()
        self._publish("Reset to the starting values")

    def _guarded(self, action: Callable[[], object]) -> bool:
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
        self._notice = f"Paused: {divergence}. Step back (Left) to the last good values."
        self._publish(self._notice)

    # --- running -----------------------------------------------------------------------------

    def is_running(self) -> bool:
        return self._timer.isActive()

    def set_running(self, running: bool) -> None:
        """Run continuously at the current speed, or pause."""
        if running == self.is_running():
            self._publish(None)
            return
        if running:
            self._credit = 0.0
            self._last_tick = time.perf_counter()
            self._timer.start()
            self._publish(f"Running at {self.speed:g} {self.speed_unit} per second")
        else:
            self.pause()
            self._publish("Paused")

    def toggle_running(self) -> None:
        self.set_running(not self.is_running())

    def pause(self) -> None:
        self._timer.stop()

    def set_speed(self, per_second: float, unit: str) -> None:
        """How many iterations (or single operations) Run does per second."""
        if unit not in ("iterations", "operations") or not per_second > 0:
            self.status_message.emit(f"Refused speed {per_second} {unit}")
            return
        self.speed, self.speed_unit = float(per_second), unit
        self._publish(None)

    def _on_timer_tick_changed(self) -> None:
        """One run slice: as much of the due work as fits in the budget, then one snapshot."""
        now = time.perf_counter()
        self._credit = min(self._credit + self.speed * (now - self._last_tick),
                           max(1.0, self.speed * 0.25))
        self._last_tick = now
        due = int(self._credit)
        if due == 0:
            return
        deadline = now + SLICE_BUDGET_S
        done = 0
        try:
            while done < due and time.perf_counter() < deadline:
                left = deadline - time.perf_counter()
                chunk = max(1, min(due - done, int(left / self._seconds_per_unit)))
                started = time.perf_counter()
                if self.speed_unit == "operations":
                    for _ in range(chunk):
                        self.stepper.step()
                else:
                    self.stepper.run_iterations(chunk)
                self._seconds_per_unit = max(1e-7, (time.perf_counter() - started) / chunk)
                done += chunk
        except Divergence as divergence:
            self._diverged(divergence)
            return
        # Behind schedule: drop the backlog rather than stutter to catch up.
        self._credit = self._credit - due if done >= due else 0.0
        self._publish(None)

    # --- snapshots ---------------------------------------------------------------------------

    def _publish(self, message: str | None) -> None:
        """Build the snapshot of the current state and send it to every view."""
        stepper = self.stepper
        trainable = stepper.trainable
        parameters = trainable.parameters()
        rule = self._chain_rule(*self.selected) if self.selected else None
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
            losses=frozen_array(np.asarray(stepper.losses, dtype=float)),
            log_lines=tuple(trainable.log_lines()),
            selected=self.selected,
            chain_rule=rule,
            input_chain_rules=self._input_chain_rules(),
            loss_curve=self._loss_curve(rule),
            preview=self._preview(),
            notice=self._notice,
            running=self.is_running(),
            speed=self.speed,
            speed_unit=self.speed_unit,
            can_step_back=stepper.history_length > 0,
        )
        self.snapshot = snapshot
        self.snapshot_changed.emit(snapshot)
        if message:
            self.status_message.emit(message)

    def _preview(self) -> Mapping[str, np.ndarray] | None:
        """At an iteration start: every value the next forward and backward pass computes at the
        current parameters. The operations run on the trainable itself, which is then restored
        to the same iteration start, so nothing the stepper relies on changes."""
        if not self._preview_enabled or self.stepper.position != 0:
            return None
        trainable = self.trainable
        saved = trainable.snapshot()
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
