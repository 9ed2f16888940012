"""normalize_spec: defaults, and refusals that name the bad entry."""

import pytest

from engine.training.model import Model
from engine.training.spec import HYPERPARAMETERS, describe, normalize_spec


def test_defaults_fill_an_empty_spec():
    spec = normalize_spec({})
    assert spec["data"] == {"kind": "spiral", "samples": 100, "classes": 3}
    assert spec["optimizer"] == {"name": "adam", **HYPERPARAMETERS["adam"]}
    assert (spec["numerics"], spec["seed"], spec["print_every"], spec["points"]) == \
        ("book", 0, 100, [])
    assert describe(spec) == "spiral 100x3: Dense 2-3, adam"


@pytest.mark.parametrize("numerics, coordinate", [("book", 1e39), ("book", -3.5e38),
                                                  ("native", float("inf"))])
def test_points_the_numerics_dtype_cannot_hold_are_refused(numerics, coordinate):
    with pytest.raises(ValueError, match="point 1 x must be in"):
        normalize_spec({"numerics": numerics, "points": [[coordinate, 0.0, 1]]})


def test_large_points_that_fit_are_kept_exactly():
    spec = normalize_spec({"numerics": "native", "points": [[1e308, -2.5, 2]]})
    assert spec["points"] == [[1e308, -2.5, 2]]
    spec = normalize_spec({"numerics": "book", "points": [[3e38, 0, 0]]})
    assert spec["points"] == [[3e38, 0.0, 0]]


@pytest.mark.parametrize("spec, message", [
    ({"extra": 1}, "unknown spec keys: extra"),
    ({"data": {"kind": "moons"}}, "data kind"),
    ({"data": {"classes": 1}}, "at least 2 classes"),
    ({"hidden": [{"activation": "gelu"}]}, "hidden layer 1 activation"),
    ({"hidden": [{"dropout": 1.0}]}, "hidden layer 1 dropout"),
    ({"optimizer": {"name": "adam", "momentum": 0.9}}, "adam has no hyperparameter momentum"),
    ({"optimizer": {"name": "sgd", "learning_rate": 0}}, "learning_rate"),
    ({"seed": -1}, "seed"),
    ({"points": [[0, 0, 3]]}, "point 1 class must be in 0..2"),
])
def test_bad_entries_are_named(spec, message):
    with pytest.raises(ValueError, match=message):
        normalize_spec(spec)


def test_a_model_keeps_its_starting_spec_when_hyperparameters_change():
    model = Model({"hidden": [{"neurons": 4}], "data": {"samples": 10},
                   "optimizer": {"name": "adam", "learning_rate": 0.05}})
    model.set_hyperparameters(learning_rate=0.2)
    assert model.spec["optimizer"]["learning_rate"] == 0.2
    assert model.starting_spec["optimizer"]["learning_rate"] == 0.05
