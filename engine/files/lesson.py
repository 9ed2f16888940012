"""Lesson files: a guided tour through the app as versioned JSON, checked completely on load.

A lesson is a title and a list of steps. Each step has a caption (engine/files/lesson_caption.py:
a small Markdown with live numbers), where it starts, what the app does on entering it, what it
highlights and optionally a task with its check and hint. Nothing in a file is executed: every
part is data in a closed vocabulary (engine/files/lesson_terms.py), refused with a LessonError
naming the step and the field if it is anything else; sizes and counts are capped, so a file
cannot make the app build or train without end. engine/files/lesson_player.py plays one.

Format 1:

    {"app": "backprop-playground", "kind": "lesson", "format": 1,
     "title": "The single neuron", "summary": "optional, one or two sentences",
     "steps": [
       {"title": "optional short heading",
        "caption": "The sum is **z = {{ value linear_output }}**.",
        "start": {"scenario": "neuron"}                   (a preset, as it starts)
               | {"scenario": "spiral", "spec": {"optimizer": {"name": "sgd"}},
                  "title": "optional"}                   (its spec's top-level keys replaced)
               | {"session": {a whole session file, engine/files/session.py}}
               | "previous"              (the state the previous step's actions left; the
                                          default for every step but the first),
        "actions": [{"do": "set", "target": "weights[0]", "value": 2.0},
                    {"do": "set", "target": "spec.hidden[0].dropout", "value": 0.1},
                    {"do": "step", "count": 3}, {"do": "step_back", "count": 1},
                    {"do": "finish_iteration"}, {"do": "run", "iterations": 199},
                    {"do": "run_to", "iteration": 1000}, {"do": "reset"},
                    {"do": "select", "target": "weights[0]"},
                    {"do": "open", "panel": "chain_rule"}, {"do": "layout", "name": "default"}],
        "highlight": [{"panel": "chain_rule"}, {"cell": "weights[0]"},
                      {"diagram": "edge[0, 1]"}, {"chain_rule": "product"}, {"plot": "loss"}],
        "task": {"text": "Make dl/dw0 negative.",
                 "check": {"quantity": "gradient weights[0]", "compare": "<", "threshold": 0,
                           "may_change": ["inputs", "training", "spec.hidden[0].dropout"]},
                 "hint": "dl/dw0 = dl/da * da/dz * x0: give x0 the other sign.",
                 "solution": [actions that do what the hint says]},
        "delay": 0.5, "hold": 8}]}

"delay" and "hold" pace a lesson that plays by itself: seconds between the caption and the
actions, and seconds the step stays (by default, from the caption's length).
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.files import session as session_format
from engine.files.atomic import write_atomically
from engine.files.lesson_steps import (
    MAX_ITERATIONS,
    MAX_TITLE,
    LessonError,
    Step,
    keys,
    parse_step,
    text,
)
from engine.limits import INTEGER_DIGITS

APP = "backprop-playground"
KIND = "lesson"
FORMAT = 1
MAX_FILE_BYTES = 20 * 2**20  # room for a few embedded sessions
MAX_STEPS = 200
MAX_SUMMARY = 1000
MAX_LESSON_ITERATIONS = 10 * MAX_ITERATIONS  # all the run and run_to actions of one lesson

__all__ = ["APP", "FORMAT", "KIND", "MAX_FILE_BYTES", "Lesson", "LessonError",
           "lesson_from_document", "lesson_from_text", "load_lesson", "save_lesson",
           "session_start"]


@dataclass(frozen=True)
class Lesson:
    title: str
    steps: tuple[Step, ...]
    summary: str = ""
    name: str = ""  # the file's stem, how --lesson and the built-in list call it
    document: dict | None = None  # the file as read (what an editor starts from)


def load_lesson(path: str | os.PathLike) -> Lesson:
    """The lesson in `path`; LessonError saying what is wrong and where otherwise."""
    path = Path(path)
    return lesson_from_text(_read(path), name=path.stem)


def lesson_from_text(data: bytes | str, name: str = "") -> Lesson:
    """The lesson a file's bytes describe (UTF-8 JSON)."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise LessonError(f"not a lesson file: byte {error.start} is not UTF-8 text") \
                from None
    return lesson_from_document(_parse(data), name=name)


