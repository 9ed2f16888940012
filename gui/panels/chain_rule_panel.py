"""The selected gradient taken apart: dl/dw_in = dl/dy * dy/da_i * da_i/dz_i * dz_i/dw_in.

Each factor is shown with its live value, then their product (what backpropagation computed)
next to the central-difference estimate that only uses the loss. Agreement to many digits is the
learner's evidence that the chain rule, and not some trick, produced the number. Below it the
gradient with respect to the inputs, dl/dX = dl/dZ * W, term by term.

A gradient of 0 says why (an inactive ReLU, a factor of 0), and one computed by both methods as
0 within their rounding says "both ~0" rather than "differ". Once an iteration's update has
begun, the rule is the pass's, the numbers the diagram shows; the rule at the updated
parameters is a click away. "Check every gradient" runs the same check on all of them.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QFont, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from gui.controller.snapshot import ChainRuleInfo, Snapshot
from gui.widgets.cell_values import format_value
from gui.widgets.text_style import MUTED_COLOUR, style_text

AGREEMENT = 1e-4  # relative error under which the two estimates count as the same number
VERDICT_COLOURS = {"agree": "#009E73", "both ~0": "#009E73", "differ": "#D55E00"}
NOTE_COLOUR = "#D55E00"
CURRENT_NOTE = ("Evaluated at the parameters' current values, the ones the next forward pass "
                "uses.")
PASS_NOTE = ("Evaluated at the parameters this iteration's pass used, before its update: the "
             "numbers in the diagram.")
UPDATED_NOTE = ("Evaluated at the updated parameters, which the next pass will use; the "
                "diagram still shows this iteration's pass.")
# The rule's lines top to bottom, as rule_html writes them (the largest term takes two rows).
RULE_LINES = ("equation", "values", "largest_term", "product", "numerical")


OPERATORS = frozenset("=+*×·≈")  # a long line wraps only before one of these
WORD_JOINER = "\u2060"  # invisible; keeps Qt from breaking "dl/dw" or "1e-12" inside
INDENT_PX = 24  # a wrapped line's continuation starts this far in
RULE_SCALE = 1.15  # the selected rule's type against the panel's


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _math(text: str) -> str:
    """`text` as rich text that may break only before an operator ("= a * b" breaks before
    "*"): every other space is non-breaking and no slash or minus ends a line."""
    words = text.split(" ")
    html = _escape(words[0])
    for word in words[1:]:
        html += (" " if word in OPERATORS else "&nbsp;") + _escape(word)
    return html.replace("/", "/" + WORD_JOINER).replace("-", "-" + WORD_JOINER)


def _line(*segments: str, colour: str | None = None) -> str:
    """One line of the rule, continued with a hanging indent when the panel is too narrow;
    it may also break between its segments."""
    style = f"margin-left: {INDENT_PX}px; text-indent: -{INDENT_PX}px"
    if colour is not None:
        style += f"; color: {colour}"
    return f"<div style='{style}'>" + "&nbsp; ".join(segments) + "</div>"


def _number(value: float) -> str:
    return format_value(value, 6)


def _signed(value: float) -> str:
    """A factor as written in a product: negative ones in brackets."""
    return f"({_number(value)})" if value < 0 else _number(value)


def _wrt(rule: ChainRuleInfo) -> str:
    """What a rule differentiates by: "w_0" of "dl/dw_0", "dense2.weights[4, 1]" of
    "dl/d(dense2.weights[4, 1])"."""
    name = rule.target[4:]
    return name[1:-1] if name.startswith("(") and name.endswith(")") else name


def verdict_of(rule: ChainRuleInfo) -> str:
    """The rule's verdict; a rule made without one (a hand-built snapshot) by its error."""
    return rule.verdict or ("agree" if rule.relative_error < AGREEMENT else "differ")


def zero_note(rule: ChainRuleInfo, brief: bool = False) -> str:
    """Why a gradient that backpropagation computed as exactly 0 is 0; "" if it is not 0.
    `brief`: only the reason, for the rules under one that explained it in full."""
    if rule.product != 0:
        return ""
    zeros = [part for part in rule.factors if part.value == 0]
    relu = next((part for part in zeros
                 if part.label.startswith("da") and "/dz" in part.label), None)
    if relu is not None:
        if brief:
            return f"{relu.label} = 0: the ReLU is inactive."
        return (f"{relu.label} = 0: the ReLU is inactive (its input z ≤ 0), so it passes no "
                "gradient back and this weight or bias stops changing. A neuron whose ReLU is "
                "inactive for every input is dead: training cannot bring it back.")
    if rule.terms and all(part.value == 0 for part in rule.terms):
        return "Every term is 0, so their sum is 0."
    if zeros:
        return f"{zeros[0].label} = 0, so the whole product is 0."
    return ""


