"""Time travel: a past iteration shown on the controller's stepper, the latest state kept aside.

While the past is shown, the stepper stands at that past iteration (so every view draws it as
usual) and the latest state waits here; returning puts it back, resuming drops it. Training in
between would fork the history, so the controller refuses it until one of the two.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from engine.files import state as state_codec
from engine.files.session import SessionCopy
from engine.training.stepper import Divergence, Stepper


class TimeTravel:
    """Where the stepper's latest state is kept while a past iteration is shown."""

    def __init__(self) -> None:
        self._present: dict | None = None  # Stepper.get_state() of the latest iteration
        # The validation measurements as of the latest iteration (History.get_state()), kept
        # by the controller while the past is shown: showing it measures at the past epoch.
        self.present_validation: dict | None = None

    @property
    def viewing_past(self) -> bool:
        return self._present is not None

    def present_state(self, stepper: Stepper) -> dict:
        """The latest state (Stepper.get_state()), also while a past iteration is shown."""
        return self._present if self._present is not None else stepper.get_state()

    def latest_copy(self, taken: SessionCopy) -> SessionCopy:
        """`taken` (copied from the stepper) as of the latest iteration: while the past is
        shown, the latest state is the one a saved session continues from."""
        if self._present is None:
            return taken
        return dataclasses.replace(taken, stepper=state_codec.decode(self._present),
                                   validation=self.present_validation or taken.validation)

    def show(self, stepper: Stepper, stepper_state: dict, replay: int) -> None:
        """Put `stepper` at the iteration `replay` iterations after `stepper_state` (a Stepper
        state at an earlier iteration start), keeping the latest state aside. Divergence or
        ValueError if that iteration cannot be computed: the stepper is then back at the
        latest state and nothing is kept aside."""
        present = self.present_state(stepper)
        try:
            with np.errstate(all="ignore"):
                stepper.set_state(stepper_state)
                stepper.run_iterations(replay)
        except (Divergence, ValueError):
            stepper.set_state(present)
            self._present = None
            self.present_validation = None
            raise
        self._present = present

    def return_to_present(self, stepper: Stepper) -> bool:
        """Put the latest state back on `stepper`; False if no past was shown."""
        if self._present is None:
            return False
        stepper.set_state(self._present)
        self._present = None
        self.present_validation = None
        return True

    def resume(self) -> bool:
        """Train on from the past shown: the latest state is dropped. False if none was shown."""
        if self._present is None:
            return False
        self._present = None
        self.present_validation = None  # the later measurements go with the later epochs
        return True

    def forget(self) -> None:
        """A new trainable or a reset: there is no other present to go back to."""
        self._present = None
        self.present_validation = None
