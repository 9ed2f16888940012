"""The whole-model gradient check, run a slice at a time so the window answers meanwhile.

The chain-rule panel checks the selected gradient; this checks all of them
(engine.training.gradient_survey) at the state on screen and keeps the result while that state
holds. A change of state stops an unfinished check, whose numbers would mix two states, and
marks a finished one as of the past.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from engine.training.gradient_survey import GradientSurvey
from engine.training.stepper import Trainable
from gui.controller.snapshot import SurveyInfo, chain_rule_info

SLICE_S = 0.02  # checking per timer tick; the rest of the event loop's turn is the window's


class GradientCheck(QObject):
    """One survey at a time, of the trainable as it stood at one engine version."""

    # () a slice was checked (or the check stopped): the next snapshot shows how far it got
    progressed = Signal()
    # (SurveyInfo) every element was checked
    finished = Signal(object)

    def __init__(self, parent: QObject, slice_s: float = SLICE_S):
        super().__init__(parent)
        self._slice_s = slice_s
        self._survey: GradientSurvey | None = None
        self._version = -1
        self._stale = False
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._on_timer_timeout)

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    def start(self, trainable: Trainable, version: int) -> None:
        """Check every gradient of `trainable`, which stays as it is at `version` meanwhile."""
        self._survey = GradientSurvey(trainable)
        self._version = version
        self._stale = False
        self._timer.start()

    def state_changed(self, version: int) -> None:
        """The engine state is now `version`: a check of another state stops or goes stale."""
        if self._survey is None or version == self._version:
            return
        if self.running:
            self._timer.stop()
            self._survey = None
            self.progressed.emit()
        else:
            self._stale = True

    def info(self) -> SurveyInfo | None:
        """What the check found so far, None if none was made (or one was stopped)."""
        survey = self._survey
        if survey is None:
            return None
        worst = survey.worst()
        return SurveyInfo(checked=survey.checked, total=survey.total,
                          counts=dict(survey.counts()),
                          worst=None if worst is None else chain_rule_info(worst),
                          skipped=tuple(survey.skipped), unchecked=survey.unchecked,
                          stale=self._stale)

    def _on_timer_timeout(self) -> None:
        """Check one slice; say so, and once done, say what was found."""
        if self._survey is None:
            self._timer.stop()
            return
        done = self._survey.check_for(self._slice_s)
        if done:
            self._timer.stop()
        self.progressed.emit()
        if done:
            self.finished.emit(self.info())
