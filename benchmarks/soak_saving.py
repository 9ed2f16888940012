"""Soak for saving: a million iterations of the book's chapter-10 spiral in the window
(offscreen, live plots, autosave every 30 s), then Save, Open and 1,000 more iterations.

Targets: resident memory grows by less than 10% from iteration 10,000 to the end; the longest
gap between two ticks of a 10 ms timer (an event-loop stall) is at most 100 ms, autosaves
included; every autosave succeeds; the copy an autosave or a Save takes on the window's thread
lasts at most 20 ms; the saved file is at most 5 MB; a reopened file trained 1,000 iterations
on gives bit for bit the numbers of the run that never stopped. Progress is printed every
100,000 iterations, so a long run says how it goes. Not part of CI: it runs for a long while.
Usage: `python benchmarks/soak_saving.py [--iterations N] [--autosave-seconds S]`.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from PySide6.QtCore import Qt, QTimer  # noqa: E402

from benchmarks.soak import redraw_seconds, resident_bytes, run_until  # noqa: E402
from engine.training.performance import tune_for_small_arrays  # noqa: E402
from gui.labs.classification.lab import ClassificationLab  # noqa: E402
from gui.shell.app import build_window, create_application  # noqa: E402
from gui.shell.screenshot import quiet_offscreen_noise  # noqa: E402
from gui.tutorial.autosave import install_autosave  # noqa: E402
from gui.tutorial.session_actions import SessionActions  # noqa: E402
from gui.tutorial.session_saver import AUTOSAVE  # noqa: E402

MEMORY_TARGET = 1.10
STALL_TARGET_S = 0.100
COPY_TARGET_S = 0.020
FILE_TARGET_BYTES = 5 * 10**6
FIRST = 10_000
TAIL = 1_000
REPORT_EVERY = 100_000


class StallWatch:
    """The longest gap between ticks of a precise 10 ms timer: how long the event loop was
    kept from running (a tick is due every 10 ms, so a gap of g means a stall of about g)."""

    def __init__(self) -> None:
        self.longest = 0.0
        self.longest_at = 0
        self.iteration = lambda: 0
        self._last = time.perf_counter()
        self.timer = QTimer(interval=10)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._on_timer_timeout)

    def start(self) -> None:
        self._last = time.perf_counter()
        self.timer.start()

    def _on_timer_timeout(self) -> None:
        now = time.perf_counter()
        if now - self._last > self.longest:
            self.longest, self.longest_at = now - self._last, self.iteration()
        self._last = now


def timed_copies(sessions: SessionActions) -> list[float]:
    """Wrap the window's session copy (what a save or an autosave does on the window's
    thread) to time each one."""
    seconds: list[float] = []
    copy = sessions.copy

    def timed(*args, **kwargs):
        started = time.perf_counter()
        taken = copy(*args, **kwargs)
        seconds.append(time.perf_counter() - started)
        return taken

    sessions.copy = timed
    return seconds


def same_run(a, b) -> bool:
    """Bit for bit the same: position, losses, parameters, printed lines and histories."""
    same = (a.iteration, a.position) == (b.iteration, b.position)
    same &= a.losses.tobytes() == b.losses.tobytes()
    for name, value in a.trainable.values().items():
        same &= np.asarray(value).tobytes() == np.asarray(b.trainable.values()[name]).tobytes()
    same &= a.trainable.log_lines() == b.trainable.log_lines()
    for name, column in a.trainable.history().items():
        same &= np.asarray(column).tobytes() == np.asarray(b.trainable.history()[name]).tobytes()
    return bool(same)


def lab_of(window) -> ClassificationLab:
    return next(child for child in window.children() if isinstance(child, ClassificationLab))


def save_open_and_continue(window, folder: Path) -> dict:
    """Save, then continue the run that never stopped and, in a fresh window, the reopened
    file, TAIL iterations each; the figures of the save and whether both runs agree."""
    sessions = window.findChild(SessionActions)
    jobs = []
    sessions.saver.finished.connect(jobs.append)
    path = folder / "million.json"
    started = time.perf_counter()
    assert sessions.save_to(path)
    on_window_thread = time.perf_counter() - started
    sessions.wait_for_saves()
    job = jobs[-1]
    lab_of(window).controller.run_iterations(TAIL)
    reopened = build_window("neuron")
    assert reopened.findChild(SessionActions).open_file(path)
    other = lab_of(reopened).controller
    other.run_iterations(TAIL)
    return {"window_thread_s": on_window_thread, "worker_s": job.seconds,
            "succeeded": job.succeeded, "bytes": path.stat().st_size,
            "same": same_run(lab_of(window).controller.stepper, other.stepper)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=1_000_000)
    parser.add_argument("--autosave-seconds", type=float, default=30.0)
    args = parser.parse_args(argv)
    tune_for_small_arrays()
    app = create_application()
    quiet_offscreen_noise()
    folder = Path(tempfile.mkdtemp(prefix="soak-saving-"))
    window = build_window("spiral")
    window.show()
    sessions = window.findChild(SessionActions)
    copies = timed_copies(sessions)
    autosave = install_autosave(window, folder / "data", int(args.autosave_seconds * 1000))
    autosaves = []
    sessions.saver.finished.connect(lambda job: job.kind == AUTOSAVE and autosaves.append(job))
    lab = lab_of(window)
    watch = StallWatch()
    watch.iteration = lambda: lab.controller.stepper.iteration
    started = time.perf_counter()
    run_until(lab, app, FIRST)
    redraw_seconds(lab, window, app)  # every view drawn once: not growth over the run
    memory_first = resident_bytes()
    watch.start()
    for target in range(FIRST + REPORT_EVERY - FIRST % REPORT_EVERY, args.iterations + 1,
                        REPORT_EVERY):
        run_until(lab, app, target)
        print(f"{target}: {time.perf_counter() - started:.0f} s, memory "
              f"{resident_bytes() / memory_first:.3f}x, longest stall "
              f"{1000 * watch.longest:.0f} ms (at {watch.longest_at}), autosaves "
              f"{sum(job.succeeded for job in autosaves)}/{len(autosaves)}", flush=True)
    run_until(lab, app, args.iterations)
    watch.timer.stop()
    memory_last = resident_bytes()
    took = time.perf_counter() - started
    autosave.timer.stop()
    sessions.wait_for_saves()
    saved = save_open_and_continue(window, folder)
    memory_ratio = memory_last / memory_first
    failed = [job for job in autosaves if not job.succeeded]
    worker = [job.seconds for job in autosaves]
    print(f"iterations: {args.iterations} in {took:.0f} s "
          f"({args.iterations / took:.0f} per second, drawing live)")
    print(f"memory at {FIRST}: {memory_first / 2**20:.1f} MiB; at the end: "
          f"{memory_last / 2**20:.1f} MiB; ratio {memory_ratio:.3f} (target < {MEMORY_TARGET})")
    print(f"longest event-loop stall: {1000 * watch.longest:.0f} ms at iteration "
          f"{watch.longest_at} (target <= {1000 * STALL_TARGET_S:.0f} ms)")
    print(f"autosaves: {len(autosaves) - len(failed)} of {len(autosaves)} succeeded; "
          f"encoded and written on the saver's thread in at most "
          f"{1000 * max(worker, default=0):.0f} ms")
    print(f"copies on the window's thread: {len(copies)}, longest {1000 * max(copies):.1f} ms "
          f"(target <= {1000 * COPY_TARGET_S:.0f} ms)")
    print(f"final save: {saved['bytes'] / 10**6:.2f} MB (target <= 5 MB), "
          f"{1000 * saved['window_thread_s']:.1f} ms on the window's thread, "
          f"{1000 * saved['worker_s']:.0f} ms on the saver's; reopened and continued "
          f"{TAIL} iterations: {'the same numbers' if saved['same'] else 'DIFFERENT numbers'}")
    ok = (memory_ratio < MEMORY_TARGET and watch.longest <= STALL_TARGET_S and not failed
          and bool(autosaves) and max(copies) <= COPY_TARGET_S and saved["succeeded"]
          and saved["bytes"] <= FILE_TARGET_BYTES and saved["same"])
    print("PASS" if ok else "FAIL")
    window.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
