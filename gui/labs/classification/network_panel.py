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

from engine.limits import OFFERED_HIDDEN_LAYERS
from gui.labs.classification.network_inputs import (
    DEFAULT_OPTIMIZER,
    LOSS_LABELS,
    LOSS_NOTES,
    NUMERICS,
    OPTIMIZERS,
    LayerInputs,
    add_regularizer_rows,
    regularizer_boxes,
)
from gui.shell.theme import current_theme
from gui.widgets.blocking import signals_blocked
from gui.widgets.input_boxes import ChoiceBox, IntBox, RealBox

MAX_HIDDEN_LAYERS = OFFERED_HIDDEN_LAYERS  # the one table of limits: engine/limits.py


class NetworkDock(QWidget):
    """Inputs for the network's shape, its optimizer, its numerics and the stop conditions."""

    # (dict) {"hidden": [{"neurons", "activation", "dropout", "weight_l1", "weight_l2",
    #  "bias_l1", "bias_l2"}], "output": {"weight_l1", ...}, "loss": "categorical_crossentropy"
    #  | ..., "optimizer": {"name",
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
        self._make_network_inputs()
        self._make_optimizer_inputs()
        self._make_stop_inputs()
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

    def _make_network_inputs(self) -> None:
        """The hidden layers (all built, as many shown as asked for) and the output layer."""
        self.hidden_count = IntBox("Hidden layers", 0, MAX_HIDDEN_LAYERS, 1)
        self.hidden_count.setMinimumWidth(60)
        self.layers = [LayerInputs(index) for index in range(MAX_HIDDEN_LAYERS)]
        self.output_group = QGroupBox("Output layer")
        # The output/loss pairs that fit the data (set_offered_losses); a new one rebuilds. One
        # row across the group, its note (output neurons, chapter) the tooltip: a label beside
        # it or a note under it made the panel wider than the left side at 1366x768 or taller
        # than the room for the optimizer's settings at 1600x1000.
        self.loss_box = ChoiceBox()
        self.set_offered_losses(tuple(LOSS_LABELS)[:2])
        self.output_regularizers = regularizer_boxes("Output layer")
        output_grid = QGridLayout(self.output_group)
        output_grid.addWidget(self.loss_box, 0, 0, 1, 4)
        add_regularizer_rows(output_grid, self.output_regularizers, 1)

    def _make_optimizer_inputs(self) -> None:
        """A page of settings per optimizer, the choice between them, and the numerics."""
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

    def _make_stop_inputs(self) -> None:
        """Each stop condition: a check box to switch it on and its value."""
        self.max_epochs_on = QCheckBox("Stop after epoch")
        self.max_epochs = IntBox("Epoch budget", 1, 10_000_000, 10_000)
        self.target_loss_on = QCheckBox("Stop at loss ≤")
        self.target_loss = RealBox("Target loss", 0.0, 100.0, 0.1, log_steps=True)
        self.target_accuracy_on = QCheckBox("Stop at accuracy ≥")
        self.target_accuracy = RealBox("Target accuracy", 0.0, 1.0, 0.95, step=0.01)
        self.max_epochs_on.setChecked(True)

    # -- reading and setting ------------------------------------------------------------------

    def architecture(self) -> dict:
        """The network part of the spec the inputs describe, as `architecture_changed` sends it."""
        name = self.optimizer_box.currentData()
        optimizer = {"name": name}
        optimizer.update({key: box.value() for key, box in self.optimizer_inputs[name].items()})
        return {
            "hidden": [layer.spec() for layer in self.layers[: self.hidden_count.value()]],
            "output": {key: box.value() for key, box in self.output_regularizers.items()},
            "loss": self.loss_box.currentData(),
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
            if spec.get("loss") is not None and self.loss_box.findData(spec["loss"]) >= 0:
                self.loss_box.setCurrentIndex(self.loss_box.findData(spec["loss"]))
            self._show_loss_note()
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

    def set_offered_losses(self, losses: tuple[str, ...]) -> None:
        """Offer only these output/loss pairs (engine.training.spec names: those that fit the
        data), keeping the chosen one if it is among them; no echo."""
        if tuple(self.loss_box.itemData(i) for i in range(self.loss_box.count())) == losses:
            return
        chosen = self.loss_box.currentData()
        with signals_blocked([self.loss_box]):
            self.loss_box.clear()
            for index, loss in enumerate(losses):
                self.loss_box.addItem(LOSS_LABELS[loss], loss)
                self.loss_box.setItemData(index, LOSS_NOTES[loss], Qt.ItemDataRole.ToolTipRole)
            self.loss_box.setCurrentIndex(max(self.loss_box.findData(chosen), 0))
        self._show_loss_note()

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
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addWidget(self._network_group())
        layout.addWidget(self._optimizer_group())
        layout.addWidget(self._stops_group())
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

    def _network_group(self) -> QGroupBox:
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
        return network

    def _optimizer_group(self) -> QGroupBox:
        optimizer = QGroupBox("Optimizer")
        optimizer_layout = QFormLayout(optimizer)
        optimizer_layout.addRow("Optimizer", self.optimizer_box)
        optimizer_layout.addRow(self.optimizer_pages)
        return optimizer

    def _stops_group(self) -> QGroupBox:
        training = QGroupBox("Training stops")
        training_layout = QGridLayout(training)
        for row, (check, box) in enumerate(((self.max_epochs_on, self.max_epochs),
                                            (self.target_loss_on, self.target_loss),
                                            (self.target_accuracy_on, self.target_accuracy))):
            training_layout.addWidget(check, row, 0)
            training_layout.addWidget(box, row, 1)
        return training

    def _connect(self) -> None:
        self.hidden_count.valueChanged.connect(self._on_structure_changed)
        self.optimizer_box.currentIndexChanged.connect(self._on_structure_changed)
        self.numerics_box.currentIndexChanged.connect(self._on_structure_changed)
        self.loss_box.currentIndexChanged.connect(self._on_structure_changed)
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
                                  self.loss_box, *self.output_regularizers.values()]
        for layer in self.layers:
            widgets += layer.widgets()
        for inputs in self.optimizer_inputs.values():
            widgets += inputs.values()
        return widgets

    def _show_loss_note(self) -> None:
        """The chosen pair's note on the box, where hovering it shows."""
        loss = self.loss_box.currentData()
        if loss is not None:
            self.loss_box.setToolTip(LOSS_NOTES[loss])

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
        self._show_loss_note()
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
