"""Every gradient of a trainable checked, not only the selected one: the whole-model check.

Each element of each parameter that has a chain rule is checked exactly as the chain-rule panel
checks the selected one (the Trainable's own `chain_rule`: backpropagation's number against a
central difference of the loss), so the number the survey names for an element is the number a
click on that element shows. The chapter-10 network has 387 weights and biases at a few
milliseconds each, so the survey works in slices (`check_for`) and its caller stays responsive
in between; the trainable must not change until the survey is done.
"""

from __future__ import annotations

import time
from collections import Counter, deque
from collections.abc import Iterator

import numpy as np

from engine.training.chain_rule import ChainRule
from engine.training.stepper import Trainable

Element = tuple[str, tuple[int, ...]]


class GradientSurvey:
    """The chain rules of every element of `trainable`'s parameters, checked a slice at a time.

    A parameter without a chain rule (a learning rate, a target) is skipped whole after its
    first element says so; an element whose rule cannot be computed (a diverged state) counts
    as `unchecked`.
    """

    def __init__(self, trainable: Trainable):
        self._trainable = trainable
        self._queue: deque[Element] = deque(_elements(trainable))
        self.total = len(self._queue)
        self.rules: list[ChainRule] = []
        self.skipped: list[str] = []  # parameters that have no gradient to check
        self.unchecked = 0  # elements whose rule could not be computed
        self._started: set[str] = set()  # parameters with at least one element looked at

    @property
    def done(self) -> bool:
        return not self._queue

    @property
    def checked(self) -> int:
        """Elements looked at so far (checked, skipped or not computable)."""
        return self.total - len(self._queue)

    def check_for(self, seconds: float) -> bool:
        """Check elements for about `seconds` (at least one); True once every one is done."""
        deadline = time.perf_counter() + seconds
        while self._queue:
            self._check(*self._queue.popleft())
            if time.perf_counter() >= deadline:
                break
        return self.done

    def check_all(self) -> GradientSurvey:
        """Check every element at once (the headless path and tests)."""
        self.check_for(float("inf"))
        return self

    def counts(self) -> Counter[str]:
        """How many rules say "agree", "both ~0" and "differ"."""
        return Counter(rule.verdict for rule in self.rules)

    def worst(self) -> ChainRule | None:
        """The rule with the largest relative error, leaving out those that are "both ~0"
        (their relative error measures rounding, not the gradient); None if there is none."""
        measured = [rule for rule in self.rules if rule.verdict != "both ~0"]
        return max(measured, key=lambda rule: rule.relative_error, default=None)

    def _check(self, name: str, index: tuple[int, ...]) -> None:
        if name in self.skipped:
            return
        first = name not in self._started
        self._started.add(name)
        try:
            with np.errstate(all="ignore"):
                rule = self._trainable.chain_rule(name, index)
        except ValueError:
            if first:  # a learning rate or target: no element of it has a rule
                self.skipped.append(name)
            else:
                self.unchecked += 1
            return
        except ArithmeticError:
            self.unchecked += 1
            return
        if np.isfinite(rule.product) and np.isfinite(rule.numerical):
            self.rules.append(rule)
        else:
            self.unchecked += 1


def _elements(trainable: Trainable) -> Iterator[Element]:
    for name, value in trainable.parameters().items():
        for index in np.ndindex(np.shape(value)):
            yield name, tuple(int(i) for i in index)
