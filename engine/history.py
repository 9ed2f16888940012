"""Per-iteration metrics kept as float64 columns that grow in chunks.

A long run keeps one row per iteration (100,000 after a few minutes); Python lists of floats
cost 32 bytes a value plus the list's pointer, a float64 column 8.
"""

from __future__ import annotations

import numpy as np

_FIRST_ROWS = 1024


class History:
    """Rows of len(keys) float64 values, one per completed iteration."""

    def __init__(self, keys: tuple[str, ...]):
        self.keys = keys
        self._rows = np.empty((_FIRST_ROWS, len(keys)), dtype=np.float64)
        self._length = 0

    def __len__(self) -> int:
        return self._length

    def append(self, row: tuple[float, ...]) -> None:
        """One iteration's values, in the order of `keys` (numpy scalars are converted)."""
        if self._length == len(self._rows):
            grown = np.empty((2 * len(self._rows), len(self.keys)), dtype=np.float64)
            grown[:self._length] = self._rows
            self._rows = grown
        self._rows[self._length] = row
        self._length += 1

    def truncate(self, length: int) -> None:
        """Forget the rows from `length` on (stepping back to an earlier iteration)."""
        self._length = min(self._length, max(length, 0))

    def columns(self, start: int = 0) -> dict[str, np.ndarray]:
        """Copies of each key's values from row `start` on (negative counts from the end, as
        in a slice): {key: (n,)}."""
        block = self._rows[:self._length][start:]
        return {key: block[:, column].copy() for column, key in enumerate(self.keys)}

    def lists(self) -> dict[str, list[float]]:
        """Each key's values as Python floats (for JSON)."""
        return {key: values.tolist() for key, values in self.columns().items()}

    def replace(self, columns: dict[str, list[float]]) -> None:
        """Every row from {key: values}, all of one length."""
        length = len(columns[self.keys[0]]) if self.keys else 0
        self._rows = np.empty((max(_FIRST_ROWS, length), len(self.keys)), dtype=np.float64)
        for column, key in enumerate(self.keys):
            self._rows[:length, column] = np.asarray(columns[key], dtype=np.float64)
        self._length = length
