"""A lesson played in the window: each step's caption, its actions done through the lab's
controller at a teacher's pace, its highlights on the window, its task checked as the learner
works, and the way on (Next, Back, or by itself).

A step goes through three phases. "caption": the engine has played it (on another thread,
gui/tutorial/lesson_worker.py) and the window shows its caption over the state it starts from.
"acting": after the step's delay (or on Next, if the learner asked to wait), its actions run
(gui/tutorial/step_actions.py), operations one by one and training in slices with a progress
bar. "shown": the highlights ease in, the task is checked after every change, and when the
lesson plays by itself it moves on after the step's time. Next during the actions skips to the
step's end state at once; Back shows the previous step as it ended.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMainWindow

from engine.files.lesson import Lesson
from engine.files.lesson_player import LessonPlayer, PlayedStep
from gui.tutorial.lesson_overlay import CaptionStrip, HighlightOverlay
from gui.tutorial.lesson_pacing import FADE_S, PAUSE_S, planned_actions_s, step_times
from gui.tutorial.lesson_targets import Spot, locate, reveal
from gui.tutorial.lesson_worker import LessonWorker

if TYPE_CHECKING:  # it runs the lab's controller: imported when a step plays
    from gui.tutorial.step_actions import StepActions

TICK_MS = 30
SLICE_BUDGET_S = 0.03  # training per tick while a step's actions run
CHECK_MS = 250  # a task is checked at most this often while the learner trains
STATUS_MS = 10_000


class LessonTour(QObject):
    """Plays one lesson at a time in `window` (its panel and overlays are given)."""

    # (step number, phase "preparing" | "caption" | "acting" | "shown") where the tour is
    phase_changed = Signal(int, str)
    # () the lesson was closed (or replaced by another)
    closed = Signal()

    def __init__(self, window: QMainWindow, sessions, panel, overlay: HighlightOverlay,
                 strip: CaptionStrip):
        super().__init__(window)
        self.window, self.sessions, self.panel = window, sessions, panel
        self.overlay, self.strip = overlay, strip
        self.lesson: Lesson | None = None
        self.player: LessonPlayer | None = None
        self.worker: LessonWorker | None = None
        self.number = 0
        self.phase = ""
        self.played: PlayedStep | None = None
        self.autoplay = False
        self.pace = 1.0
        self.wait_for_next = False
        self.strip_on = False
        self.warnings: list[str] = []
        self._runner: StepActions | None = None
        self._acting_since = 0.0
        self._caption_since = 0.0
        self._left: tuple | None = None  # (controller id, version, step) after a step's actions
        self._at_end_wanted = False  # the step being prepared opens at its end (Back)
        self._tick = _timer(self, TICK_MS, self._on_tick_timeout)
        self._delay = _timer(self, 0, self._on_delay_timeout, single=True)
        self._onward = _timer(self, 0, self._on_onward_timeout, single=True)
        self._check = _timer(self, CHECK_MS, self._on_check_timeout, single=True)
        self._connect_panel()

    def _connect_panel(self) -> None:
        panel = self.panel
        panel.next_requested.connect(self.next)
        panel.back_requested.connect(self.back)
        panel.restart_requested.connect(self.restart_step)
        panel.show_me_requested.connect(self.show_me)
        panel.autoplay_toggled.connect(self.set_autoplay)
        panel.pace_changed.connect(self._on_panel_pace_changed)
        panel.wait_toggled.connect(self._on_panel_wait_toggled)
        panel.strip_toggled.connect(self.set_strip)
        panel.close_requested.connect(self.close)

    # --- opening and moving -------------------------------------------------------------------

    def open(self, lesson: Lesson, number: int = 0) -> None:
        """Start `lesson` at step `number` (from 0)."""
        self.open_quietly(lesson)
        self.go_to(number)

    def open_still(self, lesson: Lesson, number: int) -> None:
        """`lesson`'s step `number` at its end, at once: played on this thread, highlights
        and caption strip fully shown (a screenshot, a slide)."""
        self.open_quietly(lesson)
        self.number = number
        played = self.worker.play_now(number)
        self.played = played
        self._show_caption(played)
        self._open(played.session)
        self._set_phase("shown")
        self._show_highlights(played)
        self.overlay.set_opacity(1.0 if played.highlights else 0.0)
        self.strip.set_opacity(1.0)

    def open_quietly(self, lesson: Lesson) -> None:
        """Take `lesson` without showing a step (a renderer shows them itself)."""
        self._stop_worker()
        self.lesson, self.player = lesson, LessonPlayer(lesson)
        self.worker = LessonWorker(self.player, self)
        self.worker.played.connect(self._on_worker_played)
        self.worker.failed.connect(self._on_worker_failed)
        self.panel.set_lesson(lesson.title)
        self._left = None

    def close(self) -> None:
        """Put the lesson away; the window keeps the state it shows."""
        self._halt()
        self._stop_worker()
        self.lesson = self.player = None
        self.played = None
        self.phase = ""
        self.overlay.clear()
        self.strip.set_opacity(0.0)
        self.closed.emit()

    @property
    def count(self) -> int:
        return len(self.lesson.steps) if self.lesson is not None else 0

    def go_to(self, number: int, at_end: bool = False) -> None:
        """Step `number`: its caption first, its actions after (at_end: straight to its end)."""
        if self.lesson is None or not 0 <= number < self.count:
            return
        self._halt()
        self.number, self.played = number, None
        self._at_end_wanted = at_end
        self._set_phase("preparing")
        self.panel.set_busy(f"Preparing step {number + 1}…")
        self.worker.request(number)

    def next(self) -> None:
        """Next (PageDown): the actions now if they wait, the end state if they are running,
        else the next step."""
        if self.lesson is None:
            return
        if self.phase == "caption":
            self._start_actions()
        elif self.phase == "acting":
            self._finish_at_once()
        elif self.phase == "shown":
            if self.number + 1 < self.count:
                self.go_to(self.number + 1)
            else:
                self._finished()

    def back(self) -> None:
        """Back (PageUp): the previous step as it ended."""
        if self.lesson is not None and self.number > 0:
            self.go_to(self.number - 1, at_end=True)

    def restart_step(self) -> None:
        """The step as it first showed: the learner's changes dropped."""
        if self.played is not None and self.phase == "shown":
            self._open(self.played.session)
            self._shown()

    def show_me(self) -> None:
        """Do what the task's hint says, from the step's state, for the learner to watch."""
        played = self.played
        if played is None or played.step.task is None or self.phase != "shown":
            return
        self._open(played.session)
        self._act(played.step.task.solution, scale=1.0)

    def set_autoplay(self, on: bool) -> None:
        """Play the lesson by itself (for a recording), or wait for Next."""
        self.autoplay = on
        self.panel.set_autoplay(on)
        if on and self.phase == "shown":
            self._plan_onward()
        elif on and self.phase == "caption":
            self._start_actions()
        elif not on:
            self._onward.stop()

    def set_strip(self, on: bool) -> None:
        """The caption also along the window's bottom (for videos), or only in the panel."""
        self.strip_on = on
        self.strip.fade_to(1.0 if on and self.played is not None else 0.0)

    # --- the phases ---------------------------------------------------------------------------

    def _on_worker_played(self, number: int, played: PlayedStep) -> None:
        """A step is ready: show it if it is the one waited for."""
        if number != self.number or self.phase != "preparing":
            return
        self.played = played
        self.panel.set_busy("")
        self._show_caption(played)
        if self._at_end_wanted:
            self._open(played.session)
            self._shown()
            return
        self._open_start(played)
        self._set_phase("caption")
        if self.autoplay or not self.wait_for_next:
            delay = max(FADE_S, played.step.delay) / (self.pace if self.autoplay else 1.0)
            self._delay.start(round(delay * 1000))

    def _on_worker_failed(self, number: int, problem: str) -> None:
        if number == self.number:
            self.panel.set_busy("")
            self._warn([f"step {number + 1} could not be played: {problem}"])

    def _show_caption(self, played: PlayedStep) -> None:
        step = played.step
        self.panel.set_step(self.number, self.count, step.title, played.caption_html())
        self.panel.set_task(played.task_html(), played.hint_html())
        heading = f"Step {self.number + 1} of {self.count}"
        self.strip.set_caption(f"{heading}: {step.title}" if step.title else heading,
                               played.caption_html())
        if self.strip_on:
            self.strip.fade_to(1.0)
        self._caption_since = time.perf_counter()
        self.warnings = []
        self._warn(list(played.warnings))

    def _open_start(self, played: PlayedStep) -> None:
        """The step's start on the window, unless it is what the window shows already (the
        previous step's end, untouched since)."""
        controller = self._controller()
        untouched = controller is not None and played.step.start.kind == "previous" and \
            self._left == (id(controller), controller.version, self.number - 1)
        if not untouched:
            self._open(played.start)

    def _on_delay_timeout(self) -> None:
        if self.phase == "caption":
            self._start_actions()

    def _start_actions(self) -> None:
        played = self.played
        planned = planned_actions_s([(action.kind, action.count)
                                     for action in played.step.actions])
        times = step_times(played.seconds, played.step.delay, planned)
        self._act(played.step.actions, scale=times.actions_s / planned if planned else 1.0)

    def _act(self, actions, scale: float) -> None:
        from gui.tutorial.step_actions import StepActions

        self._delay.stop()
        self._onward.stop()
        self.overlay.fade_to(0.0)
        self._runner = StepActions(self.window, actions, scale, slice_budget_s=SLICE_BUDGET_S)
        self._acting_since = time.perf_counter()
        self._set_phase("acting")
        self._on_tick_timeout()
        if self.phase == "acting":
            self._tick.start()

    def _on_tick_timeout(self) -> None:
        """One slice of the step's actions; the highlights once they are done."""
        runner = self._runner
        if runner is None:
            self._tick.stop()
            return
        elapsed = time.perf_counter() - self._acting_since
        if runner.advance(elapsed, SLICE_BUDGET_S):
            self._tick.stop()
            self._runner = None
            self.panel.set_busy("")
            self._shown()
            return
        done, of = runner.progress()
        word = self._controller().epoch_word if self._controller() else "iteration"
        self.panel.set_busy(f"Training: {word}s" if of else "", done, of)

    def _finish_at_once(self) -> None:
        """Skip the rest of the actions: the step's end state, exactly as the engine left it."""
        self._tick.stop()
        self._runner = None
        self.panel.set_busy("")
        self._open(self.played.session)
        self._shown()

    def _shown(self) -> None:
        """The step's end: highlights in, the task checked, the next step prepared."""
        played = self.played
        self._set_phase("shown")
        controller = self._controller()
        if controller is not None:
            self._left = (id(controller), controller.version, self.number)
        self._show_highlights(played)
        if self.warnings:  # said again: opening the step's state wrote over the status bar
            self.window.statusBar().showMessage(f"Lesson: {self.warnings[-1]}", STATUS_MS)
        self._check_task()
        if self.number + 1 < self.count:
            self.worker.request(self.number + 1)
        if self.autoplay:
            self._plan_onward()

    def _plan_onward(self) -> None:
        """Autoplay: the next step once this one has stayed its time (at the chosen pace)."""
        played = self.played
        spent = time.perf_counter() - self._caption_since
        left = max(FADE_S, played.seconds / self.pace - spent - PAUSE_S)
        self._onward.start(round(left * 1000))

    def _on_onward_timeout(self) -> None:
        if not self.autoplay or self.phase != "shown":
            return
        self.overlay.fade_to(0.0)
        if self.strip_on:
            self.strip.fade_to(0.0)
        if self.number + 1 < self.count:
            QTimer.singleShot(round(PAUSE_S * 1000), lambda: self.go_to(self.number + 1))
        else:
            self.set_autoplay(False)
            self._finished()

    def _finished(self) -> None:
        self.panel.set_busy("")
        self.window.statusBar().showMessage(
            f"Lesson finished: {self.lesson.title}. Close it, or choose another from "
            "Help > Lessons.", STATUS_MS)

    # --- highlights and the task ----------------------------------------------------------------

    def _show_highlights(self, played: PlayedStep) -> None:
        lab = self.window.active_lab()
        if lab is None:
            return
        for highlight in played.highlights:
            reveal(self.window, lab, highlight)
        if self.window.isVisible():  # a window not laid out yet shows nothing to look for
            problems = [f"{highlight}: {found}" for highlight in played.highlights
                        if isinstance(found := locate(self.window, lab, highlight), str)]
            self._warn([f"step {self.number + 1}, highlight {each}; nothing is highlighted "
                        "for it" for each in problems])
        self.overlay.set_locator(self.spots)
        self.strip.set_avoid(self.spots)
        self.overlay.fade_to(1.0 if played.highlights else 0.0)

    def spots(self) -> list[Spot]:
        """Where the step's highlights are on the window now."""
        lab = self.window.active_lab()
        if self.played is None or lab is None or self.phase != "shown":
            return []
        found = (locate(self.window, lab, highlight) for highlight in self.played.highlights)
        return [spot for spot in found if isinstance(spot, Spot)]

    def watch(self, controller) -> None:
        """Check the task whenever `controller` (a lab's) shows a change."""
        controller.snapshot_changed.connect(self._on_controller_snapshot_changed)

    def _on_controller_snapshot_changed(self, _snapshot) -> None:
        """The learner changed something: check the task soon (at most every CHECK_MS)."""
        if self.phase == "shown" and self.played is not None and self.played.step.task \
                and not self._check.isActive():
            self._check.start()

    def _on_check_timeout(self) -> None:
        self._check_task()

    def _check_task(self) -> None:
        played, controller = self.played, self._controller()
        if played is None or played.step.task is None or controller is None:
            return
        status = self.player.check(self.number, controller.stepper)
        if status.problem:
            text = status.problem
        else:
            text = f"{played.step.task.check.quantity} = {status.value:.6g}"
            if status.changed:
                text += f"; the task does not allow changing {', '.join(status.changed)}"
        self.panel.set_task_state(status.done, text)

    # --- helpers ------------------------------------------------------------------------------

    def _controller(self):
        lab = self.window.active_lab()
        return lab.controller if lab is not None else None

    def _open(self, session) -> None:
        self.sessions.open_session(session)

    def _warn(self, warnings: list[str]) -> None:
        if not warnings:
            return
        self.warnings += warnings
        self.panel.set_warnings(self.warnings)
        self.window.statusBar().showMessage("Lesson: " + warnings[-1], STATUS_MS)

    def _set_phase(self, phase: str) -> None:
        self.phase = phase
        self.phase_changed.emit(self.number, phase)

    def _halt(self) -> None:
        for timer in (self._tick, self._delay, self._onward, self._check):
            timer.stop()
        self._runner = None
        self.overlay.clear()

    def _stop_worker(self) -> None:
        if self.worker is not None:
            self.worker.stop()
            self.worker.deleteLater()
            self.worker = None

    def _on_panel_pace_changed(self, pace: float) -> None:
        """Autoplay's pace: how much faster than the lesson's timing."""
        self.pace = pace

    def _on_panel_wait_toggled(self, on: bool) -> None:
        """Whether a step's actions wait for Next after its caption."""
        self.wait_for_next = on


def _timer(parent: QObject, interval_ms: int, slot, single: bool = False) -> QTimer:
    timer = QTimer(parent)
    timer.setInterval(interval_ms)
    timer.setSingleShot(single)
    timer.timeout.connect(slot)
    return timer
