"""engine.scenarios.presets: the four starting points, fresh every time."""

import numpy as np
import pytest

from engine.scenarios.presets import SCENARIOS, chapter10_spec, get_scenario, scenario_names
from engine.scenarios.seed import LayerOfThree, SingleNeuron
from engine.training.model import Model
from engine.training.stepper import Stepper, Trainable


def test_names_titles_and_kinds():
    assert scenario_names() == ["neuron", "layer", "spiral", "vertical"]
    assert [(s.name, s.title, s.kind) for s in SCENARIOS.values()] == [
        ("neuron", "Single neuron", "hand"),
        ("layer", "Layer of 3 neurons", "hand"),
        ("spiral", "Spiral (book chapter 10, Adam)", "classification"),
        ("vertical", "Vertical", "classification"),
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


@pytest.mark.parametrize("name", ["neuron", "layer", "spiral", "vertical"])
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
    with pytest.raises(ValueError, match="neuron, layer, spiral, vertical"):
        get_scenario("moons")
    assert get_scenario("layer") is SCENARIOS["layer"]


def test_chapter10_spec_is_the_books_network():
    spec = chapter10_spec()
    assert spec["hidden"] == [{"neurons": 64, "activation": "relu"}]
    assert spec["optimizer"] == {"name": "adam", "learning_rate": 0.05, "decay": 5e-7}
    assert chapter10_spec("vertical")["data"]["kind"] == "vertical"
