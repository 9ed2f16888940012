"""The losses: reference values, numerical gradients, the book's fused-softmax check, bad input."""

import numpy as np
import pytest

from engine import (
    Activation_Softmax,
    Activation_Softmax_Loss_CategoricalCrossentropy,
    BookNumerics,
    Layer_Dense,
    Loss,
    Loss_BinaryCrossentropy,
    Loss_CategoricalCrossEntropy,
    Loss_CategoricalCrossentropy,
    Loss_MeanAbsoluteError,
    Loss_MeanSquaredError,
    NativeNumerics,
)
from engine.training.gradcheck import numerical_gradient, relative_error

SOFTMAX_OUTPUTS = np.array([[0.7, 0.1, 0.2], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08]])
CLASS_TARGETS = np.array([0, 1, 1])
ONE_HOT_TARGETS = np.array([[1, 0, 0], [0, 1, 0], [0, 1, 0]])


def test_categorical_crossentropy_reference_values_for_both_target_forms():
    """The book's chapter-5 example: mean of -log(0.7), -log(0.5), -log(0.9)."""
    expected = (-np.log(0.7) - np.log(0.5) - np.log(0.9)) / 3
    loss = Loss_CategoricalCrossentropy()
    assert loss.calculate(SOFTMAX_OUTPUTS, CLASS_TARGETS) == pytest.approx(expected, rel=1e-15)
    assert loss.calculate(SOFTMAX_OUTPUTS, ONE_HOT_TARGETS) == pytest.approx(expected, rel=1e-15)
    assert expected == pytest.approx(0.38506088005216804)


def test_categorical_crossentropy_clips_zero_probabilities():
    loss = Loss_CategoricalCrossentropy()
    assert loss.calculate(np.array([[0.0, 1.0]]), np.array([0])) == pytest.approx(-np.log(1e-7))


def test_capital_e_spelling_is_the_same_class():
    assert Loss_CategoricalCrossEntropy is Loss_CategoricalCrossentropy


def test_crossentropy_backward_is_minus_target_over_prediction_per_sample():
    loss = Loss_CategoricalCrossentropy()
    loss.backward(SOFTMAX_OUTPUTS, CLASS_TARGETS)
    expected = -ONE_HOT_TARGETS / SOFTMAX_OUTPUTS / 3
    np.testing.assert_allclose(loss.dinputs, expected, rtol=1e-15)


def test_crossentropy_one_hot_comes_from_the_numerics_eye():
    loss = Loss_CategoricalCrossentropy(numerics=BookNumerics(0))
    loss.backward(SOFTMAX_OUTPUTS.astype("float32"), CLASS_TARGETS)
    assert loss.dinputs.dtype == np.float32


def test_binary_crossentropy_reference_values():
    loss = Loss_BinaryCrossentropy()
    y_pred = np.array([[0.9, 0.2], [0.4, 0.6]])
    y_true = np.array([[1, 0], [0, 0]])
    expected = np.mean([(-np.log(0.9) - np.log(0.8)) / 2, (-np.log(0.6) - np.log(0.4)) / 2])
    assert loss.calculate(y_pred, y_true) == pytest.approx(expected, rel=1e-15)


def test_mean_squared_and_absolute_error_reference_values():
    y_pred = np.array([[1.0, 2.0], [0.0, -1.0]])
    y_true = np.array([[1.5, 2.0], [2.0, -1.0]])
    assert Loss_MeanSquaredError().calculate(y_pred, y_true) == pytest.approx(
        np.mean([(0.25 + 0) / 2, (4 + 0) / 2]))
    assert Loss_MeanAbsoluteError().calculate(y_pred, y_true) == pytest.approx(
        np.mean([0.5 / 2, 2 / 2]))


def test_mean_absolute_error_gradient_points_downhill():
    """The book prints np.sign(y_true - dvalues); the derivative of |y - p| in p is its negative.
    Stepping against the engine's gradient lowers the loss."""
    loss = Loss_MeanAbsoluteError()
    y_pred, y_true = np.array([[0.0, 3.0]]), np.array([[1.0, 1.0]])
    loss.backward(y_pred, y_true)
    np.testing.assert_array_equal(loss.dinputs, [[-0.5, 0.5]])
    assert loss.calculate(y_pred - 0.1 * loss.dinputs, y_true) < loss.calculate(y_pred, y_true)


