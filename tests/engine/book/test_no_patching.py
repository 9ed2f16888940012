"""Book numerics leave numpy alone: the window shares numpy with pyqtgraph."""

import subprocess
import sys
from pathlib import Path

import numpy as np

from engine import BookNumerics, Layer_Dropout, NativeNumerics, spiral_data, vertical_data
from tests.engine.book_scripts import ch10, ch15

ROOT = Path(__file__).resolve().parents[3]


def numpy_functions() -> dict:
    return {"dot": np.dot, "zeros": np.zeros, "eye": np.eye, "randn": np.random.randn,
            "binomial": np.random.binomial}


def test_book_numerics_changes_no_numpy_function_nor_its_random_state():
    before = numpy_functions()
    state = np.random.get_state()

    ch10.run(20, BookNumerics(0), optimizer="sgd")
    ch15.run(5, BookNumerics(0))
    spiral_data(10, 3, numerics=BookNumerics(1))
    vertical_data(10, 3, numerics=NativeNumerics(1))
    Layer_Dropout(0.5, numerics=NativeNumerics(2)).forward(np.ones((4, 4)))

    after = numpy_functions()
    for name, function in before.items():
        assert after[name] is function, f"np.{name} was replaced"
    now = np.random.get_state()
    assert now[0] == state[0] and now[2:] == state[2:]
    np.testing.assert_array_equal(now[1], state[1])
    assert np.zeros(1).dtype == np.float64 and np.eye(2).dtype == np.float64


def test_importing_the_engine_changes_nothing_and_nnfs_init_afterwards_still_works():
    """The default numerics looks numpy up when called, so nnfs.init() after the import counts."""
    script = """
import numpy as np
functions = (np.dot, np.zeros, np.eye, np.random.randn)
import engine
assert (np.dot, np.zeros, np.eye, np.random.randn) == functions
import nnfs
nnfs.init()
layer = engine.Layer_Dense(2, 3)
assert layer.weights.dtype == np.float32 and layer.biases.dtype == np.float32
expected = 0.01 * np.random.RandomState(0).randn(2, 3).astype("float32")
assert np.array_equal(layer.weights, expected)
layer.forward(np.ones((1, 2), dtype="float32"))
assert layer.output.dtype == np.float32
print("ok")
"""
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "ok\n"
