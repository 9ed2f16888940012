"""The video file a recording or a render writes: a name to type, and Browse… to choose one.

Both video dialogs (File > Record… and Tools > Render to video…) ask through this one field, so
both propose a file in the folder the last video went to (gui/shell/file_dialogs.py), never in the
folder the program was started from, and both keep the chosen name's suffix a video format.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QWidget

from gui.shell.file_dialogs import ask_save_path, start_folder

KIND = "video"
VIDEO_FILTER = "Videos (*.mp4 *.gif)"


class VideoFileField(QWidget):
    """A path line and its Browse… button; `chosen` is sent with each file picked by Browse…."""

    chosen = Signal(Path)

    def __init__(self, caption: str, path: str | Path | None, name: str,
                 settings: QSettings | None = None):
        """path: the file proposed (a remembered one); None proposes `name` in the video folder."""
        super().__init__()
        self.caption, self.settings = caption, settings
        proposed = Path(path) if path else start_folder(KIND, settings) / name
        self.path = QLineEdit(str(proposed))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._on_browse_clicked)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.path, 1)
        row.addWidget(browse)

    def file(self) -> Path:
        """The typed or chosen file, `~` expanded."""
        return Path(self.path.text()).expanduser()

    def _on_browse_clicked(self) -> None:
        current = self.file()
        path = ask_save_path(self, KIND, self.caption, current.name, VIDEO_FILTER, self.settings,
                             suffix=current.suffix or ".mp4", start=current.parent)
        if path is not None:
            self.path.setText(str(path))
            self.chosen.emit(path)
