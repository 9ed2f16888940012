"""Export as Python: a standalone script, in the book's style, that trains on from where the app is.

A learner takes the network home: the script needs only numpy and nnfs, defines the book's
classes it uses, sets the app's current weights, biases, optimizer state (caches, iteration
count, current learning rate), random stream and data (user points included), and runs the
same lines the app steps through, printing the book's epoch lines (or the seed notebook's
lines). Because the arithmetic is the book's, in the same order on the same dtypes, the script
prints exactly the numbers the app prints for the same iterations.

The classes are the engine's own, copied from their source (engine/files/book_source.py), so
the Adam a learner reads in the script is the Adam the app trains with. Everything else comes
from the state as literals (engine/files/script_text.py): a shared session's title or numbers
can never become code in the script.
"""

from __future__ import annotations

import numpy as np

from engine.book.activations import Activation_Softmax
from engine.book.layers import Layer_Dense, Layer_Dropout
from engine.book.losses import (
    Activation_Softmax_Loss_CategoricalCrossentropy,
    Loss,
    Loss_CategoricalCrossentropy,
)
from engine.files import book_source
from engine.files.book_source import book_class
from engine.files.script_text import assignment, code, docstring, join, number
from engine.files.session import Session, clone_stepper
from engine.scenarios import notebook
from engine.scenarios.seed import SEED_ITERATIONS, LayerOfThree, SingleNeuron
from engine.training.model import Model
from engine.training.outputs import PRECISION_DIVISOR
from engine.training.spec import (
    DEFAULT_WEIGHT_SCALE,
    HYPERPARAMETERS,
    is_regression,
    output_width,
)
from engine.training.stepper import Operation, Stepper

BOOK_EPOCHS = 10001  # the book's chapter-10 loop: range(10001)
_PHASES = {"forward": "Forward pass", "loss": "Loss", "backward": "Backward pass",
           "update": "Update the parameters"}
_DATA_KINDS = ("spiral", "vertical", "sine")


def export_script(source: Stepper | Session, epochs: int | None = None) -> str:
    """Python source that continues training `source` for `epochs` more iterations.

    By default a model runs on to the book's last epoch (10000), or 10000 more past it, and a
    seed example to the notebook's 200th iteration (200 more past it). A stepper stopped
    inside an iteration is exported as it will be when that iteration ends (on a copy; the
    stepper itself is untouched), because the script's loop starts at an iteration start.
    ValueError for a seed example under native numerics: the app sums its dot products in the
    notebook's fixed order there, which numpy's np.dot does not promise to repeat.
    """
    _check_epochs(epochs)
    stepper = source.build_stepper() if isinstance(source, Session) else source
    stepper, note = _at_iteration_start(stepper)
    trainable = stepper.trainable
    if isinstance(trainable, Model):
        return _model_script(trainable, epochs, note)
    if isinstance(trainable, (SingleNeuron, LayerOfThree)):
        if trainable.numerics.name != "book":
            raise ValueError("the seed examples export under book numerics only, as the "
                             "notebook runs them (nnfs.init())")
        return _seed_script(trainable, epochs, note)
    raise ValueError(f"cannot export a {type(trainable).__name__}")


def export_comparison_script(runs: list[tuple[str, Stepper]], epochs: int | None = None) -> str:
    """Python source that trains each compared run (name, its Stepper; the main run first)
    on from where it stands to one common last epoch, one after the other, printing a line
    naming the run and then its book epoch lines, the ones the app prints for it. The book's
    classes are defined once; each run builds its own layers and optimizer and sets its own
    values (and random stream, for dropout). By default to the book's last epoch as
    export_script, counted from the run furthest on. ValueError if the runs differ in
    numerics (nnfs.init() is for the whole process) or one is not a Model."""
    _check_epochs(epochs)
    started = [_at_iteration_start(stepper) for _, stepper in runs]
    models = [stepper.trainable for stepper, _ in started]
    if not models or not all(isinstance(model, Model) for model in models):
        raise ValueError("runs are compared and exported in the classification lab")
    if len({model.spec["numerics"] for model in models}) > 1:
        raise ValueError("the runs compute in different numerics: a script computes in one "
                         "(nnfs.init() changes numpy for the whole script), export them apart")
    first = models[0]
    lead = max(int(model.iteration) for model in models)
    end = _end(lead, epochs)
    parts = _model_header(first, f"{len(runs)} runs compared: {first.title}.",
                          f"Trains each run on to epoch {end}, one after the other, from where "
                          "it stood in the app: its weights, biases, optimizer state and "
                          "settings. Each prints a line with its name, then the book's epoch "
                          "lines, the ones the app prints for it.",
                          " ".join(note for _, note in started if note))
    classes = [cls for model in models for cls in _classes(model)]
    parts += [book_source.source(cls) for cls in dict.fromkeys(classes)]
    parts.append(_data_lines(first, first.spec["numerics"] == "book"))
    for (name, _), model in zip(runs, models, strict=True):
        start = int(model.iteration)
        parts.append(f"\n# Run {name!r}\nprint({name!r})\n")
        parts += [_network_lines(model), _state_lines(model, start),
                  _model_loop(model, start, end)]
    return join(parts)


