"""engine.training.model: the book's network from a spec, trained exactly as the book trains it."""

import json

import numpy as np
import pytest

from engine import (
    Activation_ReLU,
    Activation_Softmax_Loss_CategoricalCrossentropy,
    BookNumerics,
    Layer_Dense,
    Layer_Dropout,
    Optimizer_Adam,
    spiral_data,
)
from engine.scenarios.presets import chapter10_spec
from engine.training.model import Model
from engine.training.spec import normalize_spec
from engine.training.stepper import Divergence, Stepper
from tests.reference import CH10_ADAM_SPIRAL

REFERENCE = CH10_ADAM_SPIRAL.read_text().splitlines()


def small_spec(**changes) -> dict:
    spec = {"data": {"kind": "spiral", "samples": 20, "classes": 3},
            "hidden": [{"neurons": 8, "activation": "relu", "weight_l2": 5e-4, "bias_l2": 5e-4,
                        "dropout": 0.1},
                       {"neurons": 6, "activation": "tanh", "weight_l1": 1e-4}],
            "optimizer": {"name": "adam", "learning_rate": 0.02, "decay": 1e-3},
            "seed": 3, "numerics": "book", "print_every": 2}
    spec.update(changes)
    return spec


def _same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(
        a[k].dtype == b[k].dtype and a[k].tobytes() == b[k].tobytes() for k in a)


def test_chapter10_spec_prints_the_books_first_lines():
    model = Model(chapter10_spec())
    Stepper(model).run_iterations(301)
    assert model.log_lines() == REFERENCE[:4]


def test_operations_are_the_books_calls_in_order():
    codes = [op.code for op in Model(chapter10_spec()).operations()]
    assert codes == [
        "dense1.forward(X)",
        "activation1.forward(dense1.output)",
        "dense2.forward(activation1.output)",
        "loss = loss_activation.forward(dense2.output, y)",
        "accuracy = np.mean(np.argmax(loss_activation.output, axis=1) == y)",
        "loss_activation.backward(loss_activation.output, y)",
        "dense2.backward(loss_activation.dinputs)",
        "activation1.backward(dense2.dinputs)",
        "dense1.backward(activation1.dinputs)",
        "optimizer.pre_update_params()",
        "optimizer.update_params(dense1)",
        "optimizer.update_params(dense2)",
        "optimizer.post_update_params()",
    ]
    regularized = [op.code for op in Model(small_spec()).operations()]
    assert "dropout1.forward(activation1.output)" in regularized
    assert "data_loss = loss_activation.forward(dense3.output, y)" in regularized
    assert "loss = data_loss + regularization_loss" in regularized


def test_training_with_dropout_continues_the_books_random_stream():
    """The book's chapter-15 loop written out with the engine's classes and one numerics."""
    numerics = BookNumerics(0)
    X, y = spiral_data(samples=20, classes=3, numerics=numerics)
    dense1 = Layer_Dense(2, 8, weight_regularizer_l2=5e-4, bias_regularizer_l2=5e-4,
                         numerics=numerics)
    activation1 = Activation_ReLU(numerics=numerics)
    dropout1 = Layer_Dropout(0.1, numerics=numerics)
    dense2 = Layer_Dense(8, 3, numerics=numerics)
    loss_activation = Activation_Softmax_Loss_CategoricalCrossentropy(numerics=numerics)
    optimizer = Optimizer_Adam(learning_rate=0.05, decay=5e-5)
    for _ in range(5):
        dense1.forward(X)
        activation1.forward(dense1.output)
        dropout1.forward(activation1.output)
        dense2.forward(dropout1.output)
        loss_activation.forward(dense2.output, y)
        loss_activation.backward(loss_activation.output, y)
        dense2.backward(loss_activation.dinputs)
        dropout1.backward(dense2.dinputs)
        activation1.backward(dropout1.dinputs)
        dense1.backward(activation1.dinputs)
        optimizer.pre_update_params()
        optimizer.update_params(dense1)
        optimizer.update_params(dense2)
        optimizer.post_update_params()
    model = Model({"data": {"kind": "spiral", "samples": 20, "classes": 3},
                   "hidden": [{"neurons": 8, "weight_l2": 5e-4, "bias_l2": 5e-4,
                               "dropout": 0.1}],
                   "optimizer": {"name": "adam", "learning_rate": 0.05, "decay": 5e-5}})
    Stepper(model).run_iterations(5)
    values = model.values()
    for name, array in (("dense1.weights", dense1.weights), ("dense2.biases", dense2.biases),
                        ("dropout1.binary_mask", dropout1.binary_mask)):
        assert values[name].tobytes() == array.tobytes(), name


