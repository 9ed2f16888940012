"""Format 1's training state as format 2 holds it.

Format 1 stored every epoch's losses and metrics as plain lists and kept every printed line;
format 2 stores the bounded records the engine keeps (engine/training/history.py,
engine/training/printed_lines.py). A format-1 file, once checked, is upgraded by feeding its
lists through those records exactly as training would have, so the run opened from it is the
run that would have been, had it been made by this version.
"""

from __future__ import annotations

from typing import Any

from engine.files import state as state_codec
from engine.limits import PRINTED_LINES
from engine.training.history import History
from engine.training.model_state import HISTORY_KEYS


def upgraded_stepper(state: dict) -> dict:
    """A checked format-1 Stepper.get_state() in format 2 (a new dict; `state` unchanged)."""
    upgraded = dict(state, losses=_history(("loss",), {"loss": state["losses"]}))
    trainable = dict(state["trainable"])
    trainable["log"] = trainable["log"][-PRINTED_LINES:]  # log_length still counts them all
    if "history" in trainable:
        trainable["history"] = _history(HISTORY_KEYS, trainable["history"])
    upgraded["trainable"] = trainable
    return upgraded


def _history(keys: tuple[str, ...], lists: dict[str, list[Any]]) -> dict:
    history = History(keys)
    history.replace({key: [float(value) for value in state_codec.decode(lists[key])]
                     for key in keys})
    return state_codec.encode(history.get_state())
