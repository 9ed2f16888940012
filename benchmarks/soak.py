"""Soak: 100,000 training iterations of the spiral in the window, live plots on, offscreen.

Targets: memory (resident set) grows by less than 10% from iteration 1,000 to the end, and one
full redraw (a snapshot to every view, curves and tables included, then the window painted)
takes at the end no more than 1.5x what it took at the beginning. Not part of CI: it runs for
a few minutes. Usage: `python benchmarks/soak.py [--iterations N]`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from engine.training.performance import tune_for_small_arrays  # noqa: E402
from gui.labs.classification.lab import ClassificationLab  # noqa: E402
from gui.shell.app import build_window, create_application  # noqa: E402
from gui.shell.screenshot import quiet_offscreen_noise  # noqa: E402

MEMORY_TARGET = 1.10
REDRAW_TARGET = 1.5
FIRST = 1_000
REDRAW_SAMPLES = 30


def resident_bytes() -> int:
    """This process's resident set size, from /proc (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


def redraw_seconds(lab, window, app: QApplication) -> tuple[float, float]:
    """Median time of one full redraw, by the wall clock and in this process's CPU time (the
    machine is shared: the CPU figure is what another program's load does not inflate): a
    snapshot built and handed to every view, the throttled views drawn at once, and the
    window painted."""
    walls, cpus = [], []
    for _ in range(REDRAW_SAMPLES):
        wall, cpu = time.perf_counter(), time.process_time()
        lab.controller._publish(None, changed=False)
        snapshot = lab.controller.snapshot
        lab._draw_tables(snapshot)
        lab._draw_curves(snapshot)
        window.repaint()
        app.processEvents()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def run_until(lab, app: QApplication, iteration: int) -> None:
    """Press Run and let an event loop train (and draw) until `iteration`: a running event
    loop, as in the app, also deletes the widgets the views retire (deleteLater)."""
    controller = lab.controller
    controller.set_stop_conditions({"max_epochs": None})
    loop = QEventLoop()
    watch = QTimer(interval=20)
    watch.timeout.connect(lambda: loop.quit() if controller.stepper.iteration >= iteration
                          or not controller.is_running() else None)
    watch.start()
    controller.set_running(True)
    loop.exec()
    watch.stop()
    if controller.stepper.iteration < iteration:
        raise RuntimeError(f"Run stopped at {controller.stepper.iteration}: "
                           f"{controller.snapshot.notice}")
    controller.set_running(False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=100_000)
    args = parser.parse_args(argv)
    tune_for_small_arrays()
    app = create_application()
    quiet_offscreen_noise()
    window = build_window("spiral")
    window.show()
    lab = next(child for child in window.children() if isinstance(child, ClassificationLab))
    started = time.perf_counter()
    run_until(lab, app, FIRST)
    memory_before_drawing = resident_bytes()
    # Both measurements follow a full redraw, so every view has drawn at least once: after
    # 1,000 iterations (a third of a second) the curves and tables, throttled while
    # running, may not have, and their first drawing is not growth over a long run.
    redraw_first, redraw_first_cpu = redraw_seconds(lab, window, app)
    memory_first = resident_bytes()
    run_until(lab, app, args.iterations)
    redraw_last, redraw_last_cpu = redraw_seconds(lab, window, app)
    memory_last = resident_bytes()
    took = time.perf_counter() - started
    memory_ratio = memory_last / memory_first
    redraw_ratio = redraw_last / redraw_first
    print(f"iterations: {lab.controller.stepper.iteration} in {took:.0f} s "
          f"({lab.controller.stepper.iteration / took:.0f} per second, drawing live)")
    print(f"memory at {FIRST}: {memory_before_drawing / 2**20:.1f} MiB, "
          f"{memory_first / 2**20:.1f} MiB after a full redraw; at the end: "
          f"{memory_last / 2**20:.1f} MiB; ratio {memory_ratio:.3f} (target < {MEMORY_TARGET})")
    print(f"redraw at {FIRST}: {1000 * redraw_first:.1f} ms; at the end: "
          f"{1000 * redraw_last:.1f} ms; ratio {redraw_ratio:.2f} (target <= {REDRAW_TARGET}); "
          f"in CPU time {1000 * redraw_first_cpu:.1f} -> {1000 * redraw_last_cpu:.1f} ms, "
          f"ratio {redraw_last_cpu / redraw_first_cpu:.2f}")
    ok = memory_ratio < MEMORY_TARGET and redraw_ratio <= REDRAW_TARGET
    print("PASS" if ok else "FAIL")
    window.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
