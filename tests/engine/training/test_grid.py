"""The blocked decision-boundary pass against one plain forward pass of the book classes."""

import numpy as np
import pytest

from engine.book.activations import Activation_ReLU, Activation_Softmax
from engine.book.layers import Layer_Dense
from engine.training.grid import GRID_BLOCK
from engine.training.model import Model

SPEC = {"data": {"kind": "spiral", "samples": 20, "classes": 3},
        "hidden": [{"neurons": 16, "activation": "relu"}, {"neurons": 8, "activation": "relu"}],
        "optimizer": {"name": "adam", "learning_rate": 0.05}}
# 70 x 70 = 4900 points: more than one block, the last one partial.
XS, YS = np.linspace(-1.5, 1.5, 70), np.linspace(-1.2, 1.2, 70)


def plain_probabilities(parameters: dict[str, np.ndarray], dtype) -> np.ndarray:
    """Every grid point at once through Layer_Dense / ReLU / Softmax on numpy's own dot."""
    grid_x, grid_y = np.meshgrid(XS, YS)
    values = np.column_stack([grid_x.ravel(), grid_y.ravel()]).astype(dtype)
    for number in (1, 2, 3):
        weights = parameters[f"dense{number}.weights"]
        dense = Layer_Dense(*weights.shape)
        dense.weights, dense.biases = weights, parameters[f"dense{number}.biases"]
        dense.forward(values)
        values = dense.output
        if number < 3:
            relu = Activation_ReLU()
            relu.forward(values)
            values = relu.output
    softmax = Activation_Softmax()
    softmax.forward(values)
    return softmax.output.reshape(len(YS), len(XS), -1)


@pytest.mark.parametrize("numerics", ["book", "native"])
def test_predict_grid_equals_a_plain_forward_pass(numerics):
    assert len(XS) * len(YS) > GRID_BLOCK
    model = Model({**SPEC, "numerics": numerics})
    for _ in range(30):
        model.run_iteration()
    grid = model.predict_grid(XS, YS)
    expected = plain_probabilities(model.parameters(), model.numerics.float_dtype)
    assert grid.shape == (70, 70, 3) and grid.dtype == expected.dtype
    # A block's dot may take another BLAS kernel than the whole grid's: last bits only.
    rtol = 1e-5 if numerics == "book" else 1e-12
    np.testing.assert_allclose(grid, expected, rtol=rtol, atol=rtol * 1e-2)


@pytest.mark.parametrize("numerics", ["book", "native"])
def test_predict_grid_with_other_parameters_draws_those_and_changes_nothing(numerics):
    model = Model({**SPEC, "numerics": numerics})
    other = Model({**SPEC, "numerics": numerics, "seed": 5})
    for _ in range(20):
        other.run_iteration()
    before = model.parameters()
    grid = model.predict_grid(XS, YS, parameters=other.parameters())
    np.testing.assert_allclose(grid, other.predict_grid(XS, YS), rtol=0, atol=0)
    np.testing.assert_allclose(grid, plain_probabilities(other.parameters(),
                                                         model.numerics.float_dtype),
                               rtol=1e-5, atol=1e-7)
    assert not np.allclose(grid, model.predict_grid(XS, YS))
    for name, array in model.parameters().items():
        assert array.tobytes() == before[name].tobytes()


def test_hidden_activations_grid_is_the_relu_output_of_each_point():
    model = Model({**SPEC, "numerics": "native"})
    maps = model.hidden_activations_grid(XS[:5], YS[:4], layer=1)
    dense = model.dense[0]
    point = np.array([[XS[3], YS[2]]])
    expected = np.maximum(0, point @ dense.weights + dense.biases)[0]
    np.testing.assert_allclose(maps[2, 3], expected, rtol=1e-12)
    with pytest.raises(ValueError, match="layer must be in 1..2"):
        model.hidden_activations_grid(XS, YS, layer=3)
