"""The lesson panel: the step's caption, where the learner is ("step 3 of 12"), Back and Next,
the task with its state, a hint and "Show me", and how the lesson moves on (by itself at a
chosen pace, or on Next).

A view: it shows what the lesson tour (gui/tutorial/lesson_tour.py) gives it and turns clicks
into signals. Its buttons never take the keyboard focus, so Space and the arrows stay the lab's
keys; PageDown and PageUp (what presentation clickers send) are the window's Next and Back.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

PACES = {"0.5 ×": 0.5, "0.75 ×": 0.75, "1 ×": 1.0, "1.5 ×": 1.5, "2 ×": 2.0}
DONE_COLOUR = "#009E73"
NOT_YET_COLOUR = "#D55E00"


class LessonPanel(QWidget):
    """What a learner reads and presses while a lesson is open."""

    # () the previous step
    back_requested = Signal()
    # () the next step (or, while waiting, the step's actions)
    next_requested = Signal()
    # () the step's start again, the learner's changes dropped
    restart_requested = Signal()
    # () do what the task's hint says
    show_me_requested = Signal()
    # (bool) play the lesson by itself
    autoplay_toggled = Signal(bool)
    # (float) autoplay's pace: 1.0 as the lesson is timed, 2.0 twice as fast
    pace_changed = Signal(float)
    # (bool) wait for Next before doing a step's actions
    wait_toggled = Signal(bool)
    # (bool) also show the caption in a strip along the window's bottom
    strip_toggled = Signal(bool)
    # () close the lesson
    close_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._make_texts()
        self._make_task()
        self._make_controls()
        self._lay_out()
        self._connect()

    def _make_texts(self) -> None:
        self.lesson_title = QLabel()
        self.lesson_title.setStyleSheet("font-weight: 600;")
        self.lesson_title.setWordWrap(True)
        self.counter = QLabel()
        self.counter.setObjectName("lessonCounter")
        self.counter.setWordWrap(True)
        self.caption = QLabel()
        self.caption.setObjectName("lessonCaption")
        self.caption.setTextFormat(Qt.TextFormat.RichText)
        self.caption.setWordWrap(True)
        self.caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        font = self.caption.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.caption.setFont(font)
        self.busy = QProgressBar()
        self.busy.setTextVisible(True)
        self.busy.hide()
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(f"color: {NOT_YET_COLOUR};")
        self.warning.hide()

    def _make_task(self) -> None:
        self.task_box = QFrame()
        self.task_box.setFrameShape(QFrame.Shape.StyledPanel)
        self.task_text = QLabel()
        self.task_text.setTextFormat(Qt.TextFormat.RichText)
        self.task_text.setWordWrap(True)
        self.task_state = QLabel()
        self.task_state.setObjectName("lessonTaskState")
        self.task_state.setWordWrap(True)
        self.hint = QLabel()
        self.hint.setTextFormat(Qt.TextFormat.RichText)
        self.hint.setWordWrap(True)
        self.hint.hide()
        self.hint_button = _button("Hint", checkable=True)
        self.show_me_button = _button("Show me")
        layout = QVBoxLayout(self.task_box)
        layout.setContentsMargins(8, 6, 8, 6)
        heading = QLabel("Your turn")
        heading.setStyleSheet("font-weight: 600;")
        layout.addWidget(heading)
        layout.addWidget(self.task_text)
        layout.addWidget(self.task_state)
        layout.addWidget(self.hint)
        buttons = QHBoxLayout()
        buttons.addWidget(self.hint_button)
        buttons.addWidget(self.show_me_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.task_box.hide()

    def _make_controls(self) -> None:
        self.back_button = _button("◀ Back  (PgUp)")
        self.next_button = _button("Next ▶  (PgDn)")
        self.next_button.setObjectName("lessonNext")
        self.restart_button = _button("Restart step")
        self.restart_button.setToolTip("The step's start again: your changes are dropped")
        self.autoplay_box = QCheckBox("Play by itself")
        self.autoplay_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.pace_box = QComboBox()
        self.pace_box.addItems(list(PACES))
        self.pace_box.setCurrentText("1 ×")
        self.pace_box.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.pace_box.setToolTip("How fast the lesson plays by itself")
        self.wait_box = QCheckBox("Wait for Next before each step's actions")
        self.wait_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.strip_box = QCheckBox("Caption on the window, for videos")
        self.strip_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.close_button = _button("Close lesson")

    def _lay_out(self) -> None:
        text = QWidget()
        text_layout = QVBoxLayout(text)
        text_layout.setContentsMargins(0, 0, 0, 0)
        text_layout.addWidget(self.caption)
        text_layout.addWidget(self.task_box)
        text_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(text)
        navigation = QGridLayout()
        navigation.addWidget(self.back_button, 0, 0)
        navigation.addWidget(self.next_button, 0, 1)
        navigation.addWidget(self.restart_button, 1, 0)
        navigation.addWidget(self.close_button, 1, 1)
        play = QHBoxLayout()
        play.addWidget(self.autoplay_box)
        play.addWidget(self.pace_box)
        play.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.lesson_title)
        layout.addWidget(self.counter)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.busy)
        layout.addWidget(self.warning)
        layout.addLayout(navigation)
        layout.addLayout(play)
        layout.addWidget(self.wait_box)
        layout.addWidget(self.strip_box)

    def _connect(self) -> None:
        self.back_button.clicked.connect(self.back_requested)
        self.next_button.clicked.connect(self.next_requested)
        self.restart_button.clicked.connect(self.restart_requested)
        self.show_me_button.clicked.connect(self.show_me_requested)
        self.hint_button.toggled.connect(self._on_hint_button_toggled)
        self.autoplay_box.toggled.connect(self.autoplay_toggled)
        self.pace_box.currentTextChanged.connect(self._on_pace_box_changed)
        self.wait_box.toggled.connect(self.wait_toggled)
        self.strip_box.toggled.connect(self.strip_toggled)
        self.close_button.clicked.connect(self.close_requested)

    # --- showing ------------------------------------------------------------------------------

    def set_lesson(self, title: str) -> None:
        self.lesson_title.setText(html.escape(title))

    def set_step(self, number: int, count: int, title: str, caption_html: str) -> None:
        """Step `number` (from 0) of `count`, with its heading and caption (rich text)."""
        counter = f"Step {number + 1} of {count}"
        self.counter.setText(f"{counter}: {title}" if title else counter)
        self.caption.setText(caption_html)
        self.back_button.setEnabled(number > 0)
        self.next_button.setText("Next ▶  (PgDn)" if number + 1 < count else "Finish  (PgDn)")

    def set_task(self, task_html: str, hint_html: str) -> None:
        """The step's task (empty: the step has none); the hint stays folded until asked."""
        self.task_box.setVisible(bool(task_html))
        self.task_text.setText(task_html)
        self.hint.setText(hint_html)
        self.hint_button.setChecked(False)
        self.task_state.clear()

    def set_task_state(self, done: bool, text: str) -> None:
        """Whether the task is done, and what the check sees."""
        colour = DONE_COLOUR if done else NOT_YET_COLOUR
        mark = "✓ Done" if done else "Not yet"
        self.task_state.setText(f"<span style='color: {colour}; font-weight: 600'>{mark}</span>"
                                f" {html.escape(text)}")

    def set_busy(self, text: str, done: int = 0, of: int = 0) -> None:
        """A bar saying what is being prepared or trained (`of` 0: not counted, it moves)."""
        self.busy.setVisible(bool(text))
        self.busy.setRange(0, of)
        self.busy.setValue(done)
        self.busy.setFormat(f"{text}  %v of %m" if of else text)

    def set_warnings(self, warnings: list[str]) -> None:
        """The step's problems (a highlight of something that is not there, say)."""
        self.warning.setVisible(bool(warnings))
        self.warning.setText("⚠ " + "\n⚠ ".join(warnings))

    def set_autoplay(self, on: bool) -> None:
        with QSignalBlocker(self.autoplay_box):
            self.autoplay_box.setChecked(on)

    def pace(self) -> float:
        return PACES[self.pace_box.currentText()]

    # --- handlers -----------------------------------------------------------------------------

    def _on_hint_button_toggled(self, on: bool) -> None:
        """Unfold the hint, or fold it again."""
        self.hint.setVisible(on)

    def _on_pace_box_changed(self, text: str) -> None:
        """Another pace for autoplay."""
        self.pace_changed.emit(PACES[text])


def _button(text: str, checkable: bool = False) -> QPushButton:
    button = QPushButton(text)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    button.setCheckable(checkable)
    return button
