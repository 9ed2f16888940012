"""A Model's output/loss pairs beyond chapter 10's softmax: the book's chapter-16 sigmoid with
binary cross-entropy (one output, or one per class) and chapter 17's linear regression with
mean squared or absolute error, stepped, probed, saved and reopened like the softmax."""

import numpy as np
import pytest

from engine import (
    Activation_ReLU,
    Activation_Sigmoid,
    BookNumerics,
    Layer_Dense,
    Loss_BinaryCrossentropy,
    spiral_data,
)
from engine.files.session import Session, load_session, save_session
from engine.scenarios.presets import chapter16_spec, chapter17_spec
from engine.training.model import Model
from engine.training.spec import describe, losses_for, normalize_spec
from engine.training.stepper import Stepper


def small(kind: str, **changes) -> dict:
    data = ({"kind": "sine", "samples": 40} if kind == "sine" else
            {"kind": "spiral", "samples": 15, "classes": 2 if kind == "binary" else 3})
    loss = {"sine": "mean_squared_error", "binary": "binary_crossentropy",
            "sigmoids": "binary_crossentropy"}[kind]
    spec = {"data": data, "loss": loss, "seed": 2, "print_every": 3,
            "hidden": [{"neurons": 6, "weight_l2": 5e-4, "dropout": 0.1},
                       {"neurons": 5, "activation": "tanh"}],
            "optimizer": {"name": "adam", "learning_rate": 0.02, "decay": 1e-3}}
    spec.update(changes)
    return spec


def _same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(
        a[k].dtype == b[k].dtype and a[k].tobytes() == b[k].tobytes() for k in a)


def test_chapter_16_operations_are_the_books_lines():
    codes = [op.code for op in Model(chapter16_spec()).operations()]
    assert codes == [
        "dense1.forward(X)",
        "activation1.forward(dense1.output)",
        "dense2.forward(activation1.output)",
        "activation2.forward(dense2.output)",
        "data_loss = loss_function.calculate(activation2.output, y)",
        "regularization_loss = loss_function.regularization_loss(dense1) + "
        "loss_function.regularization_loss(dense2)",
        "loss = data_loss + regularization_loss",
        "predictions = (activation2.output > 0.5) * 1\naccuracy = np.mean(predictions == y)",
        "loss_function.backward(activation2.output, y)",
        "activation2.backward(loss_function.dinputs)",
        "dense2.backward(activation2.dinputs)",
        "activation1.backward(dense2.dinputs)",
        "dense1.backward(activation1.dinputs)",
        "optimizer.pre_update_params()",
        "optimizer.update_params(dense1)",
        "optimizer.update_params(dense2)",
        "optimizer.post_update_params()",
    ]


def test_chapter_17_operations_compute_the_regularization_loss_without_regularizers():
    model = Model(chapter17_spec())
    codes = [op.code for op in model.operations()]
    assert codes[6:11] == [
        "data_loss = loss_function.calculate(activation3.output, y)",
        "regularization_loss = loss_function.regularization_loss(dense1) + "
        "loss_function.regularization_loss(dense2) + loss_function.regularization_loss(dense3)",
        "loss = data_loss + regularization_loss",
        "predictions = activation3.output\n"
        "accuracy = np.mean(np.absolute(predictions - y) < accuracy_precision)",
        "loss_function.backward(activation3.output, y)",
    ]
    assert "accuracy_precision" in model.values() and "loss_function.dinputs" not in \
        model.values()  # not computed before the first backward pass
    Stepper(model).run_iterations(1)
    assert model.log_lines() == [
        "epoch: 0, acc: 0.003, loss: 0.496 (data_loss: 0.496, reg_loss: 0.000), lr: 0.005"]
    assert model.value("loss_function.dinputs").shape == (1000, 1)


