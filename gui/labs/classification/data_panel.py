"""The data set to learn and the points the learner adds by hand.

Changing the data set, its size, its number of classes or its seed asks for new data
(`data_spec_changed`); files are never read here: the dock asks the controller to load or save
a path and shows the message it is given back, so a malformed file's complaint and the rule
that the current data stays both live in one place.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from engine.limits import OFFERED_SAMPLES_PER_CLASS
from gui.shell.colors import CLASS_COLOR_NAMES, CLASS_COLORS_HEX, MAX_CLASSES
from gui.shell.dialogs import ask_yes
from gui.shell.file_dialogs import ask_open_path, ask_save_path
from gui.shell.theme import current_theme
from gui.widgets.blocking import signals_blocked
from gui.widgets.input_boxes import ChoiceBox, IntBox

DATASETS = (("spiral", "Spiral"), ("vertical", "Vertical"), ("sine", "Sine (regression)"))
REGRESSION_DATASETS = ("sine",)  # one input x and a target y: no classes
# The data part of an engine.training.model spec: {"data": {...}, "seed": ...}; the seed also
# draws the weights, so a new seed gives new data and a new start, as the book's nnfs.init() does.
DEFAULT_SPEC = {"data": {"kind": "spiral", "samples": 100, "classes": 3}, "seed": 0}
MAX_SEED = 2**31 - 1
CSV_FILTER = "CSV files (*.csv);;All files (*)"


class DataDock(QWidget):
    """Data set inputs, the class a click adds, and the added points' file buttons."""

    # (dict) {"data": {"kind": "spiral" | "vertical", "samples": int per class,
    #  "classes": int}, "seed": int}, the data part of an engine.training.model spec: new data is
    # needed
    data_spec_changed = Signal(dict)
    # (int) class index that a click on the decision boundary plot adds
    add_class_changed = Signal(int)
    # () remove every point the learner added
    clear_points_requested = Signal()
    # (str) path of a CSV file (header x,y,class) to replace the added points with
    load_points_requested = Signal(str)
    # (str) path to write the added points to as CSV
    save_points_requested = Signal(str)
    # (bool) the brush is on: a drag on the plot paints points of the chosen class
    brush_toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._make_inputs()
        self._lay_out()
        self._fill_add_classes(DEFAULT_SPEC["data"]["classes"])
        self.set_user_point_count(0)
        self.dataset_box.currentIndexChanged.connect(self._on_spec_input_changed)
        for box in (self.samples_box, self.classes_box, self.seed_box):
            box.valueChanged.connect(self._on_spec_input_changed)
            box.refused.connect(self._on_box_refused)
        self.add_class_box.currentIndexChanged.connect(self._on_add_class_box_changed)
        self.clear_button.clicked.connect(self.clear_points_requested)
        self.save_button.clicked.connect(self.choose_save_file)
        self.load_button.clicked.connect(self.choose_load_file)
        self.brush_button.toggled.connect(self.brush_toggled)

    def _make_inputs(self) -> None:
        """The data set's inputs, the class a click adds, and the added points' buttons."""
        self.dataset_box = ChoiceBox()
        for key, label in DATASETS:
            self.dataset_box.addItem(label, key)
        self.dataset_box.setToolTip("nnfs.datasets: spiral_data or vertical_data")
        data = DEFAULT_SPEC["data"]
        self.samples_box = IntBox("Samples per class", 10, OFFERED_SAMPLES_PER_CLASS,
                                  data["samples"])
        self.classes_box = IntBox("Classes", 2, MAX_CLASSES, data["classes"])
        self.seed_box = IntBox("Seed", 0, MAX_SEED, DEFAULT_SPEC["seed"])
        self.seed_box.setToolTip("Seed of the data and of the starting weights (0 to 2^31-1)")
        self.add_class_box = ChoiceBox()
        self.add_class_box.setToolTip(
            "The class of the points you add by clicking on the decision boundary"
        )
        self.point_count = QLabel()
        self.brush_button = QPushButton("Brush: drag to paint points")
        self.brush_button.setCheckable(True)
        self.brush_button.setToolTip("While on, dragging on the plot adds a trail of points "
                                     "of the chosen class (one undo step a stroke)")
        self.clear_button = QPushButton("Clear added points")
        self.save_button = QPushButton("Save points…")
        self.load_button = QPushButton("Load points…")
        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # it quotes what a CSV file holds
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def _lay_out(self) -> None:
        form = self._form = QFormLayout()
        form.addRow("Data set", self.dataset_box)
        form.addRow("Samples per class", self.samples_box)
        form.addRow("Classes", self.classes_box)
        form.addRow("Seed", self.seed_box)
        form.addRow("Click adds class", self.add_class_box)
        files = QHBoxLayout()
        files.addWidget(self.save_button)
        files.addWidget(self.load_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.point_count)
        layout.addWidget(self.brush_button)
        layout.addWidget(self.clear_button)
        layout.addLayout(files)
        layout.addWidget(self.message)
        layout.addStretch(1)

    def spec(self) -> dict:
        """The data set the inputs describe, as `data_spec_changed` sends it (a regression's
        without classes)."""
        data = {"kind": self.dataset_box.currentData(), "samples": self.samples_box.value()}
        if data["kind"] not in REGRESSION_DATASETS:
            data["classes"] = self.classes_box.value()
        return {"data": data, "seed": self.seed_box.value()}

    def add_class(self) -> int:
        """The class index a click adds."""
        return max(self.add_class_box.currentIndex(), 0)

    def set_spec(self, spec: dict) -> None:
        """Show a spec set from code (a whole model spec will do) without echoing it."""
        with signals_blocked((self.dataset_box, self.samples_box, self.classes_box,
                              self.seed_box, self.add_class_box)):
            data = spec["data"]
            self.dataset_box.setCurrentIndex(self.dataset_box.findData(data["kind"]))
            self.samples_box.setValue(data["samples"])
            if "classes" in data:
                self.classes_box.setValue(data["classes"])
            self.seed_box.setValue(spec.get("seed", 0))
            self._fill_add_classes(data.get("classes", 1))
        self._show_kind()

    def _show_kind(self) -> None:
        """A regression has no classes to choose: those inputs are off."""
        regression = self.dataset_box.currentData() in REGRESSION_DATASETS
        self.classes_box.setEnabled(not regression)
        self.add_class_box.setEnabled(not regression)
        self._form.labelForField(self.samples_box).setText(
            "Samples" if regression else "Samples per class")

    def set_add_class(self, class_index: int) -> None:
        """Choose the class a click adds, from code (no echo)."""
        with QSignalBlocker(self.add_class_box):
            self.add_class_box.setCurrentIndex(class_index)

    def set_user_point_count(self, count: int) -> None:
        """Say how many points the learner has added; nothing to clear or save without any."""
        self.point_count.setText(
            "No added points yet: click on the plot to add some."
            if count == 0
            else f"{count} added point{'s' if count != 1 else ''}"
        )
        self.clear_button.setEnabled(count > 0)
        self.save_button.setEnabled(count > 0)

    def set_message(self, text: str, error: bool = False) -> None:
        """Show the outcome of a request (a load that failed says why and that the data stayed)."""
        colour = current_theme().negative if error else current_theme().text
        self.message.setStyleSheet(f"color: {colour};")
        self.message.setText(text)

    def choose_load_file(self) -> None:
        """Ask for a CSV file and request loading it."""
        path = ask_open_path(self, "points", "Load points", CSV_FILTER)
        if path is not None:
            self.load_points_requested.emit(str(path))

    def ask_to_clear_points(self, name: str, count: int) -> None:
        """A file with a header and no points would clear the `count` points added: ask."""
        points = f"the {count} added point{'s' if count != 1 else ''}"
        if ask_yes(self, "Load points", f"{name} has a header but no points. Loading it "
                   f"removes {points}. Remove them?"):
            self.clear_points_requested.emit()
        else:
            self.set_message(f"{name} holds no points; {points} are kept.")

    def choose_save_file(self) -> None:
        """Ask where to write the added points and request saving them there."""
        path = ask_save_path(self, "points", "Save points", "points.csv", CSV_FILTER,
                             suffix=".csv")
        if path is not None:
            self.save_points_requested.emit(str(path))

    def _fill_add_classes(self, classes: int) -> None:
        """One entry per class, with its colour and name for those who cannot see the hue."""
        current = self.add_class_box.currentIndex()
        self.add_class_box.clear()
        for index in range(classes):
            swatch = QPixmap(14, 14)
            swatch.fill(QColor(CLASS_COLORS_HEX[index]))
            self.add_class_box.addItem(QIcon(swatch), f"{index} ({CLASS_COLOR_NAMES[index]})")
        self.add_class_box.setCurrentIndex(min(max(current, 0), classes - 1))

    def _on_spec_input_changed(self) -> None:
        """Refill the class choice if the number of classes changed; ask for the new data."""
        self._show_kind()
        before = self.add_class()
        if self.dataset_box.currentData() not in REGRESSION_DATASETS and \
                self.add_class_box.count() != self.classes_box.value():
            with QSignalBlocker(self.add_class_box):
                self._fill_add_classes(self.classes_box.value())
        self.message.clear()
        self.data_spec_changed.emit(self.spec())
        if self.add_class() != before:
            self.add_class_changed.emit(self.add_class())

    def _on_add_class_box_changed(self, index: int) -> None:
        """Tell the plot which class a click adds now."""
        if index >= 0:
            self.add_class_changed.emit(index)

    def _on_box_refused(self, text: str) -> None:
        """Say why typed input was refused; the box has kept its value."""
        self.set_message(text, error=True)
