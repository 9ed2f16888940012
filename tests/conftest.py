"""Shared test set-up: Qt renders offscreen, and no test touches the user's real settings
or data folder."""

import gc
import os
import tempfile

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault(
    "BACKPROP_PLAYGROUND_SETTINGS",
    os.path.join(tempfile.mkdtemp(prefix="bp-settings-"), "settings.ini"),
)
# Nor the user's data folder (autosaves, crash logs).
os.environ.setdefault("BACKPROP_PLAYGROUND_DATA", tempfile.mkdtemp(prefix="bp-data-"))


@pytest.fixture(autouse=True)
def garbage_collected_between_tests():
    """Collect garbage between tests, never in the middle of a paint.

    A widget a test left behind (closed, its deleteLater not yet run) sits in a reference cycle;
    an automatic collection that happens to run inside a later test's paint event destroys it
    there, and the offscreen platform crashes ("Cannot destroy paint device that is being
    painted"). The app avoids the same with gui.shell.app's timed collector.
    """
    gc.disable()
    yield
    gc.enable()
    gc.collect()
