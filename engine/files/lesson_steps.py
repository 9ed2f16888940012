"""A lesson step's parts as a file writes them, each checked where it is read: where the step
starts, what the app does on entering it, what it highlights and the learner's task.

Every error is a LessonError whose message starts with where it is, "step 3, actions[1].count:",
so a teacher finds the line to fix. The forms of the names inside (targets, quantities,
highlights) are engine/files/lesson_terms.py's; the file format as a whole is
engine/files/lesson.py's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from engine.files.lesson_caption import Caption, CaptionError, parse_caption
from engine.files.lesson_terms import (
    COMPARISONS,
    LAB_PANELS,
    LAYOUTS,
    Highlight,
    Quantity,
    SpecPath,
    Target,
    TermError,
    parse_change,
    parse_highlight,
    parse_quantity,
    parse_target,
)
from engine.files.session import Session, SessionError, session_from_document
from engine.limits import (
    LOADABLE_ACTIVATIONS,
    LOADABLE_DATA_POINTS,
    LOADABLE_HIDDEN_LAYERS,
    LOADABLE_NEURONS,
    LOADABLE_PARAMETERS,
)
from engine.scenarios.presets import SCENARIOS
from engine.training.spec import (
    check_optimizer,
    input_width,
    normalize_spec,
    output_width,
    sample_count,
)

MAX_ACTIONS = 50  # per step (and per task solution)
MAX_HIGHLIGHTS = 8
MAX_MAY_CHANGE = 20
MAX_OPERATIONS = 10_000  # one step/step_back action: a few hundred iterations of the seed
MAX_ITERATIONS = 100_000  # one run/run_to action: about 20 s of the chapter-10 network
MAX_SECONDS = 600.0  # a step's delay or hold
MAX_TITLE = 200
MAX_VALUE_TEXT = 40  # a string value set into a spec: an optimizer or activation name
ACTION_KEYS = {"set": ("target", "value"), "step": ("count",), "step_back": ("count",),
               "finish_iteration": (), "run": ("iterations",), "run_to": ("iteration",),
               "reset": (), "select": ("target",), "open": ("panel",), "layout": ("name",)}
HIGHLIGHT_KINDS = ("panel", "cell", "diagram", "chain_rule", "plot")
TRAINING = "training"  # in may_change: the learner may train (run, step, finish iterations)


class LessonError(ValueError):
    """A lesson file that cannot be loaded (or a lesson that cannot be saved), and where."""


@dataclass(frozen=True)
class Start:
    """kind "previous" (the state the previous step's actions left), "scenario" (a preset,
    for a classification one with `spec`'s top-level keys replacing the preset's) or "session"
    (an embedded session file's state)."""

    kind: str
    scenario: str = ""
    spec: dict | None = None  # the whole normalized spec when the preset's was changed
    title: str = ""
    session: Session | None = None


@dataclass(frozen=True)
class Action:
    """One thing the app does: kind one of ACTION_KEYS, with what that kind takes."""

    kind: str
    target: Target | SpecPath | None = None
    value: float | str | dict | None = None
    count: int = 0  # operations (step, step_back), iterations (run), the iteration (run_to)
    name: str = ""  # the panel (open) or layout (layout)

    def __str__(self) -> str:
        if self.kind == "set":
            return f"set {self.target} = {self.value}"
        if self.kind in ("step", "step_back", "run", "run_to"):
            return f"{self.kind} {self.count}"
        if self.kind == "select":
            return f"select {self.target}"
        return f"{self.kind} {self.name}".strip()


@dataclass(frozen=True)
class Check:
    """Done when `quantity compare threshold` holds and only `may_change` was changed
    (targets, spec places and TRAINING)."""

    quantity: Quantity
    compare: str
    threshold: float
    may_change: tuple[Target | SpecPath | str, ...]


@dataclass(frozen=True)
class Task:
    text: Caption
    check: Check
    hint: Caption
    solution: tuple[Action, ...] = ()  # doing what the hint says, for "Show me" and the tests


@dataclass(frozen=True)
class Step:
    caption: Caption
    start: Start
    title: str = ""
    actions: tuple[Action, ...] = ()
    highlights: tuple[Highlight, ...] = ()
    task: Task | None = None
    delay: float = 0.0  # seconds between the caption and the actions when playing by itself
    hold: float | None = None  # seconds the step stays when playing by itself (None: by length)
    document: dict = field(default_factory=dict)  # the step as the file wrote it


def parse_step(document: Any, where: str, first: bool) -> Step:
    keys(document, where, ("caption",), ("title", "start", "actions", "highlight", "task",
                                         "delay", "hold"))
    if "start" not in document and first:
        raise LessonError(f"{where}: the first step needs a start (a scenario or a session)")
    return Step(caption=caption(document["caption"], f"{where}, caption"),
                start=_start(document.get("start", "previous"), f"{where}, start", first),
                title=text(document.get("title", ""), f"{where}, title", MAX_TITLE),
                actions=actions(document.get("actions", []), f"{where}, actions"),
                highlights=_highlights(document.get("highlight", []), f"{where}, highlight"),
                task=_task(document["task"], f"{where}, task") if "task" in document else None,
                delay=seconds(document.get("delay", 0.0), f"{where}, delay"),
                hold=(seconds(document["hold"], f"{where}, hold") if "hold" in document
                      else None),
                document=document)


def _start(value: Any, where: str, first: bool) -> Start:
    if value == "previous":
        if first:
            raise LessonError(f"{where}: the first step has no previous step to start from")
        return Start("previous")
    if isinstance(value, dict) and "session" in value:
        keys(value, where, ("session",))
        try:
            return Start("session", session=session_from_document(value["session"]))
        except SessionError as error:
            raise LessonError(f"{where}.session: {error}") from None
    keys(value, where, ("scenario",), ("spec", "title"))
    name = value["scenario"]
    if not isinstance(name, str) or name not in SCENARIOS:
        raise LessonError(f"{where}.scenario: {_show(name)} is not a scenario: expected one of "
                          f"{', '.join(SCENARIOS)}")
    title = text(value.get("title", ""), f"{where}.title", MAX_TITLE)
    if "spec" not in value:
        return Start("scenario", scenario=name, title=title)
    if SCENARIOS[name].kind != "classification":
        raise LessonError(f"{where}.spec: {name!r} is a seed example, it has no spec to change")
    return Start("scenario", scenario=name, spec=_spec(name, value["spec"], f"{where}.spec"),
                 title=title)


def _spec(scenario: str, changes: Any, where: str) -> dict:
    """The preset's spec with `changes`' top-level keys replacing its own, normalized."""
    changes = _dict(changes, where)
    spec = {**SCENARIOS[scenario].build().starting_spec, **changes}
    try:
        normalized = normalize_spec(spec)
    except (ValueError, TypeError) as error:
        raise LessonError(f"{where}: {error}") from None
    points = sample_count(normalized)
    widths = ([input_width(normalized)] + [layer["neurons"] for layer in normalized["hidden"]]
              + [output_width(normalized)])
    parameters = sum((n_in + 1) * n_out for n_in, n_out in zip(widths, widths[1:], strict=False))
    if points > LOADABLE_DATA_POINTS or len(widths) - 2 > LOADABLE_HIDDEN_LAYERS \
            or max(widths) > LOADABLE_NEURONS or parameters > LOADABLE_PARAMETERS \
            or points * max(widths) > LOADABLE_ACTIVATIONS:
        raise LessonError(f"{where}: the network is too large for a lesson (a session file "
                          f"may hold at most {LOADABLE_DATA_POINTS} points, "
                          f"{LOADABLE_HIDDEN_LAYERS} hidden layers of {LOADABLE_NEURONS} "
                          f"neurons, {LOADABLE_PARAMETERS} weights and biases)")
    return normalized


def actions(value: Any, where: str) -> tuple[Action, ...]:
    items = _list(value, where, MAX_ACTIONS)
    return tuple(_action(item, f"{where}[{number}]") for number, item in enumerate(items))


def _action(value: Any, where: str) -> Action:
    value = _dict(value, where)
    kind = value.get("do")
    if not isinstance(kind, str) or kind not in ACTION_KEYS:
        raise LessonError(f"{where}.do: expected one of {', '.join(ACTION_KEYS)}, got "
                          f"{_show(kind)}")
    wanted = ACTION_KEYS[kind]
    counted = kind in ("step", "step_back")
    keys(value, where, ("do",) + (() if counted else wanted), wanted if counted else ())
    if kind == "set":
        target = term(parse_change, value["target"], f"{where}.target")
        return Action("set", target=target, value=_set_value(target, value["value"],
                                                              f"{where}.value"))
    if counted:
        return Action(kind, count=count(value.get("count", 1), f"{where}.count", 1,
                                        MAX_OPERATIONS))
    if kind == "run":
        return Action(kind, count=count(value["iterations"], f"{where}.iterations", 1,
                                        MAX_ITERATIONS))
    if kind == "run_to":
        return Action(kind, count=count(value["iteration"], f"{where}.iteration", 0,
                                        MAX_ITERATIONS))
    if kind == "select":
        return Action(kind, target=term(parse_target, value["target"], f"{where}.target"))
    if kind == "open":
        panels = tuple(dict.fromkeys(p for names in LAB_PANELS.values() for p in names))
        return Action(kind, name=choice(value["panel"], f"{where}.panel", panels))
    if kind == "layout":
        return Action(kind, name=choice(value["name"], f"{where}.name", LAYOUTS))
    return Action(kind)


def _set_value(target: Target | SpecPath, value: Any, where: str) -> float | str | dict:
    if isinstance(target, SpecPath) and target.keys == ("optimizer",):
        try:
            return check_optimizer(_dict(value, where))
        except (ValueError, TypeError) as error:
            raise LessonError(f"{where}: {error}") from None
    if isinstance(target, SpecPath) and isinstance(value, str):
        return text(value, where, MAX_VALUE_TEXT, non_empty=True)
    if isinstance(target, SpecPath) and isinstance(value, int) and not isinstance(value, bool):
        return count(value, where, -2**53, 2**53)  # a seed or a layer's width stays whole
    return number(value, where)


def _highlights(value: Any, where: str) -> tuple[Highlight, ...]:
    found = []
    for number_, item in enumerate(_list(value, where, MAX_HIGHLIGHTS)):
        here = f"{where}[{number_}]"
        item = _dict(item, here)
        if len(item) != 1 or next(iter(item)) not in HIGHLIGHT_KINDS:
            raise LessonError(f"{here}: expected one of {', '.join(HIGHLIGHT_KINDS)} as the "
                              f"only key, got {', '.join(map(_show, item)) or 'none'}")
        kind, name = next(iter(item.items()))
        found.append(term(lambda text_, kind=kind: parse_highlight(kind, text_), name,
                          f"{here}.{kind}"))
    return tuple(found)


def _task(value: Any, where: str) -> Task:
    keys(value, where, ("text", "check", "hint"), ("solution",))
    return Task(text=caption(value["text"], f"{where}.text"),
                check=_check(value["check"], f"{where}.check"),
                hint=caption(value["hint"], f"{where}.hint"),
                solution=actions(value.get("solution", []), f"{where}.solution"))


def _check(value: Any, where: str) -> Check:
    keys(value, where, ("quantity", "compare", "threshold", "may_change"))
    quantity = term(parse_quantity, value["quantity"], f"{where}.quantity")
    if not quantity.is_number:
        raise LessonError(f"{where}.quantity: {quantity} is text; a check compares a number")
    allowed = []
    for number_, item in enumerate(_list(value["may_change"], f"{where}.may_change",
                                         MAX_MAY_CHANGE)):
        allowed.append(TRAINING if item == TRAINING else
                       term(parse_change, item, f"{where}.may_change[{number_}]"))
    return Check(quantity, choice(value["compare"], f"{where}.compare", COMPARISONS),
                 number(value["threshold"], f"{where}.threshold"), tuple(allowed))


# -- small checks, shared with engine/files/lesson.py ---------------------------------------------


def keys(value: Any, where: str, required: tuple[str, ...], optional: tuple[str, ...] = ()):
    value = _dict(value, where)
    missing = [key for key in required if key not in value]
    if missing:
        raise LessonError(f"{where}: missing {', '.join(map(repr, missing))}")
    unknown = sorted(set(value) - set(required) - set(optional))
    if unknown:
        raise LessonError(f"{where}: unexpected {', '.join(_show(key) for key in unknown[:5])}"
                          f" (expected {', '.join(required + optional)})")


def term(parse, value: Any, where: str):
    try:
        return parse(value)
    except TermError as error:
        raise LessonError(f"{where}: {error}") from None


def caption(value: Any, where: str) -> Caption:
    try:
        return parse_caption(value)
    except CaptionError as error:
        raise LessonError(f"{where}: {error}") from None


def text(value: Any, where: str, limit: int, non_empty: bool = False) -> str:
    if not isinstance(value, str):
        raise LessonError(f"{where}: expected text, got {_describe(value)}")
    if len(value) > limit or (non_empty and not value.strip()):
        raise LessonError(f"{where}: expected {1 if non_empty else 0} to {limit} characters, "
                          f"got {len(value)}")
    return value


def count(value: Any, where: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise LessonError(f"{where}: expected a whole number, got {_describe(value)}")
    if not low <= value <= high:
        raise LessonError(f"{where}: expected {low}..{high}, got {value}")
    return value


def number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or not math.isfinite(float(value)) or abs(value) > 1e300:
        raise LessonError(f"{where}: expected a finite number, got {_describe(value)}")
    return float(value)


def seconds(value: Any, where: str) -> float:
    value = number(value, where)
    if not 0 <= value <= MAX_SECONDS:
        raise LessonError(f"{where}: expected 0 to {MAX_SECONDS:g} seconds, got {value:g}")
    return value


def choice(value: Any, where: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise LessonError(f"{where}: expected one of {', '.join(choices)}, got "
                          f"{_describe(value)}")
    return value


def _dict(value: Any, where: str) -> dict:
    if not isinstance(value, dict):
        raise LessonError(f"{where}: expected an object, got {_describe(value)}")
    return value


def _list(value: Any, where: str, limit: int) -> list:
    if not isinstance(value, list):
        raise LessonError(f"{where}: expected a list, got {_describe(value)}")
    if len(value) > limit:
        raise LessonError(f"{where}: {len(value)} items; at most {limit} are allowed")
    return value


def _describe(value: Any) -> str:
    if isinstance(value, (dict, list)):
        kind = "an object" if isinstance(value, dict) else "a list"
        return f"{kind} of {len(value)} items"
    if value is None:
        return "null"
    kind = {bool: "boolean", int: "number", float: "number", str: "text"}.get(type(value),
                                                                               "value")
    return f"{kind} {_show(value)}"


def _show(value: Any) -> str:
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."
