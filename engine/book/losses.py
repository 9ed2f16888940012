"""The book's losses: categorical cross-entropy (chapter 5), regularization (14), binary
cross-entropy (16), mean squared and mean absolute error (17), and the fused softmax +
cross-entropy of chapter 9, whose backward is one subtraction instead of a Jacobian per sample.

`forward(y_pred, y_true)` returns one loss per sample; `calculate` takes their mean;
`backward(dvalues, y_true)` sets `self.dinputs` for the mean loss.
"""

from __future__ import annotations

import numpy as np

from engine.book.activations import Activation_Softmax
from engine.book.layers import check_array, check_numerics, checking
from engine.book.numerics import GLOBAL_NUMPY, Numerics


class Loss:
    """What every loss shares: the mean over samples and the regularization penalty.

    Every loss accepts `numerics` so a model builder can pass it to all of them; categorical
    cross-entropy uses it (np.eye for one-hot targets).
    """

    def __init__(self, *, numerics: Numerics = GLOBAL_NUMPY):
        self.numerics = check_numerics(numerics)

    def regularization_loss(self, layer=None) -> float:
        """The L1 and L2 penalties of one Layer_Dense (chapter 14), each only when its factor
        is > 0; without a layer, of all layers given to remember_trainable_layers (chapter 18),
        added up term by term in one sum as the book does."""
        if layer is not None:
            return _add_penalties(0, layer)
        if not hasattr(self, "trainable_layers"):
            raise ValueError("regularization_loss() needs a layer, or "
                             "remember_trainable_layers() first")
        regularization_loss = 0
        for trainable in self.trainable_layers:
            regularization_loss = _add_penalties(regularization_loss, trainable)
        return regularization_loss

    def remember_trainable_layers(self, trainable_layers) -> None:
        """Chapter 18: the layers whose penalties regularization_loss() adds up."""
        self.trainable_layers = trainable_layers

    def calculate(self, output: np.ndarray, y: np.ndarray, *,
                  include_regularization: bool = False):
        """output: (n_samples, ...) and targets y -> the mean sample loss, and with
        include_regularization (chapter 18) the pair (data loss, regularization loss).

        After new_pass() (chapter 19's batches) the sample losses are also accumulated."""
        sample_losses = self.forward(output, y)
        data_loss = np.mean(sample_losses)
        if hasattr(self, "accumulated_sum"):
            self.accumulated_sum += np.sum(sample_losses)
            self.accumulated_count += len(sample_losses)
        if not include_regularization:
            return data_loss
        return data_loss, self.regularization_loss()

    def calculate_accumulated(self, *, include_regularization: bool = False):
        """Chapter 19: the mean loss over every sample since new_pass()."""
        if not getattr(self, "accumulated_count", 0):
            raise ValueError("calculate_accumulated() needs new_pass() and at least one "
                             "calculate() first")
        data_loss = self.accumulated_sum / self.accumulated_count
        if not include_regularization:
            return data_loss
        return data_loss, self.regularization_loss()

    def new_pass(self) -> None:
        """Chapter 19: start accumulating sample losses for a new epoch."""
        self.accumulated_sum = 0
        self.accumulated_count = 0

    def _check_same_shape(self, values: np.ndarray, y_true: np.ndarray, what: str) -> None:
        """Elementwise losses need targets shaped like the predictions; a (n,) target against
        (n, 1) predictions would silently broadcast to (n, n)."""
        if not checking():
            return
        name = type(self).__name__
        check_array(values, f"{name} {what}", ndim=2)
        check_array(y_true, f"{name} y_true")
        if y_true.shape != values.shape:
            raise ValueError(
                f"{name}: y_true has shape {y_true.shape} but {what} has shape {values.shape}"
                + ("; reshape y_true with y.reshape(-1, 1)" if values.shape[1:] == (1,) else ""))


