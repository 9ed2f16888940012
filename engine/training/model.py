"""A classifier built from a plain JSON-able spec out of the book's classes, trained as the book
trains it, one Operation per call of the book's loop.

Model is the one object callers use; its parts live beside it: the spec's format, defaults and
checks in engine/training/spec.py, building from a spec in engine/training/model_build.py, the
state at an iteration start (checkpoints, sessions) in engine/training/model_state.py, the pure
passes (metrics, grids, loss_with, chain rules) in engine/training/model_probing.py, and the
whole iteration without per-call checks that the Stepper trains with in
engine/training/fastpath.py. This file is the training: the book's loop as operations, running
them, and the values a learner reads and edits.

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
from engine.training.indexing import check_index
from engine.training.model_build import (
    build_data,
    build_layers,
    build_loss,
    build_optimizer,
    build_validation_data,
)
from engine.training.model_probing import ModelProbing
from engine.training.model_state import HISTORY_KEYS, SCALARS, ModelState
from engine.training.printed_lines import PrintedLines
from engine.training.spec import CACHES, check_optimizer, check_real, describe, normalize_spec
from engine.training.stepper import Divergence, Operation

_DENSE_VALUES = ("inputs", "output", "weights", "biases", "dweights", "dbiases", "dinputs",
                 "weight_momentums", "bias_momentums", "weight_cache", "bias_cache")
Step = tuple[Operation, Callable[[], None]]


class Model(ModelState, ModelProbing):
    """The book's classifier: [Dense, activation, (dropout)] per hidden layer, then Dense and
    softmax with categorical cross-entropy, trained by one of the book's optimizers.

    Book names: dense1, activation1, dropout1, dense2, ..., loss_activation, optimizer; X, y
    (training data), X_val, y_val (validation data).
    """

    loss_name = "loss"

    def __init__(self, spec: dict, title: str | None = None):
        self.spec = normalize_spec(spec)
        self.starting_spec = copy.deepcopy(self.spec)
        self.title = title or describe(self.spec)
        self.numerics = make_numerics(self.spec["numerics"], self.spec["seed"])
        self.X, self.y = build_data(self.spec, self.numerics)
        self.layers = build_layers(self.spec, self.numerics, self.X.shape[1])
        self.dense = [layer for _, layer in self.layers if isinstance(layer, Layer_Dense)]
        self.loss_activation = build_loss(self.numerics)
        self.X_val, self.y_val = build_validation_data(self.spec, self.numerics)
        self.optimizer = build_optimizer(self.spec)
        self.iteration = 0
        self._log = PrintedLines()
        self._history = History(HISTORY_KEYS)
        self._regularized = any(
            getattr(layer, f"{kind}_regularizer_{norm}") > 0 for layer in self.dense
            for kind in ("weight", "bias") for norm in ("l1", "l2"))
        self._steps = self._make_steps()
        self._objects = dict(self.layers, loss_activation=self.loss_activation,
                             optimizer=self.optimizer)
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
        dvalues = "loss_activation.dinputs"
        steps.append((Operation("loss_activation.backward",
                                "loss_activation.backward(loss_activation.output, y)", "backward",
                                ("loss_activation.dinputs",)),
                      lambda: self.loss_activation.backward(self.loss_activation.output, self.y)))
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
        steps = [(Operation("loss_activation.forward",
                            f"{target} = loss_activation.forward({last}, y)", "loss",
                            ("loss_activation.output", target) if self._regularized else
                            ("loss_activation.output", "loss", "data_loss",
                             "regularization_loss")), self._data_loss)]
        if self._regularized:
            terms = " + ".join(f"loss_activation.loss.regularization_loss({name})"
                               for name in self.dense_names)
            steps.append((Operation("regularization_loss", f"regularization_loss = {terms}",
                                    "loss", ("regularization_loss",)), self._regularization_loss))
            steps.append((Operation("loss", "loss = data_loss + regularization_loss", "loss",
                                    ("loss",)), self._total_loss))
        code = "accuracy = np.mean(np.argmax(loss_activation.output, axis=1) == y)"
        steps.append((Operation("accuracy", code, "loss", ("predictions", "accuracy")),
                      self._accuracy))
        return steps

    # -- the book's loop body ------------------------------------------------------------------

    def _data_loss(self) -> None:
        self.set_data_loss(self.loss_activation.forward(self.last_output, self.y))

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
        penalty = self.loss_activation.loss
        total = penalty.regularization_loss(self.dense[0])
        for layer in self.dense[1:]:
            total = total + penalty.regularization_loss(layer)
        self.regularization_loss = total

    def _total_loss(self) -> None:
        self.loss = self.data_loss + self.regularization_loss

    def _accuracy(self) -> None:
        self.predictions = self.loss_activation.output.argmax(axis=1)
        # np.mean of the matches adds 0s and 1s exactly: it is their count over the samples
        self.accuracy = np.float64(np.count_nonzero(self.predictions == self.y) / len(self.y))
        if not self.iteration % self.spec["print_every"]:
            self._log.append(self._epoch_line())

    def _epoch_line(self) -> str:
        """The book's print: chapter 10's line, or chapter 14's with the regularization split."""
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

    # -- values --------------------------------------------------------------------------------

    def _value_names(self) -> list[str]:
        names = ["X", "y", "X_val", "y_val"]
        for name, layer in self.layers:
            if isinstance(layer, Layer_Dense):
                names += [f"{name}.{attribute}" for attribute in _DENSE_VALUES]
            elif isinstance(layer, Layer_Dropout):
                names += [f"{name}.{attribute}" for attribute in
                          ("inputs", "output", "binary_mask", "dinputs")]
            else:
                names += [f"{name}.{attribute}" for attribute in ("inputs", "output", "dinputs")]
        names += ["loss_activation.output", "loss_activation.dinputs", *SCALARS,
                  "optimizer.current_learning_rate", "optimizer.iterations"]
        return names

    def value(self, name: str) -> np.ndarray:
        """The value called `name` (no copy), one of those values() lists; KeyError for any
        other name (a session's view may name anything) or one not computed yet."""
        if name not in self._value_name_set:
            raise KeyError(name)
        owner, _, attribute = name.rpartition(".")
        target = self._objects[owner] if owner else self
        try:
            return np.asarray(getattr(target, attribute))
        except AttributeError:
            raise KeyError(name) from None

    def values(self) -> dict[str, np.ndarray]:
        values = {}
        for name in self._value_names():
            try:
                values[name] = np.array(self.value(name))
            except KeyError:
                continue
        return values

    def parameters(self) -> dict[str, np.ndarray]:
        parameters = {}
        for name, layer in zip(self.dense_names, self.dense, strict=True):
            parameters[f"{name}.weights"] = layer.weights.copy()
            parameters[f"{name}.biases"] = layer.biases.copy()
        return parameters

    def _parameter(self, name: str) -> np.ndarray:
        layer_name, _, attribute = name.partition(".")
        if attribute not in ("weights", "biases") or layer_name not in self.dense_names:
            raise ValueError(f"{name!r} is not a parameter: expected one of "
                             f"{', '.join(self.parameters())}")
        return getattr(dict(self.layers)[layer_name], attribute)

    def set_value(self, name: str, index: tuple[int, ...], value: float) -> None:
        """Set one weight or bias; stored in the layer's dtype (float32 under book numerics)."""
        array = self._parameter(name)
        index = check_index(array.shape, index, name)
        number = check_real(value, name, low=-math.inf)
        with np.errstate(over="ignore"):
            stored = array.dtype.type(number)
        if not np.isfinite(stored):
            raise ValueError(f"{name}: {number:g} is too large for {array.dtype}")
        array[index] = stored
        self._changed_from_outside()

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
    source = model.loss_activation if owner == "loss_activation" else dict(model.layers)[owner]
    return lambda: backward(source.dinputs)


def _update_call(model: Model, layer: Layer_Dense, checks: bool) -> Callable[[], None]:
    update_params = (model.optimizer.update_params if checks
                     else unchecked(model.optimizer.update_params))
    return lambda: update_params(layer)


__all__ = ["Model", "Step"]
