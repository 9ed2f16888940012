"""The small written languages of a lesson file: what a step sets, measures and highlights.

A lesson names things as the book and the seed write them, so a teacher can type them:

- a target is a value with an optional element index, `weights[0]`, `dense1.weights[0, 1]`,
  `bias`, `learning_rate`; or a part of a classification network's spec, `spec.hidden[0].dropout`,
  `spec.optimizer.momentum`, `spec.optimizer` (set as a whole), `spec.seed`, `spec.loss`
  (the output/loss pair, e.g. `mean_absolute_error` for a regression);
- a quantity is what a task checks or a caption quotes: `loss`, `accuracy`, `validation_loss`,
  `validation_accuracy`, `iteration`, `learning_rate`, `value NAME[...]`, `gradient NAME[...]`
  (what backpropagation computes for it), `numerical NAME[...]` (the central difference),
  `setting NAME` (a hyperparameter as it is now, such as `setting decay`, or a place in the
  spec, `setting spec.hidden[0].dropout`), `line N` (a printed line, Python's index: 0 the
  first, -1 the last) and `validation_line` (chapter 11's line);
- a highlight is a panel, a table cell, a part of the hand lab's diagram, a line of the chain
  rule panel or a plot, named as the window names them (LAB_PANELS, LAB_PLOTS below).

Parsing only checks the form (TermError says what is wrong); whether a name exists in the
network a step shows is for the player to say when it plays the step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_INDEX = 10**6  # no array the app builds has an axis longer than this
MAX_AXES = 4
MAX_TERM = 200  # characters in one target or quantity

# The window's panels and plots for each lab, by the keys the labs give their docks
# (gui/labs/hand/lab.py: "hand_<key>_dock"; gui/labs/classification/lab.py:
# "classification_<key>_dock"); "diagram" and "boundary" are the labs' central views.
LAB_PANELS = {
    "hand": ("controls", "parameters", "diagram", "chain_rule", "loss_along_weight", "loss",
             "log", "landscape"),
    "classification": ("controls", "network", "data", "boundary", "neuron_maps", "inspector",
                       "confusion", "chain_rule", "log", "curves", "compare", "landscape"),
}
LAB_PLOTS = {
    "hand": ("loss", "loss_along_weight"),
    "classification": ("boundary", "regression", "loss", "accuracy", "learning_rate",
                       "neuron_maps"),
}
# The lines of the chain rule panel (gui/panels/chain_rule_panel.py rule_html), top to bottom:
# the equation, its factors' values, a sum's largest term, the product, the central difference,
# and the section with the inputs' gradients dl/dX.
CHAIN_RULE_LINES = ("equation", "values", "largest_term", "product", "numerical", "inputs")
# Parts of the hand lab's diagram (gui/widgets/network_diagram.py), with the number of indices
# each takes, in the seed's layout: input[n], edge[i, n] (the weight w_in), neuron[i] (z_i and
# the bias), relu[i] (a_i), the sum y (the layer only) and the loss.
DIAGRAM_PARTS = {"input": 1, "edge": 2, "neuron": 1, "relu": 1, "sum": 0, "loss": 0}
LAYOUTS = ("default", "presentation")  # View > Reset layout; View > Presentation mode

NUMBER_QUANTITIES = ("loss", "accuracy", "validation_loss", "validation_accuracy", "iteration",
                     "learning_rate")
TEXT_QUANTITIES = ("validation_line",)
TARGETED_QUANTITIES = ("value", "gradient", "numerical")
COMPARISONS = ("<", "<=", ">", ">=")
SPEC_SECTIONS = ("output", "optimizer", "data")
SPEC_TOP = ("seed", "numerics", "loss", "weight_scale")

_NAME = r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*"
_TARGET = re.compile(rf"({_NAME})\s*(?:\[([^\]]*)\])?")
_SPEC = re.compile(r"spec\.(?:hidden\[(\d+)\]\.([a-z_0-9]+)|(output|optimizer|data)"
                   r"(?:\.([a-z_0-9]+))?|(seed|numerics|loss|weight_scale))")
_DIAGRAM = re.compile(r"([a-z]+)(?:\[([^\]]*)\])?")
_FORMAT = re.compile(r"[+ ]?(?:\.\d{1,2})?[efg%]?")


class TermError(ValueError):
    """A target, quantity or highlight that is not written in the lesson language."""


@dataclass(frozen=True)
class Target:
    """A value of the trainable (a parameter, a hyperparameter, a computed value) and, for an
    element, its index: `dense1.weights[0, 1]` is Target("dense1.weights", (0, 1))."""

    name: str
    index: tuple[int, ...] | None = None

    def __str__(self) -> str:
        if self.index is None:
            return self.name
        return f"{self.name}[{', '.join(str(i) for i in self.index)}]"

    def covers(self, name: str, index: tuple[int, ...] | None) -> bool:
        """Whether this target names `name` (all of it) or the element `index` of it."""
        return self.name == name and (self.index is None or self.index == index)


@dataclass(frozen=True)
class SpecPath:
    """A place in a classification network's spec (engine/training/spec.py):
    ("hidden", 0, "dropout"), ("optimizer", "momentum"), ("optimizer",), ("seed",)."""

    keys: tuple

    def __str__(self) -> str:
        if self.keys[0] == "hidden":
            return f"spec.hidden[{self.keys[1]}].{self.keys[2]}"
        return "spec." + ".".join(self.keys)

    def covers(self, other: SpecPath) -> bool:
        return other.keys[:len(self.keys)] == self.keys


@dataclass(frozen=True)
class Quantity:
    """Something measured on the current state: a name from NUMBER_QUANTITIES or
    TEXT_QUANTITIES, "value"/"gradient"/"numerical" of a target, "setting" of a
    hyperparameter or spec place, or printed line `line`."""

    kind: str
    target: Target | SpecPath | None = None  # a SpecPath only for "setting"
    line: int | None = None

    def __str__(self) -> str:
        if self.target is not None:
            return f"{self.kind} {self.target}"
        if self.line is not None:
            return f"line {self.line}"
        return self.kind

    @property
    def is_number(self) -> bool:
        """False for the quantities that are text (printed lines); a "value" may still turn
        out to be an array when the step plays."""
        return self.kind not in TEXT_QUANTITIES and self.kind != "line"


@dataclass(frozen=True)
class Highlight:
    """What a step points at: kind "panel" | "cell" | "diagram" | "chain_rule" | "plot".

    name: the panel key, diagram part, chain rule line or plot; target: the cell's array and
    index; index: the diagram part's index in the seed's layout."""

    kind: str
    name: str = ""
    target: Target | None = None
    index: tuple[int, ...] = ()

    def __str__(self) -> str:
        if self.kind == "cell":
            return f"cell {self.target}"
        if self.kind == "diagram" and self.index:
            return f"diagram {self.name}[{', '.join(map(str, self.index))}]"
        return f"{self.kind} {self.name}"


def parse_target(text: object) -> Target:
    """`name` or `name[i, j, ...]` with whole numbers 0..MAX_INDEX."""
    text = _term_text(text, "a target such as weights[0] or learning_rate")
    match = _TARGET.fullmatch(text.strip())
    if match is None or match.group(1).startswith("spec."):
        raise TermError(f"{text!r} is not a value name such as weights[0], dense1.biases[0, 2] "
                        "or learning_rate")
    name, inside = match.groups()
    return Target(name, None if inside is None else _index(inside, text))


def parse_change(text: object) -> Target | SpecPath:
    """What a `set` action or a task's may_change names: a Target or a spec place."""
    text = _term_text(text, "a target such as bias or spec.hidden[0].dropout")
    if text.strip().startswith("spec"):
        return parse_spec_path(text)
    return parse_target(text)


