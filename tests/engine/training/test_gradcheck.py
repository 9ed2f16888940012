"""The gradient checker itself, then every backward of random book networks against it."""

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from engine import (
    Activation_Linear,
    Activation_ReLU,
    Activation_Sigmoid,
    Activation_Softmax,
    Activation_Softmax_Loss_CategoricalCrossentropy,
    BookNumerics,
    Layer_Dense,
    Layer_Dropout,
    Loss_BinaryCrossentropy,
    Loss_CategoricalCrossentropy,
    Loss_MeanAbsoluteError,
    Loss_MeanSquaredError,
    NativeNumerics,
    spiral_data,
)
from engine.training.gradcheck import (
    check_model,
    check_network,
    default_step,
    numerical_gradient,
    numerical_partial,
    relative_error,
)
from engine.training.model import Model

# --- the checker ------------------------------------------------------------------------------


def test_relative_error_definition():
    np.testing.assert_allclose(relative_error([1.0, 0.0, -2.0, 0.0], [0.5, 0.0, -2.0, 3.0]),
                               [0.5 / 1.5, 0.0, 0.0, 1.0])
    assert relative_error(np.float32(1e-30), 0.0) == 1.0
    with pytest.raises(ValueError, match="shape"):
        relative_error(np.ones(2), np.ones(3))


@pytest.mark.parametrize("order", [2, 4])
def test_numerical_gradient_of_a_quadratic_is_exact(order):
    a = np.array([[1.0, -2.0, 3.0]])
    x = np.array([[0.5, 1.5, -4.0]])
    numerical = numerical_gradient(lambda: float(np.sum(a * x**2)), x, order=order)
    np.testing.assert_allclose(numerical, 2 * a * x, rtol=1e-9)


def test_fourth_order_beats_second_order_on_a_curved_function():
    x = np.array([0.3, 1.1, -0.7])
    errors = {order: np.abs(numerical_gradient(lambda: float(np.sum(np.sin(3 * x))), x,
                                               1e-3, order=order) - 3 * np.cos(3 * x)).max()
              for order in (2, 4)}
    assert errors[4] < errors[2] / 1000


def test_numerical_gradient_puts_every_value_back_exactly():
    x = np.array([0.1, 1 / 3, -7.25], dtype=np.float32)
    original = x.copy()
    numerical_gradient(lambda: float(np.sum(x**3)), x)
    assert np.array_equal(x, original) and x.dtype == np.float32

    def failing():
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        numerical_gradient(failing, x)
    assert np.array_equal(x, original)


def test_numerical_partial_is_one_element_of_the_gradient():
    x = np.array([[0.3, -1.2], [2.0, 0.5]])
    f = lambda: float(np.sum(np.exp(x) * x))  # noqa: E731
    full = numerical_gradient(f, x, order=4)
    assert numerical_partial(f, x, (1, 0), order=4) == full[1, 0]
    assert numerical_partial(f, x, (0, 1)) == pytest.approx(np.exp(-1.2) * (1 - 1.2), rel=1e-9)
    with pytest.raises(ValueError, match=r"index \(2, 0\) is outside an array of shape"):
        numerical_partial(f, x, (2, 0))
    with pytest.raises(ValueError, match="outside"):
        numerical_partial(f, x, (0,))


def test_default_step_is_a_power_of_two_sized_for_the_dtype():
    for dtype, order in ((np.float64, 2), (np.float64, 4), (np.float32, 2)):
        step = default_step(3.0, dtype, order)
        assert np.log2(step) == int(np.log2(step))
        assert step == pytest.approx(np.finfo(dtype).eps ** (1 / (order + 1)) * 3.0, rel=0.5)


@pytest.mark.parametrize(("array", "kwargs", "message"), [
    (np.ones(2), {"order": 3}, "order must be 2 or 4"),
    (np.ones(2, dtype=int), {}, "must hold floats"),
    (np.array([np.nan]), {}, "NaN or infinite"),
    (np.ones(2), {"eps": 0.0}, "eps must be a positive"),
    ([1.0, 2.0], {}, "numpy array"),
])
def test_numerical_gradient_rejects_bad_input(array, kwargs, message):
    with pytest.raises(ValueError, match=message):
        numerical_gradient(lambda: 0.0, array, **kwargs)


def small_network(numerics, dropout=False):
    x, y = spiral_data(6, 3, numerics=numerics)
    layers = {"dense1": Layer_Dense(2, 5, weight_scale=1.0, numerics=numerics),
              "activation1": Activation_ReLU(numerics=numerics)}
    if dropout:
        layers["dropout1"] = Layer_Dropout(0.3, numerics=numerics)
    layers["dense2"] = Layer_Dense(5, 3, weight_scale=1.0, numerics=numerics)
    for layer in (layers["dense1"], layers["dense2"]):
        layer.biases = layer.biases + 0.5 * numerics.randn(*layer.biases.shape)
    return layers, Activation_Softmax_Loss_CategoricalCrossentropy(numerics=numerics), x, y