def _targets(loss_class, numerics, shape):
    if loss_class is Loss_CategoricalCrossentropy:
        return numerics.random.randint(0, shape[1], size=shape[0])
    if loss_class is Loss_BinaryCrossentropy:
        return numerics.random.randint(0, 2, size=shape).astype(float)
    return numerics.randn(*shape)


def _predictions(loss_class, numerics, shape):
    if loss_class is Loss_CategoricalCrossentropy:
        softmax = Activation_Softmax()
        softmax.forward(numerics.randn(*shape))
        return softmax.output
    if loss_class is Loss_BinaryCrossentropy:
        return 1 / (1 + np.exp(-numerics.randn(*shape)))
    return numerics.randn(*shape)


@pytest.mark.parametrize("loss_class", [Loss_CategoricalCrossentropy, Loss_BinaryCrossentropy,
                                        Loss_MeanSquaredError, Loss_MeanAbsoluteError])
def test_backward_matches_numerical_gradient(loss_class):
    numerics = NativeNumerics(11)
    loss = loss_class(numerics=numerics)
    shape = (5, 3)
    y_pred = _predictions(loss_class, numerics, shape)
    y_true = _targets(loss_class, numerics, shape)
    loss.backward(y_pred, y_true)
    numerical = numerical_gradient(lambda: float(loss.calculate(y_pred, y_true)), y_pred,
                                   order=4)
    # -log(p) curves sharply for small p, so the step's truncation error is larger here
    assert relative_error(loss.dinputs, numerical).max() < 1e-6


def test_fused_softmax_crossentropy_equals_softmax_then_crossentropy():
    """The book's own check (chapter 9): both backward paths give the same dinputs."""
    softmax_outputs = np.array([[0.7, 0.1, 0.2], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08]])
    class_targets = np.array([0, 1, 1])

    fused = Activation_Softmax_Loss_CategoricalCrossentropy()
    fused.backward(softmax_outputs, class_targets)

    activation = Activation_Softmax()
    activation.output = softmax_outputs
    loss = Loss_CategoricalCrossentropy()
    loss.backward(softmax_outputs, class_targets)
    activation.backward(loss.dinputs)

    np.testing.assert_allclose(fused.dinputs, activation.dinputs, rtol=0, atol=1e-15)
    np.testing.assert_allclose(fused.dinputs, [[-0.1, 0.0333333, 0.0666667],
                                               [0.0333333, -0.166667, 0.133333],
                                               [0.00666667, -0.0333333, 0.0266667]], rtol=1e-5)


def test_fused_keeps_activation_and_loss_and_gives_the_same_forward():
    numerics = NativeNumerics(2)
    fused = Activation_Softmax_Loss_CategoricalCrossentropy(numerics=numerics)
    assert isinstance(fused.activation, Activation_Softmax)
    assert isinstance(fused.loss, Loss_CategoricalCrossentropy)
    assert fused.activation.numerics is numerics and fused.loss.numerics is numerics
    logits = numerics.randn(4, 3)
    targets = np.array([0, 2, 1, 2])
    value = fused.forward(logits, targets)
    assert fused.output is fused.activation.output
    softmax = Activation_Softmax()
    softmax.forward(logits)
    assert value == Loss_CategoricalCrossentropy().calculate(softmax.output, targets)


def test_fused_backward_accepts_one_hot_targets():
    fused = Activation_Softmax_Loss_CategoricalCrossentropy()
    fused.backward(SOFTMAX_OUTPUTS, ONE_HOT_TARGETS)
    np.testing.assert_allclose(fused.dinputs, (SOFTMAX_OUTPUTS - ONE_HOT_TARGETS) / 3)


