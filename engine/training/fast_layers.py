"""The book's ReLU and softmax formulas computing the same numbers in fewer numpy calls, for the
loops that run them thousands of times: a Model's ReLU layers, its trusted iteration
(engine/training/fastpath.py) and the boundary grid (engine/training/grid.py).

The book's text stays in engine/book/activations.py, where a learner reads it and Export as
Python copies it from; tests/engine/training/test_fast_layers.py holds each formula here to the
book's, bit for bit, over zeros of both signs, NaN, infinities and subnormals.
"""

from __future__ import annotations

import functools

import numpy as np

from engine.book.activations import Activation_ReLU
from engine.book.checks import checked

# numpy adds fewer than this many numbers one after another (its pairwise summation starts here),
# so below it a row's sum can be taken column by column in numpy's own order.
_PAIRWISE_FROM = 8


def relu(inputs: np.ndarray) -> np.ndarray:
    """The book's np.maximum(0, inputs) for inputs (n, k): the 0 as a whole array of zeros,
    because numpy's vectorised loop takes two arrays, not a lone number; twice as fast."""
    return np.maximum(np.zeros(inputs.shape, inputs.dtype), inputs)


def relu_gradient(inputs: np.ndarray, dvalues: np.ndarray) -> np.ndarray:
    """The book's `dinputs = dvalues.copy(); dinputs[inputs <= 0] = 0` in one pass: the same
    zeros, the same values elsewhere, twice as fast. Both (n, k)."""
    return np.where(inputs <= 0, 0, dvalues)


def softmax(inputs: np.ndarray) -> np.ndarray:
    """The book's softmax forward for inputs (n_samples, n_classes) -> probabilities, same
    shape: the row max and row sum taken column by column for a few classes."""
    exp_values = np.exp(inputs - row_max(inputs))
    return exp_values / row_sum(exp_values)


def _few_columns(values: np.ndarray) -> bool:
    return 0 < values.shape[1] < _PAIRWISE_FROM and values.dtype.char in "fd"


def row_max(values: np.ndarray) -> np.ndarray:
    """The book's np.max(values, axis=1, keepdims=True) for values (n, k): the same numbers.

    numpy reduces each row of a few classes in a call of its own; a running maximum over the
    columns makes k - 1 calls for all rows at once (6 times faster for 3 classes)."""
    if not _few_columns(values):
        return np.max(values, axis=1, keepdims=True)
    return functools.reduce(np.maximum, values.T)[:, np.newaxis]


def row_sum(values: np.ndarray) -> np.ndarray:
    """The book's np.sum(values, axis=1, keepdims=True) for values (n, k): the same numbers.

    numpy adds a row of fewer than 8 float32 or float64 numbers to 0 left to right, so adding
    whole columns to 0 left to right is the same order, in k calls for all rows instead of one
    call per row."""
    if not _few_columns(values):
        return np.sum(values, axis=1, keepdims=True)
    return functools.reduce(np.add, values.T, 0.0)[:, np.newaxis]


@checked()
class FastReLU(Activation_ReLU):
    """The book's Activation_ReLU (its checks, its predictions) with relu() and
    relu_gradient() for its two formulas; a Model's "relu" layers are these."""

    def forward(self, inputs: np.ndarray, training: bool = True) -> None:
        """inputs: (n_samples, n) -> self.output: (n_samples, n)."""
        self.inputs = inputs
        self.output = relu(inputs)

    def backward(self, dvalues: np.ndarray) -> None:
        """dvalues: (n_samples, n) -> self.dinputs: (n_samples, n)."""
        self.dinputs = relu_gradient(self.inputs, dvalues)
