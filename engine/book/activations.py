"""The book's activations: ReLU, Softmax (chapters 4 and 9), Sigmoid (16), Linear (17), as the
book writes them (Sentdex/nnfs_book, Chapter_15/Ch15_Final.py and the later chapters'), with
chapter 18's `training` flag and chapter 19's `predictions(outputs)`: what the model predicts
from the activation's output.

Softmax's backward calls `self.numerics.dot` where the book calls `np.dot` (see
engine/book/layers.py for why). A Model trains its ReLU layers with
engine/training/fast_layers.py's, which computes these same numbers in fewer numpy calls.
"""

from __future__ import annotations

import numpy as np

from engine.book import contracts
from engine.book.checks import checked


@checked(forward=contracts.any_inputs, backward=contracts.activation_dvalues)
class Activation_ReLU:
    """max(0, x), elementwise; the slope is 0 where x <= 0."""

    # Forward pass
    def forward(self, inputs: np.ndarray, training: bool = True) -> None:
        """inputs: (n_samples, n) -> self.output: (n_samples, n)."""
        # Remember input values
        self.inputs = inputs
        # Calculate output values from inputs
        self.output = np.maximum(0, inputs)

    # Backward pass
    def backward(self, dvalues: np.ndarray) -> None:
        """dvalues: (n_samples, n) -> self.dinputs: (n_samples, n)."""
        # Since we need to modify original variable,
        # let's make a copy of values first
        self.dinputs = dvalues.copy()

        # Zero gradient where input values were negative
        self.dinputs[self.inputs <= 0] = 0

    # Calculate predictions for outputs
    def predictions(self, outputs: np.ndarray) -> np.ndarray:
        return outputs


@checked(forward=contracts.softmax_inputs, backward=contracts.activation_dvalues)
class Activation_Softmax:
    """exp(x) / sum(exp(x)) over each row, shifted by the row's max so exp cannot overflow."""

    # Forward pass
    def forward(self, inputs: np.ndarray, training: bool = True) -> None:
        """inputs: (n_samples, n_classes) -> self.output: (n_samples, n_classes), rows sum to 1."""
        # Remember input values
        self.inputs = inputs

        # Get unnormalized probabilities
        exp_values = np.exp(inputs - np.max(inputs, axis=1,
                                            keepdims=True))
        # Normalize them for each sample
        probabilities = exp_values / np.sum(exp_values, axis=1,
                                            keepdims=True)

        self.output = probabilities

    # Backward pass
    def backward(self, dvalues: np.ndarray) -> None:
        """dvalues: (n_samples, n_classes) -> self.dinputs, one Jacobian per sample."""
        # Create uninitialized array
        self.dinputs = np.empty_like(dvalues)

        # Enumerate outputs and gradients
        for index, (single_output, single_dvalues) in \
                enumerate(zip(self.output, dvalues, strict=True)):
            # Flatten output array
            single_output = single_output.reshape(-1, 1)
            # Calculate Jacobian matrix of the output
            jacobian_matrix = np.diagflat(single_output) - \
                self.numerics.dot(single_output, single_output.T)
            # Calculate sample-wise gradient
            # and add it to the array of sample gradients
            self.dinputs[index] = self.numerics.dot(jacobian_matrix, single_dvalues)

    # Calculate predictions for outputs
    def predictions(self, outputs: np.ndarray) -> np.ndarray:
        return np.argmax(outputs, axis=1)


@checked(forward=contracts.any_inputs, backward=contracts.activation_dvalues)
class Activation_Sigmoid:
    """1 / (1 + exp(-x)), elementwise: one independent yes/no per output."""

    # Forward pass
    def forward(self, inputs: np.ndarray, training: bool = True) -> None:
        """inputs: (n_samples, n) -> self.output: (n_samples, n) in (0, 1)."""
        # Save input and calculate/save output
        # of the sigmoid function
        self.inputs = inputs
        self.output = 1 / (1 + np.exp(-inputs))

    # Backward pass
    def backward(self, dvalues: np.ndarray) -> None:
        """dvalues: (n_samples, n) -> self.dinputs; sigmoid' = sigmoid (1 - sigmoid)."""
        # Derivative - calculates from output of the sigmoid function
        self.dinputs = dvalues * (1 - self.output) * self.output

    # Calculate predictions for outputs
    def predictions(self, outputs: np.ndarray) -> np.ndarray:
        return (outputs > 0.5) * 1


@checked(forward=contracts.any_inputs, backward=contracts.activation_dvalues)
class Activation_Linear:
    """The identity, for regression outputs."""

    # Forward pass
    def forward(self, inputs: np.ndarray, training: bool = True) -> None:
        """inputs: (n_samples, n) -> self.output, the same array."""
        # Just remember values
        self.inputs = inputs
        self.output = inputs

    # Backward pass
    def backward(self, dvalues: np.ndarray) -> None:
        """dvalues: (n_samples, n) -> self.dinputs, a copy (the derivative is 1)."""
        # derivative is 1, 1 * dvalues = dvalues - the chain rule
        self.dinputs = dvalues.copy()

    # Calculate predictions for outputs
    def predictions(self, outputs: np.ndarray) -> np.ndarray:
        return outputs
