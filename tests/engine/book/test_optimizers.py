"""The four optimizers: one or two steps against hand-worked values, decay, caches, bad input."""

import numpy as np
import pytest

from engine import (
    BookNumerics,
    Layer_Dense,
    NativeNumerics,
    Optimizer_Adagrad,
    Optimizer_Adam,
    Optimizer_RMSprop,
    Optimizer_SGD,
)

DWEIGHTS = np.array([[0.5, -1.0]])
DBIASES = np.array([[2.0, -0.25]])


def layer_with_gradients(numerics=None) -> Layer_Dense:
    layer = Layer_Dense(1, 2, numerics=numerics or NativeNumerics(0))
    layer.weights = np.array([[1.0, 2.0]], dtype=layer.weights.dtype)
    layer.biases = np.array([[0.0, 1.0]], dtype=layer.biases.dtype)
    layer.dweights = DWEIGHTS.astype(layer.weights.dtype)
    layer.dbiases = DBIASES.astype(layer.biases.dtype)
    return layer


def step(optimizer, layer) -> None:
    optimizer.pre_update_params()
    optimizer.update_params(layer)
    optimizer.post_update_params()


def test_defaults_are_the_books():
    assert (Optimizer_SGD().learning_rate, Optimizer_SGD().decay, Optimizer_SGD().momentum) \
        == (1.0, 0.0, 0.0)
    assert (Optimizer_Adagrad().learning_rate, Optimizer_Adagrad().epsilon) == (1.0, 1e-7)
    rmsprop = Optimizer_RMSprop()
    assert (rmsprop.learning_rate, rmsprop.epsilon, rmsprop.rho) == (0.001, 1e-7, 0.9)
    adam = Optimizer_Adam()
    assert (adam.learning_rate, adam.epsilon, adam.beta_1, adam.beta_2) == \
        (0.001, 1e-7, 0.9, 0.999)
    assert adam.iterations == 0 and adam.current_learning_rate == 0.001


def test_sgd_step():
    layer = layer_with_gradients()
    step(Optimizer_SGD(learning_rate=0.1), layer)
    np.testing.assert_allclose(layer.weights, [[0.95, 2.1]])
    np.testing.assert_allclose(layer.biases, [[-0.2, 1.025]])


def test_sgd_momentum_two_steps():
    layer = layer_with_gradients()
    optimizer = Optimizer_SGD(learning_rate=0.1, momentum=0.9)
    step(optimizer, layer)
    np.testing.assert_allclose(layer.weight_momentums, [[-0.05, 0.1]])
    step(optimizer, layer)
    # v2 = 0.9 v1 - 0.1 dw
    np.testing.assert_allclose(layer.weight_momentums, [[-0.095, 0.19]])
    np.testing.assert_allclose(layer.weights, [[0.855, 2.29]])
    np.testing.assert_allclose(layer.bias_momentums, [[-0.38, 0.0475]])


def test_decay_lowers_the_rate_from_the_second_step():
    optimizer = Optimizer_SGD(learning_rate=1.0, decay=0.1)
    layer = layer_with_gradients()
    rates = []
    for _ in range(3):
        step(optimizer, layer)
        rates.append(optimizer.current_learning_rate)
    assert rates == [1.0, 1.0 * (1.0 / (1.0 + 0.1 * 1)), 1.0 * (1.0 / (1.0 + 0.1 * 2))]
    assert optimizer.iterations == 3


def test_adagrad_step():
    layer = layer_with_gradients()
    step(Optimizer_Adagrad(learning_rate=1.0), layer)
    np.testing.assert_allclose(layer.weight_cache, DWEIGHTS**2)
    np.testing.assert_allclose(layer.weights,
                               [[1 - 0.5 / (0.5 + 1e-7), 2 + 1 / (1 + 1e-7)]], rtol=1e-15)


