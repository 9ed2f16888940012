"""What one training iteration of a spec will cost, known before anything is built.

A network is cheap to describe and can be ruinous to train: 32 hidden layers of 100 neurons on
200,000 points fit every per-field limit of a session file, yet one iteration takes 10 GB and
half a minute. So every place that builds a Model from what a learner or a file asks for (the
network and data panels, added or loaded points, a session file) first asks this estimate, and
refuses above ITERATION_BYTES or says what it will cost above the warned levels, in the
learner's units: "this network needs about 10 GB per iteration".

Memory: the forward and backward pass keep, per sample and hidden neuron, the Dense output,
the activation's output, and both their input gradients (four arrays of the numerics' float),
dropout adds its mask, output and gradient, the softmax keeps three arrays, and the book's
np.dot makes one float64 temporary the size of the widest layer's output; the parameters
count with their optimizer caches. Time: about 6 floating-point operations per sample and
weight (2 forward, 4 backward) at FLOPS_PER_SECOND.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.limits import (
    FLOPS_PER_SECOND,
    ITERATION_BYTES,
    ITERATION_BYTES_WARNED,
    ITERATION_SECONDS_WARNED,
)
from engine.training.spec import input_width, normalize_spec, output_width, sample_count


@dataclass(frozen=True)
class IterationCost:
    """bytes: memory one iteration needs; seconds: its time, roughly."""

    bytes: int
    seconds: float

    @property
    def refused(self) -> bool:
        return self.bytes > ITERATION_BYTES

    def warning(self) -> str | None:
        """What to tell the learner before training such a network, or None."""
        if self.refused:
            return (f"this network needs about {size_text(self.bytes)} per iteration, more "
                    f"than the {size_text(ITERATION_BYTES)} allowed: use fewer points, layers "
                    "or neurons")
        parts = []
        if self.bytes > ITERATION_BYTES_WARNED:
            parts.append(f"needs about {size_text(self.bytes)} per iteration")
        if self.seconds > ITERATION_SECONDS_WARNED:
            parts.append(f"takes about {self.seconds:.1f} s per iteration")
        return "this network " + " and ".join(parts) if parts else None


def iteration_cost(spec: dict) -> IterationCost:
    """The estimate for a Model spec (normalized here; ValueError for a bad spec)."""
    spec = normalize_spec(spec)
    samples = sample_count(spec) + len(spec["points"])
    itemsize = 4 if spec["numerics"] == "book" else 8
    outputs = output_width(spec)
    widths = [input_width(spec)] + [layer["neurons"] for layer in spec["hidden"]] + [outputs]
    per_sample = 0
    for layer in spec["hidden"]:
        per_sample += layer["neurons"] * (4 + (3 if layer["dropout"] else 0)) * itemsize
    per_sample += outputs * 3 * itemsize + 2 * itemsize + max(widths) * 8
    parameters = sum((n_in + 1) * n_out for n_in, n_out in zip(widths, widths[1:], strict=False))
    weights = sum(n_in * n_out for n_in, n_out in zip(widths, widths[1:], strict=False))
    return IterationCost(bytes=samples * per_sample + parameters * 5 * 8,
                         seconds=6 * samples * weights / FLOPS_PER_SECOND)


def check_iteration_cost(spec: dict) -> str | None:
    """ValueError, with the estimate, if an iteration of `spec` would cost too much; else the
    warning to show (or None)."""
    cost = iteration_cost(spec)
    if cost.refused:
        raise ValueError(cost.warning())
    return cost.warning()


def size_text(size: float) -> str:
    """Bytes in the unit a person reads: '10 GB', '340 MB', '12 KB'."""
    for unit, scale in (("GB", 2**30), ("MB", 2**20), ("KB", 2**10)):
        if size >= scale:
            value = size / scale
            return f"{value:.0f} {unit}" if value >= 10 else f"{value:.1f} {unit}"
    return f"{int(size)} bytes"
