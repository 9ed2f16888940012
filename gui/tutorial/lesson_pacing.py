"""A lesson's pace, the same in the window and in a rendered video: when a step's caption
appears, when its actions run, when its highlights ease in and when it fades out.

A step occupies its `seconds` (engine/files/lesson_player.py: its delay plus the time its
caption takes to read), which is also how long its subtitle cue lasts. Within them: the caption
eases in; after the step's delay the actions run (operations one by one, training spread over a
few seconds); the highlights ease in; the last PAUSE_S everything eases out, the pause before
the next caption. Planned times are what a rendered video shows exactly; the window follows
them as closely as the computer allows and waits where training takes longer.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEasingCurve

FADE_S = 0.4  # a caption or a highlight eases in (or out) over this long
PAUSE_S = 0.5  # between one step's caption and the next: everything eases out
OPERATION_S = 0.45  # one operation stepped through, so the diagram shows each
TRAINING_S = 3.0  # a run of many iterations, shown progressing over this long
ONE_BY_ONE = 8  # steps of up to this many operations are shown one at a time
MIN_SHOWN_S = 1.5  # the highlights stay at least this long before the step eases out
EASING = QEasingCurve(QEasingCurve.Type.InOutCubic)


def eased(progress: float) -> float:
    """How far an eased transition is at `progress` (0..1 of its time)."""
    return EASING.valueForProgress(max(0.0, min(1.0, progress)))


@dataclass(frozen=True)
class StepTimes:
    """Seconds from the moment a step's caption starts to appear."""

    actions_at: float  # the actions begin (after the caption eased in and the step's delay)
    actions_s: float  # the actions' planned length (shortened to fit the step)
    highlights_at: float  # the highlights start to ease in
    fade_out_at: float  # caption and highlights start to ease out
    end: float  # the next step's caption starts

    def opacity(self, t: float) -> tuple[float, float]:
        """(caption, highlights) opacity at time `t` of the step."""
        out = 1.0 - eased((t - self.fade_out_at) / PAUSE_S) if t > self.fade_out_at else 1.0
        caption = eased(t / FADE_S) * out
        highlights = eased((t - self.highlights_at) / FADE_S) * out
        return caption, highlights


def planned_actions_s(kinds_and_counts: list[tuple[str, int]]) -> float:
    """How long actions take to show: ("step", 3) three operations one by one; a run, or a
    step of many operations, progresses over TRAINING_S; anything else is instant."""
    total = 0.0
    for kind, count in kinds_and_counts:
        if kind in ("step", "step_back") and count <= ONE_BY_ONE:
            total += count * OPERATION_S
        elif kind in ("step", "step_back", "run", "run_to"):
            total += TRAINING_S
    return total


def step_times(seconds: float, delay: float, actions_s: float) -> StepTimes:
    """The times of a step that stays `seconds` and waits `delay` before its actions, whose
    actions take `actions_s` (squeezed to leave the highlights MIN_SHOWN_S)."""
    actions_at = max(FADE_S, delay)
    fade_out_at = max(actions_at + FADE_S, seconds - PAUSE_S)
    room = max(0.0, fade_out_at - MIN_SHOWN_S - FADE_S - actions_at)
    actions_s = min(actions_s, room)
    return StepTimes(actions_at, actions_s, actions_at + actions_s, fade_out_at,
                     max(seconds, fade_out_at + PAUSE_S))
