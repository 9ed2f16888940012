"""An optimizer race: SGD, momentum, RMSprop and Adam from one start on a hand example's loss.

"Why Momentum Really Works" (Goh, Distill 2017) draws this for a quadratic; here the surface is
the learner's own network: a seed example's loss over two of its trained parameters, the
others fixed at their current values (what hand_landscape draws). Each racer is one of the
book's optimizer classes (engine/book/optimizers.py), called as the book calls them
(pre_update_params, update_params, post_update_params) on the two parameters, with the
gradient the example's own chain rule computes at each point: the analytic gradient of the
real loss.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from engine.scenarios.seed import SEED_ITERATIONS
from engine.training.coordinates import Coordinate, check_pair
from engine.training.landscape import HAND_EXAMPLES
from engine.training.spec import OPTIMIZERS, check_optimizer
from engine.training.stepper import Trainable


@dataclass(frozen=True)
class RacePath:
    """One racer's path: points (n + 1, 2), the start first; losses (n + 1,) at each point.
    diverged: the race stopped early because a point, its loss or its gradient overflowed."""

    name: str
    optimizer: dict
    points: np.ndarray
    losses: np.ndarray
    diverged: bool


class _TwoParameters:
    """What the book's optimizers update: weights (the two parameters, (2,)) and their
    gradient dweights, and no biases."""

    def __init__(self, start: np.ndarray):
        self.weights = np.array(start, dtype=np.float64)
        self.biases = np.zeros(0)
        self.dbiases = np.zeros(0)


def default_racers(learning_rate: float) -> dict[str, dict]:
    """The four racers for an example trained at `learning_rate`: SGD at it, SGD with the
    book's momentum of 0.9, RMSprop and Adam at ten times it (their steps are about the
    learning rate itself, SGD's the learning rate times the gradient)."""
    return {"SGD": {"name": "sgd", "learning_rate": learning_rate},
            "SGD with momentum": {"name": "sgd", "learning_rate": learning_rate,
                                  "momentum": 0.9},
            "RMSprop": {"name": "rmsprop", "learning_rate": 10 * learning_rate},
            "Adam": {"name": "adam", "learning_rate": 10 * learning_rate}}


def optimizer_race(example: Trainable, first: Sequence, second: Sequence,
                   steps: int = SEED_ITERATIONS,
                   racers: Mapping[str, Mapping] | None = None) -> dict[str, RacePath]:
    """Each racer's path from the current values of the two parameters (e.g.
    ("weights", (0,)) and ("bias", ())), `steps` updates long. racers: {name: optimizer
    settings as in a Model spec, {"name": "adam", "learning_rate": 0.01, ...}}, by default
    default_racers(the example's learning rate). The example is not changed."""
    if not isinstance(example, HAND_EXAMPLES):
        raise ValueError(f"{example.title} is not one of the seed's worked examples: the race "
                         "runs on a hand example's two-parameter surface")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be a whole number of at least 0, got {steps!r}")
    pair = check_pair(example, first, second)
    if racers is None:
        racers = default_racers(float(example.parameters()["learning_rate"]))
    settings = {name: check_optimizer(dict(racer)) for name, racer in racers.items()}
    clone = type(example)(example.numerics.name)
    clone.set_state(example.get_state())
    start = np.array([float(example.parameters()[c.name][c.index]) for c in pair])
    return {name: _race(clone, pair, start, name, optimizer, steps)
            for name, optimizer in settings.items()}


def _race(clone: Trainable, pair: tuple[Coordinate, Coordinate], start: np.ndarray,
          name: str, settings: dict, steps: int) -> RacePath:
    hyperparameters = {key: value for key, value in settings.items() if key != "name"}
    optimizer = OPTIMIZERS[settings["name"]](**hyperparameters)
    point = _TwoParameters(start)
    points, losses = [point.weights.copy()], [_loss_at(clone, pair, point.weights)]
    diverged = False
    with np.errstate(all="ignore"):
        for _ in range(steps):
            try:
                point.dweights = np.array([clone.chain_rule(*c).product for c in pair])
            except ArithmeticError:  # so far out that the chain rule's own check fails
                diverged = True
                break
            if not np.isfinite(point.dweights).all():
                diverged = True
                break
            optimizer.pre_update_params()
            optimizer.update_params(point)
            optimizer.post_update_params()
            loss = _loss_at(clone, pair, point.weights) \
                if np.isfinite(point.weights).all() else math.nan
            if not math.isfinite(loss):
                diverged = True
                break
            points.append(point.weights.copy())
            losses.append(loss)
    return RacePath(name, settings, np.array(points), np.array(losses), diverged)


def _loss_at(clone: Trainable, pair: tuple[Coordinate, Coordinate], values: np.ndarray) -> float:
    """The example's loss with the two parameters at `values`, which it keeps (the next
    chain rule is taken there)."""
    clone.set_value(pair[0].name, pair[0].index, float(values[0]))
    clone.set_value(pair[1].name, pair[1].index, float(values[1]))
    return float(clone.loss_with(pair[1].name, pair[1].index, float(values[1])))
