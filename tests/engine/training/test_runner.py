"""engine.runner: headless training prints the book's and the seed's lines."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from engine.runner import main
from tests.reference import CH10_ADAM_SPIRAL, SEED_EXAMPLES

ROOT = Path(__file__).resolve().parents[3]
# scenario: the book's chapter script (engine's book classes, run under nnfs.init())
BOOK_CHAPTERS = {"binary": "tests.engine.book_scripts.ch16",
                 "sine": "tests.engine.book_scripts.ch17"}


def _book_lines(scenario: str, epochs: int) -> list[str]:
    """The chapter script as a reader runs it: nnfs.init() patching numpy, in a subprocess."""
    done = subprocess.run([sys.executable, "-m", BOOK_CHAPTERS[scenario], str(epochs)],
                          cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return done.stdout.splitlines()


@pytest.mark.parametrize("scenario, epochs", [("binary", 301), ("sine", 201)])
def test_chapter_16_and_17_presets_print_the_books_lines(capsys, scenario, epochs):
    """Only the scenario and book numerics are given: the presets' defaults are the book's.
    Chapter 16 ends with its validation line; chapter 17 prints none, and nor does the run."""
    code, lines, err = run(capsys, "--scenario", scenario, "--numerics", "book",
                           "--epochs", str(epochs))
    assert code == 0 and err == ""
    assert lines == _book_lines(scenario, epochs)
    assert lines[-1].startswith("validation, " if scenario == "binary" else "epoch: 200, ")


@pytest.mark.slow
@pytest.mark.parametrize("scenario, epochs", [("binary", None), ("sine", 1001)])
def test_chapter_16_and_17_long_runs_print_exactly_the_books_lines(scenario, epochs):
    """Chapter 16's whole 10001 epochs (the runner's default) and chapter 17's first 1001, in
    a subprocess of their own: chapter 17's 1000 samples through two layers of 64 take minutes
    for all 10001 epochs each way (`python main.py train --scenario sine --numerics book`
    against `python -m tests.engine.book_scripts.ch17 10001` prints the same 101 lines)."""
    more = [] if epochs is None else ["--epochs", str(epochs)]
    done = subprocess.run([sys.executable, "-m", "engine.runner", "--scenario", scenario,
                           "--numerics", "book", *more], cwd=ROOT, capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == _book_lines(scenario, epochs or 10001)


def run(capsys, *argv: str) -> tuple[int, list[str], str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


def test_short_chapter10_run_prints_the_books_first_lines(capsys):
    code, lines, err = run(capsys, "--scenario", "spiral", "--optimizer", "adam", "--lr", "0.05",
                           "--decay", "5e-7", "--epochs", "201", "--print-every", "100")
    reference = CH10_ADAM_SPIRAL.read_text().splitlines()
    assert code == 0 and err == ""
    assert lines[:3] == reference[:3]
    assert len(lines) == 4 and lines[3].startswith("validation, acc: ")


@pytest.mark.slow
def test_full_chapter10_run_prints_exactly_the_reference():
    result = subprocess.run(
        [sys.executable, "-m", "engine.runner", "--scenario", "spiral", "--optimizer", "adam",
         "--lr", "0.05", "--decay", "5e-7", "--epochs", "10001", "--print-every", "100",
         "--numerics", "book"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout == CH10_ADAM_SPIRAL.read_text()


@pytest.mark.parametrize("numerics", ["book", "native"])
def test_seed_scenarios_print_the_notebooks_lines(capsys, numerics):
    reference = json.loads(SEED_EXAMPLES.read_text())[numerics]
    code, lines, _ = run(capsys, "--scenario", "neuron", "--numerics", numerics)
    assert code == 0 and len(lines) == 202
    assert lines[:200] == [f"Iteration {i + 1}, Loss: {loss}"
                           for i, loss in enumerate(reference["neuron"]["losses"])]
    assert lines[201] == f"Final bias: {reference['neuron']['final_bias']}"
    code, lines, _ = run(capsys, "--scenario", "layer", "--numerics", numerics)
    assert code == 0
    assert lines[:10] == [f"Iteration {i}, Loss: {loss}"
                          for i, loss in reference["layer"]["losses_every_20"].items()]
    assert lines[10] == "Final weights:" and lines[14] == "Final biases:"


def test_regularization_prints_chapter14s_line(capsys):
    code, lines, _ = run(capsys, "--epochs", "3", "--print-every", "2", "--samples", "20",
                         "--hidden", "8", "--hidden", "4,4", "--l2", "5e-4", "--dropout", "0.1",
                         "--optimizer", "sgd", "--momentum", "0.9", "--lr", "0.5")
    assert code == 0 and len(lines) == 3
    assert lines[0].startswith("epoch: 0, acc: ")
    assert " (data_loss: " in lines[0] and ", reg_loss: " in lines[0]
    assert lines[0].endswith("), lr: 0.5") and lines[1].startswith("epoch: 2, ")


def test_vertical_native_and_other_optimizers_run(capsys):
    for optimizer in (["--optimizer", "rmsprop", "--rho", "0.95"], ["--optimizer", "adagrad"]):
        code, lines, _ = run(capsys, "--scenario", "vertical", "--numerics", "native",
                             "--epochs", "2", "--samples", "10", "--activation", "tanh",
                             "--seed", "5", *optimizer)
        assert code == 0 and lines[0].startswith("epoch: 0, acc: ")


@pytest.mark.parametrize("argv,message", [
    (["--scenario", "moons"], "invalid choice"),
    (["--hidden", "64,x"], "64,x"),
    (["--epochs", "0"], "positive integer"),
    (["--momentum", "0.9"], "--momentum does not apply to the adam optimizer"),
    (["--optimizer", "sgd", "--rho", "0.9"], "--rho does not apply to the sgd optimizer"),
    (["--scenario", "neuron", "--hidden", "3"], "--hidden do not apply to the neuron"),
    (["--dropout", "1.5", "--epochs", "1"], "dropout"),
    (["--lr", "-1", "--epochs", "1"], "learning_rate"),
    (["--classes", "1", "--epochs", "1"], "2 classes"),
    (["--scenario", "sine", "--classes", "3"], "--classes does not apply to sine data"),
    (["--scenario", "sine", "--loss", "binary_crossentropy"],
     "binary_crossentropy does not fit sine data"),
    (["--data", "sine", "--loss", "categorical_crossentropy"], "does not fit sine data"),
])
def test_bad_arguments_exit_2_with_a_clear_message(capsys, argv, message):
    code, lines, err = run(capsys, *argv)
    assert code == 2 and message in err and lines == []


def test_divergence_exits_1_naming_the_iteration(capsys):
    code, lines, err = run(capsys, "--optimizer", "sgd", "--lr", "1e30", "--epochs", "50",
                           "--print-every", "1", "--samples", "20")
    assert code == 1
    assert "training diverged at iteration 1" in err
    assert len(lines) == 1 and lines[0].startswith("epoch: 0, ")
    assert lines[0].endswith(", loss: 1.099, lr: 1e+30")


def test_other_losses_and_data_from_the_command_line(capsys):
    code, lines, _ = run(capsys, "--scenario", "sine", "--loss", "mean_absolute_error",
                         "--epochs", "2", "--print-every", "1", "--samples", "50")
    assert code == 0 and len(lines) == 2 and "(data_loss: " in lines[0]
    code, lines, _ = run(capsys, "--loss", "binary_crossentropy", "--epochs", "1",
                         "--samples", "20", "--classes", "4")
    assert code == 0 and lines[0].startswith("epoch: 0, acc: ") and "(data_loss: " in lines[0]
    assert lines[1].startswith("validation, acc: ")
    code, lines, _ = run(capsys, "--scenario", "spiral", "--data", "sine", "--epochs", "1")
    assert code == 0 and len(lines) == 1  # mean squared error by default, no validation line


def test_help_exits_0(capsys):
    code, lines, _ = run(capsys, "--help")
    assert code == 0 and any("--hidden" in line for line in lines)
