"""Run every benchmark and print one table: figure, value, target, met or not.

    python benchmarks/run_all.py             # everything, about 5 minutes on 2 cores
    python benchmarks/run_all.py --quick     # fewer repeats and iterations, about 1.5 minutes
    python benchmarks/run_all.py --markdown  # the table as Markdown too, for the README

Each benchmark runs in its own process (see common.py). window_training.py belongs to the
window's lab; its rows are read from its printed table. The machine's CPU and load come first,
because the figures mean little without them: these are shared, noisy machines, which is why
the comparisons are ratios measured side by side in one run.
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from common import REPO, Row, format_table, markdown_table, parse_rows

HERE = Path(__file__).resolve().parent
WINDOW_TRAINING = HERE / "window_training.py"
# The window benchmark's figures, for rows when it cannot run.
WINDOW_FIGURES = (("window: steps/s in the window / headless", ">= 0.7"),
                  ("window: boundary frames per second", ">= 20"),
                  ("window: key-press latency while running, 95th percentile", "<= 50 ms"))
LATENCY_TARGET_MS = 50.0  # the issue's; window_training.py prints its own target beside it
QUICK = ["--quick"]
# (script, extra arguments, extra arguments with --quick, extra environment); window_training.py
# is the window lab's own script, with its own options and a plain-text table.
SCRIPTS = (
    ("engine_step.py", ["--json"], QUICK, {}),
    ("engine_step.py", ["--json", "--large-only"], QUICK, {"OPENBLAS_NUM_THREADS": "2"}),
    ("boundary.py", ["--json"], QUICK, {}),
    ("window_training.py", [], ["--seconds", "2"], {}),
    ("editing.py", ["--json"], QUICK, {}),
    ("startup.py", ["--json"], QUICK, {}),
    ("memory.py", ["--json"], QUICK, {}),
    ("comparison.py", ["--json"], QUICK, {}),
)
# A row of window_training.py's table: figure, value, target (">= 0.70", "<= 100" or "-"), and
# "yes" / "NO" when there is a target.
WINDOW_ROW = re.compile(r"^(?P<figure>.*?\S)\s+(?P<value>\S+)\s+(?P<target>[<>]=\s*\S+|-)"
                        r"\s*(?P<met>yes|NO)?\s*$")
TIMEOUT_S = 900


def cpu_model() -> str:
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        for line in lscpu.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    return platform.processor() or "unknown CPU"


def machine() -> str:
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return (f"CPU: {cpu_model()}, {os.cpu_count()} logical cores; load average {load}\n"
            f"Python {platform.python_version()}, numpy {np.__version__}, "
            f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}")


def window_rows(output: str) -> list[Row]:
    """window_training.py's table as rows, prefixed "window:"; the key latency is judged by
    the issue's target, shown next to the script's own."""
    rows = []
    for line in output.splitlines():
        match = WINDOW_ROW.match(line.strip())
        if match is None or match["figure"].lower() == "figure":
            continue
        figure, value, target = match["figure"], match["value"], match["target"]
        met = None if match["met"] is None else match["met"] == "yes"
        target = "" if target == "-" else target
        if "latency" in figure:
            try:
                latency = float(value)
            except ValueError:
                latency = float("nan")
            target = f"<= {LATENCY_TARGET_MS:.0f} ms (script's own: {target})"
            met = latency <= LATENCY_TARGET_MS
        rows.append(Row(f"window: {figure}", value, target, met))
    return rows


def run_script(name: str, arguments: list[str], environment: dict[str, str]) -> list[Row]:
    if not (HERE / name).exists():
        return [Row(figure, f"not measured: benchmarks/{name} missing", target, None)
                for figure, target in WINDOW_FIGURES]
    command = [sys.executable, str(HERE / name), *arguments]
    env = {**os.environ, **environment, "QT_QPA_PLATFORM": "offscreen"}
    began = time.perf_counter()
    try:
        result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO,
                                timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return [Row(f"{name}", f"not measured: over {TIMEOUT_S} s")]
    print(f"  {name} {' '.join(arguments)}: {time.perf_counter() - began:.0f} s",
          file=sys.stderr, flush=True)
    rows = parse_rows(result.stdout) if "--json" in arguments else window_rows(result.stdout)
    if result.returncode != 0 or not rows:
        error = (result.stderr.strip().splitlines() or ["no output"])[-1]
        rows.append(Row(f"{name}", f"failed (exit {result.returncode}): {error[:120]}"))
    return rows


def main() -> None:
    quick = "--quick" in sys.argv[1:]
    header = machine()
    print(header, flush=True)
    print("running (each in its own process):", file=sys.stderr, flush=True)
    began = time.perf_counter()
    rows: list[Row] = []
    for name, arguments, quick_arguments, environment in SCRIPTS:
        rows += run_script(name, arguments + (quick_arguments if quick else []), environment)
    print()
    print(format_table(rows))
    missed = [row.figure for row in rows if row.met is False]
    print(f"\n{sum(row.met is True for row in rows)} targets met, {len(missed)} not met; "
          f"{time.perf_counter() - began:.0f} s in all.")
    if "--markdown" in sys.argv[1:]:
        print()
        print(header.replace("\n", "  \n"))
        print()
        print(markdown_table(rows))


if __name__ == "__main__":
    main()
