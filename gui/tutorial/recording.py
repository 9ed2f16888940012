"""Record a training run to a GIF or an MP4, one frame every N iterations.

Frames are counted in iterations, never in wall-clock time, so the same session always gives
the same frames: the recorder trains N iterations through the lab's controller, lets the views
settle, grabs the window and appends the picture. Each frame is one slice on the event loop, so
the window keeps painting and the progress dialog's Cancel answers. The frames stream into a
temporary file beside the target (gui/tutorial/video_writers.py), which replaces the target only
when it is complete; every way a recording can fail is said in a message box.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6 import QtGui
from PySide6.QtCore import QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QImage, QKeySequence, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QSpinBox,
)

from engine.files.atomic import FileWriteError, PendingFile, write_error
from gui import APP_NAME
from gui.shell.main_window import MainWindow
from gui.tutorial.video_file_field import VideoFileField
from gui.tutorial.video_writers import open_writer

if TYPE_CHECKING:
    from gui.controller.lab_controller import LabController

STATUS_MS = 10_000
# The longest the views may take to finish a frame. A plane is drawn in time-boxed slices, so a
# busy machine needs more passes for the same picture: a cap in passes would grab a half-drawn
# plane there, and the same session would record different frames.
SETTLE_S = 20.0


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


class Recorder(QObject):
    """Records `plan` from `controller`'s current state in `window`, one frame per slice.

    Frames go to a temporary file beside the target, which replaces it only once the writer
    closed cleanly; a write that fails, a full disk or a kill leaves the earlier file as it was.
    A target that cannot be written is refused here, before the first frame (FileWriteError).
    Training that diverges ends the recording with the frames so far, the last one showing it.
    """

    # (Path or None, frames written, problem) the file written (None when nothing was kept) and,
    # when the recording failed or stopped early, why in plain words ("" when it went as planned)
    finished = Signal(object, int, str)

    def __init__(self, window: QMainWindow, controller, plan: RecordingPlan,
                 progress: bool = True):
        super().__init__(window)
        self.window, self.controller, self.plan = window, controller, plan
        self._file = PendingFile(plan.path)
        try:
            self._writer = open_writer(self._file.path, Path(plan.path).suffix.lower()[1:],
                                       plan.fps)
        except (OSError, ValueError):
            self._file.discard()
            raise
        self._old_size = window.size()
        if plan.size is not None:
            window.resize(*plan.size)
        self.size = plan.size or (window.width() - window.width() % 2,
                                  window.height() - window.height() % 2)
        self._cancelled = False
        self.dialog: QProgressDialog | None = None
        if progress:
            self.dialog = QProgressDialog("Recording…", "Cancel", 0, plan.frames + 1, window)
            self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
            self.dialog.setMinimumDuration(0)
            self.dialog.canceled.connect(self.cancel)

    @property
    def written(self) -> int:
        """Frames written so far."""
        return self._writer.frames

    def start(self) -> None:
        """The first frame now, the rest one per pass of the event loop."""
        QTimer.singleShot(0, self._next_frame)

    def cancel(self) -> None:
        """Stop after the current frame; what was recorded so far is kept."""
        self._cancelled = True

    def _next_frame(self) -> None:
        if self._cancelled:
            self._finish("")
            return
        if self.written:
            self.controller.run_iterations(self.plan.every)
        self._settle()
        from gui.shell.theme import current_theme

        image = self.window.grab().toImage()
        try:
            self._writer.append_data(frame_pixels(image, self.size, current_theme().window))
        except OSError as error:
            self._fail(error)
            return
        if self.dialog is not None:
            self.dialog.setValue(self.written)
        diverged = self.controller.snapshot.can_restore
        if diverged or self.written > self.plan.frames:
            self._finish(self.controller.snapshot.notice if diverged else "")
        else:
            QTimer.singleShot(0, self._next_frame)

    def _settle(self) -> None:
        """Let the views finish what the last snapshot started (a plane drawn in slices,
        deferred layouts), until a pass brings no new snapshot."""
        give_up = time.monotonic() + SETTLE_S
        while time.monotonic() < give_up:
            before = self.controller.snapshot
            QApplication.sendPostedEvents()
            QApplication.processEvents()
            if self.controller.snapshot is before:
                break

    def _finish(self, stopped_because: str) -> None:
        """Close the writer and put the file in place; a file that did not close cleanly is
        thrown away, the target kept as it was (as it is when cancelled before any frame)."""
        if not self.written:
            self._writer.abandon()
            self._file.discard()
            self._end(None, stopped_because)
            return
        try:
            self._writer.close()
            path = self._file.commit()
        except OSError as error:
            self._file.discard()
            self._end(None, self._failure(error))
            return
        self._end(path, stopped_because)

    def _fail(self, error: OSError) -> None:
        """A frame could not be written: stop, throw the partial file away."""
        with contextlib.suppress(OSError):
            self._writer.abandon()
        self._file.discard()
        self._end(None, self._failure(error))

    def _failure(self, error: OSError) -> str:
        if not isinstance(error, FileWriteError):
            error = write_error(self._file.target, error)
        return f"{error}; {self._file.target} was left as it was"

    def _end(self, path: Path | None, problem: str) -> None:
        if self.dialog is not None:
            self.dialog.reset()
        if self.plan.size is not None:
            self.window.resize(self._old_size)
        self.finished.emit(path, self.written if path else 0, problem)


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

    def __init__(self, window: QMainWindow, settings: QSettings | None = None):
        super().__init__(window)
        self.setWindowTitle("Record a run")
        self.where = VideoFileField("Record to", None, "backprop-run.mp4", settings)
        self.where.chosen.connect(self._on_where_chosen)
        self.path = self.where.path
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
        form.addRow("File", self.where)
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
        path = self.where.file()
        if path.suffix.lower() != suffix:
            path = path.with_suffix(suffix)
        return RecordingPlan(path, self.fps.value(), SIZES[self.size.currentText()],
                             self.every.value(), self.frames.value())

    def _on_format_changed(self, text: str) -> None:
        """Keep the file name's suffix in step with the chosen format."""
        path = Path(self.path.text())
        self.path.setText(str(path.with_suffix("." + text.lower())))

    def _on_where_chosen(self, path: Path) -> None:
        """A file chosen by name picks its format."""
        if path.suffix.lower() == ".gif":
            self.format.setCurrentText("GIF")


