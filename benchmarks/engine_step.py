"""Training steps per second: the engine against a plain book-style loop, in the same process.

The network is the book's chapter 10 (spiral 100 x 3, Dense 2-64, ReLU, Dense 64-3, softmax with
cross-entropy, Adam(0.05, decay=5e-7)), plus a larger one (spiral 1000 x 3, 2-64-64-3) to show
how the cost grows with the data and the depth.

Three candidates per numerics, run in turn each round (see common.interleaved_rates):
- reference: the book's arithmetic as plain classes written below, new arrays every step,
  np.dot; no checks, no stepping machinery.
- Model.run_iteration: the engine's book classes called in the book's order.
- Stepper.run_iterations: what the app trains with (divergence checks, checkpoints, history).
- (chapter 10 only) Model.run_iteration inside engine.book.checks.trusted(): the book classes
  without their argument checks, each layer updated on its own (the "what-if" row, what the
  Stepper's trusted iteration gains beyond skipping the checks).

Book numerics in the reference are nnfs.init()'s dot (float64 arithmetic, float32 result)
written out here rather than installed with nnfs.init(): nnfs.init() patches numpy for the whole
process, which would change the engine's arithmetic too, and a second process would put the
two candidates on differently warmed caches and make their ratio noisier. The reference starts
from the engine's own data and weights, and after the timing both are run from the same start
and must agree bit for bit, so the comparison is between the same computation.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

import numpy as np
from common import Row, at_least, emit, interleaved_rates, use_repo_imports

use_repo_imports()

from engine.book.checks import trusted  # noqa: E402
from engine.scenarios.presets import chapter10_spec  # noqa: E402
from engine.training.model import Model  # noqa: E402
from engine.training.stepper import Stepper  # noqa: E402

Dot = Callable[[np.ndarray, np.ndarray], np.ndarray]

NATIVE_TARGET = 2.0  # issue 19: Stepper / reference, chapter 10
BOOK_TARGET = 1.8
LARGE_TARGET = 1.6  # 1000 x 3, 2-64-64-3, both numerics
EQUAL_AFTER = 200  # iterations both loops run from the same start to prove they agree


def book_dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """np.dot as nnfs.init() patches it."""
    return np.dot(a.astype("float64"), b.astype("float64")).astype("float32")


class _Dense:
    def __init__(self, weights: np.ndarray, biases: np.ndarray, dot: Dot):
        self.weights, self.biases, self.dot = weights.copy(), biases.copy(), dot

    def forward(self, inputs: np.ndarray) -> None:
        self.inputs = inputs
        self.output = self.dot(inputs, self.weights) + self.biases

    def backward(self, dvalues: np.ndarray) -> None:
        self.dweights = self.dot(self.inputs.T, dvalues)
        self.dbiases = np.sum(dvalues, axis=0, keepdims=True)
        self.dinputs = self.dot(dvalues, self.weights.T)


class _ReLU:
    def forward(self, inputs: np.ndarray) -> None:
        self.inputs = inputs
        self.output = np.maximum(0, inputs)

    def backward(self, dvalues: np.ndarray) -> None:
        self.dinputs = dvalues.copy()
        self.dinputs[self.inputs <= 0] = 0


class _SoftmaxCrossentropy:
    def forward(self, inputs: np.ndarray, y: np.ndarray) -> float:
        exp_values = np.exp(inputs - np.max(inputs, axis=1, keepdims=True))
        self.output = exp_values / np.sum(exp_values, axis=1, keepdims=True)
        clipped = np.clip(self.output, 1e-7, 1 - 1e-7)
        return np.mean(-np.log(clipped[range(len(clipped)), y]))

    def backward(self, dvalues: np.ndarray, y: np.ndarray) -> None:
        samples = len(dvalues)
        self.dinputs = dvalues.copy()
        self.dinputs[range(samples), y] -= 1
        self.dinputs = self.dinputs / samples


class _Adam:
    def __init__(self, learning_rate: float, decay: float, epsilon: float = 1e-7,
                 beta_1: float = 0.9, beta_2: float = 0.999):
        self.learning_rate = self.current_learning_rate = learning_rate
        self.decay, self.epsilon, self.beta_1, self.beta_2 = decay, epsilon, beta_1, beta_2
        self.iterations = 0

    def pre_update_params(self) -> None:
        if self.decay:
            self.current_learning_rate = self.learning_rate * \
                (1. / (1. + self.decay * self.iterations))

    def update_params(self, layer: _Dense) -> None:
        if not hasattr(layer, "weight_cache"):
            layer.weight_momentums = np.zeros_like(layer.weights)
            layer.weight_cache = np.zeros_like(layer.weights)
            layer.bias_momentums = np.zeros_like(layer.biases)
            layer.bias_cache = np.zeros_like(layer.biases)
        layer.weight_momentums = self.beta_1 * layer.weight_momentums + \
            (1 - self.beta_1) * layer.dweights
        layer.bias_momentums = self.beta_1 * layer.bias_momentums + \
            (1 - self.beta_1) * layer.dbiases
        weight_momentums_corrected = layer.weight_momentums / \
            (1 - self.beta_1 ** (self.iterations + 1))
        bias_momentums_corrected = layer.bias_momentums / \
            (1 - self.beta_1 ** (self.iterations + 1))
        layer.weight_cache = self.beta_2 * layer.weight_cache + \
            (1 - self.beta_2) * layer.dweights**2
        layer.bias_cache = self.beta_2 * layer.bias_cache + \
            (1 - self.beta_2) * layer.dbiases**2
        weight_cache_corrected = layer.weight_cache / \
            (1 - self.beta_2 ** (self.iterations + 1))
        bias_cache_corrected = layer.bias_cache / \
            (1 - self.beta_2 ** (self.iterations + 1))
        layer.weights += -self.current_learning_rate * weight_momentums_corrected / \
            (np.sqrt(weight_cache_corrected) + self.epsilon)
        layer.biases += -self.current_learning_rate * bias_momentums_corrected / \
            (np.sqrt(bias_cache_corrected) + self.epsilon)

    def post_update_params(self) -> None:
        self.iterations += 1


class ReferenceLoop:
    """The book's chapter-10 training loop for any stack of Dense + ReLU layers, starting from
    a Model's data and weights."""

    def __init__(self, model: Model, dot: Dot):
        self.X, self.y = model.X.copy(), model.y.copy()
        self.dense = [_Dense(layer.weights, layer.biases, dot) for layer in model.dense]
        self.layers: list = []
        for dense in self.dense[:-1]:
            self.layers += [dense, _ReLU()]
        self.layers.append(self.dense[-1])
        self.loss_activation = _SoftmaxCrossentropy()
        settings = model.spec["optimizer"]
        self.optimizer = _Adam(settings["learning_rate"], settings["decay"])
        self.epoch = 0
        self.lines: list[str] = []

    def run(self, steps: int) -> None:
        for _ in range(steps):
            values = self.X
            for layer in self.layers:
                layer.forward(values)
                values = layer.output
            self.loss = self.loss_activation.forward(values, self.y)
            predictions = np.argmax(self.loss_activation.output, axis=1)
            accuracy = np.mean(predictions == self.y)
            if not self.epoch % 100:
                self.lines.append(f"epoch: {self.epoch}, acc: {accuracy:.3f}, "
                                  f"loss: {self.loss:.3f}, "
                                  f"lr: {self.optimizer.current_learning_rate}")
            self.loss_activation.backward(self.loss_activation.output, self.y)
            dvalues = self.loss_activation.dinputs
            for layer in reversed(self.layers):
                layer.backward(dvalues)
                dvalues = layer.dinputs
            self.optimizer.pre_update_params()
            for dense in self.dense:
                self.optimizer.update_params(dense)
            self.optimizer.post_update_params()
            self.epoch += 1


