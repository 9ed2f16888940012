"""The diagram as drawn: weight labels on a background in the panel's colour, so an edge never
runs through their text; the selected weight's label is drawn whatever the room."""

from PySide6.QtGui import QColor

from gui.labs.hand.notation import LAYER
from gui.shell.theme import current_theme
from gui.widgets.network_diagram import NetworkDiagram
from tests.gui.widgets.test_network_diagram import fake_layer_snapshot


def drawn(qtbot, network, width=718, height=655) -> tuple[NetworkDiagram, object]:
    diagram = NetworkDiagram()
    qtbot.addWidget(diagram)
    diagram.resize(width, height)
    diagram.set_network(network)
    return diagram, diagram.grab().toImage()


def test_an_edge_stops_at_its_label_and_goes_on_after_it(qtbot):
    diagram, image = drawn(qtbot, LAYER.network(fake_layer_snapshot(0, iteration=1), None))
    panel = QColor(current_theme().panel).rgb()
    scene = diagram.scene()
    for k, label in enumerate(scene.weight_labels):
        segment = scene.weight_edges[k].segment
        box = label.box
        # Where the edge enters the label (its left side, half way down), the panel shows.
        x = box.left + 2
        t = (x - segment.x1) / (segment.x2 - segment.x1)
        y = segment.y1 + t * (segment.y2 - segment.y1)
        if box.top + 3 < y < box.bottom - 3:
            assert image.pixelColor(round(x), round(y)).rgb() == panel, k
        # Beyond the label the edge is drawn again.
        beyond = segment.at(min(1.0, t + (box.width + 12) / (segment.x2 - segment.x1)))
        assert image.pixelColor(round(beyond[0]), round(beyond[1])).rgb() != panel, k


def test_the_selected_weight_is_labelled_even_in_the_smallest_diagram(qtbot):
    snapshot = fake_layer_snapshot(11)
    network = LAYER.network(snapshot, ("w", (2, 3)))
    diagram, _ = drawn(qtbot, network, 520, 360)
    label = diagram.scene().weight_labels[2 * 4 + 3]
    assert label is not None
    assert [text for text, _ in label.lines] == ["w34 1.2", "dl/dw34 172.8"]
