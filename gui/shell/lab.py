"""What the window and its tools may ask of a lab, whichever lab it is.

The shell imports a lab only when its scenario first opens (a lab brings pyqtgraph, which the
start page does without) and knows labs only through this protocol; gui.labs.lab.LabBase
implements it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDockWidget

    from gui.controller.lab_controller import LabController


class Lab(Protocol):
    """A lab installed in the window: its controller, and how it takes the window over."""

    # The scenario kind it opens ("hand", "classification"): one lab of each kind per window.
    kind: str
    # The only object that changes the lab's engine state; sessions and tools go through it.
    controller: LabController
    # Its panels by key ("controls", "chain_rule", ...), each in a dock of the window.
    docks: Mapping[str, QDockWidget]
    # The keys of the panels its focus layout shows beside the central view.
    focus_panels: tuple[str, ...]

    @property
    def active(self) -> bool:
        """Whether the window shows this lab (its panels, keys and title) right now."""

    def load(self, name: str) -> None:
        """Take the window over and open scenario `name` at its start."""

    def activate(self) -> None:
        """Show this lab's central view, panels and keys (the window calls it)."""

    def deactivate(self) -> None:
        """Pause, and hide the panels and free the keys (the window calls it)."""

    def arrange_docks(self, focus: bool = False) -> None:
        """Its panels in their default places for the window's size and text size (`focus`:
        only the focus panels shown)."""

    def fit_room(self) -> None:
        """The window was resized: a default arrangement is made again if the new size calls
        for another one (an arrangement the user made is left alone)."""

    def forget_arrangement(self) -> None:
        """Its panels were put somewhere else than its default places (a remembered or named
        arrangement): resizing the window leaves them there."""

    def view_settings(self) -> dict[str, Any]:
        """What the lab's views show that the engine does not hold (a session keeps it)."""

    def apply_view_settings(self, view: Mapping[str, Any]) -> None:
        """Put saved view settings back; unknown or ill-typed entries are ignored."""
