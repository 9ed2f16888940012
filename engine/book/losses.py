"""The book's losses, as the book writes them: categorical cross-entropy (chapter 5),
regularization (14), binary cross-entropy (16), mean squared and mean absolute error (17), the
fused softmax + cross-entropy of chapter 9 (whose backward is one subtraction instead of a
Jacobian per sample), and the Loss base class with chapter 18's remembered layers and chapter
19's accumulation over a pass.

`forward(y_pred, y_true)` returns one loss per sample; `calculate` takes their mean;
`backward(dvalues, y_true)` sets `self.dinputs` for the mean loss. Two places differ from the
book's page: categorical cross-entropy's one-hot targets come from `self.numerics.eye` (see
engine/book/layers.py), and mean absolute error's gradient has the correct sign (its
docstring says why).
"""

from __future__ import annotations

import numpy as np

from engine.book import contracts
from engine.book.activations import Activation_Softmax
from engine.book.checks import checked


@checked(regularization_loss=contracts.remembered_layers,
         calculate_accumulated=contracts.accumulated)
class Loss:
    """What every loss shares: the mean over samples and the regularization penalty."""

    # Regularization loss calculation: of one layer (chapter 14), or without one, of every
    # layer given to remember_trainable_layers (chapter 18), added up in one sum
    def regularization_loss(self, layer=None):
        # 0 by default
        regularization_loss = 0

        layers = self.trainable_layers if layer is None else [layer]
        for trainable in layers:
            # L1 regularization - weights
            # calculate only when factor greater than 0
            if trainable.weight_regularizer_l1 > 0:
                regularization_loss += trainable.weight_regularizer_l1 * \
                                       np.sum(np.abs(trainable.weights))

            # L2 regularization - weights
            if trainable.weight_regularizer_l2 > 0:
                regularization_loss += trainable.weight_regularizer_l2 * \
                                       np.sum(trainable.weights *
                                              trainable.weights)

            # L1 regularization - biases
            # calculate only when factor greater than 0
            if trainable.bias_regularizer_l1 > 0:
                regularization_loss += trainable.bias_regularizer_l1 * \
                                       np.sum(np.abs(trainable.biases))

            # L2 regularization - biases
            if trainable.bias_regularizer_l2 > 0:
                regularization_loss += trainable.bias_regularizer_l2 * \
                                       np.sum(trainable.biases *
                                              trainable.biases)

        return regularization_loss

    # Set/remember trainable layers
    def remember_trainable_layers(self, trainable_layers) -> None:
        self.trainable_layers = trainable_layers

    # Calculates the data and regularization losses
    # given model output and ground truth values
    def calculate(self, output: np.ndarray, y: np.ndarray, *,
                  include_regularization: bool = False):
        """output: (n_samples, ...) and targets y -> the mean sample loss, and with
        include_regularization the pair (data loss, regularization loss)."""
        # Calculate sample losses
        sample_losses = self.forward(output, y)

        # Calculate mean loss
        data_loss = np.mean(sample_losses)

        # Add accumulated sum of losses and sample count (after new_pass())
        if hasattr(self, 'accumulated_sum'):
            self.accumulated_sum += np.sum(sample_losses)
            self.accumulated_count += len(sample_losses)

        # If just data loss - return it
        if not include_regularization:
            return data_loss

        # Return the data and regularization losses
        return data_loss, self.regularization_loss()

    # Calculates accumulated loss
    def calculate_accumulated(self, *, include_regularization: bool = False):
        # Calculate mean loss
        data_loss = self.accumulated_sum / self.accumulated_count

        # If just data loss - return it
        if not include_regularization:
            return data_loss

        # Return the data and regularization losses
        return data_loss, self.regularization_loss()

    # Reset variables for accumulated loss
    def new_pass(self) -> None:
        self.accumulated_sum = 0
        self.accumulated_count = 0


