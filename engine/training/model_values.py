"""The values a Model shows and lets a learner edit: every array and number of the book's loop
by its book name ("dense1.weights", "loss_function.dinputs", "accuracy"), its parameters, and
setting one weight or bias.
"""

from __future__ import annotations

import math

import numpy as np

from engine.book.layers import Layer_Dense, Layer_Dropout
from engine.training.indexing import check_index
from engine.training.model_state import SCALARS
from engine.training.spec import check_real

_DENSE_VALUES = ("inputs", "output", "weights", "biases", "dweights", "dbiases", "dinputs",
                 "weight_momentums", "bias_momentums", "weight_cache", "bias_cache")


class ModelValues:
    """The values half of engine.training.model.Model (its layers and loss are the Model's)."""

    def _value_names(self) -> list[str]:
        names = ["X", "y", "X_val", "y_val"]
        if self.accuracy_precision is not None:
            names.append("accuracy_precision")
        for name, layer in self.layers:
            if isinstance(layer, Layer_Dense):
                names += [f"{name}.{attribute}" for attribute in _DENSE_VALUES]
            elif isinstance(layer, Layer_Dropout):
                names += [f"{name}.{attribute}" for attribute in
                          ("inputs", "output", "binary_mask", "dinputs")]
            else:
                names += [f"{name}.{attribute}" for attribute in ("inputs", "output", "dinputs")]
        loss = self.head.loss_name
        names += ([f"{loss}.output"] if loss == "loss_activation" else []) + [f"{loss}.dinputs"]
        names += [*SCALARS, "optimizer.current_learning_rate", "optimizer.iterations"]
        return names

    def value(self, name: str) -> np.ndarray:
        """The value called `name` (no copy), one of those values() lists; KeyError for any
        other name (a session's view may name anything) or one not computed yet."""
        if name not in self._value_name_set:
            raise KeyError(name)
        owner, _, attribute = name.rpartition(".")
        target = self._objects[owner] if owner else self
        try:
            return np.asarray(getattr(target, attribute))
        except AttributeError:
            raise KeyError(name) from None

    def values(self) -> dict[str, np.ndarray]:
        values = {}
        for name in self._value_names():
            try:
                values[name] = np.array(self.value(name))
            except KeyError:
                continue
        return values

    def parameters(self) -> dict[str, np.ndarray]:
        parameters = {}
        for name, layer in zip(self.dense_names, self.dense, strict=True):
            parameters[f"{name}.weights"] = layer.weights.copy()
            parameters[f"{name}.biases"] = layer.biases.copy()
        return parameters

    def _parameter(self, name: str) -> np.ndarray:
        layer_name, _, attribute = name.partition(".")
        if attribute not in ("weights", "biases") or layer_name not in self.dense_names:
            raise ValueError(f"{name!r} is not a parameter: expected one of "
                             f"{', '.join(self.parameters())}")
        return getattr(dict(self.layers)[layer_name], attribute)

    def set_value(self, name: str, index: tuple[int, ...], value: float) -> None:
        """Set one weight or bias; stored in the layer's dtype (float32 under book numerics)."""
        array = self._parameter(name)
        index = check_index(array.shape, index, name)
        number = check_real(value, name, low=-math.inf)
        with np.errstate(over="ignore"):
            stored = array.dtype.type(number)
        if not np.isfinite(stored):
            raise ValueError(f"{name}: {number:g} is too large for {array.dtype}")
        array[index] = stored
        self._changed_from_outside()