def test_validation_set_is_the_next_draw_after_the_layers():
    numerics = BookNumerics(0)
    spiral_data(100, 3, numerics=numerics)
    Layer_Dense(2, 64, numerics=numerics)
    Layer_Dense(64, 3, numerics=numerics)
    X_val, y_val = spiral_data(100, 3, numerics=numerics)
    model = Model(chapter10_spec())
    assert model.X_val.tobytes() == X_val.tobytes() and np.array_equal(model.y_val, y_val)
    assert not np.array_equal(model.X, model.X_val)


def test_same_spec_same_start_and_seed_changes_it():
    a, b = Model(small_spec()), Model(small_spec())
    assert _same(a.values(), b.values())
    c = Model(small_spec(seed=4))
    assert not np.array_equal(a.values()["dense1.weights"], c.values()["dense1.weights"])
    assert a.values()["dense1.weights"].dtype == np.float32
    native = Model(small_spec(numerics="native"))
    assert native.values()["dense1.weights"].dtype == np.float64


@pytest.mark.parametrize("optimizer", [
    {"name": "sgd", "learning_rate": 1.0, "decay": 1e-3, "momentum": 0.9},
    {"name": "sgd", "learning_rate": 0.5},
    {"name": "adagrad", "learning_rate": 0.5, "decay": 1e-4},
    {"name": "rmsprop", "learning_rate": 0.01, "decay": 1e-4, "rho": 0.95},
    {"name": "adam", "learning_rate": 0.02, "decay": 1e-3},
])
def test_stepping_op_by_op_equals_run_iterations(optimizer):
    stepped = Stepper(Model(small_spec(optimizer=optimizer)))
    run = Stepper(Model(small_spec(optimizer=optimizer)))
    for _ in range(4 * len(stepped.operations)):
        stepped.step()
    run.run_iterations(4)
    assert _same(stepped.trainable.values(), run.trainable.values())
    assert stepped.trainable.log_lines() == run.trainable.log_lines()
    assert stepped.losses.tolist() == run.losses.tolist()


def test_step_back_restores_optimizer_caches_and_dropout_masks():
    stepper = Stepper(Model(small_spec()))
    stepper.run_iterations(3)
    for _ in range(5):
        stepper.step()
    expected = stepper.trainable.values()
    for _ in range(2 * len(stepper.operations)):
        stepper.step_back()
    for _ in range(2 * len(stepper.operations)):
        stepper.step()
    assert _same(stepper.trainable.values(), expected)


def test_log_lines_use_the_books_formats():
    model = Model(small_spec())
    Stepper(model).run_iterations(3)
    lines = model.log_lines()
    assert len(lines) == 2
    assert lines[0].startswith("epoch: 0, acc: ") and "(data_loss: " in lines[0]
    assert ", reg_loss: " in lines[0] and lines[0].endswith("), lr: 0.02")
    assert model.validation_line().startswith("validation, acc: ")


def test_history_has_every_iterations_metrics():
    model = Model(small_spec())
    stepper = Stepper(model)
    stepper.run_iterations(4)
    history = model.history()
    assert list(history) == ["loss", "data_loss", "reg_loss", "accuracy", "learning_rate"]
    assert history["loss"].tolist() == stepper.losses.tolist()
    assert np.allclose(history["loss"], history["data_loss"] + history["reg_loss"], rtol=1e-6)
    assert history["learning_rate"][0] == 0.02 and history["learning_rate"][3] < 0.02
    stepper.step_back()
    assert len(model.history()["accuracy"]) == 3


def test_hyperparameters_change_at_the_next_step_without_reset():
    model = Model(small_spec(optimizer={"name": "sgd", "learning_rate": 0.5}))
    stepper = Stepper(model)
    stepper.run_iterations(2)
    weights = model.values()["dense1.weights"]
    stepper.set_hyperparameters(learning_rate=0.1, momentum=0.5)
    assert model.optimizer.current_learning_rate == 0.1  # decay 0: the book never recomputes
    stepper.run_iterations(1)
    assert stepper.iteration == 3 and model.optimizer.momentum == 0.5
    assert "dense1.weight_momentums" in model.values()
    assert not np.array_equal(weights, model.values()["dense1.weights"])
    assert model.hyperparameters() == {"learning_rate": 0.1, "decay": 0.0, "momentum": 0.5}
    for bad in ({"learning_rate": -1.0}, {"rho": 0.5}, {"momentum": 1.5}):
        with pytest.raises(ValueError):
            model.set_hyperparameters(**bad)
    assert model.hyperparameters()["learning_rate"] == 0.1


