"""The book's layers: Layer_Dense, Layer_Dropout, Layer_Input.

The arithmetic is the book's (Sentdex/nnfs_book, Chapter_15/Ch15_Final.py and chapter 18's
`training` flag) line for line, because float32 training runs are chaotic: one reordered
operation shows in the third decimal after a few hundred epochs. The only additions are the
`numerics` keyword (see engine/book/numerics.py), checks that raise a ValueError naming the problem
before a bad value can spread, and `weight_scale` on Layer_Dense.

The check helpers live here because every other book module already depends on the layers.
Inside `trusted()` the per-call array checks pass without looking: a Model's training loop runs
the book classes that way once its arrays have been checked (see engine/training/fastpath.py).
"""

from __future__ import annotations

import math
import operator
from contextvars import ContextVar

import numpy as np

from engine.book.numerics import GLOBAL_NUMPY, Numerics


def check_positive_int(value, name: str) -> int:
    """A layer size or sample count: a positive integer (bools are rejected)."""
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    try:
        number = operator.index(value)
    except TypeError:
        raise ValueError(f"{name} must be a positive integer, got {value!r}") from None
    if number <= 0:
        raise ValueError(f"{name} must be a positive integer, got {number}")
    return number


def check_number(value, name: str, *, low: float = -math.inf, high: float = math.inf,
                 low_open: bool = False, high_open: bool = False) -> None:
    """A finite real number inside [low, high] (or the open ends asked for)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    too_low = value <= low if low_open else value < low
    too_high = value >= high if high_open else value > high
    if too_low or too_high:
        left, right = "(" if low_open else "[", ")" if high_open else "]"
        raise ValueError(f"{name} must be in {left}{low}, {high}{right}, got {value}")


_TRUSTED: ContextVar[bool] = ContextVar("trusted", default=False)


class trusted:
    """Inside `with trusted():`, the book classes skip the checks of the arrays they are handed.

    For a caller that vouches for its arrays and checks the results itself: a Model's training
    loop, whose arrays have passed a checked iteration since they last changed from outside and
    whose Stepper checks the loss and parameters after every iteration. The checks are a fifth
    of a chapter-10 step. The setting belongs to the running thread (a context variable).
    """

    def __enter__(self) -> None:
        self._token = _TRUSTED.set(True)

    def __exit__(self, *exception) -> None:
        _TRUSTED.reset(self._token)


def checking() -> bool:
    """False inside trusted(): for checks that are more than check_array and check_called."""
    return not _TRUSTED.get()


def check_array(values, name: str, *, ndim: int | None = None,
                shape: tuple[int | None, ...] | None = None) -> None:
    """A numeric ndarray of the expected rank and shape (None matches any length), all finite.

    Called on every array each forward and backward takes, so the usual case (an exact shape,
    a finite float array) costs one comparison and one pass over the values.
    """
    if _TRUSTED.get():
        return
    if not isinstance(values, np.ndarray):
        raise ValueError(f"{name} must be a numpy array, got {type(values).__name__}")
    if ndim is not None and values.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {values.shape}")
    if shape is not None and values.shape != shape and not _shape_fits(values.shape, shape):
        wanted = "(" + ", ".join("n" if s is None else str(s) for s in shape) + ")"
        raise ValueError(f"{name} must have shape {wanted}, got {values.shape}")
    kind = values.dtype.kind
    if kind not in "biuf":
        raise ValueError(f"{name} must hold real numbers, got dtype {values.dtype}")
    if kind == "f" and not np.isfinite(values).all():
        raise ValueError(f"{name} contains NaN or infinite values")


def _shape_fits(got: tuple[int, ...], want: tuple[int | None, ...]) -> bool:
    return len(got) == len(want) and all(
        w is None or g == w for g, w in zip(got, want, strict=True))


def check_numerics(numerics) -> Numerics:
    """The `numerics` argument: a Numerics object, not its name."""
    if not isinstance(numerics, Numerics):
        raise ValueError(f"numerics must be a Numerics object such as GLOBAL_NUMPY or "
                         f"make_numerics('book'), got {numerics!r}")
    return numerics


def check_called(obj, attribute: str, method: str, before: str) -> None:
    """Backward needs what forward stored: name the missing call instead of an AttributeError."""
    if not _TRUSTED.get() and not hasattr(obj, attribute):
        raise ValueError(f"{type(obj).__name__}.{method}() needs {before}() to be called first")


class Layer_Dense:
    """A fully connected layer: output = inputs . weights + biases.

    weights: (n_inputs, n_neurons), drawn as `weight_scale * randn`; biases: (1, n_neurons) zeros.
    `weight_scale` is keyword-only and 0.01 as in the book; the book's chapter-17 regression
    edits its Layer_Dense to draw `0.1 * np.random.randn` (a sine needs larger starting weights
    to train), and this keyword lets that script run unchanged apart from its imports and this
    one argument.
    """

    def __init__(self, n_inputs, n_neurons,
                 weight_regularizer_l1=0, weight_regularizer_l2=0,
                 bias_regularizer_l1=0, bias_regularizer_l2=0,
                 *, weight_scale: float = 0.01, numerics: Numerics = GLOBAL_NUMPY):
        n_inputs = check_positive_int(n_inputs, "n_inputs")
        n_neurons = check_positive_int(n_neurons, "n_neurons")
        for name, value in (("weight_regularizer_l1", weight_regularizer_l1),
                            ("weight_regularizer_l2", weight_regularizer_l2),
                            ("bias_regularizer_l1", bias_regularizer_l1),
                            ("bias_regularizer_l2", bias_regularizer_l2)):
            check_number(value, name, low=0)
        check_number(weight_scale, "weight_scale", low=0)
        self.numerics = check_numerics(numerics)
        # A Python float keeps the product float32 under book numerics, as the book's literal does.
        self.weights = float(weight_scale) * self.numerics.randn(n_inputs, n_neurons)
        self.biases = self.numerics.zeros((1, n_neurons))
        self.weight_regularizer_l1 = weight_regularizer_l1
        self.weight_regularizer_l2 = weight_regularizer_l2
        self.bias_regularizer_l1 = bias_regularizer_l1
        self.bias_regularizer_l2 = bias_regularizer_l2

    def forward(self, inputs: np.ndarray, training: bool = True) -> None:
        """inputs: (n_samples, n_inputs) -> self.output: (n_samples, n_neurons)."""
        check_array(inputs, "Layer_Dense inputs", shape=(None, self.weights.shape[0]))
        check_array(self.weights, "Layer_Dense weights")
        check_array(self.biases, "Layer_Dense biases", shape=(1, self.weights.shape[1]))
        self.inputs = inputs
        self.output = self.numerics.dot(inputs, self.weights) + self.biases

    def backward(self, dvalues: np.ndarray) -> None:
        """dvalues: (n_samples, n_neurons) -> dweights, dbiases, dinputs (n_samples, n_inputs)."""
        check_called(self, "inputs", "backward", "forward")
        check_array(dvalues, "Layer_Dense dvalues",
                    shape=(len(self.inputs), self.weights.shape[1]))
        self.dweights = self.numerics.dot(self.inputs.T, dvalues)
        self.dbiases = dvalues.sum(axis=0, keepdims=True)  # np.sum calls this for arrays

        # d|w|/dw is the sign of w, taking +1 at 0 as the book does.
        if self.weight_regularizer_l1 > 0:
            dl1 = np.ones_like(self.weights)
            dl1[self.weights < 0] = -1
            self.dweights += self.weight_regularizer_l1 * dl1
        # d(w^2)/dw = 2w
        if self.weight_regularizer_l2 > 0:
            self.dweights += 2 * self.weight_regularizer_l2 * self.weights
        if self.bias_regularizer_l1 > 0:
            dl1 = np.ones_like(self.biases)
            dl1[self.biases < 0] = -1
            self.dbiases += self.bias_regularizer_l1 * dl1
        if self.bias_regularizer_l2 > 0:
            self.dbiases += 2 * self.bias_regularizer_l2 * self.biases

        self.dinputs = self.numerics.dot(dvalues, self.weights.T)

    def get_parameters(self) -> tuple[np.ndarray, np.ndarray]:
        """Chapter 21: (weights, biases), the arrays themselves."""
        return self.weights, self.biases

    def set_parameters(self, weights: np.ndarray, biases: np.ndarray) -> None:
        """Chapter 21: replace weights (n_inputs, n_neurons) and biases (1, n_neurons)."""
        check_array(weights, "Layer_Dense weights", shape=self.weights.shape)
        check_array(biases, "Layer_Dense biases", shape=self.biases.shape)
        self.weights = weights
        self.biases = biases


class Layer_Dropout:
    """Zeroes a random `rate` share of its inputs while training and scales the rest by 1/(1-rate).

    Like the book, `self.rate` stores the share kept (1 - rate), the success probability of the
    binomial draw.
    """

    def __init__(self, rate, *, numerics: Numerics = GLOBAL_NUMPY):
        check_number(rate, "dropout rate", low=0, high=1, high_open=True)
        self.numerics = check_numerics(numerics)
        self.rate = 1 - rate

    def forward(self, inputs: np.ndarray, training: bool = True) -> None:
        """inputs: (n_samples, n) -> self.output and self.binary_mask: (n_samples, n).

        Chapter 15 always drops; chapter 18 passes training=False to let values through.
        """
        check_array(inputs, "Layer_Dropout inputs")
        self.inputs = inputs
        if not training:
            self.output = inputs.copy()
            return
        self.binary_mask = self.numerics.binomial(1, self.rate, size=inputs.shape) / self.rate
        self.output = inputs * self.binary_mask

    def backward(self, dvalues: np.ndarray) -> None:
        """dvalues: (n_samples, n) -> self.dinputs: (n_samples, n), through the same mask."""
        check_called(self, "binary_mask", "backward", "forward(inputs, training=True)")
        check_array(dvalues, "Layer_Dropout dvalues", shape=self.binary_mask.shape)
        self.dinputs = dvalues * self.binary_mask


class Layer_Input:
    """Chapter 18's first "layer": hands the data on, so every layer has a previous one."""

    def __init__(self, *, numerics: Numerics = GLOBAL_NUMPY):
        self.numerics = check_numerics(numerics)

    def forward(self, inputs: np.ndarray, training: bool = True) -> None:
        """inputs: (n_samples, n_features) -> self.output, the same array."""
        check_array(inputs, "Layer_Input inputs")
        self.output = inputs
