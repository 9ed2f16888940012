"""The network to train: hidden layers, optimizer, numerics, and when training should stop.

Two kinds of change leave this dock, matching what engine.training.model.Model can do. A change of
shape (layers, neurons, activations, dropout), of L1/L2 strength (the model decides at build
time whether its loss has a regularization term), of optimizer kind or of numerics needs a new
model, built again from the same seed: `architecture_changed` carries the whole network part of
the spec. A change of an optimizer setting (learning rate, decay, momentum, epsilon, rho, betas)
takes effect at the next step with no reset: `hyperparameters_changed` carries only what
changed, by the book's attribute names, ready for `Stepper.set_hyperparameters(**values)`.

Ranges (the boxes refuse anything else with a message and keep their value): learning rate
1e-6 to 100 and epsilon 1e-10 to 1, stepping 1-2-5 per decade; decay and L1/L2 0 to 1, same
steps; momentum, rho and the betas 0 to 0.9999 (the book divides by 1 - beta); dropout 0 to 0.9
(the fraction of neurons dropped, as the book's Layer_Dropout(rate) takes it).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from gui.shell.theme import current_theme
from gui.widgets.blocking import signals_blocked
from gui.widgets.input_boxes import ChoiceBox, IntBox, RealBox

MAX_HIDDEN_LAYERS = 4
ACTIVATIONS = (("relu", "ReLU"), ("sigmoid", "Sigmoid"), ("linear", "Linear"), ("tanh", "Tanh"))
# engine.training.model's keys for Layer_Dense's weight_regularizer_l1, bias_regularizer_l1, ...
REGULARIZERS = (
    ("weight_l1", "L1 weights"),
    ("bias_l1", "L1 biases"),
    ("weight_l2", "L2 weights"),
    ("bias_l2", "L2 biases"),
)
NUMERICS = (("book", "Book (float32)"), ("native", "Native (float64)"))


def _rate(default: float) -> tuple:
    return ("learning_rate", "Learning rate", 1e-6, 100.0, default, 0.0, True)


def _decay(default: float) -> tuple:
    return ("decay", "Decay", 0.0, 1.0, default, 0.0, True)


def _fraction(key: str, label: str, default: float, step: float) -> tuple:
    return (key, label, 0.0, 0.9999, default, step, False)


_EPSILON = ("epsilon", "Epsilon", 1e-10, 1.0, 1e-7, 0.0, True)
# (key, label, parameters); each parameter is (key, label, minimum, maximum, default, step,
# log steps). Defaults are the settings chapter 10 trains the spiral with for each optimizer.
OPTIMIZERS = (
    ("sgd", "SGD", (_rate(1.0), _decay(1e-3), _fraction("momentum", "Momentum", 0.9, 0.05))),
    ("adagrad", "Adagrad", (_rate(1.0), _decay(1e-4), _EPSILON)),
    ("rmsprop", "RMSprop", (_rate(0.02), _decay(1e-5), _EPSILON,
                            _fraction("rho", "Rho", 0.999, 0.01))),
    ("adam", "Adam", (_rate(0.05), _decay(5e-7), _EPSILON,
                      _fraction("beta_1", "Beta 1", 0.9, 0.01),
                      _fraction("beta_2", "Beta 2", 0.999, 0.001))),
)
DEFAULT_OPTIMIZER = "adam"


def _regularizer_boxes(where: str) -> dict[str, RealBox]:
    return {key: RealBox(f"{where} {label}", 0.0, 1.0, 0.0, log_steps=True)
            for key, label in REGULARIZERS}


def _add_regularizer_rows(grid: QGridLayout, boxes: dict[str, RealBox], first_row: int) -> None:
    for position, (key, label) in enumerate(REGULARIZERS):
        row, column = first_row + position // 2, 2 * (position % 2)
        grid.addWidget(QLabel(label), row, column)
        grid.addWidget(boxes[key], row, column + 1)


class _LayerInputs(QGroupBox):
    """One hidden layer's neurons, activation, dropout and regularization strengths."""

    def __init__(self, index: int) -> None:
        super().__init__(f"Hidden layer {index + 1} (dense{index + 1})")
        self.neurons = IntBox(f"Layer {index + 1} neurons", 1, 256, 64)
        self.activation = ChoiceBox()
        for key, label in ACTIVATIONS:
            self.activation.addItem(label, key)
        self.dropout = RealBox(f"Layer {index + 1} dropout", 0.0, 0.9, 0.0, step=0.05)
        self.dropout.setToolTip("Fraction of this layer's outputs dropped in each training step "
                                "(0 = no dropout layer)")
        self.regularizers = _regularizer_boxes(f"Layer {index + 1}")
        grid = QGridLayout(self)
        grid.addWidget(QLabel("Neurons"), 0, 0)
        grid.addWidget(self.neurons, 0, 1)
        grid.addWidget(QLabel("Activation"), 0, 2)
        grid.addWidget(self.activation, 0, 3)
        grid.addWidget(QLabel("Dropout"), 1, 0)
        grid.addWidget(self.dropout, 1, 1)
        _add_regularizer_rows(grid, self.regularizers, 2)

    def spec(self) -> dict:
        layer = {"neurons": self.neurons.value(), "activation": self.activation.currentData(),
                 "dropout": self.dropout.value()}
        layer.update({key: box.value() for key, box in self.regularizers.items()})
        return layer

    def set_spec(self, layer: dict) -> None:
        self.neurons.setValue(layer.get("neurons", 64))
        self.activation.setCurrentIndex(self.activation.findData(layer.get("activation", "relu")))
        self.dropout.setValue(layer.get("dropout", 0.0))
        for key, box in self.regularizers.items():
            box.setValue(layer.get(key, 0.0))

    def widgets(self) -> list[QWidget]:
        return [self.neurons, self.activation, self.dropout, *self.regularizers.values()]