@checked(forward=contracts.class_targets, backward=contracts.class_targets_of_dvalues)
class Loss_CategoricalCrossentropy(Loss):
    """-log of the probability given to the correct class; y_true: class indices (n_samples,)
    or one-hot rows (n_samples, n_classes)."""

    # Forward pass
    def forward(self, y_pred: np.ndarray, y_true: np.ndarray) -> np.ndarray:
        """y_pred: (n_samples, n_classes) -> (n_samples,)."""
        # Number of samples in a batch
        samples = len(y_pred)

        # Clip data to prevent division by 0
        # Clip both sides to not drag mean towards any value
        y_pred_clipped = np.clip(y_pred, 1e-7, 1 - 1e-7)

        # Probabilities for target values -
        # only if categorical labels
        if len(y_true.shape) == 1:
            correct_confidences = y_pred_clipped[
                range(samples),
                y_true
            ]

        # Mask values - only for one-hot encoded labels
        elif len(y_true.shape) == 2:
            correct_confidences = np.sum(
                y_pred_clipped * y_true,
                axis=1
            )

        # Losses
        negative_log_likelihoods = -np.log(correct_confidences)
        return negative_log_likelihoods

    # Backward pass
    def backward(self, dvalues: np.ndarray, y_true: np.ndarray) -> None:
        """dvalues: probabilities (n_samples, n_classes) -> self.dinputs = -y / y_hat / n."""
        # Number of samples
        samples = len(dvalues)
        # Number of labels in every sample
        # We'll use the first sample to count them
        labels = len(dvalues[0])

        # If labels are sparse, turn them into one-hot vector
        if len(y_true.shape) == 1:
            y_true = self.numerics.eye(labels)[y_true]

        # Calculate gradient
        self.dinputs = -y_true / dvalues
        # Normalize gradient
        self.dinputs = self.dinputs / samples


# The seed notebook and parts of the book spell it with a capital E.
Loss_CategoricalCrossEntropy = Loss_CategoricalCrossentropy


@checked(backward=contracts.fused_targets)
class Activation_Softmax_Loss_CategoricalCrossentropy:
    """Softmax followed by cross-entropy. Together their gradient with respect to the softmax
    inputs is (y_hat - y_one_hot) / n_samples, so backward needs no Jacobians."""

    # Creates activation and loss function objects
    def __init__(self):
        self.activation = Activation_Softmax()
        self.loss = Loss_CategoricalCrossentropy()

    # Forward pass
    def forward(self, inputs: np.ndarray, y_true: np.ndarray):
        """inputs: (n_samples, n_classes) -> self.output (softmax); returns the mean loss."""
        # Output layer's activation function
        self.activation.forward(inputs)
        # Set the output
        self.output = self.activation.output
        # Calculate and return loss value
        return self.loss.calculate(self.output, y_true)

    # Backward pass
    def backward(self, dvalues: np.ndarray, y_true: np.ndarray) -> None:
        """dvalues: the softmax output (n_samples, n_classes) -> self.dinputs, same shape."""
        # Number of samples
        samples = len(dvalues)

        # If labels are one-hot encoded,
        # turn them into discrete values
        if len(y_true.shape) == 2:
            y_true = np.argmax(y_true, axis=1)

        # Copy so we can safely modify
        self.dinputs = dvalues.copy()
        # Calculate gradient
        self.dinputs[range(samples), y_true] -= 1
        # Normalize gradient
        self.dinputs = self.dinputs / samples


