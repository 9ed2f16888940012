"""The compare panel put into the classification lab: its dock (a tab beside the neuron maps), the
Run > Compare runs action and its key, and the wiring between the panel and the controller's
comparison part, so the lab itself only calls install_compare_panel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from gui.labs.classification.compare_panel import ComparePanel

if TYPE_CHECKING:
    from gui.labs.classification.lab import ClassificationLab

COMPARE_KEY = "Ctrl+Shift+C"


def install_compare_panel(lab: ClassificationLab) -> ComparePanel:
    """The lab's compare panel, docked, its action added and wired."""
    panel = ComparePanel()
    part = lab.controller.comparison
    # A tab beside the neuron maps: at the bottom, beside the curves or in a tab of its own,
    # it would make the window larger than a 1366 x 768 screen (the panel turns its parts
    # side by side when the learner docks it at the bottom).
    maps = lab.docks["neuron_maps"]
    lab.on_demand.add("compare")
    dock = lab._dock("compare", "Compare runs", panel, Qt.DockWidgetArea.RightDockWidgetArea,
                     maps)
    maps.raise_()

    def _on_part_comparison_changed(view) -> None:
        """A comparison opened (by the key, the panel or the timeline): the panel in front."""
        if view is not None and panel.view is None:
            dock.show()
            dock.raise_()
        panel.set_view(view)

    controller = lab.controller
    lab._add_action("Run", "compare", "&Compare runs (add a run)", controller.compare_add_run,
                    COMPARE_KEY)
    part.comparison_changed.connect(_on_part_comparison_changed)
    panel.add_requested.connect(controller.compare_add_run)
    panel.close_requested.connect(controller.compare_close)
    panel.stop_requested.connect(controller.compare_stop)
    panel.resume_requested.connect(controller.compare_resume)
    panel.remove_requested.connect(controller.compare_remove)
    panel.promote_requested.connect(controller.compare_promote)
    panel.settings_edited.connect(controller.compare_set_settings)
    panel.watch_requested.connect(controller.compare_watch)
    return panel
