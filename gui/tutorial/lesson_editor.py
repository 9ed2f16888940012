"""Tools > Lesson editor: a teacher makes a lesson from the window, without writing JSON.

"Add step from the window" takes the window's state as it is (the whole session, exactly) and
what is selected as the step's highlight; the teacher types the caption (the lesson Markdown,
placeholders such as {{ loss }} included), adds highlights chosen from what the window shows,
reorders and deletes steps, previews the lesson in the window from any step and saves it. The
document is the lesson file's (engine/files/lesson.py), checked whole before anything is
written: a mistake is said with the step and the field, and nothing is saved.
"""

from __future__ import annotations

import copy
from pathlib import Path

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from engine.files.lesson import (
    APP,
    FORMAT,
    KIND,
    LessonError,
    lesson_from_document,
    load_lesson,
    save_lesson,
    session_start,
)
from engine.files.lesson_terms import CHAIN_RULE_LINES, LAB_PANELS, LAB_PLOTS, Target
from gui.shell.file_dialogs import ask_open_path, ask_save_path

LESSON_FILTER = "Backprop Playground lessons (*.json);;All files (*)"
DIAGRAM_PARTS = {"w": "edge", "b": "neuron", "x": "input"}  # the diagram's selection kinds


def new_document(title: str = "A new lesson") -> dict:
    return {"app": APP, "kind": KIND, "format": FORMAT, "title": title, "steps": []}


def highlight_choices(lab) -> list[tuple[str, dict]]:
    """What a step made from `lab` can highlight: (label, highlight as the file writes it),
    the selection's cell (and diagram part) first."""
    choices = []
    selected = lab.controller.selected
    if selected is not None:
        name, index = selected
        cell = str(Target(name, tuple(index) or None))
        choices.append((f"the selected cell {cell}", {"cell": cell}))
        notation = getattr(lab, "notation", None)
        part = notation.diagram_selection(selected) if notation is not None else None
        if part is not None:
            text = f"{DIAGRAM_PARTS[part[0]]}[{', '.join(map(str, part[1]))}]"
            choices.append((f"the diagram's {text}", {"diagram": text}))
    choices += [(f"chain rule: {line}", {"chain_rule": line}) for line in CHAIN_RULE_LINES]
    choices += [(f"panel: {key}", {"panel": key}) for key in LAB_PANELS[lab.kind]]
    choices += [(f"plot: {key}", {"plot": key}) for key in LAB_PLOTS[lab.kind]]
    return choices


def describe(highlight: dict) -> str:
    kind, name = next(iter(highlight.items()))
    return f"{kind} {name}"