def _spin(low: int, high: int, value: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setValue(value)
    return box


class RecordAction(QObject):
    """File > Record… in one window."""

    def __init__(self, window: QMainWindow, settings: QSettings | None = None):
        super().__init__(window)
        self.window, self.settings = window, settings
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
        dialog = RecordDialog(self.window, self.settings)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.record(controller, dialog.plan())

    def record(self, controller, plan: RecordingPlan) -> Recorder | None:
        """Start recording `plan`; what keeps it from starting is said, not raised."""
        controller.pause()
        refusal = recording_refusal(controller)
        if refusal:
            tell_failure(self.window, refusal)
            return None
        try:
            self.recorder = Recorder(self.window, controller, plan)
        except (OSError, ValueError) as error:
            tell_failure(self.window, f"Nothing was recorded: {error}.")
            return None
        self.recorder.finished.connect(self._on_recorder_finished)
        self.recorder.start()
        return self.recorder

    def _on_recorder_finished(self, path: Path | None, frames: int, problem: str) -> None:
        """Say where the recording went, or why there is none."""
        if path is None:
            self.window.statusBar().showMessage("Nothing was recorded", STATUS_MS)
            if problem:
                tell_failure(self.window, f"The recording failed: {problem}.")
            return
        done = f"Recorded {frames} frames to {path}"
        self.window.statusBar().showMessage(f"{done}. It stopped early: {problem}" if problem
                                            else done, STATUS_MS)


def recording_refusal(controller) -> str:
    """Why a recording cannot start from where `controller` stands, or "" if it can: each frame
    trains on, which a diverged run or a past iteration on the timeline refuses."""
    if controller.snapshot is not None and controller.snapshot.can_restore:
        return ("Training has diverged, so the run cannot go on to be recorded: restore the last "
                "good state first.")
    if controller.viewing_past:
        return ("The timeline shows a past iteration: choose Resume from here, or drag the "
                "timeline to its end, to record from there.")
    return ""


def tell_failure(window: QMainWindow, text: str) -> None:
    """A message box saying why there is no recording, in plain text (a file name is never
    read as markup)."""
    QMessageBox.warning(window, f"Record - {APP_NAME}", QtGui.Qt.convertFromPlainText(
        text, Qt.WhiteSpaceMode.WhiteSpaceNormal))
