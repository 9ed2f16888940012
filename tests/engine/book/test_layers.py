"""Layer_Dense, Layer_Dropout, Layer_Input: reference values, numerical gradients, bad input."""

import numpy as np
import pytest

import engine
from engine import BookNumerics, Layer_Dense, Layer_Dropout, Layer_Input, NativeNumerics
from engine.book.checks import trusted
from engine.training.gradcheck import numerical_gradient, relative_error

INPUTS = np.array([[1.0, 2.0], [3.0, 4.0]])
WEIGHTS = np.array([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]])
BIASES = np.array([[1.0, 2.0, 3.0]])


class CountingNumerics(NativeNumerics):
    """Records which numerics functions a class asks for."""

    def __init__(self, seed=0):
        super().__init__(seed)
        self.calls = []

    def dot(self, a, b):
        self.calls.append("dot")
        return super().dot(a, b)

    def zeros(self, shape):
        self.calls.append("zeros")
        return super().zeros(shape)

    def randn(self, *shape):
        self.calls.append("randn")
        return super().randn(*shape)

    def binomial(self, n, p, size):
        self.calls.append("binomial")
        return super().binomial(n, p, size)


def dense(weights=WEIGHTS, biases=BIASES, **kwargs) -> Layer_Dense:
    layer = Layer_Dense(*weights.shape, numerics=NativeNumerics(0), **kwargs)
    layer.weights = weights.copy()
    layer.biases = biases.copy()
    return layer


def test_dense_starts_as_the_book_small_random_weights_and_zero_biases():
    layer = Layer_Dense(2, 3, numerics=BookNumerics(0))
    expected = 0.01 * np.random.RandomState(0).randn(2, 3).astype("float32")
    assert layer.weights.dtype == np.float32 and layer.biases.dtype == np.float32
    assert np.array_equal(layer.weights, expected)
    assert np.array_equal(layer.biases, np.zeros((1, 3), dtype="float32"))
    native = Layer_Dense(2, 3, numerics=NativeNumerics(0))
    assert native.weights.dtype == np.float64
    assert np.array_equal(native.weights, 0.01 * np.random.RandomState(0).randn(2, 3))


def test_dense_weight_scale_is_chapter_17s_larger_start():
    layer = Layer_Dense(1, 4, weight_scale=0.1, numerics=BookNumerics(0))
    assert np.array_equal(layer.weights,
                          0.1 * np.random.RandomState(0).randn(1, 4).astype("float32"))
    assert layer.weights.dtype == np.float32


def test_dense_keeps_the_regularizers():
    layer = Layer_Dense(2, 3, 1e-4, 2e-4, 3e-4, 4e-4)
    assert (layer.weight_regularizer_l1, layer.weight_regularizer_l2,
            layer.bias_regularizer_l1, layer.bias_regularizer_l2) == (1e-4, 2e-4, 3e-4, 4e-4)


def test_dense_forward_reference_values():
    layer = dense()
    layer.forward(INPUTS)
    assert layer.inputs is INPUTS
    np.testing.assert_allclose(layer.output, [[1.9, 3.2, 4.5], [2.9, 4.6, 6.3]], rtol=1e-12)


def test_dense_backward_reference_values():
    layer = dense()
    layer.forward(INPUTS)
    dvalues = np.array([[1.0, 0.0, -1.0], [0.5, 2.0, 0.0]])
    layer.backward(dvalues)
    np.testing.assert_allclose(layer.dweights, [[2.5, 6.0, -1.0], [4.0, 8.0, -2.0]])
    np.testing.assert_allclose(layer.dbiases, [[1.5, 2.0, -1.0]])
    np.testing.assert_allclose(layer.dinputs, [[-0.2, -0.2], [0.45, 1.2]])


def test_dense_regularization_gradients_reference_values():
    layer = dense(weights=np.array([[0.5, -0.25]]), biases=np.array([[-2.0, 0.0]]),
                  weight_regularizer_l1=0.1, weight_regularizer_l2=0.01,
                  bias_regularizer_l1=0.2, bias_regularizer_l2=0.03)
    layer.forward(np.array([[1.0]]))
    layer.backward(np.zeros((1, 2)))
    # L1 adds factor * sign (+1 at 0, as the book); L2 adds 2 * factor * value.
    np.testing.assert_allclose(layer.dweights, [[0.1 + 0.01, -0.1 - 0.005]])
    np.testing.assert_allclose(layer.dbiases, [[-0.2 - 0.12, 0.2]])


def sum_against(layer, inputs, g):
    """f = sum(layer(inputs) * g), whose gradient with respect to the output is g."""
    def f():
        layer.forward(inputs)
        return float(np.sum(layer.output * g))
    return f