def rule_html(rule: ChainRuleInfo, brief: bool = False) -> str:
    """The equation, the factors' values, the product and the numerical check, as rich text
    that wraps before operators."""
    parts = rule.terms or rule.factors
    joiner = " + " if rule.terms else " × "
    values = joiner.join(_signed(part.value) for part in parts)
    verdict = verdict_of(rule)
    colour = VERDICT_COLOURS[verdict]
    lines = [_line(f"<b>{_math(rule.equation)}</b>"), _line(_math(f"= {values}"))]
    if rule.terms and rule.factors:
        # A sum over samples: take its largest term apart, factor by factor.
        labels = " × ".join(part.label for part in rule.factors)
        factors = " × ".join(_signed(part.value) for part in rule.factors)
        with np.errstate(over="ignore", invalid="ignore"):  # diverged factors: inf or nan
            term = float(np.prod([part.value for part in rule.factors]))
        lines.append(_line("its largest term:", _math(labels), colour="gray"))
        lines.append(_line("&nbsp;" * 4 + _math(f"= {factors} = {_number(term)}"),
                           colour="gray"))
    lines.append(_line(f"= <b>{_number(rule.product)}</b>", "(backpropagation)"))
    lines.append(_line(_math(f"≈ {_number(rule.numerical)}"), _math("(central difference)"),
                       f"<span style='color: {colour}'>relative error "
                       f"{_math(f'{rule.relative_error:.1e}: {verdict}')}</span>"))
    note = zero_note(rule, brief)
    if note:
        lines.append(_line(_escape(note), colour=NOTE_COLOUR))
    return "".join(lines)


