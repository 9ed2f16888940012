"""A record over a run's iterations in bounded memory: evenly spaced samples that thin out.

A watched weight's optimizer state or a run's parameter path is wanted over the whole run, but
a run can go on for 100,000 epochs. So a series keeps fewer than `capacity` samples: on
reaching it, it drops every other one and samples half as often from then on, so whatever
the run's length the samples span all of it, evenly spaced (`stride` iterations apart), and
at least capacity / 2 are kept.
"""

from __future__ import annotations

import numpy as np

from engine.files import state as state_codec


class DecimatedSeries:
    """Rows of `width` values, each taken after some iteration, the iterations `stride` apart.

    iterations: (n,) int64; rows: (n, width) in `dtype`.
    """

    def __init__(self, width: int, capacity: int = 512, dtype: np.dtype = np.float64):
        if capacity < 2:
            raise ValueError(f"a series needs a capacity of at least 2 samples, got {capacity}")
        self.capacity = capacity
        self.stride = 1
        self._iterations = np.empty(capacity, dtype=np.int64)
        self._rows = np.empty((capacity, width), dtype=dtype)
        self._length = 0

    def __len__(self) -> int:
        return self._length

    @property
    def last(self) -> int | None:
        """The iteration of the newest sample, None before the first."""
        return int(self._iterations[self._length - 1]) if self._length else None

    def next_due(self) -> int | None:
        """The first iteration whose sample would be kept (None: any, the series is empty)."""
        last = self.last
        return None if last is None else last + self.stride

    def record(self, iteration: int, row: np.ndarray) -> bool:
        """Keep `row` as the sample after `iteration` if it is due; whether it was kept.
        A sample for an iteration at or before the newest one (the run stepped back and
        trains again) first drops the samples from that iteration on."""
        while self._length and self.last >= iteration:
            self._length -= 1
        due = self.next_due()
        if due is not None and iteration < due:
            return False
        self._iterations[self._length] = iteration
        self._rows[self._length] = row
        self._length += 1
        if self._length == self.capacity:
            self._thin()
        return True

    def _thin(self) -> None:
        """Every other sample, the first kept: the spacing doubles."""
        kept = self._length - self._length // 2
        self._iterations[:kept] = self._iterations[:self._length:2]
        self._rows[:kept] = self._rows[:self._length:2]
        self._length = kept
        self.stride *= 2

    def iterations(self) -> np.ndarray:
        """The iterations sampled, oldest first: a copy, (n,)."""
        return self._iterations[:self._length].copy()

    def rows(self) -> np.ndarray:
        """The samples, oldest first: a copy, (n, width)."""
        return self._rows[:self._length].copy()

    def get_state(self) -> dict:
        """JSON-able and exact (engine.files.state's encoding)."""
        return state_codec.encode({"capacity": self.capacity, "stride": self.stride,
                                   "iterations": self.iterations(), "rows": self.rows()})

    @classmethod
    def from_state(cls, state: dict) -> DecimatedSeries:
        """The series get_state() described; ValueError if it is not one."""
        decoded = state_codec.decode(state)
        try:
            iterations = np.asarray(decoded["iterations"], dtype=np.int64)
            rows = decoded["rows"]
            series = cls(rows.shape[1], int(decoded["capacity"]), rows.dtype)
            stride = int(decoded["stride"])
        except (KeyError, TypeError, AttributeError, IndexError) as error:
            raise ValueError(f"not a saved series: {error!r}") from None
        if (rows.ndim != 2 or len(rows) != len(iterations) or len(rows) >= series.capacity
                or stride < 1 or np.any(np.diff(iterations) <= 0)):
            raise ValueError("not a saved series: its samples, iterations and capacity "
                             "do not fit together")
        series.stride = stride
        series._length = len(rows)
        series._iterations[:len(rows)] = iterations
        series._rows[:len(rows)] = rows
        return series
