"""Resident memory (VmRSS) after start and after 100,000 training iterations of the spiral
scenario: headless through a Stepper, as `main.py train` and the window train, and in the
window offscreen through its LabController. Each in its own process, so neither inherits the
other's heap or imported Qt.

A record with no target: it shows whether anything grows with the run's length (the stepper's
history is capped by its memory_cap_bytes; per-iteration losses and metrics are not).
"""

from __future__ import annotations

import subprocess
import sys
import time

from common import REPO, Row, emit, parse_rows, rss_mib, use_repo_imports

ITERATIONS = 100_000


def headless(iterations: int) -> list[Row]:
    use_repo_imports()
    from engine.scenarios.presets import get_scenario
    from engine.training.stepper import Stepper

    stepper = Stepper(get_scenario("spiral").build())
    started = rss_mib()
    began = time.perf_counter()
    stepper.run_iterations(iterations)
    seconds = time.perf_counter() - began
    return [Row("memory headless: after start (engine, spiral)", f"{started:.0f} MiB"),
            Row(f"memory headless: after {iterations:,} iterations",
                f"{rss_mib():.0f} MiB ({seconds:.0f} s)")]


def window(iterations: int) -> list[Row]:
    from common import open_window

    app, main_window, controller = open_window("spiral")
    main_window.resize(1600, 1000)
    app.processEvents()
    started = rss_mib()
    if controller is None:
        return [Row("memory window: after start", f"{started:.0f} MiB"),
                Row(f"memory window: after {iterations:,} iterations",
                    "not measured: the window opens no lab for 'spiral'")]
    began = time.perf_counter()
    controller.run_iterations(iterations)
    app.processEvents()
    seconds = time.perf_counter() - began
    return [Row("memory window: after start", f"{started:.0f} MiB"),
            Row(f"memory window: after {iterations:,} iterations",
                f"{rss_mib():.0f} MiB ({seconds:.0f} s)")]


def main() -> None:
    arguments = sys.argv[1:]
    iterations = 10_000 if "--quick" in arguments else ITERATIONS
    if "--part" in arguments:
        part = arguments[arguments.index("--part") + 1]
        emit(headless(iterations) if part == "headless" else window(iterations))
        return
    rows = []
    for part in ("headless", "window"):
        child = subprocess.run(
            [sys.executable, __file__, "--json", "--part", part,
             *(["--quick"] if "--quick" in arguments else [])],
            capture_output=True, text=True, cwd=REPO, timeout=900)
        found = parse_rows(child.stdout)
        rows += found or [Row(f"memory {part}", f"not measured: exit {child.returncode}: "
                                                f"{child.stderr.strip()[-200:]}")]
    emit(rows, ["VmRSS from /proc/self/status; each part in a fresh process."])


if __name__ == "__main__":
    main()
