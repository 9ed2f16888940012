"""What every view needs to draw the lab at one instant, frozen so no view can change it.

The controller builds one `Snapshot` after each change and sends it to all views; a view that
keeps a reference can never see it change under its feet, and no view can reach back into the
engine through it (arrays are read-only copies).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

from engine.training.chain_rule import ChainRule
from engine.training.plane import Extent, sealed
from engine.training.stepper import Operation

Index = tuple[int, ...]


def frozen_array(values: Any) -> np.ndarray:
    """A read-only copy, so a view cannot write into what another view is showing."""
    array = np.array(values, copy=True)
    array.setflags(write=False)
    return array


def frozen_arrays(values: Mapping[str, Any]) -> Mapping[str, np.ndarray]:
    return MappingProxyType({name: frozen_array(value) for name, value in values.items()})


def sealed_arrays(fresh: Mapping[str, np.ndarray]) -> Mapping[str, np.ndarray]:
    """Arrays the caller alone holds (a Trainable's values() and parameters() are fresh copies)
    made read-only in place: a second copy would only cost time on every frame."""
    return MappingProxyType({name: sealed(np.asarray(value)) for name, value in fresh.items()})


@dataclass(frozen=True)
class RegressionCurve:
    """A regression's prediction over its one input: prediction (n,) float64 at xs (n,);
    `frame` counts its recomputations, so a view can skip a redraw."""

    xs: np.ndarray
    prediction: np.ndarray
    frame: int


@dataclass(frozen=True)
class ConfusionInfo:
    """A classifier's confusion matrices at the current parameters: (classes, classes) counts
    of true class (rows) by predicted class (columns) on the training and the validation set,
    and the class predicted for each point (in the order of `points` and `validation_points`),
    so a view can pick out the points of one cell."""

    training: np.ndarray
    validation: np.ndarray
    predicted: np.ndarray
    validation_predicted: np.ndarray


@dataclass(frozen=True)
class ClassificationInfo:
    """What the classification views draw: the data, the predicted plane, the run's curves; for
    a regression (`regression` set) the data and the prediction over x instead of a plane.

    spec: the model's JSON-able spec (engine.training.model), a private deep copy.
    points, labels: (n, 2), (n,) training data (added points included); validation_points,
    validation_labels likewise; user_points, user_labels: the points added by hand. For a
    regression each point is (x, target) and every label 0.
    boundary: (ny, nx, classes) each class's probability at the cell centres spanning
    `extent` (the softmax's, or the sigmoids'); None for a regression.
    hidden_maps: per hidden layer (ny, nx, neurons) activations over `extent` (coarser grid).
    boundary_frame, maps_frame: count their recomputations, so a view can skip a redraw;
    boundary_rows: which rows frame boundary_frame recomputed (None: every row).
    history: the model's loss, data_loss, reg_loss, accuracy and learning_rate per epoch
    kept (every recent epoch, a thinned record of older ones: engine/training/history.py),
    at the epochs history_epochs (n,); validation_loss / validation_accuracy: (m,) measured
    every few epochs, at validation_epochs (m,) float.
    status_line: the book's epoch line for the current parameters ("epoch: 10000, acc: ...").
    stop_conditions: {"max_epochs", "target_loss", "target_accuracy"}, None = off.
    regression: the prediction over x of a regression (None for a classifier).
    confusion: a classifier's confusion matrices (None for a regression).
    offered_losses: the spec's losses that fit the data (engine.training.spec.LOSSES' names),
    the output/loss pairs a view may offer.
    """

    spec: Mapping[str, Any]
    points: np.ndarray
    labels: np.ndarray
    validation_points: np.ndarray
    validation_labels: np.ndarray
    user_points: np.ndarray
    user_labels: np.ndarray
    extent: Extent
    boundary: np.ndarray | None
    boundary_frame: int
    boundary_rows: np.ndarray | None  # rows recomputed since the previous frame (None: all)
    hidden_maps: tuple[np.ndarray, ...]
    maps_extent: Extent
    maps_frame: int
    history: Mapping[str, np.ndarray]
    history_epochs: np.ndarray
    validation_epochs: np.ndarray
    validation_loss: np.ndarray
    validation_accuracy: np.ndarray
    status_line: str
    stop_conditions: Mapping[str, float | None]
    regression: RegressionCurve | None = None
    confusion: ConfusionInfo | None = None
    offered_losses: tuple[str, ...] = ()


@dataclass(frozen=True)
class LossCurve:
    """The loss as a function of one parameter, everything else held where it is now.

    xs, ys: (n_points,) the sampled parameter values and losses; `value`, `loss`: the current
    point; `slope`: the analytic gradient there, the slope of the tangent line.
    """

    name: str
    index: Index
    label: str
    xs: np.ndarray
    ys: np.ndarray
    value: float
    loss: float
    slope: float
    note: str = ""  # which parameters it is read at, when not the current ones


@dataclass(frozen=True)
class OperationInfo:
    """One pause point of an iteration: its id, the book line it stands for, and its phase."""

    name: str
    code: str
    phase: str
    writes: tuple[str, ...]


@dataclass(frozen=True)
class GradientFactor:
    """One factor of a chain rule in the seed's notation, e.g. ("da_1/dz_1", 1.0)."""

    label: str
    value: float


