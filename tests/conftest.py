"""Shared test set-up: Qt renders offscreen, and no test touches the user's real settings."""

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault(
    "BACKPROP_PLAYGROUND_SETTINGS",
    os.path.join(tempfile.mkdtemp(prefix="bp-settings-"), "settings.ini"),
)
