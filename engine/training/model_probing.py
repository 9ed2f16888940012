"""Asking a Model questions without changing it: the validation and training metrics, the
predicted classes, the decision boundary and the hidden neurons' maps over a grid (or a
regression's prediction and neurons along x), the loss with one parameter changed, a
gradient's chain rule. Each pass runs on throwaway copies of the layers
(engine/training/probes.py), so the model's own values are never touched; each answers NaN
where the network has overflowed rather than raising.
"""

from __future__ import annotations

import math

import numpy as np

from engine.training.chain_rule import ChainRule
from engine.training.grid import (
    activations_of,
    grid_pass,
    grid_points,
    line_points,
    predictions,
    probabilities,
)
from engine.training.indexing import check_index
from engine.training.probes import Probes, chain_rule, or_nan


class ModelProbing:
    """The probing half of engine.training.model.Model: pure passes over its layers, data and
    parameters."""

    def validation_line(self) -> str:
        """Chapter 11's line for the validation set: 'validation, acc: ..., loss: ...'."""
        metrics = self.validation_metrics()
        return f"validation, acc: {metrics['accuracy']:.3f}, loss: {metrics['loss']:.3f}"

    def validation_metrics(self) -> dict[str, float]:
        """Data loss and accuracy on X_val as the book's chapters 11 and 16 compute them;
        pure. NaN for both once the network has overflowed."""
        def compute() -> dict[str, float]:
            probes = self._probes()
            loss = probes.data_loss(self.X_val, self.y_val)
            _, accuracy = self.head.accuracy(probes.predicted(), self.y_val,
                                             self.accuracy_precision)
            return {"loss": float(loss), "accuracy": float(accuracy)}
        return or_nan(compute, lambda: {"loss": math.nan, "accuracy": math.nan})

    def training_metrics(self) -> dict[str, float]:
        """Total loss and accuracy on X at the current parameters: what the book's epoch line
        prints for the next epoch (dropout with this iteration's masks); pure. NaN for both
        once the network has overflowed."""
        def compute() -> dict[str, float]:
            probes = self._probes()
            loss = probes.loss(self.X, self.y)
            _, accuracy = self.head.accuracy(probes.predicted(), self.y, self.accuracy_precision)
            return {"loss": loss, "accuracy": float(accuracy)}
        return or_nan(compute, lambda: {"loss": math.nan, "accuracy": math.nan})

    def class_predictions(self) -> dict[str, np.ndarray]:
        """The class the network predicts for each training and validation point at the
        current parameters, no dropout: {"training": (n,), "validation": (n_val,)} indices,
        -1 where the network has overflowed; pure. ValueError for a regression."""
        if not self.head.classifies:
            raise ValueError("a regression predicts values, not classes")
        def predicted(inputs: np.ndarray) -> np.ndarray:
            def compute() -> np.ndarray:
                output = self._probes().forward(inputs, training=False)
                # The likeliest class: for one sigmoid, class 1 where p > 0.5 (1 - p, p)
                return self.head.class_scores(output).argmax(axis=1).astype(np.int64)
            return or_nan(compute, lambda: np.full(len(inputs), -1, dtype=np.int64))
        return {"training": predicted(self.X), "validation": predicted(self.X_val)}

    def predict_grid(self, xs: np.ndarray, ys: np.ndarray,
                     parameters: dict[str, np.ndarray] | None = None) -> np.ndarray:
        """Each class's probability at every (x, y): (len(ys), len(xs), classes), summing to 1:
        the softmax's, the one sigmoid's (1 - p, p) or one per class's shares; no dropout,
        pure. parameters: weights and biases to use instead of the model's own (as
        parameters() returns them), so a copy of the model elsewhere can draw another's
        plane. All NaN once the network has overflowed."""
        points = grid_points(xs, ys, self.numerics.float_dtype)
        shape = (len(ys), len(xs), self.spec["data"]["classes"])
        return or_nan(lambda: grid_pass(self.layers, self.head, points, probabilities,
                                        parameters).reshape(shape),
                      lambda: np.full(shape, np.nan))

    def predict_line(self, xs: np.ndarray) -> np.ndarray:
        """A regression's prediction at every x: (len(xs),) in float64; no dropout, pure; NaN
        once the network has overflowed."""
        points = line_points(xs, self.X.dtype)
        return or_nan(lambda: grid_pass(self.layers, self.head, points, predictions)
                      [:, 0].astype(np.float64), lambda: np.full(len(xs), np.nan))

    def hidden_activations_line(self, xs: np.ndarray, layer: int = 1) -> np.ndarray:
        """A one-input network's activation{layer}.output at every x: (len(xs), neurons);
        pure. All NaN once the network has overflowed."""
        self._check_hidden(layer)
        points = line_points(xs, self.X.dtype)
        shape = (len(xs), self.spec["hidden"][layer - 1]["neurons"])
        return or_nan(lambda: grid_pass(self.layers, self.head, points,
                                        activations_of(f"activation{layer}")).reshape(shape),
                      lambda: np.full(shape, np.nan))

    def _check_hidden(self, layer: int) -> None:
        if not 1 <= layer <= len(self.spec["hidden"]):
            raise ValueError(f"layer must be in 1..{len(self.spec['hidden'])}, got {layer}")

    def hidden_activations_grid(self, xs: np.ndarray, ys: np.ndarray,
                                layer: int = 1) -> np.ndarray:
        """activation{layer}.output at every (x, y): (len(ys), len(xs), neurons); pure.
        All NaN once the network has overflowed."""
        self._check_hidden(layer)
        points = grid_points(xs, ys, self.numerics.float_dtype)
        shape = (len(ys), len(xs), self.spec["hidden"][layer - 1]["neurons"])
        return or_nan(lambda: grid_pass(self.layers, self.head, points,
                                        activations_of(f"activation{layer}")).reshape(shape),
                      lambda: np.full(shape, np.nan))

    def _probes(self, parameters: dict | None = None) -> Probes:
        return Probes(self.layers, self.numerics, self.head, parameters)

    def loss_with(self, name: str, index: tuple[int, ...], value: float) -> float:
        """The total loss on X with parameters()[name][index] = value, as this model computes
        it (its numerics; dropout with the current masks); no state changes."""
        parameters = self._replaced(name, index, value)
        return or_nan(lambda: self._probes(parameters).loss(self.X, self.y), lambda: math.nan)

    def _replaced(self, name: str, index: tuple[int, ...], value: float) -> dict[str, np.ndarray]:
        array = self._parameter(name)
        index = check_index(array.shape, index, name)
        parameters = self.parameters()
        parameters[name][index] = value
        return parameters

    def chain_rule(self, name: str, index: tuple[int, ...],
                   sample: int | None = None) -> ChainRule:
        """dl/dw_ij = sum over samples s of x_si * dl/dz_sj (plus the regularization terms);
        dl/db_j = sum over s of dl/dz_sj. The factors are those of `sample` (by default the one
        contributing most), with dl/dz split into dl/da * da/dz for a hidden layer. The
        numerical estimate is a central difference of the same network in float64 (dropout
        masks held)."""
        if sample is not None and not 0 <= sample < len(self.X):
            raise ValueError(f"sample must be in 0..{len(self.X) - 1}, got {sample}")
        with np.errstate(all="ignore"):
            return self._chain_rule(name, index, sample)

    def _chain_rule(self, name: str, index: tuple[int, ...], sample: int | None) -> ChainRule:
        array = self._parameter(name)
        index = check_index(array.shape, index, name)
        return chain_rule(self.layers, self.numerics, self.head, self.X, self.y,
                          self.parameters(), name, index, sample)