@dataclass(frozen=True)
class ChainRuleInfo:
    """dl/d(target) = product of factors (or sum of terms), with its central-difference check."""

    target: str
    equation: str
    factors: tuple[GradientFactor, ...]
    terms: tuple[GradientFactor, ...]
    product: float
    numerical: float
    relative_error: float
    verdict: str = ""  # "agree" | "both ~0" | "differ" (engine.training.chain_rule.verdict)
    zero_floor: float = 0.0  # under this size both estimates are 0 as far as they can tell


@dataclass(frozen=True)
class SurveyInfo:
    """The whole-model gradient check (engine.training.gradient_survey): how far it got and
    what it found. `stale`: the state changed since it ran, so its numbers are of the past."""

    checked: int
    total: int
    counts: Mapping[str, int]
    worst: ChainRuleInfo | None
    skipped: tuple[str, ...]
    unchecked: int
    stale: bool = False

    @property
    def done(self) -> bool:
        return self.checked >= self.total

    def sentence(self) -> str:
        """What the check found, e.g. "7 gradients checked: 7 agree; the worst, dl/dw_0, has
        relative error 2.2e-12" (or how far it got)."""
        if not self.done:
            return f"Checking every gradient: {self.checked} of {self.total}…"
        checked = sum(self.counts.values())
        found = ", ".join(f"{count} {verdict}" for verdict, count in sorted(
            self.counts.items(), key=lambda item: ("agree", "both ~0", "differ").index(item[0])))
        text = f"{checked} gradient{'s' if checked != 1 else ''} checked: {found or 'none'}"
        if self.worst is not None:
            text += (f"; the worst, {self.worst.target}, has relative error "
                     f"{self.worst.relative_error:.1e}")
        if self.unchecked:
            text += f"; {self.unchecked} could not be computed"
        return text


