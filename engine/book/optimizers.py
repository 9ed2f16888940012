"""The book's optimizers (chapter 10): SGD with decay and momentum, Adagrad, RMSprop, Adam.

Each step is three calls, as in the book: `pre_update_params()` decays the learning rate,
`update_params(layer)` changes one Layer_Dense in place (`layer.weights += ...`, keeping the
layer's dtype), `post_update_params()` counts the iteration. The caches live on the layer
(weight_momentums, weight_cache, bias_momentums, bias_cache), created on first use.

The book writes each formula twice, once for the weights and once for the biases. Here it is
written once, in `update_array(parameters, gradients, momentums, cache)`, which update_params
calls for the weights and then for the biases: the same operations on the same arrays, so the
same numbers. The formulas are elementwise, so one call can also update the parameters of
every layer laid end to end in one array (engine/training/fastpath.py), in half the numpy calls.
"""

from __future__ import annotations

import numpy as np

from engine.book.layers import check_array, check_called, check_number, checking

Array = np.ndarray | None  # a momentum or cache array, None where an optimizer keeps none


class _Optimizer:
    """Learning-rate decay and iteration counting, shared by the four optimizers."""

    def __init__(self, learning_rate, decay):
        check_number(learning_rate, "learning_rate", low=0, low_open=True)
        check_number(decay, "decay", low=0)
        self.learning_rate = learning_rate
        self.current_learning_rate = learning_rate
        self.decay = decay
        self.iterations = 0

    def pre_update_params(self) -> None:
        """Call once before the updates: lr_t = lr / (1 + decay * t)."""
        if self.decay:
            self.current_learning_rate = self.learning_rate * \
                (1. / (1. + self.decay * self.iterations))

    def post_update_params(self) -> None:
        """Call once after the updates."""
        self.iterations += 1

    def _update_layer(self, layer) -> None:
        """update_array for the weights, then for the biases; what it returns is kept on the
        layer (the caches it has)."""
        for kind, parameters, gradients in (("weight", layer.weights, layer.dweights),
                                            ("bias", layer.biases, layer.dbiases)):
            names = (f"{kind}_momentums", f"{kind}_cache")
            state = self.update_array(parameters, gradients,
                                      *(getattr(layer, name, None) for name in names))
            for name, array in zip(names, state, strict=True):
                if array is not None:
                    setattr(layer, name, array)

    @staticmethod
    def _check_gradients(layer) -> None:
        if not checking():
            return
        check_called(layer, "dweights", "update_params", "backward")
        check_array(layer.dweights, "dweights", shape=layer.weights.shape)
        check_array(layer.dbiases, "dbiases", shape=layer.biases.shape)


class Optimizer_SGD(_Optimizer):
    """w -= lr * dw, or with momentum: v = momentum * v - lr * dw; w += v."""

    def __init__(self, learning_rate=1., decay=0., momentum=0.):
        super().__init__(learning_rate, decay)
        check_number(momentum, "momentum", low=0, high=1, high_open=True)
        self.momentum = momentum

    def update_params(self, layer) -> None:
        """layer: a Layer_Dense after backward; updates its weights and biases in place."""
        self._check_gradients(layer)
        if self.momentum and not hasattr(layer, 'weight_momentums'):
            layer.weight_momentums = np.zeros_like(layer.weights)
            layer.bias_momentums = np.zeros_like(layer.biases)
        self._update_layer(layer)

    def update_array(self, parameters: np.ndarray, gradients: np.ndarray,
                     momentums: Array, cache: Array) -> tuple[Array, Array]:
        """parameters += updates, in place; returns (momentums, cache) as they are now.
        All four of one shape (a layer's weights, or biases, or many laid end to end)."""
        if self.momentum:
            updates = \
                self.momentum * momentums - \
                self.current_learning_rate * gradients
            momentums = updates
        else:
            updates = -self.current_learning_rate * gradients
        parameters += updates
        return momentums, cache


