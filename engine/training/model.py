"""A network built from a plain JSON-able spec out of the book's classes, trained as the book
trains it, one Operation per call of the book's loop: a classifier (softmax, or sigmoids) or a
regression (linear output).

Model is the one object callers use; its parts live beside it: the spec's format, defaults and
checks in engine/training/spec.py, the output activation and loss pairs in
engine/training/outputs.py, building from a spec in engine/training/model_build.py, the state at
an iteration start (checkpoints, sessions) in engine/training/model_state.py, the pure passes
(metrics, grids, loss_with, chain rules) in engine/training/model_probing.py, the values a
learner reads and edits in engine/training/model_values.py, and the whole iteration without
per-call checks that the Stepper trains with in engine/training/fastpath.py. This file is the
training: the book's loop as operations, and running them.

`spec` is the spec with the hyperparameters as they are now (set_hyperparameters changes
them); `starting_spec` is the spec as the model was built, hyperparameters as the run started.
A reset goes back to the start of the run: Stepper.reset() restores the state captured when
the stepper was made, hyperparameters included, and a saved session should store
`starting_spec` so that the model it rebuilds starts where the saved run started.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable

import numpy as np

from engine.book.checks import unchecked
from engine.book.layers import Layer_Dense, Layer_Dropout
from engine.book.numerics import make_numerics
from engine.training.fastpath import ParameterBlock, compile_iteration
from engine.training.history import History
from engine.training.model_build import (
    build_data,
    build_layers,
    build_optimizer,
    build_validation_data,
)
from engine.training.model_probing import ModelProbing
from engine.training.model_state import HISTORY_KEYS, ModelState
from engine.training.model_values import ModelValues
from engine.training.outputs import accuracy_precision, head_for
from engine.training.printed_lines import PrintedLines
from engine.training.spec import CACHES, check_optimizer, describe, normalize_spec, output_width
from engine.training.stepper import Divergence, Operation

Step = tuple[Operation, Callable[[], None]]


class Model(ModelState, ModelProbing, ModelValues):
    """The book's network: [Dense, activation, (dropout)] per hidden layer, then Dense and the
    output's activation and loss (engine/training/outputs.py), trained by one of the book's
    optimizers.

    Book names: dense1, activation1, dropout1, dense2, ..., loss_activation (softmax with
    cross-entropy) or loss_function (the others), optimizer; X, y (training data, y as the loss
    takes it: class indices, (n, 1) or one-hot for sigmoids, (n, 1) targets), X_val, y_val
    (validation data); `labels` and `labels_val` are the data's class indices (n,) for a
    classifier, None for a regression.
    """

    loss_name = "loss"

    def __init__(self, spec: dict, title: str | None = None):
        self.spec = normalize_spec(spec)
        self.starting_spec = copy.deepcopy(self.spec)
        self.title = title or describe(self.spec)
        self.head = head_for(self.spec["loss"])
        self.numerics = make_numerics(self.spec["numerics"], self.spec["seed"])
        self.X, self.y, self.labels = self._data(build_data(self.spec, self.numerics))
        self.accuracy_precision = (None if self.head.classifies
                                   else accuracy_precision(self.y))
        self.layers = build_layers(self.spec, self.numerics, self.X.shape[1], self.head)
        self.dense = [layer for _, layer in self.layers if isinstance(layer, Layer_Dense)]
        # The book's loss_activation or loss_function.
        self.loss_object = self.head.build_loss(self.numerics)
        self.X_val, self.y_val, self.labels_val = self._data(
            build_validation_data(self.spec, self.numerics))
        self.optimizer = build_optimizer(self.spec)
        self.iteration = 0
        self._log = PrintedLines()
        self._history = History(HISTORY_KEYS)
        self._regularized = self.head.splits_loss or any(
            getattr(layer, f"{kind}_regularizer_{norm}") > 0 for layer in self.dense
            for kind in ("weight", "bias") for norm in ("l1", "l2"))
        self._steps = self._make_steps()
        self._objects = {**dict(self.layers), self.head.loss_name: self.loss_object,
                         "optimizer": self.optimizer}
        self._dense_names = self.dense_names
        self._value_name_set = frozenset(self._value_names())
        # Whether the arrays have been through a checked iteration since the last change from
        # outside (an edit, a restore, a loaded state): until then run_trusted_iteration checks.
        self._trusted = False
        # The trusted iteration and the block of parameters it updates (engine/training/
        # fastpath.py), made at the first trusted iteration; dropped when anything else runs or
        # changes the layers, as their arrays may then no longer be the block's.
        self._trusted_iteration: Callable[[], None] | None = None
        self._block: ParameterBlock | None = None
        self._draws = any(isinstance(layer, Layer_Dropout) for _, layer in self.layers)
        self._random_state = None

    def _data(self, data: tuple[np.ndarray, np.ndarray]) -> tuple:
        """(X, y as the loss takes it, class labels or None) of a data set's (X, labels)."""
        inputs, labels = data
        return (inputs, self.head.targets(labels, output_width(self.spec)),
                labels if self.head.classifies else None)

    @property
    def dense_names(self) -> list[str]:
        """The book names of the Dense layers in forward order: dense1, dense2, ..."""
        return [name for name, layer in self.layers if isinstance(layer, Layer_Dense)]

    # -- the book's loop as operations ---------------------------------------------------------

    def _make_steps(self, checks: bool = True) -> list[Step]:
        """One (Operation, call) per line of the book's training loop, in its order; without
        `checks`, the calls are the book classes' methods without their argument checks."""
        steps = []
        previous = "X"
        for name, layer in self.layers:
            writes = [f"{name}.output"] + ([f"{name}.binary_mask"]
                                           if isinstance(layer, Layer_Dropout) else [])
            steps.append((Operation(f"{name}.forward", f"{name}.forward({previous})", "forward",
                                    (f"{name}.inputs", *writes)),
                          _forward_call(layer, self, previous, checks)))
            previous = f"{name}.output"
        steps += self._loss_steps(previous)
        loss = self.head.loss_name
        dvalues = f"{loss}.dinputs"
        steps.append((Operation(f"{loss}.backward", self.head.backward_code(previous),
                                "backward", (dvalues,)),
                      lambda: self.head.backward(self.loss_object, self.last_output, self.y)))
        for name, layer in reversed(self.layers):
            writes = ((f"{name}.dweights", f"{name}.dbiases", f"{name}.dinputs")
                      if isinstance(layer, Layer_Dense) else (f"{name}.dinputs",))
            steps.append((Operation(f"{name}.backward", f"{name}.backward({dvalues})",
                                    "backward", writes),
                          _backward_call(layer, self, dvalues, checks)))
            dvalues = f"{name}.dinputs"
        steps.append((Operation("optimizer.pre_update_params", "optimizer.pre_update_params()",
                                "update", ("optimizer.current_learning_rate",)),
                      lambda: self.optimizer.pre_update_params()))
        caches = CACHES[self.spec["optimizer"]["name"]]
        for name, layer in zip(self.dense_names, self.dense, strict=True):
            writes = (f"{name}.weights", f"{name}.biases", *(f"{name}.{c}" for c in caches))
            steps.append((Operation(f"optimizer.update_params({name})",
                                    f"optimizer.update_params({name})", "update", writes),
                          _update_call(self, layer, checks)))
        steps.append((Operation("optimizer.post_update_params", "optimizer.post_update_params()",
                                "update", ("optimizer.iterations",)), self._post_update))
        return steps

    def _loss_steps(self, last: str) -> list[Step]:
        target = "data_loss" if self._regularized else "loss"
        head = self.head
        steps = [(Operation(f"{head.loss_name}.{head.forward_method}",
                            head.forward_code(last, target), "loss",
                            head.forward_writes(target, self._regularized)), self._data_loss)]
        if self._regularized:
            terms = " + ".join(f"{head.penalty_name}.regularization_loss({name})"
                               for name in self.dense_names)
            steps.append((Operation("regularization_loss", f"regularization_loss = {terms}",
                                    "loss", ("regularization_loss",)), self._regularization_loss))
            steps.append((Operation("loss", "loss = data_loss + regularization_loss", "loss",
                                    ("loss",)), self._total_loss))
        steps.append((Operation("accuracy", head.accuracy_code(last), "loss",
                                ("predictions", "accuracy")), self._accuracy))
        return steps

    # -- the book's loop body ------------------------------------------------------------------

    def _data_loss(self) -> None:
        self.set_data_loss(self.head.data_loss(self.loss_object, self.last_output, self.y))

    def set_data_loss(self, value) -> None:
        """What "data_loss = loss_activation.forward(...)" sets: data_loss, and without
        regularization also loss and regularization_loss (engine/training/fastpath.py computes
        it)."""
        if self._regularized:
            self.data_loss = value
        else:
            self.data_loss = self.loss = value
            self.regularization_loss = 0

    @property
    def last_output(self) -> np.ndarray:
        return self.layers[-1][1].output

    def _regularization_loss(self) -> None:
        penalty = self.head.penalty(self.loss_object)
        total = penalty.regularization_loss(self.dense[0])
        for layer in self.dense[1:]:
            total = total + penalty.regularization_loss(layer)
        self.regularization_loss = total

    def _total_loss(self) -> None:
        self.loss = self.data_loss + self.regularization_loss

    def _accuracy(self) -> None:
        predicted = self.head.predicted(self.loss_object, self.last_output)
        self.predictions, self.accuracy = self.head.accuracy(predicted, self.y,
                                                               self.accuracy_precision)
        if not self.iteration % self.spec["print_every"]:
            self._log.append(self._epoch_line())

    def _epoch_line(self) -> str:
        """The book's print: chapter 10's line, or chapter 14's with the regularization split
        (which chapters 16 and 17 print always)."""
        lr = self.optimizer.current_learning_rate
        if self._regularized:
            return (f"epoch: {self.iteration}, acc: {self.accuracy:.3f}, loss: {self.loss:.3f} "
                    f"(data_loss: {self.data_loss:.3f}, "
                    f"reg_loss: {self.regularization_loss:.3f}), lr: {lr}")
        return f"epoch: {self.iteration}, acc: {self.accuracy:.3f}, loss: {self.loss:.3f}, lr: {lr}"

    def _post_update(self) -> None:
        self.optimizer.post_update_params()
        self._history.append((self.loss, self.data_loss, self.regularization_loss, self.accuracy,
                              self.optimizer.current_learning_rate))
        self.iteration += 1

    # -- Trainable: running --------------------------------------------------------------------

    def operations(self) -> list[Operation]:
        return [operation for operation, _ in self._steps]

    def steps(self, checks: bool = True) -> list[Step]:
        """(Operation, the call that runs it through the book classes), in the book's order;
        without `checks` the calls skip the classes' argument checks (engine/training/
        fastpath.py, which runs them inside trusted())."""
        return list(self._steps) if checks else self._make_steps(checks=False)

    def run_operation(self, index: int) -> None:
        self._drop_trusted_iteration()
        try:
            self._steps[index][1]()
        except ValueError as error:
            self._raise_divergence_if_non_finite(error)
            raise

    def run_iteration(self) -> None:
        """All operations of one iteration: the book's calls and nothing else, with the book
        classes' argument checks (Divergence where a value overflowed)."""
        self._drop_trusted_iteration()
        try:
            for _, call in self._steps:
                call()
        except ValueError as error:
            self._raise_divergence_if_non_finite(error)
            raise
        self._trusted = True

    def run_trusted_iteration(self) -> None:
        """The same iteration, the same numbers, without the book classes' argument checks
        once one checked iteration has passed since the last outside change (engine/
        fastpath.py). The caller checks the loss and parameters afterwards, as the Stepper
        does: a value that overflows here flows on instead of raising."""
        if not self._trusted:
            self.run_iteration()
            return
        if self._trusted_iteration is None:
            self._trusted_iteration, self._block = compile_iteration(self)
        self._trusted_iteration()

    def _drop_trusted_iteration(self) -> None:
        self._trusted_iteration = self._block = None

    def _changed_from_outside(self) -> None:
        """The next iteration checks its arrays again (and a trusted one after it starts anew)."""
        self._trusted = False
        self._drop_trusted_iteration()

    def _raise_divergence_if_non_finite(self, error: ValueError) -> None:
        """The book classes refuse NaN/inf inputs with a ValueError; that is a divergence when a
        value the training computed has overflowed."""
        for name in self._value_names():
            try:
                value = self.value(name)
            except KeyError:
                continue
            if value.dtype.kind == "f" and not np.isfinite(value).all():
                bad = float(value[~np.isfinite(value)].flat[0])
                raise Divergence(self.iteration, name, bad) from error

    def first_non_finite(self) -> str | None:
        """The name of the loss or the first parameter holding a NaN or infinity, or None:
        the Stepper's check after each iteration, without looking each up by name."""
        if not math.isfinite(self.loss):
            return self.loss_name
        if self._block is not None and math.isfinite(self._block.total()):
            return None
        for name, layer in zip(self._dense_names, self.dense, strict=True):
            if not np.isfinite(layer.weights).all():
                return f"{name}.weights"
            if not np.isfinite(layer.biases).all():
                return f"{name}.biases"
        return None

    def log_lines(self) -> list[str]:
        """The book's epoch lines printed so far, the latest PRINTED_LINES of them."""
        return self._log.lines()

    def lines_printed(self) -> int:
        """How many lines were printed in all, also those no longer kept."""
        return self._log.count

    def log_since(self, count: int) -> list[str]:
        """The lines printed after the first `count` (those still kept)."""
        return self._log.since(count)

    def history(self, start: int = 0) -> dict[str, np.ndarray]:
        """Per recorded iteration from row `start` on: loss, data_loss, reg_loss, accuracy,
        learning_rate (a window that redraws often asks only for what is new). Every row of
        the recent iterations, a thinned record of older ones (engine/training/history.py):
        history_epochs() says which iteration each row is."""
        return self._history.columns(start)

    def history_epochs(self, start: int = 0) -> np.ndarray:
        """The iteration of each row history() returns, from row `start` on: (n,) int64."""
        return self._history.epochs(start)

    # -- hyperparameters -----------------------------------------------------------------------

    def set_hyperparameters(self, **values: float) -> None:
        """Change optimizer settings; they apply at the optimizer's next call, without reset.

        A new learning rate or decay also sets current_learning_rate by the book's formula,
        because with decay 0 the book's pre_update_params never recomputes it.
        """
        settings = {**self.spec["optimizer"], **values}
        check_optimizer(settings)  # validates the whole set
        self._changed_from_outside()
        for key, value in values.items():
            setattr(self.optimizer, key, float(value))
            self.spec["optimizer"][key] = float(value)
        if "learning_rate" in values or "decay" in values:
            optimizer = self.optimizer
            optimizer.current_learning_rate = optimizer.learning_rate * \
                (1. / (1. + optimizer.decay * optimizer.iterations))

    def hyperparameters(self) -> dict[str, float]:
        """The optimizer's settings as they are now (not its name)."""
        return {key: value for key, value in self.spec["optimizer"].items() if key != "name"}


def _forward_call(layer, model: Model, previous: str, checks: bool) -> Callable[[], None]:
    forward = layer.forward if checks else unchecked(layer.forward)
    if previous == "X":
        return lambda: forward(model.X)
    source = dict(model.layers)[previous.partition(".")[0]]
    return lambda: forward(source.output)


def _backward_call(layer, model: Model, dvalues: str, checks: bool) -> Callable[[], None]:
    backward = layer.backward if checks else unchecked(layer.backward)
    owner = dvalues.partition(".")[0]
    source = model.loss_object if owner == model.head.loss_name else dict(model.layers)[owner]
    return lambda: backward(source.dinputs)


def _update_call(model: Model, layer: Layer_Dense, checks: bool) -> Callable[[], None]:
    update_params = (model.optimizer.update_params if checks
                     else unchecked(model.optimizer.update_params))
    return lambda: update_params(layer)


__all__ = ["Model", "Step"]
