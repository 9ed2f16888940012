"""engine.scenarios.presets: the six starting points, fresh every time."""

import numpy as np
import pytest

from engine.scenarios.presets import (
    SCENARIOS,
    chapter10_spec,
    chapter16_spec,
    chapter17_spec,
    get_scenario,
    preset_spec,
    scenario_names,
)
from engine.scenarios.seed import LayerOfThree, SingleNeuron
from engine.training.model import Model
from engine.training.stepper import Stepper, Trainable


def test_names_titles_and_kinds():
    assert scenario_names() == ["neuron", "layer", "spiral", "vertical", "binary", "sine"]
    assert [(s.name, s.title, s.kind) for s in SCENARIOS.values()] == [
        ("neuron", "Single neuron", "hand"),
        ("layer", "Layer of 3 neurons", "hand"),
        ("spiral", "Spiral (book chapter 10, Adam)", "classification"),
        ("vertical", "Vertical", "classification"),
        ("binary", "Binary logistic regression (book chapter 16)", "classification"),
        ("sine", "Sine regression (book chapter 17)", "classification"),
    ]


def test_builds_give_the_promised_trainables():
    assert isinstance(SCENARIOS["neuron"].build(), SingleNeuron)
    assert isinstance(SCENARIOS["layer"].build(), LayerOfThree)
    for name in ("spiral", "vertical"):
        model = SCENARIOS[name].build()
        assert isinstance(model, Model) and isinstance(model, Trainable)
        assert model.title == SCENARIOS[name].title
        assert model.spec["data"] == {"kind": name, "samples": 100, "classes": 3}
        assert [layer["neurons"] for layer in model.spec["hidden"]] == [64]
        assert model.spec["optimizer"]["learning_rate"] == 0.05
        assert model.spec["optimizer"]["decay"] == 5e-7 and model.spec["numerics"] == "book"


@pytest.mark.parametrize("name", ["neuron", "layer", "spiral", "vertical", "binary", "sine"])
def test_each_build_starts_from_the_same_values(name):
    first = SCENARIOS[name].build()
    Stepper(first).run_iterations(2)
    second = SCENARIOS[name].build()
    third = SCENARIOS[name].build()
    assert second.parameters().keys() == third.parameters().keys()
    for key, value in second.parameters().items():
        assert np.array_equal(value, third.parameters()[key])
    assert any(not np.array_equal(value, second.parameters()[key])
               for key, value in first.parameters().items())


def test_unknown_scenario_lists_the_names():
    with pytest.raises(ValueError, match="neuron, layer, spiral, vertical, binary, sine"):
        get_scenario("moons")
    assert get_scenario("layer") is SCENARIOS["layer"]


def test_chapter10_spec_is_the_books_network():
    spec = chapter10_spec()
    assert spec["hidden"] == [{"neurons": 64, "activation": "relu"}]
    assert spec["optimizer"] == {"name": "adam", "learning_rate": 0.05, "decay": 5e-7}
    assert chapter10_spec("vertical")["data"]["kind"] == "vertical"


def test_chapter16_spec_is_the_books_binary_network():
    model = SCENARIOS["binary"].build()
    assert model.spec["data"] == {"kind": "spiral", "samples": 100, "classes": 2}
    assert model.spec["loss"] == "binary_crossentropy"
    assert [name for name, _ in model.layers] == ["dense1", "activation1", "dense2",
                                                  "activation2"]
    assert type(model.layers[3][1]).__name__ == "Activation_Sigmoid"
    assert model.dense[0].weight_regularizer_l2 == model.dense[0].bias_regularizer_l2 == 5e-4
    assert model.dense[1].weights.shape == (64, 1) and model.y.shape == (200, 1)
    assert model.spec["optimizer"] == {"name": "adam", "learning_rate": 0.001, "decay": 5e-7,
                                       "epsilon": 1e-7, "beta_1": 0.9, "beta_2": 0.999}
    assert chapter16_spec() == preset_spec("binary")


def test_chapter17_spec_is_the_books_regression_network():
    model = SCENARIOS["sine"].build()
    assert model.spec["data"] == {"kind": "sine", "samples": 1000}
    assert model.spec["loss"] == "mean_squared_error" and model.spec["weight_scale"] == 0.1
    assert [layer.weights.shape for layer in model.dense] == [(1, 64), (64, 64), (64, 1)]
    assert type(model.layers[-1][1]).__name__ == "Activation_Linear"
    assert model.X.shape == model.y.shape == (1000, 1) and model.labels is None
    assert model.accuracy_precision == np.std(model.y) / 250
    assert model.spec["optimizer"]["learning_rate"] == 0.005
    assert model.spec["optimizer"]["decay"] == 1e-3
    assert chapter17_spec() == preset_spec("sine")
    with pytest.raises(ValueError, match="not a network scenario"):
        preset_spec("neuron")
