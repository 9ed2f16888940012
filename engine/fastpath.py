"""One training iteration of a Model without the book classes' argument checks.

The book classes check every array they are handed (type, shape, dtype, all finite), so a bad
value is named where it enters. Inside a Model's own training loop the arrays are the model's
own: their shapes and dtypes were checked when the model was built and by the first checked
iteration after any outside change, and the Stepper checks the loss and the parameters at the
end of every iteration (replaying it op by op, checks on, to name what overflowed). So the
loop body can skip the checks, as long as it computes the very same numbers: each function
below is the arithmetic of the named book method line for line (same operations, same order,
same dtypes), storing the same attributes. tests/engine/test_fastpath.py runs both ways side
by side for every layer, activation, regularizer and optimizer a spec can name, bit for bit.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from engine.activations import Activation_Linear, Activation_ReLU, Activation_Sigmoid
from engine.layers import Layer_Dense, Layer_Dropout
from engine.numerics import BookNumerics, Numerics
from engine.optimizers import Optimizer_Adagrad, Optimizer_Adam, Optimizer_RMSprop, Optimizer_SGD
from engine.tanh import Activation_Tanh

Call = Callable[[], None]


def compile_iteration(model) -> Call:
    """Model.run_iteration's calls, in its order, as one function without checks.

    `model` is an engine.model.Model. Its steps are taken in order; each call of a book method
    is swapped for the unchecked equivalent below, the model's own bookkeeping (regularization
    loss, accuracy, the optimizer's pre/post update, history) is kept as it is. The function
    reads layer attributes at call time, so it stays right across restore(), set_value() and
    set_hyperparameters()."""
    dot = _dot(model.numerics)
    objects = dict(model.layers)
    calls: list[Call] = []
    for operation, call in model.steps():
        owner, _, method = operation.name.partition(".")
        if owner in objects and method == "forward":
            calls.append(_forward(objects[owner], _source(model, operation.code), dot))
        elif owner in objects and method == "backward":
            calls.append(_backward(objects[owner], _source(model, operation.code), dot))
        elif operation.name == "loss_activation.forward":
            calls.append(model.data_loss_call(softmax_crossentropy_forward))
        elif operation.name == "loss_activation.backward":
            calls.append(_loss_backward(model.loss_activation, model.y))
        elif method.startswith("update_params("):
            layer = objects[method[len("update_params("):-1]]
            calls.append(_bind_update(_UPDATES[type(model.optimizer)], model.optimizer, layer))
        else:
            calls.append(call)

    def iteration() -> None:
        for call in calls:
            call()
    return iteration


def _source(model, code: str) -> Callable[[], np.ndarray]:
    """What a "name.forward(argument)" or "name.backward(argument)" line hands over."""
    argument = code[code.index("(") + 1:-1]
    if argument == "X":
        return lambda: model.X
    owner, _, attribute = argument.partition(".")
    source = model.loss_activation if owner == "loss_activation" else dict(model.layers)[owner]
    if attribute == "output":
        return lambda: source.output
    return lambda: source.dinputs


def softmax_crossentropy_forward(loss_activation, inputs: np.ndarray, y: np.ndarray):
    """Activation_Softmax_Loss_CategoricalCrossentropy.forward(inputs, y) for class indices y
    (n_samples,): Activation_Softmax.forward, then Loss.calculate of the cross-entropy."""
    activation = loss_activation.activation
    activation.inputs = inputs
    # ndarray methods are what np.max, np.sum, np.clip and np.mean call for an ndarray.
    exp_values = np.exp(inputs - inputs.max(axis=1, keepdims=True))
    probabilities = exp_values / exp_values.sum(axis=1, keepdims=True)
    activation.output = probabilities
    loss_activation.output = probabilities
    y_pred_clipped = probabilities.clip(1e-7, 1 - 1e-7)
    correct_confidences = y_pred_clipped[np.arange(len(probabilities)), y]
    return (-np.log(correct_confidences)).mean()


def _dot(numerics: Numerics) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    if isinstance(numerics, BookNumerics):
        def book_dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
            # BookNumerics.dot on arrays (its np.asarray is a no-op for them).
            return np.dot(a.astype("float64"), b.astype("float64")).astype("float32")
        return book_dot
    if type(numerics).dot is Numerics.dot:
        return np.dot  # what Numerics.dot calls, without the method call around it
    return numerics.dot


def _forward(layer, source: Callable[[], np.ndarray], dot) -> Call:
    """layer.forward(source()) of the book class, training."""
    if isinstance(layer, Layer_Dense):
        def dense() -> None:
            inputs = source()
            layer.inputs = inputs
            layer.output = dot(inputs, layer.weights) + layer.biases
        return dense
    if isinstance(layer, Layer_Dropout):
        binomial = layer.numerics.binomial

        def dropout() -> None:
            inputs = source()
            layer.inputs = inputs
            layer.binary_mask = binomial(1, layer.rate, size=inputs.shape) / layer.rate
            layer.output = inputs * layer.binary_mask
        return dropout
    return _ACTIVATION_FORWARD[type(layer)](layer, source)


def _relu_forward(layer, source) -> Call:
    def relu() -> None:
        inputs = source()
        layer.inputs = inputs
        layer.output = np.maximum(0, inputs)
    return relu


def _sigmoid_forward(layer, source) -> Call:
    def sigmoid() -> None:
        inputs = source()
        layer.inputs = inputs
        layer.output = 1 / (1 + np.exp(-inputs))
    return sigmoid


def _linear_forward(layer, source) -> Call:
    def linear() -> None:
        inputs = source()
        layer.inputs = inputs
        layer.output = inputs
    return linear


def _tanh_forward(layer, source) -> Call:
    def tanh() -> None:
        inputs = source()
        layer.inputs = inputs
        layer.output = np.tanh(inputs)
    return tanh


_ACTIVATION_FORWARD = {Activation_ReLU: _relu_forward, Activation_Sigmoid: _sigmoid_forward,
                       Activation_Linear: _linear_forward, Activation_Tanh: _tanh_forward}


def _loss_backward(loss_activation, y: np.ndarray) -> Call:
    """loss_activation.backward(loss_activation.output, y) for class indices y."""
    rows = np.arange(len(y))

    def backward() -> None:
        dvalues = loss_activation.output
        dinputs = dvalues.copy()
        dinputs[rows, y] -= 1
        loss_activation.dinputs = dinputs / len(dvalues)
    return backward


def _backward(layer, source: Callable[[], np.ndarray], dot) -> Call:
    """layer.backward(source()) of the book class."""
    if isinstance(layer, Layer_Dense):
        return _dense_backward(layer, source, dot)
    if isinstance(layer, Layer_Dropout):
        def dropout() -> None:
            layer.dinputs = source() * layer.binary_mask
        return dropout
    if isinstance(layer, Activation_ReLU):
        def relu() -> None:
            dinputs = source().copy()
            np.putmask(dinputs, layer.inputs <= 0, 0)
            layer.dinputs = dinputs
        return relu
    if isinstance(layer, Activation_Sigmoid):
        def sigmoid() -> None:
            layer.dinputs = source() * (1 - layer.output) * layer.output
        return sigmoid
    if isinstance(layer, Activation_Tanh):
        def tanh() -> None:
            layer.dinputs = source() * (1 - layer.output ** 2)
        return tanh

    def linear() -> None:
        layer.dinputs = source().copy()
    return linear


def _dense_backward(layer: Layer_Dense, source: Callable[[], np.ndarray], dot) -> Call:
    def dense() -> None:
        dvalues = source()
        layer.dweights = dot(layer.inputs.T, dvalues)
        layer.dbiases = dvalues.sum(axis=0, keepdims=True)
        if layer.weight_regularizer_l1 > 0:
            dl1 = np.ones_like(layer.weights)
            dl1[layer.weights < 0] = -1
            layer.dweights += layer.weight_regularizer_l1 * dl1
        if layer.weight_regularizer_l2 > 0:
            layer.dweights += 2 * layer.weight_regularizer_l2 * layer.weights
        if layer.bias_regularizer_l1 > 0:
            dl1 = np.ones_like(layer.biases)
            dl1[layer.biases < 0] = -1
            layer.dbiases += layer.bias_regularizer_l1 * dl1
        if layer.bias_regularizer_l2 > 0:
            layer.dbiases += 2 * layer.bias_regularizer_l2 * layer.biases
        layer.dinputs = dot(dvalues, layer.weights.T)
    return dense


def _bind_update(update: Callable, optimizer, layer: Layer_Dense) -> Call:
    return lambda: update(optimizer, layer)


def _sgd(self: Optimizer_SGD, layer: Layer_Dense) -> None:
    """Optimizer_SGD.update_params after its checks."""
    if self.momentum:
        if not hasattr(layer, 'weight_momentums'):
            layer.weight_momentums = np.zeros_like(layer.weights)
            layer.bias_momentums = np.zeros_like(layer.biases)
        weight_updates = \
            self.momentum * layer.weight_momentums - \
            self.current_learning_rate * layer.dweights
        layer.weight_momentums = weight_updates
        bias_updates = \
            self.momentum * layer.bias_momentums - \
            self.current_learning_rate * layer.dbiases
        layer.bias_momentums = bias_updates
    else:
        weight_updates = -self.current_learning_rate * layer.dweights
        bias_updates = -self.current_learning_rate * layer.dbiases
    layer.weights += weight_updates
    layer.biases += bias_updates


def _adagrad(self: Optimizer_Adagrad, layer: Layer_Dense) -> None:
    """Optimizer_Adagrad.update_params after its checks."""
    if not hasattr(layer, 'weight_cache'):
        layer.weight_cache = np.zeros_like(layer.weights)
        layer.bias_cache = np.zeros_like(layer.biases)
    layer.weight_cache += layer.dweights**2
    layer.bias_cache += layer.dbiases**2
    layer.weights += -self.current_learning_rate * \
        layer.dweights / \
        (np.sqrt(layer.weight_cache) + self.epsilon)
    layer.biases += -self.current_learning_rate * \
        layer.dbiases / \
        (np.sqrt(layer.bias_cache) + self.epsilon)


def _rmsprop(self: Optimizer_RMSprop, layer: Layer_Dense) -> None:
    """Optimizer_RMSprop.update_params after its checks."""
    if not hasattr(layer, 'weight_cache'):
        layer.weight_cache = np.zeros_like(layer.weights)
        layer.bias_cache = np.zeros_like(layer.biases)
    layer.weight_cache = self.rho * layer.weight_cache + \
        (1 - self.rho) * layer.dweights**2
    layer.bias_cache = self.rho * layer.bias_cache + \
        (1 - self.rho) * layer.dbiases**2
    layer.weights += -self.current_learning_rate * \
        layer.dweights / \
        (np.sqrt(layer.weight_cache) + self.epsilon)
    layer.biases += -self.current_learning_rate * \
        layer.dbiases / \
        (np.sqrt(layer.bias_cache) + self.epsilon)


def _adam(self: Optimizer_Adam, layer: Layer_Dense) -> None:
    """Optimizer_Adam.update_params after its checks."""
    if not hasattr(layer, 'weight_cache'):
        layer.weight_momentums = np.zeros_like(layer.weights)
        layer.weight_cache = np.zeros_like(layer.weights)
        layer.bias_momentums = np.zeros_like(layer.biases)
        layer.bias_cache = np.zeros_like(layer.biases)
    layer.weight_momentums = self.beta_1 * \
        layer.weight_momentums + \
        (1 - self.beta_1) * layer.dweights
    layer.bias_momentums = self.beta_1 * \
        layer.bias_momentums + \
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
    layer.weights += -self.current_learning_rate * \
        weight_momentums_corrected / \
        (np.sqrt(weight_cache_corrected) + self.epsilon)
    layer.biases += -self.current_learning_rate * \
        bias_momentums_corrected / \
        (np.sqrt(bias_cache_corrected) + self.epsilon)


_UPDATES = {Optimizer_SGD: _sgd, Optimizer_Adagrad: _adagrad, Optimizer_RMSprop: _rmsprop,
            Optimizer_Adam: _adam}
