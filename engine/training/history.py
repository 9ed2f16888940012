"""Per-iteration metrics in bounded memory: every row of the recent iterations, and of the older
ones the rows a plot needs to look the same.

A run may go on for millions of epochs, and a session file and the window's memory must not
grow with it (engine/limits.py: HISTORY_RECENT_ROWS, HISTORY_OLDER_BUCKETS). So a History
keeps every row of its latest HISTORY_RECENT_ROWS or more, and thins what lies before them:
the older iterations are cut into buckets of `bucket` consecutive epochs, and of each bucket
only its first row and, for every column, the row where that column is lowest and the row
where it is highest are kept. Those are real rows (the readout at a kept epoch is exact), and
they are what a plot draws anyway: a curve reduced to the screen (gui/plots/training_curves.py)
draws the lowest and highest value of each pixel column, so as long as a bucket spans no more
than a pixel column the thinned curve draws like the whole one, every spike to its full
height. When the buckets become more than HISTORY_OLDER_BUCKETS, neighbours merge (the
bucket's span doubles): the peaks of two buckets together are among the peaks of each, so the
merged record is the one thinning the whole rows would have given.

Thinning depends only on the rows appended and truncated, never on when a copy was taken, so a
run saved, reopened and continued keeps the same record as one that never stopped.

The window reads the history many times a second, so `columns` hands out read-only views
instead of copies. A row once written is never written again: growing, thinning and
truncating move the rows to a new block, so a view handed out earlier keeps showing exactly
what it showed.
"""

from __future__ import annotations

import numpy as np

from engine.limits import HISTORY_OLDER_BUCKETS, HISTORY_RECENT_ROWS

_FIRST_ROWS = 1024
FIRST_BUCKET = 16  # epochs per bucket when thinning begins