def test_the_chapter_16_validation_is_the_books():
    """The book's validation pass, written out with the engine's classes after 11 epochs."""
    model = Model(chapter16_spec())
    Stepper(model).run_iterations(11)
    numerics = BookNumerics(0)
    spiral_data(samples=100, classes=2, numerics=numerics)
    dense1 = Layer_Dense(2, 64, numerics=numerics)
    dense2 = Layer_Dense(64, 1, numerics=numerics)
    X_test, y_test = spiral_data(samples=100, classes=2, numerics=numerics)
    y_test = y_test.reshape(-1, 1)
    dense1.weights, dense1.biases = model.dense[0].weights, model.dense[0].biases
    dense2.weights, dense2.biases = model.dense[1].weights, model.dense[1].biases
    dense1.forward(X_test)
    relu = Activation_ReLU(numerics=numerics)
    relu.forward(dense1.output)
    dense2.forward(relu.output)
    sigmoid = Activation_Sigmoid(numerics=numerics)
    sigmoid.forward(dense2.output)
    loss = Loss_BinaryCrossentropy(numerics=numerics).calculate(sigmoid.output, y_test)
    accuracy = np.mean((sigmoid.output > 0.5) * 1 == y_test)
    assert np.array_equal(model.X_val, X_test) and np.array_equal(model.y_val, y_test)
    assert model.validation_metrics() == {"loss": float(loss), "accuracy": float(accuracy)}
    assert model.validation_line() == f"validation, acc: {accuracy:.3f}, loss: {loss:.3f}"


@pytest.mark.parametrize("kind", ["binary", "sigmoids", "sine"])
def test_stepping_op_by_op_equals_run_iterations_and_steps_back(kind):
    stepped, run = Stepper(Model(small(kind))), Stepper(Model(small(kind)))
    for _ in range(4 * len(stepped.operations)):
        stepped.step()
    run.run_iterations(4)
    assert _same(stepped.trainable.values(), run.trainable.values())
    assert stepped.trainable.log_lines() == run.trainable.log_lines()
    expected = stepped.trainable.values()
    for _ in range(len(stepped.operations) + 3):
        stepped.step_back()
    for _ in range(len(stepped.operations) + 3):
        stepped.step()
    assert _same(stepped.trainable.values(), expected)


def test_targets_as_each_loss_takes_them():
    binary, sigmoids, sine = (Model(small(kind)) for kind in ("binary", "sigmoids", "sine"))
    assert binary.y.shape == (30, 1) and binary.y.dtype == np.uint8
    assert np.array_equal(binary.y[:, 0], binary.labels)
    assert sigmoids.y.shape == (45, 3) and np.array_equal(sigmoids.y.argmax(axis=1),
                                                          sigmoids.labels)
    assert sigmoids.dense[-1].weights.shape == (5, 3)
    assert sine.y.shape == (40, 1) and sine.labels is None and sine.X.dtype == np.float64
    assert binary.accuracy_precision is None and sine.accuracy_precision > 0


@pytest.mark.parametrize("kind", ["binary", "sigmoids"])
def test_the_plane_shows_each_classs_probability_and_predictions_are_classes(kind):
    model = Model(small(kind, numerics="native"))
    Stepper(model).run_iterations(30)
    xs, ys = np.linspace(-1, 1, 6), np.linspace(-1, 1, 4)
    grid = model.predict_grid(xs, ys)
    classes = model.spec["data"]["classes"]
    assert grid.shape == (4, 6, classes) and ((grid > 0) & (grid < 1)).all()
    assert np.allclose(grid.sum(axis=2), 1)  # (1 - p, p), or each sigmoid's share
    predicted = model.class_predictions()
    assert predicted["training"].shape == (30 if kind == "binary" else 45,)
    probes = model._probes()
    probes.forward(model.X, training=False)
    sigmoid = probes.predicted()
    expected = (sigmoid[:, 0] > 0.5) * 1 if kind == "binary" else sigmoid.argmax(axis=1)
    assert np.array_equal(predicted["training"], expected)


def test_a_regressions_prediction_along_x_is_its_forward_pass():
    model = Model(small("sine", numerics="native", hidden=[{"neurons": 4}]))
    Stepper(model).run_iterations(5)
    xs = np.linspace(0, 1, 9)
    line = model.predict_line(xs)
    hidden = np.maximum(0, xs[:, None] @ model.dense[0].weights + model.dense[0].biases)
    assert np.allclose(line, (hidden @ model.dense[1].weights + model.dense[1].biases)[:, 0])
    assert model.hidden_activations_line(xs, 1).shape == (9, 4)
    with pytest.raises(ValueError, match="regression predicts values"):
        model.class_predictions()
    with pytest.raises(ValueError):
        model.hidden_activations_line(xs, 2)