def test_rmsprop_step():
    layer = layer_with_gradients()
    step(Optimizer_RMSprop(learning_rate=0.01, rho=0.9), layer)
    cache = 0.1 * DWEIGHTS**2
    np.testing.assert_allclose(layer.weight_cache, cache)
    np.testing.assert_allclose(layer.weights,
                               [[1, 2]] - 0.01 * DWEIGHTS / (np.sqrt(cache) + 1e-7))


def test_adam_first_step_is_the_learning_rate_times_the_gradient_sign():
    layer = layer_with_gradients()
    step(Optimizer_Adam(learning_rate=0.01), layer)
    # the bias corrections make m_hat = dw and v_hat = dw^2 on the first step
    np.testing.assert_allclose(layer.weight_momentums, 0.1 * DWEIGHTS)
    np.testing.assert_allclose(layer.weight_cache, 0.001 * DWEIGHTS**2)
    np.testing.assert_allclose(layer.weights,
                               [[1, 2]] - 0.01 * DWEIGHTS / (np.abs(DWEIGHTS) + 1e-7),
                               rtol=1e-12)
    np.testing.assert_allclose(layer.biases,
                               [[0, 1]] - 0.01 * DBIASES / (np.abs(DBIASES) + 1e-7),
                               rtol=1e-12)


def test_adam_second_step_uses_corrections_for_step_two():
    layer = layer_with_gradients()
    optimizer = Optimizer_Adam(learning_rate=0.01)
    step(optimizer, layer)
    first = layer.weights.copy()
    step(optimizer, layer)
    m = 0.9 * 0.1 * DWEIGHTS + 0.1 * DWEIGHTS
    v = 0.999 * 0.001 * DWEIGHTS**2 + 0.001 * DWEIGHTS**2
    expected = first - 0.01 * (m / (1 - 0.9**2)) / (np.sqrt(v / (1 - 0.999**2)) + 1e-7)
    np.testing.assert_allclose(layer.weights, expected, rtol=1e-12)


@pytest.mark.parametrize("optimizer", [Optimizer_SGD(momentum=0.5), Optimizer_Adagrad(),
                                       Optimizer_RMSprop(), Optimizer_Adam()])
def test_updates_in_place_keeping_float32_under_book_numerics(optimizer):
    layer = layer_with_gradients(BookNumerics(0))
    weights, biases = layer.weights, layer.biases
    step(optimizer, layer)
    assert layer.weights is weights and layer.biases is biases
    assert layer.weights.dtype == np.float32 and layer.biases.dtype == np.float32
    assert not np.array_equal(layer.weights, [[1.0, 2.0]])


@pytest.mark.parametrize(("factory", "message"), [
    (lambda: Optimizer_SGD(learning_rate=0), "learning_rate"),
    (lambda: Optimizer_SGD(learning_rate=float("nan")), "learning_rate"),
    (lambda: Optimizer_SGD(decay=-1), "decay"),
    (lambda: Optimizer_SGD(momentum=1.0), "momentum"),
    (lambda: Optimizer_Adagrad(epsilon=0), "epsilon"),
    (lambda: Optimizer_RMSprop(rho=1.0), "rho"),
    (lambda: Optimizer_Adam(beta_1=1.0), "beta_1"),
    (lambda: Optimizer_Adam(beta_2=-0.1), "beta_2"),
    (lambda: Optimizer_Adam(learning_rate="fast"), "learning_rate must be a number"),
])
def test_rejects_bad_settings(factory, message):
    with pytest.raises(ValueError, match=message):
        factory()


def test_update_needs_backward_first_and_matching_gradients():
    layer = Layer_Dense(2, 3)
    with pytest.raises(ValueError, match=r"needs backward\(\) to be called first"):
        Optimizer_SGD().update_params(layer)
    layer.dweights = np.ones((3, 2))
    layer.dbiases = np.ones((1, 3))
    with pytest.raises(ValueError, match=r"dweights must have shape \(2, 3\)"):
        Optimizer_SGD().update_params(layer)
    layer.dweights = np.full((2, 3), np.nan)
    with pytest.raises(ValueError, match="dweights contains NaN"):
        Optimizer_Adam().update_params(layer)
