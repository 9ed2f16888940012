"""Pure passes over a Model: throwaway copies of its layers, so asking "what would the loss be
with this weight?" or "what are this gradient's chain-rule factors?" never changes the model.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import numpy as np

from engine.book.activations import Activation_ReLU, Activation_Sigmoid
from engine.book.layers import Layer_Dense, Layer_Dropout
from engine.book.losses import Loss_MeanAbsoluteError
from engine.book.numerics import NativeNumerics, Numerics
from engine.book.tanh import Activation_Tanh
from engine.training.chain_rule import DEFAULT_STEP, ChainRule, make_chain_rule
from engine.training.outputs import Head, clipped_sides

_native = NativeNumerics(0)


class Probes:
    """Copies of a model's layers for one pass: Dense layers are shallow copies (sharing, or
    replacing, the parameter arrays), activations and the loss are fresh, dropout layers keep
    the model's current mask.

    layers: (book name, layer) pairs in forward order, as Model.layers; head: the model's
    output activation and loss (Model.head); parameters: arrays by "dense1.weights"-style names
    to use instead of the layers' own.
    """

    def __init__(self, layers: list[tuple[str, object]], numerics: Numerics, head: Head,
                 parameters: dict[str, np.ndarray] | None = None):
        self.layers: dict[str, object] = {}
        self.dense: list[Layer_Dense] = []
        for name, layer in layers:
            if isinstance(layer, Layer_Dense):
                probe = copy.copy(layer)
                probe.numerics = numerics
                if parameters is not None:
                    probe.weights = parameters[f"{name}.weights"]
                    probe.biases = parameters[f"{name}.biases"]
                self.dense.append(probe)
            elif isinstance(layer, Layer_Dropout):
                probe = Layer_Dropout(1 - layer.rate, numerics=numerics)
                if hasattr(layer, "binary_mask"):
                    probe.binary_mask = layer.binary_mask
            else:
                probe = type(layer)(numerics=numerics)
            self.layers[name] = probe
        self.head = head
        self.loss_object = head.build_loss(numerics)
        self.last_output: np.ndarray | None = None

    def forward(self, inputs: np.ndarray, training: bool,
                stop_after: str | None = None) -> np.ndarray:
        """inputs: (n_samples, n_features) -> the last layer's output (or `stop_after`'s).
        With training, dropout reuses the model's current masks (all kept if none drawn)."""
        values = inputs
        for name, layer in self.layers.items():
            if isinstance(layer, Layer_Dropout):
                layer.inputs = values
                if not training:
                    layer.output = values.copy()
                else:
                    if not hasattr(layer, "binary_mask"):
                        layer.binary_mask = np.ones(values.shape)
                    layer.output = values * layer.binary_mask
            else:
                layer.forward(values)
            values = layer.output
            if name == stop_after:
                break
        self.last_output = values
        return values

    def data_loss(self, inputs: np.ndarray, y: np.ndarray):
        """The data loss of one pass without dropout, as the book's validation computes it."""
        output = self.forward(inputs, training=False)
        return self.head.data_loss(self.loss_object, output, y)

    def predicted(self) -> np.ndarray:
        """What the last pass predicted: the softmax's probabilities, or the last output."""
        return self.head.predicted(self.loss_object, self.last_output)

    def loss(self, inputs: np.ndarray, y: np.ndarray) -> float:
        """The book's total loss (data loss plus every Dense layer's penalty) of one pass.
        inputs: (n_samples, n_features); y as the model's loss takes it (Model.y)."""
        output = self.forward(inputs, training=True)
        loss = self.head.data_loss(self.loss_object, output, y)
        penalty = self.head.penalty(self.loss_object)
        for layer in self.dense:
            loss = loss + penalty.regularization_loss(layer)
        return float(loss)

    def backward(self, y: np.ndarray) -> dict[str, np.ndarray]:
        """The book's backward pass over the probes; returns each Dense layer's dl/dz
        (n_samples, n_neurons)."""
        self.head.backward(self.loss_object, self.last_output, y)
        dvalues = self.loss_object.dinputs
        dz = {}
        for name, layer in reversed(self.layers.items()):
            if isinstance(layer, Layer_Dense):
                dz[name] = dvalues
            layer.backward(dvalues)
            dvalues = layer.dinputs
        return dz

    def kinks(self, y: np.ndarray) -> bytes:
        """Which side of every kink the last forward pass is on: ReLU inputs, L1 signs, the
        cross-entropies' probability clip, mean absolute error's sign of y - prediction."""
        sides = [layer.inputs > 0 for layer in self.layers.values()
                 if isinstance(layer, Activation_ReLU)]
        for layer in self.dense:
            if layer.weight_regularizer_l1 > 0:
                sides.append(layer.weights < 0)
            if layer.bias_regularizer_l1 > 0:
                sides.append(layer.biases < 0)
        predicted = self.predicted()
        if isinstance(self.loss_object, Loss_MeanAbsoluteError):
            sides += [y - predicted > 0, y - predicted < 0]
        elif self.head.classifies:
            sides.append(clipped_sides(predicted))
        return b"".join(np.packbits(side).tobytes() for side in sides)

    def dz_factors(self, dense_name: str, sample: int, j: int) -> list[tuple[str, float]]:
        """dl/dz[s, j] for the output layer under the fused softmax; dl/da[s, j] and
        da/dz[s, j] for a hidden one, or for the output layer's own activation (dl/da is then
        the loss's gradient)."""
        names = list(self.layers)
        following = names[names.index(dense_name) + 1:]
        if not following:
            return [(f"dl/dz[{sample}, {j}]", float(self.loss_object.dinputs[sample, j]))]
        # A Dense is followed by its activation, then a dropout, the next Dense or the loss,
        # whose dinputs is what flows back into the activation: dl/da.
        activation = self.layers[following[0]]
        after = self.layers[following[1]] if len(following) > 1 else self.loss_object
        return [(f"dl/da[{sample}, {j}]", float(after.dinputs[sample, j])),
                (f"da/dz[{sample}, {j}]", _activation_slope(activation, sample, j))]


