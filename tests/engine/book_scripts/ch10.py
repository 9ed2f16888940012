"""Chapter 10 with chapter 11's validation: spiral 100 x 3, Dense 2-64, ReLU, Dense 64-3, fused
softmax + cross-entropy, and one of the chapter's four optimizers with the book's settings."""

import sys

import numpy as np

from engine import (
    Activation_ReLU,
    Activation_Softmax_Loss_CategoricalCrossentropy,
    Layer_Dense,
    Optimizer_Adagrad,
    Optimizer_Adam,
    Optimizer_RMSprop,
    Optimizer_SGD,
    spiral_data,
)

OPTIMIZERS = {
    "sgd": lambda: Optimizer_SGD(decay=1e-3, momentum=0.9),
    "adagrad": lambda: Optimizer_Adagrad(decay=1e-4),
    "rmsprop": lambda: Optimizer_RMSprop(learning_rate=0.02, decay=1e-5, rho=0.999),
    "adam": lambda: Optimizer_Adam(learning_rate=0.05, decay=5e-7),
}


def run(epochs: int, numerics=None, optimizer: str = "adam") -> list[str]:
    kw = {} if numerics is None else {"numerics": numerics}
    lines = []
    X, y = spiral_data(samples=100, classes=3, **kw)
    dense1 = Layer_Dense(2, 64, **kw)
    activation1 = Activation_ReLU(**kw)
    dense2 = Layer_Dense(64, 3, **kw)
    loss_activation = Activation_Softmax_Loss_CategoricalCrossentropy(**kw)
    optimizer = OPTIMIZERS[optimizer]()

    for epoch in range(epochs):
        dense1.forward(X)
        activation1.forward(dense1.output)
        dense2.forward(activation1.output)
        loss = loss_activation.forward(dense2.output, y)
        predictions = np.argmax(loss_activation.output, axis=1)
        if len(y.shape) == 2:
            y = np.argmax(y, axis=1)
        accuracy = np.mean(predictions == y)
        if not epoch % 100:
            lines.append(f'epoch: {epoch}, acc: {accuracy:.3f}, loss: {loss:.3f}, '
                         f'lr: {optimizer.current_learning_rate}')
        loss_activation.backward(loss_activation.output, y)
        dense2.backward(loss_activation.dinputs)
        activation1.backward(dense2.dinputs)
        dense1.backward(activation1.dinputs)
        optimizer.pre_update_params()
        optimizer.update_params(dense1)
        optimizer.update_params(dense2)
        optimizer.post_update_params()

    X_test, y_test = spiral_data(samples=100, classes=3, **kw)
    dense1.forward(X_test)
    activation1.forward(dense1.output)
    dense2.forward(activation1.output)
    loss = loss_activation.forward(dense2.output, y_test)
    predictions = np.argmax(loss_activation.output, axis=1)
    if len(y_test.shape) == 2:
        y_test = np.argmax(y_test, axis=1)
    accuracy = np.mean(predictions == y_test)
    lines.append(f'validation, acc: {accuracy:.3f}, loss: {loss:.3f}')
    return lines


if __name__ == "__main__":
    import nnfs

    nnfs.init()
    print("\n".join(run(int(sys.argv[1]), optimizer=sys.argv[2])))