def _check_epochs(epochs: int | None) -> None:
    if epochs is not None and (isinstance(epochs, bool) or not isinstance(epochs, int)
                               or epochs < 1):
        raise ValueError(f"epochs must be a positive integer, got {epochs!r}")


def _at_iteration_start(stepper: Stepper) -> tuple[Stepper, str]:
    """The stepper, or a copy of it at the end of the iteration it stands inside, with a
    note saying so."""
    if not stepper.position:
        return stepper, ""
    note = (f"The app stood {int(stepper.position)} operations into the iteration after "
            f"{int(stepper.iteration)} completed ones; the values here are those at the end "
            "of that iteration.")
    stepper = clone_stepper(stepper)
    stepper.finish_iteration()
    return stepper, note


def _end(start: int, epochs: int | None) -> int:
    """The script's last epoch + 1: the book's last, or as many more past it."""
    if epochs:
        return start + epochs
    return BOOK_EPOCHS if start < BOOK_EPOCHS else start + BOOK_EPOCHS - 1


# -- a Model ------------------------------------------------------------------------------------


def _model_script(model: Model, epochs: int | None, note: str) -> str:
    start = int(model.iteration)
    end = _end(start, epochs)
    parts = _model_header(model, f"{model.title}.",
                          f"Trains on from epoch {start} ({start} iterations done) with the "
                          "values the app had there: weights, biases, the optimizer's state and "
                          "the data, user points included. It prints the book's epoch lines, "
                          "the ones the app prints.", note)
    parts += [book_source.source(cls) for cls in _classes(model)]
    book = model.spec["numerics"] == "book"
    parts.append(_data_lines(model, book))
    parts.append(_network_lines(model))
    parts.append(_state_lines(model, start))
    parts.append(_model_loop(model, start, end))
    return join(parts)


def _model_header(model: Model, title: str, what: str, note: str) -> list[str]:
    """The docstring, the imports and nnfs.init() of a script training `model`'s data."""
    book = model.spec["numerics"] == "book"
    numerics = ("Book numerics: nnfs.init() makes numpy compute as the book does (float32)."
                if book else "Native numerics: plain float64 numpy, so no nnfs.init().")
    parts = [docstring(title, what, numerics, note),
             "import numpy as np\n" + ("import nnfs\n" if book else "")
             + f"from nnfs.datasets import {_data_kind(model.spec)}_data\n"]
    if book:
        parts.append("nnfs.init()\n")
    return parts


def _classes(model: Model) -> list[type]:
    """The book classes the script defines, each once, in the order a reader meets them."""
    layers = [book_class(layer) for _, layer in model.layers]
    activations = [cls for cls in layers if cls not in (Layer_Dense, Layer_Dropout)]
    loss = book_class(model.loss_object)
    losses = ([Activation_Softmax, Loss, Loss_CategoricalCrossentropy, loss]
              if loss is Activation_Softmax_Loss_CategoricalCrossentropy else [Loss, loss])
    return list(dict.fromkeys([Layer_Dense, *([Layer_Dropout] if Layer_Dropout in layers else []),
                               *activations, *losses, book_class(model.optimizer)]))


