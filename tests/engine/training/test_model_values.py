"""Reading a Model's values by name: only its values, whatever name a file holds."""

import pytest

from engine.training.model import Model


def test_only_the_models_values_can_be_read_by_name():
    """A session's view names values to select; a name that is no value of the network (an
    attribute, a method) reads nothing."""
    model = Model({"hidden": [{"neurons": 4}], "data": {"samples": 10}})
    model.run_iteration()
    assert model.value("dense1.weights").shape == (2, 4)
    for name in ("__class__", "dense1.__dict__", "dense1.numerics", "optimizer.update_params",
                 "spec", "_log", "dense1.forward", "numerics.random"):
        with pytest.raises(KeyError):
            model.value(name)
