"""The parameters an iteration's forward and backward pass used, once its update has begun.

From the first update operation on, the parameters have changed while every gradient the
diagram shows was computed before the change: a chain rule read at the current parameters would
say dl/dw_0 = 11.664 beside the diagram's dl/dw0 12. So until the iteration ends, the readings
(chain rules, loss curve) are taken off a copy of the trainable at the iteration's start, built
from the stepper's own exact state with the edits that apply there; the live trainable gives
the rule at the updated parameters, for the chain-rule panel to show on request.
"""

from __future__ import annotations

from engine.files.session import Session
from engine.training.model import Model
from engine.training.stepper import Stepper, Trainable

PASS_START_NOTE = "at the parameters this iteration's pass used, before its update"


def update_began(stepper: Stepper) -> bool:
    """Whether an update operation of the current iteration has run."""
    return any(operation.phase == "update"
               for operation in stepper.operations[:stepper.position])


class PassStart:
    """A copy of the trainable at the current iteration's start, while its update runs."""

    def __init__(self) -> None:
        self._copy: tuple[int, Trainable] | None = None  # (engine version, the copy)

    def trainable(self, stepper: Stepper, version: int) -> Trainable | None:
        """The trainable as the current iteration's pass saw it, or None where the live one
        is that already (the update has not begun) or where a copy would cost too much: a
        classification Model's state carries its whole training history."""
        if not update_began(stepper) or isinstance(stepper.trainable, Model):
            self._copy = None
            return None
        if self._copy is None or self._copy[0] != version:
            session = Session.capture(stepper)
            start = Stepper(session.build_trainable())
            start.set_state({**session.stepper, "position": 0})
            self._copy = (version, start.trainable)
        return self._copy[1]
