"""Step, Step back, Iteration, Run/Pause with its speed, Reset, and where the iteration stands.

The buttons say their keys (Right, Left, Enter, Space, R) so the learner can leave the mouse
alone; the window owns the shortcuts, this panel only turns clicks into requests.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gui.controller.snapshot import Snapshot
from gui.widgets.blocking import signals_blocked
from gui.widgets.input_boxes import RealBox
from gui.widgets.live_text import LiveText
from gui.widgets.text_style import ERROR_COLOUR, style_text

SPEED_UNITS = ("iterations", "operations")
FASTEST = "fastest"  # what the speed box says at its maximum: as fast as the computer goes
KEEPING_UP = 0.9  # a run reaching less than this share of the asked speed says what it reaches


class SpeedBox(RealBox):
    """Runs per second, shown without a trailing ".0" and as "fastest" at the top of its range.

    Typed junk, "-5" or "1e999" is refused with a message (`refused`) and the speed kept, as
    the lab's other number boxes do; a plain spin box would clamp it silently.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Speed", 0.1, 100_000, 10, step=1.0, parent=parent)

    def textFromValue(self, value: float) -> str:
        return FASTEST if value >= self.maximum() else f"{value:g}"

    def valueFromText(self, text: str) -> float:
        return self.maximum() if text.strip() == FASTEST else super().valueFromText(text)

    def validate(self, text: str, position: int) -> object:
        if text.strip() and FASTEST.startswith(text.strip()):
            acceptable = text.strip() == FASTEST
            return (QValidator.State.Acceptable if acceptable else QValidator.State.Intermediate,
                    text, position)
        return super().validate(text, position)

PHASE_NAMES = {"forward": "forward pass", "loss": "loss", "backward": "backward pass",
               "update": "update"}


def position_text(snapshot: Snapshot) -> str:
    """Where the iteration stands, e.g. "done 3 of 13 operations (loss)"."""
    last = snapshot.last_operation
    if last is None or snapshot.position == 0:
        return "start of the iteration" if last is None else "the iteration is done"
    return (f"done {snapshot.position} of {len(snapshot.operations)} operations "
            f"({PHASE_NAMES.get(last.phase, last.phase)})")


def iteration_text(snapshot: Snapshot, first: int | None) -> str:
    """The header: a count of iterations done, or with `first` (the number the example's
    printed lines give its first iteration: 1 for the neuron, 0 for the layer) the iteration
    by the name its printed line gives it, so the header and the log count alike."""
    loss = snapshot.current_loss
    last_loss = "" if loss is None else f"   ·   last loss {loss:.6g}"
    if first is None:
        return f"Iterations done: {snapshot.iteration}{last_loss}"
    if snapshot.position:
        return f"Iteration {snapshot.iteration + first}{last_loss}"
    if snapshot.iteration == 0:
        return f"Ready for iteration {first}"
    return f"Iteration {snapshot.iteration - 1 + first} done{last_loss}"


