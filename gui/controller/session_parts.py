"""What the controller puts into a session beyond the training state, and takes back from one:
the selection, a classification run's stop conditions and its validation measurements.

The learner set the stop conditions and watched the validation curves; a session that forgot
them reopened a run with no validation curves and no epoch budget. They are copied with the
training state (engine.files.session.SessionCopy) and given back to the new trainable's part
when a session opens.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.files import state as state_codec
from engine.files.session import Session, SessionCopy
from engine.training.stepper import Stepper
from gui.controller.snapshot import Index
from gui.controller.stop_conditions import StopConditions
from gui.controller.trainable_part import TrainablePart


def session_copy(stepper: Stepper, scenario: str, title: str, view: Mapping | None,
                 selected: tuple[str, Index] | None, part: TrainablePart,
                 stops: StopConditions, parts: Mapping[str, Any]) -> SessionCopy:
    """The session of `stepper` copied now: `view` with the selection added, the stop
    conditions and validation measurements of a classification run, and `parts`."""
    view = dict(view or {})
    if selected is not None:
        view["selected"] = [selected[0], list(selected[1])]
    conditions = stop_values(stops.values) if part.model is not None else None
    return SessionCopy.take(stepper, scenario, title, view, validation=part.validation_state(),
                            stop_conditions=conditions, **parts)


def apply_saved_parts(session: Session, part: TrainablePart, stops: StopConditions) -> None:
    """Give the freshly installed trainable's part what `session` saved beyond its state."""
    if session.stop_conditions is not None and part.model is not None:
        stops.set(session.stop_conditions)
    if session.validation is not None:
        part.set_validation_state(state_codec.decode(session.validation))


def saved_selection(view: Mapping[str, Any]) -> tuple[str, Index] | None:
    """A saved view's selection, [name, [i, j]] (engine/files/session_extras.py checked it
    against the network), as the controller holds it; None if there is none."""
    saved = view.get("selected")
    if isinstance(saved, list) and len(saved) == 2 and isinstance(saved[0], str) and \
            isinstance(saved[1], list) and all(isinstance(i, int) for i in saved[1]):
        return saved[0], tuple(saved[1])
    return None


def stop_values(stops: Mapping[str, float | None]) -> dict:
    """Stop conditions as a session stores them: a whole epoch budget, real targets."""
    budget = stops.get("max_epochs")
    targets = {key: None if stops.get(key) is None else float(stops[key])
               for key in ("target_loss", "target_accuracy")}
    return {"max_epochs": None if budget is None else int(budget), **targets}