class NetworkDock(QWidget):
    """Inputs for the network's shape, its optimizer, its numerics and the stop conditions."""

    # (dict) {"hidden": [{"neurons", "activation", "dropout", "weight_l1", "weight_l2",
    #  "bias_l1", "bias_l2"}], "output": {"weight_l1", ...}, "optimizer": {"name",
    #  "learning_rate", "decay", ...}, "numerics": "book" | "native"}, the network part of an
    #  engine.training.model spec: a new model is needed
    architecture_changed = Signal(dict)
    # (dict) {optimizer setting: float} of what changed, e.g. {"learning_rate": 0.02}:
    # applies at the next step, no reset
    hyperparameters_changed = Signal(dict)
    # (dict) {"max_epochs": int | None, "target_loss": float | None,
    #  "target_accuracy": float | None}: None means that condition is off
    stop_conditions_changed = Signal(dict)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hidden_count = IntBox("Hidden layers", 0, MAX_HIDDEN_LAYERS, 1)
        self.layers = [_LayerInputs(index) for index in range(MAX_HIDDEN_LAYERS)]
        self.output_group = QGroupBox("Output layer")
        self.output_note = QLabel("Dense to one neuron per class, Softmax, "
                                  "categorical cross-entropy")
        self.output_note.setWordWrap(True)
        self.output_regularizers = _regularizer_boxes("Output layer")
        output_grid = QGridLayout(self.output_group)
        output_grid.addWidget(self.output_note, 0, 0, 1, 4)
        _add_regularizer_rows(output_grid, self.output_regularizers, 1)

        self.optimizer_box = ChoiceBox()
        self.optimizer_pages = QStackedWidget()
        self.optimizer_inputs: dict[str, dict[str, RealBox]] = {}
        for key, label, parameters in OPTIMIZERS:
            self.optimizer_box.addItem(label, key)
            page = QWidget()
            form = QFormLayout(page)
            form.setContentsMargins(0, 0, 0, 0)
            boxes = {}
            for name, text, low, high, default, step, log in parameters:
                boxes[name] = RealBox(f"{label} {text.lower()}", low, high, default,
                                      step=step or 0.01, log_steps=log)
                form.addRow(text, boxes[name])
            self.optimizer_inputs[key] = boxes
            self.optimizer_pages.addWidget(page)
        self.numerics_box = ChoiceBox()
        for key, label in NUMERICS:
            self.numerics_box.addItem(label, key)
        self.numerics_box.setToolTip("Book: the same float32 numbers the book prints. "
                                     "Native: float64 throughout.")
        self.hidden_count.setMinimumWidth(60)

        self.max_epochs_on = QCheckBox("Stop after epoch")
        self.max_epochs = IntBox("Epoch budget", 1, 10_000_000, 10_000)
        self.target_loss_on = QCheckBox("Stop at loss ≤")
        self.target_loss = RealBox("Target loss", 0.0, 100.0, 0.1, log_steps=True)
        self.target_accuracy_on = QCheckBox("Stop at accuracy ≥")
        self.target_accuracy = RealBox("Target accuracy", 0.0, 1.0, 0.95, step=0.01)
        self.max_epochs_on.setChecked(True)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {current_theme().negative};")

        self._build_layout()
        self.optimizer_box.setCurrentIndex(self.optimizer_box.findData(DEFAULT_OPTIMIZER))
        self._set_optimizer_page(DEFAULT_OPTIMIZER)
        self._show_layer_count()
        self._sync_stop_inputs()
        self._remembered = self.hyperparameters()
        self._connect()

    # -- reading and setting ------------------------------------------------------------------

    def architecture(self) -> dict:
        """The network part of the spec the inputs describe, as `architecture_changed` sends it."""
        name = self.optimizer_box.currentData()
        optimizer = {"name": name}
        optimizer.update({key: box.value() for key, box in self.optimizer_inputs[name].items()})
        return {
            "hidden": [layer.spec() for layer in self.layers[: self.hidden_count.value()]],
            "output": {key: box.value() for key, box in self.output_regularizers.items()},
            "optimizer": optimizer,
            "numerics": self.numerics_box.currentData(),
        }

    def hyperparameters(self) -> dict[str, float]:
        """The chosen optimizer's settings, which can change between steps."""
        values = dict(self.architecture()["optimizer"])
        del values["name"]
        return values

    def stop_conditions(self) -> dict:
        """The stop conditions as `stop_conditions_changed` sends them (None: off)."""
        return {
            "max_epochs": self.max_epochs.value() if self.max_epochs_on.isChecked() else None,
            "target_loss": self.target_loss.value() if self.target_loss_on.isChecked() else None,
            "target_accuracy": (self.target_accuracy.value()
                                if self.target_accuracy_on.isChecked() else None),
        }

    def set_architecture(self, spec: dict) -> None:
        """Show a network spec set from code (a preset, a loaded session) without echoing it.

        Accepts a whole model spec too: keys other than hidden, output, optimizer and numerics
        are ignored; missing per-layer keys get their defaults.
        """
        with signals_blocked(self._all_inputs()):
            hidden = spec.get("hidden", [])
            self.hidden_count.setValue(len(hidden))
            for layer, layer_spec in zip(self.layers, hidden, strict=False):
                layer.set_spec(layer_spec)
            output = spec.get("output", {})
            for key, box in self.output_regularizers.items():
                box.setValue(output.get(key, 0.0))
            optimizer = spec.get("optimizer", {})
            name = optimizer.get("name", self.optimizer_box.currentData())
            self.optimizer_box.setCurrentIndex(self.optimizer_box.findData(name))
            for key, box in self.optimizer_inputs[name].items():
                if key in optimizer:
                    box.setValue(optimizer[key])
            if "numerics" in spec:
                self.numerics_box.setCurrentIndex(self.numerics_box.findData(spec["numerics"]))
            self._set_optimizer_page(name)
            self._show_layer_count()
        self._remembered = self.hyperparameters()

    def set_stop_conditions(self, conditions: dict) -> None:
        """Show stop conditions set from code (None: off) without echoing them."""
        pairs = ((self.max_epochs_on, self.max_epochs, "max_epochs"),
                 (self.target_loss_on, self.target_loss, "target_loss"),
                 (self.target_accuracy_on, self.target_accuracy, "target_accuracy"))
        with signals_blocked([widget for check, box, _ in pairs for widget in (check, box)]):
            for check, box, key in pairs:
                value = conditions.get(key)
                check.setChecked(value is not None)
                if value is not None:
                    box.setValue(value)
        self._sync_stop_inputs()

    # -- layout and wiring ----------------------------------------------------------------------

    def _build_layout(self) -> None:
        network = QGroupBox("Network")
        network_layout = QVBoxLayout(network)
        count_row = QHBoxLayout()
        count_row.addWidget(QLabel("Hidden layers"))
        count_row.addWidget(self.hidden_count)
        count_row.addStretch(1)
        count_row.addWidget(QLabel("Numerics"))
        count_row.addWidget(self.numerics_box)
        network_layout.addLayout(count_row)
        for layer in self.layers:
            network_layout.addWidget(layer)
        network_layout.addWidget(self.output_group)

        optimizer = QGroupBox("Optimizer")
        optimizer_layout = QFormLayout(optimizer)
        optimizer_layout.addRow("Optimizer", self.optimizer_box)
        optimizer_layout.addRow(self.optimizer_pages)

        training = QGroupBox("Training stops")
        training_layout = QGridLayout(training)
        for row, (check, box) in enumerate(((self.max_epochs_on, self.max_epochs),
                                            (self.target_loss_on, self.target_loss),
                                            (self.target_accuracy_on, self.target_accuracy))):
            training_layout.addWidget(check, row, 0)
            training_layout.addWidget(box, row, 1)

        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addWidget(network)
        layout.addWidget(optimizer)
        layout.addWidget(training)
        layout.addStretch(1)
        # Four hidden layers are taller than a screen: the inputs scroll, the message stays.
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(content)
        scrollbar = scroll.verticalScrollBar().sizeHint().width()
        self.setMinimumWidth(content.minimumSizeHint().width() + scrollbar)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll, 1)
        outer.addWidget(self.message)

    def _connect(self) -> None:
        self.hidden_count.valueChanged.connect(self._on_structure_changed)
        self.optimizer_box.currentIndexChanged.connect(self._on_structure_changed)
        self.numerics_box.currentIndexChanged.connect(self._on_structure_changed)
        for layer in self.layers:
            layer.neurons.valueChanged.connect(self._on_structure_changed)
            layer.activation.currentIndexChanged.connect(self._on_structure_changed)
            layer.dropout.valueChanged.connect(self._on_structure_changed)
            for box in layer.regularizers.values():
                box.valueChanged.connect(self._on_structure_changed)
        for box in self.output_regularizers.values():
            box.valueChanged.connect(self._on_structure_changed)
        for boxes in self.optimizer_inputs.values():
            for box in boxes.values():
                box.valueChanged.connect(self._on_hyperparameter_changed)
        for check in (self.max_epochs_on, self.target_loss_on, self.target_accuracy_on):
            check.toggled.connect(self._on_stop_input_changed)
        for box in (self.max_epochs, self.target_loss, self.target_accuracy):
            box.valueChanged.connect(self._on_stop_input_changed)
        for box in self._number_boxes():
            box.refused.connect(self._on_box_refused)

    def _number_boxes(self) -> list[IntBox | RealBox]:
        boxes = [self.hidden_count, self.max_epochs, self.target_loss, self.target_accuracy,
                 *self.output_regularizers.values()]
        for layer in self.layers:
            boxes += [layer.neurons, layer.dropout, *layer.regularizers.values()]
        for inputs in self.optimizer_inputs.values():
            boxes += inputs.values()
        return boxes

    def _all_inputs(self) -> list[QWidget]:
        widgets: list[QWidget] = [self.hidden_count, self.optimizer_box, self.numerics_box,
                                  *self.output_regularizers.values()]
        for layer in self.layers:
            widgets += layer.widgets()
        for inputs in self.optimizer_inputs.values():
            widgets += inputs.values()
        return widgets

    def _set_optimizer_page(self, name: str) -> None:
        self.optimizer_pages.setCurrentIndex(self.optimizer_box.findData(name))

    def _show_layer_count(self) -> None:
        for index, layer in enumerate(self.layers):
            layer.setVisible(index < self.hidden_count.value())
        self.output_group.setTitle(f"Output layer (dense{self.hidden_count.value() + 1})")

    def _sync_stop_inputs(self) -> None:
        self.max_epochs.setEnabled(self.max_epochs_on.isChecked())
        self.target_loss.setEnabled(self.target_loss_on.isChecked())
        self.target_accuracy.setEnabled(self.target_accuracy_on.isChecked())

    # -- handlers -----------------------------------------------------------------------------

    def _on_structure_changed(self) -> None:
        """Show the chosen layers and optimizer page, and ask for a rebuilt model."""
        self._set_optimizer_page(self.optimizer_box.currentData())
        self._show_layer_count()
        self.message.clear()
        self._remembered = self.hyperparameters()
        self.architecture_changed.emit(self.architecture())

    def _on_hyperparameter_changed(self) -> None:
        """Send only the values that changed since last sent, for the next step."""
        current = self.hyperparameters()
        changed = {key: value for key, value in current.items()
                   if self._remembered.get(key) != value}
        self._remembered = current
        self.message.clear()
        if changed:
            self.hyperparameters_changed.emit(changed)

    def _on_stop_input_changed(self) -> None:
        """Enable the inputs whose condition is on, and send the conditions."""
        self._sync_stop_inputs()
        self.message.clear()
        self.stop_conditions_changed.emit(self.stop_conditions())

    def _on_box_refused(self, text: str) -> None:
        """Say why typed input was refused; the box has kept its value."""
        self.message.setText(text)
