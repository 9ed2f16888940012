"""The learner's requests of the compared runs, as the controller's actions.

Each request ends in the comparison part (gui/controller/comparison_part.py); going through
the controller's `@action` methods here, it announces itself on `action_performed` like every
other request, so a take records it and a replay redoes it by name (gui/tutorial/takes.py).
"""

from __future__ import annotations

from collections.abc import Mapping

from gui.controller.actions import action


class ComparisonRequests:
    """The compare panel's, the Run menu's and the timeline's requests of `self.comparison`."""

    @action
    def compare_add_run(self) -> None:
        """Compare: a copy of the main run from where it stands, to change a setting in."""
        self.comparison.add_run()

    @action
    def compare_from_here(self) -> None:
        """A copy of the main run as it stood at the past iteration the timeline shows."""
        self.comparison.compare_from_here()

    @action
    def compare_set_settings(self, name: str, settings: Mapping[str, object]) -> None:
        """Change a compared run's settings from its next iteration on."""
        self.comparison.set_settings(name, dict(settings))

    @action
    def compare_stop(self, name: str) -> None:
        self.comparison.stop(name)

    @action
    def compare_resume(self, name: str) -> None:
        self.comparison.resume(name)

    @action
    def compare_remove(self, name: str) -> None:
        self.comparison.remove(name)

    @action
    def compare_promote(self, name: str) -> None:
        """Make a compared run the main one (Edit > Undo makes the former one main again)."""
        self.comparison.promote(name)

    @action
    def compare_watch(self, name: str, index: tuple[int, ...]) -> None:
        """Record each run's optimizer state for parameters()[name][index] from now on."""
        self.comparison.watch(name, tuple(int(i) for i in index))

    @action
    def compare_close(self) -> None:
        """End the comparison: the main run trains alone again."""
        self.comparison.close()
