"""Editors for every value the learner may change: inputs, weights, biases, target, learning rate.

One table per parameter of the Trainable, in its order, each cell typed or nudged. A toggle shows
each weight matrix either as the seed writes W (one neuron per row) or as Layer_Dense stores it
(`weights`, one input per row: W transposed), so the learner sees the transpose the book's
`np.dot(inputs, self.weights)` relies on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QFormLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from gui.controller.snapshot import Index, Snapshot
from gui.widgets.array_editor import ArrayEditor

LabelFunction = Callable[[int], str]


@dataclass(frozen=True)
class ParameterDescription:
    """How one parameter is introduced: its title, what its rows and columns mean, its step."""

    title: str
    row: LabelFunction | None = None  # label of row k (2-D, as the seed writes it)
    column: LabelFunction | None = None  # label of column k (the element k of a 1-D array)
    step: float | None = 0.01  # nudge step; None: relative to the value
    matrix_title: str = ""  # for 2-D: the seed's name, e.g. "W"
    stored_title: str = ""  # for 2-D: how Layer_Dense stores it, e.g. "dense.weights = W.T"


class ParametersPanel(QWidget):
    """Array editors built from the snapshot's parameters; edits leave as signals."""

    # (name, index tuple into the parameter as stored, value, edit session id)
    value_edited = Signal(str, object, float, int)
    # (name, index tuple, message) text typed into a cell that is not a number
    value_rejected = Signal(str, object, str)
    # (name, index tuple) the learner moved to this cell
    parameter_selected = Signal(str, object)
    # (bool) True: weight matrices shown as Layer_Dense stores them (transposed)
    transposed_changed = Signal(bool)

    def __init__(self, descriptions: Mapping[str, ParameterDescription] | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.descriptions = dict(descriptions or {})
        self.editors: dict[str, ArrayEditor] = {}
        self.titles: dict[str, QLabel] = {}
        self.transpose_box = QCheckBox("Show W as Layer_Dense stores it (W.T)")
        self.transpose_box.setToolTip(
            "The seed writes W with one row per neuron; the book's Layer_Dense keeps its "
            "transpose so that np.dot(inputs, weights) needs no .T in the forward pass.")
        self.transpose_box.hide()
        self._names: tuple[str, ...] = ()
        self._body = QWidget()
        self._form = QFormLayout(self._body)
        self._form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self._form.setContentsMargins(6, 6, 6, 6)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self._body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.transpose_box)
        layout.addWidget(scroll)
        self.transpose_box.toggled.connect(self._on_transpose_box_toggled)
        self._snapshot: Snapshot | None = None

    def set_descriptions(self, descriptions: Mapping[str, ParameterDescription]) -> None:
        """Titles and labels for the next scenario's parameters."""
        self.descriptions = dict(descriptions)
        self._names = ()

    def set_snapshot(self, snapshot: Snapshot) -> None:
        """Show the parameters' current values (the editors are rebuilt for a new scenario)."""
        self._snapshot = snapshot
        names = tuple(snapshot.parameters)
        if names != self._names:
            self._rebuild(snapshot)
        for name, editor in self.editors.items():
            self._show(name, editor, snapshot)

    def show_refusal(self, name: str, index: Index, message: str) -> None:
        """Say at the field why a value was refused."""
        editor = self.editors.get(name)
        if editor is not None:
            editor.show_error(message)

    def is_transposed(self) -> bool:
        return self.transpose_box.isChecked()

    def _rebuild(self, snapshot: Snapshot) -> None:
        while self._form.rowCount():
            self._form.removeRow(0)
        self.editors.clear()
        self.titles.clear()
        self._names = tuple(snapshot.parameters)
        has_matrix = False
        for name, array in snapshot.parameters.items():
            description = self.descriptions.get(name, ParameterDescription(name))
            editor = ArrayEditor(step=description.step)
            editor.setObjectName(f"editor_{name}")
            title = QLabel(description.title)
            title.setStyleSheet("font-weight: 600;")
            title.setWordWrap(True)
            self._form.addRow(title, editor)
            self.editors[name] = editor
            self.titles[name] = title
            has_matrix = has_matrix or array.ndim == 2
            editor.value_edited.connect(
                lambda index, value, session, name=name:
                self.value_edited.emit(name, index, value, session))
            editor.value_rejected.connect(
                lambda index, message, name=name: self.value_rejected.emit(name, index, message))
            editor.cell_selected.connect(
                lambda index, name=name: self.parameter_selected.emit(name, index))
        self.transpose_box.setVisible(has_matrix)

    def _show(self, name: str, editor: ArrayEditor, snapshot: Snapshot) -> None:
        array = snapshot.parameters[name]
        description = self.descriptions.get(name, ParameterDescription(name))
        transposed = self.is_transposed() and array.ndim == 2
        rows = columns = None
        if array.ndim == 2:
            rows = [description.row(k) if description.row else str(k + 1)
                    for k in range(array.shape[0])]
            columns = [description.column(k) if description.column else str(k + 1)
                       for k in range(array.shape[1])]
            if transposed:
                rows, columns = columns, rows
            title = description.stored_title if transposed else description.matrix_title
            self.titles[name].setText(title or description.title)
        elif array.ndim == 1:
            columns = [description.column(k) if description.column else str(k + 1)
                       for k in range(array.shape[0])]
        editor.set_array(array, transposed=transposed, row_labels=rows, column_labels=columns)
        selected = snapshot.selected
        editor.select(selected[1] if selected and selected[0] == name else None)

    def _on_transpose_box_toggled(self, transposed: bool) -> None:
        """Redraw the weight matrices the other way round."""
        if self._snapshot is not None:
            for name, editor in self.editors.items():
                self._show(name, editor, self._snapshot)
        self.transposed_changed.emit(transposed)
