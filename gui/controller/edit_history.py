"""The edit history: every value the learner typed or nudged, as one undo step each.

An edit is applied first (so the engine can refuse it) and then recorded; undo and redo apply
the old or new value again through the same function. Quick successive edits of one cell in one
editing session (a held arrow key, the mouse wheel) merge into one step.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import numpy as np
from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoCommand, QUndoStack

from gui.controller.snapshot import Index, parameter_label

EDIT_COMMAND_ID = 4041

ApplyEdit = Callable[[str, Index, float], None]  # (name, index, value): set it and recompute


class EditCommand(QUndoCommand):
    """One edit on the undo stack; quick successive edits of one cell merge into one step."""

    def __init__(self, apply: ApplyEdit, name: str, index: Index, old: float, new: float,
                 session: int):
        super().__init__(f"set {parameter_label(name, index)} to {new:.6g}")
        self.apply = apply
        self.name, self.index, self.old, self.new, self.session = name, index, old, new, session
        self._applied = True  # the controller applied it before pushing, to validate it

    def id(self) -> int:
        return EDIT_COMMAND_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, EditCommand) or other.session == 0 or (
                other.session, other.name, other.index) != (self.session, self.name, self.index):
            return False
        self.new = other.new
        self.setText(other.text())
        self.setObsolete(self.new == self.old)
        return True

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        self.apply(self.name, self.index, self.new)

    def undo(self) -> None:
        self.apply(self.name, self.index, self.old)


class EditHistory:
    """The undo stack of one controller's edits (Edit > Undo and Redo work on `undo_stack`)."""

    def __init__(self, parent: QObject, apply: ApplyEdit):
        self.undo_stack = QUndoStack(parent)
        self._apply = apply

    def edit(self, parameters: Mapping[str, np.ndarray], name: str, index: Index, value: float,
             session: int) -> str | None:
        """Apply `value` to parameters[name][index] and record it as one undo step (merged with
        the previous one when `session` is non-zero and the same as that step's, for the same
        element); a value equal to the current one changes nothing. The reason, and nothing
        changed, when the element does not exist or the value is refused."""
        try:
            old = float(parameters[name][index])
        except (KeyError, IndexError) as error:
            return f"{parameter_label(name, index)} cannot be edited: {error}"
        if not math.isfinite(value):
            return f"{parameter_label(name, index)} must be a finite number"
        if value == old:
            return None
        try:
            self._apply(name, index, value)
        except ValueError as error:
            return str(error)
        self.undo_stack.push(EditCommand(self._apply, name, index, old, float(value), session))
        return None

    def forget(self) -> None:
        """No undo across a new trainable, a reset or a resumed past: those edits are gone."""
        self.undo_stack.clear()
