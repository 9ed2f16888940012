"""The index of one element a learner edits or asks about, checked against the array's shape."""

from __future__ import annotations


def check_index(shape: tuple[int, ...], index, name: str) -> tuple[int, ...]:
    """index as a tuple of ints inside `shape` (one per axis); ValueError naming `name` else."""
    try:
        index = tuple(int(i) for i in index)
    except (TypeError, ValueError):
        raise ValueError(f"index for {name} must be a tuple of integers, got {index!r}") from None
    if len(index) != len(shape) or any(not 0 <= i < n for i, n in zip(index, shape, strict=True)):
        raise ValueError(f"index {index} is outside {name}, whose shape is {shape}")
    return index
