"""Label rectangles of network diagrams: no two overlap, none lies on a node, and none on an edge
it does not belong to; for the seed's layer of 3 (the real diagram's geometry, fresh, mid-pass
and with a weight selected) and for 2-8-8-3 classification networks, at normal and large text.

The rules are checked here with Qt's own geometry (QRectF, QLineF), not with the placement's
clipping code, so a mistake there cannot hide itself.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from PySide6.QtCore import QLineF, QPointF, QRectF
from PySide6.QtGui import QFont, QFontMetricsF

from gui.labs.hand.notation import LAYER, SINGLE_NEURON
from gui.widgets.diagram_scene import build_scene, problems
from gui.widgets.label_placement import (
    Box,
    EdgeLabel,
    Segment,
    box_array,
    place_edge_labels,
    segment_array,
    segments_cross,
)
from tests.gui.widgets.test_network_diagram import fake_layer_snapshot

NORMAL, LARGE = 10.0, 12.5  # the app's point sizes (gui.shell.theme), large text a quarter up
# The diagram's sizes in the window: its minimum, 1600x1000, 1920x1080.
ROOMY = [(718, 655), (1028, 724), (1028, 735), (900, 560)]


def rect(box: Box) -> QRectF:
    return QRectF(box.left, box.top, box.width, box.height)


def crosses(segment: Segment, box: Box) -> bool:
    """Whether the segment enters the box: an end inside, or a side cut."""
    area = rect(box)
    line = QLineF(segment.x1, segment.y1, segment.x2, segment.y2)
    if area.contains(line.p1()) or area.contains(line.p2()):
        return True
    corners = [area.topLeft(), area.topRight(), area.bottomRight(), area.bottomLeft()]
    return any(line.intersects(QLineF(a, b))[0] == QLineF.IntersectionType.BoundedIntersection
               for a, b in zip(corners, corners[1:] + corners[:1], strict=True))


def broken_rules(boxes: dict[int, Box], edges: list[Segment], own: dict[int, int],
                 nodes: list[Box], callouts: tuple[int, ...] = ()) -> list[str]:
    """What breaks the rules among labels `boxes` (label -> box) of edges `own[label]`."""
    found = []
    for (a, box), (b, other) in itertools.combinations(boxes.items(), 2):
        if rect(box).intersects(rect(other)):
            found.append(f"labels {a} and {b} overlap")
    for k, box in boxes.items():
        found += [f"label {k} lies on a node" for node in nodes if rect(node).intersects(rect(box))]
        found += [f"label {k} lies on edge {e}" for e, edge in enumerate(edges)
                  if (e != own[k] or k in callouts) and crosses(edge, box)]
    return found


# --- the seed's layer of 3 ---------------------------------------------------------------

def font(points: float) -> QFont:
    chosen = QFont()
    chosen.setPointSizeF(points)
    return chosen


def layer_networks():
    """The layer at iteration 0 (weights only, then the preview with every gradient), in the
    middle of the forward pass, and with a weight selected (its label shows two lines)."""
    for position, iteration, selected in ((0, 0, None), (0, 1, None), (3, 0, None),
                                          (11, 0, ("W", (1, 3))), (0, 1, ("W", (2, 0)))):
        snapshot = fake_layer_snapshot(position, iteration)
        yield LAYER.network(snapshot, LAYER.diagram_selection(selected))


@pytest.mark.parametrize("points", [NORMAL, LARGE], ids=["normal", "large"])
@pytest.mark.parametrize("size", ROOMY, ids=lambda size: f"{size[0]}x{size[1]}")
def test_the_layer_of_three_has_every_label_clean(qapp, size, points):
    for net in layer_networks():
        scene = build_scene(net, *size, font(points))
        assert problems(scene) == []
        labels = {k: label.box for k, label in enumerate(scene.weight_labels)}
        assert None not in labels.values()  # all 12 drawn
        edges = [edge.segment for edge in scene.edges]
        nodes = [*scene.node_boxes.values(), *(text.box for text in scene.texts)]
        assert broken_rules(labels, edges, {k: k for k in labels}, nodes, scene.callouts) == []


def test_at_1920x1080_large_text_the_diagram_keeps_its_full_type_size(qapp):
    for net in layer_networks():
        assert build_scene(net, 1028, 724, font(LARGE)).scale == 1.0


def test_today_colliding_gradients_at_iteration_0_now_stand_apart(qapp):
    """The issue's case: dl/dw14 lay on dl/dw24, dl/dw13, dl/dw23, dl/dw31 and dl/dw32 on each
    other. Each gradient's label now has its own spot on its own edge."""
    net = LAYER.network(fake_layer_snapshot(0, iteration=1), None)
    scene = build_scene(net, 718, 655, font(NORMAL))
    boxes = [label.box for label in scene.weight_labels]
    assert all(not rect(a).intersects(rect(b)) for a, b in itertools.combinations(boxes, 2))
    for k, box in enumerate(boxes):
        x, y = box.centre
        segment = scene.weight_edges[k].segment
        assert QLineF(segment.x1, segment.y1, segment.x2, segment.y2).length() > 0
        # Centred on its own edge: the edge passes through the label's middle.
        assert crosses(segment, Box.centred(x, y, 2, 2))


