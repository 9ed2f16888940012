"""Tools > Render to video…: a lesson, or a stretch of the session's timeline, rendered offline
(gui/tutorial/lesson_render.py) at a chosen frame rate and size, with progress and Cancel.

The dialog remembers the last file and settings (in the app's settings when it has them). The
window the learner works in is never resized or repainted for it: the frames come from a window
of the render's own.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QProgressDialog,
    QSpinBox,
    QWidget,
)

from engine.files.lesson import Lesson, LessonError
from engine.files.lesson_library import builtin_titles, load_builtin
from gui.tutorial.lesson_film import LessonFilm, TimelineFilm
from gui.tutorial.lesson_render import (
    FPS_CHOICES,
    SIZES,
    FilmRender,
    LessonPreparation,
    RenderPlan,
)
from gui.tutorial.video_file_field import VideoFileField

STATUS_MS = 10_000
KEY = "render/"  # the settings the dialog remembers, under this prefix
OPEN_LESSON = "open"
TIMELINE = "timeline"


class RenderDialog(QDialog):
    """What to render, where, how fast and how large."""

    def __init__(self, parent: QWidget, open_lesson: Lesson | None, timeline: tuple | None,
                 settings: QSettings | None):
        """timeline: (first, last) iterations the session's timeline holds, or None."""
        super().__init__(parent)
        self.setWindowTitle("Render to video")
        self.settings = settings
        self.source = QComboBox()
        if open_lesson is not None:
            self.source.addItem(f"The open lesson: {open_lesson.title}", OPEN_LESSON)
        for name, title in builtin_titles().items():
            self.source.addItem(f"Lesson: {title}", name)
        if timeline is not None:
            self.source.addItem("The timeline of the session in the window", TIMELINE)
        first, last = timeline or (0, 0)
        self.first, self.last = _spin(first, last, first), _spin(first, last, last)
        self.every = _spin(1, max(1, last - first), 1)
        remembered = self._remembered("path", "")
        self.where = VideoFileField("Render to", remembered or None, "lesson.mp4", settings)
        self.path = self.where.path
        self.fps = QComboBox()
        self.fps.addItems([str(each) for each in FPS_CHOICES])
        self.fps.setCurrentText(self._remembered("fps", "30"))
        self.size = QComboBox()
        self.size.addItems(list(SIZES))
        self.size.setCurrentText(self._remembered("size", "1920 x 1080"))
        self.captions = QCheckBox("Captions in a strip on the video (subtitles are written too)")
        self.captions.setChecked(self._remembered("captions", "true") == "true")
        self._lay_out()
        self.source.currentIndexChanged.connect(self._on_source_changed)
        self._on_source_changed()

    def _lay_out(self) -> None:
        form = QFormLayout(self)
        form.addRow("Render", self.source)
        form.addRow("From iteration", self.first)
        form.addRow("To iteration", self.last)
        form.addRow("Iterations per frame", self.every)
        form.addRow("File (.mp4 or .gif)", self.where)
        form.addRow("Frames per second", self.fps)
        form.addRow("Size", self.size)
        form.addRow(self.captions)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Render")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def choice(self) -> str:
        """OPEN_LESSON, TIMELINE or a built-in lesson's name."""
        return self.source.currentData()

    def plan(self) -> RenderPlan:
        """The render the dialog describes (remembered for next time)."""
        path = self.where.file()
        if path.suffix.lower() not in (".mp4", ".gif"):
            path = path.with_suffix(".mp4")
        for key, value in (("path", str(path)), ("fps", self.fps.currentText()),
                           ("size", self.size.currentText()),
                           ("captions", "true" if self.captions.isChecked() else "false")):
            if self.settings is not None:
                self.settings.setValue(KEY + key, value)
        return RenderPlan(path, int(self.fps.currentText()), SIZES[self.size.currentText()],
                          self.captions.isChecked())

    def _remembered(self, key: str, default: str) -> str:
        if self.settings is None:
            return default
        return str(self.settings.value(KEY + key, default))

    def _on_source_changed(self, _index: int = 0) -> None:
        """The iteration range matters only for the timeline."""
        for box in (self.first, self.last, self.every):
            box.setEnabled(self.choice() == TIMELINE)


