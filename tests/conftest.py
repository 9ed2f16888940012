"""Shared test set-up: Qt renders offscreen, and no test touches the user's real settings
or data folder."""

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault(
    "BACKPROP_PLAYGROUND_SETTINGS",
    os.path.join(tempfile.mkdtemp(prefix="bp-settings-"), "settings.ini"),
)
# Nor the user's data folder (autosaves, crash logs).
os.environ.setdefault("BACKPROP_PLAYGROUND_DATA", tempfile.mkdtemp(prefix="bp-data-"))
