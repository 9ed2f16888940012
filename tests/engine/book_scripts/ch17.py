"""Chapter 17, regression: sine_data(), Dense 1-64, ReLU, Dense 64-64, ReLU, Dense 64-1, Linear,
mean squared error, Optimizer_Adam(learning_rate=0.005, decay=1e-3). The book draws this
chapter's weights as 0.1 * randn, hence weight_scale=0.1; a prediction counts as accurate within
std(y) / 250."""

import sys

import numpy as np

from engine import (
    Activation_Linear,
    Activation_ReLU,
    Layer_Dense,
    Loss_MeanSquaredError,
    Optimizer_Adam,
    sine_data,
)


def run(epochs: int, numerics=None) -> list[str]:
    kw = {} if numerics is None else {"numerics": numerics}
    lines = []
    X, y = sine_data(**kw)
    dense1 = Layer_Dense(1, 64, weight_scale=0.1, **kw)
    activation1 = Activation_ReLU(**kw)
    dense2 = Layer_Dense(64, 64, weight_scale=0.1, **kw)
    activation2 = Activation_ReLU(**kw)
    dense3 = Layer_Dense(64, 1, weight_scale=0.1, **kw)
    activation3 = Activation_Linear(**kw)
    loss_function = Loss_MeanSquaredError(**kw)
    optimizer = Optimizer_Adam(learning_rate=0.005, decay=1e-3)
    accuracy_precision = np.std(y) / 250

    for epoch in range(epochs):
        dense1.forward(X)
        activation1.forward(dense1.output)
        dense2.forward(activation1.output)
        activation2.forward(dense2.output)
        dense3.forward(activation2.output)
        activation3.forward(dense3.output)
        data_loss = loss_function.calculate(activation3.output, y)
        regularization_loss = \
            loss_function.regularization_loss(dense1) + \
            loss_function.regularization_loss(dense2) + \
            loss_function.regularization_loss(dense3)
        loss = data_loss + regularization_loss
        predictions = activation3.output
        accuracy = np.mean(np.absolute(predictions - y) < accuracy_precision)
        if not epoch % 100:
            lines.append(f'epoch: {epoch}, acc: {accuracy:.3f}, loss: {loss:.3f} ('
                         f'data_loss: {data_loss:.3f}, reg_loss: {regularization_loss:.3f}), '
                         f'lr: {optimizer.current_learning_rate}')
        loss_function.backward(activation3.output, y)
        activation3.backward(loss_function.dinputs)
        dense3.backward(activation3.dinputs)
        activation2.backward(dense3.dinputs)
        dense2.backward(activation2.dinputs)
        activation1.backward(dense2.dinputs)
        dense1.backward(activation1.dinputs)
        optimizer.pre_update_params()
        optimizer.update_params(dense1)
        optimizer.update_params(dense2)
        optimizer.update_params(dense3)
        optimizer.post_update_params()
    return lines


if __name__ == "__main__":
    import nnfs

    nnfs.init()
    print("\n".join(run(int(sys.argv[1]))))
