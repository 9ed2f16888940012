"""The app's identity: one version everywhere (`--version`, the About dialog, pyproject.toml),
the desktop entry's name and the icon."""

import subprocess
import sys
from pathlib import Path

from gui import APP_NAME, _pyproject_version, app_version
from gui.shell.about import AboutDialog
from gui.shell.app import create_application
from gui.shell.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[3]


def test_about_dialog_and_version_option_name_the_packages_version(qtbot):
    printed = subprocess.run([sys.executable, str(ROOT / "main.py"), "--version"],
                             capture_output=True, text=True, timeout=60).stdout.strip()
    assert printed == f"{APP_NAME} {_pyproject_version(ROOT / 'pyproject.toml')}"

    window = MainWindow()
    qtbot.addWidget(window)
    about = next(a for a in window.menu("Help").actions() if "About" in a.text())
    about.trigger()
    dialog = window.findChild(AboutDialog)
    qtbot.waitExposed(dialog)
    assert f"<h2>{printed}</h2>" in dialog.text.text()
    assert printed.endswith(app_version())


def test_the_application_names_its_desktop_entry_and_carries_the_icon(qtbot):
    app = create_application()
    assert app.applicationVersion() == app_version()
    # Wayland and the task switchers find the menu entry and its icon by this name.
    assert (ROOT / "resources" / f"{app.desktopFileName()}.desktop").is_file()
    sizes = {(size.width(), size.height()) for size in app.windowIcon().availableSizes()}
    assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= sizes
