"""The controller that drives any Trainable: stepping, running, edits, time travel, snapshots.

Views send requests (signals connected to the public methods here) and receive one immutable
`Snapshot` after every change. The jobs are done by parts, each in its own file: the run loop
(time-boxed slices on a timer), the edit history (undo), time travel (a past iteration shown),
the readings and the snapshot maker (what each view is sent), and the part of the loaded kind of
trainable (a classification Model's plane, stop conditions and validation). Nothing here knows
a scenario by name: everything comes from what the Trainable reports. The classification lab's
requests (rebuilds, added points) are added by gui/controller/lab_controller.py, the controller
the views talk to.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping

from PySide6.QtCore import QObject, QTimer, Signal

from engine.files.session import Session, SessionCopy
from engine.training.model import Model
from engine.training.stepper import Divergence, Stepper, Trainable
from gui.controller.actions import action
from gui.controller.edit_history import EditHistory
from gui.controller.edit_report import edit_report
from gui.controller.gradient_check import GradientCheck
from gui.controller.readings import InputName, Readings
from gui.controller.run_loop import SLICE_BUDGET_S, TICK_MS, RunLoop
from gui.controller.session_parts import apply_saved_parts, saved_selection, session_copy
from gui.controller.snapshot import Index, Snapshot
from gui.controller.snapshot_maker import SnapshotMaker
from gui.controller.stop_conditions import StopConditions
from gui.controller.time_travel import TimeTravel
from gui.controller.trainable_part import HandExamplePart, TrainablePart, part_for
from gui.user_text import isolated


class SteppingController(QObject):
    """Owns the Stepper of the loaded Trainable and everything the learner can do to it."""

    # (Snapshot) the whole lab after every change
    snapshot_changed = Signal(object)
    # (name, index tuple, message) a value the controller refused; the old value is kept
    value_refused = Signal(str, object, str)
    # (message) a sentence for the status bar
    status_message = Signal(str)
    # (no payload) a whole new session is loaded: a scenario's start or an opened file
    session_replaced = Signal()
    # (method name, its arguments by name) a learner's action, for recording takes
    action_performed = Signal(str, object)

    def __init__(self, builders: Mapping[str, tuple[str, Callable[[], Trainable]]],
                 parent: QObject | None = None, input_name: InputName | None = None,
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
        self._version = 0  # counts changes of the engine state, so caches know when to refresh
        self._stops = StopConditions()
        self._part: TrainablePart = HandExamplePart()
        self._readings = Readings(input_name)
        self._snapshots = SnapshotMaker(self._readings, preview, loss_curve)
        self._travel = TimeTravel()
        self._history = EditHistory(self, self._apply_edit)
        self.undo_stack = self._history.undo_stack
        self._run_loop = RunLoop(self, tick_ms, slice_budget_s, frame_s)
        self._run_loop.diverged.connect(self._on_training_diverged)
        self._run_loop.stopped.connect(self._on_run_loop_stopped)
        self._run_loop.trained.connect(self._on_run_loop_trained)
        self._gradient_check = GradientCheck(self)
        self._can_restore = False
        self.stepper: Stepper | None = None
        self.scenario = ""
        self.title = ""
        self.snapshot: Snapshot | None = None
        self._notice = ""  # a warning that stays on screen (a divergence) until the next change

    # --- scenarios and sessions ---------------------------------------------------------------

    @action
    def load_scenario(self, name: str) -> None:
        """Start scenario `name` from its starting values."""
        if name not in self.builders:
            raise KeyError(f"unknown scenario {name!r}; choose one of {sorted(self.builders)}")
        title, build = self.builders[name]
        self.load_trainable(build(), name, title)

    def load_trainable(self, trainable: Trainable, name: str, title: str) -> None:
        """Drive `trainable` (a seed scenario or an engine.training.model.Model) from here on."""
        self.pause()
        self.selected = None
        self._install(trainable, name, title)
        self._publish(f"{title}: ready")
        self.session_replaced.emit()

    @action
    def open_session(self, session: Session) -> None:
        """Continue exactly where `session` stood, with its stop conditions and validation
        measurements; Reset then goes to its spec's start. Everything that can fail is done
        before anything is replaced (the file was checked whole when it was loaded)."""
        self.pause()
        trainable = session.build_trainable()
        stepper_state = copy.deepcopy(session.stepper)
        selected = saved_selection(session.view)
        if selected is not None:
            self.selected = selected
        self._install(trainable, session.scenario, session.title, stepper_state=stepper_state)
        apply_saved_parts(session, self._part, self._stops)
        self._publish(f"{isolated(session.title)}: opened at {self.epoch_word} "
                      f"{self.stepper.iteration}")
        self.session_replaced.emit()

    def capture_session(self, view: Mapping | None = None) -> Session:
        """The loaded session, exact, with the window's `view` settings (the selection added)."""
        return self.copy_session(view).session()

    def copy_session(self, view: Mapping | None = None, **parts) -> SessionCopy:
        """The loaded session as a copy taken now, to be encoded and written on another thread
        (gui/controller/session_parts.py), with the window's `view` settings and `parts` (the
        timeline's keyframes); while a past iteration is shown, the latest state."""
        return self._travel.latest_copy(session_copy(
            self.stepper, self.scenario, self.title, view, self.selected, self._part,
            self._stops, parts))  # with the latest validation record, too

    def _install(self, trainable: Trainable, name: str, title: str,
                 stepper_state: dict | None = None, stepper: Stepper | None = None,
                 keep_history: bool = False) -> None:
        """A new Stepper for `trainable` (continuing from `stepper_state` if given), or the
        given `stepper` of it, with the part for its kind; the selection is kept where the new
        trainable has it; the undo history goes unless `keep_history`."""
        self._notice = ""
        self._travel.forget()
        self._can_restore = False
        self._part = part_for(trainable, self._stops)
        self.stepper = stepper if stepper is not None else Stepper(trainable)
        if stepper_state is not None:
            self.stepper.set_state(stepper_state)
        self.scenario, self.title = name, title
        if not keep_history:
            self._history.forget()
        self._readings.keep_selection(trainable.parameters())

    @property
    def version(self) -> int:
        """Counts changes of the engine state: equal versions mean an unchanged session."""
        return self._version

    @property
    def trainable(self) -> Trainable:
        return self.stepper.trainable

    @property
    def model(self) -> Model | None:
        """The trainable when it is a classification Model, else None."""
        return self._part.model

    @property
    def preview_on(self) -> bool:
        """Whether snapshots carry the preview of the pass (the learner's choice)."""
        return self._snapshots.offers_preview and self._snapshots.preview_on

    @property
    def epoch_word(self) -> str:
        """What the learner calls one iteration of the loaded trainable: "iteration" or "epoch"."""
        return self._part.epoch_word

    @property
    def selected(self) -> tuple[str, Index] | None:
        """The element whose chain rule and loss curve the snapshots carry."""
        return self._readings.selected

    @selected.setter
    def selected(self, selected: tuple[str, Index] | None) -> None:
        self._readings.selected = selected

    # --- time travel: a past iteration shown, the latest state kept aside --------------------

    @property
    def viewing_past(self) -> bool:
        return self._travel.viewing_past

    def present_state(self) -> dict:
        """The latest state (Stepper.get_state()), also while a past iteration is shown."""
        return self._travel.present_state(self.stepper)

    def show_past(self, stepper_state: dict, replay: int, notice: str) -> None:
        """Show the iteration `replay` iterations after `stepper_state` (a Stepper state at an
        earlier iteration start); training is refused until Resume or the return to the latest."""
        self.pause()
        if not self._travel.viewing_past:  # the past's measurements would cut the record
            self._travel.present_validation = self._part.validation_state()
        try:
            self._travel.show(self.stepper, stepper_state, replay)
        except (Divergence, ValueError) as error:
            self._publish(f"Cannot show that iteration: {error}")
            return
        self._notice = notice
        self._publish(None)

    def return_to_present(self) -> None:
        """Back to the latest state after looking at a past iteration."""
        validation = self._travel.present_validation
        if self._travel.return_to_present(self.stepper):
            if validation is not None:
                self._part.set_validation_state(validation)
            self._notice = ""
            self._publish("Back at the latest iteration")

    def resume_from_past(self) -> None:
        """Train on from the past iteration shown: the later history is dropped."""
        if self._travel.resume():
            self._notice = ""
            self._history.forget()
            self._publish(f"Resumed from {self.epoch_word} {self.stepper.iteration}; "
                          "the later history is dropped")

    def _refused_in_past(self) -> bool:
        """True (and said) while a past iteration is shown: training would fork the history."""
        if not self._travel.viewing_past:
            return False
        self._publish("Showing a past iteration: choose Resume from here to train on from it, "
                      "or drag the timeline to the end", changed=False)
        return True

    # --- stop conditions ----------------------------------------------------------------------

    @property
    def stop_conditions(self) -> dict[str, float | None]:
        """When Run pauses by itself: {"max_epochs", "target_loss", "target_accuracy"}."""
        return self._stops.values

    @action
    def set_stop_conditions(self, conditions: Mapping[str, float | None]) -> None:
        """When Run pauses by itself: {"max_epochs", "target_loss", "target_accuracy"},
        None = that condition is off."""
        self._stops.set(conditions)
        self._publish(None, changed=False)

    # --- edits -------------------------------------------------------------------------------

    @action
    def edit_value(self, name: str, index: Index, value: float, session: int = 0) -> bool:
        """Set one element; refused values are reported and change nothing. session != 0 merges
        with the previous edit of the same element and session into one undo step."""
        index = tuple(int(i) for i in index)
        if self._refused_in_past():
            return False
        refusal = self._history.edit(self.trainable.parameters(), name, index, value, session)
        if refusal is not None:
            self.value_refused.emit(name, index, refusal)
            self.status_message.emit(f"Refused: {refusal}")
            self._publish(None, changed=False)
        return refusal is None

    def _apply_edit(self, name: str, index: Index, value: float) -> None:
        """Set the value in the engine and recompute up to the current position."""
        position = self.stepper.position
        self.stepper.edit(name, index, value)
        self._notice = ""
        self._publish(edit_report(self._snapshots.operations(self.stepper), position, name,
                                  index, value, self.preview_on, self.epoch_word))

    @action
    def select(self, name: str, index: Index) -> None:
        """Show the chain rule and the loss curve of this weight, bias or input."""
        if self._readings.select(self.trainable, name, tuple(int(i) for i in index)):
            self._publish(None, changed=False)

    # --- stepping ----------------------------------------------------------------------------

    @action
    def step(self) -> None:
        """Run one operation."""
        self._guarded(lambda: self.stepper.step())

    @action
    def step_back(self) -> None:
        """Undo one operation, optimizer state included."""
        if self._refused_in_past():
            return
        self.pause()
        if not self.stepper.step_back():
            self._publish("Nothing earlier to step back to", changed=False)
            return
        self._notice = ""
        self._can_restore = False
        self._publish(None)

    @action
    def finish_iteration(self) -> None:
        """Run to the end of the current iteration (a whole one when at its start)."""
        self._guarded(lambda: self.stepper.run_iterations(1))

    @action
    def run_iterations(self, n: int) -> None:
        """Run n whole iterations at once (used by tests and the headless path)."""
        self._guarded(lambda: self._part.run_iterations(self.stepper, n))

    @action
    def reset(self) -> None:
        """Exactly the scenario's starting values, every time."""
        self.pause()
        self._travel.forget()
        self.stepper.reset()
        self._notice = ""
        self._can_restore = False
        self._history.forget()
        self._publish("Reset to the starting values")

    @action
    def restore_last_good(self) -> None:
        """After a divergence: back to the last state with finite numbers, in one click."""
        if not self._can_restore:
            return
        self.stepper.restore_last_good()
        self._notice = ""
        self._can_restore = False
        self._publish(f"Restored the last good state: {self.epoch_word} "
                      f"{self.stepper.iteration}, {self.stepper.position} operations in")

    def _guarded(self, action: Callable[[], object]) -> bool:
        if self._refused_in_past():
            return False
        try:
            action()
        except Divergence as divergence:
            self._on_training_diverged(divergence)
            return False
        self._publish(None)
        return True

    def _on_training_diverged(self, divergence: Divergence) -> None:
        """Pause and keep saying where training blew up until the learner changes something
        (a step or a run slice raised `divergence`)."""
        self.pause()
        self._can_restore = True
        self._notice = self._part.divergence_notice(divergence)
        self._publish(self._notice)

    # --- running -----------------------------------------------------------------------------

    @property
    def speed(self) -> float:
        return self._run_loop.speed

    @property
    def speed_unit(self) -> str:
        return self._run_loop.unit

    def is_running(self) -> bool:
        return self._run_loop.running

    @action
    def set_running(self, running: bool) -> None:
        """Run continuously at the current speed, or pause."""
        if running == self.is_running():
            self._publish(None, changed=False)
        elif not running:
            self.pause()
            self._publish("Paused")
        elif not self._refused_in_past():
            stop = self._part.stop_reason(self.stepper, starting=True)
            if stop is not None:
                self._publish(stop, changed=False)
                return
            self._run_loop.start(self.stepper, self._part)
            self._publish(f"Running at {self.speed:g} {self.speed_unit} per second")

    @action
    def toggle_running(self) -> None:
        self.set_running(not self.is_running())

    def pause(self) -> None:
        """Stop running; the memory the run's temporary arrays left behind goes back."""
        self._run_loop.pause()

    def set_iteration_trainer(self, trainer: Callable[[int], str | None] | None) -> None:
        """Run trains through trainer(n) (which says why Run must stop, or None) instead of
        the stepper alone: a comparison trains its runs beside this one; None: alone again."""
        self._run_loop.trainer = trainer

    @action
    def set_speed(self, per_second: float, unit: str) -> None:
        """How many iterations (or single operations) Run does per second."""
        if not self._run_loop.set_speed(per_second, unit):
            self.status_message.emit(f"Refused speed {per_second} {unit}")
            return
        self._publish(None, changed=False)

    def _on_run_loop_stopped(self, reason: str) -> None:
        """A stop condition ended the run."""
        self._publish(reason)

    def _on_run_loop_trained(self, frame_due: bool) -> None:
        """A run slice trained: the engine state changed; show it when a frame is due."""
        self._version += 1
        if frame_due:
            self._publish(None)

    # --- snapshots ---------------------------------------------------------------------------

    def _publish(self, message: str | None, changed: bool = True) -> None:
        """Build the snapshot of the current state and send it to every view. changed=False:
        the engine state is as in the last snapshot (a selection, a speed, a refusal)."""
        if changed:
            self._version += 1
            self._gradient_check.state_changed(self._version)
        if self.stepper is None:
            return  # nothing loaded yet: a setting chosen before the first scenario
        self._run_loop.frame_shown()
        running = self.is_running()
        snapshot = self._snapshots.make(
            self.stepper, self._part, self._version, running=running,
            paced=self._run_loop.paced, scenario=self.scenario, title=self.title,
            notice=self._notice, speed=self.speed, speed_unit=self.speed_unit,
            can_restore=self._can_restore, achieved_speed=self._run_loop.achieved(),
            survey=self._gradient_check.info())
        if self._part.drawing_unfinished and not running:
            QTimer.singleShot(0, self._on_plane_timer_timeout)
        self.snapshot = snapshot
        self.snapshot_changed.emit(snapshot)
        if message:
            self.status_message.emit(message)

    def publish_change(self, message: str | None = None) -> None:
        """Another part changed the engine state (the compared runs): a new version (the
        session differs from its file) and a new snapshot, with `message` said."""
        self._publish(message)

    def _on_plane_timer_timeout(self) -> None:
        """Continue a plane too large for one snapshot (the engine state is unchanged)."""
        if self._part.drawing_unfinished and not self.is_running():
            self._publish(None, changed=False)

