"""The fast ReLU and softmax compute the book's numbers bit for bit, special values included."""

import numpy as np
import pytest

from engine import Activation_ReLU, Activation_Softmax, BookNumerics
from engine.book.checks import trusted
from engine.training.fast_layers import FastReLU, row_max, row_sum, softmax
from engine.training.in_place import ReLUInPlace, Scratch, softmax_into

SPECIAL = [0.0, -0.0, np.nan, np.inf, -np.inf, 1e-320, -1e-320, 1e-40, -1e-40]


def special_values(shape, dtype, seed):
    """Random values of wide magnitudes with zeros of both signs, NaN, infinities and
    subnormals at the start, the middle and the end (where vectorised loops have their tails)."""
    rng = np.random.default_rng(seed)
    values = rng.standard_normal(shape) * 10.0 ** rng.integers(-6, 6, size=shape)
    flat = values.reshape(-1)
    for start in (0, flat.size // 2, max(flat.size - len(SPECIAL), 0)):
        part = flat[start:start + len(SPECIAL)]
        part[:] = SPECIAL[:part.size]
    return values.astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(300, 64), (7, 13), (1, 9), (301, 3)])
def test_relu_computes_the_books_numbers_bit_for_bit(dtype, shape):
    inputs = special_values(shape, dtype, seed=1)
    dvalues = special_values(shape, dtype, seed=2)
    fast, book = FastReLU(), Activation_ReLU()
    with trusted():  # the checks would refuse the NaNs
        for relu in (fast, book):
            relu.forward(inputs)
            relu.backward(dvalues)
    assert fast.output.dtype == book.output.dtype == dtype
    assert fast.output.tobytes() == book.output.tobytes()
    assert fast.dinputs.tobytes() == book.dinputs.tobytes()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(300, 64), (7, 13), (1, 9), (301, 3)])
def test_relu_in_place_computes_the_books_numbers_bit_for_bit(dtype, shape):
    inputs = special_values(shape, dtype, seed=3)
    dvalues = special_values(shape, dtype, seed=4)
    book = Activation_ReLU()
    with trusted():
        book.forward(inputs)
        book.backward(dvalues)
    scratch = Scratch()
    in_place = ReLUInPlace(book_like_relu(inputs, dvalues), scratch)
    scratch.allocate()
    in_place.bind()
    for _ in range(2):  # the second time into the arrays the first one wrote
        in_place.forward(inputs)
        in_place.backward(dvalues)
    assert in_place.layer.output.tobytes() == book.output.tobytes()
    assert in_place.layer.dinputs.tobytes() == book.dinputs.tobytes()


def book_like_relu(inputs, dvalues) -> FastReLU:
    """A FastReLU after one pass, as a Model's is when its trusted iteration is compiled."""
    relu = FastReLU()
    with trusted():
        relu.forward(inputs)
        relu.backward(dvalues)
    return relu


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("classes", range(1, 11))
def test_softmax_into_an_array_is_the_books_softmax(dtype, classes):
    values = special_values((300, classes), dtype, seed=classes)
    values[~np.isfinite(values)] = 1.0  # finite logits, as a trusted iteration has
    book = Activation_Softmax()
    with trusted():
        book.forward(values)
    out = np.full_like(values, np.nan)
    with np.errstate(all="ignore"):
        softmax_into(values, out)
    assert out.tobytes() == book.output.tobytes()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("classes", range(1, 11))
def test_softmax_row_max_and_sum_are_numpys_to_the_bit(dtype, classes):
    for seed in range(20):
        values = special_values((300, classes), dtype, seed)
        values[np.isnan(values)] = 1.0  # NaN's sign and payload bits are numpy's business
        values[5] = -0.0  # a sum from 0 is +0, one from the first value -0
        with np.errstate(invalid="ignore"):  # inf - inf in a sum
            pairs = ((row_max(values), np.max(values, axis=1, keepdims=True)),
                     (row_sum(values), np.sum(values, axis=1, keepdims=True)))
        for ours, numpys in pairs:
            assert ours.shape == numpys.shape and ours.dtype == numpys.dtype
            assert ours.tobytes() == numpys.tobytes()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("classes", [2, 3, 6, 9])
def test_softmax_is_the_book_softmaxs_forward(dtype, classes):
    inputs = np.random.default_rng(classes).standard_normal((50, classes)).astype(dtype) * 20
    book = Activation_Softmax()
    book.forward(inputs)
    assert softmax(inputs).tobytes() == book.output.tobytes()


def test_fast_relu_keeps_the_books_checks_and_numerics():
    relu = FastReLU(numerics=BookNumerics(0))
    assert isinstance(relu, Activation_ReLU) and isinstance(relu.numerics, BookNumerics)
    with pytest.raises(ValueError, match="FastReLU inputs contains NaN"):
        relu.forward(np.array([[np.nan]]))
    with pytest.raises(ValueError, match=r"forward\(\) to be called first"):
        FastReLU().backward(np.ones((1, 1)))
