"""engine.scenarios.seed: the notebook's two worked examples, digit for digit under both
numerics."""

import json

import numpy as np
import pytest

from engine.scenarios.seed import LayerOfThree, SingleNeuron, notebook_dot
from engine.training.stepper import Stepper
from tests.reference import SEED_EXAMPLES

REFERENCE = json.loads(
    SEED_EXAMPLES.read_text())


def _trained(cls, numerics, iterations=200):
    example = cls(numerics)
    Stepper(example).run_iterations(iterations)
    return example


@pytest.mark.parametrize("numerics", ["book", "native"])
def test_neuron_prints_all_200_losses_and_final_values_as_the_notebook(numerics):
    reference = REFERENCE[numerics]["neuron"]
    neuron = _trained(SingleNeuron, numerics)
    lines = neuron.log_lines()
    assert lines[:200] == [f"Iteration {i + 1}, Loss: {loss}"
                           for i, loss in enumerate(reference["losses"])]
    assert neuron.values()["weights"].tolist() == reference["final_weights"]
    assert float(neuron.values()["bias"]) == reference["final_bias"]
    weights = np.array(reference["final_weights"])
    assert lines[200:] == [f"Final weights: {weights}", f"Final bias: {reference['final_bias']}"]


def test_neuron_final_lines_are_the_notebooks_printout():
    assert _trained(SingleNeuron, "book").log_lines()[200:] == [
        "Final weights: [-3.3990955  -0.20180899  0.80271349]",
        "Final bias: 0.6009044964517248"]


@pytest.mark.parametrize("numerics", ["book", "native"])
def test_layer_prints_every_20th_loss_and_final_values_as_the_notebook(numerics):
    reference = REFERENCE[numerics]["layer"]
    layer = _trained(LayerOfThree, numerics)
    lines = layer.log_lines()
    assert lines[:10] == [f"Iteration {i}, Loss: {loss}"
                          for i, loss in reference["losses_every_20"].items()]
    assert layer.values()["W"].tolist() == reference["final_W"]
    assert layer.values()["B"].tolist() == reference["final_B"]
    weights, biases = np.array(reference["final_W"]), np.array(reference["final_B"])
    assert lines[10:] == ["Final weights:", *f" {weights}".splitlines(),
                          "Final biases:", f" {biases}"]


def test_layer_final_lines_are_the_notebooks_printout():
    assert _trained(LayerOfThree, "book").log_lines()[10:] == [
        "Final weights:",
        " [[-0.00698895 -0.0139779  -0.02096685 -0.0279558 ]",
        " [ 0.25975286  0.11950571 -0.02074143 -0.16098857]",
        " [ 0.53548461  0.27096922  0.00645383 -0.25806156]]",
        "Final biases:",
        " [-0.00698895 -0.04024714 -0.06451539]"]


def test_book_numerics_makes_the_dot_product_float32_only():
    neuron = SingleNeuron("book")
    stepper = Stepper(neuron)
    stepper.step()
    assert neuron.value("linear_output").dtype == np.float32
    stepper.run_iterations(2)
    assert neuron.value("loss").dtype == np.float64  # bias became a float64 after the update
    assert neuron.value("weights").dtype == np.float64
    layer = LayerOfThree("book")
    Stepper(layer).run_iterations(1)
    assert layer.value("Z").dtype == np.float64 and layer.value("dl_dX").dtype == np.float32


def test_notebook_dot_is_a_dot_product():
    rng = np.random.RandomState(0)
    a, b, m = rng.randn(5), rng.randn(5), rng.randn(3, 5)
    assert np.allclose(notebook_dot(a, b), np.dot(a, b), rtol=1e-14)
    assert np.allclose(notebook_dot(m, a), m @ a, rtol=1e-14)
    v = rng.randn(3)
    assert np.allclose(notebook_dot(v, m), v @ m, rtol=1e-14)


