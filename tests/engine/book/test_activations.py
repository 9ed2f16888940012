"""The four activations: reference values, numerical gradients, predictions, bad input."""

import numpy as np
import pytest

from engine import (
    Activation_Linear,
    Activation_ReLU,
    Activation_Sigmoid,
    Activation_Softmax,
    BookNumerics,
    NativeNumerics,
)
from engine.training.gradcheck import numerical_gradient, relative_error

ACTIVATIONS = [Activation_ReLU, Activation_Softmax, Activation_Sigmoid, Activation_Linear]


def test_relu_reference_values():
    relu = Activation_ReLU()
    inputs = np.array([[-1.0, 0.0, 2.0]])
    relu.forward(inputs)
    np.testing.assert_array_equal(relu.output, [[0.0, 0.0, 2.0]])
    relu.backward(np.array([[5.0, 6.0, 7.0]]))
    # the book's ReLU passes no gradient at exactly 0 (inputs <= 0)
    np.testing.assert_array_equal(relu.dinputs, [[0.0, 0.0, 7.0]])


def test_softmax_reference_values():
    softmax = Activation_Softmax()
    softmax.forward(np.array([[1.0, 2.0, 3.0], [1000.0, 1000.0, 1000.0]]))
    # exp(k) / (e + e^2 + e^3); the max shift keeps exp(1000) from overflowing
    np.testing.assert_allclose(softmax.output[0], [0.09003057, 0.24472847, 0.66524096],
                               rtol=1e-7)
    np.testing.assert_allclose(softmax.output[1], [1 / 3] * 3)


def test_sigmoid_reference_values():
    sigmoid = Activation_Sigmoid()
    sigmoid.forward(np.array([[0.0, 2.0]]))
    np.testing.assert_allclose(sigmoid.output, [[0.5, 0.8807970779778823]])
    sigmoid.backward(np.array([[1.0, 1.0]]))
    np.testing.assert_allclose(sigmoid.dinputs, [[0.25, 0.8807970779778823 * 0.1192029220221176]])


def test_linear_passes_values_and_copies_gradients():
    linear = Activation_Linear()
    inputs, dvalues = np.array([[1.5, -2.0]]), np.array([[3.0, 4.0]])
    linear.forward(inputs)
    assert linear.output is inputs
    linear.backward(dvalues)
    np.testing.assert_array_equal(linear.dinputs, dvalues)
    assert linear.dinputs is not dvalues


@pytest.mark.parametrize("activation_class", ACTIVATIONS)
def test_backward_matches_numerical_gradient(activation_class):
    numerics = NativeNumerics(7)
    activation = activation_class(numerics=numerics)
    inputs, g = numerics.randn(6, 4), numerics.randn(6, 4)
    # ReLU's kink at 0: keep every input at least 0.1 away from it
    inputs[np.abs(inputs) < 0.1] += 0.2

    def f():
        activation.forward(inputs)
        return float(np.sum(activation.output * g))

    activation.forward(inputs)
    activation.backward(g)
    numerical = numerical_gradient(f, inputs, order=4)
    assert relative_error(activation.dinputs, numerical).max() < 1e-8


def test_softmax_backward_asks_its_numerics_for_dot():
    calls = []

    class Recording(NativeNumerics):
        def dot(self, a, b):
            calls.append((np.shape(a), np.shape(b)))
            return super().dot(a, b)

    softmax = Activation_Softmax(numerics=Recording(0))
    softmax.forward(np.zeros((2, 3)))
    softmax.backward(np.ones((2, 3)))
    assert calls == [((3, 1), (1, 3)), ((3, 3), (3,))] * 2


def test_softmax_under_book_numerics_keeps_float32():
    softmax = Activation_Softmax(numerics=BookNumerics(0))
    inputs = np.array([[0.5, 1.5]], dtype="float32")
    softmax.forward(inputs)
    softmax.backward(np.ones((1, 2), dtype="float32"))
    assert softmax.output.dtype == np.float32 and softmax.dinputs.dtype == np.float32


def test_predictions_as_chapter_19():
    outputs = np.array([[0.2, 0.7, 0.1], [0.6, 0.3, 0.1]])
    np.testing.assert_array_equal(Activation_Softmax().predictions(outputs), [1, 0])
    np.testing.assert_array_equal(Activation_Sigmoid().predictions(np.array([[0.2], [0.7]])),
                                  [[0], [1]])
    assert Activation_Linear().predictions(outputs) is outputs
    assert Activation_ReLU().predictions(outputs) is outputs


@pytest.mark.parametrize("activation_class", ACTIVATIONS)
def test_every_activation_accepts_the_training_flag(activation_class):
    activation = activation_class()
    activation.forward(np.ones((1, 2)), training=False)
    assert activation.output.shape == (1, 2)


@pytest.mark.parametrize("activation_class", ACTIVATIONS)
@pytest.mark.parametrize(("inputs", "message"), [
    (np.array([[np.nan, 1.0]]), "NaN or infinite"),
    (np.array([[-np.inf, 1.0]]), "NaN or infinite"),
    ([[1.0, 2.0]], "numpy array"),
])
def test_forward_rejects_bad_inputs(activation_class, inputs, message):
    with pytest.raises(ValueError, match=f"{activation_class.__name__} inputs .*{message}"
                       if message != "numpy array" else message):
        activation_class().forward(inputs)


@pytest.mark.parametrize("activation_class", ACTIVATIONS)
def test_backward_rejects_mismatched_dvalues_and_a_missing_forward(activation_class):
    activation = activation_class()
    with pytest.raises(ValueError, match=r"forward\(\) to be called first"):
        activation.backward(np.ones((2, 2)))
    activation.forward(np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"dvalues must have shape \(2, 2\)"):
        activation.backward(np.ones((2, 3)))


def test_softmax_needs_rows_of_samples():
    with pytest.raises(ValueError, match="must be 2-D"):
        Activation_Softmax().forward(np.ones(3))
