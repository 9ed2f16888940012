"""A lesson played without a window: each step's state, caption numbers, highlights and task.

The player builds a step's start from the scenario presets, an embedded session or the state
the previous step's actions left (through a Session, exactly as a window opening it would), does
the step's actions on a Stepper, then fills the caption's placeholders from that state and checks
that what the step highlights exists there. Problems in a lesson's content never stop it: each
becomes a warning of its step (PlayedStep.warnings) and the lesson goes on.

A window plays a step by opening `PlayedStep.start` and doing the step's actions through its
controller (or by opening `PlayedStep.session`, the state after them, at once), then asks
`LessonPlayer.check(number, stepper)` whenever the learner changes something. Steps are played
once and remembered; playing step 9 plays the steps it starts from first.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass

from engine.files.lesson import Lesson
from engine.files.lesson_actions import Stage, apply_actions, highlight_problem
from engine.files.lesson_caption import Caption
from engine.files.lesson_checks import (
    Baseline,
    TaskStatus,
    Unavailable,
    check_task,
    format_quantity,
    measure,
)
from engine.files.lesson_steps import Step
from engine.files.lesson_terms import Highlight, Target
from engine.files.session import Session
from engine.scenarios.presets import SCENARIOS
from engine.training.model import Model
from engine.training.stepper import Stepper

WORDS_PER_SECOND = 2.5  # a caption read aloud at a teacher's pace
MIN_HOLD_S = 4.0


@dataclass(frozen=True)
class PlayedStep:
    """One step as the learner meets it.

    start: the state before the step's actions; session: the state after them (what the step
    shows). lab: "hand" or "classification", the lab that shows it. values: each placeholder's
    text by its source (caption, task text and hint). highlights: those that exist in this
    state; selection: the value whose chain rule the step shows (None: the window's choice);
    panels: panels to open; layout: a layout to apply. status: the task as the step starts.
    seconds: how long the step stays when the lesson plays by itself (its delay included).
    """

    number: int
    step: Step
    start: Session
    session: Session
    lab: str
    values: Mapping[str, str]
    highlights: tuple[Highlight, ...]
    selection: Target | None
    panels: tuple[str, ...]
    layout: str | None
    warnings: tuple[str, ...]
    baseline: Baseline
    status: TaskStatus | None
    seconds: float

    def caption_html(self) -> str:
        return self.step.caption.html(self.values)

    def caption_text(self) -> str:
        return self.step.caption.plain(self.values)

    def task_html(self) -> str:
        return self.step.task.text.html(self.values) if self.step.task else ""

    def hint_html(self) -> str:
        return self.step.task.hint.html(self.values) if self.step.task else ""

    def narration(self) -> str:
        """The caption (and the task) as a teacher reads it, the numbers filled in."""
        parts = [self.caption_text()]
        if self.step.task:
            parts.append("Your turn: " + self.step.task.text.plain(self.values))
        return "\n\n".join(parts)


class LessonPlayer:
    """Plays the steps of `lesson` on demand, remembering each."""

    def __init__(self, lesson: Lesson):
        self.lesson = lesson
        self._played: dict[int, PlayedStep] = {}

    def __len__(self) -> int:
        return len(self.lesson.steps)

    def play(self, number: int) -> PlayedStep:
        """Step `number` (from 0), played along with the steps it starts from."""
        if not 0 <= number < len(self):
            raise IndexError(f"the lesson has steps 0..{len(self) - 1}, not {number}")
        first = number
        while first not in self._played and self.lesson.steps[first].start.kind == "previous":
            first -= 1
        for each in range(first, number + 1):
            if each not in self._played:
                self._played[each] = self._play_one(each)
        return self._played[number]

    def stepper(self, number: int) -> Stepper:
        """A new Stepper at step `number`'s state, for the learner to change."""
        return self.play(number).session.build_stepper()

    def check(self, number: int, stepper: Stepper) -> TaskStatus | None:
        """Step `number`'s task checked on `stepper` (the learner's state); None if no task."""
        played = self.play(number)
        if played.step.task is None:
            return None
        return check_task(played.step.task.check, stepper, played.baseline)

    def solve(self, number: int) -> tuple[Stepper, TaskStatus | None, tuple[str, ...]]:
        """Do what step `number`'s hint says (its task's solution) on the step's state: the
        stepper after it, the task's status and the warnings on the way."""
        played = self.play(number)
        stage = Stage(played.session.build_stepper(), played.session.scenario,
                      played.session.title, played.selection)
        if played.step.task is None:
            return stage.stepper, None, ()
        apply_actions(stage, played.step.task.solution, f"step {number + 1}, task.solution")
        status = check_task(played.step.task.check, stage.stepper, played.baseline)
        return stage.stepper, status, tuple(stage.warnings)

    # -- playing one step ------------------------------------------------------------------------

    def _play_one(self, number: int) -> PlayedStep:
        step = self.lesson.steps[number]
        where = f"step {number + 1}"
        stage = self._stage_at_start(number)
        start = _capture(stage)
        apply_actions(stage, step.actions, f"{where}, actions")
        highlights = []
        for index, highlight in enumerate(step.highlights):
            problem = highlight_problem(stage, highlight)
            if problem:
                stage.warnings.append(f"{where}, highlight[{index}] ({highlight}): {problem}; "
                                      "nothing is highlighted for it")
            else:
                highlights.append(highlight)
        values = _fill(stage, step, where)
        baseline = Baseline.of(stage.stepper)
        status = check_task(step.task.check, stage.stepper, baseline) if step.task else None
        played = PlayedStep(number, step, start, _capture(stage), stage.lab, values,
                            tuple(highlights), stage.selection, tuple(stage.panels),
                            stage.layout, tuple(stage.warnings), baseline, status, 0.0)
        return _with_seconds(played)

    def _stage_at_start(self, number: int) -> Stage:
        start = self.lesson.steps[number].start
        if start.kind == "previous":
            previous = self._played[number - 1]
            return Stage(previous.session.build_stepper(), previous.session.scenario,
                         previous.session.title, previous.selection)
        if start.kind == "session":
            session = start.session
            return Stage(session.build_stepper(), session.scenario, session.title,
                         _selected(session))
        scenario = SCENARIOS[start.scenario]
        title = start.title or scenario.title
        trainable = Model(start.spec, title=title) if start.spec else scenario.build()
        return Stage(Stepper(trainable), start.scenario, title)


def _capture(stage: Stage) -> Session:
    """The stage as a session; the selection goes in its view, where the window reads it."""
    selected = stage.selection
    view = {} if selected is None else {"selected": [selected.name, list(selected.index or ())]}
    return Session.capture(stage.stepper, stage.scenario, stage.title, view)


def _selected(session: Session) -> Target | None:
    """The selection a saved session's view holds (["weights", [0]]), as the window reads it."""
    selected = session.view.get("selected")
    if isinstance(selected, list) and len(selected) == 2 and isinstance(selected[0], str) \
            and isinstance(selected[1], list) and all(isinstance(i, int) for i in selected[1]):
        return Target(selected[0], tuple(selected[1]) or None)
    return None


def _fill(stage: Stage, step: Step, where: str) -> dict[str, str]:
    captions: list[tuple[str, Caption]] = [("caption", step.caption)]
    if step.task:
        captions += [("task.text", step.task.text), ("task.hint", step.task.hint)]
    values: dict[str, str] = {}
    for field_name, caption in captions:
        for placeholder in caption.placeholders:
            if placeholder.source in values:
                continue
            try:
                value = measure(placeholder.quantity, stage.stepper)
            except Unavailable as error:
                stage.warnings.append(f"{where}, {field_name}: {{{{ {placeholder.source} }}}}: "
                                      f"{error}; shown as ?")
                continue
            values[placeholder.source] = format_quantity(value, placeholder.format)
    return values


def _with_seconds(played: PlayedStep) -> PlayedStep:
    step = played.step
    if step.hold is not None:
        hold = step.hold
    else:
        words = len(played.narration().split())
        hold = max(MIN_HOLD_S, math.ceil(2 * (1 + words / WORDS_PER_SECOND)) / 2)
    return dataclasses.replace(played, seconds=step.delay + hold)