def test_state_roundtrips_through_json_bit_for_bit():
    for numerics in ("book", "native"):
        model = Model(small_spec(numerics=numerics))
        stepper = Stepper(model)
        stepper.run_iterations(4)
        saved = json.loads(json.dumps(model.get_state()))
        stepper.run_iterations(3)
        expected = model.values()
        other = Model(small_spec(numerics=numerics))
        other.set_state(saved)
        assert other.log_lines() == model.log_lines()[:2]
        Stepper(other).run_iterations(3)
        assert _same(other.values(), expected)
        assert other.log_lines() == model.log_lines()


def test_set_state_refuses_another_architecture():
    saved = Model(small_spec()).get_state()
    wider = small_spec()
    wider["hidden"][0]["neurons"] = 9
    with pytest.raises(ValueError, match="shape"):
        Model(wider).set_state(saved)


def test_predict_grid_is_pure_and_gives_probabilities():
    model = Model(small_spec())
    stepper = Stepper(model)
    stepper.run_iterations(2)
    stepper.step()
    before_values, before_state = model.values(), model.get_state()
    xs, ys = np.linspace(-1, 1, 7), np.linspace(-1, 1, 5)
    grid = model.predict_grid(xs, ys)
    assert grid.shape == (5, 7, 3)
    assert np.allclose(grid.sum(axis=2), 1, atol=1e-6)
    maps = model.hidden_activations_grid(xs, ys, layer=2)
    assert maps.shape == (5, 7, 6) and np.abs(maps).max() <= 1
    model.validation_metrics()
    assert _same(model.values(), before_values) and model.get_state() == before_state
    # the corner (xs[0], ys[4]) through the network by hand, without dropout
    point = np.array([[xs[0], ys[4]]], dtype=np.float32)
    hidden = np.maximum(0, model.numerics.dot(point, model.dense[0].weights)
                        + model.dense[0].biases)
    hidden = np.tanh(model.numerics.dot(hidden, model.dense[1].weights) + model.dense[1].biases)
    logits = model.numerics.dot(hidden, model.dense[2].weights) + model.dense[2].biases
    probabilities = np.exp(logits - logits.max()) / np.exp(logits - logits.max()).sum()
    assert np.allclose(grid[4, 0], probabilities[0], rtol=1e-5)
    with pytest.raises(ValueError):
        model.hidden_activations_grid(xs, ys, layer=3)


def test_loss_with_is_pure_and_equals_the_trained_forward_pass():
    model = Model(small_spec())
    stepper = Stepper(model)
    stepper.run_iterations(2)
    for _ in range(9):  # through the forward pass and the loss
        stepper.step()
    state = model.get_state()
    current = float(model.parameters()["dense2.weights"][1, 2])
    assert model.loss_with("dense2.weights", (1, 2), current) == float(model.value("loss"))
    assert model.loss_with("dense2.weights", (1, 2), current + 0.5) != float(model.value("loss"))
    assert model.get_state() == state


@pytest.mark.parametrize("name,index", [("dense1.weights", (1, 3)), ("dense1.biases", (0, 2)),
                                        ("dense2.weights", (4, 1)), ("dense3.weights", (2, 0)),
                                        ("dense3.biases", (0, 1))])
def test_chain_rule_agrees_with_backprop_and_central_difference(name, index):
    model = Model(small_spec(numerics="native"))
    stepper = Stepper(model)
    stepper.run_iterations(3)
    backward_ops = [op.name for op in stepper.operations].index("optimizer.pre_update_params")
    for _ in range(backward_ops):
        stepper.step()
    rule = model.chain_rule(name, index)
    gradient = model.values()[name.replace(".", ".d")][index]
    assert rule.product == pytest.approx(float(gradient), rel=1e-12)
    assert sum(value for _, value in rule.terms) == pytest.approx(rule.product, rel=1e-9)
    assert rule.relative_error < 1e-5, rule
    assert rule.sample is not None and rule.target == f"dl/d({name}[{index[0]}, {index[1]}])"


