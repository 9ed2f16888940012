"""Training one operation at a time, in the book's call order, with a way back.

Stepping back restores a checkpoint taken at an iteration start and replays the operations since.
A point (k, p) is "p operations into iteration k". Values that iteration k has not yet rewritten
still hold what iteration k-1 left, so arriving at (k, p) from behind replays from a checkpoint
before iteration k (the latest one; stepping keeps one per iteration, fast runs one every
CHECKPOINT_EVERY iterations, and a replay leaves one per iteration it passes): every value then
equals what stepping forward showed. Checkpoints reach back at least `history_ops` operations
unless the memory cap is hit first, in which case the oldest go.

Edits (a parameter or input typed in, a hyperparameter changed) are part of the timeline. Each is
recorded at the point where it takes effect and re-applied whenever a replay passes that point, so
stepping back and forward again never loses an edit nor shows a state that never existed:

- An edited value that no operation of the current iteration has written yet (a weight during the
  forward pass, say) takes effect at the start of the iteration, as if typed in before it began,
  and the operations done so far are recomputed with it.
- A value already rewritten in this iteration (a weight after its update) takes effect from the
  current point on; the operations before it are unchanged.
- Hyperparameters take effect from the current point on (the optimizer reads them at its next
  call, as the book's does).
- Stepping back before an edit shows the values from before it; stepping forward re-applies it.
  A new edit drops the edits recorded after it (reachable only by having stepped back), as a text
  editor drops its redo history.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple, Protocol, runtime_checkable

import numpy as np

from engine.files import state as state_codec
from engine.limits import CHECKPOINT_BYTES, STEP_BACK_OPERATIONS
from engine.training.chain_rule import ChainRule
from engine.training.history import History

# run_iterations keeps a checkpoint every this many iterations (capturing the state costs about an
# eighth of a chapter-10 iteration); stepping back replays at most this many from the one before.
CHECKPOINT_EVERY = 16


class Operation(NamedTuple):
    """One call of the book's training loop: where the stepper can pause."""

    name: str  # unique id within one iteration, e.g. "dense2.backward"
    code: str  # the book's or seed's line, e.g. "dense2.backward(loss_activation.dinputs)"
    phase: str  # "forward" | "loss" | "backward" | "update"
    writes: tuple[str, ...]  # book names of the values it sets


@runtime_checkable
class Trainable(Protocol):
    """What the stepper drives: the seed's worked examples and engine.training.model.Model.

    Beyond CONTRACT.md: `loss_name` and `value(name)` (no copy) let the stepper watch the loss and
    parameters cheaply, while `values()` and `parameters()` return fresh copies the caller owns;
    `capture_state()`/`restore()` are get_state/set_state in memory, without the JSON encoding or
    the printed log (`copy_state()` is get_state() before its encoding), and `restore` forgets
    the values computed inside an iteration;
    `run_iteration()` runs all operations in one call (same calls, same order; a Model also has
    `run_trusted_iteration()`, the same without argument checks, used if present);
    `set_hyperparameters(**values)` changes optimizer settings between steps; `log_lines()`
    are the latest printed lines kept (engine/training/printed_lines.py), `lines_printed()`
    counts all printed and `log_since(count)` gives those after the first `count`.
    """

    title: str
    loss_name: str

    def operations(self) -> list[Operation]: ...
    def run_operation(self, index: int) -> None: ...
    def run_iteration(self) -> None: ...
    def values(self) -> dict[str, np.ndarray]: ...
    def value(self, name: str) -> np.ndarray: ...
    def parameters(self) -> dict[str, np.ndarray]: ...
    def set_value(self, name: str, index: tuple[int, ...], value: float) -> None: ...
    def set_hyperparameters(self, **values: float) -> None: ...
    def get_state(self) -> dict: ...
    def copy_state(self) -> dict: ...
    def set_state(self, state: dict) -> None: ...
    def capture_state(self) -> dict: ...
    def restore(self, state: dict) -> None: ...
    def loss_with(self, name: str, index: tuple[int, ...], value: float) -> float: ...
    def chain_rule(self, name: str, index: tuple[int, ...]) -> ChainRule: ...
    def log_lines(self) -> list[str]: ...
    def lines_printed(self) -> int: ...
    def log_since(self, count: int) -> list[str]: ...


def state_at_keyframe(latest: dict, iteration: int, keyframe: dict) -> dict:
    """A get_state() result at the start of `iteration`, for set_state: `keyframe` is the
    trainable's capture_state() taken there, `latest` a later get_state() of the same run (its
    printed log, history and losses cover `iteration`; set_state forgets what comes after)."""
    return {"iteration": iteration, "position": 0, "losses": latest["losses"],
            "trainable": latest["trainable"], "start": state_codec.encode(keyframe),
            "edits": []}


