"""Redraw a plot at most every so often while training runs, always at once otherwise.

A pyqtgraph redraw with axes and grid costs several milliseconds; at the run loop's frame rate
two plots would take most of the frame. The curves change smoothly while running, so ten
redraws a second look the same and leave the window responsive.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

RUNNING_INTERVAL_S = 0.1


class Throttle(QObject):
    """Calls `draw(latest)` now, or (while running) at most every `interval` seconds."""

    def __init__(self, draw: Callable[[object], None], parent: QObject | None = None,
                 interval: float = RUNNING_INTERVAL_S):
        super().__init__(parent)
        self._draw = draw
        self._interval = interval
        self._latest: object = None
        self._last = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)

    def submit(self, value: object, running: bool) -> None:
        """Draw `value` now unless a redraw happened within the interval while running."""
        self._latest = value
        wait = self._last + self._interval - time.perf_counter()
        if running and wait > 0:
            if not self._timer.isActive():
                self._timer.start(int(wait * 1000) + 1)
            return
        self._timer.stop()
        self._flush()

    def _flush(self) -> None:
        self._last = time.perf_counter()
        self._draw(self._latest)

    def _on_timer_timeout(self) -> None:
        """The interval passed: draw the newest value that arrived meanwhile."""
        self._flush()
