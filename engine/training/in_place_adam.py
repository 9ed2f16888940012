"""The book's Optimizer_Adam.update_params for a whole ParameterBlock, into the block's own
arrays: the same numbers without a dozen new arrays a step.

Each line of the book's update (engine/book/optimizers.py) is the same numpy operations in
the same order, each rounded as the book's is, with `out=` arrays kept between steps:

    momentums = beta_1 * momentums + (1 - beta_1) * gradients
    corrected momentums = momentums / (1 - beta_1 ** (iterations + 1))
    cache = beta_2 * cache + (1 - beta_2) * gradients**2
    corrected cache = cache / (1 - beta_2 ** (iterations + 1))
    parameters += -current_learning_rate * corrected momentums / (sqrt(corrected cache) + eps)

(a * x and x * a round alike, and `gradients**2` is numpy's square). The scalars must be
Python floats, as the spec and the book's own arithmetic make them: a numpy float64 scalar
would promote a float32 block's lines to float64, where the book's expression then computes;
for one of those the update falls back to the book's method.
"""

from __future__ import annotations

import numpy as np

from engine.book.checks import unchecked


class AdamInPlace:
    """optimizer.update_params(block's layer) for an Optimizer_Adam, into the block."""

    def __init__(self, optimizer, block):
        self.optimizer, self.block = optimizer, block
        self.book_update = unchecked(optimizer.update_params)
        self.scaled = np.empty_like(block.parameters)
        self.corrected = np.empty_like(block.parameters)

    def update(self) -> None:
        optimizer, block = self.optimizer, self.block
        scalars = (optimizer.current_learning_rate, optimizer.beta_1, optimizer.beta_2,
                   optimizer.epsilon)
        if not all(type(scalar) is float for scalar in scalars):
            self.book_update(block.layer)
            block.layer.keep_caches()
            return
        learning_rate, beta_1, beta_2, epsilon = scalars
        step = optimizer.iterations + 1
        gradients, momentums, cache = block.gradients, block.momentums, block.cache
        scaled, corrected = self.scaled, self.corrected
        np.multiply(momentums, beta_1, out=momentums)
        np.multiply(gradients, 1 - beta_1, out=scaled)
        np.add(momentums, scaled, out=momentums)
        np.square(gradients, out=scaled)
        np.multiply(scaled, 1 - beta_2, out=scaled)
        np.multiply(cache, beta_2, out=cache)
        np.add(cache, scaled, out=cache)
        # corrected cache, its root plus epsilon, into `scaled`
        np.divide(cache, 1 - beta_2 ** step, out=scaled)
        np.sqrt(scaled, out=scaled)
        np.add(scaled, epsilon, out=scaled)
        # -learning_rate * corrected momentums / that, into `corrected`
        np.divide(momentums, 1 - beta_1 ** step, out=corrected)
        np.multiply(corrected, -learning_rate, out=corrected)
        np.divide(corrected, scaled, out=corrected)
        np.add(block.parameters, corrected, out=block.parameters)
