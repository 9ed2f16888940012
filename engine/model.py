"""A classifier built from a plain JSON-able spec out of the book's classes, run as the book does.

Building draws randomness in the book's order, data first, then each Layer_Dense in order, from
a private stream seeded with the spec's seed, so the chapter-10 spec with "book" numerics trains
to exactly the book's printed lines. Each training iteration is the book's sequence of calls,
one Operation per call, and `run_iteration` makes the same calls without the stepping machinery.

Spec (every key but "data" and "hidden" optional; `normalize_spec` fills the defaults):

    {"data": {"kind": "spiral" | "vertical", "samples": 100, "classes": 3},
     "hidden": [{"neurons": 64, "activation": "relu" | "sigmoid" | "linear" | "tanh",
                 "weight_l1": 0, "weight_l2": 0, "bias_l1": 0, "bias_l2": 0, "dropout": 0}],
     "output": {"weight_l1": 0, "weight_l2": 0, "bias_l1": 0, "bias_l2": 0},
     "optimizer": {"name": "sgd" | "adagrad" | "rmsprop" | "adam", "learning_rate": ...,
                   "decay": ..., plus momentum (sgd), epsilon, rho (rmsprop), beta_1, beta_2},
     "seed": 0, "numerics": "book" | "native", "print_every": 100,
     "points": [[x, y, class], ...]}

"points" are added to the training data after it is drawn (they draw no random numbers), for
the points a learner places by hand.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable

import numpy as np

from engine import state as state_codec
from engine.activations import Activation_Linear, Activation_ReLU, Activation_Sigmoid
from engine.chain_rule import DEFAULT_STEP, ChainRule, make_chain_rule
from engine.datasets import make_dataset
from engine.layers import Layer_Dense, Layer_Dropout
from engine.losses import Activation_Softmax_Loss_CategoricalCrossentropy
from engine.numerics import GLOBAL_NUMPY, NativeNumerics, make_numerics
from engine.optimizers import Optimizer_Adagrad, Optimizer_Adam, Optimizer_RMSprop, Optimizer_SGD
from engine.stepper import Divergence, Operation


class Activation_Tanh(Activation_Linear):
    """tanh(x), elementwise; not in the book, written in its style. tanh' = 1 - tanh^2."""

    def forward(self, inputs: np.ndarray, training: bool = True) -> None:
        """inputs: (n_samples, n) -> self.output: (n_samples, n) in (-1, 1)."""
        self._check_inputs(inputs)
        self.inputs = inputs
        self.output = np.tanh(inputs)

    def backward(self, dvalues: np.ndarray) -> None:
        """dvalues: (n_samples, n) -> self.dinputs: (n_samples, n)."""
        self._check_dvalues(dvalues)
        self.dinputs = dvalues * (1 - self.output ** 2)


ACTIVATIONS = {"relu": Activation_ReLU, "sigmoid": Activation_Sigmoid,
               "linear": Activation_Linear, "tanh": Activation_Tanh}
OPTIMIZERS = {"sgd": Optimizer_SGD, "adagrad": Optimizer_Adagrad,
              "rmsprop": Optimizer_RMSprop, "adam": Optimizer_Adam}
# Each optimizer's hyperparameters with the book's defaults.
HYPERPARAMETERS = {
    "sgd": {"learning_rate": 1.0, "decay": 0.0, "momentum": 0.0},
    "adagrad": {"learning_rate": 1.0, "decay": 0.0, "epsilon": 1e-7},
    "rmsprop": {"learning_rate": 0.001, "decay": 0.0, "epsilon": 1e-7, "rho": 0.9},
    "adam": {"learning_rate": 0.001, "decay": 0.0, "epsilon": 1e-7, "beta_1": 0.9,
             "beta_2": 0.999},
}
# What each optimizer keeps on a layer between steps.
CACHES = {"sgd": ("weight_momentums", "bias_momentums"),
          "adagrad": ("weight_cache", "bias_cache"),
          "rmsprop": ("weight_cache", "bias_cache"),
          "adam": ("weight_momentums", "bias_momentums", "weight_cache", "bias_cache")}
