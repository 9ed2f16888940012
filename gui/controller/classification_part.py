"""The classification Model's part of the controller: what its views draw, when Run stops.

Each snapshot of a Model carries the data, the predicted plane and the neuron maps
(engine/training/plane.py recomputes them at most as often as a view can show them, on another
core while running), the confusion matrices, the training and validation curves and the book's
epoch line. A regression Model (chapter 17) has the prediction over x instead of a plane
(engine/training/curve.py) and no confusion matrix. Run stops at the learner's stop conditions;
a run of many iterations measures the validation set on the way.
"""

from __future__ import annotations

import copy
import time
from types import MappingProxyType

import numpy as np

from engine.training.confusion import confusion_matrix
from engine.training.curve import Curve, data_points
from engine.training.model import Model
from engine.training.plane import Plane, sealed
from engine.training.plane_worker import shared_worker
from engine.training.spec import losses_for
from engine.training.stepper import Divergence, Stepper
from gui.controller.snapshot import (
    ClassificationInfo,
    ConfusionInfo,
    RegressionCurve,
    frozen_array,
)
from gui.controller.stop_conditions import StopConditions

# Boundary computing per snapshot: the chapter-10 plane whole (about 6 ms); a larger
# network's plane comes in slices of rows, top to bottom, the window answering in between.
PLANE_BUDGET_S = 0.03
VALIDATION_EVERY = 100  # run_iterations measures the validation set this often
CONFUSION_REFRESH_S = 0.25  # while running, the confusion matrices are recounted this often


