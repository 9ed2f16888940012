"""Export as Python: the script, run on its own, prints exactly the lines the app prints for the
same iterations, and it uses nothing but numpy and nnfs."""

import ast
import subprocess
import sys

import pytest

from engine.files.export import export_script
from engine.files.session import Session
from engine.scenarios.presets import SCENARIOS, chapter10_spec
from engine.scenarios.seed import LayerOfThree, SingleNeuron
from engine.training.model import Model
from engine.training.stepper import Stepper

NATIVE_SGD = {"data": {"kind": "spiral", "samples": 15, "classes": 3},
              "hidden": [{"neurons": 8, "activation": "tanh", "dropout": 0.25,
                          "weight_l1": 2e-4, "bias_l2": 1e-3},
                         {"neurons": 6, "activation": "sigmoid", "weight_l2": 5e-4}],
              "output": {"weight_l2": 1e-4},
              "optimizer": {"name": "sgd", "learning_rate": 0.9, "decay": 1e-3,
                            "momentum": 0.8},
              "seed": 5, "numerics": "native", "print_every": 1,
              "points": [[0.3, -0.2, 1], [-0.7, 0.45, 2]]}


def _run(tmp_path, text: str) -> list[str]:
    """Run the script alone (isolated mode: no PYTHONPATH, not this repository) and return its
    printed lines."""
    script = tmp_path / "exported.py"
    script.write_text(text)
    done = subprocess.run([sys.executable, "-I", str(script)], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def _app_lines(stepper: Stepper, epochs: int | None) -> list[str]:
    """The lines the app prints from where the exported script starts, for `epochs` more
    iterations (to the seed notebook's 200th by default)."""
    stepper.finish_iteration()
    printed = len(stepper.trainable.log_lines())
    stepper.run_iterations(epochs if epochs else 200 - stepper.iteration)
    return stepper.trainable.log_lines()[printed:]


def _imports(text: str) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            modules |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            modules.add(node.module.split(".")[0])
    return modules


def test_the_chapter_10_preset_continues_with_the_books_lines(tmp_path):
    """The spiral preset (book numerics, Adam, a line every 100 epochs) exported at epoch 95:
    the script's lines at 100 and 200 are the app's, which are the book's."""
    stepper = Stepper(SCENARIOS["spiral"].build())
    stepper.run_iterations(95)
    text = export_script(stepper, epochs=110)
    assert "\nnnfs.init()\n" in text and "dtype=np.float32" in text
    assert "X, y = spiral_data(samples=100, classes=3)" in text
    got = _run(tmp_path, text)
    assert got == _app_lines(stepper, 110)
    assert [line.split(",")[0] for line in got] == ["epoch: 100", "epoch: 200"]


@pytest.mark.parametrize("steps", [0, 5])
def test_every_epoch_of_the_chapter_10_network_matches_from_a_mid_run_export(tmp_path, steps):
    """Every line for 60 epochs, exported at an iteration start and 5 operations into one."""
    spec = chapter10_spec()
    spec["print_every"] = 1
    stepper = Stepper(Model(spec))
    stepper.run_iterations(40)
    for _ in range(steps):
        stepper.step()
    before = stepper.get_state()
    text = export_script(stepper, epochs=60)
    assert stepper.get_state() == before  # exporting mid-iteration works on a copy
    got = _run(tmp_path, text)
    want = _app_lines(stepper, 60)
    assert len(got) == 60 and got == want


def test_a_native_sgd_momentum_model_with_dropout_penalties_and_points(tmp_path):
    stepper = Stepper(Model(NATIVE_SGD))
    stepper.run_iterations(30)
    stepper.edit("dense2.weights", (1, 2), -0.375)
    stepper.set_hyperparameters(learning_rate=0.7)
    for _ in range(4):
        stepper.step()
    text = export_script(stepper, epochs=40)
    assert "\nnnfs.init()\n" not in text and "\nnp.random.seed(5)\n" in text
    assert "np.random.set_state(" in text  # dropout continues the app's random stream
    assert "Layer_Dropout(0.25)" in text and "Activation_Tanh" in text
    assert "Optimizer_SGD(learning_rate=0.7, decay=0.001, momentum=0.8)" in text
    got = _run(tmp_path, text)
    want = _app_lines(stepper, 40)
    assert len(got) == 40 and got == want
    assert "(data_loss: " in got[0]  # chapter 14's line, with the penalties


@pytest.mark.parametrize("optimizer", [
    {"name": "rmsprop", "learning_rate": 0.02, "decay": 1e-4, "rho": 0.95},
    {"name": "adagrad", "learning_rate": 0.5},
])
def test_rmsprop_and_adagrad_on_vertical_data_under_book_numerics(tmp_path, optimizer):
    spec = {"data": {"kind": "vertical", "samples": 20, "classes": 3},
            "hidden": [{"neurons": 10}, {"neurons": 5, "activation": "linear"}],
            "optimizer": optimizer, "seed": 2, "print_every": 3}
    stepper = Stepper(Model(spec))
    stepper.run_iterations(12)
    text = export_script(Session.capture(stepper), epochs=30)
    assert text == export_script(stepper, epochs=30)
    assert "np.random.seed(2)" in text and "vertical_data" in text
    assert _run(tmp_path, text) == _app_lines(stepper, 30)


def test_the_seed_neuron_runs_on_to_the_notebooks_end_with_its_final_lines(tmp_path):
    stepper = Stepper(SingleNeuron("book"))
    stepper.run_iterations(50)
    stepper.edit("inputs", (1,), -1.5)
    text = export_script(stepper)
    assert "for iteration in range(50, 200):" in text
    got = _run(tmp_path, text)
    want = _app_lines(stepper, None)
    assert got == want
    assert got[0].startswith("Iteration 51, Loss: ") and got[-2].startswith("Final weights:")


def test_the_seed_layer_exported_mid_iteration(tmp_path):
    stepper = Stepper(LayerOfThree("book"))
    stepper.run_iterations(37)
    for _ in range(6):
        stepper.step()
    stepper.edit("W", (2, 1), 0.5)
    text = export_script(stepper, epochs=162)
    got = _run(tmp_path, text)
    assert got == _app_lines(stepper, 162)
    assert got[0].startswith("Iteration 40, Loss: ") and got[-1].startswith(" [")


def test_scripts_import_only_numpy_and_nnfs():
    for stepper in (Stepper(Model(NATIVE_SGD)), Stepper(SCENARIOS["spiral"].build()),
                    Stepper(SingleNeuron("book")), Stepper(LayerOfThree("book"))):
        assert _imports(export_script(stepper, epochs=1)) == {"numpy", "nnfs"}


def test_a_seed_example_under_native_numerics_is_refused():
    with pytest.raises(ValueError, match="book numerics only"):
        export_script(Stepper(SingleNeuron("native")))


@pytest.mark.parametrize("epochs", [0, -3, 2.5, True])
def test_epochs_must_be_a_positive_integer(epochs):
    with pytest.raises(ValueError, match="epochs must be a positive integer"):
        export_script(Stepper(SingleNeuron("book")), epochs=epochs)


def test_the_chapter_16_preset_continues_with_the_books_binary_lines(tmp_path):
    """Sigmoid and binary cross-entropy: the script reshapes y as the book does and prints the
    chapter-16 line with its regularization split."""
    stepper = Stepper(SCENARIOS["binary"].build())
    stepper.run_iterations(90)
    text = export_script(stepper, epochs=120)
    assert "y = y.reshape(-1, 1)" in text and "class Loss_BinaryCrossentropy" in text
    assert "activation2 = Activation_Sigmoid()" in text
    assert "loss_function = Loss_BinaryCrossentropy()" in text
    assert "class Activation_Softmax" not in text
    assert "    predictions = (activation2.output > 0.5) * 1\n" \
           "    accuracy = np.mean(predictions == y)\n" in text
    got = _run(tmp_path, text)
    assert got == _app_lines(stepper, 120)
    assert got[0].startswith("epoch: 100, acc: 0.630, loss: 0.674 (data_loss: 0.673, ")


def test_the_chapter_17_preset_continues_with_the_books_regression_lines(tmp_path):
    stepper = Stepper(SCENARIOS["sine"].build())
    stepper.run_iterations(150)
    text = export_script(stepper, epochs=60)
    assert "X, y = sine_data(samples=1000)" in text
    assert "accuracy_precision = np.std(y) / 250" in text
    assert "Layer_Dense(64, 1, weight_scale=0.1)" in text
    assert "loss_function = Loss_MeanSquaredError()" in text
    got = _run(tmp_path, text)
    assert got == _app_lines(stepper, 60)
    assert got[0].startswith("epoch: 200, acc: 0.242, loss: 0.001 (data_loss: 0.001, ")


def test_one_sigmoid_per_class_and_mean_absolute_error_with_points(tmp_path):
    """Sigmoids for three classes (one-hot targets), and a regression with points added by
    hand under mean absolute error, in both numerics."""
    classes = {"data": {"kind": "vertical", "samples": 20, "classes": 3},
               "hidden": [{"neurons": 8}], "loss": "binary_crossentropy",
               "optimizer": {"name": "adam", "learning_rate": 0.02}, "print_every": 1,
               "points": [[0.1, 0.4, 2]]}
    regression = {"data": {"kind": "sine", "samples": 60}, "hidden": [{"neurons": 8}],
                  "loss": "mean_absolute_error", "numerics": "native", "seed": 3,
                  "optimizer": {"name": "sgd", "learning_rate": 0.1}, "print_every": 1,
                  "points": [[0.5, 0.9], [1.2, -0.3]]}
    for spec, expected in ((classes, "y = np.eye(3, dtype=y.dtype)[y]"),
                           (regression, "y = np.concatenate([y, added[:, 1:].astype(y.dtype)])")):
        stepper = Stepper(Model(spec))
        stepper.run_iterations(7)
        text = export_script(stepper, epochs=15)
        assert expected in text
        assert _run(tmp_path, text) == _app_lines(stepper, 15)
