"""Session files: a whole lab (scenario, network, training state, what the window shows and the
learner set) as versioned JSON.

A learner saves to come back later or to hand a run to someone else, so a file must load back
bit for bit (float32 training is chaotic: one changed bit shows after a few hundred epochs) and
a bad file must never crash the window or half-replace what is open. Files are therefore read
with `json` only (never pickle or eval), from regular files only, capped in size and time
(engine/files/session_reading.py), and checked completely against the network their own spec
describes (engine/files/session_checks.py), then rebuilt once on a scratch copy. Anything wrong
raises SessionError naming what and where; the caller's session is never touched, because
loading builds nothing the caller holds.

Format 2 (format 1, without the optional parts and with every epoch's losses and every line
as plain lists, still opens: engine/files/session_upgrade.py):

    {"app": "backprop-playground", "format": 2,
     "scenario": "spiral", "title": "Spiral (book chapter 10, Adam)",
     "spec": an engine.training.model spec (data, layers, optimizer, numerics, user points),
             or {"numerics": "book" | "native"} for the seed's "neuron" and "layer",
     "stepper": Stepper.get_state() (parameters, optimizer caches, iteration, position inside
                it, random stream, the losses and metric history kept, the printed lines kept,
                the current iteration's edits),
     "view": any JSON object the window wants back (its known keys checked),
     optional: "validation" (the validation measurements kept), "stop_conditions",
               "timeline" (the keyframes the timeline keeps), "comparison" (compared runs)}

Its size is bounded however long the run: histories keep every recent epoch and a thinned
record of older ones (engine/training/history.py), the log its latest lines, and the large
arrays and line lists are compressed inside the JSON (engine/files/session_packing.py), so a
million-iteration chapter-10 session is a few megabytes.

Saving is split for a window that must not wait: `SessionCopy.take` copies what a session
needs (arrays copied, nothing encoded) in a few milliseconds, and `SessionCopy.session()`,
`session_bytes` and `write_session` encode, check and write it, on any thread.
"""

from __future__ import annotations

import copy
import json
import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine.files import state as state_codec
from engine.files.atomic import FileWriteError, atomic_writer
from engine.files.session_checks import APP, FORMAT, HAND_EXAMPLES, check_document
from engine.files.session_edits import coalesced_edits
from engine.files.session_extras import rebuild_comparison
from engine.files.session_fields import SessionError
from engine.files.session_packing import pack, unpack
from engine.files.session_reading import parse_json, read_file_bytes
from engine.files.stacked_states import stack_states
from engine.limits import SESSION_FILE_BYTES
from engine.training.model import Model
from engine.training.stepper import Stepper, Trainable

OPTIONAL_PARTS = ("validation", "stop_conditions", "timeline", "comparison")


@dataclass(frozen=True)
class Session:
    """Everything a saved lab holds, in its JSON form (what the file stores, nothing built)."""

    scenario: str
    title: str
    spec: dict  # engine.training.model spec, or {"numerics": ...} for a hand example
    stepper: dict  # Stepper.get_state()
    view: dict = field(default_factory=dict)
    validation: dict | None = None  # History.get_state() of (loss, accuracy), encoded
    stop_conditions: dict | None = None  # {"max_epochs", "target_loss", "target_accuracy"}
    timeline: dict | None = None  # {"iterations", "anchors", "groups"}: see timeline_part
    comparison: dict | None = None  # engine.training.comparison's Comparison.get_state()

    @classmethod
    def capture(cls, stepper: Stepper, scenario: str | None = None, title: str | None = None,
                view: dict | None = None, **parts: Any) -> Session:
        """The session of a running stepper; `scenario` defaults to "neuron"/"layer" for the
        seed examples and "model" for a Model; `parts` are the optional parts, decoded (see
        SessionCopy.take). ValueError if the scenario contradicts the trainable (a hand
        example's name for a Model, or the other hand example's name)."""
        return SessionCopy.take(stepper, scenario, title, view, **parts).session()

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


@dataclass(frozen=True)
class SessionCopy:
    """What a session needs, copied from a running lab and not yet encoded (numpy arrays and
    numbers): taken on the window's thread in milliseconds, encoded on any other."""

    scenario: str
    title: str
    spec: dict
    stepper: dict  # Stepper.copy_state()
    view: dict
    validation: dict | None = None  # History.get_state() of the validation measurements
    stop_conditions: dict | None = None
    keyframes: tuple[tuple[int, Any], ...] = ()  # (iteration, capture_state()), oldest first
    anchors: tuple[int, ...] = ()  # the keyframes the timeline never thins
    comparison: dict | None = None  # Comparison.get_state() (already JSON)

    @classmethod
    def take(cls, stepper: Stepper, scenario: str | None = None, title: str | None = None,
             view: dict | None = None, *, validation: dict | None = None,
             stop_conditions: dict | None = None, keyframes: dict[int, Any] | None = None,
             anchors: set[int] | None = None, comparison: dict | None = None) -> SessionCopy:
        """Copy the stepper's state (arrays copied; keyframes, which are never changed once
        taken, shared) and the optional parts. ValueError as Session.capture."""
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
        frames = tuple(sorted((keyframes or {}).items()))
        return cls(scenario or hand or "model", title or trainable.title, copy.deepcopy(spec),
                   stepper.copy_state(), copy.deepcopy(view or {}),
                   copy.deepcopy(validation), dict(stop_conditions) if stop_conditions else None,
                   frames, tuple(sorted(anchors or ())), copy.deepcopy(comparison))

    def session(self) -> Session:
        """The Session this copy describes, in its JSON form (every part through JSON once, so
        it equals the session its file loads back as). ValueError if a part is not JSON."""
        stepper = dict(self.stepper, edits=coalesced_edits(self.stepper["edits"]))
        # state_codec's encodings are JSON's own types already; the rest goes through JSON.
        return Session(self.scenario, self.title, _json_copy(self.spec, "spec"),
                       state_codec.encode(stepper), _json_copy(self.view, "view"),
                       validation=None if self.validation is None
                       else state_codec.encode(self.validation),
                       stop_conditions=_json_copy(self.stop_conditions, "stop_conditions"),
                       timeline=timeline_part(self.keyframes, self.anchors),
                       comparison=_json_copy(self.comparison, "comparison"))


