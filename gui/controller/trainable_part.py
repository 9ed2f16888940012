"""What the controller does differently for each kind of trainable, chosen once per trainable.

The controller drives any Trainable the same way; a kind that offers more (a classification
Model: a plane to draw, stop conditions, a validation set) brings a part that does it. The part
is chosen when a trainable is installed, so nothing else in the controller asks what the
trainable is.
"""

from __future__ import annotations

from typing import Protocol

from engine.training.model import Model
from engine.training.stepper import Divergence, Stepper, Trainable
from gui.controller.classification_part import ClassificationPart
from gui.controller.snapshot import ClassificationInfo
from gui.controller.stop_conditions import StopConditions


class TrainablePart(Protocol):
    """The controller's share that depends on the kind of trainable."""

    epoch_word: str  # what the learner calls one iteration: "iteration" or "epoch"
    model: Model | None  # the trainable when it is a classification Model
    preset_spec: dict | None  # the spec a rebuild's title compares with (a Model's only)
    trains_one_at_a_time: bool  # Run checks a stop condition after every iteration
    drawing_unfinished: bool  # the last snapshot's picture needs more slices

    def classification(self, stepper: Stepper, version: int,
                       running: bool) -> ClassificationInfo | None: ...
    def stop_reason(self, stepper: Stepper, starting: bool = False) -> str | None: ...
    def epochs_left(self, stepper: Stepper, unit: str) -> int | None: ...
    def run_iterations(self, stepper: Stepper, n: int) -> None: ...
    def divergence_notice(self, divergence: Divergence) -> str: ...
    def prepare_to_run(self) -> None: ...
    def carry_over(self, previous: TrainablePart, measurements: bool) -> None: ...
    def validation_state(self) -> dict | None: ...
    def set_validation_state(self, state: dict) -> None: ...


class HandExamplePart:
    """The seed's worked examples: iterations, no stop conditions, nothing more to draw."""

    epoch_word = "iteration"
    model = None
    preset_spec = None
    trains_one_at_a_time = False
    drawing_unfinished = False

    def classification(self, stepper: Stepper, version: int, running: bool) -> None:
        return None

    def stop_reason(self, stepper: Stepper, starting: bool = False) -> None:
        return None

    def epochs_left(self, stepper: Stepper, unit: str) -> None:
        return None

    def run_iterations(self, stepper: Stepper, n: int) -> None:
        stepper.run_iterations(n)

    def divergence_notice(self, divergence: Divergence) -> str:
        return f"Paused: {divergence}. Step back (Left) to the last good values."

    def prepare_to_run(self) -> None:
        """Nothing to start: a hand example draws nothing on another core."""

    def carry_over(self, previous: TrainablePart, measurements: bool) -> None:
        """Nothing to keep: hand examples are never rebuilt."""

    def validation_state(self) -> None:
        """Hand examples have no validation set."""
        return None

    def set_validation_state(self, state: dict) -> None:
        """Nothing to restore: hand examples have no validation set."""


def part_for(trainable: Trainable, stops: StopConditions) -> TrainablePart:
    """The part for `trainable`: a classification Model's, else a hand example's."""
    if isinstance(trainable, Model):
        return ClassificationPart(trainable, stops)
    return HandExamplePart()
