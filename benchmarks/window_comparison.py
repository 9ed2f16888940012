"""Compare runs in the window (issue 17): two chapter-10 runs compared while Run is on.

Measures, offscreen, in one run, segments alternating with headless training of one run alone
(as benchmarks/window_training.py does, so other load on the machine weighs on both alike):
  1. each compared run's epochs per second in the window against one run alone headless
     (target >= 0.45: the two runs share the one process);
  2. key-press latency while the comparison trains, the compare panel and its pictures
     drawn (95th percentile; target <= 50 ms).

    QT_QPA_PLATFORM=offscreen python benchmarks/window_comparison.py [--seconds 1 --rounds 5]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from window_training import Headless, KeyProbe  # noqa: E402

TARGET_RATE = 0.45
TARGET_LATENCY_S = 0.05


def measure(seconds: float, rounds: int) -> dict[str, float]:
    """Alternate headless and comparing segments; add them up."""
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
    controller = lab.controller
    controller.set_stop_conditions({"max_epochs": None, "target_loss": None,
                                    "target_accuracy": None})
    lab.actions["compare"].trigger()
    controller.comparison.set_settings("vermillion", {"learning_rate": 0.02})
    probe = KeyProbe(window)
    headless = Headless()
    totals = dict.fromkeys(("h_steps", "h_wall", "w_steps", "w_wall"), 0.0)
    for _ in range(rounds):
        steps, wall, _cpu = headless.run(seconds)
        totals["h_steps"] += steps
        totals["h_wall"] += wall
        controller.set_running(True)
        probe.timer.start()
        first = controller.comparison.comparison.epoch
        wall = time.perf_counter()
        while time.perf_counter() - wall < seconds:
            app.processEvents()
        totals["w_wall"] += time.perf_counter() - wall
        totals["w_steps"] += controller.comparison.comparison.epoch - first
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
    alone, each = t["h_steps"] / t["h_wall"], t["w_steps"] / t["w_wall"]
    ratio, latency = each / alone, t["latency_p95"]
    rows = [
        ("one run alone, headless, epochs/s", f"{alone:,.0f}", "-", None),
        ("each of two compared runs in the window, epochs/s", f"{each:,.0f}", "-", None),
        ("each compared run / one run alone", f"{ratio:.2f}", f">= {TARGET_RATE}",
         ratio >= TARGET_RATE),
        (f"key latency p95 while comparing ({t['probes']} keys), ms", f"{latency * 1e3:.0f}",
         f"<= {TARGET_LATENCY_S * 1e3:.0f}", latency <= TARGET_LATENCY_S),
    ]
    print(f"{'figure':<56} {'measured':>10} {'target':>9}  met")
    for figure, value, target, met in rows:
        verdict = "" if met is None else ("yes" if met else "NO")
        print(f"{figure:<56} {value:>10} {target:>9}  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
