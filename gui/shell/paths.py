"""Where the app keeps files of its own (autosaves, crash logs), one folder for all of them.

Tests and portable setups point it elsewhere with the BACKPROP_PLAYGROUND_DATA environment
variable, so nothing they do lands in the user's real data folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

DATA_ENV = "BACKPROP_PLAYGROUND_DATA"
APP_DIR_NAME = "backprop-playground"


def data_dir() -> Path:
    """The app's data folder (created if missing): $BACKPROP_PLAYGROUND_DATA when set, else
    the platform's per-user data folder (~/.local/share/backprop-playground on Linux)."""
    override = os.environ.get(DATA_ENV)
    path = Path(override) if override else Path(user_data_dir(APP_DIR_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path
