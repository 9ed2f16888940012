"""The network panel's inputs by piece: the choices it offers (activations, regularizers,
numerics, each optimizer's settings with their ranges and chapter-10 defaults) and one hidden
layer's group of inputs.
"""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QWidget

from engine.limits import OFFERED_NEURONS
from gui.widgets.input_boxes import ChoiceBox, IntBox, RealBox

ACTIVATIONS = (("relu", "ReLU"), ("sigmoid", "Sigmoid"), ("linear", "Linear"), ("tanh", "Tanh"))
# engine.training.model's keys for Layer_Dense's weight_regularizer_l1, bias_regularizer_l1, ...
REGULARIZERS = (
    ("weight_l1", "L1 weights"),
    ("bias_l1", "L1 biases"),
    ("weight_l2", "L2 weights"),
    ("bias_l2", "L2 biases"),
)
NUMERICS = (("book", "Book (float32)"), ("native", "Native (float64)"))
# engine.training.spec's losses, each with the output activation the book puts before it.
LOSS_LABELS = {
    "categorical_crossentropy": "Softmax + categorical cross-entropy",
    "binary_crossentropy": "Sigmoid + binary cross-entropy",
    "mean_squared_error": "Linear + mean squared error",
    "mean_absolute_error": "Linear + mean absolute error",
}
LOSS_NOTES = {
    "categorical_crossentropy": "One neuron per class, Softmax, categorical cross-entropy "
                                "(chapter 10)",
    "binary_crossentropy": "Sigmoid: one output for 2 classes, one per class for more; binary "
                           "cross-entropy (chapter 16)",
    "mean_squared_error": "One linear output, mean squared error (chapter 17)",
    "mean_absolute_error": "One linear output, mean absolute error (chapter 17)",
}


def _rate(default: float) -> tuple:
    return ("learning_rate", "Learning rate", 1e-6, 100.0, default, 0.0, True)


def _decay(default: float) -> tuple:
    return ("decay", "Decay", 0.0, 1.0, default, 0.0, True)


def _fraction(key: str, label: str, default: float, step: float) -> tuple:
    return (key, label, 0.0, 0.9999, default, step, False)


_EPSILON = ("epsilon", "Epsilon", 1e-10, 1.0, 1e-7, 0.0, True)
# (key, label, parameters); each parameter is (key, label, minimum, maximum, default, step,
# log steps). Defaults are the settings chapter 10 trains the spiral with for each optimizer.
OPTIMIZERS = (
    ("sgd", "SGD", (_rate(1.0), _decay(1e-3), _fraction("momentum", "Momentum", 0.9, 0.05))),
    ("adagrad", "Adagrad", (_rate(1.0), _decay(1e-4), _EPSILON)),
    ("rmsprop", "RMSprop", (_rate(0.02), _decay(1e-5), _EPSILON,
                            _fraction("rho", "Rho", 0.999, 0.01))),
    ("adam", "Adam", (_rate(0.05), _decay(5e-7), _EPSILON,
                      _fraction("beta_1", "Beta 1", 0.9, 0.01),
                      _fraction("beta_2", "Beta 2", 0.999, 0.001))),
)
DEFAULT_OPTIMIZER = "adam"


def regularizer_boxes(where: str) -> dict[str, RealBox]:
    """A box for each regularization strength, named for its refusals by `where` it is."""
    return {key: RealBox(f"{where} {label}", 0.0, 1.0, 0.0, log_steps=True)
            for key, label in REGULARIZERS}


def add_regularizer_rows(grid: QGridLayout, boxes: dict[str, RealBox], first_row: int) -> None:
    """The four strengths as two rows of label and box, from `first_row` on."""
    for position, (key, label) in enumerate(REGULARIZERS):
        row, column = first_row + position // 2, 2 * (position % 2)
        grid.addWidget(QLabel(label), row, column)
        grid.addWidget(boxes[key], row, column + 1)


class LayerInputs(QGroupBox):
    """One hidden layer's neurons, activation, dropout and regularization strengths."""

    def __init__(self, index: int) -> None:
        super().__init__(f"Hidden layer {index + 1} (dense{index + 1})")
        self.neurons = IntBox(f"Layer {index + 1} neurons", 1, OFFERED_NEURONS, 64)
        self.activation = ChoiceBox()
        for key, label in ACTIVATIONS:
            self.activation.addItem(label, key)
        self.dropout = RealBox(f"Layer {index + 1} dropout", 0.0, 0.9, 0.0, step=0.05)
        self.dropout.setToolTip("Fraction of this layer's outputs dropped in each training step "
                                "(0 = no dropout layer)")
        self.regularizers = regularizer_boxes(f"Layer {index + 1}")
        grid = QGridLayout(self)
        grid.addWidget(QLabel("Neurons"), 0, 0)
        grid.addWidget(self.neurons, 0, 1)
        grid.addWidget(QLabel("Activation"), 0, 2)
        grid.addWidget(self.activation, 0, 3)
        grid.addWidget(QLabel("Dropout"), 1, 0)
        grid.addWidget(self.dropout, 1, 1)
        add_regularizer_rows(grid, self.regularizers, 2)

    def spec(self) -> dict:
        layer = {"neurons": self.neurons.value(), "activation": self.activation.currentData(),
                 "dropout": self.dropout.value()}
        layer.update({key: box.value() for key, box in self.regularizers.items()})
        return layer

    def set_spec(self, layer: dict) -> None:
        self.neurons.setValue(layer.get("neurons", 64))
        self.activation.setCurrentIndex(self.activation.findData(layer.get("activation", "relu")))
        self.dropout.setValue(layer.get("dropout", 0.0))
        for key, box in self.regularizers.items():
            box.setValue(layer.get(key, 0.0))

    def widgets(self) -> list[QWidget]:
        return [self.neurons, self.activation, self.dropout, *self.regularizers.values()]
