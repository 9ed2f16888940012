"""Every text of the hand network diagram, as strings: what each node says inside and beside
itself, and each weight's label in its three forms. gui.widgets.diagram_scene places them.

Forward values (z, a, y, l) go above the nodes, gradients (dl/dy, dl/da, dl/dz, dl/db, dl/dx)
below them, as the seed draws them. A weight's label shows the weight until its gradient is
computed, then the gradient (the weight stays in the table and the edge's width); the selected
edge shows both. The whole is hashable, and `masked()` gives the same texts with every digit
made 0: the digits are equally wide, so two diagrams whose numbers differ only in their digits
take the same room, and the layout of the one serves the other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gui.widgets.cell_values import format_value
from gui.widgets.hand_network import HandNetwork

LABEL_STYLES = ("named", "stacked", "number")  # a weight label's forms, roomiest first

Line = tuple[str, str]  # (text, role): role "text", "gradient" or "muted", maybe + PREVIEW
Lines = tuple[Line, ...]
PREVIEW = " preview"  # ends the role of a value only previewed, not computed yet: drawn greyed


@dataclass(frozen=True)
class NodeText:
    owner: str  # "x0", "sum1", "relu1", "total", "loss"
    caption: str  # written inside the node
    above: Lines  # top to bottom
    below: Lines


@dataclass(frozen=True)
class DiagramText:
    """The texts of one diagram; `labels[i * n_inputs + n]` holds w[i, n]'s label in each of
    LABEL_STYLES."""

    n_inputs: int
    n_neurons: int
    has_sum: bool
    nodes: tuple[NodeText, ...]
    labels: tuple[tuple[Lines, ...], ...]
    selected_label: int | None = None  # the selected weight's label, shown whatever it takes

    def masked(self) -> DiagramText:
        """The same texts with every digit 0 (what the layout depends on)."""
        def lines(each: Lines) -> Lines:
            return tuple((_zeroed(text), role) for text, role in each)

        nodes = tuple(NodeText(node.owner, node.caption, lines(node.above), lines(node.below))
                      for node in self.nodes)
        labels = tuple(tuple(lines(style) for style in label) for label in self.labels)
        return DiagramText(self.n_inputs, self.n_neurons, self.has_sum, nodes, labels,
                           self.selected_label)


def _zeroed(text: str) -> str:
    return re.sub(r"\d", "0", text)


def _n(value: float) -> str:
    return format_value(float(value), 4)


def _role(net: HandNetwork, field: str, role: str) -> str:
    """`role`, marked as a preview while `net` only previews `field`."""
    return role + PREVIEW if field in net.preview else role


def diagram_text(net: HandNetwork) -> DiagramText:
    """What the diagram of `net` says, node by node and weight by weight."""
    nodes = [_input_text(net, n) for n in range(net.n_inputs)]
    for i in range(net.n_neurons):
        nodes += _neuron_texts(net, i)
    if net.has_sum:
        above = () if net.y is None else ((f"y = {_n(net.y)}", _role(net, "y", "text")),)
        below = () if net.dl_dy is None else \
            ((f"dl/dy = {_n(net.dl_dy)}", _role(net, "dl_dy", "gradient")),)
        nodes.append(NodeText("total", "y = Σa", above, below))
    above = ((net.loss_text, "muted"),)
    above += () if net.loss is None else ((f"l = {_n(net.loss)}", _role(net, "loss", "text")),)
    nodes.append(NodeText("loss", "loss", above, ()))
    labels = tuple(tuple(weight_label_lines(net, i, n, style) for style in LABEL_STYLES)
                   for i in range(net.n_neurons) for n in range(net.n_inputs))
    selected = None
    if net.selected is not None and net.selected[0] == "w":
        i, n = net.selected[1]
        selected = i * net.n_inputs + n
    return DiagramText(net.n_inputs, net.n_neurons, net.has_sum, tuple(nodes), labels,
                       selected)


def _input_text(net: HandNetwork, n: int) -> NodeText:
    sub = net.input_sub(n)
    below = () if net.dl_dx is None else \
        ((f"dl/dx{sub} = {_n(net.dl_dx[n])}", _role(net, "dl_dx", "gradient")),)
    return NodeText(f"x{n}", f"x{sub}", ((f"x{sub} = {_n(net.x[n])}", "text"),), below)


def _neuron_texts(net: HandNetwork, i: int) -> list[NodeText]:
    """The neuron's sum node (b, z; dl/dz, dl/db) and its ReLU (a; dl/da, da/dz)."""
    k = net.neuron_sub(i)

    def value(field: str, name: str, role: str) -> Lines:
        array = getattr(net, field)
        return () if array is None else ((f"{name} = {_n(array[i])}", _role(net, field, role)),)

    above = ((f"b{k} = {_n(net.b[i])}", "text"),) + value("z", f"z{k}", "text")
    below = value("dl_dz", f"dl/dz{k}", "gradient") + value("dl_db", f"dl/db{k}", "gradient")
    relu_below = value("dl_da", f"dl/da{k}", "gradient") + \
        value("da_dz", f"da{k}/dz{k}", "gradient")
    return [NodeText(f"sum{i}", "Σ", above, below),
            NodeText(f"relu{i}", "ReLU", value("a", f"a{k}", "text"), relu_below)]


def weight_label_lines(net: HandNetwork, i: int, n: int, style: str = "named") -> Lines:
    """w[i, n]'s label: "dl/dw12 86.4" named, the name above the number stacked, or the number
    alone; the selected weight's is always named."""
    selected = net.selected == ("w", (i, n))
    style = "named" if selected else style
    sub = net.weight_sub(i, n)
    quantities = []
    if net.dl_dw is None or selected:
        quantities.append((f"w{sub}", _n(net.w[i, n]), "text"))
    if net.dl_dw is not None:
        quantities.append(
            (f"dl/dw{sub}", _n(net.dl_dw[i, n]), _role(net, "dl_dw", "gradient")))
    lines: list[Line] = []
    for name, number, role in quantities:
        if style == "named":
            lines.append((f"{name} {number}", role))
        elif style == "stacked":
            lines += [(name, role), (number, role)]
        else:
            lines.append((number, role))
    return tuple(lines)