class RenderAction(QObject):
    """Tools > Render to video… in one window."""

    def __init__(self, window, lessons, settings: QSettings | None = None):
        super().__init__(window)
        self.window, self.lessons, self.settings = window, lessons, settings
        self.render: FilmRender | None = None
        self._subtitled = False  # the render writes subtitles and a narration script
        self.preparation: LessonPreparation | None = None
        self.dialog: QProgressDialog | None = None
        self.action = QAction("Render to &video…", window)
        self.action.setShortcut(QKeySequence("Ctrl+Alt+V"))
        self.action.triggered.connect(self.ask)
        window.add_menu_action("Tools", self.action)

    def ask(self) -> None:
        """Ask what to render, then render it."""
        dialog = RenderDialog(self.window, self.lessons.tour.lesson, self._timeline_range(),
                              self.settings)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        plan = dialog.plan()
        if dialog.choice() == TIMELINE:
            self.render_timeline(plan, dialog.first.value(), dialog.last.value(),
                                 dialog.every.value())
            return
        try:
            lesson = self.lessons.tour.lesson if dialog.choice() == OPEN_LESSON \
                else load_builtin(dialog.choice())
        except LessonError as error:
            self._say(f"Could not render: {error}")
            return
        self.render_lesson(lesson, plan)

    def render_lesson(self, lesson: Lesson, plan: RenderPlan) -> None:
        """Play every step (progress: steps), then render the frames (progress: frames)."""
        self._progress(len(lesson.steps), "Preparing the lesson's steps…")
        self.preparation = LessonPreparation(lesson, self)
        self.preparation.progressed.connect(self._on_preparation_progressed)
        self.preparation.finished.connect(
            lambda steps, problem: self._on_preparation_finished(lesson, plan, steps, problem))
        self.preparation.start()

    def render_timeline(self, plan: RenderPlan, first: int, last: int, every: int) -> None:
        """Iterations `first` to `last` of the session on screen, every `every`th a frame."""
        lab = self.window.active_lab()
        timeline = self._timeline()
        try:
            film = TimelineFilm(lab.controller.capture_session(lab.view_settings()),
                                timeline.keyframes[id(lab.controller)].frames, first, last,
                                every, plan.fps)
        except ValueError as error:
            self._say(f"Could not render: {error}")
            return
        self._film(film, plan)

    # --- progress -----------------------------------------------------------------------------

    def _progress(self, maximum: int, text: str) -> None:
        self.dialog = QProgressDialog(text, "Cancel", 0, maximum, self.window)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(0)
        self.dialog.canceled.connect(self._on_dialog_canceled)

    def _on_preparation_progressed(self, done: int, of: int) -> None:
        if self.dialog is not None:
            self.dialog.setValue(done)
            self.dialog.setLabelText(f"Preparing the lesson's steps: {done} of {of}")

    def _on_preparation_finished(self, lesson: Lesson, plan: RenderPlan, steps, problem: str):
        self.preparation = None
        if steps is None:
            self._done(None, problem)
            return
        self._film(LessonFilm(lesson, steps, captions=plan.captions), plan)

    def _film(self, film, plan: RenderPlan) -> None:
        self._subtitled = isinstance(film, LessonFilm)
        if self.dialog is None:
            self._progress(1, "Rendering…")
        self.render = FilmRender(film, plan, self)
        self.render.progressed.connect(self._on_render_progressed)
        self.render.finished.connect(self._done)
        self.render.start()

    def _on_render_progressed(self, done: int, of: int, text: str) -> None:
        if self.dialog is not None:
            self.dialog.setMaximum(of)
            self.dialog.setValue(min(done, of - 1))  # reaching the maximum would close it
            self.dialog.setLabelText(f"{text}: {done} of {of}")

    def _on_dialog_canceled(self) -> None:
        """Cancel: stop preparing or rendering; nothing is written."""
        if self.preparation is not None:
            self.preparation.cancel()
            self.preparation = None
            self._done(None, "cancelled")
        elif self.render is not None:
            self.render.cancel()

    def _done(self, path: Path | None, problem: str) -> None:
        if self.dialog is not None:
            self.dialog.reset()
            self.dialog = None
        self.render = None
        if path is not None:
            self._say(f"Rendered {path}" + (" with its subtitles (.srt, .vtt) and narration "
                                             "script (.txt)" if self._subtitled else ""))
        else:
            self._say(f"Nothing was rendered: {problem}")

    # --- helpers -----------------------------------------------------------------------------

    def _timeline(self):
        from gui.tutorial.timeline import Timeline

        return self.window.findChild(Timeline)

    def _timeline_range(self) -> tuple[int, int] | None:
        lab, timeline = self.window.active_lab(), self._timeline()
        if lab is None or timeline is None:
            return None
        frames = timeline.keyframes.get(id(lab.controller))
        if frames is None or not frames.frames:
            return None
        return min(frames.frames), timeline.latest.get(id(lab.controller), max(frames.frames))

    def _say(self, message: str) -> None:
        self.window.statusBar().showMessage(message, STATUS_MS)


def _spin(low: int, high: int, value: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, max(low, high))
    box.setValue(value)
    return box
