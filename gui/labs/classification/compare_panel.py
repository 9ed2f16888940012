"""The compare panel: the compared runs side by side. A table of each run's figures and
settings (a setting that differs between runs in bold), a form to change the chosen run's
settings, its buttons (stop or resume, remove, make it the main run), and the pictures:
overlaid curves, the boundaries at one scale and the watched weight's optimizer state.

It draws ComparisonViews and asks through its signals; the comparison itself is the
controller's (gui/controller/comparison_part.py).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gui.controller.comparison_snapshot import ComparisonView, RunView
from gui.labs.classification.compare_plots import CompareBoundaries, CompareCurves, InternalsPlots
from gui.labs.classification.network_inputs import OPTIMIZERS
from gui.shell.dialogs import ask_yes
from gui.widgets.input_boxes import ChoiceBox, IntBox, RealBox

FIGURES = ("status", "epoch", "loss", "accuracy", "learning rate now", "forked at")
_DEFAULTS = {key: {name: default for name, _, _, _, default, _, _ in parameters}
             for key, _, parameters in OPTIMIZERS}
HINT = ("Run > Compare runs (Ctrl+Shift+C) duplicates the run: the same weights, data and "
        "seed. Change a setting in the copy, then Space trains both in step.")


def _number(value: float) -> str:
    return "-" if not math.isfinite(value) else f"{value:.4g}"


class SettingsForm(QWidget):
    """The chosen run's optimizer, learning rate, decay, momentum, L2 and dropout."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.optimizer = ChoiceBox()
        for key, label, _ in OPTIMIZERS:
            self.optimizer.addItem(label, key)
        self.learning_rate = RealBox("Learning rate", 1e-6, 100.0, 0.05, log_steps=True)
        self.decay = RealBox("Decay", 0.0, 1.0, 0.0, log_steps=True)
        self.momentum = RealBox("Momentum", 0.0, 0.9999, 0.0, step=0.05)
        self.l2 = RealBox("L2 of the hidden layers", 0.0, 1.0, 0.0, log_steps=True)
        self.dropout = RealBox("Dropout of the hidden layers", 0.0, 0.9, 0.0, step=0.05)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        for text, box in (("Optimizer", self.optimizer), ("Learning rate", self.learning_rate),
                          ("Decay", self.decay), ("Momentum (SGD)", self.momentum),
                          ("L2 (weights, biases)", self.l2), ("Dropout", self.dropout)):
            form.addRow(text, box)
        self._shown: dict = {}
        self.optimizer.currentIndexChanged.connect(self._on_optimizer_current_index_changed)

    def show_run(self, run: RunView) -> None:
        """Put the run's settings in the boxes (without announcing them)."""
        self._shown = dict(run.editable)
        with QSignalBlocker(self.optimizer):
            self.optimizer.setCurrentIndex(self.optimizer.findData(run.editable["optimizer"]))
        for key in ("learning_rate", "decay", "momentum", "l2", "dropout"):
            value = run.editable[key]
            box = getattr(self, key)
            box.setEnabled(value is not None)
            box.setValue(0.0 if value is None else float(value))

    def changes(self) -> dict[str, object]:
        """The settings that differ from the run's: all of the optimizer's when it changed."""
        name = self.optimizer.currentData()
        new_optimizer = name != self._shown.get("optimizer")
        settings: dict[str, object] = {"optimizer": name} if new_optimizer else {}
        for key in ("learning_rate", "decay", "momentum", "l2", "dropout"):
            box = getattr(self, key)
            if not box.isEnabled():
                continue
            optimizer_setting = key in ("learning_rate", "decay", "momentum")
            if key == "momentum" and name != "sgd":
                continue
            if box.value() != self._shown.get(key) or (new_optimizer and optimizer_setting):
                settings[key] = box.value()
        return settings

    def _on_optimizer_current_index_changed(self, _index: int) -> None:
        """Another optimizer: its chapter-10 settings to start from."""
        name = self.optimizer.currentData()
        defaults = _DEFAULTS[name]
        self.learning_rate.setValue(defaults["learning_rate"])
        self.decay.setValue(defaults["decay"])
        self.momentum.setEnabled(name == "sgd")
        self.momentum.setValue(defaults.get("momentum", 0.0))