def timeline_part(keyframes: tuple[tuple[int, Any], ...], anchors: tuple[int, ...]) -> dict | None:
    """The timeline's keyframes as a session stores them: their iterations, the anchors and
    the states stacked (engine/files/stacked_states.py); None without keyframes."""
    if not keyframes:
        return None
    return {"iterations": [int(k) for k, _ in keyframes], "anchors": [int(k) for k in anchors],
            "groups": state_codec.encode(stack_states([state for _, state in keyframes]))}


def clone_stepper(stepper: Stepper) -> Stepper:
    """An independent Stepper at exactly the same state (its step-back history not kept)."""
    return Session.capture(stepper).build_stepper()


def session_bytes(session: Session) -> bytes:
    """The file's bytes for `session`: its document packed (engine/files/session_packing.py) as
    JSON. SessionError if the session would not load back (a non-finite parameter, a view that
    is not JSON) or exceeds SESSION_FILE_BYTES."""
    document = session_document(session)
    try:
        text = json.dumps(pack(document), allow_nan=False)
    except (TypeError, ValueError) as error:
        raise SessionError(f"the session cannot be written as JSON: {error}") from None
    data = text.encode("ascii")
    if len(data) > SESSION_FILE_BYTES:
        raise SessionError(f"the session is {len(data) / 2**20:.1f} MB, over the "
                           f"{SESSION_FILE_BYTES // 2**20} MB limit for session files")
    # Refuse to write what would not load back: the document the file unpacks to goes
    # through every check and the trial rebuild (the packing itself round-trips by test).
    session_from_document(document)
    return data


def write_session(path: str | os.PathLike, data: bytes) -> None:
    """Put `data` (session_bytes) in `path`, all or nothing (engine/files/atomic.py);
    FileWriteError naming the file and the reason, the file that was there untouched."""
    with atomic_writer(path, "wb") as handle:
        handle.write(data)


def save_session(path: str | os.PathLike, session: Session) -> None:
    """Write `session` to `path` atomically: SessionError (nothing written) if it would not
    load back or is too large, FileWriteError if the disk refuses it."""
    write_session(path, session_bytes(session))


def session_document(session: Session) -> dict:
    """`session` as the format-2 JSON document a file holds, unpacked (session_from_document
    reads it back); the session's own dicts, not copies."""
    document = {"app": APP, "format": FORMAT, "scenario": session.scenario,
                "title": session.title, "spec": session.spec, "stepper": session.stepper,
                "view": session.view}
    for part in OPTIONAL_PARTS:
        if getattr(session, part) is not None:
            document[part] = getattr(session, part)
    return document


def load_session(path: str | os.PathLike) -> Session:
    """The session saved in `path`; SessionError saying what is wrong and where otherwise."""
    return session_from_document(parse_json(read_file_bytes(path)))


def session_from_document(document: Any) -> Session:
    """The Session a parsed file describes (format 1 or 2, packed or not), after checking all
    of it and rebuilding it once on a scratch trainable; SessionError naming the first problem
    found."""
    checked = check_document(unpack(document))
    session = Session(checked.scenario, checked.title, checked.spec, checked.stepper,
                      checked.view, **{part: checked.parts.get(part) for part in OPTIONAL_PARTS})
    _trial_rebuild(session, checked.template)
    return session


def _trial_rebuild(session: Session, scratch: Trainable) -> None:
    """Replay the saved position on the scratch trainable: the last check, for what only running
    the network can show (a saved edit it cannot compute with, say), and rebuild the compared
    runs around it."""
    try:
        with np.errstate(all="ignore"):
            stepper = Stepper(scratch)
            stepper.set_state(copy.deepcopy(session.stepper))
    except (ValueError, ArithmeticError, TypeError, KeyError, IndexError) as error:
        raise SessionError(f"stepper: the saved training state cannot be restored: "
                           f"{error}") from None
    if session.comparison is not None:
        rebuild_comparison(stepper, session.comparison)


def _json_copy(value: Any, where: str) -> Any:
    if value is None:
        return None
    try:
        return json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError) as error:
        raise ValueError(f"{where} cannot be saved as JSON: {error}") from None


def _hand_name(trainable: Trainable) -> str | None:
    for name, example in HAND_EXAMPLES.items():
        if type(trainable) is example:
            return name
    return None


# The session format's names, defined beside the checks that hold files to them.
__all__ = ["APP", "FORMAT", "HAND_EXAMPLES", "FileWriteError", "Session", "SessionCopy",
           "SessionError", "clone_stepper", "load_session", "save_session", "session_bytes",
           "session_document", "session_from_document", "timeline_part", "write_session"]
