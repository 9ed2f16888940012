"""Builds the Snapshot every view receives: the stepper's arrays, the readings, the part's share.

A Trainable's values() and parameters() are fresh copies the controller alone holds, so they are
sealed read-only as they are, copied once per snapshot rather than twice.
"""

from __future__ import annotations

from engine.training.stepper import Stepper
from gui.controller.pass_state import PASS_START_NOTE, PassStart
from gui.controller.readings import Readings, chain_rule, preview
from gui.controller.snapshot import (
    OperationInfo,
    Snapshot,
    SurveyInfo,
    operation_info,
    sealed_arrays,
)
from gui.controller.trainable_part import TrainablePart


class SnapshotMaker:
    """Makes snapshots of one controller's stepper with its readings and options."""

    def __init__(self, readings: Readings, preview: bool, loss_curve: bool):
        """preview: include the next pass's values at an iteration start; loss_curve: include
        the loss along the selected value."""
        self.readings = readings
        self._preview = preview
        self.preview_on = preview  # the learner's choice, where previews are offered at all
        self._loss_curve = loss_curve
        self._pass_start = PassStart()
        self._operations: tuple[OperationInfo, ...] = ()
        self._operations_of: list | None = None  # the stepper operations they describe

    def operations(self, stepper: Stepper) -> tuple[OperationInfo, ...]:
        """The stepper's operations as the views see them (made once per stepper)."""
        if self._operations_of is not stepper.operations:
            self._operations = tuple(operation_info(op) for op in stepper.operations)
            self._operations_of = stepper.operations
        return self._operations

    @property
    def offers_preview(self) -> bool:
        return self._preview

    def reading_trainable(self, stepper: Stepper, version: int):
        """The trainable the readings are taken off at `version`: the live one, or once the
        update has begun a copy at the iteration's start (gui.controller.pass_state)."""
        at_start = self._pass_start.trainable(stepper, version)
        return stepper.trainable if at_start is None else at_start

    def make(self, stepper: Stepper, part: TrainablePart, version: int, *, running: bool,
             paced: bool, scenario: str, title: str, notice: str, speed: float, speed_unit: str,
             can_restore: bool, achieved_speed: float | None = None,
             survey: SurveyInfo | None = None) -> Snapshot:
        """The lab now, at engine state `version`; `paced`: running with frames, when the
        costly readings may lag behind. Once the update has begun the readings are those of
        the iteration's pass (gui.controller.pass_state), the updated rule beside them."""
        trainable, readings = stepper.trainable, self.readings
        parameters = sealed_arrays(trainable.parameters())
        at_start = self._pass_start.trainable(stepper, version)
        reading = trainable if at_start is None else at_start
        read_parameters = parameters if at_start is None else sealed_arrays(
            at_start.parameters())
        rule = readings.selected_rule(reading, version, paced,
                                      "current" if at_start is None else "pass start")
        updated = None if at_start is None or readings.selected is None else \
            chain_rule(trainable, *readings.selected)
        numerics = getattr(trainable, "numerics", None)
        return Snapshot(
            scenario=scenario,
            title=title,
            values=sealed_arrays(trainable.values()),
            parameters=parameters,
            operations=self.operations(stepper),
            position=stepper.position,
            iteration=stepper.iteration,
            last_operation=None if stepper.last_operation is None
            else operation_info(stepper.last_operation),
            losses=stepper.losses,
            log_lines=tuple(trainable.log_lines()),
            loss_iterations=stepper.loss_iterations,
            lines_printed=trainable.lines_printed(),
            selected=readings.selected,
            chain_rule=rule,
            input_chain_rules=readings.input_chain_rules(reading, read_parameters),
            loss_curve=readings.loss_curve(reading, read_parameters, rule, running,
                                           "" if at_start is None else PASS_START_NOTE)
            if self._loss_curve else None,
            preview=preview(stepper) if self._preview and self.preview_on else None,
            notice=notice,
            running=running,
            speed=speed,
            speed_unit=speed_unit,
            can_step_back=stepper.history_length > 0,
            can_restore=can_restore,
            classification=part.classification(stepper, version, running),
            rules_at_pass_start=at_start is not None,
            updated_chain_rule=updated,
            numerics=getattr(numerics, "name", ""),
            achieved_speed=achieved_speed,
            gradient_survey=survey,
        )