REGULARIZERS = ("weight_l1", "weight_l2", "bias_l1", "bias_l2")
_DENSE_VALUES = ("inputs", "output", "weights", "biases", "dweights", "dbiases", "dinputs",
                 "weight_momentums", "bias_momentums", "weight_cache", "bias_cache")
_INTERMEDIATES = ("inputs", "output", "dweights", "dbiases", "dinputs", "binary_mask")
_SCALARS = ("loss", "data_loss", "regularization_loss", "accuracy", "predictions")
_native = NativeNumerics(0)


def normalize_spec(spec: dict) -> dict:
    """A complete copy of `spec` with defaults filled in; ValueError naming any bad entry."""
    if not isinstance(spec, dict):
        raise ValueError(f"a model spec must be a dict, got {type(spec).__name__}")
    unknown = set(spec) - {"data", "hidden", "output", "optimizer", "seed", "numerics",
                           "print_every", "points"}
    if unknown:
        raise ValueError(f"unknown spec keys: {', '.join(sorted(unknown))}")
    data = dict(spec.get("data", {}))
    kind = data.get("kind", "spiral")
    if kind not in ("spiral", "vertical"):
        raise ValueError(f"data kind must be 'spiral' or 'vertical', got {kind!r}")
    normalized = {"data": {"kind": kind, "samples": _positive_int(data.get("samples", 100),
                                                                   "data samples"),
                           "classes": _positive_int(data.get("classes", 3), "data classes")}}
    if normalized["data"]["classes"] < 2:
        raise ValueError("a classifier needs at least 2 classes")
    hidden = spec.get("hidden", [])
    if not isinstance(hidden, list):
        raise ValueError("hidden must be a list of layers")
    normalized["hidden"] = [_hidden_layer(layer, number)
                            for number, layer in enumerate(hidden, start=1)]
    normalized["output"] = _regularizers(spec.get("output", {}), "output layer")
    normalized["optimizer"] = _optimizer(spec.get("optimizer", {"name": "adam"}))
    seed = spec.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**32:
        raise ValueError(f"seed must be an integer in 0..2**32-1, got {seed!r}")
    normalized["seed"] = seed
    numerics = spec.get("numerics", "book")
    if numerics not in ("book", "native"):
        raise ValueError(f"numerics must be 'book' or 'native', got {numerics!r}")
    normalized["numerics"] = numerics
    normalized["print_every"] = _positive_int(spec.get("print_every", 100), "print_every")
    normalized["points"] = _points(spec.get("points", []), normalized["data"]["classes"])
    return normalized


def _points(points, classes: int) -> list[list]:
    if not isinstance(points, list):
        raise ValueError("points must be a list of [x, y, class]")
    checked = []
    for number, point in enumerate(points, start=1):
        if not isinstance(point, (list, tuple)) or len(point) != 3:
            raise ValueError(f"point {number} must be [x, y, class], got {point!r}")
        x = _number(point[0], f"point {number} x", low=-math.inf)
        y = _number(point[1], f"point {number} y", low=-math.inf)
        label = point[2]
        if isinstance(label, bool) or not isinstance(label, (int, np.integer)) \
                or not 0 <= label < classes:
            raise ValueError(f"point {number} class must be in 0..{classes - 1}, got {label!r}")
        checked.append([x, y, int(label)])
    return checked


