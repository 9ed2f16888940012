"""Work kept aside: the autosaves of crashed runs, declined or not restorable, and the last
autosave of a run quit by a signal with unsaved work, dated, the newest few kept.

Declining the restore offer used to lose the crashed work to the next autosave, 30 seconds
later. Now such an autosave is moved into the data folder's "recovered" folder under the time
it was last written, and File > Recover work offers every one of them, newest first.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from engine.training.cost import size_text
from gui.shell.main_window import MainWindow

RECOVERED_FOLDER = "recovered"
KEPT = 8  # the newest kept-aside autosaves; older ones are deleted
_STAMP = "%Y-%m-%d_%H-%M-%S"
_WHY = re.compile(r"-([a-z]+)(?:-\d+)?$")


def recovered_folder(data: Path) -> Path:
    folder = data / RECOVERED_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def keep_aside(autosave: Path, data: Path, why: str) -> Path | None:
    """Move `autosave` into the recovered folder, named by when it was written and `why`
    ("crashed", "declined", "damaged", "quit"); the path it now has (None if it is gone)."""
    try:
        written = autosave.stat().st_mtime
    except OSError:
        return None
    folder = recovered_folder(data)
    stamp = datetime.fromtimestamp(written).strftime(_STAMP)
    target = folder / f"{stamp}-{why}.json"
    number = 2
    while target.exists():
        target = folder / f"{stamp}-{why}-{number}.json"
        number += 1
    try:
        os.replace(autosave, target)
    except OSError:
        return None
    _prune(folder)
    return target


def kept_aside(data: Path) -> list[Path]:
    """The kept-aside autosaves, newest first."""
    folder = data / RECOVERED_FOLDER
    with contextlib.suppress(OSError):
        return sorted((path for path in folder.glob("*.json") if path.is_file()),
                      key=lambda path: path.name, reverse=True)
    return []


def describe(path: Path) -> str:
    """'Work from 14:03:12 on 3 December 2026 (3.4 MB, declined)' for a menu entry."""
    try:
        info = path.stat()
    except OSError:
        return path.name
    when = datetime.fromtimestamp(info.st_mtime).strftime("%H:%M:%S on %d %B %Y")
    why = _WHY.search(path.stem)
    return f"Work from {when} ({size_text(info.st_size)}{', ' + why[1] if why else ''})"


def _prune(folder: Path) -> None:
    for old in sorted(folder.glob("*.json"), key=lambda path: path.name, reverse=True)[KEPT:]:
        with contextlib.suppress(OSError):
            old.unlink()


def install_recover_menu(window: MainWindow, data: Path,
                         open_recovered: Callable[[Path], object]) -> QMenu:
    """File > Recover work: one entry per kept-aside autosave, newest first, each opening it
    through `open_recovered`."""
    menu = QMenu("Recover &work", window)
    menu.setToolTipsVisible(True)

    def _on_menu_about_to_show() -> None:
        menu.clear()
        for number, path in enumerate(kept_aside(data), start=1):
            action = QAction(f"&{number} {describe(path)}", menu)
            action.setToolTip(str(path))
            action.triggered.connect(lambda _checked=False, path=path: open_recovered(path))
            menu.addAction(action)
        if menu.isEmpty():
            menu.addAction("No work kept aside").setEnabled(False)

    menu.aboutToShow.connect(_on_menu_about_to_show)
    _on_menu_about_to_show()
    window.add_menu_action("File", menu.menuAction())
    return menu

