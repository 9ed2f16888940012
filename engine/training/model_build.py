"""Building a Model from its spec: the data, the book's layers and the optimizer, drawn from the
spec's own random stream in the book's order (data first, then each Layer_Dense in order), so
the chapter-10 spec with "book" numerics starts where the book's script starts.
"""

from __future__ import annotations

import numpy as np

from engine.book.layers import Layer_Dense, Layer_Dropout
from engine.book.losses import Activation_Softmax_Loss_CategoricalCrossentropy
from engine.book.numerics import Numerics
from engine.scenarios.datasets import make_dataset
from engine.training.spec import ACTIVATIONS, OPTIMIZERS

Layers = list[tuple[str, object]]  # (book name, layer) in forward order


def build_data(spec: dict, numerics: Numerics) -> tuple[np.ndarray, np.ndarray]:
    """The training data: X (n, 2) and y (n,), the points a learner added at the end."""
    data = spec["data"]
    inputs, labels = make_dataset(data["kind"], data["samples"], data["classes"],
                                  numerics=numerics)
    if spec["points"]:
        points = np.array(spec["points"], dtype=np.float64)
        inputs = np.concatenate([inputs, points[:, :2].astype(inputs.dtype)])
        labels = np.concatenate([labels, points[:, 2].astype(labels.dtype)])
    return inputs, labels


def build_validation_data(spec: dict, numerics: Numerics) -> tuple[np.ndarray, np.ndarray]:
    """The book's test set, X_val (n, 2) and y_val (n,), leaving the stream where it was.

    The book draws it after training; training without dropout draws nothing, so a set drawn
    now is the book's. The stream is then put back, so dropout masks continue it exactly as the
    book's training does."""
    data = spec["data"]
    stream = numerics.random.get_state()
    validation = make_dataset(data["kind"], data["samples"], data["classes"], numerics=numerics)
    numerics.random.set_state(stream)
    return validation


def build_layers(spec: dict, numerics: Numerics, n_inputs: int) -> Layers:
    """dense1, activation1, (dropout1), ..., the output Dense: each Dense draws its weights."""
    layers: Layers = []
    for number, hidden in enumerate(spec["hidden"], start=1):
        layers.append((f"dense{number}", _dense(n_inputs, hidden["neurons"], hidden, numerics)))
        layers.append((f"activation{number}",
                       ACTIVATIONS[hidden["activation"]](numerics=numerics)))
        if hidden["dropout"] > 0:
            layers.append((f"dropout{number}",
                           Layer_Dropout(hidden["dropout"], numerics=numerics)))
        n_inputs = hidden["neurons"]
    layers.append((f"dense{len(spec['hidden']) + 1}",
                   _dense(n_inputs, spec["data"]["classes"], spec["output"], numerics)))
    return layers


def _dense(n_inputs: int, n_neurons: int, regularizers: dict, numerics: Numerics) -> Layer_Dense:
    return Layer_Dense(n_inputs, n_neurons,
                       weight_regularizer_l1=regularizers["weight_l1"],
                       weight_regularizer_l2=regularizers["weight_l2"],
                       bias_regularizer_l1=regularizers["bias_l1"],
                       bias_regularizer_l2=regularizers["bias_l2"],
                       numerics=numerics)


def build_loss(numerics: Numerics) -> Activation_Softmax_Loss_CategoricalCrossentropy:
    return Activation_Softmax_Loss_CategoricalCrossentropy(numerics=numerics)


def build_optimizer(spec: dict):
    """The spec's optimizer, e.g. Optimizer_Adam(learning_rate=0.05, decay=5e-7, ...)."""
    settings = dict(spec["optimizer"])
    return OPTIMIZERS[settings.pop("name")](**settings)
