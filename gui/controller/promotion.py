"""Promoting a compared run to be the main one, as a step on the undo stack.

A promotion swaps which run the window drives; the edits before it were made to the former
main run and the edits after it to the new one, so the promotion sits on the undo stack
between them: Edit > Undo makes the former run the main one again before it undoes an edit
made to it. A run named on the stack that leaves the comparison takes the history with it
(gui/controller/comparison_part.py clears the stack then).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand, QUndoStack

MakeMain = Callable[[str], None]  # (run name): make that compared run the main one


class PromoteCommand(QUndoCommand):
    """The main run changed from `former` to `promoted` (already done when pushed)."""

    def __init__(self, make_main: MakeMain, promoted: str, former: str):
        super().__init__(f"make {promoted!r} the main run")
        self.make_main, self.promoted, self.former = make_main, promoted, former
        self._applied = True  # the comparison part promoted it before pushing

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        self.make_main(self.promoted)

    def undo(self) -> None:
        self.make_main(self.former)


def names_on_stack(stack: QUndoStack) -> set[str]:
    """The runs the promotions on `stack` name."""
    names = set()
    for number in range(stack.count()):
        command = stack.command(number)
        if isinstance(command, PromoteCommand):
            names |= {command.promoted, command.former}
    return names
