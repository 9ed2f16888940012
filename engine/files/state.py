"""Exact JSON encoding of training state, so a saved state loads back bit for bit.

JSON numbers cannot carry a float32, a NaN or the difference between np.float64 and a Python
float, and float32 rounding makes long runs chaotic: one changed last bit shows after a few hundred
epochs. Arrays and numpy scalars are therefore stored as dtype + shape + base64 of their bytes
(little-endian, C order); Python floats as JSON numbers (their repr round-trips) unless they are
not finite.
"""

from __future__ import annotations

import base64
import math
from typing import Any

import numpy as np

_ARRAY = "__ndarray__"
_SCALAR = "__npscalar__"
_FLOAT = "__float__"
_TUPLE = "__tuple__"


def encode_array(array: np.ndarray) -> dict:
    """{"dtype", "shape", "data"}: the array's bytes in little-endian C order, base64."""
    dtype = array.dtype.newbyteorder("<")
    data = np.ascontiguousarray(array, dtype=dtype).tobytes()
    return {"dtype": dtype.str, "shape": list(array.shape),
            "data": base64.b64encode(data).decode("ascii")}


def decode_array(encoded: dict) -> np.ndarray:
    """The array `encode_array` stored, as a fresh writable array in native byte order."""
    dtype = np.dtype(encoded["dtype"])
    flat = np.frombuffer(base64.b64decode(encoded["data"]), dtype=dtype)
    return flat.reshape(encoded["shape"]).astype(dtype.newbyteorder("="))


def encode(value: Any) -> Any:
    """A JSON-able form of `value` (arrays, numpy scalars, floats, ints, str, bool, None, and
    lists, tuples and str-keyed dicts of them) that `decode` turns back into an identical value."""
    if isinstance(value, np.ndarray):
        return {_ARRAY: encode_array(value)}
    if isinstance(value, np.generic):
        return {_SCALAR: encode_array(np.asarray(value))}
    if isinstance(value, float):
        return value if math.isfinite(value) else {_FLOAT: repr(value)}
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, tuple):
        return {_TUPLE: [encode(item) for item in value]}
    if isinstance(value, list):
        return [encode(item) for item in value]
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise TypeError(f"state keys must be str, got {key!r}")
        return {key: encode(item) for key, item in value.items()}
    raise TypeError(f"cannot encode {type(value).__name__} in a state")


def decode(value: Any) -> Any:
    """The value that `encode` was given."""
    if isinstance(value, list):
        return [decode(item) for item in value]
    if not isinstance(value, dict):
        return value
    if _ARRAY in value:
        return decode_array(value[_ARRAY])
    if _SCALAR in value:
        return decode_array(value[_SCALAR])[()]
    if _FLOAT in value:
        return float(value[_FLOAT])
    if _TUPLE in value:
        return tuple(decode(item) for item in value[_TUPLE])
    return {key: decode(item) for key, item in value.items()}


def state_nbytes(value: Any) -> int:
    """Rough memory a (decoded) state takes: the bytes of its arrays plus a little per item."""
    if isinstance(value, np.ndarray):
        return value.nbytes + 112
    if isinstance(value, dict):
        return sum(state_nbytes(item) + 64 for item in value.values())
    if isinstance(value, (list, tuple)):
        return sum(state_nbytes(item) + 8 for item in value)
    return 32


def copy_state(value: Any) -> Any:
    """A deep copy of a (decoded) state: arrays copied, containers rebuilt, scalars shared."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, dict):
        return {key: copy_state(item) for key, item in value.items()}
    if isinstance(value, list):
        return [copy_state(item) for item in value]
    if isinstance(value, tuple):
        return tuple(copy_state(item) for item in value)
    return value
