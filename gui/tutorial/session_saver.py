"""Saving sessions on a worker thread, one save at a time, so the window never waits for one.

The window's thread takes a consistent copy of the session (engine.files.session.SessionCopy:
milliseconds, even for a million iterations) and hands it here; encoding, checking and writing
(most of a second for such a run) happen on this saver's own thread, and the outcome comes
back on the window's thread through `finished`. Saves run in the order they were asked for,
so a Save and an autosave never race for the disk, and quitting waits for what is in flight.
"""

from __future__ import annotations

import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from engine.files.atomic import FileWriteError
from engine.files.session import SessionCopy, SessionError, session_bytes, write_session

SAVE = "save"
AUTOSAVE = "autosave"
QUIT_WAIT_MS = 60_000  # quitting waits this long at most for a save in flight


@dataclass(eq=False)
class SaveJob:
    """One save: what to write where, and (once done) how it went.

    key: which session it is (the controller's id); version: the controller's version when the
    copy was taken, which the file then holds."""

    path: Path
    copy: SessionCopy | None  # let go once written: an outcome kept must not keep the arrays
    kind: str  # SAVE or AUTOSAVE
    key: int
    version: int
    error: str | None = None
    done: bool = False
    thread: int | None = None  # threading.get_ident() of the thread that encoded and wrote it
    seconds: float = 0.0  # encoding, checking and writing
    size: int = 0  # bytes written
    delivered: bool = field(default=False, repr=False)

    @property
    def succeeded(self) -> bool:
        return self.done and self.error is None


class _Relay(QObject):
    # (SaveJob) emitted on the saver's thread; received on the window's
    finished = Signal(object)


class _Save(QRunnable):
    def __init__(self, job: SaveJob, relay: _Relay):
        super().__init__()
        self.setAutoDelete(False)
        self.job, self._relay = job, relay

    def run(self) -> None:
        job = self.job
        job.thread = threading.get_ident()
        started = time.perf_counter()
        try:
            data = session_bytes(job.copy.session())
            write_session(job.path, data)
            job.size = len(data)
        except FileWriteError as error:
            job.error = error.strerror  # "cannot write x.json: the disk is full"
        except (SessionError, OSError, ValueError) as error:
            job.error = str(error)
        except Exception:  # a defect: reported as a failed save rather than lost on a thread
            job.error = "an unexpected error:\n" + traceback.format_exc(limit=4)
        finally:
            job.seconds = time.perf_counter() - started
            job.copy = None
            job.done = True
            self._relay.finished.emit(job)


class SessionSaver(QObject):
    """A queue of saves with one worker thread of its own."""

    # (SaveJob) a save ended (job.error says whether it failed), on the window's thread
    finished = Signal(object)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._relay = _Relay(self)
        self._relay.finished.connect(self._on_relay_finished)
        self._queued: list[_Save] = []

    def submit(self, job: SaveJob) -> None:
        """Encode and write `job` after the saves before it."""
        runnable = _Save(job, self._relay)
        self._queued.append(runnable)
        self._pool.start(runnable)

    def in_flight(self, kind: str | None = None) -> list[SaveJob]:
        """The saves not yet finished (or finished but not yet announced), oldest first."""
        return [each.job for each in self._queued if kind in (None, each.job.kind)]

    def busy(self) -> bool:
        return bool(self._queued)

    def wait(self, timeout_ms: int = QUIT_WAIT_MS) -> bool:
        """Wait for every save asked for so far and announce each; False if one still runs
        after `timeout_ms`."""
        done = self._pool.waitForDone(timeout_ms)
        for runnable in list(self._queued):
            if runnable.job.done:
                self._deliver(runnable.job)
        return done

    def _on_relay_finished(self, job: SaveJob) -> None:
        self._deliver(job)

    def _deliver(self, job: SaveJob) -> None:
        """Announce `job` once (whichever of the relay and wait() comes first)."""
        if job.delivered:
            return
        job.delivered = True
        self._queued = [each for each in self._queued if each.job is not job]
        self.finished.emit(job)
