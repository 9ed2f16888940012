"""A classifier built from a plain JSON-able spec out of the book's classes, run as the book does.

Building draws randomness in the book's order, data first, then each Layer_Dense in order, from
a private stream seeded with the spec's seed, so the chapter-10 spec with "book" numerics trains
to exactly the book's printed lines. Each training iteration is the book's sequence of calls,
one Operation per call, and `run_iteration` makes the same calls without the stepping machinery.

The spec's format, defaults and checks are in engine/training/spec.py; the pure passes (loss_with,
chain rules) in engine/training/probes.py, the grid passes in engine/training/grid.py, and the
whole iteration
without per-call checks that the Stepper trains with in engine/training/fastpath.py.

`spec` is the spec with the hyperparameters as they are now (set_hyperparameters changes
them); `starting_spec` is the spec as the model was built, hyperparameters as the run started.
A reset goes back to the start of the run: Stepper.reset() restores the snapshot taken when
the stepper was made, hyperparameters included, and a saved session should store
`starting_spec` so that the model it rebuilds starts where the saved run started.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable

import numpy as np

from engine.book.layers import Layer_Dense, Layer_Dropout
from engine.book.losses import Activation_Softmax_Loss_CategoricalCrossentropy
from engine.book.numerics import make_numerics
from engine.book.tanh import Activation_Tanh
from engine.files import state as state_codec
from engine.scenarios.datasets import make_dataset
from engine.training.chain_rule import ChainRule
from engine.training.fastpath import ParameterBlock, compile_iteration
from engine.training.grid import GRID_BLOCK, activations_of, grid_pass, grid_points, probabilities
from engine.training.history import History
from engine.training.probes import Probes, chain_rule, or_nan
from engine.training.spec import (
    ACTIVATIONS,
    CACHES,
    CACHES_ALL,
    HYPERPARAMETERS,
    OPTIMIZERS,
    check_optimizer,
    check_real,
    describe,
    normalize_spec,
)
from engine.training.stepper import Divergence, Operation

_DENSE_VALUES = ("inputs", "output", "weights", "biases", "dweights", "dbiases", "dinputs",
                 "weight_momentums", "bias_momentums", "weight_cache", "bias_cache")
_INTERMEDIATES = ("inputs", "output", "dweights", "dbiases", "dinputs", "binary_mask")
_SCALARS = ("loss", "data_loss", "regularization_loss", "accuracy", "predictions")
HISTORY_KEYS = ("loss", "data_loss", "reg_loss", "accuracy", "learning_rate")


class Model:
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
        data = self.spec["data"]
        self.X, self.y = make_dataset(data["kind"], data["samples"], data["classes"],
                                      numerics=self.numerics)
        if self.spec["points"]:
            points = np.array(self.spec["points"], dtype=np.float64)
            self.X = np.concatenate([self.X, points[:, :2].astype(self.X.dtype)])
            self.y = np.concatenate([self.y, points[:, 2].astype(self.y.dtype)])
        self._build_layers()
        # The book draws its test set from the stream after training; training without dropout
        # draws nothing, so a set drawn now is the book's. The stream is then put back, so
        # dropout masks continue it exactly as the book's training does.
        stream = self.numerics.random.get_state()
        self.X_val, self.y_val = make_dataset(data["kind"], data["samples"], data["classes"],
                                              numerics=self.numerics)
        self.numerics.random.set_state(stream)
        self.optimizer = self._make_optimizer()
        self.iteration = 0
        self._log: list[str] = []
        self._history = History(HISTORY_KEYS)
        self._regularized = any(
            getattr(layer, f"{kind}_regularizer_{norm}") > 0 for layer in self.dense
            for kind in ("weight", "bias") for norm in ("l1", "l2"))
        self._steps = self._make_steps()
        self._objects = dict(self.layers, loss_activation=self.loss_activation,
                             optimizer=self.optimizer)
        self._dense_names = self.dense_names
        # Whether the arrays have been through a checked iteration since the last change from
        # outside (an edit, a restore, a loaded state): until then run_trusted_iteration checks.
        self._trusted = False
        # The trusted iteration and the block of parameters it updates
        # (engine/training/fastpath.py),
        # made at the first trusted iteration; dropped when anything else runs or changes the
        # layers, as their arrays may then no longer be the block's.
        self._trusted_iteration: Callable[[], None] | None = None
        self._block: ParameterBlock | None = None
        # The random stream only moves when dropout draws a mask; without dropout a snapshot
        # reuses the state read once (RandomState.get_state() is most of a snapshot's cost).
        self._draws = any(isinstance(layer, Layer_Dropout) for _, layer in self.layers)
        self._random_state = None

    # -- building ------------------------------------------------------------------------------

    def _build_layers(self) -> None:
        """Layers in forward order as (book name, object); Dense layers draw their weights."""
        self.layers: list[tuple[str, object]] = []
        self.dense: list[Layer_Dense] = []
        n_inputs = self.X.shape[1]
        for number, hidden in enumerate(self.spec["hidden"], start=1):
            self._add_dense(f"dense{number}", n_inputs, hidden["neurons"], hidden)
            activation = ACTIVATIONS[hidden["activation"]](numerics=self.numerics)
            self.layers.append((f"activation{number}", activation))
            if hidden["dropout"] > 0:
                self.layers.append((f"dropout{number}",
                                    Layer_Dropout(hidden["dropout"], numerics=self.numerics)))
            n_inputs = hidden["neurons"]
        self._add_dense(f"dense{len(self.spec['hidden']) + 1}", n_inputs,
                        self.spec["data"]["classes"], self.spec["output"])
        self.loss_activation = Activation_Softmax_Loss_CategoricalCrossentropy(
            numerics=self.numerics)

    def _add_dense(self, name: str, n_inputs: int, n_neurons: int, regularizers: dict) -> None:
        layer = Layer_Dense(n_inputs, n_neurons,
                            weight_regularizer_l1=regularizers["weight_l1"],
                            weight_regularizer_l2=regularizers["weight_l2"],
                            bias_regularizer_l1=regularizers["bias_l1"],
                            bias_regularizer_l2=regularizers["bias_l2"],
                            numerics=self.numerics)
        self.layers.append((name, layer))
        self.dense.append(layer)

    def _make_optimizer(self):
        settings = dict(self.spec["optimizer"])
        return OPTIMIZERS[settings.pop("name")](**settings)

    @property
    def dense_names(self) -> list[str]:
        """The book names of the Dense layers in forward order: dense1, dense2, ..."""
        return [name for name, layer in self.layers if isinstance(layer, Layer_Dense)]

    def _make_steps(self) -> list[tuple[Operation, Callable[[], None]]]:
        """One (Operation, call) per line of the book's training loop, in its order."""
        steps = []
        previous = "X"
        for name, layer in self.layers:
            writes = [f"{name}.output"] + ([f"{name}.binary_mask"]
                                           if isinstance(layer, Layer_Dropout) else [])
            steps.append((Operation(f"{name}.forward", f"{name}.forward({previous})", "forward",
                                    (f"{name}.inputs", *writes)),
                          _forward_call(layer, self, previous)))
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
                          _backward_call(layer, self, dvalues)))
            dvalues = f"{name}.dinputs"
        steps.append((Operation("optimizer.pre_update_params", "optimizer.pre_update_params()",
                                "update", ("optimizer.current_learning_rate",)),
                      lambda: self.optimizer.pre_update_params()))
        caches = CACHES[self.spec["optimizer"]["name"]]
        for name, layer in zip(self.dense_names, self.dense, strict=True):
            writes = (f"{name}.weights", f"{name}.biases", *(f"{name}.{c}" for c in caches))
            steps.append((Operation(f"optimizer.update_params({name})",
                                    f"optimizer.update_params({name})", "update", writes),
                          _update_call(self, layer)))
        steps.append((Operation("optimizer.post_update_params", "optimizer.post_update_params()",
                                "update", ("optimizer.iterations",)), self._post_update))
        return steps

    def _loss_steps(self, last: str) -> list[tuple[Operation, Callable[[], None]]]:
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

    def steps(self) -> list[tuple[Operation, Callable[[], None]]]:
        """(Operation, the call that runs it through the book classes), in the book's order."""
        return list(self._steps)

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
        """The book's epoch lines printed so far."""
        return list(self._log)

    def validation_line(self) -> str:
        """Chapter 11's line for the validation set: 'validation, acc: ..., loss: ...'."""
        metrics = self.validation_metrics()
        return f"validation, acc: {metrics['accuracy']:.3f}, loss: {metrics['loss']:.3f}"

    # -- metrics -------------------------------------------------------------------------------

    def history(self, start: int = 0) -> dict[str, np.ndarray]:
        """Per completed iteration from `start` on: loss, data_loss, reg_loss, accuracy,
        learning_rate (a window that redraws often asks only for what is new)."""
        return self._history.columns(start)

    def validation_metrics(self) -> dict[str, float]:
        """Data loss and accuracy on X_val as the book's chapter 11 computes them; pure.
        NaN for both once the network has overflowed."""
        def compute() -> dict[str, float]:
            probes = self._probes()
            output = probes.forward(self.X_val, training=False)
            loss = probes.loss_activation.forward(output, self.y_val)
            predictions = np.argmax(probes.loss_activation.output, axis=1)
            return {"loss": float(loss), "accuracy": float(np.mean(predictions == self.y_val))}
        return or_nan(compute, lambda: {"loss": math.nan, "accuracy": math.nan})

    def training_metrics(self) -> dict[str, float]:
        """Total loss and accuracy on X at the current parameters: what the book's epoch line
        prints for the next epoch (dropout with this iteration's masks); pure. NaN for both
        once the network has overflowed."""
        def compute() -> dict[str, float]:
            probes = self._probes()
            loss = probes.loss(self.X, self.y)
            predictions = np.argmax(probes.loss_activation.output, axis=1)
            return {"loss": loss, "accuracy": float(np.mean(predictions == self.y))}
        return or_nan(compute, lambda: {"loss": math.nan, "accuracy": math.nan})

    def predict_grid(self, xs: np.ndarray, ys: np.ndarray,
                     parameters: dict[str, np.ndarray] | None = None) -> np.ndarray:
        """Softmax probabilities at every (x, y): (len(ys), len(xs), classes); no dropout, pure.
        parameters: weights and biases to use instead of the model's own (as parameters()
        returns them), so a copy of the model elsewhere can draw another's plane. All NaN
        once the network has overflowed."""
        points = grid_points(xs, ys, self.numerics.float_dtype)
        shape = (len(ys), len(xs), self.spec["data"]["classes"])
        return or_nan(lambda: grid_pass(self.layers, points, probabilities,
                                        parameters).reshape(shape),
                      lambda: np.full(shape, np.nan))

    def hidden_activations_grid(self, xs: np.ndarray, ys: np.ndarray,
                                layer: int = 1) -> np.ndarray:
        """activation{layer}.output at every (x, y): (len(ys), len(xs), neurons); pure.
        All NaN once the network has overflowed."""
        if not 1 <= layer <= len(self.spec["hidden"]):
            raise ValueError(f"layer must be in 1..{len(self.spec['hidden'])}, got {layer}")
        points = grid_points(xs, ys, self.numerics.float_dtype)
        shape = (len(ys), len(xs), self.spec["hidden"][layer - 1]["neurons"])
        return or_nan(lambda: grid_pass(self.layers, points,
                                        activations_of(f"activation{layer}")).reshape(shape),
                      lambda: np.full(shape, np.nan))

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
        names += ["loss_activation.output", "loss_activation.dinputs", *_SCALARS,
                  "optimizer.current_learning_rate", "optimizer.iterations"]
        return names

    def value(self, name: str) -> np.ndarray:
        """The value called `name` (no copy); KeyError if not computed yet."""
        owner, _, attribute = name.rpartition(".")
        if owner and owner not in self._objects:
            raise KeyError(name)
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
        index = _check_index(array.shape, index, name)
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

    # -- state ---------------------------------------------------------------------------------

    def snapshot(self) -> dict:
        layers = {}
        for name, layer in zip(self.dense_names, self.dense, strict=True):
            layers[name] = {attribute: getattr(layer, attribute).copy()
                            for attribute in ("weights", "biases", *CACHES_ALL)
                            if hasattr(layer, attribute)}
        optimizer = self.optimizer
        return {"layers": layers,
                "optimizer": {"iterations": optimizer.iterations,
                              "current_learning_rate": optimizer.current_learning_rate,
                              **self.hyperparameters()},
                "random": self._stream_state(),
                "iteration": self.iteration, "log_length": len(self._log)}

    def _stream_state(self) -> tuple:
        if self._draws or self._random_state is None:
            self._random_state = self.numerics.random.get_state()
        return self._random_state

    def restore(self, snapshot: dict) -> None:
        """Back to an iteration start; values computed inside iterations are forgotten."""
        for name, layer in zip(self.dense_names, self.dense, strict=True):
            saved = snapshot["layers"][name]
            for attribute in ("weights", "biases"):
                if saved[attribute].shape != getattr(layer, attribute).shape:
                    raise ValueError(f"{name}.{attribute} has shape {saved[attribute].shape}, "
                                     f"this model needs {getattr(layer, attribute).shape}")
            for attribute in (*CACHES_ALL, *_INTERMEDIATES):
                if hasattr(layer, attribute):
                    delattr(layer, attribute)
            for attribute, array in saved.items():
                setattr(layer, attribute, array)
        for _, layer in self.layers:
            for attribute in _INTERMEDIATES:
                if not isinstance(layer, Layer_Dense) and hasattr(layer, attribute):
                    delattr(layer, attribute)
        for attribute in ("output", "dinputs"):
            if hasattr(self.loss_activation, attribute):
                delattr(self.loss_activation, attribute)
        for attribute in _SCALARS:
            if hasattr(self, attribute):
                delattr(self, attribute)
        saved = dict(snapshot["optimizer"])
        self.optimizer.iterations = saved.pop("iterations")
        self.optimizer.current_learning_rate = saved.pop("current_learning_rate")
        for key, value in saved.items():
            setattr(self.optimizer, key, value)
            self.spec["optimizer"][key] = value
        self.numerics.random.set_state(snapshot["random"])
        self._random_state = None
        self.iteration = snapshot["iteration"]
        del self._log[snapshot["log_length"]:]
        self._history.truncate(self.iteration)
        self._changed_from_outside()

    def get_state(self) -> dict:
        """JSON-able and exact: parameters, optimizer caches and settings, random stream,
        iteration, printed lines and metric history."""
        return state_codec.encode({**self.snapshot(), "log": list(self._log),
                                   "history": self._history.lists()})

    def set_state(self, state: dict) -> None:
        decoded = state_codec.decode(state)
        self._log = list(decoded["log"])
        self._history.replace({key: decoded["history"][key] for key in HISTORY_KEYS})
        self.restore(decoded)

    # -- pure passes: loss_with, chain rules, grids --------------------------------------------

    def _probes(self, parameters: dict | None = None) -> Probes:
        return Probes(self.layers, self.numerics, parameters)

    def loss_with(self, name: str, index: tuple[int, ...], value: float) -> float:
        """The total loss on X with parameters()[name][index] = value, as this model computes
        it (its numerics; dropout with the current masks); no state changes."""
        parameters = self._replaced(name, index, value)
        return or_nan(lambda: self._probes(parameters).loss(self.X, self.y), lambda: math.nan)

    def _replaced(self, name: str, index: tuple[int, ...], value: float) -> dict[str, np.ndarray]:
        array = self._parameter(name)
        index = _check_index(array.shape, index, name)
        parameters = self.parameters()
        parameters[name][index] = value
        return parameters

    def chain_rule(self, name: str, index: tuple[int, ...],
                   sample: int | None = None) -> ChainRule:
        """dl/dw_ij = sum over samples s of x_si * dl/dz_sj (plus the regularization terms);
        dl/db_j = sum over s of dl/dz_sj. The factors are those of `sample` (by default the one
        contributing most), with dl/dz split into dl/da * da/dz for a hidden layer. The
        numerical estimate is a central difference of the same network in float64 (dropout
        masks held)."""
        if sample is not None and not 0 <= sample < len(self.X):
            raise ValueError(f"sample must be in 0..{len(self.X) - 1}, got {sample}")
        with np.errstate(all="ignore"):
            return self._chain_rule(name, index, sample)

    def _chain_rule(self, name: str, index: tuple[int, ...], sample: int | None) -> ChainRule:
        array = self._parameter(name)
        index = _check_index(array.shape, index, name)
        return chain_rule(self.layers, self.numerics, self.X, self.y, self.parameters(), name,
                          index, sample)


