"""Work that would freeze the window, done on a worker thread while a progress dialog shows.

Reading a ten-megabyte points file or checking a large session takes long enough to freeze a
window whose event loop waits for it. `run_in_background` runs the work on a thread of its own
pool and, meanwhile, runs a nested event loop under a window-modal QProgressDialog (shown only
if the work lasts longer than a moment): the window repaints and its timers tick, the learner
can cancel. The work reports progress by calling `report(fraction)`, which returns False once
the learner cancelled, so work that checks it stops early; work that cannot stop is abandoned
(its result is ignored).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

SHOW_AFTER_MS = 400  # quicker work finishes without a dialog flashing up
STEPS = 1000  # the progress bar's resolution

# report(fraction done, 0..1) -> whether to go on (False once cancelled)
Report = Callable[[float], bool]


@dataclass
class Outcome:
    """How background work ended: its result, or the exception it raised, or cancelled."""

    result: Any = None
    error: BaseException | None = None
    cancelled: bool = False
    thread: int | None = None  # threading.get_ident() of the thread that did the work
    _cancel: threading.Event = field(default_factory=threading.Event, repr=False)


class _Signals(QObject):
    # (float) the fraction done
    progressed = Signal(float)
    # (no payload) the work returned or raised
    finished = Signal()


class _Work(QRunnable):
    def __init__(self, work: Callable[[Report], Any], outcome: Outcome, signals: _Signals):
        super().__init__()
        self.setAutoDelete(False)
        self._work, self._outcome, self._signals = work, outcome, signals

    def run(self) -> None:
        outcome = self._outcome
        outcome.thread = threading.get_ident()
        try:
            outcome.result = self._work(self._report)
        except BaseException as error:  # handed to the window's thread, which raises or says it
            outcome.error = error
        finally:
            self._signals.finished.emit()
            _RUNNING.discard(self)

    def _report(self, fraction: float) -> bool:
        self._signals.progressed.emit(float(fraction))
        return not self._outcome._cancel.is_set()


_POOL: QThreadPool | None = None
_RUNNING: set[_Work] = set()  # held until done, also when their caller gave up waiting


def _pool() -> QThreadPool:
    global _POOL
    if _POOL is None:
        _POOL = QThreadPool()
        _POOL.setMaxThreadCount(2)
    return _POOL


def run_in_background(parent: QWidget, title: str, label: str,
                      work: Callable[[Report], Any], measured: bool = False) -> Outcome:
    """Run `work(report)` on a worker thread and wait for it with the window responsive;
    measured: `work` reports progress (else the dialog shows a busy bar). Cancel in the dialog
    marks the outcome cancelled at once (the work's result, when it comes, is dropped)."""
    outcome, signals = Outcome(), _Signals()
    dialog = QProgressDialog(label, "Cancel", 0, STEPS if measured else 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(SHOW_AFTER_MS)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setValue(0)
    loop = QEventLoop()
    signals.progressed.connect(lambda fraction: dialog.setValue(int(fraction * STEPS))
                               if measured else None)
    signals.finished.connect(loop.quit)
    dialog.canceled.connect(outcome._cancel.set)
    dialog.canceled.connect(loop.quit)
    runnable = _Work(work, outcome, signals)
    _RUNNING.add(runnable)
    _pool().start(runnable)
    loop.exec()
    cancelled = outcome._cancel.is_set()
    dialog.canceled.disconnect()  # closing a progress dialog says "canceled" too
    dialog.close()
    dialog.deleteLater()
    if cancelled:
        outcome._cancel.set()  # work still running stops at its next report
        outcome.cancelled, outcome.result, outcome.error = True, None, None
    return outcome