def _data_kind(spec: dict) -> str:
    kind = spec["data"]["kind"]
    if kind not in _DATA_KINDS:
        raise ValueError(f"cannot export data of kind {kind!r}")
    return kind


def _data_lines(model: Model, book: bool) -> str:
    spec = model.spec
    data = spec["data"]
    lines = ["", "# The data set"]
    if spec["seed"] != 0 or not book:  # nnfs.init() seeds 0 itself
        lines.append(f"np.random.seed({number(spec['seed'])})")
    regression = is_regression(spec)
    classes = "" if regression else f", classes={number(data['classes'])}"
    lines.append(f"X, y = {_data_kind(spec)}_data(samples={number(data['samples'])}{classes})")
    if spec["points"]:
        added = np.array(spec["points"], dtype=np.float64)
        columns = "x, y" if regression else "x, y, class"
        lines += [f"# The points added by hand in the app: {columns}", assignment("added", added)]
        lines += (["X = np.concatenate([X, added[:, :1].astype(X.dtype)])",
                   "y = np.concatenate([y, added[:, 1:].astype(y.dtype)])"] if regression else
                  ["X = np.concatenate([X, added[:, :2].astype(X.dtype)])",
                   "y = np.concatenate([y, added[:, 2].astype(y.dtype)])"])
    if model.head.loss == "binary_crossentropy":
        outputs = output_width(spec)
        lines += (["# One output per sample: a list of one-element lists", "y = y.reshape(-1, 1)"]
                  if outputs == 1 else
                  ["# One sigmoid per class: each sample's class as a one-hot row",
                   f"y = np.eye({number(outputs)}, dtype=y.dtype)[y]"])
    if regression:
        lines += ["# A prediction counts as accurate this close to its target",
                  f"accuracy_precision = np.std(y) / {PRECISION_DIVISOR}"]
    return "\n".join(lines) + "\n"


def _network_lines(model: Model) -> str:
    spec = model.spec
    lines = ["", "# The network"]
    widths = [model.X.shape[1]] + [hidden["neurons"] for hidden in spec["hidden"]]
    layers = [*spec["hidden"], spec["output"]]
    activations = [book_class(layer).__name__ for name, layer in model.layers
                   if name.startswith("activation")]
    scale = ("" if spec["weight_scale"] == DEFAULT_WEIGHT_SCALE
             else f", weight_scale={number(spec['weight_scale'])}")
    for number_, (layer, n_in) in enumerate(zip(layers, widths, strict=True), start=1):
        hidden = number_ <= len(spec["hidden"])
        n_out = layer["neurons"] if hidden else output_width(spec)
        options = "".join(f", {key[:-3]}_regularizer_{key[-2:]}={number(layer[key])}"
                          for key in ("weight_l1", "weight_l2", "bias_l1", "bias_l2")
                          if layer[key] > 0)
        lines.append(f"dense{number_} = Layer_Dense({number(n_in)}, {number(n_out)}{options}"
                     f"{scale})")
        if number_ <= len(activations):
            lines.append(f"activation{number_} = {activations[number_ - 1]}()")
        if hidden and layer["dropout"] > 0:
            lines.append(f"dropout{number_} = Layer_Dropout({number(layer['dropout'])})")
    lines.append(f"{model.head.loss_name} = {book_class(model.loss_object).__name__}()")
    name = spec["optimizer"]["name"]
    changed = ", ".join(f"{key}={number(value)}" for key, value in model.hyperparameters().items()
                        if value != HYPERPARAMETERS[name][key])
    lines.append(f"optimizer = {book_class(model.optimizer).__name__}({changed})")
    return "\n".join(lines) + "\n"


def _state_lines(model: Model, start: int) -> str:
    state = model.capture_state()
    lines = ["", f"# Where the app stood: {start} iterations done"]
    for name, saved in state["layers"].items():
        for attribute, array in saved.items():
            lines.append(assignment(f"{name}.{attribute}", array))
    optimizer = state["optimizer"]
    lines += [f"optimizer.iterations = {number(optimizer['iterations'])}",
              f"optimizer.current_learning_rate = {number(optimizer['current_learning_rate'])}"]
    if any(isinstance(layer, Layer_Dropout) for _, layer in model.layers):
        _, keys, position, has_gauss, cached = state["random"]
        lines += ["# Dropout draws its masks from numpy's random stream: continue it where "
                  "the app's stream is",
                  assignment("random_keys", keys),
                  f"np.random.set_state(('MT19937', random_keys, {number(position)}, "
                  f"{number(has_gauss)}, {number(float(cached))}))"]
    return "\n".join(lines) + "\n"