def _positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def _number(value, name: str, low: float = 0.0, high: float = math.inf,
            high_open: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a number, got {value!r}")
    value = float(value)
    if not math.isfinite(value) or value < low or value > high or (high_open and value == high):
        bracket = ")" if high_open else "]"
        raise ValueError(f"{name} must be in [{low}, {high}{bracket}, got {value}")
    return value


def _regularizers(layer: dict, where: str) -> dict:
    unknown = set(layer) - set(REGULARIZERS)
    if unknown:
        raise ValueError(f"unknown {where} keys: {', '.join(sorted(unknown))}")
    return {key: _number(layer.get(key, 0.0), f"{where} {key}") for key in REGULARIZERS}


def _hidden_layer(layer, number: int) -> dict:
    where = f"hidden layer {number}"
    if not isinstance(layer, dict):
        raise ValueError(f"{where} must be a dict")
    activation = layer.get("activation", "relu")
    if activation not in ACTIVATIONS:
        raise ValueError(f"{where} activation must be one of {', '.join(ACTIVATIONS)}, "
                         f"got {activation!r}")
    rest = {key: value for key, value in layer.items()
            if key not in ("neurons", "activation", "dropout")}
    return {"neurons": _positive_int(layer.get("neurons", 64), f"{where} neurons"),
            "activation": activation, **_regularizers(rest, where),
            "dropout": _number(layer.get("dropout", 0.0), f"{where} dropout", high=1.0,
                               high_open=True)}


def _optimizer(optimizer: dict) -> dict:
    name = optimizer.get("name", "adam")
    if name not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZERS)}, got {name!r}")
    defaults = HYPERPARAMETERS[name]
    unknown = set(optimizer) - set(defaults) - {"name"}
    if unknown:
        raise ValueError(f"{name} has no hyperparameter {', '.join(sorted(unknown))}: "
                         f"expected {', '.join(defaults)}")
    values = {key: float(optimizer.get(key, default)) for key, default in defaults.items()}
    OPTIMIZERS[name](**values)  # the book class says what is out of range
    return {"name": name, **values}


