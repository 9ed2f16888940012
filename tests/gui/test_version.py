"""One version everywhere: `--version`, the About dialog and pyproject.toml agree."""

import subprocess
import sys
from pathlib import Path

from gui import APP_NAME, _pyproject_version, app_version
from gui.about import AboutDialog
from gui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]


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
