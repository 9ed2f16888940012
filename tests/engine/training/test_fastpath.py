"""The trusted whole-iteration path computes exactly what the book classes compute."""

import numpy as np
import pytest

from engine.training.fastpath import ParameterBlock
from engine.training.model import Model
from engine.training.stepper import Stepper

CASES = [
    {"hidden": [{"neurons": 16, "activation": "relu"}], "optimizer": {"name": "adam",
                                                                       "learning_rate": 0.05}},
    {"hidden": [{"neurons": 8, "activation": "sigmoid", "weight_l1": 1e-4, "bias_l2": 1e-4},
                {"neurons": 8, "activation": "tanh", "dropout": 0.1}],
     "output": {"weight_l2": 5e-4, "bias_l1": 1e-4},
     "optimizer": {"name": "sgd", "learning_rate": 1.0, "decay": 1e-3, "momentum": 0.9}},
    {"hidden": [{"neurons": 8, "activation": "linear"}], "optimizer": {"name": "adagrad"}},
    {"hidden": [{"neurons": 8, "activation": "relu", "dropout": 0.2}],
     "optimizer": {"name": "rmsprop", "learning_rate": 0.01, "decay": 1e-4}},
    {"hidden": [], "optimizer": {"name": "sgd"}},
    # chapter 10's network one layer deeper: Dense and ReLU into arrays made once, Adam in place
    {"hidden": [{"neurons": 16, "activation": "relu"}] * 2,
     "optimizer": {"name": "adam", "learning_rate": 0.05, "decay": 5e-7}},
]


def state_bytes(model: Model) -> dict[str, bytes]:
    return {name: np.asarray(value).tobytes() for name, value in model.values().items()}


@pytest.mark.parametrize("numerics", ["book", "native"])
@pytest.mark.parametrize("case", CASES)
def test_trusted_iterations_equal_checked_ones_bit_for_bit(case, numerics):
    spec = {"data": {"kind": "spiral", "samples": 30, "classes": 3}, "numerics": numerics,
            "print_every": 7, **case}
    checked, trusted = Model(spec), Model(spec)
    for _ in range(25):
        checked.run_iteration()
        trusted.run_trusted_iteration()
    assert state_bytes(trusted) == state_bytes(checked)
    assert trusted.log_lines() == checked.log_lines()
    for key, values in checked.history().items():
        assert trusted.history()[key].tobytes() == values.tobytes()


HEADS = [
    {"data": {"kind": "spiral", "samples": 30, "classes": 2}, "loss": "binary_crossentropy",
     "hidden": [{"neurons": 16, "weight_l2": 5e-4, "bias_l2": 5e-4}],
     "optimizer": {"name": "adam", "decay": 5e-7}},
    {"data": {"kind": "vertical", "samples": 20, "classes": 3}, "loss": "binary_crossentropy",
     "hidden": [{"neurons": 8, "dropout": 0.1}], "optimizer": {"name": "rmsprop"}},
    {"data": {"kind": "sine", "samples": 100}, "loss": "mean_squared_error",
     "hidden": [{"neurons": 16}, {"neurons": 16}], "weight_scale": 0.1,
     "optimizer": {"name": "adam", "learning_rate": 0.005, "decay": 1e-3}},
    {"data": {"kind": "sine", "samples": 50}, "loss": "mean_absolute_error",
     "hidden": [{"neurons": 8, "activation": "tanh", "weight_l1": 1e-4}],
     "optimizer": {"name": "sgd", "learning_rate": 0.2, "momentum": 0.5}},
]


@pytest.mark.parametrize("numerics", ["book", "native"])
@pytest.mark.parametrize("case", HEADS)
def test_trusted_iterations_of_every_output_loss_pair_equal_checked_ones(case, numerics):
    """Sigmoids with binary cross-entropy (one, or one per class) and linear regressions: no
    fixed targets to take ahead, and under book numerics float64 targets make the last biases'
    gradients float64, which keeps the updates layer by layer; the numbers stay the book's."""
    spec = {"numerics": numerics, "print_every": 7, **case}
    checked, trusted = Model(spec), Model(spec)
    for _ in range(25):
        checked.run_iteration()
        trusted.run_trusted_iteration()
    assert state_bytes(trusted) == state_bytes(checked)
    assert trusted.log_lines() == checked.log_lines()
    for key, values in checked.history().items():
        assert trusted.history()[key].tobytes() == values.tobytes()


def test_an_edit_makes_the_next_iteration_checked_again():
    model = Model({"hidden": [{"neurons": 4}], "data": {"samples": 10}})
    model.run_trusted_iteration()
    assert model._trusted
    model.set_value("dense1.weights", (0, 0), 0.5)
    assert not model._trusted
    model.run_trusted_iteration()
    assert model._trusted