def _forward_call(layer, model: Model, previous: str) -> Callable[[], None]:
    if previous == "X":
        return lambda: layer.forward(model.X)
    source = dict(model.layers)[previous.partition(".")[0]]
    return lambda: layer.forward(source.output)


def _backward_call(layer, model: Model, dvalues: str) -> Callable[[], None]:
    owner = dvalues.partition(".")[0]
    source = model.loss_activation if owner == "loss_activation" else dict(model.layers)[owner]
    return lambda: layer.backward(source.dinputs)


def _update_call(model: Model, layer: Layer_Dense) -> Callable[[], None]:
    return lambda: model.optimizer.update_params(layer)


def _check_index(shape: tuple[int, ...], index: tuple[int, ...], name: str) -> tuple[int, ...]:
    try:
        index = tuple(int(i) for i in index)
    except (TypeError, ValueError):
        raise ValueError(f"index for {name} must be a tuple of integers, got {index!r}") from None
    if len(index) != len(shape) or any(not 0 <= i < n for i, n in zip(index, shape, strict=True)):
        raise ValueError(f"index {index} is outside {name}, whose shape is {shape}")
    return index


# Re-exported for the modules that imported them from here before the split.
__all__ = ["CACHES", "CACHES_ALL", "GRID_BLOCK", "HISTORY_KEYS", "HYPERPARAMETERS", "OPTIMIZERS",
           "Activation_Tanh", "Model", "describe", "normalize_spec"]
