"""Where the window remembers its geometry and dock layout between runs.

Tests and screenshots must never read or write the user's real settings, so the environment
variable SETTINGS_ENV can point the whole app at a private INI file instead.
"""

import os

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMainWindow

from gui import APP_NAME

SETTINGS_ENV = "BACKPROP_PLAYGROUND_SETTINGS"
ORGANIZATION = "Backprop Playground"
GEOMETRY_KEY = "window/geometry"
STATE_KEY = "window/state"
# Bump when the set of docks changes so an old saved layout is ignored rather than misapplied
# (2: panels scroll inside their docks, and each lab keeps its own arrangement).
LAYOUT_VERSION = 2


def open_settings() -> QSettings:
    """The user's settings, or the INI file named by $BACKPROP_PLAYGROUND_SETTINGS when set."""
    private_file = os.environ.get(SETTINGS_ENV)
    if private_file:
        return QSettings(private_file, QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APP_NAME)


def save_window_layout(window: QMainWindow, settings: QSettings) -> None:
    """Store the window's geometry and its docks' arrangement."""
    settings.setValue(GEOMETRY_KEY, window.saveGeometry())
    settings.setValue(STATE_KEY, window.saveState(LAYOUT_VERSION))
    settings.sync()


def restore_window_layout(window: QMainWindow, settings: QSettings) -> bool:
    """Apply a stored geometry and dock arrangement; False when nothing stored could be applied."""
    geometry = settings.value(GEOMETRY_KEY)
    state = settings.value(STATE_KEY)
    restored_geometry = geometry is not None and window.restoreGeometry(geometry)
    restored_state = state is not None and window.restoreState(state, LAYOUT_VERSION)
    return restored_geometry or restored_state
