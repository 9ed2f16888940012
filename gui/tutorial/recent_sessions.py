"""The sessions saved or opened lately (File > Open recent) and the last one, which a launch
without arguments reopens, as remembered in the settings.

Settings are read at every start and may hold anything (an older version's format, a hand
edit, a damaged file): a value that is not what this module writes is reported, removed and
otherwise ignored, so the app starts whatever the settings hold.
"""

from __future__ import annotations

import stat
from pathlib import Path

from PySide6.QtCore import QSettings

RECENT_KEY = "sessions/recent"
LAST_KEY = "last_session"
MAX_RECENT = 8
_LONGEST_PATH = 4096


class RecentSessions:
    """The remembered session files, newest first, kept in `settings` (or for this run)."""

    def __init__(self, settings: QSettings | None):
        self.settings = settings
        self.ignored: list[str] = []  # what the settings held that was not understood
        self._paths = self._stored()

    def paths(self) -> list[str]:
        return list(self._paths)

    def remember(self, path: Path) -> None:
        """`path` was saved or opened: first in the list, and the one a launch reopens."""
        text = str(Path(path).resolve())
        self._paths = [text] + [each for each in self._paths if each != text]
        del self._paths[MAX_RECENT:]
        self._store()
        if self.settings is not None:
            self.settings.setValue(LAST_KEY, text)
            self.settings.sync()

    def forget(self, path: str) -> None:
        self._paths = [each for each in self._paths if each != path]
        self._store()

    def last(self) -> Path | None:
        """The session file saved or opened last (in any earlier run), if remembered."""
        value = self.settings.value(LAST_KEY) if self.settings is not None else None
        return Path(value) if _is_path_text(value) else None

    def forget_last(self) -> None:
        """Do not reopen the last session at the next start (it could not be opened)."""
        if self.settings is not None:
            self.settings.remove(LAST_KEY)
            self.settings.sync()

    def _stored(self) -> list[str]:
        if self.settings is None:
            return []
        value = self.settings.value(RECENT_KEY)
        if value is None:
            return []
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not all(_is_path_text(each) for each in values):
            self.ignored.append("the list of recent sessions (it was not a list of file names)")
            self.settings.remove(RECENT_KEY)
            return []
        return [str(each) for each in values][:MAX_RECENT]

    def _store(self) -> None:
        if self.settings is not None:
            self.settings.setValue(RECENT_KEY, list(self._paths))
            self.settings.sync()


def remembered_session(settings: QSettings) -> Path | None:
    """The session file saved or opened last, if it is still a regular file; a remembered
    value that is no file name, or names no regular file, is forgotten."""
    value = settings.value(LAST_KEY)
    if value is None:
        return None
    path = Path(value) if _is_path_text(value) else None
    try:
        regular = path is not None and stat.S_ISREG(path.stat().st_mode)
    except OSError:
        regular = False
    if not regular:
        if path is None:  # garbage, not a file that may come back (a disk not mounted)
            settings.remove(LAST_KEY)
            settings.sync()
        return None
    return path


def _is_path_text(value: object) -> bool:
    return isinstance(value, str) and 0 < len(value) <= _LONGEST_PATH and "\0" not in value