def _model_loop(model: Model, start: int, end: int) -> str:
    every = int(model.spec["print_every"])
    if any(op.name == "regularization_loss" for op in model.operations()):
        printed = ["print(f'epoch: {epoch}, ' +",
                   "      f'acc: {accuracy:.3f}, ' +",
                   "      f'loss: {loss:.3f} (' +",
                   "      f'data_loss: {data_loss:.3f}, ' +",
                   "      f'reg_loss: {regularization_loss:.3f}), ' +",
                   "      f'lr: {optimizer.current_learning_rate}')"]
    else:
        printed = ["print(f'epoch: {epoch}, ' +",
                   "      f'acc: {accuracy:.3f}, ' +",
                   "      f'loss: {loss:.3f}, ' +",
                   "      f'lr: {optimizer.current_learning_rate}')"]
    after = {"accuracy": printed if every == 1 else
             [f"if not epoch % {number(every)}:", *("    " + line for line in printed)]}
    return ("\n# Train on from there, one line per operation the app steps through\n"
            f"for epoch in range({number(start)}, {number(end)}):\n"
            + _loop_body(model.operations(), after, {**_PHASES, "loss": "Loss and accuracy"}))


# -- a seed example -------------------------------------------------------------------------------


def _seed_script(example: SingleNeuron | LayerOfThree, epochs: int | None, note: str) -> str:
    start = int(example.iteration)
    end = start + epochs if epochs else (SEED_ITERATIONS if start < SEED_ITERATIONS
                                         else start + SEED_ITERATIONS)
    neuron = isinstance(example, SingleNeuron)
    parts = [docstring(f"The seed notebook's {'single neuron' if neuron else 'layer of 3 neurons'}"
                       ", as the app runs it.",
                       f"Trains on after {start} iterations with the values the app had there "
                       "and prints the notebook's lines, the ones the app prints.",
                       "nnfs.init() makes np.dot compute as the notebook's did.", note),
             "import numpy as np\nimport nnfs\n", "nnfs.init()\n"]
    values = [assignment(name, example.ns[name]) for name in example._parameters]
    parts.append(f"\n# Where the app stood: {start} iterations done\n" + "\n".join(values) + "\n")
    if neuron:
        parts += [book_source.source(notebook.relu),
                  book_source.source(notebook.relu_derivative)]
        printed = ['print(f"Iteration {iteration + 1}, Loss: {loss}")']
        final = ['print("Final weights:", weights)', 'print("Final bias:", bias)']
    else:
        parts += [book_source.source(notebook.NotebookReLU), "relu = NotebookReLU()\n"]
        printed = ["if iteration % 20 == 0:", '    print(f"Iteration {iteration}, Loss: {l}")']
        final = ['print("Final weights:\\n", W)', 'print("Final biases:\\n", B)']
    last = example.operations()[-1].name
    loop = ("\n# Train on from there, one line per operation the app steps through\n"
            f"for iteration in range({number(start)}, {number(end)}):\n"
            + _loop_body(example.operations(), {last: printed}))
    if end == SEED_ITERATIONS:  # the notebook prints the final values after its 200 iterations
        loop += "\n" + "\n".join(final) + "\n"
    parts.append(loop)
    return join(parts)


def _loop_body(operations: list[Operation], after: dict[str, list[str]],
               phases: dict[str, str] = _PHASES) -> str:
    """The operations' lines, grouped under a comment per phase, with `after[name]` following
    the operation called name."""
    lines, phase = [], None
    for operation in operations:
        if operation.phase != phase:
            phase = operation.phase
            lines += (["", f"# {phases[phase]}"] if lines else [f"# {phases[phase]}"])
        lines += code(operation.code)
        if operation.name in after:
            lines += ["", *after[operation.name]]
    return "".join(f"    {line}\n" if line else "\n" for line in lines)


__all__ = ["BOOK_EPOCHS", "export_comparison_script", "export_script"]
