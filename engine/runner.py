"""Training without a window: `python main.py train ...` or `python -m engine.runner ...`.

It drives the same Stepper and Model (or seed example) the window drives, and prints what the
book or the seed notebook prints: epoch lines then chapter 11's validation line for a classifier
(chapter 17's regression prints no validation line, and neither does this), the notebook's
iteration and final lines for the neuron and the layer. Exit status: 0 done, 1 training
diverged, 2 bad arguments.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable

from engine.scenarios.presets import SCENARIOS, preset_spec
from engine.scenarios.seed import SEED_ITERATIONS, LayerOfThree, SingleNeuron
from engine.training.model import Model
from engine.training.performance import tune_for_small_arrays
from engine.training.spec import (
    DATA_KINDS,
    DEFAULT_SAMPLES,
    HYPERPARAMETERS,
    LOSSES,
    REGRESSION_DATA,
    losses_for,
    normalize_spec,
)
from engine.training.stepper import Divergence, Stepper

_MODEL_FLAGS = ("data", "samples", "classes", "hidden", "activation", "loss", "optimizer",
                "decay", "momentum", "rho", "l1", "l2", "dropout", "print_every", "seed")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="main.py train",
        description="Train a scenario without a window and print the book's (or the seed "
                    "notebook's) lines.")
    parser.add_argument("--scenario", choices=list(SCENARIOS), default="spiral",
                        help="starting point (default: spiral, the book's chapter 10; binary "
                             "is chapter 16, sine chapter 17)")
    parser.add_argument("--data", choices=list(DATA_KINDS), help="data set")
    parser.add_argument("--samples", type=_positive_int,
                        help="points per class (sine: points in all)")
    parser.add_argument("--classes", type=_positive_int, help="number of classes")
    parser.add_argument("--hidden", action="append", type=_sizes,
                        help="hidden layer sizes, repeatable or comma-separated (64 or 64,64)")
    parser.add_argument("--activation", choices=["relu", "sigmoid", "linear", "tanh"],
                        help="activation of every hidden layer")
    parser.add_argument("--loss", choices=list(LOSSES),
                        help="loss, with the output activation the book pairs it with "
                             "(categorical_crossentropy: softmax; binary_crossentropy: "
                             "sigmoid; mean_squared_error, mean_absolute_error: linear)")
    parser.add_argument("--optimizer", choices=list(HYPERPARAMETERS), help="optimizer")
    parser.add_argument("--lr", type=float, help="learning rate")
    parser.add_argument("--decay", type=float, help="learning-rate decay")
    parser.add_argument("--momentum", type=float, help="SGD momentum")
    parser.add_argument("--rho", type=float, help="RMSprop cache decay rate")
    parser.add_argument("--l1", type=float, help="L1 penalty on hidden weights and biases")
    parser.add_argument("--l2", type=float, help="L2 penalty on hidden weights and biases")
    parser.add_argument("--dropout", type=float, help="dropout rate after each hidden layer")
    parser.add_argument("--epochs", type=_positive_int,
                        help="training iterations (default: 10001, or 200 for neuron/layer)")
    parser.add_argument("--print-every", type=_positive_int, help="epochs between lines")
    parser.add_argument("--numerics", choices=["book", "native"], default="book",
                        help="book: float32 as under nnfs.init(); native: float64")
    parser.add_argument("--seed", type=int, help="random seed (default 0)")
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {value}")
    return value


def _sizes(text: str) -> list[int]:
    try:
        return [_positive_int(part) for part in text.split(",")]
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"expected sizes like 64 or 64,64, got {text!r}") from None


def model_spec(args: argparse.Namespace) -> dict:
    """The book's spec of the chosen scenario with the command line's changes."""
    spec = preset_spec(args.scenario)
    spec["numerics"] = args.numerics
    if args.data is not None and args.data != spec["data"]["kind"]:
        spec["data"] = ({"kind": args.data} if args.data in REGRESSION_DATA else
                        {"kind": args.data, "classes": spec["data"].get("classes", 3)})
        spec["data"]["samples"] = DEFAULT_SAMPLES[args.data]
        if spec.get("loss") not in losses_for(args.data):
            spec.pop("loss", None)  # the new data's default loss
    if args.loss is not None:
        spec["loss"] = args.loss
    kind = spec["data"]["kind"]
    if args.classes is not None and kind in REGRESSION_DATA:
        raise ValueError(f"--classes does not apply to {kind} data (a regression)")
    for key in ("samples", "classes"):
        if getattr(args, key) is not None:
            spec["data"][key] = getattr(args, key)
    if args.hidden is not None:
        spec["hidden"] = [{"neurons": size} for sizes in args.hidden for size in sizes]
    for layer in spec["hidden"]:
        layer["activation"] = args.activation or layer.get("activation", "relu")
        for flag, keys in (("l1", ("weight_l1", "bias_l1")), ("l2", ("weight_l2", "bias_l2"))):
            if getattr(args, flag) is not None:
                layer.update(dict.fromkeys(keys, getattr(args, flag)))
        if args.dropout is not None:
            layer["dropout"] = args.dropout
    spec["optimizer"] = _optimizer_settings(args, spec["optimizer"])
    if args.seed is not None:
        spec["seed"] = args.seed
    if args.print_every is not None:
        spec["print_every"] = args.print_every
    return spec


def _optimizer_settings(args: argparse.Namespace, chapter10: dict) -> dict:
    name = args.optimizer or chapter10["name"]
    settings = dict(chapter10) if name == chapter10["name"] else {"name": name}
    for flag, key in (("lr", "learning_rate"), ("decay", "decay"), ("momentum", "momentum"),
                      ("rho", "rho")):
        value = getattr(args, flag)
        if value is None:
            continue
        if key not in HYPERPARAMETERS[name]:
            raise ValueError(f"--{flag} does not apply to the {name} optimizer")
        settings[key] = value
    return settings


def _seed_example(args: argparse.Namespace):
    given = [f"--{flag.replace('_', '-')}" for flag in _MODEL_FLAGS
             if getattr(args, flag) is not None]
    if given:
        raise ValueError(f"{', '.join(given)} do not apply to the {args.scenario} scenario")
    example = (SingleNeuron if args.scenario == "neuron" else LayerOfThree)(args.numerics)
    if args.lr is not None:
        example.set_hyperparameters(learning_rate=args.lr)
    return example


def train(args: argparse.Namespace, out: Callable[[str], None]) -> None:
    """Build, train and print; raises ValueError for a bad setting, Divergence if it diverges."""
    if SCENARIOS[args.scenario].kind == "hand":
        trainable = _seed_example(args)
        epochs, chunk = args.epochs or SEED_ITERATIONS, 1
    else:
        trainable = Model(normalize_spec(model_spec(args)))
        epochs, chunk = args.epochs or 10001, trainable.spec["print_every"]
    stepper = Stepper(trainable)
    printed = 0
    while stepper.iteration < epochs:
        try:
            stepper.run_iterations(min(chunk, epochs - stepper.iteration))
        finally:
            for line in trainable.log_since(printed):
                out(line)
            printed = trainable.lines_printed()
    if isinstance(trainable, Model) and trainable.head.classifies:
        out(trainable.validation_line())


def main(argv: list[str]) -> int:
    tune_for_small_arrays()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_request:  # argparse has printed its message (or --help)
        return int(exit_request.code or 0)

    def out(line: str) -> None:
        print(line, flush=True)

    try:
        train(args, out)
    except ValueError as error:
        print(f"{parser.prog}: error: {error}", file=sys.stderr)
        return 2
    except Divergence as divergence:
        print(f"{parser.prog}: {divergence}; lower the learning rate or check the inputs",
              file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader stopped early (`| head`): not an error of training
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
