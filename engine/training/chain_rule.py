"""One gradient taken apart: the chain rule's factors, their product, and a numerical check.

The analytic gradient is what backpropagation computed; the central difference only uses the
loss, so their agreement (a small relative error) is the evidence that the factors are right.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from engine.training import gradcheck

# Central-difference step for a float64 loss. The fourth-order stencil's truncation error grows
# as step**4 (negligible here) and its rounding error as 1e-16 / step, so the step can be large
# enough for rounding to stay far below small gradients, yet rarely carries a sample's ReLU
# input across its kink.
DEFAULT_STEP = 1e-4


@dataclass(frozen=True)
class ChainRule:
    """dl/d(target) as a product (or a sum over samples) of labelled factors.

    factors: (label in the seed's notation, value), e.g. ("dl/dy", 2.0), ("dy/da_1", 1.0).
    For a batched model weight the factors describe one selected sample (`sample`), and `terms`
    lists the summed pieces, e.g. ("x_s1 * dl/dz_s2 summed over samples", ...).
    """

    target: str
    factors: list[tuple[str, float]]
    product: float
    numerical: float
    relative_error: float
    terms: list[tuple[str, float]] = field(default_factory=list)
    sample: int | None = None

    @property
    def equation(self) -> str:
        """The rule as the seed writes it, e.g. "dl/dw_0 = dl/da * da/dz * dz/dw_0"."""
        labels = [label for label, _ in (self.terms or self.factors)]
        joiner = " + " if self.terms else " * "
        return f"{self.target} = {joiner.join(labels)}"


def central_difference(loss_at: Callable[[float], float], value: float,
                       step: float = DEFAULT_STEP) -> float:
    """The numerical derivative at `value` by engine.training.gradcheck's fourth-order central
    difference, (8 (l(v + h) - l(v - h)) - (l(v + 2h) - l(v - 2h))) / 12h."""
    box = np.array([value], dtype=np.float64)
    return float(gradcheck.numerical_gradient(lambda: loss_at(float(box[0])), box, eps=step,
                                              order=4)[0])


def relative_error(analytic: float, numerical: float) -> float:
    """engine.training.gradcheck's |a - n| / (|a| + |n|); 0 when both are 0, so an exact zero
    gradient
    counts as agreeing."""
    return float(gradcheck.relative_error(analytic, numerical))


def make_chain_rule(target: str, factors: list[tuple[str, float]], product: float,
                    loss_at: Callable[[float], float], value: float,
                    step: float = DEFAULT_STEP, terms: list[tuple[str, float]] | None = None,
                    sample: int | None = None) -> ChainRule:
    """A ChainRule whose numerical estimate is the central difference of `loss_at` at `value`."""
    numerical = central_difference(loss_at, value, step)
    return ChainRule(target=target, factors=[(label, float(v)) for label, v in factors],
                     product=float(product), numerical=float(numerical),
                     relative_error=relative_error(float(product), float(numerical)),
                     terms=[(label, float(v)) for label, v in terms or []], sample=sample)
