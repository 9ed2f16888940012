"""The book's optimizers (chapter 10): SGD with decay and momentum, Adagrad, RMSprop, Adam.

Each step is three calls, as in the book: `pre_update_params()` decays the learning rate,
`update_params(layer)` changes one Layer_Dense in place (`layer.weights += ...`, keeping the
layer's dtype), `post_update_params()` counts the iteration. The caches live on the layer
(weight_momentums, weight_cache, bias_momentums, bias_cache), created on first use.
"""

from __future__ import annotations

import numpy as np

from engine.layers import check_array, check_called, check_number, checking


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
        layer.weight_cache += layer.dweights**2
        layer.bias_cache += layer.dbiases**2
        layer.weights += -self.current_learning_rate * \
            layer.dweights / \
            (np.sqrt(layer.weight_cache) + self.epsilon)
        layer.biases += -self.current_learning_rate * \
            layer.dbiases / \
            (np.sqrt(layer.bias_cache) + self.epsilon)


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

        layer.weight_momentums = self.beta_1 * \
            layer.weight_momentums + \
            (1 - self.beta_1) * layer.dweights
        layer.bias_momentums = self.beta_1 * \
            layer.bias_momentums + \
            (1 - self.beta_1) * layer.dbiases
        # iterations starts at 0, the correction at step 1
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