def test_chain_rule_factors_of_the_selected_sample():
    model = Model(chapter10_spec())
    Stepper(model).run_iterations(5)
    rule = model.chain_rule("dense1.weights", (0, 7))
    labels = [label for label, _ in rule.factors]
    s = rule.sample
    assert labels == [f"x[{s}, 0]", f"dl/da[{s}, 7]", f"da/dz[{s}, 7]"]
    assert rule.terms[0][0] == "sum over 300 samples of x[s, 0] * dl/dz[s, 7]"
    assert rule.relative_error < 1e-3  # float32 backprop against a float64 difference
    output_rule = model.chain_rule("dense2.biases", (0, 1))
    assert [label for label, _ in output_rule.factors] == [f"dl/dz[{output_rule.sample}, 1]"]


def test_set_value_and_bad_names():
    model = Model(small_spec())
    model.set_value("dense2.weights", (0, 0), 0.25)
    assert model.parameters()["dense2.weights"][0, 0] == np.float32(0.25)
    for bad in [("dense9.weights", (0, 0), 1.0), ("dense1.output", (0, 0), 1.0),
                ("dense1.weights", (5, 0), 1.0), ("dense1.weights", (0,), 1.0),
                ("dense1.weights", (0, 0), float("inf"))]:
        with pytest.raises(ValueError):
            model.set_value(*bad)
    with pytest.raises(ValueError):
        model.chain_rule("activation1.output", (0, 0))


def test_divergence_names_the_iteration_and_value():
    model = Model(small_spec(optimizer={"name": "sgd", "learning_rate": 1e30}, hidden=[
        {"neurons": 8}]))
    stepper = Stepper(model)
    with pytest.raises(Divergence) as caught:
        stepper.run_iterations(20)
    assert caught.value.iteration >= 1 and "." in caught.value.quantity
    stepper.restore_last_good()
    assert all(np.isfinite(v).all() for v in model.parameters().values())


@pytest.mark.parametrize("change,message", [
    ({"data": {"kind": "moons"}}, "data kind"),
    ({"data": {"samples": 0}}, "samples"),
    ({"data": {"classes": 1}}, "2 classes"),
    ({"hidden": [{"neurons": 4, "activation": "softplus"}]}, "activation"),
    ({"hidden": [{"neurons": 4, "dropout": 1.0}]}, "dropout"),
    ({"hidden": [{"neurons": 4, "weight_l2": -1}]}, "weight_l2"),
    ({"hidden": [{"neurons": 4, "width": 3}]}, "width"),
    ({"optimizer": {"name": "lbfgs"}}, "optimizer"),
    ({"optimizer": {"name": "adam", "momentum": 0.9}}, "momentum"),
    ({"optimizer": {"name": "adam", "learning_rate": 0}}, "learning_rate"),
    ({"numerics": "float16"}, "numerics"),
    ({"seed": -1}, "seed"),
    ({"colour": "red"}, "colour"),
])
def test_bad_specs_are_refused_with_a_clear_message(change, message):
    with pytest.raises(ValueError, match=message):
        normalize_spec({**small_spec(), **change})


def test_normalize_spec_fills_the_books_defaults():
    spec = normalize_spec({"data": {"kind": "vertical"}, "hidden": [{"neurons": 4}]})
    assert spec["data"] == {"kind": "vertical", "samples": 100, "classes": 3}
    assert spec["hidden"][0]["activation"] == "relu" and spec["hidden"][0]["dropout"] == 0
    assert spec["optimizer"]["name"] == "adam" and spec["optimizer"]["beta_2"] == 0.999
    assert (spec["numerics"], spec["seed"], spec["print_every"]) == ("book", 0, 100)
    assert json.loads(json.dumps(spec)) == spec


def test_added_points_join_the_training_data_without_moving_the_stream():
    plain = Model(chapter10_spec())
    model = Model({**chapter10_spec(), "points": [[0.5, 0.5, 2], [-0.25, 0.125, 0]]})
    assert model.X.shape == (302, 2) and model.X.dtype == np.float32
    assert model.y[-2:].tolist() == [2, 0] and model.X[-1].tolist() == [-0.25, 0.125]
    assert np.array_equal(model.X[:300], plain.X)
    assert np.array_equal(model.dense[0].weights, plain.dense[0].weights)
    assert np.array_equal(model.X_val, plain.X_val)
    for points, message in (([[0, 0, 3]], "class"), ([[0, 0]], r"\[x, y, class\]"),
                            ([[float("nan"), 0, 1]], "x"), ("1,2,3", "list")):
        with pytest.raises(ValueError, match=message):
            normalize_spec({**chapter10_spec(), "points": points})


