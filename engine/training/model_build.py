"""Building a Model from its spec: the data, the book's layers, the loss and the optimizer, drawn
from the spec's own random stream in the book's order (data first, then each Layer_Dense in
order), so the chapter-10, 16 and 17 specs with "book" numerics start where the book's scripts
start.
"""

from __future__ import annotations

import numpy as np

from engine.book.layers import Layer_Dense, Layer_Dropout
from engine.book.numerics import Numerics
from engine.scenarios.datasets import make_dataset
from engine.training.outputs import Head
from engine.training.spec import ACTIVATIONS, OPTIMIZERS, is_regression, output_width

Layers = list[tuple[str, object]]  # (book name, layer) in forward order


def build_data(spec: dict, numerics: Numerics) -> tuple[np.ndarray, np.ndarray]:
    """The training data with the points a learner added at the end: X (n, 2) and class
    labels (n,), or for regression X (n, 1) and targets (n, 1)."""
    inputs, labels = _drawn(spec, numerics)
    if spec["points"]:
        points = np.array(spec["points"], dtype=np.float64)
        width = inputs.shape[1]
        inputs = np.concatenate([inputs, points[:, :width].astype(inputs.dtype)])
        added = points[:, width:] if is_regression(spec) else points[:, width]
        labels = np.concatenate([labels, added.astype(labels.dtype)])
    return inputs, labels


def build_validation_data(spec: dict, numerics: Numerics) -> tuple[np.ndarray, np.ndarray]:
    """The book's test set, X_val and labels (or targets) as build_data's, leaving the stream
    where it was.

    The book draws it after training; training without dropout draws nothing, so a set drawn
    now is the book's. The stream is then put back, so dropout masks continue it exactly as the
    book's training does. (Chapter 17's test set is sine_data() again, which draws nothing.)"""
    stream = numerics.random.get_state()
    validation = _drawn(spec, numerics)
    numerics.random.set_state(stream)
    return validation


def _drawn(spec: dict, numerics: Numerics) -> tuple[np.ndarray, np.ndarray]:
    data = spec["data"]
    return make_dataset(data["kind"], data["samples"], data.get("classes"), numerics=numerics)


def build_layers(spec: dict, numerics: Numerics, n_inputs: int, head: Head) -> Layers:
    """dense1, activation1, (dropout1), ..., the output Dense, and the output's activation
    unless the loss has it fused: each Dense draws its weights."""
    layers: Layers = []
    scale = spec["weight_scale"]
    for number, hidden in enumerate(spec["hidden"], start=1):
        layers.append((f"dense{number}",
                       _dense(n_inputs, hidden["neurons"], hidden, numerics, scale)))
        layers.append((f"activation{number}",
                       ACTIVATIONS[hidden["activation"]](numerics=numerics)))
        if hidden["dropout"] > 0:
            layers.append((f"dropout{number}",
                           Layer_Dropout(hidden["dropout"], numerics=numerics)))
        n_inputs = hidden["neurons"]
    last = len(spec["hidden"]) + 1
    layers.append((f"dense{last}",
                   _dense(n_inputs, output_width(spec), spec["output"], numerics, scale)))
    if head.activation_class is not None:
        layers.append((f"activation{last}", head.activation_class(numerics=numerics)))
    return layers


def _dense(n_inputs: int, n_neurons: int, regularizers: dict, numerics: Numerics,
           weight_scale: float) -> Layer_Dense:
    return Layer_Dense(n_inputs, n_neurons,
                       weight_regularizer_l1=regularizers["weight_l1"],
                       weight_regularizer_l2=regularizers["weight_l2"],
                       bias_regularizer_l1=regularizers["bias_l1"],
                       bias_regularizer_l2=regularizers["bias_l2"],
                       weight_scale=weight_scale, numerics=numerics)


def build_optimizer(spec: dict):
    """The spec's optimizer, e.g. Optimizer_Adam(learning_rate=0.05, decay=5e-7, ...)."""
    settings = dict(spec["optimizer"])
    return OPTIMIZERS[settings.pop("name")](**settings)
