"""Where everything of the hand network diagram goes: nodes, edges, each number's box.

Computed from the network, the widget's size and its font, and never painted here, so a test can
check the rules a reader relies on: no two texts overlap, no text lies on a node, every number
stays inside the diagram, a node's values touch no edge but the node's own, and each weight's
label sits on its own edge and no other (gui.widgets.label_placement places those). When the
texts do not fit at the widget's type size they are tried smaller, down to FIT_SCALES[-1]; the
weight labels may also put their names above their numbers, or keep only their numbers.

A layout depends on how wide the texts are, not on their digits (gui.widgets.diagram_text), so
it is computed once for the texts with their digits masked and reused while a run changes the
numbers: a redraw costs no placement, and the layout does not jump from frame to frame.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np
from PySide6.QtGui import QFont, QFontMetricsF

from gui.widgets.diagram_text import LABEL_STYLES, DiagramText, Lines, NodeText, diagram_text
from gui.widgets.hand_network import HandNetwork
from gui.widgets.label_placement import (
    Box,
    EdgeLabel,
    Segment,
    box_array,
    overlapping,
    place_edge_labels,
    segment_array,
    segments_cross,
)

FIT_SCALES = (1.0, 0.9, 0.8, 0.7)  # text sizes tried, as a fraction of the widget's
EDGE_TEXT_SCALE = 0.88  # the weights' labels are a little smaller than the nodes' values
CODE_BOX_HEIGHT = 34
NOTE_HEIGHT = 44  # the line under the diagram saying what its numbers are
WARNING_HEIGHT = 48  # above the note, while a warning says why gradients are 0
PAD = 4  # pixels between a node and its values, and inside a label's background
INPUTS_X = 60.0  # the inputs' column, unless their values need more room on the left

Point = tuple[float, float]


@dataclass(frozen=True)
class Text:
    """Lines of text in a box: (text, role) with role "text", "gradient" or "muted".

    `owner` names what the text is about ("x1", "sum2", "relu2", "total", "loss", "w2,1"), so a
    check knows which edges it may touch."""

    box: Box
    lines: tuple[tuple[str, str], ...]
    owner: str


@dataclass(frozen=True)
class Edge:
    """A line of the drawing and the nodes it joins (a weight's edge, or the wire from a neuron
    to its ReLU, on to the sum and the loss)."""

    segment: Segment
    owners: frozenset[str]


@dataclass(frozen=True)
class Scene:
    """The whole drawing; `weight_labels[i * n_inputs + n]` is the label of w[i, n], None when
    it has no clean spot (it is then shown only while selected)."""

    inputs: tuple[Point, ...]
    neurons: tuple[Point, ...]
    relus: tuple[Point, ...]
    total: Point | None
    loss: Point
    radius: float
    code_box: Box
    bounds: Box
    node_boxes: dict[str, Box]
    weight_edges: tuple[Edge, ...]
    wires: tuple[Edge, ...]
    texts: tuple[Text, ...]
    weight_labels: tuple[Text | None, ...]
    scale: float
    label_style: str = LABEL_STYLES[0]
    callouts: tuple[int, ...] = ()  # weight labels off their edge, joined to it by a leader
    captions: dict[str, str] = field(default_factory=dict)  # what each node says inside it
    note_height: float = NOTE_HEIGHT  # the band under the drawing: the note and any warning

    @property
    def edges(self) -> tuple[Edge, ...]:
        return self.weight_edges + self.wires


def build_scene(net: HandNetwork, width: float, height: float, font: QFont) -> Scene:
    """The drawing at the largest text size at which everything fits (else at the smallest)."""
    text = diagram_text(net)
    note_height = NOTE_HEIGHT + (WARNING_HEIGHT if net.warning else 0)
    return _with_texts(_scene_for(text.masked(), width, height, font.toString(), note_height),
                       text)


@lru_cache(maxsize=32)
def _scene_for(text: DiagramText, width: float, height: float, font: str,
               note_height: float = NOTE_HEIGHT) -> Scene:
    base = QFont()
    base.fromString(font)
    scene = None
    for scale in FIT_SCALES:
        scene = _scene_at(text, width, height, base, scale, note_height)
        if problems(scene, weights=False) and scale != FIT_SCALES[-1]:
            continue  # the nodes' values collide already: no need to place the weights'
        scene = _with_weight_labels(text, scene, scaled_font(base, scale * EDGE_TEXT_SCALE))
        if not problems(scene):
            break
    return scene


def _with_texts(scene: Scene, text: DiagramText) -> Scene:
    """`scene` (laid out for the same texts with other digits) saying `text`."""
    lines = iter(line for node in text.nodes for line in _stacked(node))
    texts = tuple(replace(each, lines=(next(lines),)) for each in scene.texts)
    style = LABEL_STYLES.index(scene.label_style)
    labels = tuple(None if label is None else replace(label, lines=text.labels[k][style])
                   for k, label in enumerate(scene.weight_labels))
    captions = {node.owner: node.caption for node in text.nodes}
    return replace(scene, texts=texts, weight_labels=labels, captions=captions)


def _stacked(node: NodeText) -> Lines:
    """A node's values in the order their boxes are made: above it from the node up, then
    below it from the node down."""
    return tuple(reversed(node.above)) + node.below


def scaled_font(font: QFont, scale: float) -> QFont:
    sized = QFont(font)
    sized.setPointSizeF(font.pointSizeF() * scale)
    return sized


def problems(scene: Scene, weights: bool = True) -> list[str]:
    """Every broken rule of the drawing, in words (empty when it reads cleanly); without
    `weights`, a weight label that has no place yet is none."""
    texts = [*scene.texts, *(label for label in scene.weight_labels if label is not None)]
    boxes = box_array([text.box for text in texts])
    names = [f"{text.owner} {text.lines[0][0]!r}" for text in texts]
    nodes = list(scene.node_boxes.items())
    crossed = segments_cross(segment_array([edge.segment for edge in scene.edges]), boxes)
    on_nodes = overlapping(boxes, box_array([box for _, box in nodes]))
    touching = overlapping(boxes, boxes)
    found = [f"{names[k]} leaves the diagram" for k, text in enumerate(texts)
             if not scene.bounds.contains(text.box)]
    for k, j in zip(*np.nonzero(np.triu(touching, 1)), strict=True):
        found.append(f"{names[k]} overlaps {names[j]}")
    for k, j in zip(*np.nonzero(on_nodes), strict=True):
        found.append(f"{names[k]} lies on node {nodes[j][0]}")
    for k, j in zip(*np.nonzero(crossed), strict=True):
        edge = scene.edges[j]
        if texts[k].owner not in edge.owners:
            found.append(f"{names[k]} lies on the edge of {'/'.join(sorted(edge.owners))}")
    found += [f"the label of {'/'.join(sorted(edge.owners))} has no clean spot"
              for edge, label in zip(scene.weight_edges, scene.weight_labels, strict=True)
              if label is None and weights]
    return found


# --- building ------------------------------------------------------------------------------

def _scene_at(text: DiagramText, width: float, height: float, font: QFont,
              scale: float, note_height: float = NOTE_HEIGHT) -> Scene:
    metrics = QFontMetricsF(scaled_font(font, scale))
    code_box = Box(8, 6, width - 16, CODE_BOX_HEIGHT)
    top, bottom = code_box.bottom + 6, height - note_height - 6
    inputs_x, neuron_x, relu_x, total_x, loss_x = _columns_x(text, metrics, width)
    radius = _radius(text, metrics.height(), bottom - top)
    inputs = _column(text.n_inputs, inputs_x, top, bottom)
    neurons = _column(text.n_neurons, neuron_x, top, bottom)
    relus = _column(text.n_neurons, relu_x, top, bottom)
    middle = (top + bottom) / 2
    total = (total_x, middle) if text.has_sum else None
    centres = dict(_owners(inputs, neurons, relus, total, (loss_x, middle)))
    node_boxes = _node_boxes(text, metrics, radius, centres)
    texts = []
    for node in text.nodes:
        # An input's values end at its centre: its edges leave rightwards and cannot cross them.
        texts += _text_column(metrics, centres[node.owner], node_boxes[node.owner], node,
                              right_aligned=node.owner.startswith("x"))
    weight_edges = tuple(Edge(Segment(*inputs[n], *neurons[i]),
                              frozenset({f"x{n}", f"sum{i}", f"w{i},{n}"}))
                         for i in range(text.n_neurons) for n in range(text.n_inputs))
    wires = _wires(text, neurons, relus, total, (loss_x, middle))
    return Scene(inputs, neurons, relus, total, (loss_x, middle), radius, code_box,
                 Box(0, 0, width, height), node_boxes, weight_edges, wires, tuple(texts),
                 (None,) * len(weight_edges), scale, note_height=note_height)


def _columns_x(text: DiagramText, metrics: QFontMetricsF, width: float) -> tuple[float, ...]:
    """The x of the inputs, neurons, ReLUs, sum and loss: from the right edge leftwards, each
    column as far from the next as their values need not to touch (more in a wide diagram);
    the edges get what is left."""
    def widest(prefix: str) -> float:
        return max((metrics.horizontalAdvance(line) + 2 * PAD for node in text.nodes
                    if node.owner.rstrip("0123456789") == prefix
                    for line, _ in node.above + node.below), default=0.0)

    roomy = min(170.0, width * 0.12)

    def gap(left: str, right: str) -> float:
        return max((widest(left) + widest(right)) / 2 + 8, roomy)

    loss_x = width - 8 - widest("loss") / 2
    total_x = loss_x - gap("total", "loss")
    relu_x = total_x - gap("relu", "total") if text.has_sum else loss_x - gap("relu", "loss")
    neuron_x = relu_x - gap("sum", "relu")
    inputs_x = max(INPUTS_X, 8 + widest("x"))
    return inputs_x, neuron_x, relu_x, total_x, loss_x


def _radius(text: DiagramText, line: float, height: float) -> float:
    """Nodes as large as their column's spacing allows, less the room their values take
    above and below them (10 to 30 pixels)."""
    radius = 30.0
    for prefix, count in (("x", text.n_inputs), ("sum", text.n_neurons),
                          ("relu", text.n_neurons)):
        slot = height / count
        lines = max(len(node.above) + len(node.below) for node in text.nodes
                    if node.owner.rstrip("0123456789") == prefix)
        radius = min(radius, slot * 0.28, (slot - lines * line - 2 * PAD - 2) / 2)
    return max(10.0, radius)


def _column(count: int, x: float, top: float, bottom: float) -> tuple[Point, ...]:
    gap = (bottom - top) / count
    return tuple((x, top + gap * (k + 0.5)) for k in range(count))


def _owners(inputs, neurons, relus, total, loss) -> list[tuple[str, Point]]:
    owners = [(f"x{n}", centre) for n, centre in enumerate(inputs)]
    owners += [(f"sum{i}", centre) for i, centre in enumerate(neurons)]
    owners += [(f"relu{i}", centre) for i, centre in enumerate(relus)]
    if total is not None:
        owners.append(("total", total))
    return [*owners, ("loss", loss)]


def _node_boxes(text: DiagramText, metrics: QFontMetricsF, radius: float,
                centres: dict[str, Point]) -> dict[str, Box]:
    """Circles (inputs, neurons) by their bounding squares; ReLU, sum and loss as boxes as wide
    as their caption."""
    boxes = {}
    for node in text.nodes:
        centre = centres[node.owner]
        if node.owner.startswith(("x", "sum")):
            boxes[node.owner] = Box.centred(*centre, 2 * radius, 2 * radius)
        else:
            width = max(2 * radius, metrics.horizontalAdvance(node.caption) + 14)
            boxes[node.owner] = Box.centred(*centre, width, radius * 1.5)
    return boxes


def _wires(text: DiagramText, neurons, relus, total, loss) -> tuple[Edge, ...]:
    head = "total" if total is not None else "loss"
    wires = []
    for i in range(text.n_neurons):
        wires.append(Edge(Segment(*neurons[i], *relus[i]), frozenset({f"sum{i}", f"relu{i}"})))
        wires.append(Edge(Segment(*relus[i], *(total or loss)), frozenset({f"relu{i}", head})))
    if total is not None:
        wires.append(Edge(Segment(*total, *loss), frozenset({"total", "loss"})))
    return tuple(wires)


def _text_column(metrics: QFontMetricsF, centre: Point, box: Box, node: NodeText,
                 right_aligned: bool = False) -> list[Text]:
    """One box per line, stacked above and below the node, centred on it (or ending at its
    centre), in the order of _stacked."""
    x, _ = centre
    line = metrics.height()
    placed = [(box.top - PAD - line * (k + 0.5), each) for k, each in enumerate(reversed(
        node.above))]
    placed += [(box.bottom + PAD + line * (k + 0.5), each) for k, each in enumerate(node.below)]
    texts = []
    for y, (words, role) in placed:
        width = metrics.horizontalAdvance(words) + 2 * PAD
        middle = x - width / 2 if right_aligned else x
        texts.append(Text(Box.centred(middle, y, width, line), ((words, role),), node.owner))
    return texts


def _with_weight_labels(text: DiagramText, scene: Scene, font: QFont) -> Scene:
    metrics = QFontMetricsF(font)

    def size(lines: Lines) -> tuple[float, float]:
        return (max(metrics.horizontalAdvance(words) for words, _ in lines) + 2 * PAD,
                metrics.height() * len(lines) + 2)

    keys = [(i, n) for i in range(text.n_neurons) for n in range(text.n_inputs)]
    labels = [EdgeLabel(edge=k, sizes=tuple(size(lines) for lines in text.labels[k]),
                        preferred=_preferred_fraction(text.n_neurons, i), lowest=0.08,
                        highest=0.92, required=k == text.selected_label)
              for k, (i, n) in enumerate(keys)]
    obstacles = [*scene.node_boxes.values(), *(each.box for each in scene.texts),
                 scene.code_box]
    placement = place_edge_labels(labels, [edge.segment for edge in scene.edges], obstacles,
                                  _drawable(scene))
    placed = tuple(None if box is None else
                   Text(box, text.labels[k][placement.variant], f"w{i},{n}")
                   for k, ((i, n), box) in enumerate(zip(keys, placement.boxes, strict=True)))
    return replace(scene, weight_labels=placed, label_style=LABEL_STYLES[placement.variant],
                   callouts=placement.callouts)


def _preferred_fraction(n_neurons: int, i: int) -> float:
    """One band of the edges' length per neuron, so its labels start apart from the others'."""
    if n_neurons == 1:
        return 0.45
    return 0.2 + 0.5 * i / (n_neurons - 1)


def _drawable(scene: Scene) -> Box:
    bounds = scene.bounds
    return Box(bounds.left + 2, scene.code_box.bottom + 2, bounds.width - 4,
               bounds.height - scene.note_height - scene.code_box.bottom - 4)
