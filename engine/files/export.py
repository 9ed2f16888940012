"""Export as Python: a standalone script, in the book's style, that trains on from where the app is.

A learner takes the network home: the script needs only numpy and nnfs, defines the book's
classes it uses, sets the app's current weights, biases, optimizer state (caches, iteration
count, current learning rate), random stream and data (user points included), and runs the
same lines the app steps through, printing the book's epoch lines (or the seed notebook's
lines). Because the arithmetic is the book's, in the same order on the same dtypes, the script
prints exactly the numbers the app prints for the same iterations.

Arrays are written as nested lists of Python floats: a float32 value widened to float64 has a
repr that reads back to the same float64, whose float32 rounding is the value itself, so the
literals are exact as well as readable.
"""

from __future__ import annotations

import textwrap

import numpy as np

from engine.files.session import Session, clone_stepper
from engine.scenarios.seed import SEED_ITERATIONS, LayerOfThree, SingleNeuron
from engine.training.model import HYPERPARAMETERS, Activation_Tanh, Model
from engine.training.stepper import Operation, Stepper

BOOK_EPOCHS = 10001  # the book's chapter-10 loop: range(10001)
_WIDTH = 96
_PHASES = {"forward": "Forward pass", "loss": "Loss", "backward": "Backward pass",
           "update": "Update the parameters"}


def export_script(source: Stepper | Session, epochs: int | None = None) -> str:
    """Python source that continues training `source` for `epochs` more iterations.

    By default a model runs on to the book's last epoch (10000), or 10000 more past it, and a
    seed example to the notebook's 200th iteration (200 more past it). A stepper stopped
    inside an iteration is exported as it will be when that iteration ends (on a copy; the
    stepper itself is untouched), because the script's loop starts at an iteration start.
    ValueError for a seed example under native numerics: the app sums its dot products in the
    notebook's fixed order there, which numpy's np.dot does not promise to repeat.
    """
    if epochs is not None and (isinstance(epochs, bool) or not isinstance(epochs, int)
                               or epochs < 1):
        raise ValueError(f"epochs must be a positive integer, got {epochs!r}")
    stepper = source.build_stepper() if isinstance(source, Session) else source
    note = ""
    if stepper.position:
        note = (f"The app stood {stepper.position} operations into the iteration after "
                f"{stepper.iteration} completed ones; the values here are those at the end of "
                "that iteration.")
        stepper = clone_stepper(stepper)
        stepper.finish_iteration()
    trainable = stepper.trainable
    if isinstance(trainable, Model):
        return _model_script(trainable, epochs, note)
    if isinstance(trainable, (SingleNeuron, LayerOfThree)):
        if trainable.numerics.name != "book":
            raise ValueError("the seed examples export under book numerics only, as the "
                             "notebook runs them (nnfs.init())")
        return _seed_script(trainable, epochs, note)
    raise ValueError(f"cannot export a {type(trainable).__name__}")


# -- the book's classes, in the book's structure --------------------------------------------------

_DENSE = '''
class Layer_Dense:

    # Small random weights, zero biases, and how strongly each is regularized
    def __init__(self, n_inputs, n_neurons,
                 weight_regularizer_l1=0, weight_regularizer_l2=0,
                 bias_regularizer_l1=0, bias_regularizer_l2=0):
        self.weights = 0.01 * np.random.randn(n_inputs, n_neurons)
        self.biases = np.zeros((1, n_neurons))
        self.weight_regularizer_l1 = weight_regularizer_l1
        self.weight_regularizer_l2 = weight_regularizer_l2
        self.bias_regularizer_l1 = bias_regularizer_l1
        self.bias_regularizer_l2 = bias_regularizer_l2

    def forward(self, inputs):
        # Kept for backward: the weight gradients are made of the inputs
        self.inputs = inputs
        self.output = np.dot(inputs, self.weights) + self.biases

    def backward(self, dvalues):
        # Gradients of the parameters
        self.dweights = np.dot(self.inputs.T, dvalues)
        self.dbiases = np.sum(dvalues, axis=0, keepdims=True)

        # Gradients of the penalties: L1's is the sign (+1 at zero), L2's is 2 * value
        if self.weight_regularizer_l1 > 0:
            dL1 = np.ones_like(self.weights)
            dL1[self.weights < 0] = -1
            self.dweights += self.weight_regularizer_l1 * dL1
        if self.weight_regularizer_l2 > 0:
            self.dweights += 2 * self.weight_regularizer_l2 * self.weights
        if self.bias_regularizer_l1 > 0:
            dL1 = np.ones_like(self.biases)
            dL1[self.biases < 0] = -1
            self.dbiases += self.bias_regularizer_l1 * dL1
        if self.bias_regularizer_l2 > 0:
            self.dbiases += 2 * self.bias_regularizer_l2 * self.biases

        # Gradient of the inputs, handed to the layer before
        self.dinputs = np.dot(dvalues, self.weights.T)
'''

