"""The unchecked whole-iteration path computes exactly what the book classes compute."""

import numpy as np
import pytest

from engine.model import Model

CASES = [
    {"hidden": [{"neurons": 16, "activation": "relu"}], "optimizer": {"name": "adam",
                                                                       "learning_rate": 0.05}},
    {"hidden": [{"neurons": 8, "activation": "sigmoid", "weight_l1": 1e-4, "bias_l2": 1e-4},
                {"neurons": 8, "activation": "tanh", "dropout": 0.1}],
     "output": {"weight_l2": 5e-4, "bias_l1": 1e-4},
     "optimizer": {"name": "sgd", "learning_rate": 1.0, "decay": 1e-3, "momentum": 0.9}},
    {"hidden": [{"neurons": 8, "activation": "linear"}], "optimizer": {"name": "adagrad"}},
    {"hidden": [{"neurons": 8, "activation": "relu", "dropout": 0.2}],
     "optimizer": {"name": "rmsprop", "learning_rate": 0.01, "decay": 1e-4}},
    {"hidden": [], "optimizer": {"name": "sgd"}},
]


def state_bytes(model: Model) -> dict[str, bytes]:
    return {name: np.asarray(value).tobytes() for name, value in model.values().items()}


@pytest.mark.parametrize("numerics", ["book", "native"])
@pytest.mark.parametrize("case", CASES)
def test_trusted_iterations_equal_checked_ones_bit_for_bit(case, numerics):
    spec = {"data": {"kind": "spiral", "samples": 30, "classes": 3}, "numerics": numerics,
            "print_every": 7, **case}
    checked, trusted = Model(spec), Model(spec)
    for _ in range(25):
        checked.run_iteration()
        trusted.run_trusted_iteration()
    assert state_bytes(trusted) == state_bytes(checked)
    assert trusted.log_lines() == checked.log_lines()
    for key, values in checked.history().items():
        assert trusted.history()[key].tobytes() == values.tobytes()


def test_an_edit_makes_the_next_iteration_checked_again():
    model = Model({"hidden": [{"neurons": 4}], "data": {"samples": 10}})
    model.run_trusted_iteration()
    assert model._trusted
    model.set_value("dense1.weights", (0, 0), 0.5)
    assert not model._trusted
    model.run_trusted_iteration()
    assert model._trusted
