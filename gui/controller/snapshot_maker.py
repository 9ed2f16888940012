"""Builds the Snapshot every view receives: the stepper's arrays, the readings, the part's share.

A Trainable's values() and parameters() are fresh copies the controller alone holds, so they are
sealed read-only as they are, copied once per snapshot rather than twice.
"""

from __future__ import annotations

from engine.training.stepper import Stepper
from gui.controller.readings import Readings, preview
from gui.controller.snapshot import OperationInfo, Snapshot, operation_info, sealed_arrays
from gui.controller.trainable_part import TrainablePart


class SnapshotMaker:
    """Makes snapshots of one controller's stepper with its readings and options."""

    def __init__(self, readings: Readings, preview: bool, loss_curve: bool):
        """preview: include the next pass's values at an iteration start; loss_curve: include
        the loss along the selected value."""
        self.readings = readings
        self._preview = preview
        self._loss_curve = loss_curve
        self._operations: tuple[OperationInfo, ...] = ()
        self._operations_of: list | None = None  # the stepper operations they describe

    def operations(self, stepper: Stepper) -> tuple[OperationInfo, ...]:
        """The stepper's operations as the views see them (made once per stepper)."""
        if self._operations_of is not stepper.operations:
            self._operations = tuple(operation_info(op) for op in stepper.operations)
            self._operations_of = stepper.operations
        return self._operations

    def make(self, stepper: Stepper, part: TrainablePart, version: int, *, running: bool,
             paced: bool, scenario: str, title: str, notice: str, speed: float, speed_unit: str,
             can_restore: bool) -> Snapshot:
        """The lab now, at engine state `version`; `paced`: running with frames, when the
        costly readings may lag behind."""
        trainable, readings = stepper.trainable, self.readings
        parameters = sealed_arrays(trainable.parameters())
        rule = readings.selected_rule(trainable, version, paced)
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
            input_chain_rules=readings.input_chain_rules(trainable, parameters),
            loss_curve=readings.loss_curve(trainable, parameters, rule, running)
            if self._loss_curve else None,
            preview=preview(stepper) if self._preview else None,
            notice=notice,
            running=running,
            speed=speed,
            speed_unit=speed_unit,
            can_step_back=stepper.history_length > 0,
            can_restore=can_restore,
            classification=part.classification(stepper, version, running),
        )