_DROPOUT = '''
class Layer_Dropout:

    # Stored as the share that is kept: the chance of a 1 in the mask
    def __init__(self, rate):
        self.rate = 1 - rate

    def forward(self, inputs):
        self.inputs = inputs
        # Drop a random share of the values and scale the rest up to keep the sum
        self.binary_mask = np.random.binomial(1, self.rate,
                                              size=inputs.shape) / self.rate
        self.output = inputs * self.binary_mask

    def backward(self, dvalues):
        # Only the values that went through get a gradient
        self.dinputs = dvalues * self.binary_mask
'''

_ACTIVATIONS = {
    "Activation_ReLU": '''
class Activation_ReLU:

    def forward(self, inputs):
        self.inputs = inputs
        self.output = np.maximum(0, inputs)

    def backward(self, dvalues):
        # The slope is 1 where the input was positive, 0 elsewhere
        self.dinputs = dvalues.copy()
        self.dinputs[self.inputs <= 0] = 0
''',
    "Activation_Sigmoid": '''
class Activation_Sigmoid:

    def forward(self, inputs):
        self.inputs = inputs
        self.output = 1 / (1 + np.exp(-inputs))

    def backward(self, dvalues):
        # sigmoid' = sigmoid * (1 - sigmoid)
        self.dinputs = dvalues * (1 - self.output) * self.output
''',
    "Activation_Linear": '''
class Activation_Linear:

    def forward(self, inputs):
        self.inputs = inputs
        self.output = inputs

    def backward(self, dvalues):
        # The slope is 1
        self.dinputs = dvalues.copy()
''',
    "Activation_Tanh": '''
# Not in the book; written the way its activations are
class Activation_Tanh:

    def forward(self, inputs):
        self.inputs = inputs
        self.output = np.tanh(inputs)

    def backward(self, dvalues):
        # tanh' = 1 - tanh^2
        self.dinputs = dvalues * (1 - self.output ** 2)
''',
}

