"""Asking a Model questions without changing it: the validation and training metrics, the
decision boundary and the hidden neurons' maps over a grid, the loss with one parameter
changed, a gradient's chain rule. Each pass runs on throwaway copies of the layers
(engine/training/probes.py), so the model's own values are never touched; each answers NaN
where the network has overflowed rather than raising.
"""

from __future__ import annotations

import math

import numpy as np

from engine.training.chain_rule import ChainRule
from engine.training.grid import activations_of, grid_pass, grid_points, probabilities
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
        """Data loss and accuracy on X_val as the book's chapter 11 computes them; pure.
        NaN for both once the network has overflowed."""
        def compute() -> dict[str, float]:
            probes = self._probes()
            output = probes.forward(self.X_val, training=False)
            loss = probes.loss_activation.forward(output, self.y_val)
            predictions = np.argmax(probes.loss_activation.output, axis=1)
            return {"loss": float(loss), "accuracy": float(np.mean(predictions == self.y_val))}
        return or_nan(compute, lambda: {"loss": math.nan, "accuracy": math.nan})

    def training_metrics(self) -> dict[str, float]:
        """Total loss and accuracy on X at the current parameters: what the book's epoch line
        prints for the next epoch (dropout with this iteration's masks); pure. NaN for both
        once the network has overflowed."""
        def compute() -> dict[str, float]:
            probes = self._probes()
            loss = probes.loss(self.X, self.y)
            predictions = np.argmax(probes.loss_activation.output, axis=1)
            return {"loss": loss, "accuracy": float(np.mean(predictions == self.y))}
        return or_nan(compute, lambda: {"loss": math.nan, "accuracy": math.nan})

    def predict_grid(self, xs: np.ndarray, ys: np.ndarray,
                     parameters: dict[str, np.ndarray] | None = None) -> np.ndarray:
        """Softmax probabilities at every (x, y): (len(ys), len(xs), classes); no dropout, pure.
        parameters: weights and biases to use instead of the model's own (as parameters()
        returns them), so a copy of the model elsewhere can draw another's plane. All NaN
        once the network has overflowed."""
        points = grid_points(xs, ys, self.numerics.float_dtype)
        shape = (len(ys), len(xs), self.spec["data"]["classes"])
        return or_nan(lambda: grid_pass(self.layers, points, probabilities,
                                        parameters).reshape(shape),
                      lambda: np.full(shape, np.nan))

    def hidden_activations_grid(self, xs: np.ndarray, ys: np.ndarray,
                                layer: int = 1) -> np.ndarray:
        """activation{layer}.output at every (x, y): (len(ys), len(xs), neurons); pure.
        All NaN once the network has overflowed."""
        if not 1 <= layer <= len(self.spec["hidden"]):
            raise ValueError(f"layer must be in 1..{len(self.spec['hidden'])}, got {layer}")
        points = grid_points(xs, ys, self.numerics.float_dtype)
        shape = (len(ys), len(xs), self.spec["hidden"][layer - 1]["neurons"])
        return or_nan(lambda: grid_pass(self.layers, points,
                                        activations_of(f"activation{layer}")).reshape(shape),
                      lambda: np.full(shape, np.nan))

    def _probes(self, parameters: dict | None = None) -> Probes:
        return Probes(self.layers, self.numerics, parameters)

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
        return chain_rule(self.layers, self.numerics, self.X, self.y, self.parameters(), name,
                          index, sample)
