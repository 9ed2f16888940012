"""A lesson (or a stretch of the timeline) rendered offline to an MP4 or a GIF, frame by frame.

Nothing is captured from the screen in real time: a window of its own, never shown on screen,
is laid out at the video's size (a 4K video lays out the 1080p window and paints it at twice the
pixels), and each frame is that window painted into an image at the frame's exact time. Each
step's state comes from the same actions as in the window (gui/tutorial/step_actions.py),
training advancing with the frames' times; captions and highlights ease in and out as
gui/tutorial/lesson_pacing.py plans. So the same lesson at the same settings gives the same file,
however fast the computer. Frames stream through the recorder's writers
(gui/tutorial/video_writers.py) into a temporary file beside the target, which replaces it only
when complete; a frame that shows what the last one showed is that frame again, not a new
painting. One frame is made
per turn of the event loop, so the window the learner works in keeps answering and Cancel works.
The same render writes the captions as SubRip and WebVTT subtitles and a narration script
beside the video (engine/files/lesson_subtitles.py).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication

from engine.files.atomic import FileWriteError, PendingFile, write_error
from engine.files.lesson import Lesson
from engine.files.lesson_player import LessonPlayer, PlayedStep
from gui.shell.theme import current_theme
from gui.tutorial.lesson_worker import LessonWorker
from gui.tutorial.recording import frame_pixels
from gui.tutorial.video_writers import open_writer

if TYPE_CHECKING:  # the films replay sessions: their machinery loads when a render starts
    from gui.tutorial.lesson_film import Film

LAYOUT_HEIGHT = 1080  # the window is laid out this tall (in its own pixels) and scaled to fit
FPS_CHOICES = (24, 30, 60)
SIZES = {"1280 x 720": (1280, 720), "1920 x 1080": (1920, 1080), "3840 x 2160": (3840, 2160)}
SETTLE_ROUNDS = 200  # at most this many event-loop passes for a frame's views to finish


@dataclass(frozen=True)
class RenderPlan:
    """What to render: the file (its suffix picks GIF or MP4), frames per second, the frame's
    size in pixels, and whether the captions show in a strip (the subtitles are written
    anyway)."""

    path: Path
    fps: int = 30
    size: tuple[int, int] = (1920, 1080)
    captions: bool = True


def layout_size(size: tuple[int, int]) -> tuple[tuple[int, int], float]:
    """The window's own size for a frame of `size`, and how many frame pixels to paint per
    window pixel: 4K paints the 1080p layout at 2, 720p paints it at 1 and shrinks the image."""
    ratio = size[1] / LAYOUT_HEIGHT
    return (round(size[0] / ratio), LAYOUT_HEIGHT), max(1.0, ratio)


class FilmRender(QObject):
    """Renders `film` into `plan.path`; `finished` says what was written, or why not."""

    # (frames done, frames in all, what is happening) for a progress bar
    progressed = Signal(int, int, str)
    # (Path or None, problem) the video written (None: nothing kept), "" or why it stopped
    finished = Signal(object, str)

    def __init__(self, film: Film, plan: RenderPlan, parent: QObject | None = None):
        super().__init__(parent)
        self.film, self.plan = film, plan
        self.frames_done = 0
        self._window = None
        self._file: PendingFile | None = None
        self._video = None
        self._last: tuple | None = None  # (what the last frame showed, its pixels)
        self._cancelled = False

    def start(self) -> None:
        """Open the file, lay the window out, then a frame per turn of the event loop."""
        try:
            self._file = PendingFile(self.plan.path)
            self._video = open_writer(self._file.path, Path(self.plan.path).suffix.lower()[1:],
                                      self.plan.fps)
        except (OSError, ValueError) as error:
            if self._file is not None:
                self._file.discard()
                self._file = None
            self.finished.emit(None, str(error))
            return
        (width, height), self._ratio = layout_size(self.plan.size)
        self._window = self.film.make_window(width, height)
        self.total = max(1, round(self.film.seconds * self.plan.fps))
        QTimer.singleShot(0, self._next_frame)

    def cancel(self) -> None:
        """Stop after the frame being made; nothing is written."""
        self._cancelled = True

    def _next_frame(self) -> None:
        if self._cancelled:
            self._end(None, "cancelled")
            return
        try:
            shown = self.film.show(self.frames_done / self.plan.fps)
            self._settle()
            self._video.append_data(self._pixels(shown))
        except OSError as error:
            self._end(None, f"the video could not be written: {error}")
            return
        self.frames_done += 1
        self.progressed.emit(self.frames_done, self.total, "Rendering frames")
        if self.frames_done < self.total:
            QTimer.singleShot(0, self._next_frame)
            return
        try:
            self._video.close()
            self._video = None
            path = self._file.commit()
            self._file = None
            self.film.write_extras(self.plan.path)
        except OSError as error:
            if not isinstance(error, FileWriteError):
                error = write_error(Path(self.plan.path), error)
            self._end(None, f"the video could not be finished: {error}")
            return
        self._end(path, "")

    def _pixels(self, shown: tuple):
        """The frame's pixels: painted again only if it shows something new."""
        if self._last is not None and self._last[0] == shown:
            return self._last[1]
        image = QImage(round(self._window.width() * self._ratio),
                       round(self._window.height() * self._ratio), QImage.Format.Format_RGB32)
        image.setDevicePixelRatio(self._ratio)
        background = current_theme().window
        image.fill(QColor(background))
        self._window.render(image)
        image.setDevicePixelRatio(1.0)
        if (image.width(), image.height()) != self.plan.size:
            image = image.scaled(*self.plan.size, Qt.AspectRatioMode.IgnoreAspectRatio,
                                 Qt.TransformationMode.SmoothTransformation)
        pixels = frame_pixels(image, self.plan.size, background)
        self._last = (shown, pixels)
        return pixels

    def _settle(self) -> None:
        """Let the views finish what the frame's changes started (a plane drawn in slices,
        deferred layouts) until a pass brings no new snapshot."""
        for _ in range(SETTLE_ROUNDS):
            before = self.film.snapshot()
            for _pass in range(3):
                QApplication.sendPostedEvents()
                QApplication.processEvents()
            if self.film.snapshot() is before:
                return

    def _end(self, path: Path | None, problem: str) -> None:
        if self._video is not None:
            with contextlib.suppress(OSError):
                self._video.abandon()
            self._video = None
        if self._file is not None:
            self._file.discard()
            self._file = None
        self.film.close()
        self._window = None
        self.finished.emit(path, problem)


