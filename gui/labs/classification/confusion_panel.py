"""A classifier's confusion matrices, training and validation side by side, live: which true
classes (rows) the network takes for which (columns). A cell clicked picks out its points on
the boundary plot; clicking it again, or another set's cell, changes the pick.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.controller.snapshot import ConfusionInfo, Snapshot
from gui.shell.colors import CLASS_COLOR_NAMES
from gui.shell.theme import current_theme

SETS = ("training", "validation")
CELL_PX = 44


def _tint(share: float, correct: bool) -> QColor:
    """A cell's background: deeper as more of its row's points fall in it; the diagonal
    (correct) in the positive hue, the rest in the negative one."""
    theme = current_theme()
    colour = QColor(theme.positive if correct else theme.negative)
    colour.setAlphaF(0.08 + 0.6 * share)
    return colour


class ConfusionPanel(QWidget):
    """Two tables of counts, rows the true class and columns the predicted one."""

    # (set name "training" | "validation", true class, predicted class) a cell was picked;
    # ("", -1, -1) the pick was cleared
    cell_selected = Signal(str, int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tables = {name: self._table(name) for name in SETS}
        self.accuracy = {name: QLabel() for name in SETS}
        self.note = QLabel("Rows: the true class. Columns: the class the network predicts. "
                           "Click a cell to pick out its points on the plane.")
        self.note.setWordWrap(True)
        self._selected: tuple[str, int, int] | None = None
        self._classes = 0
        grid = QGridLayout()
        for column, name in enumerate(SETS):
            grid.addWidget(QLabel(f"<b>{name.capitalize()}</b>"), 0, column)
            grid.addWidget(self.tables[name], 1, column)
            grid.addWidget(self.accuracy[name], 2, column)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.note)
        layout.addStretch(1)

    def _table(self, name: str) -> QTableWidget:
        table = QTableWidget()
        table.setObjectName(f"{name}Confusion")
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for header in (table.horizontalHeader(), table.verticalHeader()):
            header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
            header.setDefaultSectionSize(CELL_PX)
        table.cellClicked.connect(lambda row, column, name=name:
                                  self._on_table_cell_clicked(name, row, column))
        return table

    # -- reading and setting ------------------------------------------------------------------

    def selected(self) -> tuple[str, int, int] | None:
        """The picked cell: (set, true class, predicted class), or None."""
        return self._selected

    def set_snapshot(self, snapshot: Snapshot) -> None:
        """Show the matrices of a classifier's snapshot; a regression has none."""
        info = snapshot.classification
        confusion = None if info is None else info.confusion
        if confusion is None:
            self._show_none()
            return
        self._show(confusion)

    def _show_none(self) -> None:
        self._classes = 0
        for name in SETS:
            self.tables[name].clear()
            self.tables[name].setRowCount(0)
            self.tables[name].setColumnCount(0)
            self.accuracy[name].clear()
        self.note.setText("A regression predicts values, not classes: it has no confusion "
                          "matrix. Its accuracy counts predictions within std(y) / 250 of "
                          "their target (the book's chapter 17).")
        self._clear_selection()

    def _show(self, confusion: ConfusionInfo) -> None:
        classes = len(confusion.training)
        if classes != self._classes:
            self._classes = classes
            self._clear_selection()
            headers = [f"{k} ({CLASS_COLOR_NAMES[k]})" if k < len(CLASS_COLOR_NAMES) else str(k)
                       for k in range(classes)]
            for table in self.tables.values():
                table.setRowCount(classes)
                table.setColumnCount(classes)
                table.setVerticalHeaderLabels([f"true {k}" for k in range(classes)])
                table.setHorizontalHeaderLabels([f"→ {k}" for k in range(classes)])
                table.horizontalHeader().setToolTip("predicted: " + ", ".join(headers))
            self.note.setText("Rows: the true class. Columns: the class the network predicts. "
                              "Click a cell to pick out its points on the plane.")
        for name, counts in (("training", confusion.training),
                             ("validation", confusion.validation)):
            self._fill(self.tables[name], counts)
            total = int(counts.sum())
            correct = int(np.trace(counts))
            self.accuracy[name].setText(f"{correct} of {total} right"
                                        + (f" ({correct / total:.1%})" if total else ""))

    def _fill(self, table: QTableWidget, counts: np.ndarray) -> None:
        rows = counts.sum(axis=1)
        for i in range(len(counts)):
            for j in range(len(counts)):
                item = table.item(i, j)
                if item is None:
                    item = QTableWidgetItem()
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                    table.setItem(i, j, item)
                count = int(counts[i, j])
                if item.text() != str(count):
                    item.setText(str(count))
                share = count / rows[i] if rows[i] else 0.0
                item.setBackground(QBrush(_tint(share, i == j)))
                item.setToolTip(f"{count} points of class {i} predicted as class {j}")

    def _clear_selection(self) -> None:
        if self._selected is not None:
            self._selected = None
            self.cell_selected.emit("", -1, -1)
        for table in self.tables.values():
            table.clearSelection()

    # -- handlers -----------------------------------------------------------------------------

    def _on_table_cell_clicked(self, name: str, row: int, column: int) -> None:
        """Pick the clicked cell's points, or clear the pick if it was already picked."""
        if self._selected == (name, row, column):
            self._clear_selection()
            return
        self._selected = (name, row, column)
        for other, table in self.tables.items():
            if other != name:
                table.clearSelection()
        self.cell_selected.emit(name, row, column)
