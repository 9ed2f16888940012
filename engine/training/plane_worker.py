"""The predicted plane computed in a second process while training runs.

A 200 x 200 plane through the chapter-10 network costs about as much as 15 training steps;
twenty of them a second would take a third of the window's time away from training. A helper
process with its own copy of the model (built from the same spec) computes each plane from the
parameters it is sent, on another core, while the window trains on; the window shows each plane
as it arrives, one frame after the parameters it was computed from. Threads would not help: the
training loop holds Python's global lock nearly all the time.

Nothing here is needed for correctness: when the helper is not running (yet), busy, or gone,
the controller computes the plane itself.
"""

from __future__ import annotations

import multiprocessing
import sys
from multiprocessing.connection import Connection

import numpy as np


def serve(connection: Connection) -> None:
    """The helper's loop: (key, spec, parameters, xs, ys) in, probabilities out; None ends it.
    It ends quietly when the window has gone (closed or killed) mid-conversation."""
    try:
        _answer(connection)
    except (EOFError, OSError):
        return


def _answer(connection: Connection) -> None:
    from engine.training.model import Model

    connection.send("ready")
    key, model = None, None
    while (request := connection.recv()) is not None:
        spec_key, spec, parameters, xs, ys = request
        if spec_key != key:
            key, model = spec_key, Model(spec)
        connection.send(model.predict_grid(xs, ys, parameters=parameters))


class PlaneWorker:
    """One helper process, started on first use, shared by every controller in the process."""

    def __init__(self) -> None:
        self._process: multiprocessing.process.BaseProcess | None = None
        self._connection: Connection | None = None
        self._ready = False
        self._pending: object | None = None  # the tag of the request being computed
        self.failed = False

    def start(self) -> None:
        """Start the helper in the background (a fresh interpreter: it takes a second)."""
        if self._process is not None or self.failed:
            return
        if getattr(sys, "frozen", False):
            # A bundled app would start a second copy of itself here (spawn re-runs the
            # executable): the window draws its planes itself instead.
            self.failed = True
            return
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe()
        try:
            self._process = context.Process(target=serve, args=(theirs,), daemon=True,
                                            name="boundary-plane")
            self._process.start()
        except OSError:
            self.failed = True
            return
        theirs.close()
        self._connection = ours

    def available(self) -> bool:
        """Running, started up and not computing a plane."""
        if self._connection is None or self.failed:
            return False
        try:
            if not self._ready and self._connection.poll():
                self._ready = self._connection.recv() == "ready"
        except (EOFError, OSError):
            self._fail()
            return False
        return self._ready and self._pending is None

    def submit(self, tag: object, spec_key: object, spec: dict,
               parameters: dict[str, np.ndarray], xs: np.ndarray, ys: np.ndarray) -> bool:
        """Ask for the plane of `parameters`; False if the helper cannot take it now."""
        if not self.available():
            return False
        try:
            self._connection.send((spec_key, spec, parameters, xs, ys))
        except (OSError, ValueError):
            self._fail()
            return False
        self._pending = tag
        return True

    def pending(self) -> object | None:
        """The tag of the plane being computed, if any."""
        return self._pending

    def result(self) -> tuple[object, np.ndarray] | None:
        """(tag, probabilities) of a finished plane, or None if none has arrived."""
        if self._pending is None or self._connection is None:
            return None
        try:
            if not self._connection.poll():
                return None
            plane = self._connection.recv()
        except (EOFError, OSError):
            self._fail()
            return None
        tag, self._pending = self._pending, None
        return tag, plane

    def _fail(self) -> None:
        self.failed = True
        self._pending = None
        if self._process is not None and self._process.is_alive():
            self._process.terminate()

    def close(self) -> None:
        """Ask the helper to finish (it is a daemon: it also ends with this process)."""
        if self._connection is not None:
            try:
                self._connection.send(None)
            except (OSError, ValueError):
                pass
            self._connection.close()
        if self._process is not None:
            self._process.join(timeout=1)
        self._process, self._connection, self._ready, self._pending = None, None, False, None


_shared: PlaneWorker | None = None


def shared_worker() -> PlaneWorker:
    """The process-wide helper (created, not started)."""
    global _shared
    if _shared is None:
        _shared = PlaneWorker()
    return _shared