class LessonPreparation(QObject):
    """Every step of a lesson played by the engine (off the window's thread) before its frames
    are made: a video's length depends on every step's time."""

    # (steps played, steps in all)
    progressed = Signal(int, int)
    # (the PlayedSteps in order, or None if one failed; the problem)
    finished = Signal(object, str)

    def __init__(self, lesson: Lesson, parent: QObject | None = None):
        super().__init__(parent)
        self.lesson = lesson
        self.worker = LessonWorker(LessonPlayer(lesson), self)
        self.worker.played.connect(self._on_worker_played)
        self.worker.failed.connect(self._on_worker_failed)
        self._played: dict[int, PlayedStep] = {}
        self._ended = False

    def start(self) -> None:
        for number in range(len(self.lesson.steps)):
            self.worker.request(number)

    def cancel(self) -> None:
        self._ended = True
        self.worker.stop()

    def _on_worker_played(self, number: int, played: PlayedStep) -> None:
        if self._ended:
            return
        self._played[number] = played
        count = len(self.lesson.steps)
        complete = len(self._played) == count
        if complete:  # decided before anything else runs: a progress dialog runs the loop
            self._end([self._played[n] for n in range(count)], "")
        else:
            self.progressed.emit(len(self._played), count)

    def _on_worker_failed(self, number: int, problem: str) -> None:
        if not self._ended:
            self._end(None, f"step {number + 1} could not be played: {problem}")

    def _end(self, steps: list[PlayedStep] | None, problem: str) -> None:
        self._ended = True
        self.worker.stop()
        self.finished.emit(steps, problem)
