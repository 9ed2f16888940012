"""What an edit changed, in words: which operations were computed again, what waits for later.

The Stepper applies an edit one of two ways (engine/training/stepper.py): a value no operation
of this iteration has written yet takes effect from the iteration's start, and the operations
done so far are computed again with it; a value already rewritten (a weight after its update)
takes effect from here on, and what was computed before keeps the old value. The sentence says
which, so "everything recomputed" never stands beside a diagram that still shows the old loss.
"""

from __future__ import annotations

from collections.abc import Sequence

from gui.controller.snapshot import Index, OperationInfo, parameter_label


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th, ..., 11th, 12th, 13th, 21st: counts read as counts, never as the
    notebook's own iteration labels (which start from 0 in one of its loops)."""
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def edit_report(operations: Sequence[OperationInfo], position: int, name: str, index: Index,
                value: float, preview: bool, word: str = "iteration") -> str:
    """The status line for `name[index] = value` made `position` operations into an
    iteration (`word`: what one is called); `preview`: the rest of the pass is previewed."""
    label = f"{parameter_label(name, index)} = {value:.6g}"
    done = operations[:position]
    updating = any(operation.phase == "update" for operation in done)
    if position == 0:
        return f"{label}; " + ("the preview of the next pass shows what it changes" if preview
                               else f"the next {word} computes with it")
    if any(name in operation.writes for operation in done):
        return (f"{label} from here on: the {plural(position, 'operation')} done in this {word} "
                f"keep the value they used; the next {word} starts from {value:.6g}")
    rest = "" if updating or not preview else "; the preview shows the rest of the pass"
    return (f"{label}; the {plural(position, 'operation')} done in this {word} were computed "
            f"again with it{rest}")


def work_summary(iteration: int, position: int, edits: int, word: str = "iteration") -> str:
    """Where a session stands beyond its start, e.g. "3 operations of the 1st iteration" or
    "12 iterations and 2 edited values"; "" when it stands at its start, unedited."""
    parts = []
    if iteration:
        parts.append(plural(iteration, word))
    if position:
        of = f"of the {ordinal(iteration + 1)}" if iteration else f"of the {ordinal(1)} {word}"
        parts.append(f"{plural(position, 'operation')} {of}")
    if edits:
        parts.append(plural(edits, "edited value"))
    if len(parts) > 1:
        return ", ".join(parts[:-1]) + " and " + parts[-1]
    return parts[0] if parts else ""