_SOFTMAX_AND_LOSS = '''
class Activation_Softmax:

    def forward(self, inputs):
        self.inputs = inputs
        # Subtract each row's largest value first so exp cannot overflow
        exp_values = np.exp(inputs - np.max(inputs, axis=1, keepdims=True))
        probabilities = exp_values / np.sum(exp_values, axis=1, keepdims=True)
        self.output = probabilities

    def backward(self, dvalues):
        # One Jacobian matrix per sample
        self.dinputs = np.empty_like(dvalues)
        for index, (single_output, single_dvalues) in \\
                enumerate(zip(self.output, dvalues)):
            single_output = single_output.reshape(-1, 1)
            jacobian_matrix = np.diagflat(single_output) - \\
                np.dot(single_output, single_output.T)
            self.dinputs[index] = np.dot(jacobian_matrix, single_dvalues)


class Loss:

    # The L1 and L2 penalties of one layer
    def regularization_loss(self, layer):
        regularization_loss = 0
        if layer.weight_regularizer_l1 > 0:
            regularization_loss += layer.weight_regularizer_l1 * \\
                np.sum(np.abs(layer.weights))
        if layer.weight_regularizer_l2 > 0:
            regularization_loss += layer.weight_regularizer_l2 * \\
                np.sum(layer.weights * layer.weights)
        if layer.bias_regularizer_l1 > 0:
            regularization_loss += layer.bias_regularizer_l1 * \\
                np.sum(np.abs(layer.biases))
        if layer.bias_regularizer_l2 > 0:
            regularization_loss += layer.bias_regularizer_l2 * \\
                np.sum(layer.biases * layer.biases)
        return regularization_loss

    # The mean of the per-sample losses
    def calculate(self, output, y):
        sample_losses = self.forward(output, y)
        data_loss = np.mean(sample_losses)
        return data_loss


class Loss_CategoricalCrossentropy(Loss):

    def forward(self, y_pred, y_true):
        samples = len(y_pred)
        # Clip both ends: log(0) is infinite
        y_pred_clipped = np.clip(y_pred, 1e-7, 1 - 1e-7)
        if len(y_true.shape) == 1:
            correct_confidences = y_pred_clipped[range(samples), y_true]
        elif len(y_true.shape) == 2:
            correct_confidences = np.sum(y_pred_clipped * y_true, axis=1)
        negative_log_likelihoods = -np.log(correct_confidences)
        return negative_log_likelihoods

    def backward(self, dvalues, y_true):
        samples = len(dvalues)
        labels = len(dvalues[0])
        if len(y_true.shape) == 1:
            y_true = np.eye(labels)[y_true]
        self.dinputs = -y_true / dvalues
        self.dinputs = self.dinputs / samples


# Softmax and cross-entropy together: the gradient is (predicted - true) / samples
class Activation_Softmax_Loss_CategoricalCrossentropy():

    def __init__(self):
        self.activation = Activation_Softmax()
        self.loss = Loss_CategoricalCrossentropy()

    def forward(self, inputs, y_true):
        self.activation.forward(inputs)
        self.output = self.activation.output
        return self.loss.calculate(self.output, y_true)

    def backward(self, dvalues, y_true):
        samples = len(dvalues)
        # One-hot targets become class indices
        if len(y_true.shape) == 2:
            y_true = np.argmax(y_true, axis=1)
        self.dinputs = dvalues.copy()
        self.dinputs[range(samples), y_true] -= 1
        self.dinputs = self.dinputs / samples
'''

_DECAY = '''
    # Decay the learning rate once per step, before any layer is updated
    def pre_update_params(self):
        if self.decay:
            self.current_learning_rate = self.learning_rate * \\
                (1. / (1. + self.decay * self.iterations))
'''

_POST = '''
    def post_update_params(self):
        self.iterations += 1
'''