def spec(numerics: str, samples: int, hidden: int) -> dict:
    case = chapter10_spec()
    case["numerics"] = numerics
    case["data"]["samples"] = samples
    case["hidden"] = [{"neurons": 64, "activation": "relu"}] * hidden
    return case


def same_computation(case: dict, dot: Dot, iterations: int) -> bool:
    """Both loops from the same start, `iterations` each: the same loss and weights, bit for
    bit."""
    model = Model(case)
    reference = ReferenceLoop(model, dot)
    for _ in range(iterations):
        model.run_iteration()
    reference.run(iterations)
    return (np.asarray(model.loss).tobytes() == np.asarray(reference.loss).tobytes()
            and all(np.array_equal(a.weights, b.weights)
                    for a, b in zip(model.dense, reference.dense, strict=True)))


class MatmulFloor:
    """The matrix products of one step alone, as a step computes them (under book numerics in
    float64, as nnfs.init()'s dot does), into arrays made once: per Dense layer the forward's
    inputs . weights and the backward's inputs.T . dvalues and dvalues . weights.T. No step
    can take less time than these, whatever else it saves."""

    def __init__(self, model: Model):
        rng = np.random.default_rng(0)
        self.products = []
        width = model.X.shape[1]
        for layer in model.dense:
            inputs = rng.standard_normal((len(model.X), width))
            weights = rng.standard_normal(layer.weights.shape)
            dvalues = rng.standard_normal((len(model.X), weights.shape[1]))
            for a, b in ((inputs, weights), (inputs.T, dvalues), (dvalues, weights.T)):
                self.products.append((a, b, np.empty((a.shape[0], b.shape[1]))))
            width = weights.shape[1]

    def run(self, steps: int) -> None:
        for _ in range(steps):
            for a, b, out in self.products:
                np.dot(a, b, out=out)


