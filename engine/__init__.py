"""The engine's public API: the book's classes under the book's names.

A script written for "Neural Networks from Scratch in Python" runs against the engine by
replacing its class definitions with `from engine import ...`. Importing the engine changes
nothing in numpy; a script that calls `nnfs.init()` afterwards gets the book's numerics, because
the default numerics looks numpy's functions up at call time.
"""

from engine.book.activations import (
    Activation_Linear,
    Activation_ReLU,
    Activation_Sigmoid,
    Activation_Softmax,
)
from engine.book.layers import Layer_Dense, Layer_Dropout, Layer_Input
from engine.book.losses import (
    Activation_Softmax_Loss_CategoricalCrossentropy,
    Loss,
    Loss_BinaryCrossentropy,
    Loss_CategoricalCrossEntropy,
    Loss_CategoricalCrossentropy,
    Loss_MeanAbsoluteError,
    Loss_MeanSquaredError,
)
from engine.book.numerics import GLOBAL_NUMPY, BookNumerics, NativeNumerics, Numerics, make_numerics
from engine.book.optimizers import (
    Optimizer_Adagrad,
    Optimizer_Adam,
    Optimizer_RMSprop,
    Optimizer_SGD,
)
from engine.scenarios.datasets import make_dataset, sine_data, spiral_data, vertical_data

BOOK_CLASSES: dict[str, type] = {cls.__name__: cls for cls in (
    Layer_Dense, Layer_Dropout, Layer_Input,
    Activation_ReLU, Activation_Softmax, Activation_Sigmoid, Activation_Linear,
    Loss_CategoricalCrossentropy, Activation_Softmax_Loss_CategoricalCrossentropy,
    Loss_BinaryCrossentropy, Loss_MeanSquaredError, Loss_MeanAbsoluteError,
    Optimizer_SGD, Optimizer_Adagrad, Optimizer_RMSprop, Optimizer_Adam,
)}


def book_class(name: str) -> type:
    """A book class by its name, e.g. "Activation_ReLU", for models built from a saved spec."""
    if name == "Loss_CategoricalCrossEntropy":
        return Loss_CategoricalCrossentropy
    if name not in BOOK_CLASSES:
        raise ValueError(f"unknown book class {name!r}: expected one of "
                         f"{', '.join(sorted(BOOK_CLASSES))}")
    return BOOK_CLASSES[name]


__all__ = [
    "BOOK_CLASSES",
    "GLOBAL_NUMPY",
    "Activation_Linear",
    "Activation_ReLU",
    "Activation_Sigmoid",
    "Activation_Softmax",
    "Activation_Softmax_Loss_CategoricalCrossentropy",
    "BookNumerics",
    "Layer_Dense",
    "Layer_Dropout",
    "Layer_Input",
    "Loss",
    "Loss_BinaryCrossentropy",
    "Loss_CategoricalCrossEntropy",
    "Loss_CategoricalCrossentropy",
    "Loss_MeanAbsoluteError",
    "Loss_MeanSquaredError",
    "NativeNumerics",
    "Numerics",
    "Optimizer_Adagrad",
    "Optimizer_Adam",
    "Optimizer_RMSprop",
    "Optimizer_SGD",
    "book_class",
    "make_dataset",
    "make_numerics",
    "sine_data",
    "spiral_data",
    "vertical_data",
]