class ControlsPanel(QWidget):
    """Buttons that request a change and labels that show the snapshot's position."""

    # () one operation forward
    step_requested = Signal()
    # () one operation back
    step_back_requested = Signal()
    # () run to the end of the current iteration
    iteration_requested = Signal()
    # (bool) True to run continuously, False to pause
    run_toggled = Signal(bool)
    # () back to the scenario's starting values
    reset_requested = Signal()
    # (float per second, unit: "iterations" | "operations")
    speed_changed = Signal(float, str)
    # () after a divergence: back to the last state whose numbers were all finite
    restore_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.first_iteration: int | None = None  # see iteration_text
        self._make_buttons()
        self._make_labels()
        # When the divergence notice and its restore button appear, the panel grows inside
        # its dock's scroll area (gui.shell.panel_scroll): the buttons are never squeezed.
        self._lay_out()
        self._connect()

    def _make_buttons(self) -> None:
        """The buttons, which never take the keyboard focus, and the speed inputs."""
        self.step_back_button = QPushButton("◀ Back  (Left)")
        self.step_button = QPushButton("Step ▶  (Right)")
        self.iteration_button = QPushButton("Iteration  (Enter)")
        self.run_button = QPushButton("Run  (Space)")
        self.run_button.setCheckable(True)
        self.reset_button = QPushButton("Reset  (R)")
        for button in (self.step_back_button, self.step_button, self.iteration_button,
                       self.run_button, self.reset_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.speed_box = SpeedBox()
        self.speed_box.setToolTip("How fast Run goes; at 100000 it says \"fastest\"")
        self.unit_box = QComboBox()
        self.unit_box.addItems([f"{unit} / s" for unit in SPEED_UNITS])
        # Only a click focuses them: with keyboard focus they would swallow Space and the arrows.
        self.speed_box.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.unit_box.setFocusPolicy(Qt.FocusPolicy.ClickFocus)

    def _make_labels(self) -> None:
        """Where the iteration stands, and the notices that appear only when needed."""
        # Its text changes many times a second while running: a LiveText repaints only itself.
        self.iteration_label = LiveText(point_size=14, bold=True)
        self.iteration_label.setObjectName("iterationCounter")
        self.position_label = LiveText()
        self.next_label = _code_label()
        # The rate a run reaches, when it falls short of the one asked (one line, kept).
        self.reached_label = QLabel()
        self.reached_label.setObjectName("speedReached")
        style_text(self.reached_label, ERROR_COLOUR)
        self.reached_label.setMinimumHeight(self.fontMetrics().lineSpacing())
        self.speed_message = QLabel()  # why a typed speed was refused
        self.speed_message.setWordWrap(True)
        style_text(self.speed_message, ERROR_COLOUR)
        self.speed_message.hide()
        self.notice_label = QLabel()
        self.notice_label.setWordWrap(True)
        style_text(self.notice_label, ERROR_COLOUR, bold=True)
        self.notice_label.hide()
        self.restore_button = QPushButton("Restore last good state")
        self.restore_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.restore_button.setToolTip("Go back to the state before the numbers overflowed")
        self.restore_button.hide()
        self.last_label = _code_label()

    def _lay_out(self) -> QVBoxLayout:
        buttons = QGridLayout()
        buttons.addWidget(self.step_back_button, 0, 0)
        buttons.addWidget(self.step_button, 0, 1)
        buttons.addWidget(self.iteration_button, 0, 2)
        buttons.addWidget(self.run_button, 1, 0)
        buttons.addWidget(self.reset_button, 1, 2)
        speed = QHBoxLayout()
        speed.addWidget(QLabel("speed"))
        speed.addWidget(self.speed_box, 1)
        speed.addWidget(self.unit_box, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(buttons)
        layout.addLayout(speed)
        for widget in (self.reached_label, self.speed_message, self.iteration_label,
                       self.position_label,
                       self.last_label, self.next_label, self.notice_label, self.restore_button):
            layout.addWidget(widget)
        return layout

    def _connect(self) -> None:
        self.step_button.clicked.connect(self.step_requested)
        self.step_back_button.clicked.connect(self.step_back_requested)
        self.iteration_button.clicked.connect(self.iteration_requested)
        self.reset_button.clicked.connect(self.reset_requested)
        self.restore_button.clicked.connect(self.restore_requested)
        self.run_button.toggled.connect(self._on_run_button_toggled)
        self.speed_box.valueChanged.connect(self._on_speed_box_changed)
        self.speed_box.refused.connect(self._on_speed_box_refused)
        self.unit_box.currentIndexChanged.connect(self._on_unit_box_changed)

    def set_snapshot(self, snapshot: Snapshot) -> None:
        """Show the iteration count, the position in the iteration, and the run state."""
        with signals_blocked((self.run_button, self.speed_box, self.unit_box)):
            self.run_button.setChecked(snapshot.running)
            self.run_button.setText("Pause  (Space)" if snapshot.running else "Run  (Space)")
            if not self.speed_box.hasFocus():
                self.speed_box.setValue(snapshot.speed)
            self.unit_box.setCurrentIndex(SPEED_UNITS.index(snapshot.speed_unit))
        self.step_back_button.setEnabled(snapshot.can_step_back)
        self.iteration_label.setText(iteration_text(snapshot, self.first_iteration))
        self.position_label.setText(position_text(snapshot))
        self.reached_label.setText(self._reached(snapshot))
        last = snapshot.last_operation
        self.notice_label.setText(snapshot.notice)
        self.notice_label.setVisible(bool(snapshot.notice))
        self.restore_button.setVisible(snapshot.can_restore)
        self.last_label.setText(
            "" if last is None else f"done: <code>{_escape(last.code)}</code>")
        upcoming = snapshot.next_operation
        self.next_label.setText(
            "" if upcoming is None else
            f"next: <code>{_escape(upcoming.code)}</code>")

    def _reached(self, snapshot: Snapshot) -> str:
        """What a run really reaches, said when it falls short of the asked speed (or always
        at "fastest", which asks for no particular rate)."""
        reached = snapshot.achieved_speed
        if not snapshot.running or reached is None:
            return ""
        unit = f"{snapshot.speed_unit} / s"
        if snapshot.speed >= self.speed_box.maximum():
            return f"reaching {reached:,.0f} {unit}"
        if reached >= KEEPING_UP * snapshot.speed:
            return ""
        return f"reaching {reached:,.0f} {unit}: the window cannot keep up"

    def _on_run_button_toggled(self, running: bool) -> None:
        """Ask to run or pause; the label follows the next snapshot."""
        self.run_toggled.emit(running)

    def _on_speed_box_changed(self, value: float) -> None:
        """Ask for a new run speed."""
        self.speed_message.hide()
        self.speed_changed.emit(value, SPEED_UNITS[self.unit_box.currentIndex()])

    def _on_speed_box_refused(self, message: str) -> None:
        """Say why the typed speed was not taken (the box went back to the speed it had)."""
        self.speed_message.setText(message)
        self.speed_message.show()

    def _on_unit_box_changed(self, index: int) -> None:
        """Count speed in iterations or in single operations per second."""
        self.speed_changed.emit(self.speed_box.value(), SPEED_UNITS[index])


def _code_label() -> QLabel:
    """A wrapping label for a line of the book's code in <code>."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(True)
    return label


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
