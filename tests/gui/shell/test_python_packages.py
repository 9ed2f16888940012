"""Started by a Python without the app's packages, main.py says which to install, not a
traceback; the list it checks is pyproject.toml's."""

import re
import subprocess
import sys

import pytest

from gui import PROJECT_ROOT
from gui.shell.python_packages import REQUIRED, missing_packages


def test_a_bare_python_is_told_what_to_install_instead_of_a_traceback():
    # -S leaves site-packages off the path: nothing but the standard library imports.
    for arguments in ([], ["--scenario", "spiral", "--screenshot", "x.png"],
                      ["train", "--scenario", "spiral"]):
        done = subprocess.run([sys.executable, "-S", "main.py", *arguments], cwd=PROJECT_ROOT,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 1
        assert "Traceback" not in done.stderr
        assert "numpy, nnfs, PySide6-Essentials, pyqtgraph" in done.stderr
        assert "python -m pip install -e ." in done.stderr


def test_the_checked_packages_are_pyprojects_dependencies():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    names = [re.match(r"[A-Za-z0-9_.-]+", each).group() for each in project["dependencies"]]
    assert list(REQUIRED) == names


def test_this_environment_has_every_package():
    assert missing_packages() == []