class Model:
    """The book's classifier: [Dense, activation, (dropout)] per hidden layer, then Dense and
    softmax with categorical cross-entropy, trained by one of the book's optimizers.

    Book names: dense1, activation1, dropout1, dense2, ..., loss_activation, optimizer; X, y
    (training data), X_val, y_val (validation data).
    """

    loss_name = "loss"

    def __init__(self, spec: dict, title: str | None = None):
        self.spec = normalize_spec(spec)
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
        self._history: dict[str, list[float]] = {key: [] for key in HISTORY_KEYS}
        self._regularized = any(
            getattr(layer, f"{kind}_regularizer_{norm}") > 0 for layer in self.dense
            for kind in ("weight", "bias") for norm in ("l1", "l2"))
        self._steps = self._make_steps()
        self._objects = dict(self.layers, loss_activation=self.loss_activation,
                             optimizer=self.optimizer)

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
        value = self.loss_activation.forward(self.last_output, self.y)
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
        self.predictions = np.argmax(self.loss_activation.output, axis=1)
        self.accuracy = np.mean(self.predictions == self.y)
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
        for key, value in zip(HISTORY_KEYS, (self.loss, self.data_loss, self.regularization_loss,
                                             self.accuracy,
                                             self.optimizer.current_learning_rate), strict=True):
            self._history[key].append(float(value))
        self.iteration += 1

    # -- Trainable: running --------------------------------------------------------------------

    def operations(self) -> list[Operation]:
        return [operation for operation, _ in self._steps]

    def run_operation(self, index: int) -> None:
        try:
            self._steps[index][1]()
        except ValueError as error:
            self._raise_divergence_if_non_finite(error)
            raise

    def run_iteration(self) -> None:
        """All operations of one iteration: the book's calls and nothing else."""
        try:
            for _, call in self._steps:
                call()
        except ValueError as error:
            self._raise_divergence_if_non_finite(error)
            raise

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
        return {key: np.array(values[start:], dtype=np.float64)
                for key, values in self._history.items()}

    def validation_metrics(self) -> dict[str, float]:
        """Data loss and accuracy on X_val as the book's chapter 11 computes them; pure.
        NaN for both once the network has overflowed."""
        def compute() -> dict[str, float]:
            probes = self._probes()
            output = self._run_forward(probes, self.X_val, training=False)
            loss = probes.loss_activation.forward(output, self.y_val)
            predictions = np.argmax(probes.loss_activation.output, axis=1)
            return {"loss": float(loss), "accuracy": float(np.mean(predictions == self.y_val))}
        return _or_nan(compute, lambda: {"loss": math.nan, "accuracy": math.nan})

    def training_metrics(self) -> dict[str, float]:
        """Total loss and accuracy on X at the current parameters: what the book's epoch line
        prints for the next epoch (dropout with this iteration's masks); pure. NaN for both
        once the network has overflowed."""
        def compute() -> dict[str, float]:
            probes = self._probes()
            loss = self._loss_of(probes, self.X)
            predictions = np.argmax(probes.loss_activation.output, axis=1)
            return {"loss": loss, "accuracy": float(np.mean(predictions == self.y))}
        return _or_nan(compute, lambda: {"loss": math.nan, "accuracy": math.nan})

    def predict_grid(self, xs: np.ndarray, ys: np.ndarray,
                     parameters: dict[str, np.ndarray] | None = None) -> np.ndarray:
        """Softmax probabilities at every (x, y): (len(ys), len(xs), classes); no dropout, pure.
        parameters: weights and biases to use instead of the model's own (as parameters()
        returns them), so a copy of the model elsewhere can draw another's plane. All NaN
        once the network has overflowed."""
        points = self._grid(xs, ys)

        def compute() -> np.ndarray:
            def block(probes: _Probes, inputs: np.ndarray) -> np.ndarray:
                probes.loss_activation.activation.forward(
                    self._run_forward(probes, inputs, training=False))
                return probes.loss_activation.activation.output
            return self._grid_pass(points, block, parameters).reshape(len(ys), len(xs), -1)
        return _or_nan(compute, lambda: np.full((len(ys), len(xs), self.spec["data"]["classes"]),
                                                np.nan))

    def hidden_activations_grid(self, xs: np.ndarray, ys: np.ndarray,
                                layer: int = 1) -> np.ndarray:
        """activation{layer}.output at every (x, y): (len(ys), len(xs), neurons); pure.
        All NaN once the network has overflowed."""
        if not 1 <= layer <= len(self.spec["hidden"]):
            raise ValueError(f"layer must be in 1..{len(self.spec['hidden'])}, got {layer}")
        points = self._grid(xs, ys)
        name = f"activation{layer}"

        def compute() -> np.ndarray:
            def block(probes: _Probes, inputs: np.ndarray) -> np.ndarray:
                self._run_forward(probes, inputs, training=False, stop_after=name)
                return probes.layers[name].output
            return self._grid_pass(points, block).reshape(len(ys), len(xs), -1)
        neurons = self.spec["hidden"][layer - 1]["neurons"]
        return _or_nan(compute, lambda: np.full((len(ys), len(xs), neurons), np.nan))

    def _grid_pass(self, points: np.ndarray,
                   block: Callable[[_Probes, np.ndarray], np.ndarray],
                   parameters: dict[str, np.ndarray] | None = None) -> np.ndarray:
        """block(probes, rows) over the points, GRID_BLOCK rows at a time, stacked.

        A picture needs no last-bit exactness, so the pass uses numpy's own dot in the model's
        dtype (book numerics' float64 round trip costs more than the rest of the pass), and
        runs in blocks whose hidden outputs fit in the CPU cache: a 200 x 200 grid through
        the chapter-10 network takes about 5 ms this way instead of 20 to 80 ms in one piece,
        so the window can redraw the boundary 20 times a second while training.
        """
        probes = self._probes(numerics=GLOBAL_NUMPY, parameters=parameters)
        return np.concatenate([block(probes, points[start:start + GRID_BLOCK])
                               for start in range(0, max(len(points), 1), GRID_BLOCK)])

    def _grid(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        xs, ys = np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)
        if xs.ndim != 1 or ys.ndim != 1:
            raise ValueError("xs and ys must be 1-D arrays of coordinates")
        grid_x, grid_y = np.meshgrid(xs, ys)
        points = np.column_stack([grid_x.ravel(), grid_y.ravel()])
        return points.astype(self.numerics.float_dtype)

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
        number = _number(value, name, low=-math.inf)
        with np.errstate(over="ignore"):
            stored = array.dtype.type(number)
        if not np.isfinite(stored):
            raise ValueError(f"{name}: {number:g} is too large for {array.dtype}")
        array[index] = stored

    def set_hyperparameters(self, **values: float) -> None:
        """Change optimizer settings; they apply at the optimizer's next call, without reset.

        A new learning rate or decay also sets current_learning_rate by the book's formula,
        because with decay 0 the book's pre_update_params never recomputes it.
        """
        settings = {**self.spec["optimizer"], **values}
        _optimizer(settings)  # validates the whole set
        for key, value in values.items():
            setattr(self.optimizer, key, float(value))
            self.spec["optimizer"][key] = float(value)
        if "learning_rate" in values or "decay" in values:
            optimizer = self.optimizer
            optimizer.current_learning_rate = optimizer.learning_rate * \
                (1. / (1. + optimizer.decay * optimizer.iterations))

    def hyperparameters(self) -> dict[str, float]:
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
                "random": self.numerics.random.get_state(),
                "iteration": self.iteration, "log_length": len(self._log)}

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
        self.iteration = snapshot["iteration"]
        del self._log[snapshot["log_length"]:]
        for values in self._history.values():
            del values[self.iteration:]

    def get_state(self) -> dict:
        """JSON-able and exact: parameters, optimizer caches and settings, random stream,
        iteration, printed lines and metric history."""
        return state_codec.encode({**self.snapshot(), "log": list(self._log),
                                   "history": {k: list(v) for k, v in self._history.items()}})

    def set_state(self, state: dict) -> None:
        decoded = state_codec.decode(state)
        self._log = list(decoded["log"])
        self._history = {key: list(decoded["history"][key]) for key in HISTORY_KEYS}
        self.restore(decoded)

    # -- pure passes: loss_with, chain rules, grids --------------------------------------------

    def _probes(self, numerics=None, parameters: dict | None = None) -> _Probes:
        return _Probes(self, numerics or self.numerics, parameters)

    def _run_forward(self, probes: _Probes, inputs: np.ndarray, training: bool,
                     stop_after: str | None = None) -> np.ndarray:
        """Forward through the probes; with training, dropout reuses this iteration's masks."""
        values = inputs
        for name, layer in probes.layers.items():
            if isinstance(layer, Layer_Dropout):
                layer.inputs = values
                if not training:
                    layer.output = values.copy()
                else:
                    if not hasattr(layer, "binary_mask"):  # no mask drawn yet: keep all
                        layer.binary_mask = np.ones(values.shape)
                    layer.output = values * layer.binary_mask
            else:
                layer.forward(values)
            values = layer.output
            if name == stop_after:
                break
        return values

    def _loss_of(self, probes: _Probes, inputs: np.ndarray) -> float:
        """The book's total loss (data loss plus every Dense layer's penalty) of one pass."""
        output = self._run_forward(probes, inputs, training=True)
        loss = probes.loss_activation.forward(output, self.y)
        penalty = probes.loss_activation.loss
        for layer in probes.dense:
            loss = loss + penalty.regularization_loss(layer)
        return float(loss)

    def loss_with(self, name: str, index: tuple[int, ...], value: float) -> float:
        """The total loss on X with parameters()[name][index] = value, as this model computes
        it (its numerics; dropout with the current masks); no state changes."""
        parameters = self._replaced(name, index, value)
        return _or_nan(lambda: self._loss_of(self._probes(parameters=parameters), self.X),
                       lambda: math.nan)

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
        layer_name, _, attribute = name.partition(".")
        probes = self._probes()
        self._loss_of(probes, self.X)
        dz = probes.backward(self.y)[layer_name]
        dense = probes.layers[layer_name]
        j = index[-1]
        if attribute == "weights":
            i = index[0]
            contributions = dense.inputs[:, i].astype(np.float64) * dz[:, j]
            label = f"x[s, {i}] * dl/dz[s, {j}]"
        else:
            contributions = dz[:, j].astype(np.float64)
            label = f"dl/dz[s, {j}]"
        if sample is None:
            sample = int(np.argmax(np.abs(contributions)))
        terms = [(f"sum over {len(contributions)} samples of {label}",
                  float(np.sum(contributions)))]
        terms += _penalty_terms(dense, attribute, array[index])
        factors = ([(f"x[{sample}, {index[0]}]", dense.inputs[sample, index[0]])]
                   if attribute == "weights" else [])
        factors += probes.dz_factors(layer_name, sample, j)
        product = float(getattr(dense, "d" + attribute)[index])
        current = float(array[index])
        native = {key: value.astype(np.float64) for key, value in self.parameters().items()}
        x64 = self.X.astype(np.float64)

        def float64_pass(value: float) -> tuple[float, bytes]:
            changed = {**native, name: native[name].copy()}
            changed[name][index] = value
            probes = self._probes(numerics=_native, parameters=changed)
            return self._loss_of(probes, x64), probes.kinks()

        return make_chain_rule(f"dl/d({name}[{', '.join(map(str, index))}])", factors,
                               product, lambda value: float64_pass(value)[0], current,
                               step=_kink_free_step(float64_pass, current), terms=terms,
                               sample=sample)


