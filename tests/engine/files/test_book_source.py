"""The exported scripts' classes are the engine's own, as text without the engine's additions:
one copy of each book class."""

import ast
import inspect

import pytest

import engine
from engine.book.checks import checked
from engine.book.tanh import Activation_Tanh
from engine.files import book_source
from engine.files.export import export_script
from engine.scenarios.presets import SCENARIOS
from engine.training.fast_layers import FastReLU
from engine.training.stepper import Stepper

BOOK = [*engine.BOOK_CLASSES.values(), Activation_Tanh]


@pytest.mark.parametrize("cls", BOOK, ids=lambda cls: cls.__name__)
def test_every_book_class_exports_as_standalone_text(cls):
    text = book_source.source(cls)
    tree = ast.parse(text)
    assert len(tree.body) == 1 and isinstance(tree.body[0], ast.ClassDef)
    assert tree.body[0].decorator_list == [] and tree.body[0].name == cls.__name__
    assert "numerics" not in text and "contracts" not in text and "@checked" not in text
    # the rest is the engine's text line for line, numpy's names for the numerics' functions
    engine_text = inspect.getsource(cls)
    body = engine_text[engine_text.index(f"class {cls.__name__}"):].splitlines()
    assert len(text.splitlines()) == len(body)
    for ours, engines in zip(text.splitlines(), body, strict=True):
        assert ours == engines or "self.numerics." in engines

def test_each_optimizer_writes_its_update_out_for_weights_and_biases():
    for cls in (engine.Optimizer_SGD, engine.Optimizer_Adagrad, engine.Optimizer_RMSprop,
                engine.Optimizer_Adam):
        update = inspect.getsource(cls.update_params)
        assert "layer.weights +=" in update and "layer.biases +=" in update


def test_the_chapter_10_script_holds_the_engines_adam():
    text = export_script(Stepper(SCENARIOS["spiral"].build()), epochs=1)
    assert book_source.source(engine.Optimizer_Adam).strip("\n") in text
    assert book_source.source(engine.Activation_ReLU).strip("\n") in text
    assert "class FastReLU" not in text  # the model's faster ReLU exports as the book's


def test_a_faster_class_stands_for_its_book_class():
    assert book_source.book_class(FastReLU()) is engine.Activation_ReLU
    with pytest.raises(ValueError, match="not one of the book's classes"):
        book_source.book_class(object())


def test_source_that_still_needs_the_engine_is_refused():
    @checked()
    class Leaky(engine.Activation_ReLU):
        def forward(self, inputs, training=True):
            self.output = self.numerics.leaky(inputs)

    with pytest.raises(ValueError, match="Leaky's source still uses engine, numerics"):
        book_source.source(Leaky)


def test_a_missing_source_is_a_clear_error(monkeypatch):
    def no_source(obj):
        raise OSError("could not get source code")

    monkeypatch.setattr(inspect, "getsource", no_source)
    with pytest.raises(ValueError, match="source of Layer_Dense is not part of this installation"):
        book_source.source(engine.Layer_Dense)
