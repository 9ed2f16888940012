"""The engine's additions to the book's classes: one decorator line adds the argument checks and
the numerics keyword, and leaves the book's signatures and text alone."""

import inspect

import numpy as np
import pytest

from engine import (
    Activation_ReLU,
    Activation_Softmax_Loss_CategoricalCrossentropy,
    BookNumerics,
    Layer_Dense,
    Optimizer_Adam,
)
from engine.book.checks import checked, trusted, unchecked
from engine.book.numerics import GLOBAL_NUMPY


def test_the_book_classes_keep_the_books_signatures_and_docstrings():
    assert list(inspect.signature(Layer_Dense).parameters) == [
        "n_inputs", "n_neurons", "weight_regularizer_l1", "weight_regularizer_l2",
        "bias_regularizer_l1", "bias_regularizer_l2", "weight_scale"]
    assert inspect.signature(Optimizer_Adam).parameters["beta_2"].default == 0.999
    assert Layer_Dense.forward.__doc__.startswith("inputs: (n_samples, n_inputs)")
    assert Layer_Dense.__init__.__qualname__ == "Layer_Dense.__init__"


def test_numerics_is_the_keywords_or_the_makers_or_numpys():
    numerics = BookNumerics(0)
    assert Layer_Dense(2, 3, numerics=numerics).numerics is numerics
    assert Activation_ReLU().numerics is GLOBAL_NUMPY
    fused = Activation_Softmax_Loss_CategoricalCrossentropy(numerics=numerics)
    assert fused.activation.numerics is numerics and fused.loss.numerics is numerics
    assert Activation_ReLU().numerics is GLOBAL_NUMPY  # the maker's numerics ended with it


def test_a_class_the_book_gives_no_init_takes_only_numerics():
    with pytest.raises(TypeError, match="takes only the keyword numerics"):
        Activation_ReLU(3)
    with pytest.raises(TypeError):
        Layer_Dense(2, 3, 0, 0, 0, 0, 0)  # one positional argument too many, as Python says


def test_a_refused_construction_draws_nothing_from_the_stream():
    numerics = BookNumerics(0)
    before = numerics.get_random_state()
    with pytest.raises(ValueError, match="n_neurons"):
        Layer_Dense(2, 0, numerics=numerics)
    assert numerics.get_random_state() == before


def test_weight_scale_must_keep_the_weights_dtype():
    with pytest.raises(ValueError, match="weight_scale must be a Python number"):
        Layer_Dense(2, 3, weight_scale=np.float64(0.1), numerics=BookNumerics(0))


def test_unchecked_is_the_books_method_without_the_check():
    layer = Layer_Dense(2, 3)
    broken = np.array([[np.nan, 1.0]])
    with pytest.raises(ValueError, match="contains NaN"):
        layer.forward(broken)
    unchecked(layer.forward)(broken)  # no check, nothing refused
    assert np.isnan(layer.output).all()
    relu = Activation_ReLU()
    assert unchecked(relu.predictions) == relu.predictions  # an unchecked method is itself


def test_a_subclass_decorated_again_keeps_its_bases_checks():
    @checked()
    class Louder(Activation_ReLU):
        def forward(self, inputs, training=True):
            self.inputs, self.output = inputs, inputs * 2

    with pytest.raises(ValueError, match="Louder inputs contains NaN"):
        Louder().forward(np.array([[np.nan]]))
    with trusted():
        Louder().forward(np.array([[np.nan]]))
