"""Numerical gradients by central differences, to check what backward computes.

    numerical_gradient(f, array)          d f / d array, element by element; f() reads array
    numerical_partial(f, array, index)    the same for one element
    relative_error(analytic, numerical)   |a - n| / max(|a| + |n|, floor), element by element
    zero_floor(loss, step, dtype)         the size under which a gradient cannot be told from 0
    check_network(layers, loss, x, y)     both, for every parameter of a network and its inputs
    check_model(model)                    check_network for a Model's layers, loss and data

Central differences are exact for quadratics (order 2) or quartics (order 4); their error is
truncation (grows with the step) plus rounding of f (shrinks with the step), so the default step
balances the two for the array's dtype. A float32 network (book numerics) rounds f to about 1e-7,
so expect relative errors near 1e-3 there and near 1e-9 in float64.

ReLU, L1, mean absolute error and the losses' clipping have kinks, where the derivative jumps. A
difference taken across a kink estimates nothing, so check_network marks those elements
(`crosses_kink`) instead of reporting a misleading error; `max_relative_error` leaves them out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from engine.book.activations import Activation_ReLU
from engine.book.checks import check_array
from engine.book.layers import Layer_Dense, Layer_Dropout
from engine.book.losses import (
    Activation_Softmax_Loss_CategoricalCrossentropy,
    Loss,
    Loss_BinaryCrossentropy,
    Loss_CategoricalCrossentropy,
    Loss_MeanAbsoluteError,
)

# Central-difference weights c_k of f(x + k h) - f(x - k h), by order of accuracy. Taking the
# differences pairwise keeps an unaffected element's estimate exactly 0.
_STENCILS = {2: {1: 1 / 2}, 4: {1: 8 / 12, 2: -1 / 12}}
_CLIP = 1e-7  # the losses' np.clip(y_pred, 1e-7, 1 - 1e-7)


def relative_error(analytic, numerical, floor: float = 0.0) -> np.ndarray:
    """|a - n| / max(|a| + |n|, floor), elementwise in float64; 0 where both are 0.

    floor: an absolute size (`zero_floor`) under which the denominator stops shrinking, as
    gradient checkers do: without it an exact 0 against the estimate's rounding noise (0 vs
    3.6e-15) is a relative error of 1, though both say "zero" as well as the arithmetic can.
    """
    analytic = np.asarray(analytic, dtype=np.float64)
    numerical = np.asarray(numerical, dtype=np.float64)
    if analytic.shape != numerical.shape:
        raise ValueError(f"analytic has shape {analytic.shape} but numerical has shape "
                         f"{numerical.shape}")
    if not (np.isfinite(floor) and floor >= 0):
        raise ValueError(f"floor must be a finite number, 0 or more, got {floor!r}")
    denominator = np.maximum(np.abs(analytic) + np.abs(numerical),
                             max(floor, np.finfo(np.float64).tiny))
    return np.abs(analytic - numerical) / denominator


def zero_floor(loss: float, step: float, dtype=np.float64) -> float:
    """The size under which a gradient of `loss` cannot be told from 0 (0 for a loss that is
    not finite). Two roundings add up: the analytic pass, computed in `dtype`, is off by about
    eps(dtype) times the loss's scale, max(|loss|, 1); a central difference with `step` divides
    the float64 loss's rounding, eps64 * max(|loss|, 1), by the step."""
    if not (np.isfinite(loss) and np.isfinite(step) and step > 0):
        return 0.0
    scale = max(abs(float(loss)), 1.0)
    return float(np.finfo(dtype).eps * scale + np.finfo(np.float64).eps * scale / step)


def default_step(value: float, dtype, order: int = 2) -> float:
    """The step that balances truncation and rounding: machine epsilon ** (1 / (order + 1)),
    scaled by max(1, |value|) and rounded to a power of two so value +- k*step stays exact."""
    _check_order(order)
    step = np.finfo(dtype).eps ** (1 / (order + 1)) * max(1.0, abs(float(value)))
    return float(2.0 ** np.round(np.log2(step)))


def numerical_gradient(f: Callable[[], float], array: np.ndarray, eps: float | None = None,
                       *, order: int = 2) -> np.ndarray:
    """d f / d array by central differences, same shape as array, float64.

    f: a function of no arguments that reads `array` (e.g. a network's loss reading its
    weights). Each element is moved by +-eps (and +-2 eps for order 4) in place and put back
    exactly, so the array is unchanged afterwards. eps=None picks `default_step` per element.
    """
    gradient, _ = _numerical_gradient(f, array, eps, order, None)
    return gradient


