"""One gradient taken apart: the chain rule's factors, their product, and a numerical check.

The analytic gradient is what backpropagation computed; the central difference only uses the
loss, so their agreement (a small relative error) is the evidence that the factors are right.
Both can only be as exact as their arithmetic: under a floor set by the loss's size, the step
and the analytic pass's precision (gradcheck.zero_floor) a gradient is "both ~0", not "differ".
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
AGREEMENT = 1e-4  # relative error under which the two estimates count as the same number


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
    zero_floor: float = 0.0  # under this size both estimates are 0 as far as they can tell

    @property
    def verdict(self) -> str:
        """"both ~0" when neither estimate rises above the floor, else "agree" or "differ"."""
        return verdict(self.product, self.numerical, self.relative_error, self.zero_floor)

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


def relative_error(analytic: float, numerical: float, floor: float = 0.0) -> float:
    """engine.training.gradcheck's |a - n| / max(|a| + |n|, floor); 0 when both are 0, so an
    exact zero gradient counts as agreeing."""
    return float(gradcheck.relative_error(analytic, numerical, floor))


def verdict(analytic: float, numerical: float, error: float, floor: float) -> str:
    """What the check says: "both ~0", "agree" (relative error under AGREEMENT) or "differ"."""
    if max(abs(analytic), abs(numerical)) <= floor:
        return "both ~0"
    return "agree" if error < AGREEMENT else "differ"


def make_chain_rule(target: str, factors: list[tuple[str, float]], product: float,
                    loss_at: Callable[[float], float], value: float,
                    step: float = DEFAULT_STEP, terms: list[tuple[str, float]] | None = None,
                    sample: int | None = None, precision=np.float64) -> ChainRule:
    """A ChainRule whose numerical estimate is the central difference of `loss_at` at `value`.
    precision: the dtype the analytic `product` was computed in (float32 under the book's
    numerics), which sets how close to 0 it can tell a gradient from 0."""
    numerical = central_difference(loss_at, value, step)
    floor = gradcheck.zero_floor(loss_at(value), step, precision)
    # Dividing by at least floor / AGREEMENT keeps rounding noise the size of the floor under
    # AGREEMENT, so "both ~0" also reads as agreeing; a difference larger than the floor still
    # shows (cs231n's checker divides by at least 1e-8, about the same for these losses).
    error = relative_error(float(product), float(numerical), floor / AGREEMENT)
    return ChainRule(target=target, factors=[(label, float(v)) for label, v in factors],
                     product=float(product), numerical=float(numerical), relative_error=error,
                     terms=[(label, float(v)) for label, v in terms or []], sample=sample,
                     zero_floor=floor)