GRID_BLOCK = 4096  # grid points per block of a pure grid pass
HISTORY_KEYS = ("loss", "data_loss", "reg_loss", "accuracy", "learning_rate")


def _or_nan(compute: Callable, nan: Callable):
    """compute() without numpy warnings; nan() if a value overflowed on the way, which the book
    classes refuse with a ValueError (their arguments are the model's own, so nothing else
    can be wrong)."""
    with np.errstate(all="ignore"):
        try:
            return compute()
        except ValueError:
            return nan()


def _kink_free_step(float64_pass: Callable[[float], tuple[float, bytes]], value: float) -> float:
    """The largest of 1e-4, 1e-5, ... 1e-8 whose difference points (value +- h, +- 2h) leave
    every ReLU input, L1 sign and probability clip on the side it is at `value`: a difference
    across a kink measures the jump, not the slope."""
    _, at_value = float64_pass(value)
    step = DEFAULT_STEP
    while step > 1e-8 and any(float64_pass(value + k * step)[1] != at_value
                              for k in (-2, -1, 1, 2)):
        step /= 10
    return step
CACHES_ALL = ("weight_momentums", "bias_momentums", "weight_cache", "bias_cache")


def _penalty_terms(dense: Layer_Dense, attribute: str, value: float) -> list[tuple[str, float]]:
    kind = "weight" if attribute == "weights" else "bias"
    symbol = "w" if kind == "weight" else "b"
    terms = []
    l1 = getattr(dense, f"{kind}_regularizer_l1")
    l2 = getattr(dense, f"{kind}_regularizer_l2")
    if l1 > 0:
        terms.append((f"L1: {l1} * sign({symbol})", l1 * (1.0 if value >= 0 else -1.0)))
    if l2 > 0:
        terms.append((f"L2: 2 * {l2} * {symbol}", 2 * l2 * float(value)))
    return terms