class History:
    """Rows of len(keys) float64 values, each recorded at an epoch (an iteration number), in
    increasing epochs; all rows from `full_from` on, a thinned record before it."""

    def __init__(self, keys: tuple[str, ...], recent: int = HISTORY_RECENT_ROWS,
                 older_buckets: int = HISTORY_OLDER_BUCKETS):
        if recent < 1 or older_buckets < 1:
            raise ValueError("a history keeps at least one recent row and one older bucket")
        self.keys = tuple(keys)
        self.recent = recent
        self.older_buckets = older_buckets
        # Thinning runs once this many rows beyond `recent` have come, not at every row.
        self._slack = max(1, recent // 8)
        self._clear(_FIRST_ROWS)

    def _clear(self, rows: int) -> None:
        self._columns = np.empty((len(self.keys), rows), dtype=np.float64)
        self._epochs = np.empty(rows, dtype=np.int64)
        self._length = 0
        self._count = 0  # epochs recorded: the next row's epoch by default
        self._full_start = 0  # the index of the first row at full resolution
        self.full_from = 0  # every epoch from here on has its row
        self.bucket = FIRST_BUCKET

    def __len__(self) -> int:
        """The number of rows kept (fewer than `count` once older epochs are thinned)."""
        return self._length

    @property
    def count(self) -> int:
        """How many epochs have been recorded: the epoch a new row goes to by default (after
        the last row's; a truncation into the thinned record may leave it further on)."""
        return self._count

    @property
    def thinned(self) -> bool:
        """Whether some rows of older epochs were left out."""
        return self._length < self.count

    # -- adding and forgetting ----------------------------------------------------------------

    def append(self, row: tuple[float, ...], epoch: int | None = None) -> None:
        """One row in the order of `keys` (numpy scalars are converted), recorded at `epoch`
        (by default the epoch after the last row; a later one leaves a gap)."""
        epoch = self._count if epoch is None else int(epoch)
        if epoch < self._count:
            raise ValueError(f"epoch {epoch} is not after the epochs recorded (0..."
                             f"{self._count - 1})")
        if self._length == self._columns.shape[1]:
            self._move_to_block(self._grown(self._length + 1))
        self._columns[:, self._length] = row
        self._epochs[self._length] = epoch
        self._length += 1
        self._count = epoch + 1
        if self._length - self._full_start > self.recent + self._slack:
            self._thin()

    def extend(self, rows: np.ndarray) -> None:
        """Several rows at once, at the epochs after the last row: (n, len(keys)) values."""
        rows = np.asarray(rows, dtype=np.float64).reshape(-1, len(self.keys))
        start = 0
        while start < len(rows):
            room = self.recent + self._slack - (self._length - self._full_start)
            part = rows[start:start + max(1, room)]
            length = self._length + len(part)
            if length > self._columns.shape[1]:
                self._move_to_block(self._grown(length))
            first = self.count
            self._columns[:, self._length:length] = part.T
            self._epochs[self._length:length] = np.arange(first, first + len(part))
            self._length = length
            self._count = first + len(part)
            start += len(part)
            if self._length - self._full_start > self.recent + self._slack:
                self._thin()

    def truncate(self, count: int) -> None:
        """Forget the rows of epochs from `count` on (stepping back to an earlier iteration)."""
        count = max(count, 0)
        keep = int(np.searchsorted(self._epochs[:self._length], count))
        self._count = min(self._count, count)
        if keep < self._length:
            self._length = keep
            self._full_start = min(self._full_start, keep)
            self.full_from = min(self.full_from, count)
            self._move_to_block(max(_FIRST_ROWS, self._columns.shape[1]))

    # -- reading ------------------------------------------------------------------------------

    def columns(self, start: int = 0) -> dict[str, np.ndarray]:
        """Read-only views of each key's values from row `start` on (negative counts from the
        end, as in a slice): {key: (n,)}. They never change, whatever is appended later."""
        views = {}
        for column, key in enumerate(self.keys):
            view = self._columns[column, :self._length][start:]
            view.flags.writeable = False
            views[key] = view
        return views

    def epochs(self, start: int = 0) -> np.ndarray:
        """A read-only view of the rows' epochs from row `start` on: (n,) int64."""
        view = self._epochs[:self._length][start:]
        view.flags.writeable = False
        return view

    def get_state(self) -> dict:
        """Everything kept, exactly, as arrays (engine/files/state.py encodes them): epochs
        (n,) int64, values (n, len(keys)) float64, the epochs recorded, and where thinning
        stands."""
        return {"keys": list(self.keys), "epochs": self._epochs[:self._length].copy(),
                "values": self._columns[:, :self._length].T.copy(), "count": self._count,
                "full_from": self.full_from, "bucket": self.bucket}

    def set_state(self, state: dict) -> None:
        """Continue from get_state(); ValueError if it is not a history of these keys."""
        epochs = np.asarray(state["epochs"], dtype=np.int64).reshape(-1)
        values = np.asarray(state["values"], dtype=np.float64)
        full_from, bucket = int(state["full_from"]), int(state["bucket"])
        count = int(state["count"])
        if list(state["keys"]) != list(self.keys):
            raise ValueError(f"a history of {', '.join(state['keys'])}, expected "
                             f"{', '.join(self.keys)}")
        if values.shape != (len(epochs), len(self.keys)):
            raise ValueError(f"history values of shape {values.shape} for {len(epochs)} epochs")
        if len(epochs) and (epochs[0] < 0 or np.any(np.diff(epochs) <= 0)
                            or epochs[-1] >= count):
            raise ValueError(f"history epochs must increase from 0 on, below {count}")
        if bucket < FIRST_BUCKET or bucket & (bucket - 1) or full_from < 0:
            raise ValueError(f"history thinning at bucket {bucket}, full from {full_from}")
        self._clear(max(_FIRST_ROWS, len(epochs)))
        self._columns[:, :len(epochs)] = values.T
        self._epochs[:len(epochs)] = epochs
        self._length = len(epochs)
        self._count = count
        self.full_from, self.bucket = full_from, bucket
        self._full_start = int(np.searchsorted(epochs, full_from))

    def replace(self, columns: dict[str, list[float]]) -> None:
        """Every epoch's row from {key: values}, all of one length (a format-1 session's
        lists), thinned as appending them one by one would have thinned them."""
        self._clear(_FIRST_ROWS)
        rows = np.column_stack([np.asarray(columns[key], dtype=np.float64).reshape(-1)
                                for key in self.keys]) if self.keys else np.zeros((0, 0))
        self.extend(rows)

    # -- thinning -----------------------------------------------------------------------------

    def _thin(self) -> None:
        """Move the oldest full rows, in whole buckets, into the thinned record, keeping at
        least `recent` full rows; merge buckets while there are too many."""
        epochs = self._epochs[:self._length]
        newest_old = int(epochs[self._length - self.recent])
        cut = newest_old // self.bucket * self.bucket
        if cut <= self.full_from:
            return
        redo_from = int(epochs[self._full_start - 1]) // self.bucket * self.bucket \
            if self._full_start else 0
        start = int(np.searchsorted(epochs, redo_from))
        stop = int(np.searchsorted(epochs, cut))
        kept = _peak_rows(epochs[start:stop], self._columns[:, start:stop], self.bucket) + start
        indices = np.concatenate([np.arange(start), kept, np.arange(stop, self._length)])
        self.full_from = cut
        while len(np.unique(epochs[indices[indices < stop]] // self.bucket)) > \
                self.older_buckets:
            self.bucket *= 2
            old = indices[indices < stop]
            merged = old[_peak_rows(epochs[old], self._columns[:, old], self.bucket)]
            indices = np.concatenate([merged, indices[indices >= stop]])
        self._keep(indices, stop_index=int(np.searchsorted(indices, stop)))

    def _keep(self, indices: np.ndarray, stop_index: int) -> None:
        """Only the rows at `indices`, in a new block; the first `stop_index` are the record."""
        block = self._grown(len(indices))
        columns = np.empty((len(self.keys), block), dtype=np.float64)
        epochs = np.empty(block, dtype=np.int64)
        columns[:, :len(indices)] = self._columns[:, indices]
        epochs[:len(indices)] = self._epochs[indices]
        self._columns, self._epochs = columns, epochs
        self._length = len(indices)
        self._full_start = stop_index

    def _grown(self, rows: int) -> int:
        """A block size for `rows` rows: doubling, but never far above what thinning keeps."""
        bound = row_bound(len(self.keys), self.bucket, self.recent, self.older_buckets)
        return max(rows, min(2 * max(rows - 1, _FIRST_ROWS // 2), bound))

    def _move_to_block(self, rows: int) -> None:
        """Continue in a fresh block of `rows` rows holding the rows kept so far."""
        columns = np.empty((len(self.keys), rows), dtype=np.float64)
        epochs = np.empty(rows, dtype=np.int64)
        columns[:, :self._length] = self._columns[:, :self._length]
        epochs[:self._length] = self._epochs[:self._length]
        self._columns, self._epochs = columns, epochs


def row_bound(columns: int, bucket: int, recent: int = HISTORY_RECENT_ROWS,
              older_buckets: int = HISTORY_OLDER_BUCKETS) -> int:
    """The most rows a history of `columns` keys keeps at this bucket size: its recent rows and
    the slack before thinning, a bucket's alignment, and the record's buckets."""
    return recent + max(1, recent // 8) + bucket + older_buckets * (2 * columns + 1) + 1


def _peak_rows(epochs: np.ndarray, columns: np.ndarray, bucket: int) -> np.ndarray:
    """Indices (increasing) of the rows a thinned record keeps of these rows: in each bucket of
    `bucket` epochs, its first row and each column's lowest and highest (the first of equal
    ones; NaN only where a bucket holds nothing else). epochs: (n,); columns: (k, n)."""
    if len(epochs) == 0:
        return np.zeros(0, dtype=np.int64)
    groups = epochs // bucket
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    picked = [starts]
    for values in columns:
        # lexsort is stable and puts NaN last: within each group, the first lowest comes
        # first (sorted by value), the first highest first when sorted by the negated value.
        for key in (values, -values):
            order = np.lexsort((key, groups))
            picked.append(order[starts])
    return np.unique(np.concatenate(picked))
