"""The book's Dense, ReLU and softmax passes writing into arrays made once, for the Stepper's
trusted iteration (engine/training/fastpath.py): the same numbers as the book classes, without
a fresh array for every output and gradient of every step.

On the chapter-10 network a third of a step went to numpy making and freeing arrays of a few
thousand numbers. Here each pass computes exactly what the book's line computes, with the
same numpy operations in the same order, into the arrays the layer holds between steps:
`np.dot(a, b, out=...)` is the same BLAS call as `np.dot(a, b)`, a ufunc with `out=` the same
loop as without. Under book numerics `nnfs.init()`'s dot (`a.astype(float64) @
b.astype(float64)`, then `.astype(float32)`) copies into float64 arrays kept for it and casts
back with the same rounding.

Each class sets the layer's attributes (inputs, output, dweights, ...) to its arrays at every
call, so the layer shows this iteration's values as the book's would; those arrays are
overwritten by the next trusted iteration, which is why Model.value() says "no copy" and
values() copies. tests/engine/training/test_fastpath.py holds every value to the book's, bit
for bit.
"""

from __future__ import annotations

import numpy as np

from engine.book.layers import Layer_Dense
from engine.training.fast_layers import row_max, row_sum

_REGULARIZERS = ("weight_regularizer_l1", "weight_regularizer_l2", "bias_regularizer_l1",
                 "bias_regularizer_l2")


def dense_fits(layer: Layer_Dense) -> bool:
    """Whether DenseInPlace computes what the book's Dense does for `layer` after a checked
    iteration: no regularizer (their lines stay the book's) and inputs, gradients and outputs
    all in the weights' dtype (under book numerics a dropout before it makes float64 ones)."""
    if any(getattr(layer, name) > 0 for name in _REGULARIZERS):
        return False
    dtype = layer.weights.dtype
    return all(getattr(layer, name, None) is not None and getattr(layer, name).dtype == dtype
               for name in ("inputs", "output", "dweights", "dbiases", "dinputs"))


class Scratch:
    """Working arrays the in-place passes share, since each needs its own only during a call:
    one buffer per slot, as large as the largest request, viewed at each request's shape and
    dtype. Passes reserve() while they are made, then allocate() makes the buffers and
    view() hands out views. The "zeros" slot is filled with zeros once and never written."""

    def __init__(self):
        self.sizes: dict[str, int] = {}
        self.buffers: dict[str, np.ndarray] = {}

    def reserve(self, slot: str, shape: tuple[int, ...], dtype) -> None:
        nbytes = int(np.prod(shape)) * np.dtype(dtype).itemsize
        self.sizes[slot] = max(self.sizes.get(slot, 0), nbytes)

    def allocate(self) -> None:
        self.buffers = {slot: (np.zeros if slot == "zeros" else np.empty)(size, np.uint8)
                        for slot, size in self.sizes.items()}

    def view(self, slot: str, shape: tuple[int, ...], dtype) -> np.ndarray:
        dtype = np.dtype(dtype)
        return self.buffers[slot][:int(np.prod(shape)) * dtype.itemsize].view(dtype).reshape(
            shape)