class LessonEditor(QDialog):
    """The lesson being made, a step list and the chosen step's caption and highlights."""

    def __init__(self, window, lessons):
        super().__init__(window)
        self.setWindowTitle("Lesson editor")
        self.window, self.lessons = window, lessons
        self.document = new_document()
        self.path: Path | None = None
        self._make_widgets()
        self._lay_out()
        self._connect()
        self._show_steps()

    def _make_widgets(self) -> None:
        self.title = QLineEdit(self.document["title"])
        self.steps = QListWidget()
        self.add_button = QPushButton("Add step from the window")
        self.up_button, self.down_button = QPushButton("Up"), QPushButton("Down")
        self.delete_button = QPushButton("Delete step")
        self.step_title = QLineEdit()
        self.caption = QPlainTextEdit()
        self.caption.setPlaceholderText("What the learner reads: **bold**, `code`, lists, and "
                                        "numbers of the step such as {{ loss }}")
        self.start = QLabel()
        self.start.setWordWrap(True)
        self.highlights = QListWidget()
        self.highlight_choice = QComboBox()
        self.add_highlight = QPushButton("Add highlight")
        self.remove_highlight = QPushButton("Remove highlight")
        self.preview_button = QPushButton("Preview from this step")
        self.open_button = QPushButton("Open…")
        self.save_button = QPushButton("Save…")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)

    def _lay_out(self) -> None:
        order = QHBoxLayout()
        for button in (self.add_button, self.up_button, self.down_button, self.delete_button):
            order.addWidget(button)
        step = QFormLayout()
        step.addRow("Step title", self.step_title)
        step.addRow("Caption", self.caption)
        step.addRow("Starts from", self.start)
        step.addRow("Highlights", self.highlights)
        choose = QHBoxLayout()
        choose.addWidget(self.highlight_choice, 1)
        choose.addWidget(self.add_highlight)
        choose.addWidget(self.remove_highlight)
        step.addRow("", _row(choose))
        files = QHBoxLayout()
        for button in (self.preview_button, self.open_button, self.save_button):
            files.addWidget(button)
        layout = QVBoxLayout(self)
        title = QFormLayout()
        title.addRow("Lesson title", self.title)
        layout.addLayout(title)
        layout.addWidget(self.steps)
        layout.addLayout(order)
        layout.addLayout(step)
        layout.addLayout(files)
        layout.addWidget(self.message)

    def _connect(self) -> None:
        self.title.textEdited.connect(self._on_title_edited)
        self.steps.currentRowChanged.connect(self._on_steps_row_changed)
        self.add_button.clicked.connect(self.add_step)
        self.up_button.clicked.connect(lambda: self.move_step(-1))
        self.down_button.clicked.connect(lambda: self.move_step(1))
        self.delete_button.clicked.connect(self.delete_step)
        self.step_title.textEdited.connect(self._on_step_title_edited)
        self.caption.textChanged.connect(self._on_caption_changed)
        self.add_highlight.clicked.connect(self._on_add_highlight_clicked)
        self.remove_highlight.clicked.connect(self._on_remove_highlight_clicked)
        self.preview_button.clicked.connect(self.preview)
        self.open_button.clicked.connect(self.open_dialog)
        self.save_button.clicked.connect(self.save_dialog)

    # --- the steps ---------------------------------------------------------------------------

    def current(self) -> dict | None:
        row = self.steps.currentRow()
        steps = self.document["steps"]
        return steps[row] if 0 <= row < len(steps) else None

    def add_step(self) -> None:
        """A step from the window as it is now, after the chosen step (or at the end)."""
        lab = self.window.active_lab()
        if lab is None:
            self._say("Open a scenario first: a step starts from the window's state.")
            return
        choices = highlight_choices(lab)
        step = {"caption": "", "start": session_start(
                    lab.controller.capture_session(lab.view_settings())),
                "highlight": [choices[0][1]] if lab.controller.selected is not None else []}
        row = self.steps.currentRow() + 1 if self.current() is not None else \
            len(self.document["steps"])
        self.document["steps"].insert(row, step)
        self._show_steps(row)
        self._say(f"Step {row + 1} starts from {lab.controller.title} at "
                  f"{lab.controller.epoch_word} {lab.controller.stepper.iteration}.")

    def move_step(self, by: int) -> None:
        row, steps = self.steps.currentRow(), self.document["steps"]
        if 0 <= row < len(steps) and 0 <= row + by < len(steps):
            steps[row], steps[row + by] = steps[row + by], steps[row]
            self._show_steps(row + by)

    def delete_step(self) -> None:
        row, steps = self.steps.currentRow(), self.document["steps"]
        if 0 <= row < len(steps):
            del steps[row]
            self._show_steps(min(row, len(steps) - 1))

    def _show_steps(self, row: int = -1) -> None:
        with QSignalBlocker(self.steps):
            self.steps.clear()
            for number, step in enumerate(self.document["steps"], start=1):
                words = step.get("title") or " ".join(step.get("caption", "").split()[:8])
                self.steps.addItem(f"{number}. {words or '(no caption yet)'}")
        self.steps.setCurrentRow(row)
        self._on_steps_row_changed(row)

    def _on_steps_row_changed(self, _row: int) -> None:
        """Show the chosen step's parts for editing."""
        step = self.current()
        for widget in (self.step_title, self.caption, self.highlights, self.up_button,
                       self.down_button, self.delete_button, self.add_highlight,
                       self.remove_highlight, self.preview_button):
            widget.setEnabled(step is not None)
        with QSignalBlocker(self.step_title), QSignalBlocker(self.caption):
            self.step_title.setText(step.get("title", "") if step else "")
            self.caption.setPlainText(step.get("caption", "") if step else "")
        self.start.setText(_start_text(step))
        self.highlights.clear()
        for highlight in (step or {}).get("highlight", []):
            self.highlights.addItem(describe(highlight))
        self.highlight_choice.clear()
        lab = self.window.active_lab()
        for label, highlight in highlight_choices(lab) if lab is not None else []:
            self.highlight_choice.addItem(label, highlight)

    # --- edits -------------------------------------------------------------------------------

    def _on_title_edited(self, text: str) -> None:
        self.document["title"] = text

    def _on_step_title_edited(self, text: str) -> None:
        step = self.current()
        if step is not None:
            if text:
                step["title"] = text
            else:
                step.pop("title", None)
            self.steps.currentItem().setText(f"{self.steps.currentRow() + 1}. {text}")

    def _on_caption_changed(self) -> None:
        step = self.current()
        if step is not None:
            step["caption"] = self.caption.toPlainText()

    def _on_add_highlight_clicked(self) -> None:
        step, highlight = self.current(), self.highlight_choice.currentData()
        if step is not None and highlight is not None and highlight not in step["highlight"]:
            step["highlight"].append(dict(highlight))
            self.highlights.addItem(describe(highlight))

    def _on_remove_highlight_clicked(self) -> None:
        step, row = self.current(), self.highlights.currentRow()
        if step is not None and 0 <= row < len(step["highlight"]):
            del step["highlight"][row]
            self.highlights.takeItem(row)

    # --- lesson files ------------------------------------------------------------------------

    def lesson(self):
        """The lesson the editor holds, checked; LessonError says what to fix."""
        return lesson_from_document(copy.deepcopy(self.document), name=self.path.stem
                                    if self.path else "")

    def preview(self) -> bool:
        """Play the lesson in the window from the chosen step."""
        try:
            lesson = self.lesson()
        except LessonError as error:
            self._say(f"Not yet a lesson: {error}")
            return False
        return self.lessons.open(lesson, max(0, self.steps.currentRow()))

    def save(self, path: str | Path) -> bool:
        """Write the lesson to `path`; nothing is written if it does not load back."""
        try:
            save_lesson(path, copy.deepcopy(self.document))
        except (LessonError, OSError) as error:
            self._say(f"Not saved: {error}")
            return False
        self.path = Path(path)
        self._say(f"Saved {self.path.name}: Help > Lessons > Open a lesson file plays it.")
        return True

    def save_dialog(self) -> bool:
        name = self.path.name if self.path else "lesson.json"
        path = ask_save_path(self, "lesson", "Save lesson", name, LESSON_FILTER,
                             self.lessons.sessions.settings, suffix=".json",
                             start=self.path.parent if self.path else None)
        return path is not None and self.save(path)

    def open_file(self, path: str | Path) -> bool:
        """Edit the lesson in `path`."""
        try:
            lesson = load_lesson(path)
        except LessonError as error:
            self._say(f"{Path(path).name} cannot be opened: {error}")
            return False
        self.document = copy.deepcopy(lesson.document)
        self.path = Path(path)
        self.title.setText(self.document["title"])
        self._show_steps(0)
        self._say(f"Editing {self.path.name}: {len(self.document['steps'])} steps.")
        return True

    def open_dialog(self) -> bool:
        path = ask_open_path(self, "lesson", "Edit lesson", LESSON_FILTER,
                             self.lessons.sessions.settings)
        return path is not None and self.open_file(path)

    def _say(self, text: str) -> None:
        self.message.setText(text)


def _start_text(step: dict | None) -> str:
    if step is None:
        return ""
    start = step.get("start", "previous")
    if start == "previous":
        return "where the step before ends"
    if "session" in start:
        session = start["session"]
        return f"the window's state when the step was added ({session.get('title', '')})"
    return f"the scenario {start.get('scenario')}"


def _row(layout: QHBoxLayout) -> QWidget:
    holder = QWidget()
    layout.setContentsMargins(0, 0, 0, 0)
    holder.setLayout(layout)
    return holder
