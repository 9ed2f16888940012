"""The loss landscape panel put into a lab: its dock (a tab beside `beside`), and the wiring
between the panel and the controller's landscape part, which computes only while the dock is
on screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDockWidget

from gui.labs.landscape_panel import LandscapePanel

if TYPE_CHECKING:
    from gui.labs.lab import LabBase


def install_landscape_panel(lab: LabBase, beside: QDockWidget) -> LandscapePanel:
    """The lab's landscape panel, docked as a tab beside `beside` (which stays in front)."""
    panel = LandscapePanel()
    part = lab.controller.landscape
    lab.on_demand.add("landscape")
    dock = lab._dock("landscape", "Loss landscape", panel, lab.window.dockWidgetArea(beside),
                     beside)
    beside.raise_()
    part.landscape_changed.connect(panel.set_view)
    panel.axes_chosen.connect(part.set_axes)
    panel.racing_toggled.connect(part.set_racing)
    panel.directions_chosen.connect(part.set_directions)
    panel.compute_requested.connect(part.compute)
    dock.visibilityChanged.connect(part.set_enabled)
    return panel
