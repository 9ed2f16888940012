"""The data sets equal nnfs.datasets: delegated with numpy's numerics, mirrored with seeded ones."""

import subprocess
import sys
from pathlib import Path

import nnfs.datasets
import numpy as np
import pytest

from engine import BookNumerics, NativeNumerics, make_dataset, sine_data, spiral_data, vertical_data

ROOT = Path(__file__).resolve().parents[3]

# What nnfs gives under nnfs.init(): spiral, vertical, sine, then a second spiral that
# continues the random stream, as chapter 11's validation data does.
NNFS_SCRIPT = """
import sys
import numpy as np
import nnfs
from nnfs.datasets import sine_data, spiral_data, vertical_data
nnfs.init()
arrays = {}
arrays["spiral_x"], arrays["spiral_y"] = spiral_data(samples=100, classes=3)
arrays["vertical_x"], arrays["vertical_y"] = vertical_data(samples=20, classes=4)
arrays["sine_x"], arrays["sine_y"] = sine_data()
arrays["next_x"], arrays["next_y"] = spiral_data(samples=7, classes=2)
np.savez(sys.argv[1], **arrays)
"""


@pytest.fixture(scope="module")
def nnfs_arrays(tmp_path_factory):
    path = tmp_path_factory.mktemp("nnfs") / "arrays.npz"
    subprocess.run([sys.executable, "-c", NNFS_SCRIPT, str(path)], cwd=ROOT, check=True,
                   capture_output=True)
    with np.load(path) as arrays:
        return dict(arrays)


def assert_identical(actual, expected):
    assert actual.dtype == expected.dtype
    np.testing.assert_array_equal(actual, expected)


def test_book_numerics_gives_what_nnfs_gives_under_nnfs_init(nnfs_arrays):
    numerics = BookNumerics(0)
    x, y = spiral_data(samples=100, classes=3, numerics=numerics)
    assert_identical(x, nnfs_arrays["spiral_x"])
    assert_identical(y, nnfs_arrays["spiral_y"])
    x, y = vertical_data(samples=20, classes=4, numerics=numerics)
    assert_identical(x, nnfs_arrays["vertical_x"])
    assert_identical(y, nnfs_arrays["vertical_y"])
    x, y = sine_data(numerics=numerics)
    assert_identical(x, nnfs_arrays["sine_x"])
    assert_identical(y, nnfs_arrays["sine_y"])
    x, y = spiral_data(samples=7, classes=2, numerics=numerics)
    assert_identical(x, nnfs_arrays["next_x"])
    assert_identical(y, nnfs_arrays["next_y"])


def test_default_numerics_delegates_to_nnfs_datasets():
    state = np.random.get_state()
    try:
        np.random.seed(5)
        expected = nnfs.datasets.spiral_data(30, 2)
        np.random.seed(5)
        actual = spiral_data(30, 2)
        np.random.seed(5)
        expected_vertical = nnfs.datasets.vertical_data(10, 3)
        np.random.seed(5)
        actual_vertical = vertical_data(10, 3)
    finally:
        np.random.set_state(state)
    for got, want in zip(actual + actual_vertical, expected + expected_vertical, strict=True):
        assert_identical(got, want)


def test_native_numerics_draws_float64_from_its_own_stream():
    x, y = spiral_data(50, 3, numerics=NativeNumerics(4))
    assert x.dtype == np.float64 and y.dtype == np.uint8 and x.shape == (150, 2)
    np.testing.assert_array_equal(y, np.repeat([0, 1, 2], 50))
    # radius grows linearly from 0 to 1 along each arm, whatever the noise
    np.testing.assert_allclose(np.hypot(x[:50, 0], x[:50, 1]), np.linspace(0, 1, 50))
    again, _ = spiral_data(50, 3, numerics=NativeNumerics(4))
    np.testing.assert_array_equal(x, again)
    other, _ = spiral_data(50, 3, numerics=NativeNumerics(5))
    assert not np.array_equal(x, other)


def test_vertical_clusters_sit_at_class_thirds():
    x, y = vertical_data(500, 3, numerics=NativeNumerics(0))
    for class_number in range(3):
        centre = x[y == class_number].mean(axis=0)
        np.testing.assert_allclose(centre, [class_number / 3, 0.5], atol=0.02)


def test_sine_data_is_one_period():
    x, y = sine_data(samples=4)
    np.testing.assert_allclose(x, [[0.0], [0.25], [0.5], [0.75]])
    np.testing.assert_allclose(y, [[0.0], [1.0], [0.0], [-1.0]], atol=1e-15)


def test_make_dataset_by_name():
    x, y = make_dataset("spiral", 10, 2, numerics=NativeNumerics(1))
    np.testing.assert_array_equal(x, spiral_data(10, 2, numerics=NativeNumerics(1))[0])
    assert make_dataset("sine", 8)[0].shape == (8, 1)
    with pytest.raises(ValueError, match="unknown data set 'moons'"):
        make_dataset("moons", 10, 2)
    with pytest.raises(ValueError, match="needs a number of classes"):
        make_dataset("vertical", 10)


@pytest.mark.parametrize(("call", "message"), [
    (lambda: spiral_data(0, 3), "samples"),
    (lambda: spiral_data(10, -2), "classes"),
    (lambda: vertical_data(10.5, 2), "samples"),
    (lambda: vertical_data(10, 0, numerics=NativeNumerics(0)), "classes"),
    (lambda: sine_data(samples=0), "samples"),
])
def test_non_positive_sizes_are_rejected(call, message):
    with pytest.raises(ValueError, match=f"{message} must be a positive integer"):
        call()
