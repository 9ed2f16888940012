"""Many states of one trainable stored as one: each array stacked over the states, each number
a column, so that the session's packing (engine/files/session_packing.py) compresses them
together. The timeline keeps a few hundred keyframes of one network; stored one by one, each
weight array would be compressed alone (too small for zlib to gain) and the random stream's
624 words repeated in every one; stacked, what did not change between keyframes costs next
to nothing.

States are trees of dicts, lists and tuples with arrays, numpy scalars, Python numbers, text,
booleans and None as leaves (what capture_state() returns). Consecutive states of the same
shape (same keys, lengths, leaf kinds, array shapes and dtypes) form one group; a model's
first keyframe, taken before the optimizer made its caches, starts a group of its own.
"""

from __future__ import annotations

from typing import Any

import numpy as np

_ROWS = "__rows__"  # arrays: one (n, *shape) array
_FLOATS = "__floats__"  # Python floats: float64 (n,)
_INTS = "__ints__"  # Python ints: int64 (n,)
_SCALARS = "__scalars__"  # numpy scalars: (n,) of their dtype
_EACH = "__each__"  # anything else (text, booleans, None): a list of n values
_LEAVES = (_ROWS, _FLOATS, _INTS, _SCALARS, _EACH)


def stack_states(states: list[Any]) -> list[dict]:
    """[{"count": n, "states": stacked tree}] for consecutive runs of same-shaped states."""
    groups: list[list[Any]] = []
    shapes: list[Any] = []
    for state in states:
        shape = _shape(state)
        if groups and shapes[-1] == shape:
            groups[-1].append(state)
        else:
            groups.append([state])
            shapes.append(shape)
    return [{"count": len(group), "states": _stack(group)} for group in groups]


def unstack_states(groups: list[dict]) -> list[Any]:
    """The states stack_states() was given, in order; ValueError if a group is malformed."""
    states = []
    for group in groups:
        count = group["count"]
        unstacked = _unstack(group["states"], count)
        if len(unstacked) != count:
            raise ValueError(f"a group of {count} states unstacks to {len(unstacked)}")
        states.extend(unstacked)
    return states


def _shape(value: Any) -> Any:
    if isinstance(value, dict):
        return ("dict", tuple((key, _shape(item)) for key, item in value.items()))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(_shape(item) for item in value))
    if isinstance(value, np.ndarray):
        return ("array", value.shape, value.dtype.str)
    if isinstance(value, np.generic):
        return ("scalar", value.dtype.str)
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return ("each",)
    if isinstance(value, float):
        return ("float",)
    if isinstance(value, int):
        return ("int",)
    raise TypeError(f"cannot stack a {type(value).__name__}")


def _stack(values: list[Any]) -> Any:
    first = values[0]
    if isinstance(first, dict):
        return {key: _stack([value[key] for value in values]) for key in first}
    if isinstance(first, (list, tuple)):
        items = [_stack([value[i] for value in values]) for i in range(len(first))]
        return tuple(items) if isinstance(first, tuple) else items
    if isinstance(first, np.ndarray):
        return {_ROWS: np.stack(values)}
    if isinstance(first, np.generic):
        return {_SCALARS: np.array(values, dtype=first.dtype)}
    if isinstance(first, float):
        return {_FLOATS: np.array(values, dtype=np.float64)}
    if isinstance(first, int) and not isinstance(first, bool):
        return {_INTS: np.array(values, dtype=np.int64)}
    return {_EACH: list(values)}


def _unstack(stacked: Any, count: int) -> list[Any]:
    if isinstance(stacked, dict) and len(stacked) == 1 and next(iter(stacked)) in _LEAVES:
        kind, column = next(iter(stacked.items()))
        if len(column) != count:
            raise ValueError(f"a column of {len(column)} values for {count} states")
        if kind == _ROWS:
            return [np.array(row) for row in column]
        if kind == _SCALARS:
            return [row[()] for row in np.asarray(column)]
        if kind == _FLOATS:
            return [float(value) for value in np.asarray(column, dtype=np.float64)]
        if kind == _INTS:
            return [int(value) for value in np.asarray(column, dtype=np.int64)]
        return list(column)
    if isinstance(stacked, dict):
        columns = {key: _unstack(value, count) for key, value in stacked.items()}
        return [{key: column[i] for key, column in columns.items()} for i in range(count)]
    if isinstance(stacked, (list, tuple)):
        columns = [_unstack(item, count) for item in stacked]
        kind = tuple if isinstance(stacked, tuple) else list
        return [kind(column[i] for column in columns) for i in range(count)]
    raise ValueError(f"not a stacked state: {type(stacked).__name__}")
