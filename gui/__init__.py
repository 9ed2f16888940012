"""The Qt front end of Backprop Playground.

Importing this package stays free of Qt, so that `main.py --version` answers at once.
"""

import re
from importlib import metadata
from pathlib import Path

APP_NAME = "Backprop Playground"
DISTRIBUTION = "backprop-playground"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESOURCES = PROJECT_ROOT / "resources"


def app_version() -> str:
    """The installed distribution's version, or pyproject.toml's in a bare checkout.

    pyproject.toml is the one place the version is written; an installed copy carries it in its
    metadata, a checkout that was never installed only has the file.
    """
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return _pyproject_version(PROJECT_ROOT / "pyproject.toml")


def _pyproject_version(pyproject: Path) -> str:
    """The `version` key of the [project] table (tomllib is 3.11+, the project supports 3.10)."""
    table = re.search(r"^\[project\]\s*$(.*?)(?=^\[|\Z)", pyproject.read_text(), re.M | re.S)
    found = table and re.search(r'^version\s*=\s*"([^"]+)"', table.group(1), re.M)
    if not found:
        raise LookupError(f"no [project] version in {pyproject}")
    return found.group(1)