@pytest.mark.parametrize("regularized", [False, True])
def test_dense_backward_matches_numerical_gradients(regularized):
    numerics = NativeNumerics(3)
    kwargs = dict(weight_regularizer_l2=0.1, bias_regularizer_l2=0.2) if regularized else {}
    layer = Layer_Dense(4, 3, weight_scale=1.0, numerics=numerics, **kwargs)
    layer.biases = numerics.randn(1, 3)
    inputs, g = numerics.randn(5, 4), numerics.randn(5, 3)

    def f():
        value = sum_against(layer, inputs, g)()
        # the L2 penalty whose gradient backward adds
        return value + 0.1 * np.sum(layer.weights**2) + 0.2 * np.sum(layer.biases**2) \
            if regularized else value

    layer.forward(inputs)
    layer.backward(g)
    for analytic, array in ((layer.dweights, layer.weights), (layer.dbiases, layer.biases),
                            (layer.dinputs, inputs)):
        numerical = numerical_gradient(f, array, order=4)
        assert relative_error(analytic, numerical).max() < 1e-8


def test_dense_asks_its_numerics_for_randn_zeros_and_dot():
    numerics = CountingNumerics()
    layer = Layer_Dense(2, 3, numerics=numerics)
    layer.forward(INPUTS)
    layer.backward(np.ones((2, 3)))
    assert numerics.calls == ["randn", "zeros", "dot", "dot", "dot"]


def test_dense_update_in_place_keeps_the_arrays():
    """The book's optimizers write `layer.weights += ...`; views of the weights see it."""
    layer = Layer_Dense(2, 3, numerics=BookNumerics(0))
    weights = layer.weights
    layer.weights += 1
    assert layer.weights is weights and weights.dtype == np.float32


def test_dropout_book_rate_is_the_share_kept_and_the_mask_is_scaled():
    numerics = NativeNumerics(0)
    layer = Layer_Dropout(0.25, numerics=numerics)
    assert layer.rate == 0.75
    inputs = np.arange(1.0, 13.0).reshape(3, 4)
    layer.forward(inputs)
    expected_mask = np.random.RandomState(0).binomial(1, 0.75, size=(3, 4)) / 0.75
    np.testing.assert_array_equal(layer.binary_mask, expected_mask)
    np.testing.assert_array_equal(layer.output, inputs * expected_mask)
    dvalues = np.full((3, 4), 2.0)
    layer.backward(dvalues)
    np.testing.assert_array_equal(layer.dinputs, dvalues * expected_mask)


def test_dropout_lets_values_through_when_not_training():
    layer = Layer_Dropout(0.5, numerics=CountingNumerics())
    inputs = np.ones((2, 2))
    layer.forward(inputs, training=False)
    np.testing.assert_array_equal(layer.output, inputs)
    assert layer.output is not inputs
    assert layer.numerics.calls == []


def test_dropout_backward_matches_numerical_gradient_with_the_mask_fixed():
    numerics = NativeNumerics(5)
    layer = Layer_Dropout(0.3, numerics=numerics)
    inputs, g = numerics.randn(4, 6), numerics.randn(4, 6)
    layer.forward(inputs)
    mask = layer.binary_mask
    layer.backward(g)
    numerical = numerical_gradient(lambda: float(np.sum(inputs * mask * g)), inputs)
    assert relative_error(layer.dinputs, numerical).max() < 1e-8


def test_dropout_mask_keeps_the_book_dtype_under_book_numerics():
    layer = Layer_Dropout(0.1, numerics=BookNumerics(0))
    layer.forward(np.ones((3, 2), dtype="float32"))
    # binomial gives integers; dividing by the Python float rate gives float64, as in the book
    assert layer.binary_mask.dtype == np.float64 and layer.output.dtype == np.float64


def test_input_layer_hands_the_data_on():
    layer = Layer_Input()
    layer.forward(INPUTS, training=True)
    assert layer.output is INPUTS