class _Probes:
    """Throwaway copies of a model's layers for a pass that must not touch the model: Dense
    layers are shallow copies (sharing, or replacing, the parameter arrays), activations and
    the loss are fresh, dropout layers keep the current mask."""

    def __init__(self, model: Model, numerics, parameters: dict | None):
        self.layers: dict[str, object] = {}
        self.dense: list[Layer_Dense] = []
        for name, layer in model.layers:
            if isinstance(layer, Layer_Dense):
                probe = copy.copy(layer)
                probe.numerics = numerics
                if parameters is not None:
                    probe.weights = parameters[f"{name}.weights"]
                    probe.biases = parameters[f"{name}.biases"]
                self.dense.append(probe)
            elif isinstance(layer, Layer_Dropout):
                probe = Layer_Dropout(1 - layer.rate, numerics=numerics)
                if hasattr(layer, "binary_mask"):
                    probe.binary_mask = layer.binary_mask
            else:
                probe = type(layer)(numerics=numerics)
            self.layers[name] = probe
        self.loss_activation = Activation_Softmax_Loss_CategoricalCrossentropy(numerics=numerics)

    def kinks(self) -> bytes:
        """Which side of every kink the last forward pass is on: ReLU inputs, L1 signs and the
        loss's probability clip."""
        sides = [layer.inputs > 0 for layer in self.layers.values()
                 if isinstance(layer, Activation_ReLU)]
        for layer in self.dense:
            if layer.weight_regularizer_l1 > 0:
                sides.append(layer.weights < 0)
            if layer.bias_regularizer_l1 > 0:
                sides.append(layer.biases < 0)
        output = self.loss_activation.output
        sides.append((output < 1e-7) | (output > 1 - 1e-7))
        return b"".join(np.packbits(side).tobytes() for side in sides)

    def backward(self, y: np.ndarray) -> dict[str, np.ndarray]:
        """The book's backward pass over the probes; returns each Dense layer's dl/dz."""
        self.loss_activation.backward(self.loss_activation.output, y)
        dvalues = self.loss_activation.dinputs
        dz = {}
        for name, layer in reversed(self.layers.items()):
            if isinstance(layer, Layer_Dense):
                dz[name] = dvalues
            layer.backward(dvalues)
            dvalues = layer.dinputs
        return dz

    def dz_factors(self, dense_name: str, sample: int, j: int) -> list[tuple[str, float]]:
        """dl/dz[s, j] for the output layer; dl/da[s, j] and da/dz[s, j] for a hidden one."""
        names = list(self.layers)
        following = names[names.index(dense_name) + 1:]
        if not following:
            return [(f"dl/dz[{sample}, {j}]", float(self.loss_activation.dinputs[sample, j]))]
        # A hidden Dense is followed by its activation, then a dropout or the next Dense,
        # whose dinputs is what flows back into the activation: dl/da.
        activation, after = self.layers[following[0]], self.layers[following[1]]
        return [(f"dl/da[{sample}, {j}]", float(after.dinputs[sample, j])),
                (f"da/dz[{sample}, {j}]", _activation_slope(activation, sample, j))]


