"""Format 2's compact storage: the large arrays and lists of a session compressed inside its JSON.

What grows with a run (the loss and metric histories, the timeline's keyframes, the printed
lines) is most of a session, and it compresses well once arranged for it: consecutive epochs'
losses and consecutive keyframes' weights share their sign, exponent and leading mantissa
bits. So an array is stored as zlib of its bytes after two reversible filters, "xor" (each
element XORed with the one before it along the first axis, so what did not change becomes
zero bits) and "shuffle" (the bytes regrouped by their place in an element, so those zero and
near-equal bytes lie together: the shuffle filter of HDF5 and Blosc); a list of printed lines
as zlib of its JSON. The file stays one JSON document, readable with any JSON tool, and
nothing in it is ever evaluated (no pickle, no numpy .npy object arrays).

`pack` rewrites a session document's large parts so; `unpack` turns them back into
engine/files/state.py's plain encoding before the checks see them, refusing anything that
would decompress to more than the shape it claims or than UNPACKED_BYTES in all (a file of a
few megabytes must not become gigabytes in memory).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import zlib
from typing import Any

import numpy as np

from engine.files.session_fields import SessionError, describe
from engine.files.session_reading import parse_json
from engine.limits import UNPACKED_BYTES, UNPACKED_NODES

ARRAY = "__ndarray__"
LINES = "__zjson__"
FILTERS = ("xor", "shuffle")
PACKED_PARTS = ("stepper", "validation", "timeline", "comparison")
_SMALLEST = 192  # base64 characters: smaller arrays gain nothing from zlib's header
_FEWEST_LINES = 16
_DTYPES = {"<f4", "<f8", "<i8", "<i4", "<u4", "<u8", "|u1", "|i1", "|b1", "<u2", "<i2"}
_LEVEL = 1  # level 6 makes a million-iteration session 4% smaller in six times the time


def pack(document: dict) -> dict:
    """A copy of `document` with its large arrays and line lists compressed (the parts named
    in PACKED_PARTS; the spec and view stay as written)."""
    packed = dict(document)
    for part in PACKED_PARTS:
        if packed.get(part) is not None:
            packed[part] = _pack_tree(packed[part])
    return packed


def unpack(document: Any) -> Any:
    """`document` with every compressed array and line list of PACKED_PARTS back in plain
    form; SessionError naming the place of anything malformed or too large."""
    if not isinstance(document, dict) or not isinstance(document.get("format"), int) \
            or document["format"] < 2:
        return document  # format 1 packed nothing
    budget = [UNPACKED_BYTES]
    nodes = [UNPACKED_NODES]
    unpacked = dict(document)
    for part in PACKED_PARTS:
        if part in unpacked:
            unpacked[part] = _unpack_tree(unpacked[part], part, budget, nodes)
    return unpacked


# -- packing --------------------------------------------------------------------------------------


def _pack_tree(tree: Any) -> Any:
    if isinstance(tree, dict):
        if set(tree) == {ARRAY} and isinstance(tree[ARRAY], dict) and "data" in tree[ARRAY]:
            return {ARRAY: _pack_array(tree[ARRAY])}
        return {key: _pack_tree(value) for key, value in tree.items()}
    if isinstance(tree, list):
        if len(tree) >= _FEWEST_LINES and all(isinstance(item, str) for item in tree):
            text = json.dumps(tree, ensure_ascii=False).encode("utf-8")
            return {LINES: base64.b64encode(zlib.compress(text, _LEVEL)).decode("ascii")}
        return [_pack_tree(item) for item in tree]
    return tree


def _pack_array(encoded: dict) -> dict:
    if len(encoded["data"]) < _SMALLEST:
        return encoded
    dtype = np.dtype(encoded["dtype"])
    raw = base64.b64decode(encoded["data"])
    filtered = _filter(raw, dtype, encoded["shape"])
    return {"dtype": encoded["dtype"], "shape": encoded["shape"], "filters": list(FILTERS),
            "zlib": base64.b64encode(zlib.compress(filtered, _LEVEL)).decode("ascii")}


def _filter(raw: bytes, dtype: np.dtype, shape: list[int]) -> bytes:
    words = np.frombuffer(raw, dtype=f"<u{dtype.itemsize}" if dtype.itemsize > 1 else "u1")
    if shape and shape[0] > 1:
        rows = words.reshape(shape[0], -1)
        delta = rows.copy()
        np.bitwise_xor(rows[1:], rows[:-1], out=delta[1:])
        words = delta.reshape(-1)
    return np.ascontiguousarray(words.view(np.uint8).reshape(-1, dtype.itemsize).T).tobytes()


def _unfilter(filtered: bytes, dtype: np.dtype, shape: list[int]) -> bytes:
    planes = np.frombuffer(filtered, dtype=np.uint8).reshape(dtype.itemsize, -1)
    words = np.array(planes.T, order="C").view(f"<u{dtype.itemsize}" if dtype.itemsize > 1
                                               else "u1").reshape(-1)
    if shape and shape[0] > 1:
        rows = words.reshape(shape[0], -1)
        np.bitwise_xor.accumulate(rows, axis=0, out=rows)
    return words.tobytes()


# -- unpacking ------------------------------------------------------------------------------------


def _unpack_tree(tree: Any, path: str, budget: list[int], nodes: list[int]) -> Any:
    """The tree with packed leaves replaced, walked without recursion (a file may nest deep),
    visiting at most the nodes left (a session's bulk is in a few large leaves)."""
    root = [tree]
    pending = [(root, 0, path)]
    while pending:
        nodes[0] -= 1
        if nodes[0] < 0:
            raise SessionError(f"{path}: holds more than {UNPACKED_NODES} values, more than "
                               "any session the app writes")
        parent, key, where = pending.pop()
        value = parent[key]
        if isinstance(value, dict):
            if set(value) == {ARRAY} and isinstance(value[ARRAY], dict) and "zlib" in value[ARRAY]:
                parent[key] = {ARRAY: _unpack_array(value[ARRAY], where, budget)}
                continue
            if set(value) == {LINES}:
                parent[key] = _unpack_lines(value[LINES], where, budget)
                continue
            copied = dict(value)
            parent[key] = copied
            pending.extend((copied, name, f"{where}.{name}") for name in copied)
        elif isinstance(value, list):
            copied = list(value)
            parent[key] = copied
            pending.extend((copied, index, f"{where}[{index}]") for index in range(len(copied)))
    return root[0]


def _unpack_array(packed: dict, where: str, budget: list[int]) -> dict:
    if set(packed) != {"dtype", "shape", "filters", "zlib"}:
        raise SessionError(f"{where}: a packed array has dtype, shape, filters and zlib, got "
                           f"{', '.join(sorted(map(str, packed)))}")
    if not isinstance(packed["dtype"], str) or packed["dtype"] not in _DTYPES:
        raise SessionError(f"{where}: the dtype {describe(packed['dtype'])} is not one a "
                           "session stores")
    shape = packed["shape"]
    if not isinstance(shape, list) or len(shape) > 8 or not all(
            isinstance(n, int) and not isinstance(n, bool) and 0 <= n for n in shape):
        raise SessionError(f"{where}.shape: expected a list of sizes, got {describe(shape)}")
    if packed["filters"] != list(FILTERS):
        raise SessionError(f"{where}.filters: expected {list(FILTERS)}, got "
                           f"{describe(packed['filters'])}")
    dtype = np.dtype(packed["dtype"])
    expected = math.prod(shape) * dtype.itemsize
    raw = _inflate(packed["zlib"], expected, where, budget)
    if len(raw) != expected:
        raise SessionError(f"{where}: expected {expected} bytes for shape {tuple(shape)}, the "
                           f"packed data holds {len(raw)}")
    data = _unfilter(raw, dtype, shape)
    return {"dtype": packed["dtype"], "shape": shape,
            "data": base64.b64encode(data).decode("ascii")}


def _unpack_lines(packed: Any, where: str, budget: list[int]) -> list:
    text = _inflate(packed, budget[0], where, budget)
    try:
        lines = parse_json(text)
    except SessionError as error:
        raise SessionError(f"{where}: the packed lines are damaged: {error}") from None
    if not isinstance(lines, list) or not all(isinstance(line, str) for line in lines):
        raise SessionError(f"{where}: the packed lines are not a list of text")
    return lines


def _inflate(text: Any, most: int, where: str, budget: list[int]) -> bytes:
    """zlib data in base64, at most `most` bytes once inflated and within the budget left."""
    if not isinstance(text, str):
        raise SessionError(f"{where}: expected packed base64 text, got {describe(text)}")
    if most > budget[0]:
        raise SessionError(f"{where}: unpacks to more than the {UNPACKED_BYTES // 2**20} MB "
                           "a session may hold")
    try:
        inflater = zlib.decompressobj()
        raw = inflater.decompress(base64.b64decode(text, validate=True), most + 1)
    except (binascii.Error, ValueError):
        raise SessionError(f"{where}: not valid base64") from None
    except zlib.error as error:
        raise SessionError(f"{where}: the packed data is damaged ({error})") from None
    if len(raw) > most or not inflater.eof or inflater.unconsumed_tail or inflater.unused_data:
        raise SessionError(f"{where}: the packed data is damaged or larger than it says")
    budget[0] -= len(raw)
    return raw