def test_one_parameter_block_only_where_it_computes_what_the_layers_would():
    # Under book numerics a dropout mask is float64, and so are the biases' gradients before it:
    # the book's update gives those layers float64 caches, which a float32 block would round.
    for numerics, dropout, fits in (("book", 0.0, True), ("native", 0.2, True),
                                    ("book", 0.2, False)):
        model = Model({"hidden": [{"neurons": 4, "dropout": dropout}], "numerics": numerics,
                       "data": {"samples": 10}})
        model.run_iteration()
        assert ParameterBlock.fits(model.dense) is fits


def test_the_layers_arrays_are_views_of_the_block_while_iterations_are_trusted():
    model = Model({"hidden": [{"neurons": 4}], "data": {"samples": 10}})
    model.run_iteration()
    model.run_trusted_iteration()
    block = model._block
    for layer in model.dense:
        assert layer.weights.base is block.parameters and layer.biases.base is block.parameters
        assert layer.weight_momentums.base is block.momentums
        assert layer.bias_cache.base is block.cache
    model.dense[1].biases[0, 2] = np.nan  # as an overflow inside the update would leave it
    assert model.first_non_finite() == "dense2.biases"


@pytest.mark.parametrize("numerics", ["book", "native"])
def test_stepping_between_trusted_iterations_keeps_the_books_numbers(numerics):
    # Stepping runs the book classes layer by layer, which give the caches new arrays of their
    # own: the trusted iterations after it must not go on updating the block's old ones.
    spec = {"hidden": [{"neurons": 6}], "data": {"samples": 20}, "numerics": numerics,
            "optimizer": {"name": "adam", "learning_rate": 0.05}}
    checked, stepper = Model(spec), Stepper(Model(spec))
    stepper.run_iterations(3)
    for _ in range(len(stepper.operations) + 4):
        stepper.step()
    stepper.run_iterations(3)
    for _ in range(7):
        checked.run_iteration()
    assert state_bytes(stepper.trainable) == state_bytes(checked)


def test_momentum_switched_on_between_trusted_iterations_keeps_the_books_numbers():
    # SGD keeps no momentums until momentum > 0: the block built before must give way to one
    # that has them.
    spec = {"hidden": [{"neurons": 5}], "data": {"samples": 20},
            "optimizer": {"name": "sgd", "learning_rate": 0.5}}
    checked, trusted = Model(spec), Model(spec)
    for model, run in ((checked, checked.run_iteration), (trusted, trusted.run_trusted_iteration)):
        for _ in range(3):
            run()
        model.set_hyperparameters(momentum=0.5)
        for _ in range(4):
            run()
    assert state_bytes(trusted) == state_bytes(checked)
    assert trusted._block is not None and trusted._block.momentums is not None


@pytest.mark.parametrize("numerics", ["book", "native"])
def test_the_chapter_10_network_trains_into_arrays_made_once(numerics):
    """The in-place passes are the ones running (the same arrays every iteration, the
    gradients in the block) and their numbers are the book's."""
    spec = {"hidden": [{"neurons": 12, "activation": "relu"}], "data": {"samples": 20},
            "numerics": numerics, "optimizer": {"name": "adam", "learning_rate": 0.05,
                                                "decay": 5e-7}}
    checked, trusted = Model(spec), Model(spec)
    for _ in range(2):
        checked.run_iteration()
        trusted.run_trusted_iteration()
    arrays = {name: trusted.value(name) for name in
              ("dense1.output", "activation1.output", "activation1.dinputs", "dense2.dinputs",
               "dense1.dweights", "loss_activation.output", "loss_activation.dinputs")}
    for _ in range(10):
        checked.run_iteration()
        trusted.run_trusted_iteration()
    assert trusted._block.gradients_in_place
    for name, array in arrays.items():
        assert trusted.value(name) is array, name
    assert state_bytes(trusted) == state_bytes(checked)


@pytest.mark.parametrize("numerics", ["book", "native"])
def test_adam_with_numpy_scalars_updates_as_the_book_does(numerics):
    """A numpy float64 learning rate promotes the book's float32 lines to float64: the update
    in place then leaves the lines to the book's method."""
    spec = {"hidden": [{"neurons": 8}], "data": {"samples": 20}, "numerics": numerics,
            "optimizer": {"name": "adam", "learning_rate": 0.05}}
    checked, trusted = Model(spec), Model(spec)
    for model in (checked, trusted):
        model.optimizer.current_learning_rate = np.float64(0.05)
    for _ in range(8):
        checked.run_iteration()
        trusted.run_trusted_iteration()
    assert state_bytes(trusted) == state_bytes(checked)