_OPTIMIZERS = {
    "sgd": '''
class Optimizer_SGD:

    def __init__(self, learning_rate=1., decay=0., momentum=0.):
        self.learning_rate = learning_rate
        self.current_learning_rate = learning_rate
        self.decay = decay
        self.iterations = 0
        self.momentum = momentum
''' + _DECAY + '''
    def update_params(self, layer):
        if self.momentum:
            # The first update creates the momentums, at zero
            if not hasattr(layer, 'weight_momentums'):
                layer.weight_momentums = np.zeros_like(layer.weights)
                layer.bias_momentums = np.zeros_like(layer.biases)
            # Part of the previous update, minus the scaled gradient
            weight_updates = \\
                self.momentum * layer.weight_momentums - \\
                self.current_learning_rate * layer.dweights
            layer.weight_momentums = weight_updates
            bias_updates = \\
                self.momentum * layer.bias_momentums - \\
                self.current_learning_rate * layer.dbiases
            layer.bias_momentums = bias_updates
        else:
            weight_updates = -self.current_learning_rate * \\
                layer.dweights
            bias_updates = -self.current_learning_rate * \\
                layer.dbiases
        layer.weights += weight_updates
        layer.biases += bias_updates
''' + _POST,
    "adagrad": '''
class Optimizer_Adagrad:

    def __init__(self, learning_rate=1., decay=0., epsilon=1e-7):
        self.learning_rate = learning_rate
        self.current_learning_rate = learning_rate
        self.decay = decay
        self.iterations = 0
        self.epsilon = epsilon
''' + _DECAY + '''
    def update_params(self, layer):
        if not hasattr(layer, 'weight_cache'):
            layer.weight_cache = np.zeros_like(layer.weights)
            layer.bias_cache = np.zeros_like(layer.biases)
        # Sum of squared gradients so far
        layer.weight_cache += layer.dweights**2
        layer.bias_cache += layer.dbiases**2
        # Steps shrink where gradients have been large
        layer.weights += -self.current_learning_rate * \\
            layer.dweights / \\
            (np.sqrt(layer.weight_cache) + self.epsilon)
        layer.biases += -self.current_learning_rate * \\
            layer.dbiases / \\
            (np.sqrt(layer.bias_cache) + self.epsilon)
''' + _POST,
    "rmsprop": '''
class Optimizer_RMSprop:

    def __init__(self, learning_rate=0.001, decay=0., epsilon=1e-7, rho=0.9):
        self.learning_rate = learning_rate
        self.current_learning_rate = learning_rate
        self.decay = decay
        self.iterations = 0
        self.epsilon = epsilon
        self.rho = rho
''' + _DECAY + '''
    def update_params(self, layer):
        if not hasattr(layer, 'weight_cache'):
            layer.weight_cache = np.zeros_like(layer.weights)
            layer.bias_cache = np.zeros_like(layer.biases)
        # A moving average of squared gradients
        layer.weight_cache = self.rho * layer.weight_cache + \\
            (1 - self.rho) * layer.dweights**2
        layer.bias_cache = self.rho * layer.bias_cache + \\
            (1 - self.rho) * layer.dbiases**2
        layer.weights += -self.current_learning_rate * \\
            layer.dweights / \\
            (np.sqrt(layer.weight_cache) + self.epsilon)
        layer.biases += -self.current_learning_rate * \\
            layer.dbiases / \\
            (np.sqrt(layer.bias_cache) + self.epsilon)
''' + _POST,
    "adam": '''
class Optimizer_Adam:

    def __init__(self, learning_rate=0.001, decay=0., epsilon=1e-7,
                 beta_1=0.9, beta_2=0.999):
        self.learning_rate = learning_rate
        self.current_learning_rate = learning_rate
        self.decay = decay
        self.iterations = 0
        self.epsilon = epsilon
        self.beta_1 = beta_1
        self.beta_2 = beta_2
''' + _DECAY + '''
    def update_params(self, layer):
        if not hasattr(layer, 'weight_cache'):
            layer.weight_momentums = np.zeros_like(layer.weights)
            layer.weight_cache = np.zeros_like(layer.weights)
            layer.bias_momentums = np.zeros_like(layer.biases)
            layer.bias_cache = np.zeros_like(layer.biases)

        # Momentums: moving averages of the gradients
        layer.weight_momentums = self.beta_1 * \\
            layer.weight_momentums + \\
            (1 - self.beta_1) * layer.dweights
        layer.bias_momentums = self.beta_1 * \\
            layer.bias_momentums + \\
            (1 - self.beta_1) * layer.dbiases
        # Corrected for starting at zero (iterations counts from 0)
        weight_momentums_corrected = layer.weight_momentums / \\
            (1 - self.beta_1 ** (self.iterations + 1))
        bias_momentums_corrected = layer.bias_momentums / \\
            (1 - self.beta_1 ** (self.iterations + 1))
        # Caches: moving averages of the squared gradients
        layer.weight_cache = self.beta_2 * layer.weight_cache + \\
            (1 - self.beta_2) * layer.dweights**2
        layer.bias_cache = self.beta_2 * layer.bias_cache + \\
            (1 - self.beta_2) * layer.dbiases**2
        weight_cache_corrected = layer.weight_cache / \\
            (1 - self.beta_2 ** (self.iterations + 1))
        bias_cache_corrected = layer.bias_cache / \\
            (1 - self.beta_2 ** (self.iterations + 1))

        layer.weights += -self.current_learning_rate * \\
            weight_momentums_corrected / \\
            (np.sqrt(weight_cache_corrected) + self.epsilon)
        layer.biases += -self.current_learning_rate * \\
            bias_momentums_corrected / \\
            (np.sqrt(bias_cache_corrected) + self.epsilon)
''' + _POST,
}

