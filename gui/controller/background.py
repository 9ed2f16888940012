"""Work off the GUI thread: a function run on Qt's global thread pool, its progress and its
result delivered back on the GUI thread, so a long computation (a 41 x 41 loss landscape, an
optimizer race) never freezes the window.

The function gets a `report(progress)` callable to say how far it is (0..1). Only the newest
work's signals come through: starting new work (or cancel()) makes the older one's results
ignored, and its `cancel` callable is called so that it stops early.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

Work = Callable[[Callable[[float], None]], object]


class _Relay(QObject):
    """Lives on the GUI thread; signals emitted on a pool thread reach it queued."""

    progressed = Signal(int, float)
    finished = Signal(int, object, str)


class _Task(QRunnable):
    def __init__(self, work: Work, relay: _Relay, number: int):
        super().__init__()
        self._work, self._relay, self._number = work, relay, number

    def run(self) -> None:
        try:
            result = self._work(lambda progress: self._relay.progressed.emit(self._number,
                                                                              progress))
        except (ArithmeticError, ValueError, RuntimeError) as error:
            self._relay.finished.emit(self._number, None, str(error))
        else:
            self._relay.finished.emit(self._number, result, "")


class BackgroundWork(QObject):
    """One piece of work at a time on the thread pool; newer work replaces older."""

    # (progress 0..1) of the newest work
    progressed = Signal(float)
    # (result) the newest work's result
    finished = Signal(object)
    # (message) the newest work raised a ValueError, ArithmeticError or RuntimeError
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._numbers = itertools.count(1)
        self._current = 0
        self._cancel: Callable[[], None] | None = None
        self._relay = _Relay(self)
        self._relay.progressed.connect(self._on_relay_progressed)
        self._relay.finished.connect(self._on_relay_finished)

    @property
    def busy(self) -> bool:
        return self._current != 0

    def start(self, work: Work, cancel: Callable[[], None] | None = None) -> None:
        """Run work(report) on the pool; cancel() is called if newer work replaces it."""
        self.cancel()
        self._current = next(self._numbers)
        self._cancel = cancel
        QThreadPool.globalInstance().start(_Task(work, self._relay, self._current))

    def cancel(self) -> None:
        """Ignore the running work from now on (and ask it to stop)."""
        if self._cancel is not None:
            self._cancel()
        self._current, self._cancel = 0, None

    def _on_relay_progressed(self, number: int, progress: float) -> None:
        if number == self._current:
            self.progressed.emit(progress)

    def _on_relay_finished(self, number: int, result: object, error: str) -> None:
        if number != self._current:
            return
        self._current, self._cancel = 0, None
        if error:
            self.failed.emit(error)
        else:
            self.finished.emit(result)
