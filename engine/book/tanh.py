"""Activation_Tanh: not in the book, written in its style for the model builder's menu."""

from __future__ import annotations

import numpy as np

from engine.book.activations import Activation_Linear


class Activation_Tanh(Activation_Linear):
    """tanh(x), elementwise. tanh' = 1 - tanh^2."""

    def forward(self, inputs: np.ndarray, training: bool = True) -> None:
        """inputs: (n_samples, n) -> self.output: (n_samples, n) in (-1, 1)."""
        self._check_inputs(inputs)
        self.inputs = inputs
        self.output = np.tanh(inputs)

    def backward(self, dvalues: np.ndarray) -> None:
        """dvalues: (n_samples, n) -> self.dinputs: (n_samples, n)."""
        self._check_dvalues(dvalues)
        self.dinputs = dvalues * (1 - self.output ** 2)
