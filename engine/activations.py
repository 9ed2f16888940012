"""The book's activations: ReLU, Softmax (chapters 4 and 9), Sigmoid (16), Linear (17).

`predictions(outputs)` is chapter 19's: what the model predicts from the activation's output.
Every class accepts `numerics` so a model builder can pass it to all of them; Softmax is the one
that uses it (np.dot in its Jacobian).
"""

from __future__ import annotations

import numpy as np

from engine.layers import check_array, check_called, check_numerics
from engine.numerics import GLOBAL_NUMPY, Numerics


class _Activation:
    """The forward bookkeeping shared by the four activations."""

    def __init__(self, *, numerics: Numerics = GLOBAL_NUMPY):
        self.numerics = check_numerics(numerics)

    def _check_inputs(self, inputs: np.ndarray) -> None:
        check_array(inputs, f"{type(self).__name__} inputs")

    def _check_dvalues(self, dvalues: np.ndarray) -> None:
        name = type(self).__name__
        check_called(self, "output", "backward", "forward")
        check_array(dvalues, f"{name} dvalues", shape=self.output.shape)


class Activation_ReLU(_Activation):
    """max(0, x), elementwise."""

    def forward(self, inputs: np.ndarray, training: bool = True) -> None:
        """inputs: (n_samples, n) -> self.output: (n_samples, n)."""
        self._check_inputs(inputs)
        self.inputs = inputs
        self.output = np.maximum(0, inputs)

    def backward(self, dvalues: np.ndarray) -> None:
        """dvalues: (n_samples, n) -> self.dinputs: (n_samples, n); the slope is 0 where x <= 0."""
        self._check_dvalues(dvalues)
        self.dinputs = dvalues.copy()
        # The book's `self.dinputs[self.inputs <= 0] = 0`: the same zeros, written twice as fast.
        np.putmask(self.dinputs, self.inputs <= 0, 0)

    def predictions(self, outputs: np.ndarray) -> np.ndarray:
        return outputs


class Activation_Softmax(_Activation):
    """exp(x) / sum(exp(x)) over each row, shifted by the row's max so exp cannot overflow."""

    def forward(self, inputs: np.ndarray, training: bool = True) -> None:
        """inputs: (n_samples, n_classes) -> self.output: (n_samples, n_classes), rows sum to 1."""
        check_array(inputs, "Activation_Softmax inputs", ndim=2)
        self.inputs = inputs
        exp_values = np.exp(inputs - np.max(inputs, axis=1, keepdims=True))
        probabilities = exp_values / np.sum(exp_values, axis=1, keepdims=True)
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
