"""The seed notebook's own functions, as the notebook writes them: its ReLU and derivative for
the single neuron, its ReLU class for the layer, and the order its float64 dot products sum in.
Export as Python copies the first three into the seed examples' scripts.
"""

from __future__ import annotations

import numpy as np


def relu(x):
    return np.maximum(0, x)


def relu_derivative(x):
    return np.where(x > 0, 1.0, 0.0)


class NotebookReLU:
    """The seed notebook's own ReLU class (cell [13], where it is called Activation_ReLU), not the
    book's: its forward returns max(0, x) instead of storing it, and its derivative is a method
    of its own returning 1 where x > 0, else 0, because the notebook's lines call it so
    (`A = relu.forward(Z)`, `dA_dZ = relu.derivative(Z)`) and the app shows those lines."""

    def forward(self, inputs):
        return np.maximum(0, inputs)

    def derivative(self, inputs):
        return np.where(inputs > 0, 1, 0)


def notebook_dot(a, b):
    """np.dot in float64, summing in a fixed order: the order the notebook's float64 numbers
    (seed_examples.json "native") come from.

    np.dot hands float64 to the BLAS, whose summation order and use of fused multiply-add
    depend on the build and the processor: this machine's ddot fuses, giving 4.832 for the
    neuron's second dot product where the notebook got 4.831999999999999, and every later loss
    differs in its last digits. The notebook's vector . vector is the plain left-to-right sum;
    its matrix . vector (OpenBLAS's dgemv kernel) sums the even and the odd columns of a row
    separately, then adds the two. a: (k,) or (m, k); b: (k,) or (k, m).
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.ndim == 2:
        products = a * b
        even = _sequential_sum(products[:, 0::2])
        return even + _sequential_sum(products[:, 1::2]) if products.shape[1] > 1 else even
    if b.ndim == 2:
        return _sequential_sum((a[:, np.newaxis] * b).T)
    return _sequential_sum(a * b)


def _sequential_sum(products: np.ndarray):
    """Sum over the last axis, strictly left to right."""
    total = products[..., 0]
    for i in range(1, products.shape[-1]):
        total = total + products[..., i]
    return total