@dataclass(frozen=True)
class Snapshot:
    """The lab at one instant. `values` are every quantity computed so far, by book name."""

    scenario: str
    title: str
    values: Mapping[str, np.ndarray]
    parameters: Mapping[str, np.ndarray]
    operations: tuple[OperationInfo, ...]
    position: int  # operations done in the current iteration
    iteration: int  # completed iterations
    last_operation: OperationInfo | None
    losses: np.ndarray  # (n,) loss of each completed iteration kept (recent ones all)
    log_lines: tuple[str, ...]  # the latest lines printed (engine/limits.py PRINTED_LINES)
    loss_iterations: np.ndarray | None = None  # (n,) the iteration of each of `losses`
    lines_printed: int = 0  # how many lines were printed in all, also those not kept
    selected: tuple[str, Index] | None = None
    chain_rule: ChainRuleInfo | None = None
    input_chain_rules: tuple[ChainRuleInfo, ...] = ()
    loss_curve: LossCurve | None = None
    running: bool = False
    speed: float = 10.0
    speed_unit: str = "iterations"
    can_step_back: bool = False
    # Every value of this iteration's forward and backward pass at its parameters: the ones
    # computed so far and a preview of the rest (all of them at an iteration start); None when
    # previews are off or the update has begun.
    preview: Mapping[str, np.ndarray] | None = None
    notice: str = ""  # a warning to keep on screen, e.g. where training diverged
    can_restore: bool = False  # training diverged: "Restore last good state" can go back
    classification: ClassificationInfo | None = None  # set when the trainable is a Model
    # The update has begun: the chain rules and the loss curve are read at the parameters this
    # iteration's pass used (as the diagram's gradients are); `updated_chain_rule` is the
    # selected value's rule at the updated parameters, which the next pass will compute.
    rules_at_pass_start: bool = False
    updated_chain_rule: ChainRuleInfo | None = None
    numerics: str = ""  # "book" | "native": how the trainable computes
    achieved_speed: float | None = None  # while running: the rate reached, in speed_unit / s
    gradient_survey: SurveyInfo | None = None  # the last whole-model check, while it holds

    @property
    def next_operation(self) -> OperationInfo | None:
        """The operation the next Step will run."""
        return self.operations[self.position] if self.operations else None

    def computed(self) -> frozenset[str]:
        """Names the current iteration has written so far; at an iteration boundary, everything
        the iteration just finished wrote (nothing before the first one)."""
        if self.position:
            done = self.operations[:self.position]
        else:
            done = self.operations if self.iteration else ()
        return frozenset(name for operation in done for name in operation.writes)

    def displayed(self) -> tuple[Mapping[str, np.ndarray], frozenset[str]]:
        """The values to draw and which of them count as computed: inside an iteration, what it
        has computed so far; at its start, the preview of all of it (when there is one)."""
        if self.position == 0 and self.preview is not None:
            return self.preview, frozenset(name for operation in self.operations
                                           if operation.phase != "update"
                                           for name in operation.writes)
        return self.values, self.computed()

    def drawn(self) -> tuple[Mapping[str, np.ndarray], frozenset[str], frozenset[str]]:
        """What the hand diagram draws: the values by name, the names this iteration has
        computed so far (none at its start), and the names only previewed, the rest of its
        forward and backward pass (none without a preview)."""
        computed = frozenset(name for operation in self.operations[:self.position]
                             for name in operation.writes)
        if self.preview is None:
            return self.values, computed, frozenset()
        later = frozenset(name for operation in self.operations[self.position:]
                          if operation.phase != "update" for name in operation.writes)
        return self.preview, computed, later - computed

    @property
    def current_loss(self) -> float | None:
        """The latest loss the learner has seen: the last completed iteration's."""
        return float(self.losses[-1]) if len(self.losses) else None


def operation_info(operation: Operation) -> OperationInfo:
    return OperationInfo(operation.name, operation.code, operation.phase, tuple(operation.writes))


def chain_rule_info(rule: ChainRule) -> ChainRuleInfo:
    return ChainRuleInfo(
        target=rule.target,
        equation=rule.equation,
        factors=tuple(GradientFactor(label, float(value)) for label, value in rule.factors),
        terms=tuple(GradientFactor(label, float(value)) for label, value in rule.terms),
        product=float(rule.product),
        numerical=float(rule.numerical),
        relative_error=float(rule.relative_error),
        verdict=rule.verdict,
        zero_floor=float(rule.zero_floor),
    )


def parameter_label(name: str, index: Index) -> str:
    """A short name for one element, e.g. "weights[0, 2]" (the seed's own labels come from the
    chain rule's target)."""
    return name if not index else f"{name}[{', '.join(str(i) for i in index)}]"