def _activation_slope(activation, sample: int, j: int) -> float:
    """da/dz of one activation output, from what its forward pass stored."""
    if isinstance(activation, Activation_ReLU):
        return 1.0 if activation.inputs[sample, j] > 0 else 0.0
    if isinstance(activation, Activation_Sigmoid):
        s = float(activation.output[sample, j])
        return s * (1 - s)
    if isinstance(activation, Activation_Tanh):
        return 1 - float(activation.output[sample, j]) ** 2
    return 1.0


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


def describe(spec: dict) -> str:
    """A one-line title, e.g. "spiral 100x3: Dense 2-64 ReLU, Dense 64-3, Adam"."""
    data = spec["data"]
    sizes = [2] + [hidden["neurons"] for hidden in spec["hidden"]] + [data["classes"]]
    parts = []
    for number, (n_in, n_out) in enumerate(zip(sizes, sizes[1:], strict=False)):
        if number < len(spec["hidden"]):
            parts.append(f"Dense {n_in}-{n_out} {spec['hidden'][number]['activation']}")
        else:
            parts.append(f"Dense {n_in}-{n_out}")
    return (f"{data['kind']} {data['samples']}x{data['classes']}: {', '.join(parts)}, "
            f"{spec['optimizer']['name']}")


__all__ = ["Activation_Tanh", "Model", "describe", "normalize_spec"]