def numerical_partial(f: Callable[[], float], array: np.ndarray, index: tuple[int, ...],
                      eps: float | None = None, *, order: int = 2) -> float:
    """d f / d array[index] by central differences: one element of `numerical_gradient`, for
    showing a single chain rule without nudging the whole array."""
    _check_nudgeable(array, eps, order)
    index = tuple(index)
    if len(index) != array.ndim or not all(0 <= i < n for i, n in zip(index, array.shape,
                                                                       strict=True)):
        raise ValueError(f"index {index} is outside an array of shape {array.shape}")
    return _partial(f, array, index, eps, order, None, None)[0]


@dataclass(frozen=True)
class GradientCheck:
    """Analytic and numerical gradients of one array, with their elementwise relative error."""

    name: str
    analytic: np.ndarray
    numerical: np.ndarray
    relative_error: np.ndarray
    crosses_kink: np.ndarray  # True where a difference step crossed a kink: no estimate there

    @property
    def absolute_error(self) -> np.ndarray:
        """|analytic - numerical|: where the true gradient is exactly 0 (signs cancelling in a
        mean absolute error, say), the estimate's rounding noise makes the relative error 1."""
        return np.abs(self.analytic - self.numerical)

    @property
    def max_relative_error(self) -> float:
        """The largest relative error over the elements whose differences crossed no kink."""
        valid = self.relative_error[~self.crosses_kink]
        return float(valid.max()) if valid.size else 0.0


def check_network(layers: Mapping[str, object], loss, x: np.ndarray, y: np.ndarray,
                  eps: float | None = None, *, order: int = 4) -> dict[str, GradientCheck]:
    """Checks every Layer_Dense's weights and biases and the inputs x of a network.

    layers: the layers and activations in forward order, by book name, e.g. {"dense1": ...,
    "activation1": ..., "dense2": ...}; loss: a Loss fed the last output, or the fused
    Activation_Softmax_Loss_CategoricalCrossentropy fed the last Dense output. The checked
    function is the book's total loss, data loss plus every Dense layer's regularization loss.
    A dropout mask is a random draw, not a function of the values, so it is drawn once (the
    analytic pass) and held fixed. Returns {"dense1.weights": ..., "dense1.biases": ..., ...,
    "inputs": ...}; the layers are left holding the analytic pass's values.
    """
    if not layers:
        raise ValueError("check_network needs at least one layer")
    network = _Network(dict(layers), loss, y)
    inputs = np.array(x, copy=True)
    analytic = network.analytic(inputs)
    checks = {}
    for name, array in network.parameters().items():
        checks[name] = _check(name, analytic[name], network, array, inputs, eps, order)
    checks["inputs"] = _check("inputs", analytic["inputs"], network, inputs, inputs, eps, order)
    network.forward(inputs)
    return checks


def check_model(model, eps: float | None = None, *, order: int = 4,
                samples: int | None = None) -> dict[str, GradientCheck]:
    """check_network for an engine.training.model.Model: its layers with its output/loss pair
    (the fused softmax with cross-entropy, a sigmoid with binary cross-entropy, or linear with
    mean squared or absolute error) on its training data X and targets y as the loss takes
    them; the first `samples` of them if given. The model's own arrays are nudged and put back
    exactly, and its layers are left holding the check's analytic pass (as after a training
    step's backward pass, before the update)."""
    count = len(model.X) if samples is None else samples
    return check_network(dict(model.layers), model.loss_object, model.X[:count],
                         model.y[:count], eps, order=order)


def _check(name, analytic, network, array, inputs, eps, order) -> GradientCheck:
    numerical, crossed = _numerical_gradient(lambda: network.forward(inputs), array, eps, order,
                                             network.kinks)
    return GradientCheck(name, np.array(analytic, dtype=np.float64), numerical,
                         relative_error(analytic, numerical), crossed)


def _check_order(order: int) -> None:
    if order not in _STENCILS:
        raise ValueError(f"order must be 2 or 4, got {order!r}")


def _check_nudgeable(array, eps, order) -> None:
    _check_order(order)
    check_array(array, "array")
    if array.dtype.kind != "f":
        raise ValueError(f"array must hold floats to be nudged, got dtype {array.dtype}")
    if eps is not None and not (np.isfinite(eps) and eps > 0):
        raise ValueError(f"eps must be a positive finite number, got {eps!r}")