def or_nan(compute: Callable, nan: Callable):
    """compute() without numpy warnings; nan() if a value overflowed on the way, which the book
    classes refuse with a ValueError (their arguments are the model's own, so nothing else
    can be wrong)."""
    with np.errstate(all="ignore"):
        try:
            return compute()
        except ValueError:
            return nan()


def chain_rule(layers: list[tuple[str, object]], numerics: Numerics, head: Head,
               inputs: np.ndarray, y: np.ndarray, parameters: dict[str, np.ndarray], name: str,
               index: tuple[int, ...], sample: int | None) -> ChainRule:
    """dl/d(parameters[name][index]) of the network `layers` closed by `head` on inputs
    (n_samples, n_features) and targets y (as the loss takes them), factor by factor (see
    Model.chain_rule); `index` already checked, `parameters` copies of the layers' own."""
    layer_name, _, attribute = name.partition(".")
    probes = Probes(layers, numerics, head)
    probes.loss(inputs, y)
    dz = probes.backward(y)[layer_name]
    dense = probes.layers[layer_name]
    j = index[-1]
    if attribute == "weights":
        i = index[0]
        contributions = dense.inputs[:, i].astype(np.float64) * dz[:, j]
        label = f"x[s, {i}] * dl/dz[s, {j}]"
    else:
        contributions = dz[:, j].astype(np.float64)
        label = f"dl/dz[s, {j}]"
    if sample is None:
        sample = int(np.argmax(np.abs(contributions)))
    current = float(parameters[name][index])
    terms = [(f"sum over {len(contributions)} samples of {label}",
              float(np.sum(contributions)))]
    terms += _penalty_terms(dense, attribute, current)
    factors = ([(f"x[{sample}, {index[0]}]", dense.inputs[sample, index[0]])]
               if attribute == "weights" else [])
    factors += probes.dz_factors(layer_name, sample, j)
    product = float(getattr(dense, "d" + attribute)[index])
    native = {key: value.astype(np.float64) for key, value in parameters.items()}
    x64 = inputs.astype(np.float64)

    def float64_pass(value: float) -> tuple[float, bytes]:
        changed = {**native, name: native[name].copy()}
        changed[name][index] = value
        probes = Probes(layers, _native, head, changed)
        return probes.loss(x64, y), probes.kinks(y)

    return make_chain_rule(f"dl/d({name}[{', '.join(map(str, index))}])", factors,
                           product, lambda value: float64_pass(value)[0], current,
                           step=_kink_free_step(float64_pass, current), terms=terms,
                           sample=sample, precision=numerics.float_dtype)


def _kink_free_step(float64_pass: Callable[[float], tuple[float, bytes]], value: float) -> float:
    """The largest of 1e-4, 1e-5, ... 1e-8 whose difference points (value +- h, +- 2h) leave
    every ReLU input, L1 sign and probability clip on the side it is at `value`: a difference
    across a kink measures the jump, not the slope."""
    _, at_value = float64_pass(value)
    step = DEFAULT_STEP
    while step > 1e-8 and any(float64_pass(value + k * step)[1] != at_value
                              for k in (-2, -1, 1, 2)):
        step /= 10
    return step


def _penalty_terms(dense: Layer_Dense, attribute: str, value: float) -> list[tuple[str, float]]:
    kind = "weight" if attribute == "weights" else "bias"
    symbol = "w" if kind == "weight" else "b"
    terms = []
    l1 = getattr(dense, f"{kind}_regularizer_l1")
    l2 = getattr(dense, f"{kind}_regularizer_l2")
    if l1 > 0:
        terms.append((f"L1: {l1} * sign({symbol})", l1 * (1.0 if value >= 0 else -1.0)))
    if l2 > 0:
        terms.append((f"L2: 2 * {l2} * {symbol}", 2 * l2 * float(value)))
    return terms


def _activation_slope(activation, sample: int, j: int) -> float:
    """da/dz of one activation output, from what its forward pass stored."""
    if isinstance(activation, Activation_ReLU):
        return 1.0 if activation.inputs[sample, j] > 0 else 0.0
    if isinstance(activation, Activation_Sigmoid):
        s = float(activation.output[sample, j])
        return s * (1 - s)
    if isinstance(activation, Activation_Tanh):
        return 1 - float(activation.output[sample, j]) ** 2
    return 1.0



