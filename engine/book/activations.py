"""The book's activations: ReLU, Softmax (chapters 4 and 9), Sigmoid (16), Linear (17).

`predictions(outputs)` is chapter 19's: what the model predicts from the activation's output.
Every class accepts `numerics` so a model builder can pass it to all of them; Softmax is the one
that uses it (np.dot in its Jacobian).
"""

from __future__ import annotations

import functools

import numpy as np

from engine.book.layers import check_array, check_called, check_numerics, checking
from engine.book.numerics import GLOBAL_NUMPY, Numerics

# numpy adds fewer than this many numbers one after another (its pairwise summation starts here),
# so below it a row's sum can be taken column by column in numpy's own order.
_PAIRWISE_FROM = 8


class _Activation:
    """The forward bookkeeping shared by the four activations."""

    def __init__(self, *, numerics: Numerics = GLOBAL_NUMPY):
        self.numerics = check_numerics(numerics)

    def _check_inputs(self, inputs: np.ndarray) -> None:
        if checking():
            check_array(inputs, f"{type(self).__name__} inputs")

    def _check_dvalues(self, dvalues: np.ndarray) -> None:
        if not checking():
            return
        name = type(self).__name__
        check_called(self, "output", "backward", "forward")
        check_array(dvalues, f"{name} dvalues", shape=self.output.shape)


class Activation_ReLU(_Activation):
    """max(0, x), elementwise."""

    def forward(self, inputs: np.ndarray, training: bool = True) -> None:
        """inputs: (n_samples, n) -> self.output: (n_samples, n)."""
        self._check_inputs(inputs)
        self.inputs = inputs
        # The book's np.maximum(0, inputs), with the 0 as a whole array of zeros: numpy's
        # vectorised loop takes two arrays, not a lone number. The same numbers, twice as fast.
        self.output = np.maximum(np.zeros(inputs.shape, inputs.dtype), inputs)

    def backward(self, dvalues: np.ndarray) -> None:
        """dvalues: (n_samples, n) -> self.dinputs: (n_samples, n); the slope is 0 where x <= 0."""
        self._check_dvalues(dvalues)
        # The book's dvalues.copy() and `self.dinputs[self.inputs <= 0] = 0` in one pass:
        # the same zeros, the same values elsewhere, twice as fast.
        self.dinputs = np.where(self.inputs <= 0, 0, dvalues)

    def predictions(self, outputs: np.ndarray) -> np.ndarray:
        return outputs


class Activation_Softmax(_Activation):
    """exp(x) / sum(exp(x)) over each row, shifted by the row's max so exp cannot overflow."""

    def forward(self, inputs: np.ndarray, training: bool = True) -> None:
        """inputs: (n_samples, n_classes) -> self.output: (n_samples, n_classes), rows sum to 1."""
        check_array(inputs, "Activation_Softmax inputs", ndim=2)
        self.inputs = inputs
        exp_values = np.exp(inputs - _row_max(inputs))
        probabilities = exp_values / _row_sum(exp_values)
        self.output = probabilities

    def backward(self, dvalues: np.ndarray) -> None:
        """dvalues: (n_samples, n_classes) -> self.dinputs, one Jacobian per sample."""
        self._check_dvalues(dvalues)
        self.dinputs = np.empty_like(dvalues)
        pairs = zip(self.output, dvalues, strict=True)
        for index, (single_output, single_dvalues) in enumerate(pairs):
            single_output = single_output.reshape(-1, 1)
            # d softmax_i / d x_j = s_i (delta_ij - s_j)
            jacobian_matrix = (np.diagflat(single_output)
                               - self.numerics.dot(single_output, single_output.T))
            self.dinputs[index] = self.numerics.dot(jacobian_matrix, single_dvalues)

    def predictions(self, outputs: np.ndarray) -> np.ndarray:
        return np.argmax(outputs, axis=1)


def _few_columns(values: np.ndarray) -> bool:
    return 0 < values.shape[1] < _PAIRWISE_FROM and values.dtype.char in "fd"


def _row_max(values: np.ndarray) -> np.ndarray:
    """The book's np.max(values, axis=1, keepdims=True) for values (n, k): the same numbers.

    numpy reduces each row of a few classes in a call of its own; a running maximum over the
    columns makes k - 1 calls for all rows at once (6 times faster for 3 classes)."""
    if not _few_columns(values):
        return np.max(values, axis=1, keepdims=True)
    return functools.reduce(np.maximum, values.T)[:, np.newaxis]


def _row_sum(values: np.ndarray) -> np.ndarray:
    """The book's np.sum(values, axis=1, keepdims=True) for values (n, k): the same numbers.

    numpy adds a row of fewer than 8 float32 or float64 numbers to 0 left to right, so adding
    whole columns to 0 left to right is the same order (tests/engine/test_activations.py checks
    every such k), in k calls for all rows instead of one call per row."""
    if not _few_columns(values):
        return np.sum(values, axis=1, keepdims=True)
    return functools.reduce(np.add, values.T, 0.0)[:, np.newaxis]


class Activation_Sigmoid(_Activation):
    """1 / (1 + exp(-x)), elementwise; one independent yes/no per output."""

    def forward(self, inputs: np.ndarray, training: bool = True) -> None:
        """inputs: (n_samples, n) -> self.output: (n_samples, n) in (0, 1)."""
        self._check_inputs(inputs)
        self.inputs = inputs
        self.output = 1 / (1 + np.exp(-inputs))

    def backward(self, dvalues: np.ndarray) -> None:
        """dvalues: (n_samples, n) -> self.dinputs; sigma' = sigma (1 - sigma)."""
        self._check_dvalues(dvalues)
        self.dinputs = dvalues * (1 - self.output) * self.output

    def predictions(self, outputs: np.ndarray) -> np.ndarray:
        return (outputs > 0.5) * 1


class Activation_Linear(_Activation):
    """The identity, for regression outputs."""

    def forward(self, inputs: np.ndarray, training: bool = True) -> None:
        """inputs: (n_samples, n) -> self.output, the same array."""
        self._check_inputs(inputs)
        self.inputs = inputs
        self.output = inputs

    def backward(self, dvalues: np.ndarray) -> None:
        """dvalues: (n_samples, n) -> self.dinputs, a copy (the slope is 1)."""
        self._check_dvalues(dvalues)
        self.dinputs = dvalues.copy()

    def predictions(self, outputs: np.ndarray) -> np.ndarray:
        return outputs