def test_regularization_loss_reference_values():
    layer = Layer_Dense(2, 2, 0.1, 0.2, 0.3, 0.4)
    layer.weights = np.array([[1.0, -2.0], [0.5, 0.0]])
    layer.biases = np.array([[-1.0, 3.0]])
    expected = 0.1 * 3.5 + 0.2 * 5.25 + 0.3 * 4.0 + 0.4 * 10.0
    assert Loss().regularization_loss(layer) == pytest.approx(expected)
    assert Loss().regularization_loss(Layer_Dense(2, 2)) == 0


@pytest.mark.parametrize(("y_pred", "y_true", "message"), [
    (SOFTMAX_OUTPUTS, np.array([0, 1]), "2 labels but y_pred has 3 samples"),
    (SOFTMAX_OUTPUTS, np.array([0, 1, 3]), r"class labels must be in 0\.\.2"),
    (SOFTMAX_OUTPUTS, np.array([0, -1, 1]), r"class labels must be in 0\.\.2"),
    (SOFTMAX_OUTPUTS, np.array([0.0, 1.0, 1.0]), "class labels must be integers"),
    (SOFTMAX_OUTPUTS, np.ones((3, 2)), "one-hot y_true has shape"),
    (np.array([[np.nan, 1.0]]), np.array([1]), "NaN or infinite"),
    (np.array([0.5, 0.5]), np.array([1]), "must be 2-D"),
])
def test_crossentropy_rejects_bad_targets_and_predictions(y_pred, y_true, message):
    with pytest.raises(ValueError, match=message):
        Loss_CategoricalCrossentropy().calculate(y_pred, y_true)
    with pytest.raises(ValueError, match=message.replace("y_pred", "dvalues")):
        Activation_Softmax_Loss_CategoricalCrossentropy().backward(y_pred, y_true)


@pytest.mark.parametrize("loss_class", [Loss_BinaryCrossentropy, Loss_MeanSquaredError,
                                        Loss_MeanAbsoluteError])
def test_elementwise_losses_reject_unreshaped_targets(loss_class):
    """Chapter 16's trap: y of shape (n,) against outputs (n, 1) would broadcast to (n, n)."""
    with pytest.raises(ValueError, match=r"reshape y_true with y.reshape\(-1, 1\)"):
        loss_class().calculate(np.full((4, 1), 0.5), np.array([0, 1, 1, 0]))
    with pytest.raises(ValueError, match="dvalues has shape"):
        loss_class().backward(np.full((4, 2), 0.5), np.ones((4, 1)))
    with pytest.raises(ValueError, match="NaN or infinite"):
        loss_class().calculate(np.full((1, 1), 0.5), np.array([[np.inf]]))


def test_chapter_18_regularization_over_remembered_layers():
    first = Layer_Dense(2, 2, 0.1, 0.2)
    second = Layer_Dense(2, 1, 0, 0, 0.3, 0.4)
    for layer in (first, second):
        layer.biases = layer.biases + 0.5
    loss = Loss_MeanSquaredError()
    with pytest.raises(ValueError, match=r"remember_trainable_layers\(\) first"):
        loss.regularization_loss()
    loss.remember_trainable_layers([first, second])
    assert loss.regularization_loss() == pytest.approx(
        loss.regularization_loss(first) + loss.regularization_loss(second), rel=1e-12)
    y_pred, y_true = np.array([[1.0], [2.0]]), np.array([[0.0], [0.0]])
    data_loss, regularization_loss = loss.calculate(y_pred, y_true, include_regularization=True)
    assert data_loss == 2.5 and regularization_loss == loss.regularization_loss()


def test_chapter_19_accumulates_sample_losses_over_a_pass():
    loss = Loss_MeanAbsoluteError()
    with pytest.raises(ValueError, match=r"new_pass\(\)"):
        loss.calculate_accumulated()
    loss.new_pass()
    assert loss.calculate(np.array([[1.0], [3.0]]), np.zeros((2, 1))) == 2.0
    assert loss.calculate(np.array([[6.0]]), np.zeros((1, 1))) == 6.0
    assert loss.calculate_accumulated() == pytest.approx(10 / 3)
    loss.remember_trainable_layers([])
    assert loss.calculate_accumulated(include_regularization=True) == (pytest.approx(10 / 3), 0)
    loss.new_pass()
    assert loss.accumulated_count == 0