class ChainRulePanel(QWidget):
    """Rich-text labels for the selected parameter's rule and the inputs' rules."""

    # () "Check every gradient" was clicked
    check_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.heading = QLabel()
        style_text(self.heading, bold=True)
        self.rule_label = QLabel()
        # The formula may break only before its operators, never inside "dl/dX".
        self.inputs_heading = QLabel("Gradient with respect to the inputs, "
                                     + _math("dl/dX = dl/dZ · W"))
        style_text(self.inputs_heading, bold=True)
        self.inputs_label = QLabel()
        for label in (self.rule_label, self.inputs_label, self.heading, self.inputs_heading):
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for label in (self.rule_label, self.inputs_label, self.heading, self.inputs_heading):
            # A label that does not wrap would widen the panel past its dock and be cut.
            label.setWordWrap(True)
        self._enlarge_rule()
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.heading)
        layout.addWidget(self.rule_label)
        layout.addWidget(line)
        layout.addWidget(self.inputs_heading)
        layout.addWidget(self.inputs_label)
        layout.addStretch(1)
        self.note = QLabel(CURRENT_NOTE)
        self.note.setWordWrap(True)
        style_text(self.note, MUTED_COLOUR)
        layout.insertWidget(2, self.note)
        # Shown once an update has begun: the other state, on request.
        self.updated_box = QCheckBox("Show at the updated parameters (U)")
        self.updated_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.updated_box.hide()
        layout.insertWidget(3, self.updated_box)
        self.check_button = QPushButton("Check every gradient  (G)")
        self.check_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.check_button.setToolTip("The same check for every weight, bias and input: the "
                                     "worst relative error named")
        self.survey_label = QLabel()
        self.survey_label.setWordWrap(True)
        self.survey_label.setTextFormat(Qt.TextFormat.RichText)
        self.survey_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.check_button.clicked.connect(self.check_requested)
        self.updated_box.toggled.connect(self._on_updated_box_toggled)
        self._snapshot: Snapshot | None = None
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        # Long equations wrap before their operators at the panel's width; only a single term
        # wider than the panel (a long parameter name) scrolls sideways, with a visible bar.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        # The check and its verdict stay in view under the scrolled rules, whatever their length.
        footer = QVBoxLayout()
        footer.setContentsMargins(6, 2, 6, 6)
        check_row = QHBoxLayout()
        check_row.addWidget(self.check_button)
        check_row.addStretch(1)
        footer.addLayout(check_row)
        footer.addWidget(self.survey_label)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll, 1)
        outer.addLayout(footer)
        self._shown: tuple = ()

    def _enlarge_rule(self) -> None:
        """The selected rule a little larger than the panel's type, whatever that is now."""
        rule_font = QFont(self.font())
        rule_font.setPointSizeF(self.font().pointSizeF() * RULE_SCALE)
        self.rule_label.setFont(rule_font)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._enlarge_rule()  # presentation mode or large text changed the type size
        super().changeEvent(event)

    def set_snapshot(self, snapshot: Snapshot) -> None:
        """Show the selected parameter's chain rule and the inputs' ones."""
        self._snapshot = snapshot
        updated = self.updated_box.isChecked() and snapshot.updated_chain_rule is not None
        shown = (snapshot.chain_rule, snapshot.input_chain_rules, snapshot.updated_chain_rule,
                 updated, snapshot.gradient_survey)
        if shown == self._shown:
            return
        self._shown = shown
        self.updated_box.setVisible(snapshot.rules_at_pass_start)
        self.note.setText(UPDATED_NOTE if updated else
                          PASS_NOTE if snapshot.rules_at_pass_start else CURRENT_NOTE)
        self._show_survey(snapshot)
        rule = snapshot.updated_chain_rule if updated else snapshot.chain_rule
        if rule is None:
            self.heading.setText("Click a weight or bias to take its gradient apart.")
            self.rule_label.setText("")
        else:
            self.heading.setText(f"Gradient of the loss with respect to {_escape(_wrt(rule))}"
                                 if rule.target.startswith("dl/d") else _escape(rule.target))
            self.rule_label.setText(rule_html(rule))
        inputs = snapshot.input_chain_rules
        self.inputs_heading.setVisible(bool(inputs))
        self.inputs_label.setVisible(bool(inputs))
        # A dead ReLU explained once, in the selected rule: the inputs' rules name it briefly.
        brief = rule is not None and bool(zero_note(rule))
        self.inputs_label.setText("<br>".join(rule_html(each, brief) for each in inputs))

    def show_updated(self, on: bool) -> None:
        """Show the selected rule at the updated parameters (on) or the pass's (off)."""
        self.updated_box.setChecked(on)

    def _show_survey(self, snapshot: Snapshot) -> None:
        """The whole-model check's progress or result, while it holds for the state shown."""
        survey = snapshot.gradient_survey
        self.survey_label.setVisible(survey is not None)  # no empty line under the button
        if survey is None:
            self.survey_label.setText("")
            return
        text = _escape(survey.sentence())
        if survey.stale:
            text = f"<span style='color: gray'>Before the last change: {text}</span>"
        elif survey.done:
            verdict = "differ" if survey.counts.get("differ") else "agree"
            text = f"<span style='color: {VERDICT_COLOURS[verdict]}'>{text}</span>"
        self.survey_label.setText(text)

    def _on_updated_box_toggled(self, _on: bool) -> None:
        """Draw the other state's rule."""
        if self._snapshot is not None:
            self.set_snapshot(self._snapshot)

    def line_rect(self, line: str) -> QRect | None:
        """Where a line of the panel is drawn, in the panel's coordinates: one of RULE_LINES
        of the selected value's rule, or "inputs" (the inputs' gradients); None if the panel
        does not show it now. A lesson rings it."""
        if line == "inputs":
            if not self.inputs_label.isVisibleTo(self):
                return None
            return self._rect_of(self.inputs_heading).united(self._rect_of(self.inputs_label))
        rule = self._shown[0] if self._shown else None
        if rule is None or line not in RULE_LINES:
            return None
        rows = _label_rows(self.rule_label)
        names = [name for name in RULE_LINES if name != "largest_term" or
                 (rule.terms and rule.factors)]
        first = sum(2 if name == "largest_term" else 1 for name in names[:names.index(line)])
        wanted = rows[first:first + (2 if line == "largest_term" else 1)]
        if not wanted:
            return None
        box = wanted[0]
        for row in wanted[1:]:
            box = box.united(row)
        origin = self.rule_label.mapTo(self, self.rule_label.contentsRect().topLeft())
        return box.translated(origin.x(), origin.y()).toAlignedRect()

    def _rect_of(self, widget: QWidget) -> QRect:
        return QRect(widget.mapTo(self, widget.rect().topLeft()), widget.size())

    def text(self) -> str:
        """Everything the panel says, as plain text (what a learner would read aloud)."""
        document = QTextDocument()
        parts = []
        for label in (self.heading, self.note, self.rule_label, self.inputs_heading,
                      self.inputs_label, self.survey_label):
            if label.isVisibleTo(self) and label.text():
                document.setHtml(label.text())
                parts.append(document.toPlainText())
        # One space between words, as read, whatever non-breaking spacing the layout used.
        read = "\n".join(parts).replace(WORD_JOINER, "")
        return "\n".join(" ".join(line.split()) for line in read.splitlines())


def _label_rows(label: QLabel) -> list[QRectF]:
    """The bounding box of each written line of a rich-text label (a block, or a line a <br>
    ends, however many rows wrapping made of it), in its contents' coordinates, laid out as
    the label lays out its text."""
    document = QTextDocument()
    document.setDefaultFont(label.font())
    document.setDocumentMargin(0)
    document.setHtml(label.text())
    document.setTextWidth(label.contentsRect().width())
    layout = document.documentLayout()
    rows: list[QRectF] = []
    block = document.begin()
    while block.isValid():
        top = layout.blockBoundingRect(block).topLeft()
        text = block.text()
        lines = block.layout()
        current: QRectF | None = None
        for k in range(lines.lineCount()):
            line = lines.lineAt(k)
            rect = line.naturalTextRect().translated(top)
            starts_written_line = k == 0 or text[line.textStart() - 1] == "\u2028"
            if starts_written_line:
                if current is not None:
                    rows.append(current)
                current = rect
            else:
                current = current.united(rect)
        if current is not None:
            rows.append(current)
        block = block.next()
    return rows