def test_pure_passes_of_an_overflowed_network_give_nan_not_errors():
    model = Model(small_spec(hidden=[{"neurons": 8}]))
    model.dense[0].weights[:] = 3e38
    model.dense[1].weights[:] = 3e38
    xs = np.linspace(-1, 1, 4)
    with np.errstate(all="raise"):  # no numpy warning may leak either
        assert np.isnan(model.predict_grid(xs, xs)).all()
        assert model.predict_grid(xs, xs).shape == (4, 4, 3)
        assert np.isnan(model.validation_metrics()["loss"])
        assert np.isnan(model.loss_with("dense2.weights", (0, 0), 1.0))
    assert model.hidden_activations_grid(xs, xs).shape == (4, 4, 8)


def test_divergence_inside_an_operation_keeps_the_stepper_before_it():
    model = Model(small_spec(hidden=[{"neurons": 8}]))
    stepper = Stepper(model)
    stepper.run_iterations(1)
    model.dense[0].weights[:] = 3e38  # the next forward pass overflows
    with pytest.raises(Divergence) as caught:
        for _ in range(len(stepper.operations)):
            stepper.step()
    assert caught.value.iteration == 1
    position = stepper.position
    assert stepper.operations[position].name != "dense1.forward"
    stepper.restore_last_good()
    assert stepper.position == position


def test_chain_rule_for_a_chosen_sample():
    model = Model(small_spec(numerics="native"))
    Stepper(model).run_iterations(2)
    rule = model.chain_rule("dense1.weights", (0, 1), sample=5)
    assert rule.sample == 5 and rule.factors[0][0] == "x[5, 0]"
    assert rule.product == model.chain_rule("dense1.weights", (0, 1)).product
    with pytest.raises(ValueError):
        model.chain_rule("dense1.weights", (0, 1), sample=60)


def test_an_edit_the_network_cannot_compute_with_is_refused_and_changes_nothing():
    model = Model(small_spec(hidden=[{"neurons": 8}]))
    stepper = Stepper(model)
    stepper.run_iterations(2)
    for _ in range(4):
        stepper.step()
    with pytest.raises(ValueError, match="too large for float32"):
        stepper.edit("dense1.weights", (0, 0), 1e39)
    stepper.edit("dense1.weights", (0, 0), 3e38)  # large, but the network still computes
    before = model.values()
    with pytest.raises(ValueError, match="overflow; the edit was not applied"):
        stepper.edit("dense2.weights", (0, 0), 3e38)  # 3e38 * 3e38 is inf in float32
    assert _same(model.values(), before) and stepper.position == 4
    stepper.step()


def test_training_metrics_are_the_next_iterations_loss_and_accuracy():
    spec = {"data": {"samples": 30}, "hidden": [{"neurons": 8, "weight_l2": 5e-4}],
            "optimizer": {"name": "adam", "learning_rate": 0.05}}
    model = Model(spec)
    for _ in range(5):
        model.run_iteration()
    metrics = model.training_metrics()
    before = model.parameters()
    model.run_iteration()  # its loss is computed at the parameters metrics saw
    history = model.history(start=5)
    assert metrics["loss"] == pytest.approx(history["loss"][0], rel=1e-6)
    assert metrics["accuracy"] == history["accuracy"][0]
    assert set(before) == set(model.parameters())


def test_training_metrics_are_nan_once_the_network_overflowed():
    model = Model({"data": {"samples": 10}, "hidden": [{"neurons": 4}], "numerics": "book"})
    model.dense[0].weights[0, 0] = np.float32(np.inf)
    metrics = model.training_metrics()
    assert np.isnan(metrics["loss"]) and np.isnan(metrics["accuracy"])


def test_history_from_a_start_is_the_tail_of_the_whole():
    model = Model({"data": {"samples": 10}, "hidden": [{"neurons": 4}]})
    for _ in range(2000):  # past the first chunk of the history's storage
        model.run_trusted_iteration()
    whole, tail = model.history(), model.history(start=1990)
    for key, values in whole.items():
        assert len(values) == 2000 and values.dtype == np.float64
        assert tail[key].tobytes() == values[1990:].tobytes()
    assert all(len(values) == 0 for values in model.history(start=2000).values())
    state = model.get_state()
    model.restore(model.capture_state() | {"iteration": 1500})
    assert len(model.history()["loss"]) == 1500
    model.set_state(state)
    assert model.history()["loss"].tobytes() == whole["loss"].tobytes()
