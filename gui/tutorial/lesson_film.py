"""What a rendered video shows at each moment: a lesson's steps one after another, or a stretch
of a session's timeline. A film puts a window of its own (never on screen) in the state of time
`t` (gui/tutorial/lesson_render.py paints it), and says what that frame shows, so a frame equal
to the last is not painted again.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import Qt

from engine.files.atomic import write_atomically
from engine.files.lesson import Lesson
from engine.files.lesson_player import PlayedStep
from engine.files.lesson_subtitles import Cue, narration_script, srt, webvtt
from engine.files.session import Session
from engine.training.stepper import state_at_keyframe
from gui.shell.screenshot import WindowSizeError, settle
from gui.tutorial.lesson_pacing import StepTimes, planned_actions_s, step_times
from gui.tutorial.lesson_targets import Spot, locate, reveal
from gui.tutorial.session_actions import lab_kind, scenario_for
from gui.tutorial.step_actions import StepActions


class Film(Protocol):
    """A video's content, time by time."""

    seconds: float  # how long the video is

    def make_window(self, width: int, height: int):
        """The window the frames are painted from, laid out at `width` x `height`."""

    def show(self, t: float) -> tuple:
        """Put the window as it is `t` seconds in; what it shows (equal: the same frame)."""

    def snapshot(self):
        """The snapshot on screen (views are done when a pass brings no new one)."""

    def write_extras(self, video: Path) -> None:
        """Files that go beside the video (subtitles)."""

    def close(self) -> None:
        """Throw the window away."""


def render_window(width: int, height: int, scenarios: list[str]):
    """A window as the app builds it, laid out at `width` x `height` but never shown on
    screen, without the status bar (its messages time out by the clock, not by the frames).
    The labs of `scenarios` are installed before it is laid out, so their panels take the
    places and proportions a window opened on them has."""
    from gui.shell.app import build_window  # the app wires its windows; built on demand

    window = build_window(None)
    for name in dict.fromkeys(scenarios):
        window.scenario_requested.emit(name)
    window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    window.statusBar().hide()
    window.resize(width, height)
    window.show()
    settle()
    if (window.width(), window.height()) != (width, height):
        least = window.minimumSizeHint()
        window.close()
        window.deleteLater()
        raise WindowSizeError(f"the window cannot be laid out at {width}x{height}: its panels "
                              f"need at least {least.width()}x{least.height()}")
    return window


class _WindowFilm:
    """What both films do with their window."""

    window = None

    def snapshot(self):
        lab = self.window.active_lab()
        return None if lab is None else lab.controller.snapshot

    def close(self) -> None:
        if self.window is not None:
            parts = self._parts()
            parts.overlay.clear()  # its timer asks for spots until the window is deleted
            parts.strip.set_avoid(list)
            self.window.close()
            self.window.deleteLater()
            self.window = None

    def _parts(self):
        from gui.tutorial.lessons import Lessons

        return self.window.findChild(Lessons)

    def _shown(self, *extra) -> tuple:
        controller = self.window.active_lab().controller
        return (id(controller), controller.version, id(controller.snapshot), *extra)


@dataclass(frozen=True)
class Scene:
    """A step in the video: from `start` seconds, as long as its times' end."""

    played: PlayedStep
    times: StepTimes
    start: float
    scale: float  # the actions' schedule squeezed to fit the step