_OPTIMIZER_CLASSES = {"sgd": "Optimizer_SGD", "adagrad": "Optimizer_Adagrad",
                      "rmsprop": "Optimizer_RMSprop", "adam": "Optimizer_Adam"}
_ACTIVATION_CLASSES = {Activation_Tanh: "Activation_Tanh"}


# -- a Model ------------------------------------------------------------------------------------


def _model_script(model: Model, epochs: int | None, note: str) -> str:
    spec = model.spec
    state = model.snapshot()
    start = model.iteration
    end = start + epochs if epochs else (BOOK_EPOCHS if start < BOOK_EPOCHS
                                         else start + BOOK_EPOCHS - 1)
    book = spec["numerics"] == "book"
    dropout = any(hidden["dropout"] > 0 for hidden in spec["hidden"])
    activations = [_activation_class(layer) for name, layer in model.layers
                   if name.startswith("activation")]
    optimizer = spec["optimizer"]["name"]
    data = spec["data"]
    numerics = ("Book numerics: nnfs.init() makes numpy compute as the book does (float32)."
                if book else "Native numerics: plain float64 numpy, so no nnfs.init().")
    parts = [_docstring(f"{model.title}.",
                        f"Trains on from epoch {start} ({start} iterations done) with the "
                        "values the app had there: "
                        "weights, biases, the optimizer's state and the data, user points "
                        "included. It prints the book's epoch lines, the ones the app prints.",
                        numerics, note),
             "import numpy as np\n" + ("import nnfs\n" if book else "")
             + f"from nnfs.datasets import {data['kind']}_data\n"]
    if book:
        parts.append("nnfs.init()\n")
    parts += [_DENSE]
    if dropout:
        parts.append(_DROPOUT)
    parts += [_ACTIVATIONS[name] for name in dict.fromkeys(activations)]
    parts += [_SOFTMAX_AND_LOSS, _OPTIMIZERS[optimizer]]
    parts.append(_data_lines(spec, book))
    parts.append(_network_lines(model, activations))
    parts.append(_state_lines(model, state, start, dropout))
    parts.append(_model_loop(model, start, end))
    return _join(parts)


def _activation_class(layer) -> str:
    return _ACTIVATION_CLASSES.get(type(layer), type(layer).__name__)


def _data_lines(spec: dict, book: bool) -> str:
    data = spec["data"]
    lines = ["", "# The data set"]
    if spec["seed"] != 0 or not book:  # nnfs.init() seeds 0 itself
        lines.append(f"np.random.seed({spec['seed']})")
    lines.append(f"X, y = {data['kind']}_data(samples={data['samples']}, "
                 f"classes={data['classes']})")
    if spec["points"]:
        lines += ["# The points added by hand in the app: x, y, class",
                  _assignment("added", np.array(spec["points"], dtype=np.float64)),
                  "X = np.concatenate([X, added[:, :2].astype(X.dtype)])",
                  "y = np.concatenate([y, added[:, 2].astype(y.dtype)])"]
    return "\n".join(lines) + "\n"