def lesson_from_document(document: Any, name: str = "") -> Lesson:
    """The Lesson a parsed file describes, after checking all of it."""
    if not isinstance(document, dict):
        raise LessonError("not a lesson file: the top level is not a JSON object")
    if document.get("app") != APP or document.get("kind") != KIND:
        raise LessonError("not a Backprop Playground lesson (expected \"app\": "
                          f"\"{APP}\" and \"kind\": \"{KIND}\")")
    version = document.get("format")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise LessonError(f"format: expected a whole number from 1, got {version!r}"[:120])
    if version > FORMAT:
        raise LessonError(f"the file has format {version}, written by a newer version of the "
                          f"app; this version reads format {FORMAT}")
    keys(document, "the file", ("app", "kind", "format", "title", "steps"), ("summary",))
    title = text(document["title"], "title", MAX_TITLE, non_empty=True)
    summary = text(document.get("summary", ""), "summary", MAX_SUMMARY)
    raw_steps = document["steps"]
    if not isinstance(raw_steps, list) or not 1 <= len(raw_steps) <= MAX_STEPS:
        size = len(raw_steps) if isinstance(raw_steps, list) else "not a list"
        raise LessonError(f"steps: expected a list of 1 to {MAX_STEPS} steps, got {size}")
    steps = tuple(parse_step(step, f"step {number}", first=number == 1)
                  for number, step in enumerate(raw_steps, start=1))
    _check_budget(steps)
    return Lesson(title, steps, summary, name, document)


def _check_budget(steps: tuple[Step, ...]) -> None:
    """All training a lesson asks for stays under MAX_LESSON_ITERATIONS (a run_to counts the
    iteration it runs to, its most)."""
    total = 0
    for number, step in enumerate(steps, start=1):
        solution = step.task.solution if step.task else ()
        total += sum(action.count for action in (*step.actions, *solution)
                     if action.kind in ("run", "run_to"))
        if total > MAX_LESSON_ITERATIONS:
            raise LessonError(f"step {number}, actions: the lesson trains more than "
                              f"{MAX_LESSON_ITERATIONS} iterations in all")


def session_start(session: session_format.Session) -> dict:
    """A step's "start" holding `session` whole, as a session file stores it: what an editor
    writes for a step made from the window's current state."""
    return {"session": session_format.session_document(session)}


def save_lesson(path: str | os.PathLike, document: dict) -> Lesson:
    """Write a lesson document (as lesson_from_document takes it) whole or not at all, after
    checking it loads back; the Lesson it is. LessonError, and nothing written, for a document
    that does not load (engine/files/atomic.py's FileWriteError for a file that cannot be
    written)."""
    lesson = lesson_from_document(document, name=Path(path).stem)
    try:
        data = json.dumps(document, indent=1, ensure_ascii=False, allow_nan=False) + "\n"
    except (TypeError, ValueError) as error:
        raise LessonError(f"the lesson cannot be written as JSON: {error}") from None
    encoded = data.encode("utf-8")
    if len(encoded) > MAX_FILE_BYTES:
        raise LessonError(f"the lesson is {len(encoded) / 2**20:.1f} MB, over the "
                          f"{MAX_FILE_BYTES // 2**20} MB limit for lesson files")
    write_atomically(path, encoded)
    return lesson


# -- reading --------------------------------------------------------------------------------------


def _read(path: Path) -> bytes:
    """The file's bytes; its size is checked before anything is read."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise LessonError(f"{path.name} is {size / 2**20:.1f} MB; lesson files are limited "
                              f"to {MAX_FILE_BYTES // 2**20} MB")
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise LessonError(f"cannot read {path.name}: {error.strerror or error}") from None
    if len(data) > MAX_FILE_BYTES:
        raise LessonError(f"{path.name} grew past {MAX_FILE_BYTES // 2**20} MB while being read")
    return data


def _parse(text_: str) -> Any:
    """JSON with no NaN or infinity, no huge numbers and no repeated keys."""
    try:
        return json.loads(text_, parse_constant=_refuse_constant, parse_float=_finite_float,
                          parse_int=_bounded_int, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as error:
        raise LessonError(f"not valid JSON at line {error.lineno}, column {error.colno}: "
                          f"{error.msg}") from None
    except RecursionError:
        raise LessonError("the file nests lists or objects too deeply to be a lesson") from None


def _refuse_constant(name: str):
    raise LessonError(f"the file contains {name}; lesson files hold finite numbers only")


def _finite_float(text_: str) -> float:
    value = float(text_)
    if not math.isfinite(value):
        raise LessonError(f"the number {text_[:40]!r} is too large for a float")
    return value


def _bounded_int(text_: str) -> int:
    if len(text_.lstrip("-")) > INTEGER_DIGITS:
        raise LessonError(f"an integer of {len(text_.lstrip('-'))} digits; no count in a "
                          "lesson is that large")
    return int(text_)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict:
    result = {}
    for key, value in pairs:
        if key in result:
            raise LessonError(f"the key {key[:40]!r} appears twice in one object")
        result[key] = value
    return result