def parse_spec_path(text: str) -> SpecPath:
    match = _SPEC.fullmatch(text.strip())
    if match is None:
        raise TermError(f"{text!r} is not a place in the network's spec: expected "
                        "spec.hidden[N].KEY, spec.output.KEY, spec.optimizer, "
                        "spec.optimizer.KEY, spec.data.KEY, spec.seed, spec.numerics, "
                        "spec.loss or spec.weight_scale")
    layer, layer_key, section, section_key, top = match.groups()
    if layer is not None:
        number = int(layer)
        if number > MAX_INDEX:
            raise TermError(f"{text!r}: layer {number} is out of range")
        return SpecPath(("hidden", number, layer_key))
    if section is not None:
        return SpecPath((section,) if section_key is None else (section, section_key))
    return SpecPath((top,))


def parse_quantity(text: object) -> Quantity:
    """One of the forms in the module docstring, e.g. "gradient weights[0]" or "line -1"."""
    text = _term_text(text, "a quantity such as loss or gradient weights[0]")
    words = text.split(maxsplit=1)
    if not words:
        raise TermError("a quantity is empty: expected e.g. loss, accuracy or value bias")
    kind = words[0]
    rest = words[1] if len(words) > 1 else ""
    if kind in NUMBER_QUANTITIES or kind in TEXT_QUANTITIES:
        if rest:
            raise TermError(f"{text!r}: {kind} takes nothing after it")
        return Quantity(kind)
    if kind in TARGETED_QUANTITIES:
        if not rest:
            raise TermError(f"{text!r}: {kind} needs a value name, e.g. {kind} weights[0]")
        return Quantity(kind, target=parse_target(rest))
    if kind == "setting":
        if not rest:
            raise TermError(f"{text!r}: setting needs a name, e.g. setting decay or "
                            "setting spec.hidden[0].dropout")
        return Quantity(kind, target=parse_change(rest))
    if kind == "line":
        try:
            line = int(rest)
        except ValueError:
            raise TermError(f"{text!r}: line needs a whole number, e.g. line -1 for the "
                            "last printed line") from None
        if abs(line) > MAX_INDEX:
            raise TermError(f"{text!r}: line {line} is out of range")
        return Quantity("line", line=line)
    known = (*NUMBER_QUANTITIES, *TEXT_QUANTITIES, *TARGETED_QUANTITIES, "setting", "line")
    raise TermError(f"{text!r} is not a quantity: it starts with one of {', '.join(known)}")


