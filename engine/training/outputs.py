"""The output layer's activation and the loss after it, as the book pairs them: what a Model's
loop does between the last Dense layer's forward pass and the backward pass into it.

- Softmax with categorical cross-entropy (chapter 10): the fused
  Activation_Softmax_Loss_CategoricalCrossentropy, named `loss_activation`; y holds class
  indices (n,); accuracy is the share of rows whose largest probability is y's class.
- A sigmoid with binary cross-entropy (chapter 16): Activation_Sigmoid after the last Dense,
  then Loss_BinaryCrossentropy, named `loss_function`. For two classes y is reshaped to (n, 1)
  and the one output is the probability of class 1, as the book does it; for more classes y is
  one-hot (n, classes), one sigmoid per class (the book's "multiple binary outputs"). Accuracy
  compares (output > 0.5) * 1 with y element by element.
- Linear with mean squared or mean absolute error (chapter 17, regression): Activation_Linear,
  then Loss_MeanSquaredError or Loss_MeanAbsoluteError; y is (n, 1) targets; a prediction
  counts as accurate within accuracy_precision = np.std(y) / 250 of its target.

Chapters 16 and 17 compute the regularization loss every epoch, regularizers or not, and print
the line with it split out; their Models do the same (`splits_loss`).
"""

from __future__ import annotations

import numpy as np

from engine.book.activations import Activation_Linear, Activation_Sigmoid
from engine.book.checks import check_array
from engine.book.losses import (
    Activation_Softmax_Loss_CategoricalCrossentropy,
    Loss_BinaryCrossentropy,
    Loss_MeanAbsoluteError,
    Loss_MeanSquaredError,
)
from engine.training.fast_layers import softmax

_CLIP = 1e-7  # the cross-entropies' np.clip(y_pred, 1e-7, 1 - 1e-7)
PRECISION_DIVISOR = 250  # chapter 17: accuracy_precision = np.std(y) / 250


class Head:
    """One pairing of output activation and loss (a network's "head"); the base is the fused
    softmax's."""

    loss = "categorical_crossentropy"  # the spec's name
    activation = "softmax"
    loss_name = "loss_activation"  # the book's name of the loss object
    forward_method = "forward"  # what the loop calls it with: forward (fused) or calculate
    penalty_name = "loss_activation.loss"  # the Loss whose regularization_loss the loop calls
    activation_class: type | None = None  # the output activation layer (None: fused)
    loss_class: type = Activation_Softmax_Loss_CategoricalCrossentropy
    splits_loss = False  # the loop always computes regularization_loss (chapters 16, 17)
    classifies = True

    def targets(self, labels: np.ndarray, outputs: int) -> np.ndarray:
        """The book's y from a data set's labels (class indices (n,), or regression targets)."""
        return labels

    def build_loss(self, numerics):
        return self.loss_class(numerics=numerics)

    def penalty(self, loss):
        """The Loss that computes the regularization loss: the fused one's inner loss."""
        return loss.loss

    def predicted(self, loss, last_output: np.ndarray) -> np.ndarray:
        """What the network predicts after the loss's forward pass: the softmax's probabilities
        (the fused loss keeps them), else the output activation's output."""
        return loss.output

    def data_loss(self, loss, last_output: np.ndarray, y: np.ndarray):
        """The mean data loss of one forward pass, as the book's loop computes it."""
        return loss.forward(last_output, y)

    def backward(self, loss, last_output: np.ndarray, y: np.ndarray) -> None:
        loss.backward(loss.output, y)

    def accuracy(self, predicted: np.ndarray, y: np.ndarray, precision: float | None):
        """(predictions, accuracy) as the book computes them from what the network predicted."""
        predictions = predicted.argmax(axis=1)
        # np.mean of the matches adds 0s and 1s exactly: it is their count over the samples
        return predictions, np.float64(np.count_nonzero(predictions == y) / len(y))

    def class_scores(self, network_output: np.ndarray) -> np.ndarray:
        """A forward pass's last output (n, outputs) -> each class's probability (n, classes);
        ValueError, as the book's softmax gives, where the logits overflowed."""
        check_array(network_output, "Activation_Softmax inputs", ndim=2)
        return softmax(network_output)

    # -- the loop's lines, as the book writes them ------------------------------------------

    def forward_code(self, last: str, target: str) -> str:
        return f"{target} = loss_activation.forward({last}, y)"

    def forward_writes(self, target: str, split: bool) -> tuple[str, ...]:
        if split:
            return ("loss_activation.output", target)
        return ("loss_activation.output", "loss", "data_loss", "regularization_loss")

    def accuracy_code(self, last: str) -> str:
        return "accuracy = np.mean(np.argmax(loss_activation.output, axis=1) == y)"

    def backward_code(self, last: str) -> str:
        return "loss_activation.backward(loss_activation.output, y)"