@pytest.mark.parametrize("dropout", [False, True])
def test_check_network_names_every_parameter_and_the_inputs(dropout):
    layers, loss, x, y = small_network(NativeNumerics(0), dropout)
    checks = check_network(layers, loss, x, y)
    assert list(checks) == ["dense1.weights", "dense1.biases", "dense2.weights",
                            "dense2.biases", "inputs"]
    assert checks["dense1.weights"].analytic.shape == (2, 5)
    assert checks["inputs"].numerical.shape == x.shape
    for check in checks.values():
        assert check.max_relative_error < 1e-6, check.name


def test_check_network_leaves_the_analytic_pass_in_place():
    layers, loss, x, y = small_network(NativeNumerics(1), dropout=True)
    checks = check_network(layers, loss, x, y)
    mask = layers["dropout1"].binary_mask.copy()
    assert np.array_equal(checks["dense2.weights"].analytic, layers["dense2"].dweights)
    expected = np.maximum(0, x @ layers["dense1"].weights + layers["dense1"].biases) * mask
    np.testing.assert_allclose(layers["dense2"].inputs, expected, rtol=1e-12)


def test_check_network_marks_differences_across_a_relu_kink():
    numerics = NativeNumerics(0)
    dense = Layer_Dense(1, 1, weight_scale=1.0, numerics=numerics)
    dense.weights[:] = 1.0
    dense.biases[:] = -1.0  # the single sample's ReLU input is exactly 0, its kink
    layers = {"dense1": dense, "activation1": Activation_ReLU(numerics=numerics)}
    checks = check_network(layers, Loss_MeanSquaredError(), np.array([[1.0]]),
                           np.array([[1.0]]), order=2)
    assert checks["dense1.weights"].crosses_kink.all()
    assert checks["dense1.weights"].max_relative_error == 0.0


def test_check_network_in_float32_book_numerics_is_roughly_right():
    layers, loss, x, y = small_network(BookNumerics(0))
    checks = check_network(layers, loss, x, y)
    assert checks["dense1.weights"].analytic.dtype == np.float64
    assert max(check.max_relative_error for check in checks.values()) < 1e-2


def test_check_network_rejects_what_it_cannot_check():
    layers, loss, x, y = small_network(NativeNumerics(0))
    with pytest.raises(ValueError, match="at least one layer"):
        check_network({}, loss, x, y)
    with pytest.raises(ValueError, match="must be a book Loss"):
        check_network(layers, Activation_Softmax(), x, y)


# --- random book networks -------------------------------------------------------------------

HIDDEN = [Activation_ReLU, Activation_Sigmoid, Activation_Linear, Activation_Softmax]
HEADS = ["fused", "softmax_crossentropy", "sigmoid_binary", "linear_squared", "linear_absolute"]


