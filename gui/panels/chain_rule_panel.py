"""The selected gradient taken apart: dl/dw_in = dl/dy * dy/da_i * da_i/dz_i * dz_i/dw_in.

Each factor is shown with its live value, then their product (what backpropagation computed)
next to the central-difference estimate that only uses the loss. Agreement to many digits is the
learner's evidence that the chain rule, and not some trick, produced the number. Below it the
gradient with respect to the inputs, dl/dX = dl/dZ * W, term by term.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QRect, QRectF, Qt
from PySide6.QtGui import QFont, QTextDocument
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from gui.controller.snapshot import ChainRuleInfo, Snapshot
from gui.widgets.cell_values import format_value
from gui.widgets.text_style import MUTED_COLOUR, style_text

AGREEMENT = 1e-4  # relative error under which the two estimates count as the same number
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


def rule_html(rule: ChainRuleInfo) -> str:
    """The equation, the factors' values, the product and the numerical check, as rich text
    that wraps before operators."""
    parts = rule.terms or rule.factors
    joiner = " + " if rule.terms else " × "
    values = joiner.join(_signed(part.value) for part in parts)
    verdict = "agree" if rule.relative_error < AGREEMENT else "differ"
    colour = "#009E73" if rule.relative_error < AGREEMENT else "#D55E00"
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
    return "".join(lines)


class ChainRulePanel(QWidget):
    """Rich-text labels for the selected parameter's rule and the inputs' rules."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.heading = QLabel()
        style_text(self.heading, bold=True)
        self.rule_label = QLabel()
        self.inputs_heading = QLabel("Gradient with respect to the inputs, dl/dX = dl/dZ · W")
        style_text(self.inputs_heading, bold=True)
        self.inputs_label = QLabel()
        for label in (self.rule_label, self.inputs_label, self.heading):
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
        self.note = QLabel("Evaluated at the parameters' current values, as the next forward "
                           "pass will see them.")
        self.note.setWordWrap(True)
        style_text(self.note, MUTED_COLOUR)
        layout.insertWidget(2, self.note)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        # Long equations wrap before their operators at the panel's width; only a single term
        # wider than the panel (a long parameter name) scrolls sideways, with a visible bar.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
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
        shown = (snapshot.chain_rule, snapshot.input_chain_rules)
        if shown == self._shown:
            return
        self._shown = shown
        rule = snapshot.chain_rule
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
        self.inputs_label.setText("<br>".join(rule_html(each) for each in inputs))

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
        for label in (self.heading, self.rule_label, self.inputs_heading, self.inputs_label):
            if label.isVisibleTo(self):
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