class Loss_CategoricalCrossentropy(Loss):
    """-log of the probability given to the correct class."""

    def _check_targets(self, values: np.ndarray, y_true: np.ndarray, what: str) -> None:
        """Targets are class indices (n_samples,) or one-hot rows (n_samples, n_classes)."""
        if not checking():
            return
        name = type(self).__name__
        check_array(values, f"{name} {what}", ndim=2)
        check_array(y_true, f"{name} y_true")
        if y_true.ndim == 1:
            if len(y_true) != len(values):
                raise ValueError(f"{name}: y_true has {len(y_true)} labels but {what} has "
                                 f"{len(values)} samples")
            if y_true.dtype.kind not in "biu":
                raise ValueError(f"{name}: class labels must be integers, got {y_true.dtype}")
            if len(y_true) and (y_true.min() < 0 or y_true.max() >= values.shape[1]):
                raise ValueError(f"{name}: class labels must be in 0..{values.shape[1] - 1}")
        elif y_true.shape != values.shape:
            raise ValueError(f"{name}: one-hot y_true has shape {y_true.shape} but {what} has "
                             f"shape {values.shape}")

    def forward(self, y_pred: np.ndarray, y_true: np.ndarray) -> np.ndarray:
        """y_pred: (n_samples, n_classes); y_true: (n_samples,) or one-hot -> (n_samples,)."""
        self._check_targets(y_pred, y_true, "y_pred")
        samples = len(y_pred)
        # Clip both ends: log(0) is -inf, and clipping one end only would bias the mean.
        y_pred_clipped = np.clip(y_pred, 1e-7, 1 - 1e-7)
        if len(y_true.shape) == 1:
            # np.arange(samples) selects what the book's range(samples) selects, 5x faster.
            correct_confidences = y_pred_clipped[np.arange(samples), y_true]
        elif len(y_true.shape) == 2:
            correct_confidences = np.sum(y_pred_clipped * y_true, axis=1)
        negative_log_likelihoods = -np.log(correct_confidences)
        return negative_log_likelihoods

    def backward(self, dvalues: np.ndarray, y_true: np.ndarray) -> None:
        """dvalues: probabilities (n_samples, n_classes) -> self.dinputs = -y / y_hat / n."""
        self._check_targets(dvalues, y_true, "dvalues")
        samples = len(dvalues)
        labels = len(dvalues[0])
        if len(y_true.shape) == 1:
            y_true = self.numerics.eye(labels)[y_true]
        self.dinputs = -y_true / dvalues
        self.dinputs = self.dinputs / samples


def _add_penalties(regularization_loss, layer):
    """Adds one layer's L1 and L2 penalties to a running sum, in the book's order."""
    if layer.weight_regularizer_l1 > 0:
        regularization_loss += layer.weight_regularizer_l1 * np.sum(np.abs(layer.weights))
    if layer.weight_regularizer_l2 > 0:
        regularization_loss += layer.weight_regularizer_l2 * np.sum(layer.weights * layer.weights)
    if layer.bias_regularizer_l1 > 0:
        regularization_loss += layer.bias_regularizer_l1 * np.sum(np.abs(layer.biases))
    if layer.bias_regularizer_l2 > 0:
        regularization_loss += layer.bias_regularizer_l2 * np.sum(layer.biases * layer.biases)
    return regularization_loss


# The seed notebook and parts of the book spell it with a capital E.
Loss_CategoricalCrossEntropy = Loss_CategoricalCrossentropy


class Activation_Softmax_Loss_CategoricalCrossentropy:
    """Softmax followed by cross-entropy. Together their gradient with respect to the softmax
    inputs is (y_hat - y_one_hot) / n_samples, so backward needs no Jacobians."""

    def __init__(self, *, numerics: Numerics = GLOBAL_NUMPY):
        self.numerics = check_numerics(numerics)
        self.activation = Activation_Softmax(numerics=numerics)
        self.loss = Loss_CategoricalCrossentropy(numerics=numerics)

    def forward(self, inputs: np.ndarray, y_true: np.ndarray) -> float:
        """inputs: (n_samples, n_classes) -> self.output (softmax), returns the mean loss."""
        self.activation.forward(inputs)
        self.output = self.activation.output
        return self.loss.calculate(self.output, y_true)

    def backward(self, dvalues: np.ndarray, y_true: np.ndarray) -> None:
        """dvalues: the softmax output (n_samples, n_classes) -> self.dinputs, same shape."""
        self.loss._check_targets(dvalues, y_true, "dvalues")
        samples = len(dvalues)
        if len(y_true.shape) == 2:
            y_true = np.argmax(y_true, axis=1)
        self.dinputs = dvalues.copy()
        self.dinputs[np.arange(samples), y_true] -= 1  # the book's range(samples), faster
        self.dinputs = self.dinputs / samples


