"""The seed notebook's two worked examples, one line of its training loop per operation.

Each operation runs the notebook's own line on a namespace of the notebook's variables, so the
values (and their numpy types) are the notebook's. Under "book" numerics the one function the
notebook's `nnfs.init()` changes that these loops use is `np.dot` (computed in float64, returned
as float32: BookNumerics.dot); everything else is float64 either way. Under "native" numerics
np.dot sums its float64 products in a fixed order (see `notebook_dot`). One operation is added
to each backward pass, the gradient with respect to the inputs (dl/dx = dl/dz * w; for the layer
dl/dX = dl/dZ . W), which only writes its own new variable.

Chain rules evaluate the notebook's formulas at the current parameters, independent of how far
the current iteration has got; their numerical estimate is a central difference of the same
forward pass in float64, the derivative of the function itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from engine.book.numerics import make_numerics
from engine.files import state as state_codec
from engine.scenarios.notebook import NotebookReLU, notebook_dot, relu, relu_derivative
from engine.training.chain_rule import ChainRule, make_chain_rule
from engine.training.indexing import check_index
from engine.training.printed_lines import PrintedLines
from engine.training.stepper import Operation

SEED_ITERATIONS = 200  # the notebook's loops run 200 iterations, then print the final values


_Step = Callable[[dict, Callable], Any]  # (namespace, dot) -> the value the line assigns


class _SeedExample:
    """A notebook loop as a Trainable: the namespace, its operations and its print log."""

    title: str
    loss_name: str
    input_name: str  # the parameter that holds the inputs, for dl/dx
    _parameters: tuple[str, ...]
    _steps: list[tuple[Operation, _Step]]

    def __init__(self, start: dict[str, Any], numerics: str = "book"):
        self.numerics = make_numerics(numerics)
        self._dot = self.numerics.dot if numerics == "book" else notebook_dot
        self.ns: dict[str, Any] = state_codec.copy_state(start)
        self.iteration = 0
        self._log = PrintedLines()

    # -- running -------------------------------------------------------------------------------

    def operations(self) -> list[Operation]:
        return [operation for operation, _ in self._steps]

    def run_operation(self, index: int) -> None:
        operation, compute = self._steps[index]
        self.ns[operation.writes[0]] = compute(self.ns, self._dot)
        if index == len(self._steps) - 1:
            self._log.extend(self._iteration_lines())
            self.iteration += 1
            if self.iteration == SEED_ITERATIONS:
                self._log.extend(self._final_lines())

    def run_iteration(self) -> None:
        for index in range(len(self._steps)):
            self.run_operation(index)

    def log_lines(self) -> list[str]:
        """The lines the notebook printed by this point, in its format (the latest
        PRINTED_LINES of them)."""
        return self._log.lines()

    def lines_printed(self) -> int:
        """How many lines were printed in all, also those no longer kept."""
        return self._log.count

    def log_since(self, count: int) -> list[str]:
        """The lines printed after the first `count` (those still kept)."""
        return self._log.since(count)

    # -- values --------------------------------------------------------------------------------

    def values(self) -> dict[str, np.ndarray]:
        return {name: np.array(value) for name, value in self.ns.items()}

    def value(self, name: str) -> np.ndarray:
        return np.asarray(self.ns[name])

    def parameters(self) -> dict[str, np.ndarray]:
        return {name: np.array(self.ns[name]) for name in self._parameters}

    def set_value(self, name: str, index: tuple[int, ...], value: float) -> None:
        """Set parameters()[name][index]; keeps the variable's type (a Python float stays one)."""
        if name not in self._parameters:
            raise ValueError(f"{name!r} is not editable: expected one of "
                             f"{', '.join(self._parameters)}")
        index = check_index(np.shape(self.ns[name]), index, name)
        value = _check_finite(value, name)
        current = self.ns[name]
        if isinstance(current, np.ndarray):
            current[index] = value
        else:
            self.ns[name] = type(current)(value)

    def set_hyperparameters(self, **values: float) -> None:
        """The notebook's only hyperparameter is `learning_rate`."""
        for name, value in values.items():
            if name != "learning_rate":
                raise ValueError(f"unknown hyperparameter {name!r}: expected 'learning_rate'")
            self.set_value("learning_rate", (), value)

    # -- state ---------------------------------------------------------------------------------

    def capture_state(self) -> dict:
        return {"variables": {name: state_codec.copy_state(self.ns[name])
                              for name in self._parameters},
                "iteration": self.iteration, "log_length": self._log.count}

    def restore(self, state: dict) -> None:
        """Back to an iteration start; the values computed inside iterations are forgotten."""
        self.ns = dict(state["variables"])
        self.iteration = state["iteration"]
        self._log.truncate(state["log_length"])

    def get_state(self) -> dict:
        return state_codec.encode(self.copy_state())

    def copy_state(self) -> dict:
        """get_state() before its encoding: arrays and numbers, copies."""
        return {**self.capture_state(), "log": self._log.lines()}

    def set_state(self, state: dict) -> None:
        decoded = state_codec.decode(state)
        self._log.replace(list(decoded["log"]), decoded["log_length"])
        self.restore(decoded)

    # -- chain rule ----------------------------------------------------------------------------

    def loss_with(self, name: str, index: tuple[int, ...], value: float) -> float:
        """The loss of a full forward pass with parameters()[name][index] = value; pure."""
        variables = self._replaced(name, index, value)
        with np.errstate(all="ignore"):
            return float(self._loss(variables, self._dot))

    def _replaced(self, name: str, index: tuple[int, ...], value: float) -> dict:
        if name not in self._parameters:
            raise ValueError(f"{name!r} is not a parameter: expected one of "
                             f"{', '.join(self._parameters)}")
        variables = {key: state_codec.copy_state(self.ns[key]) for key in self._parameters}
        index = check_index(np.shape(variables[name]), index, name)
        if isinstance(variables[name], np.ndarray):
            variables[name][index] = value
        else:
            variables[name] = type(variables[name])(value)
        return variables

    def _native_loss_at(self, name: str, index: tuple[int, ...]) -> Callable[[float], float]:
        def loss_at(value: float) -> float:
            variables = {key: np.asarray(v, dtype=np.float64)
                         for key, v in self._replaced(name, index, value).items()}
            with np.errstate(all="ignore"):
                return float(self._loss(variables, notebook_dot))
        return loss_at

    @staticmethod
    def _loss(variables: dict, dot: Callable) -> float:
        raise NotImplementedError

    def _iteration_lines(self) -> list[str]:
        raise NotImplementedError

    def _final_lines(self) -> list[str]:
        raise NotImplementedError


