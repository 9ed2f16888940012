"""engine.training.gradient_survey: every gradient of a trainable checked, the worst named."""

import numpy as np
import pytest

from engine.scenarios.seed import LayerOfThree, SingleNeuron
from engine.training.gradient_survey import GradientSurvey
from engine.training.model import Model
from engine.training.stepper import Stepper


def test_the_neuron_survey_checks_weights_bias_and_inputs_and_skips_the_rest():
    survey = GradientSurvey(SingleNeuron("book")).check_all()
    assert survey.done and survey.checked == survey.total == 3 + 1 + 3 + 1 + 1
    assert [rule.target for rule in survey.rules] == [
        "dl/dw_0", "dl/dw_1", "dl/dw_2", "dl/db", "dl/dx_0", "dl/dx_1", "dl/dx_2"]
    assert survey.skipped == ["target_output", "learning_rate"]
    assert survey.counts() == {"agree": 7}
    worst = survey.worst()
    assert worst.relative_error == max(rule.relative_error for rule in survey.rules) < 1e-10


def test_the_surveyed_gradients_are_the_ones_a_backward_pass_computes():
    layer = LayerOfThree("native")
    survey = GradientSurvey(layer).check_all()
    stepper = Stepper(layer)
    for _ in range(len(stepper.operations) - 2):  # the forward and backward pass, no update
        stepper.step()
    backward = layer.values()
    products = {rule.target: rule.product for rule in survey.rules}
    for i in range(3):
        for n in range(4):
            assert products[f"dl/dw_{i + 1}{n + 1}"] == backward["dL_dW"][n, i]
        assert products[f"dl/db_{i + 1}"] == backward["dL_dB"][i]
    for n in range(4):
        assert products[f"dl/dx_{n + 1}"] == pytest.approx(backward["dl_dX"][n], rel=1e-12)


def test_zero_gradients_are_counted_apart_and_never_named_worst():
    neuron = SingleNeuron("native")
    neuron.set_value("target_output", (), 6.0)  # the output is the target: every gradient is 0
    survey = GradientSurvey(neuron).check_all()
    assert survey.counts() == {"both ~0": 7}
    assert survey.worst() is None


def test_a_large_network_is_checked_in_slices():
    model = Model({"data": {"kind": "spiral", "samples": 20, "classes": 3},
                   "hidden": [{"neurons": 8, "activation": "relu"}],
                   "optimizer": {"name": "sgd", "learning_rate": 1.0}, "seed": 0,
                   "numerics": "book"})
    survey = GradientSurvey(model)
    assert survey.total == 2 * 8 + 8 + 8 * 3 + 3
    slices = 0
    while not survey.check_for(0.0):  # one element per slice
        slices += 1
        assert survey.checked == slices
    assert survey.checked == survey.total and len(survey.rules) + survey.unchecked == survey.total
    expected = max((model.chain_rule(rule_name, index).relative_error
                    for rule_name, shape in ((n, v.shape) for n, v in model.parameters().items())
                    for index in np.ndindex(shape)))
    assert survey.worst().relative_error == pytest.approx(expected, rel=1e-12, abs=1e-15)
