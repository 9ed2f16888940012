"""The one way the app asks for a file name: sessions, exports, recordings, points alike.

Each kind of file starts its dialog in the folder last used for that kind (remembered between
runs when the window has settings), else in the folder last used for any file, else in the
user's documents folder; never in the folder the program was started from, which a relative
default such as "take.json" would give. A chosen file's folder becomes the one remembered.

The questions go through QFileDialog's static functions, which tests answer by replacing them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

FOLDER_KEY = "folders/{kind}"
LAST_FOLDER_KEY = "folders/last"
_REMEMBERED: dict[str, str] = {}  # kind -> folder, for windows without settings (this run)


def documents_folder() -> Path:
    """The user's documents folder (their home folder if the platform names none)."""
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    folder = Path(location) if location else Path.home()
    return folder if folder.is_dir() else Path.home()


def start_folder(kind: str, settings: QSettings | None = None) -> Path:
    """Where a dialog for `kind` ("session", "export", "recording", "points", ...) opens."""
    for key in (FOLDER_KEY.format(kind=kind), LAST_FOLDER_KEY):
        value = settings.value(key) if settings is not None else _REMEMBERED.get(key)
        if isinstance(value, str) and value and Path(value).is_dir():
            return Path(value)
    return documents_folder()


def remember_folder(kind: str, path: Path, settings: QSettings | None = None) -> None:
    """`path`'s folder is where the next dialog for `kind` (and for any kind new) opens."""
    folder = str(Path(path).resolve().parent)
    for key in (FOLDER_KEY.format(kind=kind), LAST_FOLDER_KEY):
        if settings is not None:
            settings.setValue(key, folder)
        else:
            _REMEMBERED[key] = folder


def ask_save_path(parent: QWidget, kind: str, caption: str, name: str, filters: str,
                  settings: QSettings | None = None, suffix: str = "",
                  start: Path | None = None) -> Path | None:
    """The file to write, or None if the user cancelled; `name` is the proposed file name in
    the remembered folder (or in `start`, the folder of the file being saved again); a name
    typed without a suffix gets `suffix`."""
    folder = start if start is not None and start.is_dir() else start_folder(kind, settings)
    chosen, _ = QFileDialog.getSaveFileName(parent, caption, str(folder / name), filters)
    if not chosen:
        return None
    path = Path(chosen)
    if suffix and path.suffix == "":
        path = path.with_name(path.name + suffix)
    remember_folder(kind, path, settings)
    return path


def ask_open_path(parent: QWidget, kind: str, caption: str, filters: str,
                  settings: QSettings | None = None) -> Path | None:
    """The file to read, or None if the user cancelled."""
    chosen, _ = QFileDialog.getOpenFileName(parent, caption, str(start_folder(kind, settings)),
                                            filters)
    if not chosen:
        return None
    remember_folder(kind, Path(chosen), settings)
    return Path(chosen)