class ComparePanel(QWidget):
    """The compared runs' table, settings form, buttons and pictures."""

    add_requested = Signal()
    close_requested = Signal()
    stop_requested = Signal(str)
    resume_requested = Signal(str)
    remove_requested = Signal(str)
    promote_requested = Signal(str)
    # (run name, {setting: value}) the settings the learner changed in the form
    settings_edited = Signal(str, object)
    # (parameter name, index) the weight whose optimizer state each run records
    watch_requested = Signal(str, object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.view: ComparisonView | None = None
        self._arranged = False
        self.hint = QLabel(HINT)
        self.hint.setWordWrap(True)
        self.table = QTableWidget()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectColumns)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setDefaultSectionSize(
            self.table.fontMetrics().height() + 6)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.currentCellChanged.connect(self._on_table_current_cell_changed)
        self.run_box = ChoiceBox()
        self.run_box.currentIndexChanged.connect(self._on_run_box_current_index_changed)
        self.form = SettingsForm()
        self.buttons = {key: QPushButton(text) for key, text in (
            ("add", "Add a run"), ("apply", "Apply settings"), ("stop", "Stop"),
            ("remove", "Remove"), ("promote", "Make main run"), ("close", "Close comparison"))}
        self.curves = CompareCurves()
        self.boundaries = CompareBoundaries()
        self.internals = InternalsPlots()
        self._build_watch_picker()
        self._lay_out()
        self._connect()
        self.set_view(None)

    def _build_watch_picker(self) -> None:
        self.watch_name = ChoiceBox()
        self.watch_row = IntBox("Row", 0, 10_000, 0)
        self.watch_column = IntBox("Column", 0, 10_000, 0)
        self.watch_button = QPushButton("Watch")
        self.watched = QLabel("No weight watched")

    def _lay_out(self) -> None:
        """Side by side: the runs (their table and buttons, or the chosen run's settings),
        the curves, the pictures; in a scroll area, so the dock never makes the window
        larger than the screen."""
        runs = QWidget()
        column = QVBoxLayout(runs)
        column.setContentsMargins(0, 0, 0, 0)
        buttons = QGridLayout()
        for number, key in enumerate(("add", "stop", "remove", "promote", "close")):
            buttons.addWidget(self.buttons[key], number // 3, number % 3)
        column.addWidget(self.hint)
        column.addWidget(self.table, 1)
        column.addLayout(buttons)
        settings = QWidget()
        form = QVBoxLayout(settings)
        form.setContentsMargins(0, 0, 0, 0)
        form.addWidget(self.form)
        form.addWidget(self.buttons["apply"])
        form.addStretch(1)
        self.pages = QTabWidget()
        self.pages.addTab(runs, "Runs")
        self.pages.addTab(settings, "Change settings")
        left = QWidget()
        left_column = QVBoxLayout(left)
        left_column.setContentsMargins(0, 0, 0, 0)
        chooser = QHBoxLayout()
        chooser.addWidget(QLabel("Run"))
        chooser.addWidget(self.run_box, 1)
        left_column.addLayout(chooser)
        left_column.addWidget(self.pages, 1)
        self.pictures = QTabWidget()
        self.pictures.addTab(self.boundaries, "Boundaries")
        self.pictures.addTab(self._internals_page(), "Optimizer state")
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        for widget in (left, self.curves, self.pictures):
            self.splitter.addWidget(widget)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.splitter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(scroll)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        """Wide (docked at the bottom): the three parts side by side; tall (at a side): one
        above the other."""
        super().resizeEvent(event)
        size = event.size()
        wide = size.width() >= 1.5 * size.height()
        orientation = Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical
        if self.splitter.orientation() != orientation or not self._arranged:
            self._arranged = True
            self.splitter.setOrientation(orientation)
            self.curves.set_stacked(wide)
            self.boundaries.set_stacked(wide)
            length = size.width() if wide else size.height()
            self.splitter.setSizes([int(length * share) for share in (0.4, 0.3, 0.3)])

    def _internals_page(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        picker = QHBoxLayout()
        for widget in (self.watch_name, self.watch_row, self.watch_column, self.watch_button):
            picker.addWidget(widget)
        column.addLayout(picker)
        column.addWidget(self.watched)
        column.addWidget(self.internals, 1)
        self.watched.setWordWrap(True)
        return page

    def _connect(self) -> None:
        buttons = self.buttons
        buttons["add"].clicked.connect(self.add_requested)
        buttons["close"].clicked.connect(self.close_requested)
        buttons["apply"].clicked.connect(self._on_apply_button_clicked)
        buttons["stop"].clicked.connect(self._on_stop_button_clicked)
        buttons["remove"].clicked.connect(lambda: self.remove_requested.emit(self.chosen()))
        buttons["promote"].clicked.connect(self._on_promote_button_clicked)
        self.watch_button.clicked.connect(self._on_watch_button_clicked)

    # --- drawing ------------------------------------------------------------------------------

    def chosen(self) -> str:
        """The run the form and the buttons act on."""
        return self.run_box.currentText()

    def chosen_run(self) -> RunView | None:
        runs = {run.name: run for run in self.view.runs} if self.view is not None else {}
        return runs.get(self.chosen())

    def set_view(self, view: ComparisonView | None) -> None:
        """Draw the comparison (None: there is none, the hint says how to start one)."""
        self.view = view
        comparing = view is not None
        self.hint.setVisible(not comparing)
        if not comparing:
            self.pages.setCurrentIndex(0)  # where the hint is
        for key, button in self.buttons.items():
            button.setEnabled(comparing if key != "add" else view is None or view.can_add)
        self.form.setEnabled(comparing)
        self._show_runs(view)
        self._show_table(view)
        self._show_watch(view)
        for picture in (self.curves, self.boundaries, self.internals):
            picture.set_view(view)

    def _show_runs(self, view: ComparisonView | None) -> None:
        names = [run.name for run in view.runs] if view is not None else []
        current = self.chosen()
        if [self.run_box.itemText(i) for i in range(self.run_box.count())] != names:
            with QSignalBlocker(self.run_box):
                self.run_box.clear()
                self.run_box.addItems(names)
                wanted = current if current in names else (names[-1] if names else "")
                self.run_box.setCurrentIndex(max(0, self.run_box.findText(wanted)))
            if names:
                self._on_run_box_current_index_changed(self.run_box.currentIndex())
        run = self.chosen_run()
        if run is not None:
            self.buttons["stop"].setText("Resume" if run.status != "running" else "Stop")
            self.buttons["remove"].setEnabled(not run.is_main)
            self.buttons["promote"].setEnabled(not run.is_main)

    def _show_table(self, view: ComparisonView | None) -> None:
        runs = view.runs if view is not None else ()
        rows = list(FIGURES) + ([name for name, _, _ in view.rows] if view else [])
        table = self.table
        table.setColumnCount(len(runs))
        table.setRowCount(len(rows) if runs else 0)
        table.setVerticalHeaderLabels(rows)
        for column, run in enumerate(runs):
            header = QTableWidgetItem(run.name + (" (main)" if run.is_main else ""))
            header.setForeground(QBrush(QColor(run.color)))
            table.setHorizontalHeaderItem(column, header)
            for row, text in enumerate(_figures(run)):
                self._cell(row, column, text, bold=False)
        for row, (_, values, differ) in enumerate(view.rows if view else (), len(FIGURES)):
            for column, text in enumerate(values):
                self._cell(row, column, text, bold=differ)
            header = table.verticalHeaderItem(row)
            font = header.font()
            font.setBold(differ)
            header.setFont(font)

    def _cell(self, row: int, column: int, text: str, bold: bool) -> None:
        item = self.table.item(row, column)
        if item is None:
            item = QTableWidgetItem()
            self.table.setItem(row, column, item)
        item.setText(text)
        font = QFont(item.font())
        font.setBold(bold)
        item.setFont(font)

    def _show_watch(self, view: ComparisonView | None) -> None:
        choices = list(view.choices) if view is not None else []
        if [self.watch_name.itemText(i) for i in range(self.watch_name.count())] != choices:
            with QSignalBlocker(self.watch_name):
                self.watch_name.clear()
                self.watch_name.addItems(choices)
        self.watched.setText(f"Watching {view.watched}: each run's optimizer state for it"
                             if view is not None and view.watched else
                             "Choose a weight and press Watch to record each run's "
                             "optimizer state for it")

    # --- handlers -----------------------------------------------------------------------------

    def _on_run_box_current_index_changed(self, _index: int) -> None:
        run = self.chosen_run()
        if run is not None:
            self.form.show_run(run)
            column = [each.name for each in self.view.runs].index(run.name)
            with QSignalBlocker(self.table):
                self.table.selectColumn(column)

    def _on_table_current_cell_changed(self, _row: int, column: int, *_previous) -> None:
        if self.view is not None and 0 <= column < len(self.view.runs):
            self.run_box.setCurrentIndex(column)

    def _on_apply_button_clicked(self) -> None:
        if self.chosen_run() is not None:
            self.settings_edited.emit(self.chosen(), self.form.changes())

    def _on_stop_button_clicked(self) -> None:
        run = self.chosen_run()
        if run is not None:
            (self.resume_requested if run.status != "running" else self.stop_requested).emit(
                run.name)

    def _on_promote_button_clicked(self) -> None:
        run = self.chosen_run()
        if run is not None and ask_yes(
                self, "Make main run",
                f"Make {run.name!r} the main run? The window's views, the timeline and a "
                "saved session follow it from now on; the current main run stays in the "
                "comparison. Edit > Undo makes it the main run again."):
            self.promote_requested.emit(run.name)

    def _on_watch_button_clicked(self) -> None:
        name = self.watch_name.currentText()
        if self.view is None or not name:
            return
        shape = self.view.choices[name]
        index = (self.watch_row.value(), self.watch_column.value())[-len(shape):] \
            if shape else ()
        self.watch_requested.emit(name, tuple(index))


def _figures(run: RunView) -> list[str]:
    status = run.status if not run.message else f"{run.status}: {run.message}"
    return [status, str(run.epoch), _number(run.loss), _number(run.accuracy),
            f"{run.learning_rate:.6g}", "-" if run.forked_at is None else str(run.forked_at)]
