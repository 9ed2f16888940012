"""What a snapshot reads off the trainable beyond its arrays: the selected value's chain rule and
loss curve, the inputs' chain rules and the preview of the next pass.

Each costs extra forward and backward passes, so while Run publishes frames the selected rule
and the curve are recomputed only every so often; otherwise they follow every change.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping

import numpy as np

from engine.training.stepper import Stepper, Trainable
from gui.controller.snapshot import (
    ChainRuleInfo,
    Index,
    LossCurve,
    chain_rule_info,
    frozen_array,
    parameter_label,
    sealed_arrays,
)

CURVE_POINTS = 61
CURVE_REFRESH_S = 0.1  # while running, the loss-along-weight curve is recomputed at most this often
RULE_REFRESH_S = 0.5  # while running, the selected weight's chain rule likewise
MAX_INPUT_RULES = 16  # dl/dx for every input only while there are at most this many

InputName = Callable[[Mapping[str, np.ndarray]], "str | None"]


def chain_rule(trainable: Trainable, name: str, index: Index) -> ChainRuleInfo | None:
    """The chain rule of one element; None where there is none (a learning rate, a target) or
    none computable (a diverged state, which is shown rather than warned about)."""
    try:
        with np.errstate(all="ignore"):
            return chain_rule_info(trainable.chain_rule(name, index))
    except (KeyError, ValueError, IndexError, ArithmeticError):
        return None


class Readings:
    """The selection and what is read off the trainable for it, with the caches that pace them."""

    def __init__(self, input_name: InputName | None = None):
        """input_name: which parameter holds the inputs, given the parameters (a Trainable's
        own `input_name` attribute wins)."""
        self.selected: tuple[str, Index] | None = None
        self._input_name = input_name
        # ((selection, version), rule, when computed, seconds it took)
        self._rule: tuple[tuple, ChainRuleInfo | None, float, float] | None = None
        self._curve: LossCurve | None = None
        self._curve_time = 0.0

    def keep_selection(self, parameters: Mapping[str, np.ndarray]) -> None:
        """A new trainable: forget what was read, keep the selection where `parameters` has
        that element, else select the first element of the first parameter."""
        self._rule = None
        self._curve = None
        selected = self.selected
        kept = selected is not None and selected[0] in parameters and \
            len(selected[1]) == np.ndim(parameters[selected[0]]) and all(
                0 <= i < n for i, n in zip(selected[1], np.shape(parameters[selected[0]]),
                                           strict=True))
        if not kept:
            first = next(iter(parameters))
            self.selected = (first, (0,) * np.ndim(parameters[first]))

    def select(self, trainable: Trainable, name: str, index: Index) -> bool:
        """Select one element; False (nothing changed) if it is selected already or has no
        gradient to take apart (a learning rate or target: editable, but no chain rule)."""
        if self.selected == (name, index) or chain_rule(trainable, name, index) is None:
            return False
        self.selected = (name, index)
        self._curve = None
        return True

    def selected_rule(self, trainable: Trainable, version: int, paced: bool,
                      state: str = "current") -> ChainRuleInfo | None:
        """The selected value's chain rule at engine state `version`, read off `trainable` (the
        live one, or the pass-start copy: `state` names which, for the cache); while `paced`
        (running with frames), recomputed at most every RULE_REFRESH_S (or ten times what it
        took, for a large network): it is several extra passes."""
        if self.selected is None:
            return None
        now = time.perf_counter()
        key = (self.selected, version, state)
        if self._rule is not None:
            (selected, cached_version, cached_state), rule, when, took = self._rule
            if (selected, cached_version, cached_state) == key:
                return rule
            if paced and selected == self.selected and cached_state == state and \
                    now - when < max(RULE_REFRESH_S, 10 * took):
                return rule
        rule = chain_rule(trainable, *self.selected)
        self._rule = (key, rule, now, time.perf_counter() - now)
        return rule

    def input_chain_rules(self, trainable: Trainable,
                          parameters: Mapping[str, np.ndarray]) -> tuple[ChainRuleInfo, ...]:
        """dl/dx_n for every input the Trainable names, when it can take them apart."""
        name = getattr(trainable, "input_name", None)
        if name is None and self._input_name is not None:
            name = self._input_name(parameters)
        inputs = parameters.get(name) if name is not None else None
        if inputs is None or np.size(inputs) > MAX_INPUT_RULES:
            return ()
        rules = (chain_rule(trainable, name, index) for index in np.ndindex(np.shape(inputs)))
        return tuple(rule for rule in rules if rule is not None)

    def loss_curve(self, trainable: Trainable, parameters: Mapping[str, np.ndarray],
                   rule: ChainRuleInfo | None, running: bool,
                   note: str = "") -> LossCurve | None:
        """The loss along the selected value, everything else fixed; None where it is not
        finite. While running, recomputed at most every CURVE_REFRESH_S. note: which
        parameters `trainable` stands at, when not the current ones."""
        if self.selected is None or rule is None:
            return None
        now = time.perf_counter()
        if running and self._curve is not None and now - self._curve_time < CURVE_REFRESH_S:
            return self._curve
        name, index = self.selected
        value = float(parameters[name][index])
        if not math.isfinite(value) or not math.isfinite(rule.product):
            return None
        half = max(1.0, abs(value))
        xs = np.unique(np.append(np.linspace(value - half, value + half, CURVE_POINTS), value))
        with np.errstate(all="ignore"):
            ys = np.array([trainable.loss_with(name, index, float(x)) for x in xs])
            loss = float(trainable.loss_with(name, index, value))
        if not (np.isfinite(ys).all() and math.isfinite(loss)):
            return None
        label = rule.target[4:] if rule.target.startswith("dl/d") else \
            parameter_label(name, index)
        if label.startswith("(") and label.endswith(")"):
            label = label[1:-1]  # "dl/d(dense1.weights[0, 0])"
        self._curve = LossCurve(name, index, label, frozen_array(xs), frozen_array(ys), value,
                                loss, rule.product, note)
        self._curve_time = now
        return self._curve


def preview(stepper: Stepper) -> Mapping[str, np.ndarray] | None:
    """Every value of the current iteration's forward and backward pass at its parameters: the
    ones the stepper has computed and those still to come, computed now. None once the update
    has begun (nothing is left to preview) or where the pass cannot be computed.

    The operations still to come run on the trainable itself, which is then put back: restored
    to the iteration start (which forgets values computed inside it) and brought forward again
    by the operations done so far, so every value the stepper relies on is as it was. Only the
    forward and backward operations are run, which rewrite nothing but their own results, so
    doing them again gives the same numbers.
    """
    operations = stepper.operations
    first_update = next((k for k, op in enumerate(operations) if op.phase == "update"),
                        len(operations))
    done = stepper.position
    if done >= first_update:
        return None
    trainable = stepper.trainable
    saved = trainable.capture_state()
    try:
        with np.errstate(all="ignore"):
            for index in range(done, first_update):
                trainable.run_operation(index)
            return sealed_arrays(trainable.values())
    except (ArithmeticError, ValueError):
        return None
    finally:
        trainable.restore(saved)
        with np.errstate(all="ignore"):
            for index in range(done):
                trainable.run_operation(index)