def test_the_single_neuron_has_every_label_clean_down_to_the_minimum_size(qapp):
    snapshot = fake_layer_snapshot(0)
    for size, points in itertools.product([(520, 360), *ROOMY], [NORMAL, LARGE]):
        parameters = {"weights": np.array([-3.0, -1.0, 2.0]), "bias": np.array(1.0),
                      "inputs": np.array([1.0, -2.0, 3.0])}
        network = SINGLE_NEURON.network(
            snapshot.__class__(**{**snapshot.__dict__, "parameters": parameters,
                                  "values": parameters}), None)
        assert problems(build_scene(network, *size, font(points))) == [], (size, points)


# --- a 2-8-8-3 classification network ------------------------------------------------------

def network_geometry(layers: tuple[int, ...], width: float, height: float, radius: float):
    """Columns of neurons across the diagram and every edge between neighbouring columns."""
    xs = [40 + k * (width - 80) / (len(layers) - 1) for k in range(len(layers))]
    columns = []
    for x, count in zip(xs, layers, strict=True):
        gap = (height - 2 * radius) / count
        columns.append([(x, radius + gap * (k + 0.5)) for k in range(count)])
    edges = [Segment(*a, *b) for left, right in itertools.pairwise(columns)
             for b in right for a in left]
    nodes = [Box.centred(x, y, 2 * radius, 2 * radius) for column in columns for x, y in column]
    return edges, nodes


def label_size(points: float) -> tuple[float, float]:
    """A weight label of a classification network, as the diagram would write it."""
    metrics = QFontMetricsF(font(points * 0.88))
    return metrics.horizontalAdvance("dl/dw -0.01234") + 8, metrics.height() + 2


@pytest.mark.parametrize("points", [NORMAL, LARGE], ids=["normal", "large"])
@pytest.mark.parametrize("size", [(900, 560), (640, 400)], ids=["900x560", "640x400"])
def test_a_2_8_8_3_network_places_clean_labels_and_always_the_selected_one(qapp, size, points):
    edges, nodes = network_geometry((2, 8, 8, 3), *size, radius=12)
    assert len(edges) == 2 * 8 + 8 * 8 + 8 * 3
    bounds = Box(0, 0, *size)
    for selected in range(0, len(edges), 13):  # in each layer, the dense one's middle too
        labels = [EdgeLabel(k, (label_size(points),), preferred=0.5, required=k == selected)
                  for k in range(len(edges))]
        placement = place_edge_labels(labels, edges, nodes, bounds)
        boxes = {k: box for k, box in enumerate(placement.boxes) if box is not None}
        assert selected in boxes, f"the selected weight {selected} has no label"
        assert all(bounds.contains(box) for box in boxes.values())
        assert broken_rules(boxes, edges, {k: k for k in boxes}, nodes,
                            placement.callouts) == [], selected
        assert set(placement.callouts) <= {selected}


def test_a_label_that_fits_nowhere_is_reported_not_forced(qapp):
    edge = Segment(0, 50, 100, 50)
    crossing = Segment(50, 0, 50, 100)
    wide = EdgeLabel(0, ((150, 14),))
    placement = place_edge_labels([wide], [edge, crossing], [], Box(0, 0, 100, 100))
    assert placement.unplaced == (0,)
    small = EdgeLabel(0, ((150, 14), (20, 10)))  # a shorter form that fits beside the crossing
    placement = place_edge_labels([small], [edge, crossing], [], Box(0, 0, 100, 100))
    assert placement.unplaced == () and placement.variant == 1
    assert not crosses(crossing, placement.boxes[0])


def test_the_clipping_agrees_with_qt():
    rng = np.random.default_rng(3)
    segments = [Segment(*rng.uniform(0, 100, 4)) for _ in range(40)]
    boxes = [Box(*rng.uniform(0, 90, 2), *rng.uniform(1, 30, 2)) for _ in range(40)]
    crossed = segments_cross(segment_array(segments), box_array(boxes))
    for (k, box), (n, segment) in itertools.product(enumerate(boxes), enumerate(segments)):
        assert crossed[k, n] == crosses(segment, box), (k, n)
    assert crossed.any() and not crossed.all()
    assert QPointF(*Segment(0, 0, 10, 20).at(0.5)) == QPointF(5, 10)
