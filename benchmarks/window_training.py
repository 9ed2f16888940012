"""How the classification lab keeps up while Run is on: training speed, boundary frames, keys.

Measures, offscreen, in one run:
  1. headless steps per second of the chapter-10 network (Stepper.run_iterations);
  2. steps per second while Run is on in the window (the spiral preset, the real lab),
     in segments alternating with the headless ones so that other load on the machine
     weighs on both alike; also per second of this process's CPU time;
  3. decision-boundary frames per second while running (new planes handed to the plot);
  4. key-press latency while running: key events posted to the window every 50 ms, timed
     from posting until the window handles them (95th percentile).
and prints each figure beside its target (issue 5).

While running, the window has the plane drawn by a helper process
(engine/training/plane_worker.py) on
another core, so the wall-clock ratio is the honest one on a machine with two cores or more;
the per-CPU-second ratio counts the window's own process only (not the helper).

    QT_QPA_PLATFORM=offscreen python benchmarks/window_training.py [--seconds 1 --rounds 5]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from PySide6.QtCore import QEvent, QObject, Qt, QTimer  # noqa: E402
from PySide6.QtGui import QKeyEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from engine.scenarios.presets import SCENARIOS  # noqa: E402
from engine.training.stepper import Stepper  # noqa: E402

PROBE_KEY = Qt.Key.Key_F13  # a key nothing is bound to: only its delivery is timed
PROBE_EVERY_MS = 50


class Headless:
    """The spiral preset trained through Stepper.run_iterations, with no window involved."""

    def __init__(self) -> None:
        self.stepper = Stepper(SCENARIOS["spiral"].build())
        self.stepper.run_iterations(50)  # warm up

    def run(self, seconds: float) -> tuple[int, float, float]:
        """(iterations, wall seconds, CPU seconds) of training for about `seconds`."""
        done, wall, cpu = 0, time.perf_counter(), time.process_time()
        while time.perf_counter() - wall < seconds:
            self.stepper.run_iterations(100)
            done += 100
        return done, time.perf_counter() - wall, time.process_time() - cpu


class KeyProbe(QObject):
    """Posts probe key presses to the window and records how long each waited."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.posted: list[float] = []
        self.latencies: list[float] = []
        window.installEventFilter(self)
        self.timer = QTimer(self)
        self.timer.setInterval(PROBE_EVERY_MS)
        self.timer.timeout.connect(self.post)

    def post(self) -> None:
        self.posted.append(time.perf_counter())
        event = QKeyEvent(QEvent.Type.KeyPress, PROBE_KEY, Qt.KeyboardModifier.NoModifier)
        QApplication.postEvent(self.window, event)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.KeyPress and event.key() == PROBE_KEY and self.posted:
            self.latencies.append(time.perf_counter() - self.posted.pop(0))
            return True
        return False


def measure(seconds: float, rounds: int) -> dict[str, float]:
    """Alternate `rounds` headless and window segments of `seconds` each, so that other load
    on the machine falls on both alike, and add them up."""
    from gui.labs.classification.lab import install_classification_lab
    from gui.shell.app import create_application
    from gui.shell.main_window import MainWindow
    from gui.shell.screenshot import quiet_offscreen_noise

    app = create_application()
    quiet_offscreen_noise()
    window = MainWindow(None)
    lab = install_classification_lab(window, "spiral")
    window.resize(1600, 1000)
    window.show()
    app.processEvents()
    frames = []
    draw = lab.boundary.set_boundary

    def counted(probabilities, extent, rows=None) -> None:
        frames.append(time.perf_counter())
        draw(probabilities, extent, rows)
    lab.boundary.set_boundary = counted
    probe = KeyProbe(window)
    controller = lab.controller
    controller.set_stop_conditions({"max_epochs": None, "target_loss": None,
                                    "target_accuracy": None})
    headless = Headless()
    totals = dict.fromkeys(("h_steps", "h_wall", "h_cpu", "w_steps", "w_wall", "w_cpu",
                            "frames"), 0.0)
    for _ in range(rounds):
        steps, wall, cpu = headless.run(seconds)
        totals["h_steps"] += steps
        totals["h_wall"] += wall
        totals["h_cpu"] += cpu
        controller.set_running(True)
        probe.timer.start()
        first_iteration = controller.stepper.iteration
        wall, cpu = time.perf_counter(), time.process_time()
        while time.perf_counter() - wall < seconds:
            app.processEvents()
        end = time.perf_counter()
        totals["w_wall"] += end - wall
        totals["w_cpu"] += time.process_time() - cpu
        totals["w_steps"] += controller.stepper.iteration - first_iteration
        # Only frames drawn while running count (not those of pressing Run or Pause).
        totals["frames"] += sum(1 for t in frames if wall <= t < end)
        probe.timer.stop()
        controller.set_running(False)
        app.processEvents()
    window.close()
    totals["latency_p95"] = float(np.percentile(probe.latencies, 95))
    totals["probes"] = len(probe.latencies)
    return totals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="length of each segment")
    parser.add_argument("--rounds", type=int, default=5, help="headless/window segment pairs")
    args = parser.parse_args(argv)
    t = measure(args.seconds, args.rounds)
    headless, window = t["h_steps"] / t["h_wall"], t["w_steps"] / t["w_wall"]
    ratio = window / headless
    # Steps per second of this process's CPU time: what other programs on the machine take
    # away from both runs cancels out.
    cpu_ratio = (t["w_steps"] / t["w_cpu"]) / (t["h_steps"] / t["h_cpu"])
    fps = t["frames"] / t["w_wall"]
    latency = t["latency_p95"]
    rows = [
        ("headless steps/s (Stepper.run_iterations)", f"{headless:,.0f}", "-", None),
        ("window steps/s while running", f"{window:,.0f}", "-", None),
        ("window / headless steps (wall clock)", f"{ratio:.2f}", ">= 0.70", ratio >= 0.7),
        ("window / headless steps (per CPU second)", f"{cpu_ratio:.2f}", ">= 0.70",
         cpu_ratio >= 0.7),
        ("boundary frames per second", f"{fps:.1f}", ">= 20", fps >= 20),
        (f"key latency p95 ({t['probes']} keys), ms", f"{latency * 1e3:.0f}", "<= 100",
         latency <= 0.1),
    ]
    print(f"{'figure':<46} {'measured':>10} {'target':>9}  met")
    for figure, value, target, met in rows:
        verdict = "" if met is None else ("yes" if met else "NO")
        print(f"{figure:<46} {value:>10} {target:>9}  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
