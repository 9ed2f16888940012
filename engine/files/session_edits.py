"""The edits a session saves: those of the iteration the run stands in, merged where one
overrides another, and at most LOADABLE_EDITS of them.

Every nudge of a value with the mouse wheel is an edit, all at the same point of the same
iteration, so a learner can pile up thousands; replaying them when the file is opened costs
their number times the operations. An edit that a later one at the same point completely
overrides changes nothing, so a save keeps only the last value typed into each element (until
a hyperparameter edit, which may set the same variable: the seed's learning rate is both) and
merges consecutive hyperparameter edits into one. The file then loads to the same state, bit
for bit.
"""

from __future__ import annotations

from typing import Any

from engine.files.session_fields import SessionError
from engine.limits import LOADABLE_EDITS


def coalesced_edits(edits: list[list[Any]]) -> list[list[Any]]:
    """`edits` ([position, "value", (name, index, value)] or [position, "hyper", {name:
    value}], in the order made) without those a later one at the same point overrides.
    SessionError if more than LOADABLE_EDITS remain."""
    kept: list[list[Any] | None] = []
    last_value: dict[tuple, int] = {}  # (position, name, index) -> its place in `kept`
    for position, kind, payload in edits:
        previous = kept[-1] if kept else None
        if kind == "hyper":
            last_value.clear()  # a hyperparameter may be the very variable edited before
            if previous is not None and previous[0] == position and previous[1] == "hyper":
                kept[-1] = [position, "hyper", {**previous[2], **payload}]
                continue
        else:
            target = (position, payload[0], tuple(payload[1]))
            if target in last_value:
                kept[last_value[target]] = None
            last_value[target] = len(kept)
        kept.append([position, kind, payload])
    result = [edit for edit in kept if edit is not None]
    if len(result) > LOADABLE_EDITS:
        raise SessionError(f"the iteration holds {len(result)} edits, more than the "
                           f"{LOADABLE_EDITS} a session keeps: finish the iteration (Enter) "
                           "and save again")
    return result