def measure_case(label: str, case: dict, dot: Dot, steps: int, repeats: int,
                 target: float | None, chapter10: bool = True) -> list[Row]:
    model = Model(case)
    reference = ReferenceLoop(model, dot)
    stepper = Stepper(Model(case))
    unchecked = Model(case)
    floor = MatmulFloor(model)

    def run_model(n: int) -> None:
        for _ in range(n):
            model.run_iteration()

    def run_unchecked(n: int) -> None:
        with trusted():
            for _ in range(n):
                unchecked.run_iteration()

    candidates = {"reference": reference.run, "model": run_model,
                  "stepper": stepper.run_iterations, "floor": floor.run}
    if chapter10:
        candidates["unchecked"] = run_unchecked
    rates = interleaved_rates(candidates, steps, repeats)
    rows = [Row(f"{label}: reference loop", f"{rates['reference']:.0f} steps/s"),
            Row(f"{label}: Model.run_iteration", f"{rates['model']:.0f} steps/s"),
            Row(f"{label}: Stepper.run_iterations", f"{rates['stepper']:.0f} steps/s")]
    ratio = rates["stepper"] / rates["reference"]
    target_text = f">= {target:.1f}x" if target is not None else ""
    rows.append(Row(f"{label}: Stepper / reference", f"{ratio:.2f}x", target_text,
                    at_least(ratio, target) if target is not None else None))
    rows.append(Row(f"{label}: matrix products alone (the floor)",
                    f"{rates['floor']:.0f} steps/s"))
    rows.append(Row(f"{label}: step / matmul floor", f"{rates['floor'] / rates['stepper']:.2f}",
                    "aim < 2.0"))
    if chapter10:
        rows.append(Row(f"{label}: Model / reference",
                        f"{rates['model'] / rates['reference']:.2f}x"))
        rows.append(Row(f"{label}: Model without checks / reference (what-if)",
                        f"{rates['unchecked'] / rates['reference']:.2f}x"))
    iterations = max(1, EQUAL_AFTER * 300 // len(model.X))  # fewer for the larger data
    same = same_computation(case, dot, iterations)
    rows.append(Row(f"{label}: same numbers as reference after {iterations} steps",
                    "yes" if same else "NO", "yes", same))
    return rows


def main() -> None:
    """--quick: fewer rounds; --large-only: only the 1000 x 3 case (run_all.py runs it once
    more with OPENBLAS_NUM_THREADS=2, numpy's default here, which the engine otherwise sets
    to one thread: the difference is what BLAS threads cost on the book's small matrices)."""
    arguments = sys.argv[1:]
    repeats = 5 if "--quick" in arguments else 15
    threads = os.environ.get("OPENBLAS_NUM_THREADS")
    suffix = f" [OPENBLAS_NUM_THREADS={threads}]" if threads else ""
    rows = []
    if "--large-only" not in arguments:
        for numerics, dot, target in (("native", np.dot, NATIVE_TARGET),
                                      ("book", book_dot, BOOK_TARGET)):
            rows += measure_case(f"step ch10 {numerics}{suffix}", spec(numerics, 100, 1), dot,
                                 steps=200, repeats=repeats, target=target)
    for numerics, dot in (("native", np.dot), ("book", book_dot)):
        rows += measure_case(f"step 1000x3 2-64-64-3 {numerics}{suffix}",
                             spec(numerics, 1000, 2), dot, steps=20,
                             repeats=max(3, repeats // 2),
                             target=None if threads else LARGE_TARGET, chapter10=False)
    emit(rows, ["Each figure: median over rounds in which the three candidates run in turn."])


if __name__ == "__main__":
    main()
