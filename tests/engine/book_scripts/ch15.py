"""Chapters 14 and 15: spiral 1000 x 3, Dense 2-64 with regularization, ReLU, Dropout(0.1),
Dense 64-3, fused softmax + cross-entropy, Optimizer_Adam(learning_rate=0.05, decay=5e-5), then a
validation pass on a fresh spiral 100 x 3. `regularizer="l2"` is the book's Ch15_Final.py;
"l1" puts the same factors on L1 instead, to run the book's L1 code paths too."""

import sys

import numpy as np

from engine import (
    Activation_ReLU,
    Activation_Softmax_Loss_CategoricalCrossentropy,
    Layer_Dense,
    Layer_Dropout,
    Optimizer_Adam,
    spiral_data,
)


def run(epochs: int, numerics=None, regularizer: str = "l2") -> list[str]:
    kw = {} if numerics is None else {"numerics": numerics}
    lines = []
    X, y = spiral_data(samples=1000, classes=3, **kw)
    dense1 = Layer_Dense(2, 64, **{f"weight_regularizer_{regularizer}": 5e-4,
                                   f"bias_regularizer_{regularizer}": 5e-4}, **kw)
    activation1 = Activation_ReLU(**kw)
    dropout1 = Layer_Dropout(0.1, **kw)
    dense2 = Layer_Dense(64, 3, **kw)
    loss_activation = Activation_Softmax_Loss_CategoricalCrossentropy(**kw)
    optimizer = Optimizer_Adam(learning_rate=0.05, decay=5e-5)

    for epoch in range(epochs):
        dense1.forward(X)
        activation1.forward(dense1.output)
        dropout1.forward(activation1.output)
        dense2.forward(dropout1.output)
        data_loss = loss_activation.forward(dense2.output, y)
        regularization_loss = \
            loss_activation.loss.regularization_loss(dense1) + \
            loss_activation.loss.regularization_loss(dense2)
        loss = data_loss + regularization_loss
        predictions = np.argmax(loss_activation.output, axis=1)
        if len(y.shape) == 2:
            y = np.argmax(y, axis=1)
        accuracy = np.mean(predictions == y)
        if not epoch % 100:
            lines.append(f'epoch: {epoch}, acc: {accuracy:.3f}, loss: {loss:.3f} ('
                         f'data_loss: {data_loss:.3f}, reg_loss: {regularization_loss:.3f}), '
                         f'lr: {optimizer.current_learning_rate}')
        loss_activation.backward(loss_activation.output, y)
        dense2.backward(loss_activation.dinputs)
        dropout1.backward(dense2.dinputs)
        activation1.backward(dropout1.dinputs)
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
    print("\n".join(run(int(sys.argv[1]), regularizer=sys.argv[2])))