@st.composite
def networks(draw):
    seed = draw(st.integers(0, 2**32 - 1))
    numerics = NativeNumerics(seed)
    head = draw(st.sampled_from(HEADS))
    n_hidden = draw(st.integers(0, 2))
    widths = [draw(st.integers(1, 4))] + [draw(st.integers(1, 16)) for _ in range(n_hidden)]
    n_outputs = draw(st.integers(2, 4) if head in ("fused", "softmax_crossentropy")
                     else st.integers(1, 4))
    widths.append(n_outputs)
    samples = draw(st.integers(1, 8))

    layers = {}
    for number, (n_in, n_out) in enumerate(zip(widths, widths[1:], strict=False), start=1):
        regularizer = draw(st.sampled_from(["", "l1", "l2"]))
        kwargs = ({f"weight_regularizer_{regularizer}": 1e-2,
                   f"bias_regularizer_{regularizer}": 1e-2} if regularizer else {})
        dense = Layer_Dense(n_in, n_out, weight_scale=draw(st.floats(0.3, 1.5)),
                            numerics=numerics, **kwargs)
        dense.biases = 0.5 * numerics.randn(1, n_out)
        layers[f"dense{number}"] = dense
        if number < len(widths) - 1:
            layers[f"activation{number}"] = draw(st.sampled_from(HIDDEN))(numerics=numerics)
            if draw(st.booleans()):
                layers[f"dropout{number}"] = Layer_Dropout(0.25, numerics=numerics)

    x = numerics.randn(samples, widths[0])
    if head == "fused":
        loss = Activation_Softmax_Loss_CategoricalCrossentropy(numerics=numerics)
    elif head == "softmax_crossentropy":
        layers["output_activation"] = Activation_Softmax(numerics=numerics)
        loss = Loss_CategoricalCrossentropy(numerics=numerics)
    elif head == "sigmoid_binary":
        layers["output_activation"] = Activation_Sigmoid(numerics=numerics)
        loss = Loss_BinaryCrossentropy(numerics=numerics)
    else:
        layers["output_activation"] = Activation_Linear(numerics=numerics)
        loss = (Loss_MeanSquaredError if head == "linear_squared"
                else Loss_MeanAbsoluteError)(numerics=numerics)
    if head in ("fused", "softmax_crossentropy"):
        y = numerics.random.randint(0, n_outputs, size=samples)
        if draw(st.booleans()):
            y = np.eye(n_outputs, dtype=int)[y]
    elif head == "sigmoid_binary":
        y = numerics.random.randint(0, 2, size=(samples, n_outputs))
    else:
        y = numerics.randn(samples, n_outputs)
    return layers, loss, x, y


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(networks())
def test_every_backward_matches_numerical_gradients_in_random_networks(network):
    """1-3 dense layers of 1-16 neurons, every activation, loss, regularizer and dropout."""
    layers, loss, x, y = network
    checks = check_network(layers, loss, x, y, order=4)
    crossed = sum(int(check.crosses_kink.sum()) for check in checks.values())
    total = sum(check.crosses_kink.size for check in checks.values())
    # Differences across a kink estimate nothing; such networks are rare and skipped.
    assume(crossed <= total // 10)
    # Where cross-entropy clips a probability the loss is flat, but the book's backward (and so
    # the engine's) differentiates it as if unclipped; keep to probabilities inside the clip.
    if isinstance(loss, (Activation_Softmax_Loss_CategoricalCrossentropy,
                         Loss_CategoricalCrossentropy, Loss_BinaryCrossentropy)):
        probabilities = loss.output if hasattr(loss, "output") else \
            list(layers.values())[-1].output
        assume(((probabilities > 1e-7) & (probabilities < 1 - 1e-7)).all())
    # A sigmoid output within 1e-4 of 1 is stored to about 1e-16, so binary cross-entropy's
    # log(1 - p) keeps too few digits for any difference quotient to reach 1e-6.
    if isinstance(loss, Loss_BinaryCrossentropy):
        assume((probabilities < 1 - 1e-4).all())
    for check in checks.values():
        # An exactly-zero gradient (mean absolute error's signs cancelling, say) against the
        # estimate's rounding noise, about 1e-13 here, has relative error 1: compare it absolutely.
        close = (check.relative_error < 1e-6) | (check.absolute_error < 1e-10)
        assert (close | check.crosses_kink).all(), (check.name, check.analytic, check.numerical)


# --- each output/loss pair as a Model builds it -------------------------------------------------

PAIRS = {
    "softmax + categorical cross-entropy": {"data": {"kind": "spiral", "samples": 8,
                                                      "classes": 3}},
    "one sigmoid + binary cross-entropy": {"data": {"kind": "spiral", "samples": 8,
                                                     "classes": 2},
                                            "loss": "binary_crossentropy"},
    "a sigmoid per class + binary cross-entropy": {"data": {"kind": "vertical", "samples": 6,
                                                             "classes": 4},
                                                    "loss": "binary_crossentropy"},
    "linear + mean squared error": {"data": {"kind": "sine", "samples": 24},
                                    "loss": "mean_squared_error"},
    "linear + mean absolute error": {"data": {"kind": "sine", "samples": 24},
                                     "loss": "mean_absolute_error"},
}


@pytest.mark.parametrize("pair", list(PAIRS))
def test_each_output_loss_pair_of_a_model_matches_numerical_gradients(pair):
    """A Model of each pair, in float64 with L1 and L2 on both layers and weights large enough
    that the outputs are far from chance: every weight, bias and input gradient its backward
    pass computes equals the central difference of its total loss."""
    spec = {**PAIRS[pair], "numerics": "native", "seed": 4, "weight_scale": 0.8,
            "hidden": [{"neurons": 5, "activation": "tanh", "weight_l1": 1e-3,
                        "bias_l2": 2e-3}],
            "output": {"weight_l1": 1e-3, "bias_l1": 1e-3}}
    model = Model(spec)
    # Off the zero start, where sine's first target (0 at x = 0) sits on the absolute error's
    # kink and an L1 penalty's kink lies.
    for index, value in enumerate((0.3, -0.2, 0.15, -0.4, 0.25)):
        model.set_value("dense1.biases", (0, index), value)
    model.set_value("dense2.biases", (0, 0), 0.35)
    checks = check_model(model)
    assert set(checks) == {"dense1.weights", "dense1.biases", "dense2.weights",
                           "dense2.biases", "inputs"}
    for check in checks.values():
        close = (check.relative_error < 1e-6) | (check.absolute_error < 1e-10)
        assert (close | check.crosses_kink).all(), (pair, check.name, check.relative_error)
    crossed = sum(int(check.crosses_kink.sum()) for check in checks.values())
    assert crossed <= sum(check.crosses_kink.size for check in checks.values()) // 20


@pytest.mark.parametrize("pair", list(PAIRS))
def test_each_pairs_training_step_computes_what_the_check_computes(pair):
    """The Model's own backward operations leave the gradients check_model calls analytic."""
    model = Model({**PAIRS[pair], "numerics": "native", "hidden": [{"neurons": 4}]})
    operations = [operation.name for operation in model.operations()]
    for index in range(operations.index("optimizer.pre_update_params")):
        model.run_operation(index)
    trained = {name: model.value(name).copy() for name in ("dense1.dweights", "dense2.dbiases")}
    check_model(model)
    for name, gradient in trained.items():
        assert np.array_equal(model.value(name), gradient), name
