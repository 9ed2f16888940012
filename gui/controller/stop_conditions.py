"""When Run pauses by itself in the classification lab: an epoch budget, a target loss or accuracy.

The conditions belong to the lab, not to one network: they outlive every rebuild from a changed
spec, so the controller keeps one StopConditions and each classification Model's part reads it.
"""

from __future__ import annotations

from collections.abc import Mapping

from engine.training.model import Model

KEYS = ("max_epochs", "target_loss", "target_accuracy")


class StopConditions:
    """{"max_epochs", "target_loss", "target_accuracy"}, None = that condition is off."""

    def __init__(self) -> None:
        self.values: dict[str, float | None] = dict.fromkeys(KEYS)

    def set(self, conditions: Mapping[str, float | None]) -> None:
        """Take every condition from `conditions` (a missing one is off)."""
        self.values = {key: conditions.get(key) for key in KEYS}

    @property
    def has_target(self) -> bool:
        """A target is checked after every iteration, so Run stops at the very epoch."""
        return self.values["target_loss"] is not None or \
            self.values["target_accuracy"] is not None

    def epochs_left(self, iteration: int) -> int | None:
        """Iterations Run may still do under the epoch budget (None: no budget). "Stop after
        epoch N" runs epochs 0 to N, as the book's `for epoch in range(N + 1)` does."""
        budget = self.values["max_epochs"]
        if budget is None:
            return None
        return max(0, int(budget) + 1 - iteration)

    def reason(self, iteration: int, model: Model, starting: bool = False) -> str | None:
        """Why Run should stop at the start of `iteration` of `model` (None: it should not);
        starting: Run is about to begin, when only the budget can forbid it."""
        budget = self.values["max_epochs"]
        if budget is not None and iteration > budget:
            return (f"Epoch {budget} is done, the epoch budget: raise it or switch it off in "
                    "the network panel to train on" if starting else
                    f"Stopped after epoch {budget}, the epoch budget")
        if starting or iteration == 0:
            return None
        loss = float(model.value("loss"))
        accuracy = float(model.value("accuracy"))
        target_loss, target_accuracy = self.values["target_loss"], self.values["target_accuracy"]
        if target_loss is not None and loss <= target_loss:
            return (f"Stopped: the loss reached {loss:.4g} <= {target_loss:g} "
                    f"at epoch {iteration - 1}")
        if target_accuracy is not None and accuracy >= target_accuracy:
            return (f"Stopped: the accuracy reached {accuracy:.3f} >= {target_accuracy:g} "
                    f"at epoch {iteration - 1}")
        return None