def _numerical_gradient(f, array, eps, order, kinks):
    _check_nudgeable(array, eps, order)
    gradient = np.zeros(array.shape, dtype=np.float64)
    crossed = np.zeros(array.shape, dtype=bool)
    base_kinks = None
    if kinks:
        f()
        base_kinks = kinks()
    for index in np.ndindex(array.shape):
        gradient[index], crossed[index] = _partial(f, array, index, eps, order, kinks, base_kinks)
    return gradient, crossed


def _partial(f, array, index, eps, order, kinks, base_kinks) -> tuple[float, bool]:
    """One element's central difference, and whether any step changed a kink's side."""
    original = array[index].copy()
    step = default_step(original, array.dtype, order) if eps is None else eps
    total, crossed = 0.0, False
    try:
        for k, weight in _STENCILS[order].items():
            difference = 0.0
            for side in (1, -1):
                array[index] = original + side * k * step
                difference += side * float(f())
                if kinks and not crossed:
                    crossed = kinks() != base_kinks
            total += weight * difference
        # The step actually taken, after rounding to the array's dtype.
        array[index] = original + step
        taken = float(array[index]) - float(original)
    finally:
        array[index] = original
    return total / taken, crossed


class _Network:
    """A chain of book layers closed by a loss, run forward and backward as the book does."""

    def __init__(self, layers: dict, loss, y):
        self.layers = layers
        self.loss = loss
        self.y = y
        self.fused = isinstance(loss, Activation_Softmax_Loss_CategoricalCrossentropy)
        self.penalty = loss.loss if self.fused else loss
        if not isinstance(self.penalty, Loss):
            raise ValueError(f"loss must be a book Loss, got {type(loss).__name__}")
        self.dense = {name: layer for name, layer in layers.items()
                      if isinstance(layer, Layer_Dense)}

    def parameters(self) -> dict[str, np.ndarray]:
        arrays = {}
        for name, layer in self.dense.items():
            arrays[f"{name}.weights"] = layer.weights
            arrays[f"{name}.biases"] = layer.biases
        return arrays

    def analytic(self, inputs) -> dict[str, np.ndarray]:
        """One forward and backward pass, dropout drawing its masks."""
        self._run(inputs, draw_masks=True)
        if self.fused:
            self.loss.backward(self.loss.output, self.y)
        else:
            self.loss.backward(self.last_output, self.y)
        dvalues = self.loss.dinputs
        for layer in reversed(self.layers.values()):
            layer.backward(dvalues)
            dvalues = layer.dinputs
        gradients = {}
        for name, layer in self.dense.items():
            gradients[f"{name}.weights"] = layer.dweights
            gradients[f"{name}.biases"] = layer.dbiases
        gradients["inputs"] = dvalues
        return gradients

    def forward(self, inputs) -> float:
        """The total loss with the dropout masks held fixed."""
        return self._run(inputs, draw_masks=False)

    def _run(self, inputs, draw_masks: bool) -> float:
        values = inputs
        for layer in self.layers.values():
            if isinstance(layer, Layer_Dropout) and not draw_masks:
                layer.inputs = values
                layer.output = values * layer.binary_mask
            else:
                layer.forward(values)
            values = layer.output
        self.last_output = values
        if self.fused:
            data_loss = self.loss.forward(values, self.y)
        else:
            data_loss = self.loss.calculate(values, self.y)
        return data_loss + sum(self.penalty.regularization_loss(layer)
                               for layer in self.dense.values())

    def kinks(self) -> bytes:
        """Which side of every kink each value of the last forward pass is on."""
        sides = []
        for layer in self.layers.values():
            if isinstance(layer, Activation_ReLU):
                sides.append(layer.inputs > 0)
            if isinstance(layer, Layer_Dense):
                if layer.weight_regularizer_l1 > 0:
                    sides.append(layer.weights < 0)
                if layer.bias_regularizer_l1 > 0:
                    sides.append(layer.biases < 0)
        predictions = self.loss.output if self.fused else self.last_output
        if isinstance(self.penalty, (Loss_CategoricalCrossentropy, Loss_BinaryCrossentropy)):
            sides.append((predictions < _CLIP) | (predictions > 1 - _CLIP))
        if isinstance(self.penalty, Loss_MeanAbsoluteError):
            sides.append(np.sign(self.y - predictions))
        return b"".join(np.asarray(side).tobytes() for side in sides)
