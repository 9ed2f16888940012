"""A fast start: the start page opens without the labs, their plots or pyqtgraph, and without
the controller and the lessons' replaying machinery (they come with a lab, a played step or a
render)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

CHILD = """
import sys
from gui.shell.app import build_window, create_application

app = create_application()
window = build_window(None)
window.show()
app.processEvents()
print(sorted(name for name in ("pyqtgraph", "gui.labs.hand.lab", "gui.labs.classification.lab",
                               "gui.controller.lab_controller", "gui.tutorial.step_actions",
                               "gui.tutorial.lesson_film")
             if name in sys.modules))
window.scenario_requested.emit("neuron")
print("pyqtgraph" in sys.modules)
"""


def test_start_page_imports_no_lab_and_a_scenario_brings_its_lab(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True,
                            env=env, cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["[]", "True"]