class Divergence(ArithmeticError):  # noqa: N818 (the contract's name)
    """A loss or parameter became NaN or infinite; the stepper keeps the last good state."""

    def __init__(self, iteration: int, quantity: str, value: float = math.nan):
        self.iteration = iteration
        self.quantity = quantity
        kind = "NaN" if math.isnan(value) else "infinite"
        super().__init__(f"training diverged at iteration {iteration}: {quantity} became {kind}")


class _Edit(NamedTuple):
    iteration: int
    position: int
    kind: str  # "value" | "hyper"
    payload: Any  # (name, index, value) or {hyperparameter: value}


class Stepper:
    """Runs a Trainable one operation, one iteration or many iterations at a time."""

    def __init__(self, trainable: Trainable, memory_cap_bytes: int = CHECKPOINT_BYTES,
                 history_ops: int = STEP_BACK_OPERATIONS):
        self.trainable = trainable
        self.operations: list[Operation] = trainable.operations()
        self.memory_cap_bytes = memory_cap_bytes
        # Iterations to keep checkpoints for: enough to step back `history_ops` operations, plus
        # the iteration before the oldest one, whose replay restores the values it left behind.
        self._keep_iterations = math.ceil(history_ops / len(self.operations)) + 2
        self._watched = [trainable.loss_name, *trainable.parameters()]
        # A Model's whole-iteration path without per-call argument checks (the check below,
        # after each iteration, catches what they would; a replay with them names it).
        self._run_iteration = getattr(trainable, "run_trusted_iteration", trainable.run_iteration)
        self._quick_check = getattr(trainable, "first_non_finite", None)
        self._initial = state_codec.copy_state(trainable.capture_state())
        self.reset()

    # -- public API ---------------------------------------------------------------------------

    def reset(self) -> None:
        """Exactly the starting values; history, edits and losses forgotten."""
        self.trainable.restore(state_codec.copy_state(self._initial))
        self.position = 0
        self.iteration = 0
        self.last_operation: Operation | None = None
        self._losses = History(("loss",))
        self._edits: list[_Edit] = []
        self._checkpoints: dict[int, dict] = {}
        self._checkpoint_bytes: dict[int, int] = {}
        self._total_bytes = 0
        self._replaying = False
        self._diverged_inside = False
        self._checkpoint()

    def step(self) -> Operation:
        """Run the next operation; Divergence if it made the loss or a parameter non-finite."""
        return self._step(check=True)

    def step_back(self) -> bool:
        """Undo the last operation (all state, optimizer caches included); False at the history's
        start (the first operation, or the oldest point the memory cap kept)."""
        if self.position > 0:
            target = (self.iteration, self.position - 1)
        elif self.iteration > 0:
            target = (self.iteration - 1, len(self.operations) - 1)
        else:
            return False
        if not self._can_reach(target[0]):
            return False
        self._goto(*target)
        return True

    def finish_iteration(self) -> None:
        """Run the rest of the current iteration (nothing if at its start)."""
        while self.position != 0:
            self._step(check=True)

    def run_iterations(self, n: int) -> None:
        """Finish the current iteration, then run n - 1 more whole ones (n whole ones if at an
        iteration start), through the trainable's fast path where no edit is due."""
        if n <= 0:
            return
        if self.position != 0:
            self.finish_iteration()
            n -= 1
        with np.errstate(all="ignore"):
            for _ in range(n):
                self._run_whole_iteration(check=True, every=CHECKPOINT_EVERY)
        if self.iteration not in self._checkpoints:
            self._checkpoint()

    def edit(self, name: str, index: tuple[int, ...], value: float) -> None:
        """Set one element of a value, then recompute everything up to the current position.
        ValueError (and nothing changed) for a bad name, index or value, or a value the
        trainable cannot compute with (a Model's layers refuse overflowed values)."""
        index = tuple(int(i) for i in index)
        self.trainable.set_value(name, index, value)  # validates before anything is rewritten
        written = any(name in op.writes for op in self.operations[:self.position])
        position = self.position if written else 0
        edits, here = list(self._edits), (self.iteration, self.position)
        self._record(_Edit(self.iteration, position, "value", (name, index, float(value))))
        if position == self.position:
            return
        try:
            self._goto(*here)
        except Divergence as divergence:  # the trainable refused to recompute with it
            self._edits = edits
            self._goto(*here)
            raise ValueError(f"{name}{list(index)} = {value:g} would make {divergence.quantity} "
                             "overflow; the edit was not applied") from divergence

    def set_hyperparameters(self, **values: float) -> None:
        """Change optimizer settings from the current point on (recorded like an edit)."""
        self.trainable.set_hyperparameters(**values)
        self._record(_Edit(self.iteration, self.position, "hyper", dict(values)))

    def restore_last_good(self) -> None:
        """After a Divergence: back to the point before the operation that diverged (where the
        stepper already stands if the trainable refused to finish that operation)."""
        if self._diverged_inside:
            self._goto(self.iteration, self.position)
        else:
            self.step_back()

    @property
    def losses(self) -> np.ndarray:
        """The loss of each completed iteration kept (every recent one, a thinned record of
        older ones: engine/training/history.py), a read-only view that never changes."""
        return self._losses.columns()["loss"]

    @property
    def loss_iterations(self) -> np.ndarray:
        """The iteration of each of `losses`: (n,) int64, a read-only view."""
        return self._losses.epochs()

    def loss_record(self) -> dict:
        """The losses kept, exactly (engine/training/history.py's History.get_state())."""
        return self._losses.get_state()

    @property
    def history_length(self) -> int:
        """How many operations step_back can undo from here."""
        oldest = min(self._checkpoints)
        first = 0 if oldest == 0 else oldest + 1
        return (self.iteration - first) * len(self.operations) + self.position

    def get_state(self) -> dict:
        """JSON-able and exact: the trainable's state (with its printed log), the current
        iteration's start, that iteration's edits and the position."""
        return state_codec.encode(self.copy_state())

    def copy_state(self) -> dict:
        """get_state() before its encoding, for a copy taken now and encoded elsewhere (a save
        on another thread): the trainable's copy_state(), the losses kept, and the current
        iteration's start, shared (a checkpoint is never changed, restoring copies it)."""
        return {"iteration": self.iteration, "position": self.position,
                "losses": self._losses.get_state(),
                "trainable": self.trainable.copy_state(),
                "start": self._checkpoints[self.iteration],
                "edits": [[e.position, e.kind, state_codec.copy_state(e.payload)]
                          for e in self._edits if e.iteration == self.iteration]}

    def set_state(self, saved: dict) -> None:
        """Continue from a get_state() result. The history before it is not kept, and values
        the current iteration has not computed yet are absent until it computes them."""
        self.iteration = int(saved["iteration"])
        self._losses.set_state(state_codec.decode(saved["losses"]))
        self._losses.truncate(self.iteration)
        self._edits = [_Edit(self.iteration, int(p), kind, state_codec.decode(payload))
                       for p, kind, payload in saved["edits"]]
        self._checkpoints, self._checkpoint_bytes, self._total_bytes = {}, {}, 0
        self._diverged_inside = False
        self.trainable.set_state(saved["trainable"])  # the log and history so far
        self.trainable.restore(state_codec.decode(saved["start"]))
        self.position = 0
        self._checkpoint()
        self._apply_edits_at(self.iteration, 0)
        with np.errstate(all="ignore"):
            while self.position < int(saved["position"]):
                self._advance()
        self.last_operation = self.operations[self.position - 1] if self.position else None

    # -- internals -----------------------------------------------------------------------------

    def _step(self, check: bool) -> Operation:
        try:
            with np.errstate(all="ignore"):
                operation = self._advance()
        except Divergence:
            self._diverged_inside = True  # the trainable refused to finish the operation
            raise
        if check:
            bad = self._first_non_finite([w for w in operation.writes if w in self._watched])
            if bad is not None:
                iteration = self.iteration - (1 if self.position == 0 else 0)
                self._diverged_inside = False
                raise Divergence(iteration, bad, float(self._bad_value(bad)))
        return operation

    def _advance(self) -> Operation:
        """Run one operation and apply the edits recorded for the point it reaches."""
        operation = self.operations[self.position]
        self.trainable.run_operation(self.position)
        self.position += 1
        if self.position == len(self.operations):
            self._end_iteration(keep_checkpoint=True)
        self.last_operation = operation
        self._apply_edits_at(self.iteration, self.position)
        return operation

    def _end_iteration(self, keep_checkpoint: bool) -> None:
        self._losses.append((float(self.trainable.value(self.trainable.loss_name)),))
        self.iteration += 1
        self.position = 0
        if keep_checkpoint:
            self._checkpoint()

    def _run_whole_iteration(self, check: bool, every: int) -> None:
        """One iteration from its start through the trainable's fast path (op by op when an
        edit is due inside it), keeping a checkpoint at every `every`-th iteration start."""
        if self._edits and any(e.iteration == self.iteration and e.position > 0
                               for e in self._edits):
            self._run_iteration_op_by_op(check)
            return
        try:
            self._run_iteration()
            diverged = check and (self._quick_check() if self._quick_check else
                                  self._first_non_finite(self._watched)) is not None
        except Divergence:
            if not check:
                raise
            diverged = True
        if diverged:
            self._locate_divergence()
        self._end_iteration(keep_checkpoint=(self.iteration + 1) % every == 0)
        self.last_operation = self.operations[-1]
        self._apply_edits_at(self.iteration, 0)

    def _run_iteration_op_by_op(self, check: bool = True) -> None:
        while True:
            operation = self.operations[self.position]
            self._step(check)
            if operation is self.operations[-1]:
                return

    def _locate_divergence(self) -> None:
        """Replay the iteration that went non-finite op by op, so Divergence names the op's
        output and the stepper stands right after it."""
        failed = self.iteration
        self._goto(failed, 0)
        self._run_iteration_op_by_op()

    def _first_non_finite(self, names: list[str]) -> str | None:
        for name in names:
            if not np.isfinite(self.trainable.value(name)).all():
                return name
        return None

    def _bad_value(self, name: str) -> float:
        array = np.asarray(self.trainable.value(name), dtype=np.float64)
        return float(array[~np.isfinite(array)].flat[0])

    def _checkpoint(self) -> None:
        """Remember the state at the current iteration start. Drop the checkpoints of the
        future (about to be recomputed), those older than the one replays need to reach back
        `history_ops` operations, and the oldest while over the memory cap (keeping the newest)."""
        for old in [k for k in self._checkpoints if k >= self.iteration]:
            self._drop_checkpoint(old)
        state = self.trainable.capture_state()
        size = state_codec.state_nbytes(state)
        if self._replaying and self._total_bytes + size > self.memory_cap_bytes:
            return  # a replay's checkpoints only speed up later steps; never evict for them
        self._checkpoints[self.iteration] = state
        self._checkpoint_bytes[self.iteration] = size
        self._total_bytes += size
        horizon = self.iteration - self._keep_iterations + 1
        bases = [k for k in self._checkpoints if k <= horizon]
        for old in [k for k in self._checkpoints if bases and k < max(bases)]:
            self._drop_checkpoint(old)
        while len(self._checkpoints) > 1 and self._total_bytes > self.memory_cap_bytes:
            self._drop_checkpoint(min(self._checkpoints))
        oldest = min(self._checkpoints)
        self._edits = [e for e in self._edits if e.iteration >= oldest]

    def _drop_checkpoint(self, iteration: int) -> None:
        del self._checkpoints[iteration]
        self._total_bytes -= self._checkpoint_bytes.pop(iteration)

    def _can_reach(self, iteration: int) -> bool:
        return (any(k <= iteration - 1 for k in self._checkpoints)
                or (iteration == 0 and 0 in self._checkpoints))

    def _restore_checkpoint(self, iteration: int) -> None:
        self.trainable.restore(state_codec.copy_state(self._checkpoints[iteration]))
        self.iteration = iteration
        self.position = 0
        self._losses.truncate(iteration)
        self.last_operation = None

    def _goto(self, iteration: int, position: int) -> None:
        """Arrive at (iteration, position) as stepping forward would have, edits included,
        replaying from the latest checkpoint before the iteration (from its own start if there
        is none before; then values the iteration has not rewritten yet are missing rather
        than wrong). Replayed iterations leave a checkpoint each, so the next step back is quick."""
        earlier = [k for k in self._checkpoints if k <= iteration - 1]
        base = max(earlier) if earlier else max(k for k in self._checkpoints if k <= iteration)
        self._restore_checkpoint(base)
        self._apply_edits_at(base, 0)
        self._replaying = True
        try:
            with np.errstate(all="ignore"):
                while self.iteration < iteration:
                    self._run_whole_iteration(check=False, every=1)
                while self.position < position:
                    self._advance()
        finally:
            self._replaying = False

    def _apply_edits_at(self, iteration: int, position: int) -> None:
        for edit in self._edits:
            if edit.iteration == iteration and edit.position == position:
                self._apply(edit)

    def _apply(self, edit: _Edit) -> None:
        if edit.kind == "value":
            self.trainable.set_value(*edit.payload)
        else:
            self.trainable.set_hyperparameters(**edit.payload)

    def _record(self, edit: _Edit) -> None:
        """Keep `edit`, dropping the edits after it and an earlier one it overrides: a value
        typed into the same element at the same point (unless a hyperparameter edit came in
        between, which may set the same variable), so that nudging a value a thousand times
        does not make each replay apply a thousand edits."""
        now = (self.iteration, self.position)
        self._edits = [e for e in self._edits if (e.iteration, e.position) <= now]
        if edit.kind == "value":
            for back in range(len(self._edits) - 1, -1, -1):
                earlier = self._edits[back]
                if (earlier.iteration, earlier.position) != (edit.iteration, edit.position) \
                        or earlier.kind != "value":
                    break
                if earlier.payload[:2] == edit.payload[:2]:
                    del self._edits[back]
                    break
        self._edits.append(edit)
