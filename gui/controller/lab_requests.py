"""What both labs ask of the controller beyond stepping, so that nothing surprises a learner in
the first ten minutes: scenarios that keep their state, the preview switched on or off, every
gradient checked at once, the seed examples' numerics, and what a session would lose.

Switching scenario used to throw the one left away; now each scenario's stepper (with its
step-back history), selection and notice wait here while the app runs and come back as they
were. Only the undo history starts afresh: its commands edit whichever trainable is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.files.session import HAND_EXAMPLES, Session
from engine.training.stepper import Stepper
from gui.controller.actions import action
from gui.controller.edit_report import work_summary
from gui.controller.snapshot import Index, SurveyInfo
from gui.controller.stepping_controller import SteppingController
from gui.controller.trainable_part import TrainablePart

NUMERICS_TEXT = {
    "book": "Book numerics: np.dot in float64 rounded to float32, as nnfs.init() makes it",
    "native": "Native numerics: float64 throughout, the notebook's own printed digits",
}


@dataclass
class ParkedScenario:
    """A scenario stepped away from, exactly as it was left."""

    stepper: Stepper
    part: TrainablePart
    title: str
    selected: tuple[str, Index] | None
    notice: str
    can_restore: bool
    changed: bool  # changed since it was loaded: unsaved work when it comes back


class LabRequests(SteppingController):
    """SteppingController with the requests above; LabController adds the classification's."""

    def __init__(self, *args, **kwargs):
        """The arguments of SteppingController."""
        super().__init__(*args, **kwargs)
        self._parked: dict[str, ParkedScenario] = {}
        self._loaded_version = -1  # the engine version when the scenario on screen was loaded
        self._gradient_check.progressed.connect(self._on_gradient_check_progressed)
        self._gradient_check.finished.connect(self._on_gradient_check_finished)

    # --- scenarios kept while the app runs ----------------------------------------------------

    @action
    def load_scenario(self, name: str) -> None:
        """Open scenario `name` where the learner left it, or at its starting values the first
        time; asking for the scenario on screen changes nothing (Reset starts it again)."""
        if name not in self.builders:
            raise KeyError(f"unknown scenario {name!r}; choose one of {sorted(self.builders)}")
        if self.stepper is not None and name == self.scenario:
            self._publish(f"{self.title} is open already: Reset (R) starts it again",
                          changed=False)
            return
        self._park()
        parked = self._parked.pop(name, None)
        if parked is None:
            super().load_scenario(name)
            self._loaded_version = self._version
        else:
            self._unpark(name, parked)

    @action
    def open_session(self, session: Session) -> None:
        """Continue exactly where `session` stood; a kept state of its scenario gives way."""
        self._parked.pop(session.scenario, None)
        super().open_session(session)
        self._loaded_version = self._version

    def parked_scenarios(self) -> list[str]:
        """The scenarios waiting, as they were left, to be switched back to."""
        return list(self._parked)

    def _park(self) -> None:
        """Keep the scenario on screen as it is (its latest state, if a past one is shown)."""
        if self.stepper is None:
            return
        self.pause()
        self._travel.return_to_present(self.stepper)
        self._parked[self.scenario] = ParkedScenario(
            self.stepper, self._part, self.title, self.selected, self._notice, self._can_restore,
            changed=self._version != self._loaded_version)

    def _unpark(self, name: str, parked: ParkedScenario) -> None:
        """Put a kept scenario back. For the File menu it is another session: it is replaced
        (no file named, so Save asks where), and counts as unsaved if it had changed."""
        self._travel.forget()
        self._history.forget()
        self.stepper, self._part = parked.stepper, parked.part
        self.scenario, self.title = name, parked.title
        self._notice, self._can_restore = parked.notice, parked.can_restore
        self.selected = parked.selected
        self._readings.keep_selection(self.trainable.parameters())
        self.session_replaced.emit()
        where = self.work_summary() or "its starting values"
        self._publish(f"{self.title}: back where you left it ({where})", changed=parked.changed)
        self._loaded_version = -1 if parked.changed else self._version

    # --- the preview, the whole-model check, the numerics --------------------------------------

    @action
    def set_preview(self, on: bool) -> None:
        """Show the rest of each pass as a preview, or only what the stepper has computed."""
        self._snapshots.preview_on = bool(on)
        self._publish("Preview on: the pass's values still to come are shown greyed" if on
                      else "Preview off: values appear as the stepper computes them",
                      changed=False)

    @action
    def check_gradients(self) -> None:
        """Check every gradient at the state on screen against its central difference, a slice
        at a time; the snapshots carry the progress, then the result."""
        self.pause()
        trainable = self._snapshots.reading_trainable(self.stepper, self._version)
        self._gradient_check.start(trainable, self._version)
        self._publish(None, changed=False)

    @action
    def set_numerics(self, numerics: str) -> None:
        """Start the seed example again from its starting values, computing in "book" or
        "native" numerics (a classification Model changes them through set_architecture)."""
        if numerics not in NUMERICS_TEXT:
            raise ValueError(f"numerics must be 'book' or 'native', got {numerics!r}")
        if self.model is not None or self.scenario not in HAND_EXAMPLES:
            self._publish("Refused: this network's numerics are set in its Network panel",
                          changed=False)
            return
        if getattr(self.trainable, "numerics", None) is not None and \
                self.trainable.numerics.name == numerics:
            return
        self.load_trainable(HAND_EXAMPLES[self.scenario](numerics), self.scenario, self.title)
        self._loaded_version = self._version
        self.status_message.emit(f"{NUMERICS_TEXT[numerics]}: started again from the "
                                 "starting values")

    def work_summary(self) -> str:
        """Where the session stands beyond its start, in words ("3 operations of the 1st
        iteration"), for a question about losing it; "" at its start, unedited."""
        if self.stepper is None:
            return ""
        return work_summary(self.stepper.iteration, self.stepper.position,
                            self.undo_stack.index(), self.epoch_word)

    def _on_gradient_check_progressed(self) -> None:
        """A slice of the whole-model check is done: show how far it got."""
        self._publish(None, changed=False)

    def _on_gradient_check_finished(self, info: SurveyInfo) -> None:
        """Say what the whole-model check found."""
        self.status_message.emit(info.sentence())