@pytest.mark.parametrize("kind, name, index", [
    ("binary", "dense3.weights", (2, 0)), ("binary", "dense1.biases", (0, 3)),
    ("sigmoids", "dense3.biases", (0, 2)), ("sine", "dense3.weights", (4, 0)),
    ("sine", "dense2.weights", (1, 2)),
])
def test_chain_rules_agree_with_backprop_and_the_central_difference(kind, name, index):
    """Through the output's own activation: dl/da is the loss's gradient, da/dz the sigmoid's
    (or linear's) slope."""
    model = Model(small(kind, numerics="native"))
    stepper = Stepper(model)
    stepper.run_iterations(3)
    for _ in range([op.name for op in stepper.operations].index("optimizer.pre_update_params")):
        stepper.step()
    rule = model.chain_rule(name, index)
    assert rule.product == pytest.approx(float(model.values()[name.replace(".", ".d")][index]),
                                         rel=1e-12)
    assert rule.relative_error < 1e-5, rule
    if name.startswith("dense3"):
        labels = [label for label, _ in rule.factors]
        s, j = rule.sample, index[-1]
        assert labels[-2:] == [f"dl/da[{s}, {j}]", f"da/dz[{s}, {j}]"]
        slope = dict(rule.factors)[f"da/dz[{s}, {j}]"]
        assert slope == 1.0 if kind == "sine" else 0 < slope <= 0.25


def test_mean_absolute_error_steps_down_its_loss():
    """The engine's MAE gradient has the correct sign (the book's page prints its negative)."""
    model = Model(small("sine", loss="mean_absolute_error", numerics="native",
                        hidden=[{"neurons": 16}], weight_scale=0.5,
                        optimizer={"name": "sgd", "learning_rate": 0.02}))
    stepper = Stepper(model)
    stepper.run_iterations(30)
    assert np.all(np.diff(stepper.losses) < 0)
    assert stepper.losses[-1] < stepper.losses[0]
    assert model.chain_rule("dense2.biases", (0, 0)).relative_error < 1e-5


@pytest.mark.parametrize("spec", [chapter16_spec(), chapter17_spec(), small("sigmoids")])
def test_sessions_save_reopen_and_continue_bit_for_bit(tmp_path, spec):
    stepper = Stepper(Model(spec))
    stepper.run_iterations(12)
    stepper.edit("dense2.weights", (0, 0), 0.0625)
    for _ in range(4):
        stepper.step()
    save_session(tmp_path / "run.json", Session.capture(stepper, "model"))
    other = load_session(tmp_path / "run.json").build_stepper()
    assert other.trainable.spec == stepper.trainable.spec
    for each in (stepper, other):
        each.run_iterations(15)
        each.step()
    assert _same(other.trainable.values(), stepper.trainable.values())
    assert other.trainable.log_lines() == stepper.trainable.log_lines()
    assert other.losses.tolist() == stepper.losses.tolist()


def test_the_spec_offers_the_pairs_that_fit_the_data():
    assert losses_for("spiral") == ("categorical_crossentropy", "binary_crossentropy")
    assert losses_for("sine") == ("mean_squared_error", "mean_absolute_error")
    assert normalize_spec({"data": {"kind": "sine"}})["loss"] == "mean_squared_error"
    assert normalize_spec({})["loss"] == "categorical_crossentropy"
    assert describe(normalize_spec(chapter16_spec())) == \
        "spiral 100x2: Dense 2-64 relu, Dense 64-1 sigmoid, binary_crossentropy, adam"
    assert describe(normalize_spec(chapter17_spec())) == ("sine 1000: Dense 1-64 relu, Dense "
                                                          "64-64 relu, Dense 64-1 linear, "
                                                          "mean_squared_error, adam")


@pytest.mark.parametrize("spec, message", [
    ({"loss": "mean_squared_error"}, "mean_squared_error does not fit spiral data"),
    ({"data": {"kind": "sine"}, "loss": "categorical_crossentropy"}, "does not fit sine"),
    ({"loss": "hinge"}, "loss must be one of"),
    ({"data": {"kind": "sine", "classes": 2}}, "sine data is a regression"),
    ({"data": {"kind": "sine"}, "points": [[0.5, 0.2, 1]]}, r"point 1 must be \[x, y\]"),
    ({"weight_scale": -0.1}, "weight_scale"),
])
def test_pairs_that_do_not_fit_are_refused(spec, message):
    with pytest.raises(ValueError, match=message):
        normalize_spec(spec)


def test_points_added_to_a_regression_are_x_and_target():
    model = Model({"data": {"kind": "sine", "samples": 10}, "points": [[1.5, -0.25]]})
    assert model.X[-1, 0] == 1.5 and model.y[-1, 0] == -0.25 and len(model.X) == 11
