"""Seconds from launching `python main.py` to the first painted window, offscreen.

main.py has no "quit after the first paint" switch, so each launch runs main.main() in a child
Python whose only addition is an event filter: installed on the QApplication as gui.shell.app
creates it, it notes the wall-clock time of the first paint event of a widget inside the
visible main window, prints it and quits. The child's interpreter start, imports, window
construction and layout all count, as they do for a learner. Median of 5 launches each: the
start page (no arguments, the first-run welcome dismissed as after a learner's first run;
before 2026-12-03 18:30 UTC the figure was the first run's, the single neuron under the
welcome) and the spiral scenario.

Warm is a launch like the ones before it. Cold is the first run after an install at its worst:
each launch gets an empty bytecode cache of its own (PYTHONPYCACHEPREFIX), so Python compiles
every module it imports (numpy's and PySide6's too, which an installer usually compiles ahead),
and a fresh settings folder; the operating system's file cache is left alone (emptying it needs
root and slows everyone on a shared machine). Median of 3 cold launches each.

`main.py --screenshot` (lay out, settle, grab, save a PNG, exit) is timed as well, for
comparison: it is an upper bound of the same path plus a fixed 150 ms settle and the PNG.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import REPO, Row, at_most, emit

SETTINGS_ENV = "BACKPROP_PLAYGROUND_SETTINGS"  # gui.shell.settings: read without importing Qt

TARGETS_S = {"start page": 0.6, "spiral scenario": 0.8}  # issue 19
LAUNCHES = 5
COLD_LAUNCHES = 3

CHILD = """
import sys, time
sys.path.insert(0, {repo!r})
sys.argv = ["main.py", *{args!r}]
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget
import gui.shell.app

class FirstPaint(QObject):
    done = False
    def eventFilter(self, watched, event):
        if (not self.done and event.type() == QEvent.Type.Paint
                and isinstance(watched, QWidget) and isinstance(watched.window(), QMainWindow)
                and watched.window().isVisible()):
            self.done = True
            print("FIRST_PAINT", time.time(), flush=True)
            QTimer.singleShot(0, QApplication.instance().quit)
        return False

first_paint = FirstPaint()
create_application = gui.shell.app.create_application

def create_and_watch(*args, **kwargs):
    app = create_application(*args, **kwargs)
    app.installEventFilter(first_paint)
    return app

gui.shell.app.create_application = create_and_watch
import main
sys.exit(main.main())
"""


# A learner's settings after the first run: the welcome (which opens the single neuron over
# the start page) dismissed, so a launch without arguments shows the start page.
SETTINGS = "[welcome]\ndont_show_again=true\n"


def launch_to_first_paint(args: list[str], env: dict[str, str]) -> float:
    """Seconds to the first paint; each launch starts from the same settings file, since a
    run may remember a session or a layout that the next one would reopen."""
    Path(env[SETTINGS_ENV]).write_text(SETTINGS, encoding="utf-8")
    code = CHILD.format(repo=str(REPO), args=args)
    started = time.time()
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, cwd=REPO, timeout=60)
    for line in result.stdout.splitlines():
        if line.startswith("FIRST_PAINT "):
            return float(line.split()[1]) - started
    raise RuntimeError(f"no first paint (exit {result.returncode}): {result.stderr[-500:]}")


def screenshot_run(env: dict[str, str], folder: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "main.py", "--screenshot", str(Path(folder) / "s.png")],
                   capture_output=True, env=env, cwd=REPO, timeout=60, check=True)
    return time.perf_counter() - started


def main() -> None:
    quick = "--quick" in sys.argv[1:]
    launches = 3 if quick else LAUNCHES
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        # A fresh settings folder: no remembered layout from the learner's own runs, and none
        # written into theirs.
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": folder,
               "HOME": folder, SETTINGS_ENV: str(Path(folder) / "settings.ini")}
        for label, args in (("start page", []), ("spiral scenario", ["--scenario", "spiral"])):
            target = TARGETS_S[label]
            warm = [launch_to_first_paint(args, env) for _ in range(launches)]
            cold = [launch_to_first_paint(args, cold_environment(env, Path(folder), label, n))
                    for n in range(1 if quick else COLD_LAUNCHES)]
            for kind, times in (("warm", warm), ("cold", cold)):
                median = statistics.median(times)
                rows.append(Row(f"start-up to first paint: {label}, {kind}", f"{median:.2f} s",
                                f"<= {target} s", at_most(median, target)))
        shots = [screenshot_run(env, folder) for _ in range(launches)]
        rows.append(Row("main.py --screenshot, whole run (comparison)",
                        f"{statistics.median(shots):.2f} s"))
    emit(rows, [f"Warm: median of {launches} launches; cold: no bytecode cache, fresh "
                "settings, each launch. Offscreen."])


def cold_environment(env: dict[str, str], parent: Path, label: str, n: int) -> dict[str, str]:
    """`env` with an empty bytecode cache and settings folder of its own under `parent`."""
    folder = parent / f"cold {label} {n}"
    folder.mkdir()
    return {**env, "PYTHONPYCACHEPREFIX": str(folder / "pycache"),
            "XDG_CONFIG_HOME": str(folder), "HOME": str(folder),
            SETTINGS_ENV: str(folder / "settings.ini")}


if __name__ == "__main__":
    main()