class SigmoidHead(Head):
    """Chapter 16: Activation_Sigmoid, then binary cross-entropy on each output."""

    loss = "binary_crossentropy"
    activation = "sigmoid"
    loss_name = "loss_function"
    forward_method = "calculate"
    penalty_name = "loss_function"
    activation_class = Activation_Sigmoid
    loss_class = Loss_BinaryCrossentropy
    splits_loss = True

    def targets(self, labels: np.ndarray, outputs: int) -> np.ndarray:
        if outputs == 1:
            return labels.reshape(-1, 1)  # the book's y.reshape(-1, 1)
        return np.eye(outputs, dtype=labels.dtype)[labels]

    def penalty(self, loss):
        return loss

    def predicted(self, loss, last_output: np.ndarray) -> np.ndarray:
        return last_output

    def data_loss(self, loss, last_output: np.ndarray, y: np.ndarray):
        return loss.calculate(last_output, y)

    def backward(self, loss, last_output: np.ndarray, y: np.ndarray) -> None:
        loss.backward(last_output, y)

    def accuracy(self, predicted: np.ndarray, y: np.ndarray, precision: float | None):
        predictions = (predicted > 0.5) * 1
        return predictions, np.mean(predictions == y)

    def class_scores(self, network_output: np.ndarray) -> np.ndarray:
        """One sigmoid: (1 - p, p). One per class: each class's probability over their sum (the
        sigmoids answer independently, so theirs need not sum to 1; their shares do, as a
        plane's colours and the likeliest class want)."""
        check_array(network_output, "Activation_Sigmoid output", ndim=2)
        if network_output.shape[1] == 1:
            return np.concatenate([1 - network_output, network_output], axis=1)
        return network_output / network_output.sum(axis=1, keepdims=True)

    def forward_code(self, last: str, target: str) -> str:
        return f"{target} = loss_function.calculate({last}, y)"

    def forward_writes(self, target: str, split: bool) -> tuple[str, ...]:
        return (target,)

    def accuracy_code(self, last: str) -> str:
        return f"predictions = ({last} > 0.5) * 1\naccuracy = np.mean(predictions == y)"

    def backward_code(self, last: str) -> str:
        return f"loss_function.backward({last}, y)"


class LinearHead(SigmoidHead):
    """Chapter 17: Activation_Linear, then mean squared (or absolute) error."""

    loss = "mean_squared_error"
    activation = "linear"
    activation_class = Activation_Linear
    loss_class = Loss_MeanSquaredError
    classifies = False

    def targets(self, labels: np.ndarray, outputs: int) -> np.ndarray:
        return labels

    def accuracy(self, predicted: np.ndarray, y: np.ndarray, precision: float | None):
        return predicted, np.mean(np.absolute(predicted - y) < precision)

    def class_scores(self, network_output: np.ndarray) -> np.ndarray:
        raise ValueError("a regression predicts values, not classes")

    def accuracy_code(self, last: str) -> str:
        return (f"predictions = {last}\n"
                "accuracy = np.mean(np.absolute(predictions - y) < accuracy_precision)")


class AbsoluteErrorHead(LinearHead):
    loss = "mean_absolute_error"
    loss_class = Loss_MeanAbsoluteError


HEADS: dict[str, Head] = {each.loss: each for each in
                          (Head(), SigmoidHead(), LinearHead(), AbsoluteErrorHead())}


def head_for(loss: str) -> Head:
    """The pairing of a spec's "loss" with its output activation."""
    return HEADS[loss]


def accuracy_precision(y: np.ndarray) -> float:
    """Chapter 17's tolerance for a regression's accuracy: np.std(y) / 250."""
    return np.std(y) / PRECISION_DIVISOR


def clipped_sides(predicted: np.ndarray) -> np.ndarray:
    """Where a cross-entropy clips a prediction: a kink for a numerical difference."""
    return (predicted < _CLIP) | (predicted > 1 - _CLIP)


__all__ = ["HEADS", "Head", "accuracy_precision", "clipped_sides", "head_for"]
