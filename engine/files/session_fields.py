"""The checks every field of a session file goes through, and the error they raise.

Each check takes the parsed JSON value and its path in the file ("stepper.trainable.layers.
dense1.weights") and raises SessionError naming that path and what was expected, so a learner
handed a broken file reads where it is broken. Only `json`'s own types are expected: dict, list,
str, int, float, bool, None.
"""

from __future__ import annotations

import base64
import binascii
import math
from typing import Any

import numpy as np

from engine.files import state as state_codec
from engine.limits import COUNT, TEXT_CHARACTERS, VIEW_DEPTH


class SessionError(ValueError):
    """A session file that cannot be loaded, or a session that cannot be saved, and why."""


def show(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


def check_keys(value: Any, path: str, required: tuple[str, ...], optional: tuple[str, ...] = ()):
    """An object with exactly the required keys, plus any of the optional ones."""
    value = as_dict(value, path or "the file")
    missing = [key for key in required if key not in value]
    if missing:
        raise SessionError(f"{path or 'the file'}: missing {', '.join(map(repr, missing))}")
    unknown = sorted(set(value) - set(required) - set(optional))
    if unknown:
        raise SessionError(f"{path or 'the file'}: unexpected "
                           f"{', '.join(show(key) for key in unknown[:5])}")


def as_dict(value: Any, path: str) -> dict:
    if not isinstance(value, dict):
        raise SessionError(f"{path}: expected an object, got {describe(value)}")
    return value


def as_list(value: Any, path: str) -> list:
    if not isinstance(value, list):
        raise SessionError(f"{path}: expected a list, got {describe(value)}")
    return value


def as_tuple(value: Any, path: str, length: int) -> list:
    """engine.files.state's encoding of a tuple: {"__tuple__": [items]} (or a decoded tuple)."""
    if isinstance(value, tuple):
        value = {"__tuple__": list(value)}
    if not isinstance(value, dict) or set(value) != {"__tuple__"}:
        raise SessionError(f"{path}: expected {{'__tuple__': [...]}}, got {describe(value)}")
    items = as_list(value["__tuple__"], path)
    if len(items) != length:
        raise SessionError(f"{path}: expected {length} items, got {len(items)}")
    return items


def check_text(value: Any, path: str, non_empty: bool = False) -> str:
    if not isinstance(value, str):
        raise SessionError(f"{path}: expected text, got {describe(value)}")
    if len(value) > TEXT_CHARACTERS or (non_empty and not value):
        raise SessionError(f"{path}: expected 1 to {TEXT_CHARACTERS} characters, got {len(value)}")
    return value


def check_lines(value: Any, path: str) -> list[str]:
    lines = as_list(value, path)
    for index, line in enumerate(lines):
        check_text(line, f"{path}[{index}]")
    return lines


def check_count(value: Any, path: str, low: int = 0, high: int = COUNT) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SessionError(f"{path}: expected a whole number, got {describe(value)}")
    if not low <= value <= high:
        raise SessionError(f"{path}: expected {low}..{high}, got {value}")
    return value


def check_same_iteration(value: Any, iteration: int, path: str) -> None:
    if check_count(value, path) != iteration:
        raise SessionError(f"{path}: {value} disagrees with stepper.iteration ({iteration})")


def check_real(value: Any, path: str, finite: bool = True, integers: bool = False) -> float:
    """A JSON float (an integer too where `integers`), or engine.files.state's encoding of a
    non-finite Python float where not `finite`."""
    if isinstance(value, dict) and not finite:
        check_keys(value, path, ("__float__",))
        if value["__float__"] not in ("nan", "inf", "-inf"):
            raise SessionError(f"{path}: expected 'nan', 'inf' or '-inf', got "
                               f"{describe(value['__float__'])}")
        return float(value["__float__"])
    kinds = (int, float) if integers else (float,)
    if isinstance(value, bool) or not isinstance(value, kinds):
        wanted = "a number" if integers else "a real number such as 1.0"
        raise SessionError(f"{path}: expected {wanted}, got {describe(value)}")
    if finite and not math.isfinite(value):  # JSON has none; a decoded state may
        raise SessionError(f"{path}: expected a finite number, got {value}")
    return float(value)


def check_array(value: Any, path: str, shape: tuple[int, ...], dtypes: tuple[str, ...],
                wrapped: bool = True, finite: bool = True) -> None:
    """engine.files.state's encoding of an array ({"__ndarray__": {dtype, shape, data}}, or the
    inner object when not `wrapped`) with this shape, one of these dtypes, all finite unless
    not `finite`. A decoded array (a numpy array or scalar, as engine/files/stacked_states.py
    unstacks them) is checked as it is."""
    if isinstance(value, (np.ndarray, np.generic)):
        _check_decoded_array(np.asarray(value), path, shape, dtypes, finite)
        return
    if wrapped:
        if not isinstance(value, dict) or set(value) != {"__ndarray__"}:
            raise SessionError(f"{path}: expected an array {{'__ndarray__': ...}}, got "
                               f"{describe(value)}")
        value = value["__ndarray__"]
    check_keys(value, path, ("dtype", "shape", "data"))
    if value["dtype"] not in dtypes:
        raise SessionError(f"{path}: expected dtype {' or '.join(dtypes)}, got "
                           f"{describe(value['dtype'])}")
    saved_shape = as_list(value["shape"], f"{path}.shape")
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in saved_shape) \
            or tuple(saved_shape) != tuple(shape):
        raise SessionError(f"{path}: expected shape {tuple(shape)}, got "
                           f"{_shape_text(saved_shape)}")
    data = value["data"]
    if not isinstance(data, str):
        raise SessionError(f"{path}.data: expected base64 text, got {describe(data)}")
    dtype = np.dtype(value["dtype"])
    expected = math.prod(shape) * dtype.itemsize
    if len(data) != 4 * math.ceil(expected / 3):
        raise SessionError(f"{path}.data: expected {expected} bytes in base64, got "
                           f"{len(data)} characters")
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise SessionError(f"{path}.data: not valid base64") from None
    if len(raw) != expected:
        raise SessionError(f"{path}.data: expected {expected} bytes, got {len(raw)}")
    if finite and dtype.kind == "f" and not np.isfinite(np.frombuffer(raw, dtype=dtype)).all():
        raise SessionError(f"{path}: contains NaN or infinite values")


