"""The main window's title, with one owner.

Two parts of the app know pieces of it: the active lab knows its scenario's title, the session
actions know the file and whether the session differs from it. Each tells this object its
piece; the title is composed from the pieces held, so it comes out the same whatever order they
are told in. Qt's '[*]' placeholder shows the '*' of unsaved changes.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from gui import APP_NAME


class WindowTitle:
    """Composes `window`'s title from the scenario title, the session file and its '*'."""

    def __init__(self, window: QWidget) -> None:
        self._window = window
        self._scenario: str | None = None
        self._file: str | None = None
        self._modified = False
        self._show()

    def set_scenario(self, title: str | None) -> None:
        """The title of the scenario on screen (None: the start page, no scenario yet)."""
        self._scenario = title
        self._show()

    def set_file(self, name: str | None) -> None:
        """The session file's name (None: untitled, not saved or opened from a file)."""
        self._file = name
        self._show()

    def set_modified(self, modified: bool) -> None:
        """Whether the session has changes its file (or its scenario's start) does not."""
        self._modified = modified
        self._show()

    def text(self) -> str:
        """The title as composed: the file's name first when there is one."""
        if self._scenario is None:
            return APP_NAME
        if self._file is None:
            return f"{self._scenario}[*] - {APP_NAME}"
        return f"{self._file}[*] - {self._scenario} - {APP_NAME}"

    def _show(self) -> None:
        text = self.text()
        if self._window.windowTitle() != text:
            self._window.setWindowTitle(text)
        if "[*]" in text:  # Qt warns about a modified flag with nowhere to show it
            self._window.setWindowModified(self._modified)
