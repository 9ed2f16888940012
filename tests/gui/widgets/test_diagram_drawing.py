"""The diagram as drawn: weight labels on a background in the panel's colour, so an edge never
runs through their text; the selected weight's label is drawn whatever the room; previewed
values greyed, an inactive ReLU dashed, and a warning in a band of its own."""

from dataclasses import replace

from PySide6.QtGui import QColor

from gui.labs.hand.notation import LAYER
from gui.shell.theme import current_theme
from gui.widgets.diagram_scene import NOTE_HEIGHT, WARNING_HEIGHT, problems
from gui.widgets.diagram_text import PREVIEW
from gui.widgets.network_diagram import WARNING_COLOUR, NetworkDiagram
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


def test_a_previewed_value_is_drawn_greyed_and_turns_solid_once_computed(qtbot):
    computed = replace(LAYER.network(fake_layer_snapshot(11), None), preview=frozenset())
    previewed = replace(computed, preview=frozenset({"dl_dw"}))
    solid, solid_image = drawn(qtbot, computed)
    faded, faded_image = drawn(qtbot, previewed)
    label = faded.scene().weight_labels[0]
    assert label.lines[0][1] == "gradient" + PREVIEW
    assert solid.scene().weight_labels[0].lines[0][1] == "gradient"

    def darkest(image, box) -> int:
        """The strongest ink in the label: text drawn faded is lighter on the light panel."""
        return min(image.pixelColor(x, y).lightness()
                   for x in range(round(box.left), round(box.right))
                   for y in range(round(box.top), round(box.bottom)))

    assert darkest(faded_image, label.box) > darkest(solid_image, label.box) + 20


def test_a_warning_gets_its_own_band_and_nothing_is_drawn_over_it(qtbot):
    network = replace(LAYER.network(fake_layer_snapshot(11), None), inactive=frozenset({1}),
                      warning="ReLU 2 inactive: z2 = -1 ≤ 0, so a2 = 0 and da2/dz2 = 0: no "
                              "gradient flows back through it (a dead neuron).",
                      note="Greyed numbers preview this iteration's pass.")
    for width, height in ((718, 655), (520, 360)):
        diagram, _ = drawn(qtbot, network, width, height)
        scene = diagram.scene()
        assert scene.note_height == NOTE_HEIGHT + WARNING_HEIGHT
        # Nothing overlaps; in the smallest diagram a weight label may find no clean spot (it
        # is then shown only while selected), as without a warning.
        assert [each for each in problems(scene) if "no clean spot" not in each] == []
        if width == 718:
            assert problems(scene) == []
        band_top = height - scene.note_height - 4
        texts = [*scene.texts, *(label for label in scene.weight_labels if label)]
        assert all(text.box.bottom <= band_top for text in texts)
        assert all(box.bottom <= band_top for box in scene.node_boxes.values())


def test_an_inactive_relu_is_outlined_dashed_in_the_warning_colour(qtbot):
    network = replace(LAYER.network(fake_layer_snapshot(11), None), inactive=frozenset({1}))
    diagram, image = drawn(qtbot, network)
    warning = QColor(WARNING_COLOUR).rgb()

    def outline_has_warning_colour(owner: str) -> bool:
        box = diagram.scene().node_boxes[owner]
        return any(image.pixelColor(round(box.left + dx), round(box.top)).rgb() == warning
                   for dx in range(2, round(box.width) - 2))

    assert outline_has_warning_colour("relu1")
    assert not outline_has_warning_colour("relu0")