@pytest.mark.parametrize(("args", "kwargs", "message"), [
    ((0, 3), {}, "n_inputs"),
    ((2, -1), {}, "n_neurons"),
    ((2.5, 3), {}, "n_inputs"),
    ((True, 3), {}, "n_inputs"),
    ((2, 3, -1e-4), {}, "weight_regularizer_l1"),
    ((2, 3, 0, float("nan")), {}, "weight_regularizer_l2"),
    ((2, 3), {"weight_scale": float("inf")}, "weight_scale"),
])
def test_dense_rejects_bad_construction(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        Layer_Dense(*args, **kwargs)


@pytest.mark.parametrize(("inputs", "message"), [
    (np.ones((2, 3)), r"shape \(n, 2\)"),
    (np.ones(2), r"shape \(n, 2\)"),
    (np.array([[1.0, np.nan]]), "NaN or infinite"),
    (np.array([[1.0, np.inf]]), "NaN or infinite"),
    ([[1.0, 2.0]], "numpy array"),
    (np.array([["a", "b"]]), "real numbers"),
])
def test_dense_forward_rejects_bad_inputs(inputs, message):
    with pytest.raises(ValueError, match=message):
        dense().forward(inputs)


def test_dense_forward_rejects_broken_parameters():
    layer = dense()
    layer.weights[0, 0] = np.nan
    with pytest.raises(ValueError, match="weights contains NaN"):
        layer.forward(INPUTS)
    layer = dense()
    layer.biases = np.ones((1, 4))
    with pytest.raises(ValueError, match="biases must have shape"):
        layer.forward(INPUTS)


def test_dense_backward_rejects_bad_dvalues_and_a_missing_forward():
    layer = dense()
    with pytest.raises(ValueError, match=r"forward\(\) to be called first"):
        layer.backward(np.ones((2, 3)))
    layer.forward(INPUTS)
    with pytest.raises(ValueError, match=r"dvalues must have shape \(2, 3\)"):
        layer.backward(np.ones((3, 3)))


@pytest.mark.parametrize("rate", [-0.1, 1.0, 1.5, float("nan"), "half"])
def test_dropout_rejects_bad_rates(rate):
    with pytest.raises(ValueError, match="dropout rate"):
        Layer_Dropout(rate)


def test_dropout_rejects_bad_inputs_and_backward_before_forward():
    layer = Layer_Dropout(0.1)
    with pytest.raises(ValueError, match="forward"):
        layer.backward(np.ones((2, 2)))
    with pytest.raises(ValueError, match="NaN or infinite"):
        layer.forward(np.array([[np.nan]]))


@pytest.mark.parametrize("factory", [
    lambda numerics: Layer_Dense(2, 3, numerics=numerics),
    lambda numerics: Layer_Dropout(0.1, numerics=numerics),
    lambda numerics: Layer_Input(numerics=numerics),
    lambda numerics: engine.Activation_ReLU(numerics=numerics),
    lambda numerics: engine.Activation_Softmax_Loss_CategoricalCrossentropy(numerics=numerics),
    lambda numerics: engine.Loss_MeanSquaredError(numerics=numerics),
    lambda numerics: engine.spiral_data(3, 2, numerics=numerics),
    lambda numerics: engine.sine_data(3, numerics=numerics),
])
def test_numerics_must_be_an_object_not_a_name(factory):
    with pytest.raises(ValueError, match=r"numerics must be a Numerics object.*'book'"):
        factory("book")


def test_book_classes_by_name():
    assert engine.book_class("Layer_Dense") is Layer_Dense
    assert engine.book_class("Loss_CategoricalCrossEntropy") is engine.Loss_CategoricalCrossentropy
    assert set(engine.BOOK_CLASSES) >= {"Optimizer_Adam", "Activation_Sigmoid", "Layer_Input"}
    with pytest.raises(ValueError, match="unknown book class 'Layer_Conv2D'"):
        engine.book_class("Layer_Conv2D")


def test_dense_parameters_as_chapter_21():
    layer = dense()
    weights, biases = layer.get_parameters()
    assert weights is layer.weights and biases is layer.biases
    new_weights, new_biases = WEIGHTS * 2, BIASES * 2
    layer.set_parameters(new_weights, new_biases)
    assert layer.weights is new_weights and layer.biases is new_biases
    with pytest.raises(ValueError, match=r"weights must have shape \(2, 3\)"):
        layer.set_parameters(np.ones((3, 2)), new_biases)
    with pytest.raises(ValueError, match="biases contains NaN"):
        layer.set_parameters(new_weights, np.full((1, 3), np.nan))


def test_trusted_skips_the_array_checks_only_inside_the_block():
    layer = dense()
    broken = INPUTS.copy()
    broken[0, 0] = np.nan
    with trusted():
        layer.forward(broken)  # no check: the NaN flows on, as a trusted caller expects
    assert np.isnan(layer.output[0]).all()
    with pytest.raises(ValueError, match="contains NaN"):
        layer.forward(broken)
    with pytest.raises(KeyError), trusted():
        raise KeyError("leaving the block by an exception")
    with pytest.raises(ValueError, match="contains NaN"):
        layer.forward(broken)