class LessonFilm(_WindowFilm):
    """A lesson's played steps, each for its time: caption, actions, highlights."""

    def __init__(self, lesson: Lesson, steps: list[PlayedStep], captions: bool = True):
        self.lesson, self.steps, self.captions = lesson, steps, captions
        self.scenes: list[Scene] = []
        start = 0.0
        for played in steps:
            planned = planned_actions_s([(a.kind, a.count) for a in played.step.actions])
            times = step_times(played.seconds, played.step.delay, planned)
            self.scenes.append(Scene(played, times, start,
                                     times.actions_s / planned if planned else 1.0))
            start += times.end
        self.seconds = start
        self._scene = -1
        self._runner: StepActions | None = None
        self._revealed = False

    def cues(self) -> list[Cue]:
        """A subtitle per step, timed as the video shows it."""
        return [Cue(scene.start, scene.start + scene.times.end, scene.played.narration())
                for scene in self.scenes]

    def make_window(self, width: int, height: int):
        kinds = {}  # the first scenario of each lab the lesson shows, the first step's last
        for played in reversed(self.steps):
            kinds[lab_kind(played.start)] = scenario_for(played.start)
        self.window = render_window(width, height, list(kinds.values())[::-1])
        return self.window

    def show(self, t: float) -> tuple:
        index = self._scene_at(t)
        if index != self._scene:
            self._enter(index)
        scene = self.scenes[index]
        here = t - scene.start
        times = scene.times
        if here >= times.actions_at:
            self._runner.advance(here - times.actions_at)
        if here >= times.highlights_at and not self._runner.done:
            self._runner.finish()
        if self._runner.done and not self._revealed:
            self._reveal(scene.played)
        caption, highlights = times.opacity(here)
        parts = self._parts()
        parts.strip.set_opacity(caption if self.captions else 0.0)
        parts.overlay.set_opacity(highlights if self._revealed else 0.0)
        return self._shown(index, round(caption, 4), round(highlights if self._revealed else 0, 4))

    def _scene_at(self, t: float) -> int:
        for index, scene in enumerate(self.scenes):
            if t < scene.start + scene.times.end:
                return index
        return len(self.scenes) - 1

    def _enter(self, index: int) -> None:
        if self._runner is not None and not self._runner.done:
            self._runner.finish()
        self._scene = index
        played = self.scenes[index].played
        parts = self._parts()
        if played.step.start.kind != "previous":
            parts.sessions.open_session(played.start)
        heading = f"Step {index + 1} of {len(self.scenes)}"
        parts.strip.set_caption(f"{heading}: {played.step.title}" if played.step.title
                                else heading, played.caption_html())
        parts.strip.set_avoid(self._spots)
        parts.overlay.clear()
        self._revealed = False
        self._runner = StepActions(self.window, played.step.actions, self.scenes[index].scale,
                                   paced=True, presentation_allowed=False)

    def _reveal(self, played: PlayedStep) -> None:
        lab = self.window.active_lab()
        for highlight in played.highlights:
            reveal(self.window, lab, highlight)
        self._parts().overlay.set_locator(self._spots)
        self._revealed = True

    def _spots(self) -> list[Spot]:
        lab = self.window.active_lab()
        if not self._revealed or lab is None:
            return []
        found = (locate(self.window, lab, h) for h in self.scenes[self._scene].played.highlights)
        return [spot for spot in found if isinstance(spot, Spot)]

    def write_extras(self, video: Path) -> None:
        """The video's .srt and .vtt subtitles and its narration script (.txt), beside it."""
        video = Path(video)
        cues = self.cues()
        write_atomically(video.with_suffix(".srt"), srt(cues))
        write_atomically(video.with_suffix(".vtt"), webvtt(cues))
        write_atomically(video.with_suffix(".txt"), narration_script(self.lesson.title,
                                                                     self.steps))


class TimelineFilm(_WindowFilm):
    """Iterations `first` to `last` of a session, `every` apart, a frame each: the session
    (at its latest iteration) and the timeline's keyframes (iteration -> capture_state())
    give every earlier iteration exactly."""

    def __init__(self, session: Session, keyframes: dict[int, dict], first: int, last: int,
                 every: int, fps: int):
        if not keyframes or first < min(keyframes) or last < first:
            raise ValueError(f"the timeline holds iterations from {min(keyframes, default=0)}: "
                             f"{first} to {last} is not a stretch of it")
        self.session = session
        self.keyframes = copy.deepcopy(keyframes)
        self.latest = session.stepper["iteration"]
        self.iterations = list(range(first, last + 1, max(1, every)))
        if self.iterations[-1] != last:
            self.iterations.append(last)
        self.fps = fps
        self.seconds = len(self.iterations) / fps
        self._shown_iteration: int | None = None

    def make_window(self, width: int, height: int):
        self.window = render_window(width, height, [scenario_for(self.session)])
        self._parts().sessions.open_session(self.session)
        return self.window

    def show(self, t: float) -> tuple:
        iteration = self.iterations[min(len(self.iterations) - 1, int(t * self.fps + 1e-9))]
        if iteration != self._shown_iteration:
            self._shown_iteration = iteration
            controller = self.window.active_lab().controller
            if iteration >= self.latest:
                controller.return_to_present()
            else:
                start = max(k for k in self.keyframes if k <= iteration)
                state = state_at_keyframe(controller.present_state(), start,
                                          self.keyframes[start])
                controller.show_past(state, iteration - start, "")
        return self._shown(iteration)

    def write_extras(self, video: Path) -> None:
        """A timeline has no captions to write."""
