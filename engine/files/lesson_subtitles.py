"""Subtitles and a narration script for a played lesson, so a teacher can record a voice-over.

A lesson rendered to video shows each step for its `seconds` (engine/files/lesson_player.py), one
after another; the same timing gives one subtitle cue per step, as SubRip (.srt) or WebVTT
(.vtt), and the narration script lists each step's caption and task with the numbers filled in.
A renderer whose timing differs (a pause before the first step, say) passes its own start time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from engine.files.lesson_player import PlayedStep


@dataclass(frozen=True)
class Cue:
    start: float  # seconds from the start of the video
    end: float
    text: str


def lesson_cues(steps: Sequence[PlayedStep], start: float = 0.0) -> list[Cue]:
    """One cue per step, back to back from `start`, each as long as its step's seconds."""
    cues = []
    for played in steps:
        cues.append(Cue(start, start + played.seconds, played.narration()))
        start += played.seconds
    return cues


def srt(cues: Sequence[Cue]) -> str:
    """SubRip: numbered cues, times as 00:00:01,500; a blank line between cues."""
    blocks = [f"{number}\n{_time(cue.start, ',')} --> {_time(cue.end, ',')}\n{_lines(cue.text)}"
              for number, cue in enumerate(cues, start=1)]
    return "\n\n".join(blocks) + "\n"


def webvtt(cues: Sequence[Cue]) -> str:
    """WebVTT: the WEBVTT header, then cues with times as 00:00:01.500."""
    blocks = [f"{_time(cue.start, '.')} --> {_time(cue.end, '.')}\n{_lines(cue.text)}"
              for cue in cues]
    return "WEBVTT\n\n" + "\n\n".join(blocks) + "\n"


def narration_script(title: str, steps: Sequence[PlayedStep]) -> str:
    """The lesson as a teacher reads it: each step's heading, time and words."""
    parts = [f"{title}\n{'=' * len(title)}"]
    start = 0.0
    for played in steps:
        heading = f"Step {played.number + 1} of {len(steps)}"
        if played.step.title:
            heading += f": {played.step.title}"
        parts.append(f"{heading} ({_time(start, '.')[:-4]}, {played.seconds:g} s)\n\n"
                     f"{played.narration()}")
        start += played.seconds
    return "\n\n".join(parts) + "\n"


def _time(seconds: float, separator: str) -> str:
    milliseconds = round(seconds * 1000)
    hours, rest = divmod(milliseconds, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    whole, fraction = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{whole:02d}{separator}{fraction:03d}"


def _lines(text: str) -> str:
    """A cue's text: no blank lines inside it (a blank line ends a cue in both formats)."""
    return "\n".join(line for line in text.splitlines() if line.strip())
