"""A Model's training iteration as the Stepper runs it: the book classes themselves, without
their per-call checks, and one optimizer update for all Dense layers together.

The book classes check every array they are handed (type, shape, dtype, all finite), so a bad
value is named where it enters. Inside a Model's own training loop the arrays are the model's
own: their shapes and dtypes were checked when the model was built and by a checked iteration
after any outside change, and the Stepper checks the loss and the parameters at the end of every
iteration (replaying it op by op, checks on, to name what overflowed). So the loop runs inside
engine.book.checks.trusted(), where the checks are skipped.

The Dense and ReLU layers and the fused softmax write into arrays made once rather than new ones
every step (engine/training/in_place.py), the Dense layers' gradients straight into the block,
and Adam updates the block in place (engine/training/in_place_adam.py).

The optimizers' updates are elementwise, with the same scalars for every layer, so the book's
`update_params` given every weight and bias laid end to end as one "layer" computes every
element exactly as layer by layer does, with one set of numpy calls instead of two per layer (a
ParameterBlock). The fused softmax + cross-entropy knows the Model's targets ahead
(FixedTargets). The numbers are the same: tests/engine/training/test_fastpath.py runs both ways
side by side, bit for bit, for every layer, activation, regularizer and optimizer a spec can name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from engine.book.checks import trusted, unchecked
from engine.book.layers import Layer_Dense
from engine.book.optimizers import Optimizer_Adam
from engine.training.fast_layers import FastReLU
from engine.training.in_place import (
    DenseInPlace,
    ReLUInPlace,
    Scratch,
    dense_fits,
    softmax_into,
)
from engine.training.in_place_adam import AdamInPlace


class ParameterBlock:
    """Every Dense layer's weights and biases laid end to end in one array, the gradients,
    momentums and cache alike: one call of the optimizer's update_params updates them all.

    Building it copies the layers' arrays into the block and makes each layer's attributes
    views of its part. The optimizers update the parameters in place, so the layers see every
    update; most give the momentums and cache new arrays, which update() copies into the ones
    the layers view. Anything that gives a layer a new array of its own (a restore, the book
    classes' update of one layer) leaves the block behind: build a new one then.
    parameters, gradients, momentums, cache: (sum of each layer's weights.size + biases.size,);
    momentums and cache are None where the optimizer keeps none.
    """

    def __init__(self, layers: Sequence[Layer_Dense]):
        self.layers = list(layers)
        self.parameters = self._gather("weights", "biases")
        self.momentums = self._gather("weight_momentums", "bias_momentums")
        self.cache = self._gather("weight_cache", "bias_cache")
        self.gradients = np.empty_like(self.parameters)
        # Whether the layers' backward passes write their gradients into `gradients` (their
        # dweights and dbiases being views of it), so update() need not gather them.
        self.gradients_in_place = False
        self.layer = _BlockLayer(self)
        self._in_place_update: AdamInPlace | None = None

    @staticmethod
    def fits(layers: Sequence[Layer_Dense]) -> bool:
        """Whether one block computes what the layers would: every array an update reads
        (parameters, gradients, caches) has the first weights' dtype. Under book numerics a
        dropout mask is float64, and so are the biases' gradients of the layers before it;
        the book's update then gives their caches float64 arrays, which a float32 block
        would round."""
        dtype = layers[0].weights.dtype
        attributes = ("weights", "biases", "dweights", "dbiases", "weight_momentums",
                      "bias_momentums", "weight_cache", "bias_cache")
        return all(getattr(layer, attribute).dtype == dtype for layer in layers
                   for attribute in attributes if hasattr(layer, attribute))

    def _gather(self, weights: str, biases: str) -> np.ndarray | None:
        """The layers' `weights` and `biases` attributes end to end, the layers' attributes
        made views of it; None if a layer lacks them."""
        if not all(hasattr(layer, weights) for layer in self.layers):
            return None
        parts = [(layer, name, getattr(layer, name))
                 for layer in self.layers for name in (weights, biases)]
        block = np.concatenate([array for _, _, array in parts], axis=None)
        start = 0
        for layer, name, array in parts:
            setattr(layer, name, block[start:start + array.size].reshape(array.shape))
            start += array.size
        return block

    def total(self) -> float:
        """The sum of every weight and bias: NaN or infinite if any of them is, so one number
        tells that all are finite (a finite sum can overflow only for parameters near the
        dtype's limit; a caller that replays to find the culprit then finds none)."""
        return float(np.add.reduce(self.parameters))

    def gradient_views(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """(dweights, dbiases) of each layer as views of `gradients`, in the layers' order:
        the arrays a backward pass writes into in place of the layer's own."""
        views, start = [], 0
        for layer in self.layers:
            pair = []
            for array in (layer.weights, layer.biases):
                pair.append(self.gradients[start:start + array.size].reshape(array.shape))
                start += array.size
            views.append((pair[0], pair[1]))
        return views

    def update(self, optimizer) -> None:
        """optimizer.update_params for every layer at once, after each layer's backward."""
        if not self.gradients_in_place:
            np.concatenate([gradients for layer in self.layers
                            for gradients in (layer.dweights, layer.dbiases)],
                           axis=None, out=self.gradients)
        if type(optimizer) is Optimizer_Adam and self.momentums is not None \
                and self.cache is not None:
            if self._in_place_update is None:
                self._in_place_update = AdamInPlace(optimizer, self)
            self._in_place_update.update()
            return
        unchecked(optimizer.update_params)(self.layer)
        self.layer.keep_caches()


class _BlockLayer:
    """What the book's update_params reads and writes of a layer, for a whole ParameterBlock:
    its weights are all the block's parameters, its biases nothing to update.

    The biases are a Python 0.0, so the book's bias lines cost a few float operations instead
    of a dozen numpy calls on empty arrays (the weights' lines never read them).
    """

    def __init__(self, block: ParameterBlock):
        self.block = block
        self.weights, self.dweights = block.parameters, block.gradients
        self.biases = self.dbiases = 0.0
        if block.momentums is not None:
            self.weight_momentums, self.bias_momentums = block.momentums, 0.0
        if block.cache is not None:
            self.weight_cache, self.bias_cache = block.cache, 0.0

    def keep_caches(self) -> None:
        """Copy the momentums and cache update_params made into the arrays the layers view."""
        for name, shared in (("weight_momentums", self.block.momentums),
                             ("weight_cache", self.block.cache)):
            array = getattr(self, name, None)
            if shared is not None and array is not shared:
                np.copyto(shared, array)
                setattr(self, name, shared)


class FixedTargets:
    """The fused softmax + cross-entropy (Activation_Softmax_Loss_CategoricalCrossentropy) for
    class indices that stay the same from one iteration to the next: a Model's y (n_samples,).

    Knowing y ahead, the rows it picks and its one-hot rows are made once: the backward's
    "copy, subtract 1 where y points, divide by n" becomes "probabilities - one_hot, divided
    by n" (every other element minus an exact 0), and the forward clips only the picked
    probabilities (clipping is elementwise, so picking first gives the same numbers). The
    softmax is the book's formula in fewer calls (engine/training/fast_layers.py).
    """

    def __init__(self, loss_activation, y: np.ndarray, classes: int, dtype: np.dtype):
        self.loss_activation = loss_activation
        self.y = y
        self.rows = np.arange(len(y))
        self.one_hot = np.zeros((len(y), classes), dtype=dtype)
        self.one_hot[self.rows, y] = 1
        self.probabilities = np.empty_like(self.one_hot)
        self.dinputs = np.empty_like(self.one_hot)

    def forward(self, inputs: np.ndarray):
        """inputs: (n_samples, n_classes) -> the mean loss: loss_activation.forward(inputs, y)."""
        loss_activation = self.loss_activation
        softmax_layer = loss_activation.activation
        softmax_layer.inputs = inputs
        probabilities = softmax_into(inputs, self.probabilities)
        loss_activation.output = softmax_layer.output = probabilities
        correct_confidences = probabilities[self.rows, self.y].clip(1e-7, 1 - 1e-7)
        negative_log_likelihoods = -np.log(correct_confidences)
        # np.mean: the sum over the count, in the sum's dtype
        return np.add.reduce(negative_log_likelihoods) / len(negative_log_likelihoods)

    def backward(self) -> None:
        """loss_activation.backward(loss_activation.output, y): dinputs (n_samples, n_classes)."""
        loss_activation = self.loss_activation
        dinputs = np.subtract(loss_activation.output, self.one_hot, out=self.dinputs)
        np.divide(dinputs, len(dinputs), out=dinputs)
        loss_activation.dinputs = dinputs


def compile_iteration(model) -> tuple[Callable[[], None], ParameterBlock | None]:
    """Model.run_iteration's calls, in its order, without the book classes' argument checks
    (their methods themselves, inside trusted()), and the block they update.

    `model` is an engine.training.model.Model after a checked iteration. Its optimizer's
    update_params(dense1), update_params(dense2), ... become one ParameterBlock.update when a
    block fits the layers (None otherwise, and the calls stay as they are)."""
    block = ParameterBlock(model.dense) if ParameterBlock.fits(model.dense) else None
    optimizer = model.optimizer
    last = model.dense[-1]
    # Only the fused softmax + cross-entropy has fixed targets to take ahead; the other losses
    # run as the book's classes run them.
    fused = model.head.loss_name == "loss_activation"
    targets = FixedTargets(model.loss_object, model.y, last.weights.shape[1],
                           last.output.dtype) if fused else None
    in_place = _in_place_calls(model, block)
    calls: list[Callable[[], None]] = []
    for operation, call in model.steps(checks=False):
        if operation.name in in_place:
            calls.append(in_place[operation.name])
        elif fused and operation.name == "loss_activation.forward":
            calls.append(lambda: model.set_data_loss(targets.forward(last.output)))
        elif fused and operation.name == "loss_activation.backward":
            calls.append(targets.backward)
        elif block is None or not operation.name.startswith("optimizer.update_params("):
            calls.append(call)
        elif operation.name == f"optimizer.update_params({model.dense_names[0]})":
            calls.append(lambda: block.update(optimizer))

    def iteration() -> None:
        with trusted():
            for call in calls:
                call()
    return iteration, block


def _in_place_calls(model, block: ParameterBlock | None) -> dict[str, Callable[[], None]]:
    """Operation name -> the same pass into arrays made once (engine/training/in_place.py),
    for each ReLU layer and, when every Dense layer fits and one block holds them all, each
    Dense layer, its gradients written into the block; the other layers keep the book's
    calls. Each pass reads its inputs and dvalues where the book's call would."""
    scratch = Scratch()
    passes = {name: ReLUInPlace(layer, scratch) for name, layer in model.layers
              if type(layer) is FastReLU}
    if block is not None and all(dense_fits(layer) for layer in model.dense):
        book = model.numerics.name == "book"
        for name, layer, (dweights, dbiases) in zip(model.dense_names, model.dense,
                                                     block.gradient_views(), strict=True):
            passes[name] = DenseInPlace(layer, dweights, dbiases, book, scratch)
        block.gradients_in_place = True
    scratch.allocate()
    for step in passes.values():
        step.bind()
    calls: dict[str, Callable[[], None]] = {}
    layers = [layer for _, layer in model.layers]
    for position, (name, _) in enumerate(model.layers):
        if name not in passes:
            continue
        step = passes[name]
        if position == 0:
            calls[f"{name}.forward"] = lambda step=step: step.forward(model.X)
        else:
            source = layers[position - 1]
            calls[f"{name}.forward"] = lambda step=step, source=source: step.forward(
                source.output)
        after = layers[position + 1] if position + 1 < len(layers) else model.loss_object
        calls[f"{name}.backward"] = lambda step=step, after=after: step.backward(after.dinputs)
    return calls