def _check_decoded_array(array: np.ndarray, path: str, shape: tuple[int, ...],
                         dtypes: tuple[str, ...], finite: bool) -> None:
    if array.dtype.newbyteorder("<").str not in dtypes:
        raise SessionError(f"{path}: expected dtype {' or '.join(dtypes)}, got "
                           f"{array.dtype.str!r}")
    if array.shape != tuple(shape):
        raise SessionError(f"{path}: expected shape {tuple(shape)}, got {array.shape}")
    if finite and array.dtype.kind == "f" and not np.isfinite(array).all():
        raise SessionError(f"{path}: contains NaN or infinite values")


def array_shape(value: Any, path: str) -> tuple[int, ...]:
    """The shape an encoded array claims, as sizes (checked against its data by check_array)."""
    if not isinstance(value, dict) or set(value) != {"__ndarray__"}:
        raise SessionError(f"{path}: expected an array {{'__ndarray__': ...}}, got "
                           f"{describe(value)}")
    inner = as_dict(value["__ndarray__"], path)
    shape = as_list(inner.get("shape"), f"{path}.shape")
    if len(shape) > 8 or not all(isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= COUNT
                                 for n in shape):
        raise SessionError(f"{path}.shape: expected a list of sizes, got {describe(shape)}")
    return tuple(shape)


def check_history(value: Any, path: str, keys: tuple[str, ...], count: int | None = None,
                  most_count: int = COUNT) -> int:
    """engine/training/history.py's History.get_state(), encoded: these keys, increasing
    epochs below its count (equal to `count` when given, at most `most_count`), no more rows
    than a history of these keys keeps. Returns the count."""
    from engine.training.history import FIRST_BUCKET, row_bound

    check_keys(value, path, ("keys", "epochs", "values", "count", "full_from", "bucket"))
    saved_keys = as_list(value["keys"], f"{path}.keys")
    if saved_keys != list(keys):
        raise SessionError(f"{path}.keys: expected {list(keys)}, got {describe(saved_keys)}")
    recorded = check_count(value["count"], f"{path}.count", high=most_count)
    if count is not None and recorded != count:
        raise SessionError(f"{path}.count: {recorded} epochs recorded, expected {count} (one "
                           "per completed iteration)")
    check_count(value["full_from"], f"{path}.full_from", high=recorded)
    bucket = check_count(value["bucket"], f"{path}.bucket", low=FIRST_BUCKET)
    if bucket & (bucket - 1):
        raise SessionError(f"{path}.bucket: expected a power of two, got {bucket}")
    rows = array_shape(value["epochs"], f"{path}.epochs")
    if len(rows) != 1 or rows[0] > row_bound(len(keys), bucket):
        raise SessionError(f"{path}.epochs: expected at most {row_bound(len(keys), bucket)} "
                           f"rows, got shape {rows}")
    check_array(value["epochs"], f"{path}.epochs", rows, ("<i8",))
    check_array(value["values"], f"{path}.values", (rows[0], len(keys)), ("<f8",),
                finite=False)
    epochs = state_codec.decode_array(value["epochs"]["__ndarray__"])
    if len(epochs) and (epochs[0] < 0 or np.any(np.diff(epochs) <= 0) or epochs[-1] >= recorded):
        raise SessionError(f"{path}.epochs: expected increasing epochs in 0..{recorded - 1}")
    return recorded


def _shape_text(shape: list) -> str:
    if all(isinstance(n, int) for n in shape):
        return str(tuple(shape))
    return describe(shape)


def check_json_tree(value: Any, path: str) -> None:
    """Plain JSON (what `json` parsed is) no deeper than VIEW_DEPTH, checked without
    recursion so a deep tree cannot exhaust the stack."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if depth > VIEW_DEPTH:
            raise SessionError(f"{path}: nested more than {VIEW_DEPTH} levels deep")
        if isinstance(item, dict):
            pending.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            pending.extend((child, depth + 1) for child in item)


def kind_of(value: Any) -> str:
    return {dict: "object", list: "list", str: "string", bool: "boolean", int: "number",
            float: "number", type(None): "null"}.get(type(value), type(value).__name__)


def describe(value: Any) -> str:
    """A short phrase for a bad value: its JSON kind, and the value if it is short."""
    if isinstance(value, (dict, list)):
        return f"a {kind_of(value)} of {len(value)} items"
    if value is None:
        return "null"
    text = repr(value)
    return f"{kind_of(value)} {text if len(text) <= 40 else text[:37] + '...'}"
