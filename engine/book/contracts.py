"""What each of the book's calls needs, checked before it runs (see engine/book/checks.py).

One function per checked method, named for it and taking the method's arguments: a learner's bad
value is refused with a ValueError naming it where it enters, not as a NaN three layers on. The
shapes are those the book's arithmetic assumes: Dense inputs (n_samples, n_inputs), weights
(n_inputs, n_neurons), biases (1, n_neurons); an activation's dvalues shaped as its output.
"""

from __future__ import annotations

import math

import numpy as np

from engine.book.checks import check_array, check_called, check_number, check_positive_int

# -- layers ---------------------------------------------------------------------------------------


def dense_settings(layer, n_inputs, n_neurons, **given) -> None:
    check_positive_int(n_inputs, "n_inputs")
    check_positive_int(n_neurons, "n_neurons")
    for name, value in given.items():
        check_number(value, name, low=0)
    if isinstance(given.get("weight_scale"), np.generic):
        # A numpy scalar times the float32 draw would widen the weights to its own dtype.
        raise ValueError("weight_scale must be a Python number, got a numpy scalar")


def dense_forward(layer, inputs, training=True) -> None:
    check_array(inputs, "Layer_Dense inputs", shape=(None, layer.weights.shape[0]))
    check_array(layer.weights, "Layer_Dense weights")
    check_array(layer.biases, "Layer_Dense biases", shape=(1, layer.weights.shape[1]))


def dense_backward(layer, dvalues) -> None:
    check_called(layer, "inputs", "backward", "forward")
    check_array(dvalues, "Layer_Dense dvalues",
                shape=(len(layer.inputs), layer.weights.shape[1]))


def dense_parameters(layer, weights, biases) -> None:
    check_array(weights, "Layer_Dense weights", shape=layer.weights.shape)
    check_array(biases, "Layer_Dense biases", shape=layer.biases.shape)


def dropout_settings(layer, rate) -> None:
    check_number(rate, "dropout rate", low=0, high=1, high_open=True)


def dropout_backward(layer, dvalues) -> None:
    check_called(layer, "binary_mask", "backward", "forward(inputs, training=True)")
    check_array(dvalues, "Layer_Dropout dvalues", shape=layer.binary_mask.shape)


def any_inputs(obj, inputs, training=True) -> None:
    """Any real, finite array: what an elementwise layer or activation takes."""
    check_array(inputs, f"{type(obj).__name__} inputs")


# -- activations ----------------------------------------------------------------------------------


def softmax_inputs(activation, inputs, training=True) -> None:
    check_array(inputs, f"{type(activation).__name__} inputs", ndim=2)


def activation_dvalues(activation, dvalues) -> None:
    check_called(activation, "output", "backward", "forward")
    check_array(dvalues, f"{type(activation).__name__} dvalues", shape=activation.output.shape)


# -- losses ---------------------------------------------------------------------------------------


def remembered_layers(loss, layer=None) -> None:
    if layer is None and not hasattr(loss, "trainable_layers"):
        raise ValueError("regularization_loss() needs a layer, or "
                         "remember_trainable_layers() first")


def accumulated(loss, *, include_regularization=False) -> None:
    if not getattr(loss, "accumulated_count", 0):
        raise ValueError("calculate_accumulated() needs new_pass() and at least one "
                         "calculate() first")


def class_targets(loss, values, y_true, what: str = "y_pred") -> None:
    """Targets are class indices (n_samples,) or one-hot rows (n_samples, n_classes)."""
    name = type(loss).__name__
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


def class_targets_of_dvalues(loss, dvalues, y_true) -> None:
    class_targets(loss, dvalues, y_true, "dvalues")


def fused_targets(fused, dvalues, y_true) -> None:
    class_targets(fused.loss, dvalues, y_true, "dvalues")


def same_shape(loss, values, y_true, what: str = "y_pred") -> None:
    """Elementwise losses need targets shaped like the predictions; a (n,) target against
    (n, 1) predictions would silently broadcast to (n, n)."""
    name = type(loss).__name__
    check_array(values, f"{name} {what}", ndim=2)
    check_array(y_true, f"{name} y_true")
    if y_true.shape != values.shape:
        raise ValueError(
            f"{name}: y_true has shape {y_true.shape} but {what} has shape {values.shape}"
            + ("; reshape y_true with y.reshape(-1, 1)" if values.shape[1:] == (1,) else ""))


def same_shape_of_dvalues(loss, dvalues, y_true) -> None:
    same_shape(loss, dvalues, y_true, "dvalues")


# -- optimizers -----------------------------------------------------------------------------------

# Each hyperparameter's range: (low, high, low_open, high_open).
_RANGES = {"learning_rate": (0, math.inf, True, False), "decay": (0, math.inf, False, False),
           "momentum": (0, 1, False, True), "epsilon": (0, math.inf, True, False),
           "rho": (0, 1, False, True), "beta_1": (0, 1, False, True),
           "beta_2": (0, 1, False, True)}


def optimizer_settings(optimizer, **given) -> None:
    for name, value in given.items():
        low, high, low_open, high_open = _RANGES[name]
        check_number(value, name, low=low, high=high, low_open=low_open, high_open=high_open)


def gradients(optimizer, layer) -> None:
    check_called(layer, "dweights", "update_params", "backward")
    check_array(layer.dweights, "dweights", shape=layer.weights.shape)
    check_array(layer.dbiases, "dbiases", shape=layer.biases.shape)
