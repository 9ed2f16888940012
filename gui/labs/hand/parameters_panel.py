"""Editors for every value the learner may change: inputs, weights, biases, target, learning rate.

One table per parameter of the Trainable, in its order, each cell typed or nudged. A toggle shows
each weight matrix either as the seed writes W (one neuron per row) or as Layer_Dense stores it
(`weights`, one input per row: W transposed), so the learner sees the transpose the book's
`np.dot(inputs, self.weights)` relies on. Above the tables, a choice of numerics (the book's
float32 dot product or the notebook's float64) and one line that says why a value was refused:
it keeps its place, so a refusal never pushes the tables down, and clears on the next good edit
or after a few seconds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from gui.controller.snapshot import Index, Snapshot
from gui.widgets.array_editor import ArrayEditor
from gui.widgets.blocking import signals_blocked
from gui.widgets.cell_values import format_value
from gui.widgets.text_style import ERROR_COLOUR, MUTED_COLOUR, style_text

LabelFunction = Callable[[int], str]
REFUSAL_MS = 6000  # a refusal stays this long unless a good edit clears it sooner
HINT = "Type or nudge any value (wheel, Up/Down; Shift ×10, Ctrl ×0.1); Ctrl+Z undoes."
NUMERICS = (("book", "book: float32 np.dot, as nnfs.init()"),
            ("native", "native: float64, the notebook's digits"))


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
    # ("book" | "native") the learner chose how the example computes
    numerics_chosen = Signal(str)

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
        self.numerics_box = QComboBox()
        for key, text in NUMERICS:
            self.numerics_box.addItem(text, key)
        self.numerics_box.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.numerics_box.setToolTip(
            "Book: np.dot computes in float64 and returns float32, as nnfs.init() makes it "
            "(the book's printed numbers). Native: float64 throughout (the notebook's own).")
        self.message = QLabel(HINT)
        self.message.setObjectName("parametersMessage")
        self.message.setWordWrap(True)
        self._style_message(refusal=False)
        self._fit_message()
        self._clear_timer = QTimer(self)
        self._clear_timer.setSingleShot(True)
        self._clear_timer.setInterval(REFUSAL_MS)
        self._clear_timer.timeout.connect(self.clear_refusal)
        self._refused_among: bytes | None = None  # the parameters when the refusal was said
        self._names: tuple[str, ...] = ()
        self._body = QWidget()
        self._form = QFormLayout(self._body)
        self._form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self._form.setContentsMargins(6, 6, 6, 6)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self._body)
        numerics = QHBoxLayout()
        numerics.setContentsMargins(6, 4, 6, 0)
        numerics.addWidget(QLabel("Numerics"))
        numerics.addWidget(self.numerics_box, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(numerics)
        layout.addWidget(self.transpose_box)
        layout.addWidget(self.message)
        layout.addWidget(scroll)
        self.transpose_box.toggled.connect(self._on_transpose_box_toggled)
        self.numerics_box.activated.connect(self._on_numerics_box_activated)
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
        if snapshot.numerics:
            with signals_blocked((self.numerics_box,)):
                self.numerics_box.setCurrentIndex(self.numerics_box.findData(snapshot.numerics))
        if self._refused_among is not None and _values_key(snapshot) != self._refused_among:
            self.clear_refusal()  # a good edit went in since

    def show_refusal(self, name: str, index: Index, message: str) -> None:
        """Say above the tables why a value was refused and which value is kept, until the
        next good edit or REFUSAL_MS."""
        kept = ""
        if self._snapshot is not None and name in self._snapshot.parameters:
            value = np.asarray(self._snapshot.parameters[name])[tuple(index)]
            kept = f"; kept {format_value(float(value), 5)}"
        self.message.setText(f"Refused: {message}{kept}.")
        self._style_message(refusal=True)
        # The values as they stand once the editor has put back what was typed over (on the
        # next turn of the event loop): a later change of them is a good edit.
        self._refused_among = None
        QTimer.singleShot(0, self, self._remember_refused_values)
        self._clear_timer.start()

    def _remember_refused_values(self) -> None:
        if self.refusal() and self._snapshot is not None:
            self._refused_among = _values_key(self._snapshot)

    def clear_refusal(self) -> None:
        """The hint again in place of a refusal."""
        self._clear_timer.stop()
        self._refused_among = None
        self.message.setText(HINT)
        self._style_message(refusal=False)

    def _style_message(self, refusal: bool) -> None:
        """A refusal bold in the error colour, the hint muted; no style sheet, so the line's
        type keeps following the application's (presentation mode, large text)."""
        style_text(self.message, ERROR_COLOUR if refusal else MUTED_COLOUR)
        weight = QFont()  # only the weight: family and size stay inherited
        weight.setBold(refusal)
        self.message.setFont(weight)

    def _fit_message(self) -> None:
        """Two lines, always: a refusal replaces the hint without moving a table."""
        self.message.setFixedHeight(2 * self.message.fontMetrics().lineSpacing() + 4)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._fit_message()  # the type grew or shrank: still two lines
        super().changeEvent(event)

    def refusal(self) -> str:
        """The refusal shown, "" when none is."""
        return "" if self.message.text() == HINT else self.message.text()

    def focus_selected(self) -> bool:
        """Put the keyboard on the selected value's cell, so typing edits it; False when no
        table shows the selection."""
        selected = self._snapshot.selected if self._snapshot is not None else None
        editor = self.editors.get(selected[0]) if selected else None
        if editor is None or not editor.isVisible():
            return False
        editor.select(selected[1])
        editor.table.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

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
            editor = ArrayEditor(step=description.step, inline_errors=False)
            editor.setObjectName(f"editor_{name}")
            title = QLabel(description.title)
            title.setStyleSheet("font-weight: 600;")
            title.setWordWrap(True)
            self._form.addRow(title, editor)
            self.editors[name] = editor
            self.titles[name] = title
            has_matrix = has_matrix or array.ndim == 2
            editor.value_edited.connect(
                lambda index, value, session, name=name: self._edited(name, index, value,
                                                                      session))
            editor.value_rejected.connect(
                lambda index, message, name=name: self._rejected(name, index, message))
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

    def _edited(self, name: str, index: Index, value: float, session: int) -> None:
        """A number to set; once it changes a value, the next snapshot clears a refusal."""
        self.value_edited.emit(name, index, value, session)

    def _rejected(self, name: str, index: Index, message: str) -> None:
        """Typed text that is not a number: say so here, and tell the lab."""
        self.show_refusal(name, index, message)
        self.value_rejected.emit(name, index, message)

    def _on_numerics_box_activated(self, index: int) -> None:
        """The learner chose numerics; the next snapshot says which are in use."""
        self.numerics_chosen.emit(self.numerics_box.itemData(index))

    def _on_transpose_box_toggled(self, transposed: bool) -> None:
        """Redraw the weight matrices the other way round."""
        if self._snapshot is not None:
            for name, editor in self.editors.items():
                self._show(name, editor, self._snapshot)
        self.transposed_changed.emit(transposed)


def _values_key(snapshot: Snapshot) -> bytes:
    """The parameters' values as bytes: equal exactly when no value changed."""
    return b"".join(np.asarray(value).tobytes() for value in snapshot.parameters.values())