def test_operations_are_the_notebooks_lines_with_one_extra_input_gradient():
    neuron_code = [op.code for op in SingleNeuron().operations()]
    assert neuron_code[0] == "linear_output = np.dot(weights, inputs) + bias"
    assert neuron_code[2] == "loss = (output - target_output) ** 2"
    assert neuron_code[-2:] == ["weights -= learning_rate * dloss_dweights",
                                "bias -= learning_rate * dloss_dbias"]
    assert "dloss_dinputs = dloss_dlinear * weights" in neuron_code
    layer_code = [op.code for op in LayerOfThree().operations()]
    assert layer_code[0] == "Z = np.dot(W, X) + B" and "dl_dX = np.dot(dl_dZ, W)" in layer_code
    phases = [op.phase for op in LayerOfThree().operations()]
    assert phases == sorted(phases, key=["forward", "loss", "backward", "update"].index)


def test_input_gradient_is_dl_dz_times_w():
    neuron = SingleNeuron("native")
    Stepper(neuron).run_iterations(1)
    values = neuron.values()
    # the weights were updated after the gradient was taken; undo the update to compare
    weights = values["weights"] + 0.001 * values["dloss_dweights"]
    assert np.array_equal(values["dloss_dinputs"], values["dloss_dlinear"] * weights)
    layer = LayerOfThree("native")
    stepper = Stepper(layer)
    for _ in range(11):
        stepper.step()
    values = layer.values()
    assert np.allclose(values["dl_dX"], values["dl_dZ"] @ values["W"], rtol=1e-15)


@pytest.mark.parametrize("cls", [SingleNeuron, LayerOfThree])
def test_chain_rule_product_matches_backprop_and_numerical_estimate(cls):
    example = cls("native")
    stepper = Stepper(example)
    stepper.run_iterations(3)
    for name, array in example.parameters().items():
        if name in ("learning_rate", "target_output"):
            continue
        for index in np.ndindex(array.shape):
            rule = example.chain_rule(name, index)
            assert rule.relative_error < 1e-6, (name, index, rule)
            assert rule.product == pytest.approx(np.prod([v for _, v in rule.factors]),
                                                 rel=1e-12) or rule.terms
    for _ in range(len(example.operations()) - 2):
        stepper.step()  # now past the backward pass, before the update
    gradients = {"weights": "dloss_dweights", "bias": "dloss_dbias",
                 "inputs": "dloss_dinputs", "W": "dL_dW", "B": "dL_dB", "X": "dl_dX"}
    values = example.values()
    for name in example.parameters():
        if name not in gradients:
            continue
        gradient = values[gradients[name]].T if name == "W" else values[gradients[name]]
        for index in np.ndindex(values[name].shape):
            assert example.chain_rule(name, index).product == pytest.approx(
                float(gradient[index]), rel=1e-12)


def test_chain_rule_labels_follow_the_seed_notation():
    neuron_rule = SingleNeuron().chain_rule("weights", (0,))
    assert neuron_rule.target == "dl/dw_0"
    assert [label for label, _ in neuron_rule.factors] == ["dl/da", "da/dz", "dz/dw_0"]
    assert neuron_rule.equation == "dl/dw_0 = dl/da * da/dz * dz/dw_0"
    assert [v for _, v in neuron_rule.factors] == [12.0, 1.0, 1.0]
    layer = LayerOfThree()
    rule = layer.chain_rule("W", (0, 1))
    assert rule.target == "dl/dw_12"
    assert [label for label, _ in rule.factors] == ["dl/dy", "dy/da_1", "da_1/dz_1", "dz_1/dw_12"]
    assert rule.product == pytest.approx(2 * 21.6 * 2.0)
    bias_rule = layer.chain_rule("B", (2,))
    assert bias_rule.target == "dl/db_3" and bias_rule.factors[-1] == ("dz_3/db_3", 1.0)
    input_rule = layer.chain_rule("X", (3,))
    assert input_rule.target == "dl/dx_4"
    assert [label for label, _ in input_rule.terms] == [
        "dl/dz_1 * w_14", "dl/dz_2 * w_24", "dl/dz_3 * w_34"]
    assert input_rule.product == pytest.approx(2 * 21.6 * (0.4 + 0.8 + 1.2))
    assert input_rule.relative_error < 1e-6
    # The factors take the largest term (neuron 3's) apart, not all three terms at once.
    assert input_rule.factors == [("dl/dz_3", pytest.approx(2 * 21.6)), ("dz_3/dx_4", 1.2)]