def _network_lines(model: Model, activations: list[str]) -> str:
    spec = model.spec
    lines = ["", "# The network"]
    widths = [model.X.shape[1]] + [hidden["neurons"] for hidden in spec["hidden"]]
    layers = [*spec["hidden"], spec["output"]]
    for number, (layer, n_in) in enumerate(zip(layers, widths, strict=True), start=1):
        n_out = layer["neurons"] if number <= len(spec["hidden"]) else spec["data"]["classes"]
        options = "".join(f", {key[:-3]}_regularizer_{key[-2:]}={layer[key]!r}"
                          for key in ("weight_l1", "weight_l2", "bias_l1", "bias_l2")
                          if layer[key] > 0)
        lines.append(f"dense{number} = Layer_Dense({n_in}, {n_out}{options})")
        if number <= len(spec["hidden"]):
            lines.append(f"activation{number} = {activations[number - 1]}()")
            if layer["dropout"] > 0:
                lines.append(f"dropout{number} = Layer_Dropout({layer['dropout']!r})")
    lines.append("loss_activation = Activation_Softmax_Loss_CategoricalCrossentropy()")
    settings = model.hyperparameters()
    name = spec["optimizer"]["name"]
    changed = ", ".join(f"{key}={value!r}" for key, value in settings.items()
                        if value != HYPERPARAMETERS[name][key])
    lines.append(f"optimizer = {_OPTIMIZER_CLASSES[name]}({changed})")
    return "\n".join(lines) + "\n"


def _state_lines(model: Model, state: dict, start: int, dropout: bool) -> str:
    lines = ["", f"# Where the app stood: {start} iterations done"]
    for name, saved in state["layers"].items():
        for attribute, array in saved.items():
            lines.append(_assignment(f"{name}.{attribute}", array))
    optimizer = state["optimizer"]
    lines += [f"optimizer.iterations = {optimizer['iterations']!r}",
              f"optimizer.current_learning_rate = {optimizer['current_learning_rate']!r}"]
    if dropout:
        kind, keys, position, has_gauss, cached = state["random"]
        lines += ["# Dropout draws its masks from numpy's random stream: continue it where "
                  "the app's stream is",
                  _assignment("random_keys", keys),
                  f"np.random.set_state(({kind!r}, random_keys, {position!r}, {has_gauss!r}, "
                  f"{float(cached)!r}))"]
    return "\n".join(lines) + "\n"


def _model_loop(model: Model, start: int, end: int) -> str:
    every = model.spec["print_every"]
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
             [f"if not epoch % {every}:", *("    " + line for line in printed)]}
    return ("\n# Train on from there, one line per operation the app steps through\n"
            f"for epoch in range({start}, {end}):\n"
            + _loop_body(model.operations(), after, {**_PHASES, "loss": "Loss and accuracy"}))


# -- a seed example -------------------------------------------------------------------------------


def _seed_script(example: SingleNeuron | LayerOfThree, epochs: int | None, note: str) -> str:
    start = example.iteration
    end = start + epochs if epochs else (SEED_ITERATIONS if start < SEED_ITERATIONS
                                         else start + SEED_ITERATIONS)
    neuron = isinstance(example, SingleNeuron)
    parts = [_docstring(f"The seed notebook's {'single neuron' if neuron else 'layer of 3 neurons'}"
                        ", as the app runs it.",
                        f"Trains on after {start} iterations with the values the app had "
                        "there and prints the notebook's lines, the ones the app prints.",
                        "nnfs.init() makes np.dot compute as the notebook's did.", note),
             "import numpy as np\nimport nnfs\n", "nnfs.init()\n"]
    values = [_assignment(name, example.ns[name]) for name in example._parameters]
    parts.append(f"\n# Where the app stood: {start} iterations done\n" + "\n".join(values) + "\n")
    if neuron:
        parts.append("def relu(x):\n    return np.maximum(0, x)\n\n\n"
                     "def relu_derivative(x):\n    return np.where(x > 0, 1.0, 0.0)\n")
        printed = ['print(f"Iteration {iteration + 1}, Loss: {loss}")']
        final = ['print("Final weights:", weights)', 'print("Final bias:", bias)']
    else:
        parts.append("# The notebook's ReLU, with its derivative\nclass Activation_ReLU:\n"
                     "    def forward(self, inputs):\n        return np.maximum(0, inputs)\n\n"
                     "    def derivative(self, inputs):\n"
                     "        return np.where(inputs > 0, 1, 0)\n\n\nrelu = Activation_ReLU()\n")
        printed = ["if iteration % 20 == 0:", '    print(f"Iteration {iteration}, Loss: {l}")']
        final = ['print("Final weights:\\n", W)', 'print("Final biases:\\n", B)']
    last = example.operations()[-1].name
    loop = ("\n# Train on from there, one line per operation the app steps through\n"
            f"for iteration in range({start}, {end}):\n"
            + _loop_body(example.operations(), {last: printed}))
    if end == SEED_ITERATIONS:  # the notebook prints the final values after its 200 iterations
        loop += "\n" + "\n".join(final) + "\n"
    parts.append(loop)
    return _join(parts)


