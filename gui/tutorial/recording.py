"""Record a training run to a GIF or an MP4, one frame every N iterations.

Frames are counted in iterations, never in wall-clock time, so the same session always gives
the same frames: the recorder trains N iterations through the lab's controller, lets the views
settle, grabs the window and appends the picture. Each frame is one slice on the event loop, so
the window keeps painting and the progress dialog's Cancel answers. GIFs are written by imageio's
Pillow plugin, MP4s by imageio-ffmpeg (its wheel carries ffmpeg).
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QImage, QKeySequence, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMainWindow,
    QProgressDialog,
    QPushButton,
    QSpinBox,
)

from gui.shell.main_window import MainWindow

if TYPE_CHECKING:
    from gui.controller.lab_controller import LabController

STATUS_MS = 10_000
SETTLE_ROUNDS = 20  # at most this many event-loop passes for the views to finish a frame


@dataclass(frozen=True)
class RecordingPlan:
    """What to record: the file (its suffix picks GIF or MP4), frames per second, frame size
    in pixels (None: the window's size), iterations between frames and frames after the first."""

    path: Path
    fps: int = 10
    size: tuple[int, int] | None = None
    every: int = 10
    frames: int = 30


def frame_pixels(image: QImage, size: tuple[int, int], background: str) -> np.ndarray:
    """The grabbed window as (height, width, 3) uint8 RGB of exactly `size`, scaled with its
    aspect kept and centred on `background` when its shape differs."""
    width, height = size
    if (image.width(), image.height()) != size:
        scaled = image.scaled(width, height, Qt.AspectRatioMode.KeepAspectRatio,
                              Qt.TransformationMode.SmoothTransformation)
        canvas = QImage(width, height, QImage.Format.Format_RGB888)
        canvas.fill(QColor(background))
        painter = QPainter(canvas)
        painter.drawImage((width - scaled.width()) // 2, (height - scaled.height()) // 2, scaled)
        painter.end()
        image = canvas
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(height, image.bytesPerLine())
    return rows[:, :width * 3].reshape(height, width, 3).copy()


def open_writer(path: Path, fps: int):
    """An imageio writer with append_data(frame) and close(), for a .gif or an .mp4 path."""
    import imageio.v2 as imageio

    suffix = path.suffix.lower()
    if suffix == ".gif":
        return _GifWriter(path, fps)
    if suffix == ".mp4":
        if importlib.util.find_spec("imageio_ffmpeg") is None:
            raise ValueError("MP4 needs imageio-ffmpeg, which the standalone bundle leaves out "
                             "to stay small: record a GIF, or run the pip-installed app")
        return imageio.get_writer(path, format="FFMPEG", fps=fps, codec="libx264",
                                  pixelformat="yuv420p", macro_block_size=1, quality=8,
                                  ffmpeg_log_level="error")
    raise ValueError(f"cannot record to {suffix or 'a file without a suffix'}: "
                     "choose .gif or .mp4")


class _GifWriter:
    """Frames gathered, then written by Pillow in one go on close (what GIF needs)."""

    def __init__(self, path: Path, fps: int):
        self.path, self.duration, self.frames = path, 1000 / fps, []

    def append_data(self, frame: np.ndarray) -> None:
        self.frames.append(frame)

    def close(self) -> None:
        import imageio.v3 as iio

        if self.frames:
            iio.imwrite(self.path, np.stack(self.frames), plugin="pillow",
                        duration=self.duration, loop=0)


class Recorder(QObject):
    """Records `plan` from `controller`'s current state in `window`, one frame per slice."""

    # (Path or None, frames written) None when nothing could be written
    finished = Signal(object, int)

    def __init__(self, window: QMainWindow, controller, plan: RecordingPlan,
                 progress: bool = True):
        super().__init__(window)
        self.window, self.controller, self.plan = window, controller, plan
        self.written = 0
        self._old_size = window.size()
        if plan.size is not None:
            window.resize(*plan.size)
        self.size = plan.size or (window.width() - window.width() % 2,
                                  window.height() - window.height() % 2)
        self._writer = open_writer(Path(plan.path), plan.fps)
        self._cancelled = False
        self.dialog: QProgressDialog | None = None
        if progress:
            self.dialog = QProgressDialog("Recording…", "Cancel", 0, plan.frames + 1, window)
            self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
            self.dialog.setMinimumDuration(0)
            self.dialog.canceled.connect(self.cancel)

    def start(self) -> None:
        """The first frame now, the rest one per pass of the event loop."""
        QTimer.singleShot(0, self._next_frame)

    def cancel(self) -> None:
        """Stop after the current frame; what was recorded so far is kept."""
        self._cancelled = True

    def _next_frame(self) -> None:
        if self._cancelled:
            self._finish()
            return
        if self.written:
            self.controller.run_iterations(self.plan.every)
        self._settle()
        from gui.shell.theme import current_theme

        image = self.window.grab().toImage()
        self._writer.append_data(frame_pixels(image, self.size, current_theme().window))
        self.written += 1
        if self.dialog is not None:
            self.dialog.setValue(self.written)
        if self.written > self.plan.frames:
            self._finish()
        else:
            QTimer.singleShot(0, self._next_frame)

    def _settle(self) -> None:
        """Let the views finish what the last snapshot started (a plane drawn in slices,
        deferred layouts), until a pass brings no new snapshot."""
        for _ in range(SETTLE_ROUNDS):
            before = self.controller.snapshot
            QApplication.sendPostedEvents()
            QApplication.processEvents()
            if self.controller.snapshot is before:
                break

    def _finish(self) -> None:
        try:
            self._writer.close()
        finally:
            if self.dialog is not None:
                self.dialog.reset()
            if self.plan.size is not None:
                self.window.resize(self._old_size)
        self.finished.emit(Path(self.plan.path) if self.written else None, self.written)


# The frame sizes a recording offers, which View > Recording size makes the window's too.
RECORDING_SIZES = ((1280, 720), (1920, 1080), (3840, 2160))
WINDOW_SIZE = "Window size"
SIZES: dict[str, tuple[int, int] | None] = {
    **{f"{width} x {height}": (width, height) for width, height in RECORDING_SIZES},
    WINDOW_SIZE: None}


def active_controller(window: MainWindow) -> LabController | None:
    """The controller of the lab on screen, or None before a scenario is open."""
    lab = window.active_lab()
    return lab.controller if lab is not None else None


class RecordDialog(QDialog):
    """File > Record…: where, which format, how fast, how large, how many iterations."""

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.setWindowTitle("Record a run")
        self.path = QLineEdit(str(Path.home() / "backprop-run.mp4"))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._on_browse_clicked)
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(browse)
        self.format = QComboBox()
        self.format.addItems(["MP4", "GIF"])
        self.format.currentTextChanged.connect(self._on_format_changed)
        self.fps = _spin(1, 60, 10)
        self.size = QComboBox()
        self.size.addItems(list(SIZES))
        # A window set to a recording size (View > Recording size) records frames of that size.
        shown = (window.width(), window.height())
        self.size.setCurrentText(next((name for name, size in SIZES.items() if size == shown),
                                      WINDOW_SIZE))
        self.every = _spin(1, 100_000, 10)
        self.frames = _spin(1, 10_000, 30)
        form = QFormLayout(self)
        form.addRow("File", where)
        form.addRow("Format", self.format)
        form.addRow("Frames per second", self.fps)
        form.addRow("Size", self.size)
        form.addRow("Iterations between frames", self.every)
        form.addRow("Frames after the first", self.frames)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Record")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def plan(self) -> RecordingPlan:
        """The recording the dialog describes, the file given the format's suffix."""
        suffix = "." + self.format.currentText().lower()
        path = Path(self.path.text()).expanduser()
        if path.suffix.lower() != suffix:
            path = path.with_suffix(suffix)
        return RecordingPlan(path, self.fps.value(), SIZES[self.size.currentText()],
                             self.every.value(), self.frames.value())

    def _on_format_changed(self, text: str) -> None:
        """Keep the file name's suffix in step with the chosen format."""
        path = Path(self.path.text())
        self.path.setText(str(path.with_suffix("." + text.lower())))

    def _on_browse_clicked(self) -> None:
        """Choose the file to write."""
        chosen, _ = QFileDialog.getSaveFileName(self, "Record to", self.path.text(),
                                                "Videos (*.mp4 *.gif)")
        if chosen:
            self.path.setText(chosen)
            if Path(chosen).suffix.lower() == ".gif":
                self.format.setCurrentText("GIF")


def _spin(low: int, high: int, value: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setValue(value)
    return box


class RecordAction(QObject):
    """File > Record… in one window."""

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.window = window
        self.recorder: Recorder | None = None
        self.action = QAction("&Record…", window)
        self.action.setShortcut(QKeySequence("Ctrl+Shift+R"))
        self.action.triggered.connect(self.ask)
        window.add_menu_action("File", self.action)

    def ask(self) -> None:
        """Ask what to record, then record it."""
        controller = active_controller(self.window)
        if controller is None:
            self.window.statusBar().showMessage("Open a scenario first: there is no run to "
                                                "record yet.", STATUS_MS)
            return
        dialog = RecordDialog(self.window)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.record(controller, dialog.plan())

    def record(self, controller, plan: RecordingPlan) -> Recorder | None:
        """Start recording `plan`; a file that cannot be opened is reported, not raised."""
        controller.pause()
        try:
            self.recorder = Recorder(self.window, controller, plan)
        except (OSError, ValueError) as error:
            self.window.statusBar().showMessage(f"Could not record: {error}", STATUS_MS)
            return None
        self.recorder.finished.connect(self._on_recorder_finished)
        self.recorder.start()
        return self.recorder

    def _on_recorder_finished(self, path: Path | None, frames: int) -> None:
        """Say where the recording went."""
        self.window.statusBar().showMessage(
            f"Recorded {frames} frames to {path}" if path else "Nothing was recorded",
            STATUS_MS)