class Loss_BinaryCrossentropy(Loss):
    """-(y log p + (1 - y) log(1 - p)), averaged over the outputs of each sample."""

    def forward(self, y_pred: np.ndarray, y_true: np.ndarray) -> np.ndarray:
        """y_pred, y_true: (n_samples, n_outputs) -> (n_samples,)."""
        self._check_same_shape(y_pred, y_true, "y_pred")
        y_pred_clipped = np.clip(y_pred, 1e-7, 1 - 1e-7)
        sample_losses = -(y_true * np.log(y_pred_clipped)
                          + (1 - y_true) * np.log(1 - y_pred_clipped))
        sample_losses = np.mean(sample_losses, axis=-1)
        return sample_losses

    def backward(self, dvalues: np.ndarray, y_true: np.ndarray) -> None:
        """dvalues: predictions (n_samples, n_outputs) -> self.dinputs, same shape."""
        self._check_same_shape(dvalues, y_true, "dvalues")
        samples = len(dvalues)
        outputs = len(dvalues[0])
        clipped_dvalues = np.clip(dvalues, 1e-7, 1 - 1e-7)
        self.dinputs = -(y_true / clipped_dvalues
                         - (1 - y_true) / (1 - clipped_dvalues)) / outputs
        self.dinputs = self.dinputs / samples


class Loss_MeanSquaredError(Loss):
    """(y - y_hat)^2, averaged over the outputs of each sample."""

    def forward(self, y_pred: np.ndarray, y_true: np.ndarray) -> np.ndarray:
        """y_pred, y_true: (n_samples, n_outputs) -> (n_samples,)."""
        self._check_same_shape(y_pred, y_true, "y_pred")
        sample_losses = np.mean((y_true - y_pred)**2, axis=-1)
        return sample_losses

    def backward(self, dvalues: np.ndarray, y_true: np.ndarray) -> None:
        """dvalues: predictions (n_samples, n_outputs) -> self.dinputs = -2 (y - y_hat) / (n m)."""
        self._check_same_shape(dvalues, y_true, "dvalues")
        samples = len(dvalues)
        outputs = len(dvalues[0])
        self.dinputs = -2 * (y_true - dvalues) / outputs
        self.dinputs = self.dinputs / samples


class Loss_MeanAbsoluteError(Loss):
    """|y - y_hat|, averaged over the outputs of each sample."""

    def forward(self, y_pred: np.ndarray, y_true: np.ndarray) -> np.ndarray:
        """y_pred, y_true: (n_samples, n_outputs) -> (n_samples,)."""
        self._check_same_shape(y_pred, y_true, "y_pred")
        sample_losses = np.mean(np.abs(y_true - y_pred), axis=-1)
        return sample_losses

    def backward(self, dvalues: np.ndarray, y_true: np.ndarray) -> None:
        """dvalues: predictions (n_samples, n_outputs) -> self.dinputs = -sign(y - y_hat)/(n m).

        The book prints `np.sign(y_true - dvalues)`, which is the gradient's negative
        (d|y - y_hat|/dy_hat = -sign(y - y_hat)), so training with it climbs the loss. This
        app teaches gradients and checks them numerically, so it uses the correct sign. No book
        run prints numbers from this class, so no reference value depends on the difference.
        """
        self._check_same_shape(dvalues, y_true, "dvalues")
        samples = len(dvalues)
        outputs = len(dvalues[0])
        self.dinputs = -np.sign(y_true - dvalues) / outputs
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