# -- text -----------------------------------------------------------------------------------------


def _loop_body(operations: list[Operation], after: dict[str, list[str]],
               phases: dict[str, str] = _PHASES) -> str:
    """The operations' lines, grouped under a comment per phase, with `after[name]` following
    the operation called name."""
    lines, phase = [], None
    for operation in operations:
        if operation.phase != phase:
            phase = operation.phase
            lines += (["", f"# {phases[phase]}"] if lines else [f"# {phases[phase]}"])
        lines += _code(operation.code)
        if operation.name in after:
            lines += ["", *after[operation.name]]
    return "".join(f"    {line}\n" if line else "\n" for line in lines)


def _docstring(*paragraphs: str) -> str:
    text = "\n\n".join(textwrap.fill(paragraph, _WIDTH) for paragraph in paragraphs if paragraph)
    return f'"""Exported from Backprop Playground.\n\n{text}\n"""\n'


def _assignment(name: str, value) -> str:
    """`name = literal`, on one line if it fits, else one row (or run of values) per line.

    A notebook scalar keeps its type, which decides the arithmetic: a float32 plus a Python
    float stays float32, plus a numpy float64 does not.
    """
    if not isinstance(value, np.ndarray):
        if isinstance(value, np.floating):
            return f"{name} = np.{value.dtype.name}({float(value)!r})"
        return f"{name} = {value!r}"
    dtype = {np.dtype(np.float32): ", dtype=np.float32", np.dtype(np.uint32): ", dtype=np.uint32"}
    suffix = dtype.get(value.dtype, "")
    values = value.tolist() if value.dtype.kind in "iu" else value.astype(np.float64).tolist()
    line = f"{name} = np.array({values!r}{suffix})"
    if len(line) <= _WIDTH:
        return line
    if value.ndim == 2:
        body = "".join(f"    {_wrapped(row, '    ')},\n" for row in values)
    else:
        text = ", ".join(repr(item) for item in values)
        body = "".join(f"    {line}\n" for line in textwrap.wrap(
            text, _WIDTH - 4, break_long_words=False, break_on_hyphens=False))
    return f"{name} = np.array([\n{body}]{suffix})"


def _wrapped(values: list, indent: str) -> str:
    """[v, v, ...] broken at commas to fit the line width, continuation lines under the first."""
    text = ", ".join(repr(value) for value in values)
    lines = textwrap.wrap(text, _WIDTH - len(indent) - 1, break_long_words=False,
                          break_on_hyphens=False) or [""]
    return "[" + ("\n" + indent + " ").join(lines) + "]"


def _code(line: str) -> list[str]:
    """An operation's line, a long sum split over lines with backslashes as the book does."""
    if len(line) <= _WIDTH - 4 or " = " not in line or " + " not in line:
        return [line]
    target, _, terms = line.partition(" = ")
    parts = terms.split(" + ")
    return [f"{target} = \\", *(f"    {part} + \\" for part in parts[:-1]), f"    {parts[-1]}"]


def _join(parts: list[str]) -> str:
    """Parts separated as PEP 8 separates them: two blank lines around a class or function,
    one elsewhere."""
    text, previous_definition = parts[0].strip("\n"), False
    for part in parts[1:]:
        part = part.strip("\n")
        code = next(line for line in part.splitlines() if not line.startswith("#"))
        definition = code.startswith(("class ", "def "))
        text += ("\n\n\n" if definition or previous_definition else "\n\n") + part
        previous_definition = definition
    return text + "\n"


__all__ = ["BOOK_EPOCHS", "export_script"]