class ClassificationPart:
    """A classification Model's plane, snapshot share, stop conditions and validation."""

    epoch_word = "epoch"

    def __init__(self, model: Model, stops: StopConditions):
        self.model = model
        self.classifies = model.head.classifies
        self.plane: Plane | Curve = Plane(model) if self.classifies else Curve(model)
        self._stops = stops
        # The spec the loaded preset or session began with: a rebuild keeps its title while
        # network and data stay as they were (carry_over hands it on).
        self.preset_spec = copy.deepcopy(model.spec)
        # The data changes only by a rebuild, which brings a new part: frozen once, not per frame.
        self._data = _data_arrays(model)
        self._confusion: ConfusionInfo | None = None
        self._confusion_version = -1
        self._confusion_time = 0.0

    @property
    def trains_one_at_a_time(self) -> bool:
        return self._stops.has_target

    @property
    def drawing_unfinished(self) -> bool:
        """A large network's plane is finished in further slices, the window answering in
        between."""
        return not self.plane.complete

    def classification(self, stepper: Stepper, version: int, running: bool) -> ClassificationInfo:
        """The classification views' part of the snapshot at engine state `version`."""
        model, plane = self.model, self.plane
        if self.classifies:
            plane.refresh(model, version, running, PLANE_BUDGET_S,
                          shared_worker() if running else None)
            picture = {"boundary": plane.boundary, "boundary_frame": plane.boundary_frame,
                       "boundary_rows": plane.boundary_rows,
                       "confusion": self._confusion_at(version, running)}
        else:
            plane.refresh(model, version, running)
            picture = {"boundary": None, "boundary_frame": 0, "boundary_rows": None,
                       "regression": RegressionCurve(plane.xs, plane.prediction, plane.frame)}
        plane.measure_validation(model, stepper.iteration)
        history = model.history()  # read-only views later epochs never change: no copy
        validation_epochs, validation_loss, validation_accuracy = plane.validation_series()
        metrics = model.training_metrics()
        status = (f"epoch: {stepper.iteration}, acc: {metrics['accuracy']:.3f}, "
                  f"loss: {metrics['loss']:.3f}, "
                  f"lr: {model.optimizer.current_learning_rate}")
        return ClassificationInfo(
            spec=MappingProxyType(copy.deepcopy(model.spec)),
            **self._data,
            **picture,
            extent=plane.extent,
            hidden_maps=plane.maps,
            maps_extent=plane.maps_extent,
            maps_frame=plane.maps_frame,
            history=MappingProxyType(history),
            history_epochs=model.history_epochs(),
            validation_epochs=validation_epochs,
            validation_loss=validation_loss,
            validation_accuracy=validation_accuracy,
            status_line=status,
            stop_conditions=MappingProxyType(dict(self._stops.values)),
            offered_losses=losses_for(model.spec["data"]["kind"]),
        )

    def _confusion_at(self, version: int, running: bool) -> ConfusionInfo:
        """The confusion matrices at engine state `version`: recounted when it changed, while
        running at most every CONFUSION_REFRESH_S."""
        now = time.perf_counter()
        stale = version != self._confusion_version
        if self._confusion is None or stale and not (
                running and now - self._confusion_time < CONFUSION_REFRESH_S):
            model = self.model
            predicted = model.class_predictions()
            classes = model.spec["data"]["classes"]
            self._confusion = ConfusionInfo(
                training=sealed(confusion_matrix(model.labels, predicted["training"], classes)),
                validation=sealed(confusion_matrix(model.labels_val, predicted["validation"],
                                                   classes)),
                predicted=sealed(predicted["training"]),
                validation_predicted=sealed(predicted["validation"]))
            self._confusion_version, self._confusion_time = version, now
        return self._confusion

    def stop_reason(self, stepper: Stepper, starting: bool = False) -> str | None:
        """Why Run should stop now (a stop condition met), or None; only at epoch starts."""
        if stepper.position != 0:
            return None
        return self._stops.reason(stepper.iteration, self.model, starting)

    def epochs_left(self, stepper: Stepper, unit: str) -> int | None:
        """Iterations Run may still do under the epoch budget (None: no budget applies)."""
        return self._stops.epochs_left(stepper.iteration) if unit == "iterations" else None

    def run_iterations(self, stepper: Stepper, n: int) -> None:
        """n iterations, the validation set measured every VALIDATION_EVERY epochs on the way,
        so the validation curves have points however the run was made."""
        target = stepper.iteration + n
        while stepper.iteration < target:
            stop = min(target, (stepper.iteration // VALIDATION_EVERY + 1) * VALIDATION_EVERY)
            stepper.run_iterations(stop - stepper.iteration)
            self.plane.measure_validation(self.model, stepper.iteration)

    def divergence_notice(self, divergence: Divergence) -> str:
        what = str(divergence).partition(": ")[2]
        return (f"Paused: training diverged at epoch {divergence.iteration}: "
                f"{what}. Restore the last good state to go on.")

    def prepare_to_run(self) -> None:
        """The plane is drawn on another core while running: start that helper now (a
        regression's curve needs none)."""
        if self.classifies:
            shared_worker().start()

    def carry_over(self, previous: ClassificationPart, measurements: bool) -> None:
        """This part's model was rebuilt from `previous`'s: the same preset; with
        `measurements` (changed data, training on) the same validation set and curves."""
        self.preset_spec = previous.preset_spec
        if measurements:
            self.plane.validation.set_state(previous.plane.validation.get_state())

    def validation_state(self) -> dict:
        """The validation measurements kept (History.get_state()), for a session."""
        return self.plane.validation.get_state()

    def set_validation_state(self, state: dict) -> None:
        """The measurements a session saved (History.get_state())."""
        self.plane.validation.set_state(state)


def _data_arrays(model: Model) -> dict[str, np.ndarray]:
    """The data a view draws, frozen: points and labels of a classifier; (x, target) points
    and labels 0 of a regression."""
    if model.head.classifies:
        added = np.array(model.spec["points"], dtype=np.float64).reshape(-1, 3)
        return {"points": frozen_array(model.X), "labels": frozen_array(model.labels),
                "validation_points": frozen_array(model.X_val),
                "validation_labels": frozen_array(model.labels_val),
                "user_points": sealed(added[:, :2].copy()),
                "user_labels": sealed(added[:, 2].astype(int))}
    added = np.array(model.spec["points"], dtype=np.float64).reshape(-1, 2)
    return {"points": sealed(data_points(model.X, model.y)),
            "labels": sealed(np.zeros(len(model.X), dtype=int)),
            "validation_points": sealed(data_points(model.X_val, model.y_val)),
            "validation_labels": sealed(np.zeros(len(model.X_val), dtype=int)),
            "user_points": sealed(added.copy()),
            "user_labels": sealed(np.zeros(len(added), dtype=int))}