def test_input_names_point_at_the_inputs():
    assert SingleNeuron.input_name == "inputs" and LayerOfThree.input_name == "X"
    for cls in (SingleNeuron, LayerOfThree):
        assert cls.input_name in cls().parameters()


def test_loss_with_overflow_gives_inf_without_warnings():
    with np.errstate(all="raise"):
        assert SingleNeuron("native").loss_with("bias", (), 1e300) == float("inf")


def test_chain_rule_of_a_dead_relu_is_zero_and_agrees():
    neuron = SingleNeuron("native")
    neuron.set_value("bias", (), -10.0)
    rule = neuron.chain_rule("weights", (2,))
    assert rule.product == 0 and rule.numerical == 0 and rule.relative_error == 0


def test_loss_with_is_pure_and_matches_a_forward_pass():
    neuron = SingleNeuron("book")
    before = neuron.get_state()
    assert neuron.loss_with("weights", (0,), -3.0) == 36.0
    assert neuron.loss_with("bias", (), 2.0) == 49.0
    assert neuron.get_state() == before
    layer = LayerOfThree("native")
    assert layer.loss_with("X", (0,), 1.0) == pytest.approx(466.56)
    with pytest.raises(ValueError):
        layer.loss_with("Z", (0,), 1.0)


def test_set_value_validates_and_keeps_types():
    neuron = SingleNeuron()
    neuron.set_value("bias", (), 0.5)
    assert type(neuron.ns["bias"]) is float and neuron.ns["bias"] == 0.5
    neuron.set_value("weights", (1,), 4)
    assert neuron.parameters()["weights"].tolist() == [-3.0, 4.0, 2.0]
    for bad in [("weights", (3,), 1.0), ("weights", (0, 0), 1.0), ("output", (), 1.0),
                ("bias", (), float("nan")), ("bias", (), "x"), ("weights", ("a",), 1.0)]:
        with pytest.raises(ValueError):
            neuron.set_value(*bad)
    with pytest.raises(ValueError):
        neuron.set_hyperparameters(momentum=0.5)
    neuron.set_hyperparameters(learning_rate=0.01)
    assert neuron.parameters()["learning_rate"] == 0.01


def test_state_roundtrip_through_json_continues_identically():
    layer = LayerOfThree("book")
    stepper = Stepper(layer)
    stepper.run_iterations(37)
    saved = json.loads(json.dumps(layer.get_state()))
    stepper.run_iterations(50)
    expected = layer.get_state()
    other = LayerOfThree("book")
    other.set_state(saved)
    assert other.log_lines() == layer.log_lines()[:2]
    Stepper(other).run_iterations(50)
    assert other.get_state() == expected


def test_chain_rule_helpers():
    from engine.training.chain_rule import ChainRule, central_difference, relative_error
    assert central_difference(lambda v: v ** 3, 2.0) == pytest.approx(12.0, rel=1e-10)
    assert relative_error(0.0, 0.0) == 0.0 and relative_error(1.0, -1.0) == 1.0
    rule = ChainRule("dl/dx_1", [("a", 2.0)], 2.0, 2.0, 0.0, terms=[("t1", 1.0), ("t2", 1.0)])
    assert rule.equation == "dl/dx_1 = t1 + t2"