def _op(name: str, code: str, phase: str, *writes: str) -> Operation:
    return Operation(name, code, phase, writes or (name,))


class SingleNeuron(_SeedExample):
    """3 inputs, one neuron, ReLU, squared loss against target 0 (the notebook's cell [3])."""

    title = "Single neuron"
    loss_name = "loss"
    input_name = "inputs"
    _parameters = ("weights", "bias", "inputs", "target_output", "learning_rate")
    _steps = [
        (_op("linear_output", "linear_output = np.dot(weights, inputs) + bias", "forward"),
         lambda ns, dot: dot(ns["weights"], ns["inputs"]) + ns["bias"]),
        (_op("output", "output = relu(linear_output)", "forward"),
         lambda ns, dot: relu(ns["linear_output"])),
        (_op("loss", "loss = (output - target_output) ** 2", "loss"),
         lambda ns, dot: (ns["output"] - ns["target_output"]) ** 2),
        (_op("dloss_doutput", "dloss_doutput = 2 * (output - target_output)", "backward"),
         lambda ns, dot: 2 * (ns["output"] - ns["target_output"])),
        (_op("doutput_dlinear", "doutput_dlinear = relu_derivative(linear_output)", "backward"),
         lambda ns, dot: relu_derivative(ns["linear_output"])),
        (_op("dlinear_dweights", "dlinear_dweights = inputs", "backward"),
         lambda ns, dot: ns["inputs"]),
        (_op("dlinear_dbias", "dlinear_dbias = 1.0", "backward"),
         lambda ns, dot: 1.0),
        (_op("dloss_dlinear", "dloss_dlinear = dloss_doutput * doutput_dlinear", "backward"),
         lambda ns, dot: ns["dloss_doutput"] * ns["doutput_dlinear"]),
        (_op("dloss_dweights", "dloss_dweights = dloss_dlinear * dlinear_dweights", "backward"),
         lambda ns, dot: ns["dloss_dlinear"] * ns["dlinear_dweights"]),
        (_op("dloss_dbias", "dloss_dbias = dloss_dlinear * dlinear_dbias", "backward"),
         lambda ns, dot: ns["dloss_dlinear"] * ns["dlinear_dbias"]),
        (_op("dloss_dinputs", "dloss_dinputs = dloss_dlinear * weights", "backward"),
         lambda ns, dot: ns["dloss_dlinear"] * ns["weights"]),
        (_op("weights.update", "weights -= learning_rate * dloss_dweights", "update", "weights"),
         lambda ns, dot: _isub(ns["weights"], ns["learning_rate"] * ns["dloss_dweights"])),
        (_op("bias.update", "bias -= learning_rate * dloss_dbias", "update", "bias"),
         lambda ns, dot: _isub(ns["bias"], ns["learning_rate"] * ns["dloss_dbias"])),
    ]

    def __init__(self, numerics: str = "book"):
        super().__init__({"weights": np.array([-3.0, -1.0, 2.0]), "bias": 1.0,
                          "inputs": np.array([1.0, -2.0, 3.0]), "target_output": 0.0,
                          "learning_rate": 0.001}, numerics)

    @staticmethod
    def _loss(variables: dict, dot: Callable) -> float:
        linear_output = dot(variables["weights"], variables["inputs"]) + variables["bias"]
        return (relu(linear_output) - variables["target_output"]) ** 2

    def _iteration_lines(self) -> list[str]:
        return [f"Iteration {self.iteration + 1}, Loss: {self.ns['loss']}"]

    def _final_lines(self) -> list[str]:
        return [_printed("Final weights:", self.ns["weights"]),
                _printed("Final bias:", self.ns["bias"])]

    def chain_rule(self, name: str, index: tuple[int, ...]) -> ChainRule:
        """dl/dw_i = dl/da * da/dz * dz/dw_i (a = output, z = linear_output); likewise b, x_i."""
        variables = self._replaced(name, index, float(np.asarray(self.ns[name])[tuple(index)]))
        z = self._dot(variables["weights"], variables["inputs"]) + variables["bias"]
        a = relu(z)
        dl_da = 2 * (a - variables["target_output"])
        da_dz = relu_derivative(z)
        if name == "weights":
            (i,) = index
            target, last = f"dl/dw_{i}", (f"dz/dw_{i}", variables["inputs"][i])
        elif name == "bias":
            target, last = "dl/db", ("dz/db", 1.0)
        elif name == "inputs":
            (i,) = index
            target, last = f"dl/dx_{i}", (f"dz/dx_{i}", variables["weights"][i])
        else:
            raise ValueError(f"no chain rule for {name!r}: expected weights, bias or inputs")
        factors = [("dl/da", dl_da), ("da/dz", da_dz), last]
        return make_chain_rule(target, factors, dl_da * da_dz * last[1],
                               self._native_loss_at(name, index),
                               float(np.asarray(self.ns[name])[tuple(index)]),
                               precision=self.numerics.float_dtype)


