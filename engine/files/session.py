"""Session files: a whole lab (scenario, network, training state, view settings) as versioned JSON.

A learner saves to come back later or to hand a run to someone else, so a file must load back
bit for bit (float32 training is chaotic: one changed bit shows after a few hundred epochs) and
a bad file must never crash the window or half-replace what is open. Files are therefore read
with `json` only (never pickle or eval), capped in size before reading, and checked completely
against the network their own spec describes (engine/files/session_checks.py), then rebuilt
once on a scratch copy. Anything wrong raises SessionError naming what and where; the
caller's session is never touched, because loading builds nothing the caller holds.

Format 1:

    {"app": "backprop-playground", "format": 1,
     "scenario": "spiral", "title": "Spiral (book chapter 10, Adam)",
     "spec": an engine.training.model spec (data, layers, optimizer, numerics, user points),
             or {"numerics": "book" | "native"} for the seed's "neuron" and "layer",
     "stepper": Stepper.get_state() (parameters, optimizer caches, iteration, position inside
                it, random stream, losses, metric history, printed lines, edits),
     "view": any JSON object the window wants back (opaque here)}

Arrays inside "stepper" are engine.files.state encodings: dtype, shape and base64 of the bytes.
"""

from __future__ import annotations

import copy
import json
import math
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from engine.files.session_checks import APP, FORMAT, HAND_EXAMPLES, check_document
from engine.files.session_fields import SessionError, show
from engine.limits import INTEGER_DIGITS, SESSION_FILE_BYTES
from engine.training.model import Model
from engine.training.stepper import Stepper, Trainable


@dataclass(frozen=True)
class Session:
    """Everything a saved lab holds, in its JSON form (what the file stores, nothing built)."""

    scenario: str
    title: str
    spec: dict  # engine.training.model spec, or {"numerics": ...} for a hand example
    stepper: dict  # Stepper.get_state()
    view: dict = field(default_factory=dict)

    @classmethod
    def capture(cls, stepper: Stepper, scenario: str | None = None, title: str | None = None,
                view: dict | None = None) -> Session:
        """The session of a running stepper; `scenario` defaults to "neuron"/"layer" for the
        seed examples and "model" for a Model. ValueError if the scenario contradicts the
        trainable (a hand example's name for a Model, or the other hand example's name)."""
        trainable = stepper.trainable
        hand = _hand_name(trainable)
        if hand is not None:
            if scenario not in (None, hand):
                raise ValueError(f"a {type(trainable).__name__} is the {hand!r} scenario, "
                                 f"not {scenario!r}")
            spec = {"numerics": trainable.numerics.name}
        elif isinstance(trainable, Model):
            if scenario in HAND_EXAMPLES:
                raise ValueError(f"{scenario!r} names a seed example, not a Model")
            spec = trainable.starting_spec  # a reset after loading starts where the run started
        else:
            raise ValueError(f"cannot save a {type(trainable).__name__}: expected a Model or "
                             "one of the seed examples")
        # Through JSON once, so a captured session equals the one its file loads back as.
        return cls(scenario or hand or "model", title or trainable.title,
                   _json_copy(spec, "spec"), _json_copy(stepper.get_state(), "stepper"),
                   _json_copy(view or {}, "view"))

    def build_trainable(self) -> Trainable:
        """A fresh trainable at the spec's starting values (not yet at the saved state)."""
        if self.scenario in HAND_EXAMPLES:
            return HAND_EXAMPLES[self.scenario](self.spec["numerics"])
        return Model(self.spec, title=self.title)

    def build_stepper(self) -> Stepper:
        """A Stepper standing exactly where the saved one stood."""
        stepper = Stepper(self.build_trainable())
        stepper.set_state(copy.deepcopy(self.stepper))
        return stepper


def clone_stepper(stepper: Stepper) -> Stepper:
    """An independent Stepper at exactly the same state (its step-back history not kept)."""
    return Session.capture(stepper).build_stepper()


