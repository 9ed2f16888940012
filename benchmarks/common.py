"""What every benchmark shares: medians over repeats, rows of (figure, value, target, met), and
one way of printing and passing those rows on.

Each benchmark script prints a table for a person and, with `--json`, one JSON row per line for
run_all.py, which runs every script in its own process so no measurement inherits another's
warmed caches, imported Qt or grown heap.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def use_repo_imports() -> None:
    """Let `python benchmarks/x.py` import engine and gui from this checkout, and measure with
    the process settings the window and the runner use."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from engine.training.performance import tune_for_small_arrays

    tune_for_small_arrays()


@dataclass(frozen=True)
class Row:
    """One line of the table. `met` is None for a figure with no target (a record only)."""

    figure: str
    value: str
    target: str = ""
    met: bool | None = None

    @property
    def verdict(self) -> str:
        return {True: "met", False: "NOT met", None: ""}[self.met]


def median_time(run: Callable[[], object], repeats: int) -> float:
    """The median wall time of `repeats` calls of run(), in seconds; one unmeasured call first
    so first-call costs (imports, caches, allocator growth) are not counted."""
    run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def interleaved_rates(runs: dict[str, Callable[[int], object]], steps: int,
                      repeats: int) -> dict[str, float]:
    """Steps per second of each run(steps), as the median over `repeats` rounds in which every
    candidate runs once, in turn: a noisy neighbour then slows all of them alike, so their
    ratios hold even when the absolute figures drift."""
    for run in runs.values():
        run(max(1, steps // 10))
    samples: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            start = time.perf_counter()
            run(steps)
            samples[name].append(steps / (time.perf_counter() - start))
    return {name: statistics.median(rates) for name, rates in samples.items()}


def percentile(values: Sequence[float], share: float) -> float:
    """The `share` (0..1) percentile by linear interpolation between the nearest ranks."""
    ordered = sorted(values)
    position = share * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def at_least(value: float, target: float) -> bool:
    return value >= target


def at_most(value: float, target: float) -> bool:
    return value <= target


def rss_mib() -> float:
    """This process's resident set size in MiB, from /proc (Linux)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise OSError("no VmRSS line in /proc/self/status")


def format_table(rows: Sequence[Row]) -> str:
    """A plain-text table with columns figure | value | target | met."""
    header = Row("figure", "value", "target")
    widths = [max(len(getattr(row, field)) for row in (header, *rows))
              for field in ("figure", "value", "target")]
    lines = []
    for number, row in enumerate((header, *rows)):
        verdict = "met" if number == 0 else row.verdict
        cells = (row.figure.ljust(widths[0]), row.value.rjust(widths[1]),
                 row.target.ljust(widths[2]), verdict)
        lines.append(" | ".join(cells).rstrip())
        if number == 0:
            lines.append("-+-".join("-" * width for width in (*widths, 7)))
    return "\n".join(lines)


def markdown_table(rows: Sequence[Row]) -> str:
    """The same table for benchmarks/README.md."""
    lines = ["| figure | value | target | met |", "|---|---:|---|---|"]
    lines += [f"| {row.figure} | {row.value} | {row.target} | {row.verdict} |" for row in rows]
    return "\n".join(lines)


def emit(rows: Sequence[Row], notes: Sequence[str] = ()) -> None:
    """Print the rows: as JSON lines with --json (for run_all.py), else as a table and notes."""
    if "--json" in sys.argv[1:]:
        for row in rows:
            print(json.dumps(asdict(row)), flush=True)
        return
    print(format_table(rows))
    for note in notes:
        print(f"  {note}")


def parse_rows(output: str) -> list[Row]:
    """The rows a script printed with --json; other lines (warnings, progress) are skipped."""
    rows = []
    for line in output.splitlines():
        line = line.strip()
        if line.startswith("{") and line.endswith("}"):
            try:
                fields = json.loads(line)
            except json.JSONDecodeError:
                continue
            if {"figure", "value"} <= set(fields):
                rows.append(Row(fields["figure"], fields["value"], fields.get("target", ""),
                                fields.get("met")))
    return rows


def offscreen() -> None:
    """Qt without a screen, as the tests and screenshots run it."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def open_window(scenario: str):
    """The app's window as main.py builds it (offscreen, default layout), on `scenario`;
    returns (app, window, controller), the controller being the scenario's LabController, or
    None when the window opens no lab for the scenario."""
    offscreen()
    use_repo_imports()
    from gui.controller.lab_controller import LabController
    from gui.shell.app import build_window, create_application
    from gui.shell.screenshot import quiet_offscreen_noise

    app = create_application()
    quiet_offscreen_noise()
    window = build_window(scenario)
    window.show()
    app.processEvents()
    controllers = [c for c in window.findChildren(LabController) if c.scenario == scenario]
    return app, window, (controllers[0] if controllers else None)
