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
# (script, extra arguments, extra environment)
SCRIPTS = (
    ("engine_step.py", [], {}),
    ("engine_step.py", ["--large-only"], {"OPENBLAS_NUM_THREADS": "1"}),
    ("boundary.py", [], {}),
    ("window_training.py", [], {}),
    ("editing.py", [], {}),
    ("startup.py", [], {}),
    ("memory.py", [], {}),
)
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


def table_rows(output: str) -> list[Row]:
    """Rows from a printed table `figure | value | target | met` (common.format_table's, or
    any table with those columns), for a script that prints no JSON rows."""
    rows = []
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 2 or not cells[0] or cells[0].lower() == "figure" \
                or set(line.strip()) <= set("-+| :"):
            continue
        verdict = cells[3].lower() if len(cells) > 3 else ""
        met = None if not verdict else not re.search(r"\b(not|no|missed|fail)", verdict)
        rows.append(Row(cells[0], cells[1], cells[2] if len(cells) > 2 else "", met))
    return rows


def run_script(name: str, arguments: list[str], environment: dict[str, str],
               quick: bool) -> list[Row]:
    if not (HERE / name).exists():
        return [Row(figure, f"not measured: benchmarks/{name} missing", target, None)
                for figure, target in WINDOW_FIGURES]
    command = [sys.executable, str(HERE / name), "--json", *arguments,
               *(["--quick"] if quick else [])]
    env = {**os.environ, **environment, "QT_QPA_PLATFORM": "offscreen"}
    began = time.perf_counter()
    try:
        result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO,
                                timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return [Row(f"{name}", f"not measured: over {TIMEOUT_S} s")]
    print(f"  {name} {' '.join(arguments)}: {time.perf_counter() - began:.0f} s",
          file=sys.stderr, flush=True)
    rows = parse_rows(result.stdout) or table_rows(result.stdout)
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
    for name, arguments, environment in SCRIPTS:
        rows += run_script(name, arguments, environment, quick)
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
