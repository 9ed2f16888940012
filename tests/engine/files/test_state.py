"""engine.files.state: arrays and states survive JSON bit for bit."""

import json

import numpy as np
import pytest

from engine.files.state import copy_state, decode, decode_array, encode, encode_array, state_nbytes


def _roundtrip(value):
    return decode(json.loads(json.dumps(encode(value), allow_nan=False)))


def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_float_arrays_roundtrip_bit_for_bit(dtype):
    rng = np.random.RandomState(3)
    array = (rng.randn(7, 5) * 10.0 ** rng.randint(-40, 40, size=(7, 5))).astype(dtype)
    special = np.array([np.nan, np.inf, -np.inf, -0.0, np.finfo(dtype).tiny / 4,
                        np.finfo(dtype).max, np.nextafter(np.array(1, dtype), 2)], dtype=dtype)
    for value in (array, special, array[:, 1::2], array.T, np.array(1.25, dtype=dtype),
                  np.zeros((0, 3), dtype=dtype)):
        assert _same_bits(_roundtrip(value), value.copy(order="C"))


def test_big_endian_and_integer_arrays_come_back_in_native_order():
    big = np.arange(6, dtype=">f4").reshape(2, 3) / 3
    back = decode_array(json.loads(json.dumps(encode_array(big))))
    assert back.dtype == np.dtype("float32") and np.array_equal(back, big)
    ints = np.array([[1, -2], [3, 4]], dtype=np.int64)
    assert _same_bits(_roundtrip(ints), ints)


def test_decoded_arrays_are_writable_copies():
    array = np.ones(3, dtype=np.float32)
    back = _roundtrip(array)
    back[0] = 5
    assert array[0] == 1


def test_scalars_keep_their_type_and_bits():
    values = [np.float32(0.1), np.float64(0.1), 0.1, float("nan"), float("-inf"), 3, True, None,
              "text", np.int64(-7)]
    back = _roundtrip(values)
    for original, restored in zip(values, back, strict=True):
        assert type(original) is type(restored)
        if isinstance(original, float) and original != original:
            assert restored != restored
        else:
            assert restored == original
    assert np.asarray(back[0]).tobytes() == np.asarray(np.float32(0.1)).tobytes()


def test_nested_state_roundtrips():
    state = {"params": {"w": np.eye(2, dtype=np.float32)}, "rng": (1, [2.5, np.float64(3)]),
             "iteration": 10}
    back = _roundtrip(state)
    assert back["iteration"] == 10
    assert back["rng"] == (1, [2.5, 3.0]) and isinstance(back["rng"][1][1], np.float64)
    assert _same_bits(back["params"]["w"], state["params"]["w"])


def test_unsupported_values_are_refused():
    with pytest.raises(TypeError):
        encode({"x": object()})
    with pytest.raises(TypeError):
        encode({1: 2})


def test_copy_state_is_deep_and_nbytes_counts_arrays():
    state = {"a": [np.zeros(100, dtype=np.float64)], "b": (np.ones(2),)}
    copied = copy_state(state)
    copied["a"][0][0] = 1
    assert state["a"][0][0] == 0
    assert state_nbytes(state) >= 816
