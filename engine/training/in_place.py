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

import math

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
    dtype. Passes reserve() while they are made, then allocate() makes the buffers and each
    pass takes its views once (bind()). The "zeros" slot is filled with zeros once and never
    written."""

    def __init__(self):
        self.sizes: dict[str, int] = {}
        self.buffers: dict[str, np.ndarray] = {}

    def reserve(self, slot: str, shape: tuple[int, ...], dtype) -> None:
        nbytes = math.prod(shape) * np.dtype(dtype).itemsize
        self.sizes[slot] = max(self.sizes.get(slot, 0), nbytes)

    def allocate(self) -> None:
        self.buffers = {slot: (np.zeros if slot == "zeros" else np.empty)(size, np.uint8)
                        for slot, size in self.sizes.items()}

    def view(self, slot: str, shape: tuple[int, ...], dtype) -> np.ndarray:
        dtype = np.dtype(dtype)
        return self.buffers[slot][:math.prod(shape) * dtype.itemsize].view(dtype).reshape(shape)


class DenseInPlace:
    """Layer_Dense.forward and .backward for one layer, into its arrays: `dweights` and
    `dbiases` are given (views of a ParameterBlock's gradients, so the optimizer reads them
    where they are), output and dinputs are made here. `book`: nnfs.init()'s dot, through
    float64 copies in `scratch`; bind() takes those once the scratch is allocated."""

    def __init__(self, layer: Layer_Dense, dweights: np.ndarray, dbiases: np.ndarray,
                 book: bool, scratch: Scratch):
        self.layer, self.dweights, self.dbiases, self.scratch = layer, dweights, dbiases, scratch
        # The checked iteration's arrays go now rather than after the first call, which
        # rewrites every one of them (they would double the memory for that call).
        self.output = layer.output = np.empty_like(layer.output)
        self.dinputs = layer.dinputs = np.empty_like(layer.dinputs)
        samples, width = layer.inputs.shape
        width_out = layer.weights.shape[1]
        self.shapes = {"inputs64": (samples, width), "weights64": (width, width_out),
                       "dvalues64": (samples, width_out), "output64": (samples, width_out),
                       "dweights64": (width, width_out), "dinputs64": (samples, width)}
        self.book = book
        if book:
            self.forward, self.backward = self._book_forward, self._book_backward
            for name, shape in self.shapes.items():
                scratch.reserve(self._slot(name), shape, np.float64)

    @staticmethod
    def _slot(name: str) -> str:
        """The products share one slot: each is copied out before the next is made."""
        return name if name in ("inputs64", "weights64", "dvalues64") else "product64"

    def bind(self) -> None:
        """Take the views of the allocated scratch (book numerics only)."""
        if not self.book:
            return
        for name, shape in self.shapes.items():
            setattr(self, name, self.scratch.view(self._slot(name), shape, np.float64))

    def forward(self, inputs: np.ndarray) -> None:
        """self.output = dot(inputs, self.weights) + self.biases."""
        layer, output = self.layer, self.output
        layer.inputs = inputs
        np.dot(inputs, layer.weights, out=output)
        layer.output = np.add(output, layer.biases, out=output)

    def backward(self, dvalues: np.ndarray) -> None:
        """dweights = dot(inputs.T, dvalues); dbiases = sum(dvalues, axis=0, keepdims=True);
        dinputs = dot(dvalues, weights.T), as the book's backward computes them."""
        layer = self.layer
        layer.dweights = np.dot(layer.inputs.T, dvalues, out=self.dweights)
        layer.dbiases = np.add.reduce(dvalues, axis=0, keepdims=True, out=self.dbiases)
        layer.dinputs = np.dot(dvalues, layer.weights.T, out=self.dinputs)

    def _book_forward(self, inputs: np.ndarray) -> None:
        layer, output = self.layer, self.output
        layer.inputs = inputs
        np.copyto(self.inputs64, inputs)
        np.copyto(self.weights64, layer.weights)
        np.dot(self.inputs64, self.weights64, out=self.output64)
        np.copyto(output, self.output64)
        layer.output = np.add(output, layer.biases, out=output)

    def _book_backward(self, dvalues: np.ndarray) -> None:
        """The inputs and weights are copied to float64 again, as the book's dot does: their
        float64 copies from the forward pass shared their scratch with the other layers."""
        layer = self.layer
        np.copyto(self.inputs64, layer.inputs)
        np.copyto(self.dvalues64, dvalues)
        np.dot(self.inputs64.T, self.dvalues64, out=self.dweights64)
        np.copyto(self.dweights, self.dweights64)
        layer.dweights = self.dweights
        layer.dbiases = np.add.reduce(dvalues, axis=0, keepdims=True, out=self.dbiases)
        np.copyto(self.weights64, layer.weights)
        np.dot(self.dvalues64, self.weights64.T, out=self.dinputs64)
        np.copyto(self.dinputs, self.dinputs64)
        layer.dinputs = self.dinputs


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
        self.dinputs_bits = self.dinputs.view(self.bits)
        scratch.reserve("zeros", self.shape, self.dtype)
        scratch.reserve("at_most_zero", self.shape, bool)
        scratch.reserve("keep", self.shape, self.bits)

    def bind(self) -> None:
        """Take the views of the allocated scratch."""
        self.zeros = self.scratch.view("zeros", self.shape, self.dtype)
        self.at_most_zero = self.scratch.view("at_most_zero", self.shape, bool)
        self.keep = self.scratch.view("keep", self.shape, self.bits)

    def forward(self, inputs: np.ndarray) -> None:
        layer = self.layer
        layer.inputs = inputs
        layer.output = np.maximum(self.zeros, inputs, out=self.output)

    def backward(self, dvalues: np.ndarray) -> None:
        np.less_equal(self.layer.inputs, 0, out=self.at_most_zero)
        # True (at most 0) -> 0, False -> -1: every bit set, keeping the dvalue as it is
        np.subtract(self.at_most_zero, 1, dtype=self.bits, out=self.keep)
        np.bitwise_and(dvalues.view(self.bits), self.keep, out=self.dinputs_bits)
        self.layer.dinputs = self.dinputs


def softmax_into(inputs: np.ndarray, out: np.ndarray) -> np.ndarray:
    """engine.training.fast_layers.softmax(inputs), written into `out` (same shape and dtype):
    exp(inputs - row max), then divided by its row sum, each into `out` in turn."""
    np.subtract(inputs, row_max(inputs), out=out)
    np.exp(out, out=out)
    return np.divide(out, row_sum(out), out=out)
