"""The Python packages the app needs, checked before any of them is imported.

Started with an interpreter that lacks them (a fresh Python, a forgotten virtual environment),
the app would otherwise die on the first import with a traceback naming one module by its import
name. This names every missing package by the name pip installs it under, with the command that
installs them all, and nothing else.
"""

from __future__ import annotations

import sys
from importlib.util import find_spec

# pyproject.toml's dependencies (a test keeps the two in step): distribution -> import name.
REQUIRED = {
    "numpy": "numpy",
    "nnfs": "nnfs",
    "PySide6-Essentials": "PySide6",
    "pyqtgraph": "pyqtgraph",
    "threadpoolctl": "threadpoolctl",
    "platformdirs": "platformdirs",
    "imageio": "imageio",
    "imageio-ffmpeg": "imageio_ffmpeg",
}
INSTALL = "python -m pip install -e ."


def missing_packages() -> list[str]:
    """The distributions of REQUIRED this interpreter cannot import."""
    return [name for name, module in REQUIRED.items() if find_spec(module) is None]


def refuse_without_packages() -> bool:
    """Print what is missing and how to install it; True if anything is. A bundle
    (PyInstaller sets sys.frozen) carries what it was built with: pip cannot help it."""
    if getattr(sys, "frozen", False):
        return False
    missing = missing_packages()
    if missing:
        print(f"Backprop Playground cannot start: this Python ({sys.executable}) lacks the "
              f"packages {', '.join(missing)}.\nInstall them from the project's folder with\n"
              f"    {INSTALL}\n(README.md, Install, says more).", file=sys.stderr)
    return bool(missing)