def save_session(path: str | os.PathLike, session: Session) -> None:
    """Write `session` to `path` atomically (a temporary file beside it, then os.replace), so
    a failed save never leaves half a file. SessionError, and nothing written, if the session
    would not load back (a non-finite parameter, a view that is not JSON) or exceeds
    SESSION_FILE_BYTES."""
    document = session_document(session)
    try:
        text = json.dumps(document, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise SessionError(f"the session cannot be written as JSON: {error}") from None
    data = text.encode("ascii")
    if len(data) > SESSION_FILE_BYTES:
        raise SessionError(f"the session is {len(data) / 2**20:.1f} MB, over the "
                           f"{SESSION_FILE_BYTES // 2**20} MB limit for session files")
    session_from_document(_parse(data))  # refuse to write what would not load back
    path = Path(path)
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def session_document(session: Session) -> dict:
    """`session` as the format-1 JSON document a file holds (session_from_document reads it
    back); the session's own dicts, not copies."""
    return {"app": APP, "format": FORMAT, "scenario": session.scenario,
            "title": session.title, "spec": session.spec, "stepper": session.stepper,
            "view": session.view}


def load_session(path: str | os.PathLike) -> Session:
    """The session saved in `path`; SessionError saying what is wrong and where otherwise."""
    return session_from_document(_parse(_read(Path(path))))


# -- reading --------------------------------------------------------------------------------------


def _read(path: Path) -> bytes:
    """The file's bytes; its size is checked before anything is read."""
    try:
        size = path.stat().st_size
        if size > SESSION_FILE_BYTES:
            raise SessionError(f"{path.name} is {size / 2**20:.1f} MB; session files are "
                               f"limited to {SESSION_FILE_BYTES // 2**20} MB")
        with path.open("rb") as handle:
            data = handle.read(SESSION_FILE_BYTES + 1)
    except OSError as error:
        raise SessionError(f"cannot read {path.name}: {error.strerror or error}") from None
    if len(data) > SESSION_FILE_BYTES:
        raise SessionError(f"{path.name} grew past {SESSION_FILE_BYTES // 2**20} MB while being "
                           "read")
    return data


def _parse(data: bytes) -> Any:
    """JSON with no NaN or infinity, no huge numbers and no repeated keys."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SessionError(f"not a session file: byte {error.start} is not UTF-8 text "
                           "(a binary or damaged file?)") from None
    try:
        return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float,
                          parse_int=_bounded_int, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as error:
        ending = "; the file ends early (truncated?)" if error.pos >= len(text.rstrip()) else ""
        raise SessionError(f"not valid JSON at line {error.lineno}, column {error.colno}: "
                           f"{error.msg}{ending}") from None
    except RecursionError:
        raise SessionError("the file nests lists or objects too deeply to be a session") from None


def _refuse_constant(name: str):
    raise SessionError(f"the file contains {name}; session files hold finite numbers only")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise SessionError(f"the number {show(text)} is too large for a float")
    return value


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > INTEGER_DIGITS:
        raise SessionError(f"the integer {show(text)} has {len(text.lstrip('-'))} digits; "
                           "no count in a session is that large")
    return int(text)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict:
    result = {}
    for key, value in pairs:
        if key in result:
            raise SessionError(f"the key {show(key)} appears twice in one object")
        result[key] = value
    return result


def _json_copy(value: Any, where: str) -> Any:
    try:
        return json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError) as error:
        raise ValueError(f"{where} cannot be saved as JSON: {error}") from None


def session_from_document(document: Any) -> Session:
    """The Session a parsed file describes, after checking all of it and rebuilding it once on
    a scratch trainable; SessionError naming the first problem found."""
    scenario, title, spec, template = check_document(document)
    session = Session(scenario, title, spec, document["stepper"], document["view"])
    _trial_rebuild(session, template)
    return session


def _trial_rebuild(session: Session, scratch: Trainable) -> None:
    """Replay the saved position on the scratch trainable: the last check, for what only running
    the network can show (a saved edit it cannot compute with, say)."""
    try:
        with np.errstate(all="ignore"):
            Stepper(scratch).set_state(copy.deepcopy(session.stepper))
    except (ValueError, ArithmeticError, TypeError, KeyError, IndexError) as error:
        raise SessionError(f"stepper: the saved training state cannot be restored: "
                           f"{error}") from None


def _hand_name(trainable: Trainable) -> str | None:
    for name, example in HAND_EXAMPLES.items():
        if type(trainable) is example:
            return name
    return None


# The session format's names, defined beside the checks that hold files to them.
__all__ = ["APP", "FORMAT", "HAND_EXAMPLES", "Session", "SessionError", "clone_stepper",
           "load_session", "save_session", "session_document", "session_from_document"]
