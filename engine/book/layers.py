"""The book's layers: Layer_Dense, Layer_Dropout, Layer_Input, as the book writes them.

The text is the book's (Sentdex/nnfs_book, Chapter_15/Ch15_Final.py, with chapter 18's
`training` flag and Layer_Input, chapter 21's get_parameters/set_parameters) line for line,
because float32 training runs are chaotic: one reordered operation shows in the third decimal
after a few hundred epochs. Two things differ from the book's page:

- the functions `nnfs.init()` changes are called through `self.numerics` (`self.numerics.dot`
  for `np.dot`, `self.numerics.randn` for `np.random.randn`, ...), so each model computes in its
  own numerics without the engine patching numpy (engine/book/numerics.py);
- Layer_Dense takes `weight_scale`, 0.01 as in the book: the book's chapter-17 regression
  edits this line to draw `0.1 * np.random.randn`, and the keyword lets that script run with
  the engine's class.

The `@checked(...)` line above each class adds the engine's argument checks
(engine/book/contracts.py) and the `numerics=` keyword (engine/book/checks.py); it is not part
of the book's text, and Export as Python leaves it out.
"""

from __future__ import annotations

import numpy as np

from engine.book import contracts
from engine.book.checks import checked


@checked(__init__=contracts.dense_settings, forward=contracts.dense_forward,
         backward=contracts.dense_backward, set_parameters=contracts.dense_parameters)
class Layer_Dense:
    """A fully connected layer: output = inputs . weights + biases; weights (n_inputs,
    n_neurons) drawn as weight_scale * randn, biases (1, n_neurons) zeros."""

    # Layer initialization
    def __init__(self, n_inputs, n_neurons,
                 weight_regularizer_l1=0, weight_regularizer_l2=0,
                 bias_regularizer_l1=0, bias_regularizer_l2=0, *, weight_scale=0.01):
        # Initialize weights and biases
        self.weights = weight_scale * self.numerics.randn(n_inputs, n_neurons)
        self.biases = self.numerics.zeros((1, n_neurons))

        # Set regularization strength
        self.weight_regularizer_l1 = weight_regularizer_l1
        self.weight_regularizer_l2 = weight_regularizer_l2
        self.bias_regularizer_l1 = bias_regularizer_l1
        self.bias_regularizer_l2 = bias_regularizer_l2

    # Forward pass
    def forward(self, inputs: np.ndarray, training: bool = True) -> None:
        """inputs: (n_samples, n_inputs) -> self.output: (n_samples, n_neurons)."""
        # Remember input values
        self.inputs = inputs
        # Calculate output values from inputs, weights and biases
        self.output = self.numerics.dot(inputs, self.weights) + self.biases

    # Backward pass
    def backward(self, dvalues: np.ndarray) -> None:
        """dvalues: (n_samples, n_neurons) -> dweights, dbiases, dinputs (n_samples, n_inputs)."""
        # Gradients on parameters
        self.dweights = self.numerics.dot(self.inputs.T, dvalues)
        self.dbiases = np.sum(dvalues, axis=0, keepdims=True)

        # Gradients on regularization
        # L1 on weights
        if self.weight_regularizer_l1 > 0:
            dl1 = np.ones_like(self.weights)
            dl1[self.weights < 0] = -1
            self.dweights += self.weight_regularizer_l1 * dl1
        # L2 on weights
        if self.weight_regularizer_l2 > 0:
            self.dweights += 2 * self.weight_regularizer_l2 * \
                             self.weights
        # L1 on biases
        if self.bias_regularizer_l1 > 0:
            dl1 = np.ones_like(self.biases)
            dl1[self.biases < 0] = -1
            self.dbiases += self.bias_regularizer_l1 * dl1
        # L2 on biases
        if self.bias_regularizer_l2 > 0:
            self.dbiases += 2 * self.bias_regularizer_l2 * \
                            self.biases

        # Gradient on values
        self.dinputs = self.numerics.dot(dvalues, self.weights.T)

    # Retrieve layer parameters
    def get_parameters(self) -> tuple[np.ndarray, np.ndarray]:
        return self.weights, self.biases

    # Set weights and biases in a layer instance
    def set_parameters(self, weights: np.ndarray, biases: np.ndarray) -> None:
        self.weights = weights
        self.biases = biases


@checked(__init__=contracts.dropout_settings, forward=contracts.any_inputs,
         backward=contracts.dropout_backward)
class Layer_Dropout:
    """Zeroes a random `rate` share of its inputs while training and scales the rest by
    1 / (1 - rate); `self.rate` is the share kept, the chance of a 1 in the mask."""

    # Init
    def __init__(self, rate):
        # Store rate, we invert it as for example for dropout
        # of 0.1 we need success rate of 0.9
        self.rate = 1 - rate

    # Forward pass
    def forward(self, inputs: np.ndarray, training: bool = True) -> None:
        """inputs: (n_samples, n) -> self.output and self.binary_mask: (n_samples, n)."""
        # Save input values
        self.inputs = inputs

        # If not in the training mode - return values
        if not training:
            self.output = inputs.copy()
            return

        # Generate and save scaled mask
        self.binary_mask = self.numerics.binomial(1, self.rate, size=inputs.shape) / self.rate
        # Apply mask to output values
        self.output = inputs * self.binary_mask

    # Backward pass
    def backward(self, dvalues: np.ndarray) -> None:
        """dvalues: (n_samples, n) -> self.dinputs: (n_samples, n), through the same mask."""
        # Gradient on values
        self.dinputs = dvalues * self.binary_mask


@checked(forward=contracts.any_inputs)
class Layer_Input:
    """Chapter 18's first "layer": hands the data on, so every layer has a previous one."""

    # Forward pass
    def forward(self, inputs: np.ndarray, training: bool = True) -> None:
        self.output = inputs