class DenseInPlace:
    """Layer_Dense.forward and .backward for one layer, into its arrays: `dweights` and
    `dbiases` are given (views of a ParameterBlock's gradients, so the optimizer reads them
    where they are), output and dinputs are made here. `book`: nnfs.init()'s dot, through
    float64 copies in `scratch` (allocated before the first call)."""

    def __init__(self, layer: Layer_Dense, dweights: np.ndarray, dbiases: np.ndarray,
                 book: bool, scratch: Scratch):
        self.layer, self.dweights, self.dbiases, self.book = layer, dweights, dbiases, book
        self.scratch = scratch
        # The checked iteration's arrays go now rather than after the first call, which
        # rewrites every one of them (they would double the memory for that call).
        self.output = layer.output = np.empty_like(layer.output)
        self.dinputs = layer.dinputs = np.empty_like(layer.dinputs)
        self.shapes = {"inputs": layer.inputs.shape, "weights": layer.weights.shape,
                       "dvalues": self.output.shape}
        if book:
            samples, width = self.shapes["inputs"]
            width_out = self.shapes["weights"][1]
            for slot, shape in (("inputs64", (samples, width)), ("weights64", (width, width_out)),
                                ("dvalues64", (samples, width_out)),
                                ("result64", (samples, width_out)),
                                ("result64", (width, width_out)), ("result64", (samples, width))):
                scratch.reserve(slot, shape, np.float64)

    def _float64(self, slot: str, values: np.ndarray) -> np.ndarray:
        """values.astype(float64), into the scratch slot's view."""
        copy = self.scratch.view(slot, values.shape, np.float64)
        np.copyto(copy, values)
        return copy

    def forward(self, inputs: np.ndarray) -> None:
        """self.output = dot(inputs, self.weights) + self.biases."""
        layer, output = self.layer, self.output
        layer.inputs = inputs
        if self.book:
            product = self.scratch.view("result64", output.shape, np.float64)
            np.dot(self._float64("inputs64", inputs), self._float64("weights64", layer.weights),
                   out=product)
            np.copyto(output, product)
        else:
            np.dot(inputs, layer.weights, out=output)
        np.add(output, layer.biases, out=output)
        layer.output = output

    def backward(self, dvalues: np.ndarray) -> None:
        """dweights = dot(inputs.T, dvalues); dbiases = sum(dvalues, axis=0, keepdims=True);
        dinputs = dot(dvalues, weights.T), as the book's backward computes them."""
        layer = self.layer
        if self.book:
            dvalues64 = self._float64("dvalues64", dvalues)
            product = self.scratch.view("result64", self.dweights.shape, np.float64)
            np.dot(self._float64("inputs64", layer.inputs).T, dvalues64, out=product)
            np.copyto(self.dweights, product)
        else:
            np.dot(layer.inputs.T, dvalues, out=self.dweights)
        np.add.reduce(dvalues, axis=0, keepdims=True, out=self.dbiases)
        if self.book:
            product = self.scratch.view("result64", self.dinputs.shape, np.float64)
            np.dot(dvalues64, self._float64("weights64", layer.weights).T, out=product)
            np.copyto(self.dinputs, product)
        else:
            np.dot(dvalues, layer.weights.T, out=self.dinputs)
        layer.dweights, layer.dbiases, layer.dinputs = self.dweights, self.dbiases, self.dinputs


class ReLUInPlace:
    """FastReLU's forward (np.maximum(0, inputs)) and backward (dvalues where inputs > 0, +0
    where inputs <= 0, NaN inputs keeping their dvalues as the book's mask does), into the
    layer's arrays. The backward takes the dvalues' bits through an integer mask: one pass
    where the book copies and then assigns through a boolean index."""

    def __init__(self, layer, scratch: Scratch):
        """`layer`: a FastReLU after a checked iteration (its arrays give shapes and dtypes)."""
        self.layer, self.scratch = layer, scratch
        self.output = layer.output = np.empty_like(layer.output)
        self.dinputs = layer.dinputs = np.empty_like(layer.dinputs)
        self.shape, self.dtype = self.output.shape, self.output.dtype
        self.bits = np.dtype(f"i{self.dinputs.dtype.itemsize}")
        scratch.reserve("zeros", self.shape, self.dtype)
        scratch.reserve("at_most_zero", self.shape, bool)
        scratch.reserve("keep", self.shape, self.bits)

    def forward(self, inputs: np.ndarray) -> None:
        layer = self.layer
        layer.inputs = inputs
        zeros = self.scratch.view("zeros", self.shape, self.dtype)
        layer.output = np.maximum(zeros, inputs, out=self.output)

    def backward(self, dvalues: np.ndarray) -> None:
        at_most_zero = np.less_equal(self.layer.inputs, 0,
                                     out=self.scratch.view("at_most_zero", self.shape, bool))
        # True (at most 0) -> 0, False -> -1: every bit set, keeping the dvalue as it is
        keep = np.subtract(at_most_zero, 1, dtype=self.bits,
                           out=self.scratch.view("keep", self.shape, self.bits))
        np.bitwise_and(dvalues.view(self.bits), keep, out=self.dinputs.view(self.bits))
        self.layer.dinputs = self.dinputs


def softmax_into(inputs: np.ndarray, out: np.ndarray) -> np.ndarray:
    """engine.training.fast_layers.softmax(inputs), written into `out` (same shape and dtype):
    exp(inputs - row max), then divided by its row sum, each into `out` in turn."""
    np.subtract(inputs, row_max(inputs), out=out)
    np.exp(out, out=out)
    return np.divide(out, row_sum(out), out=out)
