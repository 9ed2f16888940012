"""Any layer's arrays as a tinted table: what it computed (output, dinputs, dweights, dbiases)
and, for a Dense layer, its weights and biases, which the learner can edit.

Arrays with a row per sample show a window of a few samples at a time, so a 300-sample
output stays a readable table instead of thousands of cells. Clicking a weight or bias selects
it for the chain rule panel; typing or nudging one asks the controller to set it (undoable).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from gui.controller.snapshot import Index, Snapshot
from gui.widgets.array_editor import ArrayEditor
from gui.widgets.input_boxes import IntBox

MAX_ROWS = 12  # samples shown at once, one row each, when the neurons fit across
MAX_COLUMNS = 6  # more neurons than this are shown one row per neuron...
SAMPLE_COLUMNS = 4  # ...with this many samples across
EDITABLE = ("weights", "biases")
# The order a learner meets them in: parameters, forward, backward, optimizer memory.
ATTRIBUTES = ("weights", "biases", "inputs", "output", "dinputs", "dweights", "dbiases",
              "binary_mask", "weight_momentums", "bias_momentums", "weight_cache", "bias_cache")
DESCRIPTIONS = {
    "weights": "weights (n_inputs, n_neurons): edit by typing, the wheel or Up/Down",
    "biases": "biases (1, n_neurons): edit by typing, the wheel or Up/Down",
    "inputs": "inputs (samples, n_inputs): what the forward pass received",
    "output": "output (samples, n): what the forward pass computed",
    "dinputs": "dinputs = dl/d(inputs) (samples, n_inputs): passed back to the layer before",
    "dweights": "dweights = dl/d(weights): inputs.T · dvalues",
    "dbiases": "dbiases = dl/d(biases): dvalues summed over the samples",
    "binary_mask": "binary_mask: which outputs dropout kept (scaled by 1 / (1 - rate))",
    "weight_momentums": "weight_momentums: the optimizer's running gradient",
    "bias_momentums": "bias_momentums: the optimizer's running gradient",
    "weight_cache": "weight_cache: the optimizer's running squared gradient",
    "bias_cache": "bias_cache: the optimizer's running squared gradient",
}


def _labels(attribute: str, shown: np.ndarray,
            first_sample: int | None) -> tuple[list[str], list[str]]:
    """Row and column headers of the shown array: samples from `first_sample` (None when the
    rows are not samples), inputs and neurons for weights, one unnamed row for biases."""
    if first_sample is not None:
        rows = [f"sample {i}" for i in range(first_sample, first_sample + len(shown))]
        columns = [f"neuron {j}" for j in range(shown.shape[-1])]
    else:
        rows = [str(i) for i in range(len(shown))]
        columns = [f"[{j}]" for j in range(shown.shape[-1])]
    if attribute in ("weights", "dweights", "weight_momentums", "weight_cache"):
        rows = [f"input {i}" for i in range(len(shown))]
        columns = [f"neuron {j}" for j in range(shown.shape[-1])]
    elif attribute in ("biases", "dbiases", "bias_momentums", "bias_cache"):
        rows = [""]
    return rows, columns


def layer_names(values: dict[str, np.ndarray]) -> list[str]:
    """The book objects that hold arrays, in forward order (dense1, activation1, ...)."""
    names: list[str] = []
    for key in values:
        owner, _, attribute = key.rpartition(".")
        if owner and owner != "optimizer" and attribute in ATTRIBUTES and owner not in names:
            names.append(owner)
    return names


class LayerInspector(QWidget):
    """A layer and one of its arrays, chosen from lists, shown as an ArrayEditor."""

    # (name e.g. "dense2.weights", index tuple, value, edit session) a typed or nudged value
    value_edited = Signal(str, object, float, int)
    # (name, index tuple, message) typed text that is not a number
    value_rejected = Signal(str, object, str)
    # (name, index tuple) a weight or bias clicked: show its chain rule
    parameter_selected = Signal(str, object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._make_inputs()
        self._lay_out()
        self._snapshot: Snapshot | None = None
        self._name = ""  # the book name shown, e.g. "dense1.weights"
        self._offset = 0  # first sample of the window shown
        self._auto_transpose = True
        self._connect()

    def _make_inputs(self) -> None:
        """The layer and array lists, the sample window, the orientation and the table."""
        self.layer_box = QComboBox()
        self.array_box = QComboBox()
        for box in (self.layer_box, self.array_box):
            box.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # keep Space and arrows for the window
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        # An IntBox: "1,5" or "-5" typed here is refused out loud (window_message), not misread.
        self.first_sample = IntBox("Samples from", 0, 0, 0)
        self.first_sample.setPrefix("samples from ")
        self.first_sample.setToolTip("The first sample shown (Enter to jump there)")
        self.window_message = QLabel()
        self.window_message.setWordWrap(True)
        self.window_message.setStyleSheet("color: #c0392b;")
        self.window_message.hide()
        self.transpose_box = QCheckBox("one row per neuron")
        self.transpose_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.transpose_box.setToolTip("Show the array transposed")
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setStyleSheet("color: gray;")
        self.editor = ArrayEditor(digits=4)
        self.empty = QLabel()
        self.empty.setWordWrap(True)

    def _lay_out(self) -> None:
        choose = QHBoxLayout()
        choose.addWidget(QLabel("Layer"))
        choose.addWidget(self.layer_box)
        choose.addWidget(QLabel("array"))
        choose.addWidget(self.array_box)
        choose.addStretch(1)
        window = QHBoxLayout()
        window.addWidget(self.first_sample)
        window.addWidget(self.transpose_box)
        window.addStretch(1)
        window.addWidget(self.window_message, 2)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addWidget(self.editor)
        body_layout.addWidget(self.empty)
        body_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(choose)
        layout.addLayout(window)
        layout.addWidget(self.description)
        layout.addWidget(scroll, 1)

    def _connect(self) -> None:
        self.layer_box.currentIndexChanged.connect(self._on_layer_box_changed)
        self.array_box.currentIndexChanged.connect(self._on_array_box_changed)
        self.first_sample.valueChanged.connect(self._on_first_sample_changed)
        self.first_sample.refused.connect(self._on_first_sample_refused)
        self.transpose_box.toggled.connect(self._on_transpose_box_toggled)
        self.editor.value_edited.connect(self._on_editor_value_edited)
        self.editor.value_rejected.connect(self._on_editor_value_rejected)
        self.editor.cell_selected.connect(self._on_editor_cell_selected)

    # --- showing -----------------------------------------------------------------------------

    def set_snapshot(self, snapshot: Snapshot) -> None:
        """Show the chosen array as it is in `snapshot`; keep the choice if it still exists."""
        self._snapshot = snapshot
        values, _ = snapshot.displayed()
        values = {**values, **snapshot.parameters}
        layers = layer_names(values)
        self._fill(self.layer_box, layers, self.layer_box.currentText() or
                   (layers[0] if layers else ""))
        self._fill_arrays(values)
        self._show(values)

    def show_array(self, name: str) -> None:
        """Choose `name` (e.g. "dense2.dweights") from code."""
        layer, _, attribute = name.rpartition(".")
        with QSignalBlocker(self.layer_box):
            self.layer_box.setCurrentText(layer)
        if self._snapshot is not None:
            self.set_snapshot(self._snapshot)
        self.array_box.setCurrentText(attribute)

    def shown_name(self) -> str:
        """The book name of the array on screen, e.g. "dense1.weights"."""
        return self._name

    def is_transposed(self) -> bool:
        """Whether the array is shown one row per neuron (transposed)."""
        return self.transpose_box.isChecked()

    def set_transposed(self, on: bool) -> None:
        """Choose the orientation from code as the learner's click does: kept for this array."""
        self.transpose_box.setChecked(on)

    def show_refusal(self, name: str, index: Index, message: str) -> None:
        """The controller refused an edit of the shown array: say why under the table."""
        if name == self._name:
            self.editor.show_error(message)

    def _fill(self, box: QComboBox, items: list[str], wanted: str) -> None:
        with QSignalBlocker(box):
            if [box.itemText(i) for i in range(box.count())] != items:
                box.clear()
                box.addItems(items)
            if items:
                box.setCurrentIndex(items.index(wanted) if wanted in items else 0)

    def _fill_arrays(self, values: dict[str, np.ndarray]) -> None:
        layer = self.layer_box.currentText()
        present = [a for a in ATTRIBUTES if f"{layer}.{a}" in values]
        # What each kind of layer is mostly about comes first when nothing was chosen yet.
        default = next((a for a in ("weights", "output", "dinputs") if a in present), "")
        self._fill(self.array_box, present, self.array_box.currentText() or default)

    def _show(self, values: dict[str, np.ndarray]) -> None:
        layer, attribute = self.layer_box.currentText(), self.array_box.currentText()
        name = f"{layer}.{attribute}"
        array = values.get(name)
        if array is None:
            self._show_not_computed()
            return
        if name != self._name:
            self._name = name
            self._offset = 0
            self._auto_transpose = True
            self.editor.clear_error()
        self.empty.hide()
        self.editor.show()
        self.description.setText(f"{layer}.{DESCRIPTIONS.get(attribute, attribute)}")
        array = np.asarray(array, dtype=float)
        if array.ndim == 0:
            array = array.reshape(1, 1)
        samples = self._sample_rows(array)
        if self._auto_transpose:
            self._set_transposed(array.ndim == 2 and array.shape[1] > MAX_COLUMNS)
        transposed = self.transpose_box.isChecked() and array.ndim == 2
        self.first_sample.setVisible(samples)
        shown = self._sample_window(array, transposed) if samples else array
        rows, columns = _labels(attribute, shown, self._offset if samples else None)
        if transposed:
            rows, columns = columns, rows
        self.editor.set_editable(attribute in EDITABLE and not samples)
        self.editor.set_array(shown, transposed=transposed, row_labels=rows,
                              column_labels=columns)
        selected = self._snapshot.selected if self._snapshot is not None else None
        self.editor.select(selected[1] if selected and selected[0] == name else None)

    def _show_not_computed(self) -> None:
        self._name = ""
        self.editor.hide()
        self.empty.setText("Not computed yet in this iteration: step forward (Right) to "
                           "the operation that computes it.")
        self.empty.show()
        self.first_sample.hide()

    def _sample_window(self, array: np.ndarray, transposed: bool) -> np.ndarray:
        """The few samples shown of an array with a row per sample, from the first one the
        learner chose (kept inside the array)."""
        window = SAMPLE_COLUMNS if transposed else MAX_ROWS
        self._offset = min(self._offset, len(array) - window)
        with QSignalBlocker(self.first_sample):
            self.first_sample.setRange(0, max(0, len(array) - window))
            self.first_sample.setSuffix(f" to {min(len(array), self._offset + window) - 1}"
                                        f" of {len(array)}")
            self.first_sample.setValue(self._offset)
        return array[self._offset:self._offset + window]

    def _sample_rows(self, array: np.ndarray) -> bool:
        """True when the rows are samples (the shown array is a window into them)."""
        samples = len(self._snapshot.values["X"]) if self._snapshot is not None and \
            "X" in self._snapshot.values else None
        return array.ndim == 2 and samples is not None and len(array) == samples and \
            len(array) > SAMPLE_COLUMNS

    def _set_transposed(self, on: bool) -> None:
        with QSignalBlocker(self.transpose_box):
            self.transpose_box.setChecked(on)

    def _redraw(self) -> None:
        if self._snapshot is not None:
            self.set_snapshot(self._snapshot)

    # --- handlers ----------------------------------------------------------------------------

    def _on_layer_box_changed(self, _index: int) -> None:
        """Another layer: show its first array."""
        with QSignalBlocker(self.array_box):
            self.array_box.clear()
        self._redraw()

    def _on_array_box_changed(self, _index: int) -> None:
        """Another array of the same layer."""
        self._redraw()

    def _on_first_sample_changed(self, value: int) -> None:
        """Scroll the window of samples."""
        self.window_message.hide()
        self._offset = value
        self._redraw()

    def _on_first_sample_refused(self, message: str) -> None:
        """Say why the typed first sample was not taken (the window stays where it was)."""
        self.window_message.setText(message)
        self.window_message.show()

    def _on_transpose_box_toggled(self, _on: bool) -> None:
        """The learner chose the orientation: keep it for this array."""
        self._auto_transpose = False
        self._redraw()

    def _on_editor_value_edited(self, index: Index, value: float, session: int) -> None:
        """A typed or nudged weight or bias: ask the controller."""
        self.value_edited.emit(self._name, tuple(index), value, session)

    def _on_editor_value_rejected(self, index: Index, message: str) -> None:
        """Typed text that is not a number."""
        self.value_rejected.emit(self._name, tuple(index), message)

    def _on_editor_cell_selected(self, index: Index) -> None:
        """A clicked weight or bias gets its chain rule shown."""
        if self._name.rpartition(".")[2] in EDITABLE:
            self.parameter_selected.emit(self._name, tuple(index))
