"""The book's chapter scripts, written with engine's classes, print the book's numbers.

Each script runs twice: in a subprocess that calls `nnfs.init()` after importing the engine and
passes no numerics (the book's way), and in this process with an explicit BookNumerics(0) given
to every class and data set, numpy untouched. Both must print the same lines, character for
character. Chapter 10 with Adam must also print the reference file measured with the book's own
classes; for the other chapters a few printed lines are kept below as reference values (they are
the book classes' numbers, because the classes are the book's, and they guard against drift).
"""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from engine import BookNumerics
from tests.engine.book_scripts import ch10, ch15, ch16, ch17

ROOT = Path(__file__).resolve().parents[3]
CH10_REFERENCE = (ROOT / "tests/engine/data/ch10_adam_spiral.txt").read_text().splitlines()

# name: (module, epochs, extra command-line argument / keyword, reference lines)
CHAPTERS = {
    "ch10_sgd": (ch10, 301, ("optimizer", "sgd"), [
        "epoch: 100, acc: 0.443, loss: 1.053, lr: 0.9099181073703367",
        "epoch: 300, acc: 0.640, loss: 0.763, lr: 0.7698229407236336",
        "validation, acc: 0.550, loss: 0.839",
    ]),
    "ch10_adagrad": (ch10, 301, ("optimizer", "adagrad"), [
        "epoch: 100, acc: 0.453, loss: 1.011, lr: 0.9901970492127933",
        "epoch: 300, acc: 0.613, loss: 0.868, lr: 0.9709680551509855",
        "validation, acc: 0.520, loss: 0.926",
    ]),
    "ch10_rmsprop": (ch10, 301, ("optimizer", "rmsprop"), [
        "epoch: 100, acc: 0.467, loss: 1.013, lr: 0.01998021958261321",
        "epoch: 300, acc: 0.543, loss: 0.903, lr: 0.019940378268975763",
        "validation, acc: 0.517, loss: 0.945",
    ]),
    "ch15_l2_dropout": (ch15, 201, ("regularizer", "l2"), [
        "epoch: 100, acc: 0.564, loss: 0.917 (data_loss: 0.894, reg_loss: 0.023), "
        "lr: 0.04975371909050202",
        "epoch: 200, acc: 0.595, loss: 0.870 (data_loss: 0.840, reg_loss: 0.030), "
        "lr: 0.049507401356502806",
        "validation, acc: 0.667, loss: 0.793",
    ]),
    "ch15_l1_dropout": (ch15, 101, ("regularizer", "l1"), [
        "epoch: 0, acc: 0.324, loss: 1.099 (data_loss: 1.099, reg_loss: 0.001), lr: 0.05",
        "epoch: 100, acc: 0.604, loss: 0.888 (data_loss: 0.857, reg_loss: 0.031), "
        "lr: 0.04975371909050202",
        "validation, acc: 0.633, loss: 0.814",
    ]),
    "ch16_binary": (ch16, 301, None, [
        "epoch: 100, acc: 0.630, loss: 0.674 (data_loss: 0.673, reg_loss: 0.001), "
        "lr: 0.0009999505024501287",
        "epoch: 300, acc: 0.645, loss: 0.665 (data_loss: 0.663, reg_loss: 0.002), "
        "lr: 0.000999850522346909",
        "validation, acc: 0.590, loss: 0.667",
    ]),
    "ch17_sine": (ch17, 201, None, [
        "epoch: 0, acc: 0.003, loss: 0.496 (data_loss: 0.496, reg_loss: 0.000), lr: 0.005",
        "epoch: 100, acc: 0.017, loss: 0.048 (data_loss: 0.048, reg_loss: 0.000), "
        "lr: 0.004549590536851684",
        "epoch: 200, acc: 0.242, loss: 0.001 (data_loss: 0.001, reg_loss: 0.000), "
        "lr: 0.004170141784820684",
    ]),
}


def _start_book_process(module, epochs: int, option) -> subprocess.Popen:
    """The script as a book reader would run it: `nnfs.init()` patches numpy, no numerics passed."""
    args = [sys.executable, "-m", module.__name__, str(epochs)]
    if option is not None:
        args.append(option[1])
    return subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
        process.communicate()


def _finish(process: subprocess.Popen) -> list[str]:
    stdout, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr
    assert stderr == ""
    return stdout.splitlines()


def _run_with_book_numerics(module, epochs: int, option) -> list[str]:
    # This process must not have been patched, or the comparison would prove nothing.
    assert np.zeros(1).dtype == np.float64
    kwargs = {} if option is None else {option[0]: option[1]}
    return module.run(epochs, BookNumerics(0), **kwargs)


@pytest.mark.slow
def test_ch10_adam_prints_the_reference_both_ways():
    """The full 10001 epochs: about 4 s each way on an idle machine (the subprocess runs
    alongside), but over 10 s on a busy one, hence slow; the next test is the quick look."""
    process = _start_book_process(ch10, 10001, ("optimizer", "adam"))
    try:
        in_process = _run_with_book_numerics(ch10, 10001, ("optimizer", "adam"))
        assert in_process == CH10_REFERENCE, "explicit BookNumerics(0) differs from the reference"
        assert in_process[-1] == "validation, acc: 0.797, loss: 0.921"
        assert _finish(process) == CH10_REFERENCE, "nnfs.init() run differs from the reference"
    finally:
        _stop(process)


def test_ch10_adam_first_1001_epochs_with_book_numerics():
    """The first 1001 epochs of the same run; the validation line differs, so it is left out."""
    lines = _run_with_book_numerics(ch10, 1001, ("optimizer", "adam"))
    assert lines[:-1] == CH10_REFERENCE[:11]


@pytest.mark.parametrize("name", list(CHAPTERS))
def test_chapter_prints_the_same_lines_both_ways(name):
    module, epochs, option, reference = CHAPTERS[name]
    process = _start_book_process(module, epochs, option)
    try:
        in_process = _run_with_book_numerics(module, epochs, option)
        assert in_process == _finish(process)
    finally:
        _stop(process)
    for line in reference:
        assert line in in_process
