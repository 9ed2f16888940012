"""Per-iteration metrics kept as float64 columns that grow in chunks.

A long run keeps one row per iteration (100,000 after a few minutes); Python lists of floats
cost 32 bytes a value plus the list's pointer, a float64 column 8.

The window reads the whole history many times a second, so `columns` hands out read-only
views instead of copies. A row once written is never written again: growing moves the values
to a larger block and truncating starts a new one, so a view handed out earlier keeps showing
exactly what it showed.
"""

from __future__ import annotations

import numpy as np

_FIRST_ROWS = 1024


class History:
    """Rows of len(keys) float64 values, one per completed iteration."""

    def __init__(self, keys: tuple[str, ...]):
        self.keys = keys
        self._columns = np.empty((len(keys), _FIRST_ROWS), dtype=np.float64)
        self._length = 0

    def __len__(self) -> int:
        return self._length

    def append(self, row: tuple[float, ...]) -> None:
        """One iteration's values, in the order of `keys` (numpy scalars are converted)."""
        if self._length == self._columns.shape[1]:
            self._move_to_block(2 * self._length)
        self._columns[:, self._length] = row
        self._length += 1

    def extend(self, rows: np.ndarray) -> None:
        """Several rows at once: (n, len(keys)) values."""
        length = self._length + len(rows)
        if length > self._columns.shape[1]:
            self._move_to_block(max(2 * self._columns.shape[1], length))
        self._columns[:, self._length:length] = np.asarray(rows, dtype=np.float64).T
        self._length = length

    def truncate(self, length: int) -> None:
        """Forget the rows from `length` on (stepping back to an earlier iteration)."""
        length = min(self._length, max(length, 0))
        if length < self._length:
            self._length = length
            self._move_to_block(max(_FIRST_ROWS, self._columns.shape[1]))

    def columns(self, start: int = 0) -> dict[str, np.ndarray]:
        """Read-only views of each key's values from row `start` on (negative counts from the
        end, as in a slice): {key: (n,)}. They never change, whatever is appended later."""
        views = {}
        for column, key in enumerate(self.keys):
            view = self._columns[column, :self._length][start:]
            view.flags.writeable = False
            views[key] = view
        return views

    def lists(self) -> dict[str, list[float]]:
        """Each key's values as Python floats (for JSON)."""
        return {key: values.tolist() for key, values in self.columns().items()}

    def replace(self, columns: dict[str, list[float]]) -> None:
        """Every row from {key: values}, all of one length."""
        length = len(columns[self.keys[0]]) if self.keys else 0
        self._columns = np.empty((len(self.keys), max(_FIRST_ROWS, length)), dtype=np.float64)
        for column, key in enumerate(self.keys):
            self._columns[column, :length] = np.asarray(columns[key], dtype=np.float64)
        self._length = length

    def _move_to_block(self, rows: int) -> None:
        """Continue in a fresh block of `rows` rows holding the rows kept so far."""
        block = np.empty((len(self.keys), rows), dtype=np.float64)
        block[:, :self._length] = self._columns[:, :self._length]
        self._columns = block
