"""The lines a run prints, in bounded memory: the latest PRINTED_LINES of them, and how many
were printed in all.

The book's chapter-10 loop prints a line every 100 epochs and the seed notebook's a line every
iteration, so a long run prints without end; the log panel shows the latest PRINTED_LINES
lines, and nothing older is kept. Lines are numbered from the run's first (a line's number is
how many were printed before it), so stepping back to an earlier iteration forgets exactly the
lines printed since, and a reader that printed the first N asks for those after them.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from engine.limits import PRINTED_LINES


class PrintedLines:
    """The latest `capacity` printed lines and the count of all printed."""

    def __init__(self, capacity: int = PRINTED_LINES):
        self._lines: deque[str] = deque(maxlen=capacity)
        self._count = 0

    @property
    def count(self) -> int:
        """How many lines were printed in all (kept or not)."""
        return self._count

    @property
    def capacity(self) -> int:
        return self._lines.maxlen

    def __len__(self) -> int:
        """How many lines are kept."""
        return len(self._lines)

    def append(self, line: str) -> None:
        self._lines.append(line)
        self._count += 1

    def extend(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.append(line)

    def lines(self) -> list[str]:
        """The kept lines, oldest first (a copy)."""
        return list(self._lines)

    def since(self, count: int) -> list[str]:
        """The kept lines printed after the first `count`."""
        new = self._count - max(count, 0)
        if new <= 0:
            return []
        return list(self._lines)[-new:]

    def truncate(self, count: int) -> None:
        """Forget the lines printed after the first `count` (stepping back)."""
        while self._count > max(count, 0) and self._lines:
            self._lines.pop()
            self._count -= 1
        self._count = min(self._count, max(count, 0))

    def replace(self, lines: list[str], count: int | None = None) -> None:
        """Hold `lines` as the latest of `count` printed (by default as many as `lines`);
        ValueError if `count` is fewer than the lines or they are more than the capacity."""
        count = len(lines) if count is None else int(count)
        if count < len(lines) or len(lines) > self.capacity:
            raise ValueError(f"{len(lines)} printed lines of {count}, at most "
                             f"{self.capacity} kept")
        self._lines.clear()
        self._lines.extend(lines)
        self._count = count