class Optimizer_Adagrad(_Optimizer):
    """Each parameter's step is divided by the root of its summed squared gradients."""

    def __init__(self, learning_rate=1., decay=0., epsilon=1e-7):
        super().__init__(learning_rate, decay)
        check_number(epsilon, "epsilon", low=0, low_open=True)
        self.epsilon = epsilon

    def update_params(self, layer) -> None:
        """layer: a Layer_Dense after backward; updates its weights and biases in place."""
        self._check_gradients(layer)
        if not hasattr(layer, 'weight_cache'):
            layer.weight_cache = np.zeros_like(layer.weights)
            layer.bias_cache = np.zeros_like(layer.biases)
        self._update_layer(layer)

    def update_array(self, parameters: np.ndarray, gradients: np.ndarray,
                     momentums: Array, cache: Array) -> tuple[Array, Array]:
        """parameters += updates, in place; returns (momentums, cache) as they are now.
        All four of one shape (a layer's weights, or biases, or many laid end to end)."""
        cache += gradients**2
        parameters += -self.current_learning_rate * \
            gradients / \
            (np.sqrt(cache) + self.epsilon)
        return momentums, cache


class Optimizer_RMSprop(_Optimizer):
    """Like Adagrad, but the cache is a moving average: cache = rho * cache + (1 - rho) * dw^2."""

    def __init__(self, learning_rate=0.001, decay=0., epsilon=1e-7, rho=0.9):
        super().__init__(learning_rate, decay)
        check_number(epsilon, "epsilon", low=0, low_open=True)
        check_number(rho, "rho", low=0, high=1, high_open=True)
        self.epsilon = epsilon
        self.rho = rho

    def update_params(self, layer) -> None:
        """layer: a Layer_Dense after backward; updates its weights and biases in place."""
        self._check_gradients(layer)
        if not hasattr(layer, 'weight_cache'):
            layer.weight_cache = np.zeros_like(layer.weights)
            layer.bias_cache = np.zeros_like(layer.biases)
        self._update_layer(layer)

    def update_array(self, parameters: np.ndarray, gradients: np.ndarray,
                     momentums: Array, cache: Array) -> tuple[Array, Array]:
        """parameters += updates, in place; returns (momentums, cache) as they are now.
        All four of one shape (a layer's weights, or biases, or many laid end to end)."""
        cache = self.rho * cache + \
            (1 - self.rho) * gradients**2
        parameters += -self.current_learning_rate * \
            gradients / \
            (np.sqrt(cache) + self.epsilon)
        return momentums, cache


class Optimizer_Adam(_Optimizer):
    """RMSprop's cache plus momentum, both corrected for starting at zero: / (1 - beta^(t+1))."""

    def __init__(self, learning_rate=0.001, decay=0., epsilon=1e-7, beta_1=0.9, beta_2=0.999):
        super().__init__(learning_rate, decay)
        check_number(epsilon, "epsilon", low=0, low_open=True)
        check_number(beta_1, "beta_1", low=0, high=1, high_open=True)
        check_number(beta_2, "beta_2", low=0, high=1, high_open=True)
        self.epsilon = epsilon
        self.beta_1 = beta_1
        self.beta_2 = beta_2

    def update_params(self, layer) -> None:
        """layer: a Layer_Dense after backward; updates its weights and biases in place."""
        self._check_gradients(layer)
        if not hasattr(layer, 'weight_cache'):
            layer.weight_momentums = np.zeros_like(layer.weights)
            layer.weight_cache = np.zeros_like(layer.weights)
            layer.bias_momentums = np.zeros_like(layer.biases)
            layer.bias_cache = np.zeros_like(layer.biases)
        self._update_layer(layer)

    def update_array(self, parameters: np.ndarray, gradients: np.ndarray,
                     momentums: Array, cache: Array) -> tuple[Array, Array]:
        """parameters += updates, in place; returns (momentums, cache) as they are now.
        All four of one shape (a layer's weights, or biases, or many laid end to end)."""
        momentums = self.beta_1 * \
            momentums + \
            (1 - self.beta_1) * gradients
        # iterations starts at 0, the correction at step 1
        momentums_corrected = momentums / \
            (1 - self.beta_1 ** (self.iterations + 1))
        cache = self.beta_2 * cache + \
            (1 - self.beta_2) * gradients**2
        cache_corrected = cache / \
            (1 - self.beta_2 ** (self.iterations + 1))
        parameters += -self.current_learning_rate * \
            momentums_corrected / \
            (np.sqrt(cache_corrected) + self.epsilon)
        return momentums, cache
