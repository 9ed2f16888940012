"""Activation_Tanh: not in the book, written as its activations are, for the model builder's
menu."""

from __future__ import annotations

import numpy as np

from engine.book import contracts
from engine.book.checks import checked


@checked(forward=contracts.any_inputs, backward=contracts.activation_dvalues)
class Activation_Tanh:
    """tanh(x), elementwise, in (-1, 1)."""

    # Forward pass
    def forward(self, inputs: np.ndarray, training: bool = True) -> None:
        """inputs: (n_samples, n) -> self.output: (n_samples, n) in (-1, 1)."""
        # Remember input values
        self.inputs = inputs
        self.output = np.tanh(inputs)

    # Backward pass
    def backward(self, dvalues: np.ndarray) -> None:
        """dvalues: (n_samples, n) -> self.dinputs; tanh' = 1 - tanh^2."""
        self.dinputs = dvalues * (1 - self.output ** 2)

    # Calculate predictions for outputs
    def predictions(self, outputs: np.ndarray) -> np.ndarray:
        return outputs
