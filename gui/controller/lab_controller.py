"""The one place in gui/ that changes engine state: the controller every lab's views talk to.

LabController is the facade: one object, one Snapshot for every view after each change. It is
the controller that drives any Trainable (gui/controller/stepping_controller.py: stepping,
running, edits, time travel, snapshots), with what both labs ask beyond stepping
(gui/controller/lab_requests.py: scenarios kept while the app runs, the preview, the
whole-model gradient check, numerics) and the classification lab's requests added here: a
changed network, data or optimizer settings, and the points added by hand
(gui/controller/added_points.py). A changed network or data builds the Model again from the
same seed (gui/controller/rebuilds.py); a spec the engine refuses changes nothing and is said.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping

from PySide6.QtCore import Signal

from engine.files.session import Session, SessionCopy
from engine.training.cost import check_iteration_cost
from engine.training.model import Model
from engine.training.stepper import Stepper
from gui.controller.actions import action, inside_action
from gui.controller.added_points import AddedPoints
from gui.controller.comparison_part import ComparisonPart
from gui.controller.comparison_requests import ComparisonRequests
from gui.controller.lab_requests import LabRequests
from gui.controller.landscape_part import LandscapePart
from gui.controller.rebuilds import title_for, with_data, with_network


class LabController(ComparisonRequests, LabRequests):
    """Owns the Stepper of the loaded Trainable and everything the learner can do to it."""

    # (message, is_error) the outcome of a points request (add, load, save), for the data panel
    data_message = Signal(str, bool)
    # (file name, added points) a points file held no points: the view asks before clearing
    empty_points_file = Signal(str, int)

    def __init__(self, *args, **kwargs):
        """The arguments of SteppingController: the scenarios' builders and the options."""
        super().__init__(*args, **kwargs)
        self._points = AddedPoints(self, self._rebuild)
        self.comparison = ComparisonPart(self)
        self.landscape = LandscapePart(self)

    @action
    def open_session(self, session: Session) -> None:
        """Continue exactly where `session` stood, its compared runs too (with their lockstep
        epoch, settings and records)."""
        super().open_session(session)
        if session.comparison is not None and self.model is not None:
            self.comparison.restore(session.comparison)

    def copy_session(self, view: Mapping | None = None, **parts) -> SessionCopy:
        """The loaded session copied now (see SteppingController), the compared runs too."""
        saved = self.comparison.saved_state()
        if saved is not None:
            parts["comparison"] = saved
        return super().copy_session(view, **parts)

    @property
    def spec(self) -> dict:
        """A copy of the Model's spec (engine.training.model's format), hyperparameters as now."""
        return copy.deepcopy(self.model.spec)

    @action
    def set_architecture(self, network: Mapping) -> None:
        """A new network shape, optimizer or numerics: rebuilt from the same seed, so the same
        spec always starts from the same weights."""
        self._rebuild(with_network(self.model.spec, network),
                      "Network rebuilt from seed {seed}: training starts again")

    @action
    def set_data_spec(self, data_spec: Mapping) -> None:
        """New data (kind, samples per class, classes, seed): rebuilt from the seed; added
        points of classes that no longer exist are dropped."""
        self._rebuild(with_data(self.model.spec, data_spec),
                      "New data from seed {seed}: training starts again")

    @action
    def set_hyperparameters(self, values: Mapping[str, float]) -> None:
        """Optimizer settings that apply from the next step on, without a reset."""
        try:
            self.stepper.set_hyperparameters(**{key: float(v) for key, v in values.items()})
        except ValueError as error:
            self.status_message.emit(f"Refused: {error}")
            self._publish(None, changed=False)
            return
        settings = ", ".join(f"{key} = {value:g}" for key, value in values.items())
        self._publish(f"{settings}: applies from the next step, training goes on")

    @action
    def add_point(self, x: float, y: float, label: int) -> None:
        """Add a training point of class `label` where the learner clicked; training goes on
        from where it is, now with the point."""
        self._points.add(x, y, label)

    @action
    def add_points(self, coordinates: list, label: int) -> None:
        """Add the points of one brush stroke, [(x, y), ...], of class `label` (a regression
        ignores it): one change, one undo step."""
        self._points.add_stroke([(float(x), float(y)) for x, y in coordinates], label)

    @action
    def remove_point(self, index: int) -> None:
        """Remove added point number `index` (in the order they were added)."""
        self._points.remove(index)

    @action
    def clear_points(self) -> None:
        """Remove every added point."""
        self._points.clear()

    def save_points(self, path: str) -> None:
        """Write the added points to a CSV file (header x,y,class; a regression's x,y)."""
        self._points.save(path)

    @action
    def load_points(self, path: str) -> None:
        """Replace the added points with a CSV file's; a malformed file changes nothing and
        the message names the line, a file without points asks first (empty_points_file)."""
        self._points.load(path)

    def adopt_run(self, stepper: Stepper, message: str) -> None:
        """Drive `stepper`, another run of the loaded Model's data (a compared run promoted to
        be the main one), from where it stands; the undo history is kept (the promotion is
        on it: gui/controller/comparison_part.py)."""
        self.pause()
        previous = self._part
        self._install(stepper.trainable, self.scenario, self.title, stepper=stepper,
                      keep_history=True)
        self._part.carry_over(previous, measurements=False)
        self._publish(message)

    def points_room(self) -> int:
        """How many points a file may add (the data set and they stay within a session's
        limits)."""
        return self._points.room()

    def load_parsed_points(self, path: str, coordinates, labels) -> None:
        """The points of `path`, read elsewhere (a worker thread): as load_points(path) does
        with them, announced as that action, so a take replays it by loading the file."""
        if not inside_action(self):
            self.action_performed.emit("load_points", {"path": path})
        self._points.loaded(path, coordinates, labels)

    def refuse_points(self, path: str, error: Exception) -> None:
        """Reading `path` elsewhere failed with `error`: say so; the data stays."""
        self._points.refused(path, error)

    def _rebuild(self, spec: dict, message: str, keep_training: bool = False) -> bool:
        """Build a Model from `spec` and drive it (`message` may name its seed as {seed});
        keep_training carries the current parameters, optimizer state, position and
        validation measurements over (the data changed, the network did not). A run goes on.
        False, and nothing changed, if the engine refuses the spec."""
        preset = self.builders[self.scenario][0] if self.scenario in self.builders else None
        try:
            # What an iteration would cost, before building: a network needing gigabytes
            # per iteration is refused with the estimate, a slow one said.
            cost = check_iteration_cost(spec)
            model = Model(spec, title=title_for(spec, self._part.preset_spec, preset))
        except ValueError as error:
            self.status_message.emit(f"Refused: {error}")
            self.data_message.emit(f"Refused: {error}", True)
            self._publish(None, changed=False)
            return False
        running = self.is_running()
        self.pause()
        state = self.stepper.get_state() if keep_training else None
        previous = self._part
        self._install(model, self.scenario, model.title, stepper_state=state)
        self._part.carry_over(previous, measurements=keep_training)
        self._publish(message.format(seed=model.spec["seed"])
                      + (f" (note: {cost})" if cost else ""))
        if running:
            self.set_running(True)
        return True