@checked(forward=contracts.same_shape, backward=contracts.same_shape_of_dvalues)
class Loss_BinaryCrossentropy(Loss):
    """-(y log p + (1 - y) log(1 - p)), averaged over the outputs of each sample."""

    # Forward pass
    def forward(self, y_pred: np.ndarray, y_true: np.ndarray) -> np.ndarray:
        """y_pred, y_true: (n_samples, n_outputs) -> (n_samples,)."""
        # Clip data to prevent division by 0
        # Clip both sides to not drag mean towards any value
        y_pred_clipped = np.clip(y_pred, 1e-7, 1 - 1e-7)

        # Calculate sample-wise loss
        sample_losses = -(y_true * np.log(y_pred_clipped) +
                          (1 - y_true) * np.log(1 - y_pred_clipped))
        sample_losses = np.mean(sample_losses, axis=-1)

        # Return losses
        return sample_losses

    # Backward pass
    def backward(self, dvalues: np.ndarray, y_true: np.ndarray) -> None:
        """dvalues: predictions (n_samples, n_outputs) -> self.dinputs, same shape."""
        # Number of samples
        samples = len(dvalues)
        # Number of outputs in every sample
        # We'll use the first sample to count them
        outputs = len(dvalues[0])

        # Clip data to prevent division by 0
        # Clip both sides to not drag mean towards any value
        clipped_dvalues = np.clip(dvalues, 1e-7, 1 - 1e-7)

        # Calculate gradient
        self.dinputs = -(y_true / clipped_dvalues -
                         (1 - y_true) / (1 - clipped_dvalues)) / outputs
        # Normalize gradient
        self.dinputs = self.dinputs / samples


@checked(forward=contracts.same_shape, backward=contracts.same_shape_of_dvalues)
class Loss_MeanSquaredError(Loss):  # L2 loss
    """(y - y_hat)^2, averaged over the outputs of each sample."""

    # Forward pass
    def forward(self, y_pred: np.ndarray, y_true: np.ndarray) -> np.ndarray:
        """y_pred, y_true: (n_samples, n_outputs) -> (n_samples,)."""
        # Calculate loss
        sample_losses = np.mean((y_true - y_pred)**2, axis=-1)

        # Return losses
        return sample_losses

    # Backward pass
    def backward(self, dvalues: np.ndarray, y_true: np.ndarray) -> None:
        """dvalues: predictions (n_samples, n_outputs) -> self.dinputs = -2 (y - y_hat) / (n m)."""
        # Number of samples
        samples = len(dvalues)
        # Number of outputs in every sample
        # We'll use the first sample to count them
        outputs = len(dvalues[0])

        # Gradient on values
        self.dinputs = -2 * (y_true - dvalues) / outputs
        # Normalize gradient
        self.dinputs = self.dinputs / samples


@checked(forward=contracts.same_shape, backward=contracts.same_shape_of_dvalues)
class Loss_MeanAbsoluteError(Loss):  # L1 loss
    """|y - y_hat|, averaged over the outputs of each sample."""

    # Forward pass
    def forward(self, y_pred: np.ndarray, y_true: np.ndarray) -> np.ndarray:
        """y_pred, y_true: (n_samples, n_outputs) -> (n_samples,)."""
        # Calculate loss
        sample_losses = np.mean(np.abs(y_true - y_pred), axis=-1)

        # Return losses
        return sample_losses

    # Backward pass
    def backward(self, dvalues: np.ndarray, y_true: np.ndarray) -> None:
        """dvalues: predictions (n_samples, n_outputs) -> self.dinputs = -sign(y - y_hat)/(n m).

        The book prints `np.sign(y_true - dvalues)`, which is the gradient's negative
        (d|y - y_hat|/dy_hat = -sign(y - y_hat)), so training with it climbs the loss. This
        app teaches gradients and checks them numerically, so it uses the correct sign. No book
        run prints numbers from this class, so no reference value depends on the difference.
        """
        # Number of samples
        samples = len(dvalues)
        # Number of outputs in every sample
        # We'll use the first sample to count them
        outputs = len(dvalues[0])

        # Calculate gradient
        self.dinputs = -np.sign(y_true - dvalues) / outputs
        # Normalize gradient
        self.dinputs = self.dinputs / samples


__all__ = [
    "Activation_Softmax_Loss_CategoricalCrossentropy",
    "Loss",
    "Loss_BinaryCrossentropy",
    "Loss_CategoricalCrossEntropy",
    "Loss_CategoricalCrossentropy",
    "Loss_MeanAbsoluteError",
    "Loss_MeanSquaredError",
]