def parse_format(text: object) -> str:
    """A number format such as .3f, .2e, .1% or .6g (Python's, without fill or width)."""
    if not isinstance(text, str) or not text or not _FORMAT.fullmatch(text):
        raise TermError(f"{text!r} is not a number format: expected e.g. .3f, .2e, .1% or .6g")
    return text


def parse_highlight(kind: str, text: object) -> Highlight:
    """`kind` one of panel, cell, diagram, chain_rule, plot; `text` what it points at."""
    if kind == "cell":  # no index: a single number's box, such as the seed's bias
        return Highlight("cell", target=parse_target(text))
    text = _term_text(text, f"a {kind} name")
    if kind == "panel":
        return Highlight("panel", _one_of(text, _all(LAB_PANELS), "panel"))
    if kind == "plot":
        return Highlight("plot", _one_of(text, _all(LAB_PLOTS), "plot"))
    if kind == "chain_rule":
        return Highlight("chain_rule", _one_of(text, CHAIN_RULE_LINES, "chain rule line"))
    if kind == "diagram":
        return _diagram(text)
    raise TermError(f"{kind!r} is not something to highlight: expected panel, cell, diagram, "
                    "chain_rule or plot")


def _diagram(text: str) -> Highlight:
    match = _DIAGRAM.fullmatch(text.strip())
    part = match.group(1) if match else None
    if part not in DIAGRAM_PARTS:
        raise TermError(f"{text!r} is not a diagram part: expected input[n], edge[i, n], "
                        "neuron[i], relu[i], sum or loss")
    index = () if match.group(2) is None else _index(match.group(2), text)
    if len(index) != DIAGRAM_PARTS[part]:
        raise TermError(f"{text!r}: {part} takes {DIAGRAM_PARTS[part]} "
                        f"ind{'ex' if DIAGRAM_PARTS[part] == 1 else 'ices'}")
    return Highlight("diagram", part, index=index)


def _index(inside: str, text: str) -> tuple[int, ...]:
    parts = [part.strip() for part in inside.split(",")]
    if not 1 <= len(parts) <= MAX_AXES or not all(part.isdigit() for part in parts):
        raise TermError(f"{text!r}: an index is 1 to {MAX_AXES} whole numbers from 0, "
                        "e.g. [0] or [0, 1]")
    index = tuple(int(part) for part in parts)
    if max(index) > MAX_INDEX:
        raise TermError(f"{text!r}: index {max(index)} is out of range")
    return index


def _term_text(text: object, wanted: str) -> str:
    if not isinstance(text, str):
        raise TermError(f"expected {wanted}, got {type(text).__name__}")
    if len(text) > MAX_TERM:
        raise TermError(f"expected {wanted} of at most {MAX_TERM} characters, got {len(text)}")
    return text


def _one_of(text: str, choices: tuple[str, ...], what: str) -> str:
    if text not in choices:
        raise TermError(f"{text!r} is not a {what}: expected one of {', '.join(choices)}")
    return text


def _all(by_lab: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(name for names in by_lab.values() for name in names))