class LayerOfThree(_SeedExample):
    """4 inputs, 3 neurons, ReLU, y = sum(A), loss y**2 (the notebook's cells [5] and [13]).

    The lines are cell [13]'s. Cell [5], whose printout is the "book" one, computes the weight
    gradient as inputs.reshape(-1, 1) @ dL_dneuron_output.reshape(1, -1) where cell [13] has
    np.outer(X.T, dl_dZ): each element is the same single product, so only np.dot, the one
    function nnfs.init() changes, makes the two printouts differ.
    """

    title = "Layer of 3 neurons"
    loss_name = "l"
    input_name = "X"
    _parameters = ("W", "B", "X", "learning_rate")
    _steps = [
        (_op("Z", "Z = np.dot(W, X) + B", "forward"),
         lambda ns, dot: dot(ns["W"], ns["X"]) + ns["B"]),
        (_op("A", "A = relu.forward(Z)", "forward"),
         lambda ns, dot: _RELU.forward(ns["Z"])),
        (_op("y", "y = np.sum(A)", "forward"),
         lambda ns, dot: np.sum(ns["A"])),
        (_op("l", "l = y**2", "loss"),
         lambda ns, dot: ns["y"] ** 2),
        (_op("dL_dy", "dL_dy = 2 * y", "backward"),
         lambda ns, dot: 2 * ns["y"]),
        (_op("dy_dA", "dy_dA = np.ones_like(A)", "backward"),
         lambda ns, dot: np.ones_like(ns["A"])),
        (_op("dA_dZ", "dA_dZ = relu.derivative(Z)", "backward"),
         lambda ns, dot: _RELU.derivative(ns["Z"])),
        (_op("dl_dZ", "dl_dZ = dL_dy * dy_dA * dA_dZ", "backward"),
         lambda ns, dot: ns["dL_dy"] * ns["dy_dA"] * ns["dA_dZ"]),
        (_op("dL_dW", "dL_dW = np.outer(X.T, dl_dZ)", "backward"),
         lambda ns, dot: np.outer(ns["X"].T, ns["dl_dZ"])),
        (_op("dL_dB", "dL_dB = dl_dZ", "backward"),
         lambda ns, dot: ns["dl_dZ"]),
        (_op("dl_dX", "dl_dX = np.dot(dl_dZ, W)", "backward"),
         lambda ns, dot: dot(ns["dl_dZ"], ns["W"])),
        (_op("W.update", "W -= learning_rate * dL_dW.T", "update", "W"),
         lambda ns, dot: _isub(ns["W"], ns["learning_rate"] * ns["dL_dW"].T)),
        (_op("B.update", "B -= learning_rate * dL_dB", "update", "B"),
         lambda ns, dot: _isub(ns["B"], ns["learning_rate"] * ns["dL_dB"])),
    ]

    def __init__(self, numerics: str = "book"):
        # X is the notebook's [1, 2, 3, 4] stored as floats so an edit may be fractional; every
        # product with it is the same as with the integers.
        super().__init__({"W": np.array([[0.1, 0.2, 0.3, 0.4],
                                         [0.5, 0.6, 0.7, 0.8],
                                         [0.9, 1.0, 1.1, 1.2]]),
                          "B": np.array([0.1, 0.2, 0.3]),
                          "X": np.array([1.0, 2.0, 3.0, 4.0]),
                          "learning_rate": 0.001}, numerics)

    @staticmethod
    def _loss(variables: dict, dot: Callable) -> float:
        z = dot(variables["W"], variables["X"]) + variables["B"]
        return np.sum(_RELU.forward(z)) ** 2

    def _iteration_lines(self) -> list[str]:
        if self.iteration % 20:
            return []
        return [f"Iteration {self.iteration}, Loss: {self.ns['l']}"]

    def _final_lines(self) -> list[str]:
        return [*_printed("Final weights:\n", self.ns["W"]).splitlines(),
                *_printed("Final biases:\n", self.ns["B"]).splitlines()]

    def chain_rule(self, name: str, index: tuple[int, ...]) -> ChainRule:
        """dl/dw_in = dl/dy * dy/da_i * da_i/dz_i * dz_i/dw_in (the notebook counts from 1);
        dl/db_i likewise; dl/dx_n = sum over i of dl/dz_i * w_in."""
        current = float(np.asarray(self.ns[name])[tuple(index)])
        variables = self._replaced(name, index, current)
        z = self._dot(variables["W"], variables["X"]) + variables["B"]
        y = np.sum(_RELU.forward(z))
        dl_dy = 2 * y
        da_dz = _RELU.derivative(z)
        dl_dz = dl_dy * np.ones_like(z) * da_dz
        loss_at = self._native_loss_at(name, index)
        if name in ("W", "B"):
            i = index[0]
            if name == "W":
                n = index[1]
                target, last = f"dl/dw_{i + 1}{n + 1}", (f"dz_{i + 1}/dw_{i + 1}{n + 1}",
                                                        variables["X"][n])
            else:
                target, last = f"dl/db_{i + 1}", (f"dz_{i + 1}/db_{i + 1}", 1.0)
            factors = [("dl/dy", dl_dy), (f"dy/da_{i + 1}", 1.0),
                       (f"da_{i + 1}/dz_{i + 1}", da_dz[i]), last]
            return make_chain_rule(target, factors, dl_dy * 1.0 * da_dz[i] * last[1],
                                   loss_at, current, precision=self.numerics.float_dtype)
        if name == "X":
            (n,) = index
            weights = variables["W"][:, n]
            terms = [(f"dl/dz_{i + 1} * w_{i + 1}{n + 1}", dl_dz[i] * weights[i])
                     for i in range(len(z))]
            # As for a sum over samples, the factors take the largest term apart.
            i = int(np.argmax([abs(value) for _, value in terms]))
            factors = [(f"dl/dz_{i + 1}", dl_dz[i]), (f"dz_{i + 1}/dx_{n + 1}", weights[i])]
            return make_chain_rule(f"dl/dx_{n + 1}", factors, sum(v for _, v in terms),
                                   loss_at, current, terms=terms,
                                   precision=self.numerics.float_dtype)
        raise ValueError(f"no chain rule for {name!r}: expected W, B or X")


_RELU = NotebookReLU()


def _isub(current, amount):
    """`current -= amount` as the notebook writes it: in place for arrays, a new scalar else."""
    current -= amount
    return current


def _printed(label: str, value) -> str:
    """What print(label, value) shows."""
    return f"{label} {value}"


def _check_finite(value: float, name: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} needs a number, got {value!r}") from None
    if not np.isfinite(number):
        raise ValueError(f"{name} needs a finite number, got {number}")
    return number
