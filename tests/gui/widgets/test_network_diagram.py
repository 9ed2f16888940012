"""gui.widgets.network_diagram and gui.labs.hand.notation: a fake snapshot drawn, clicks turned into
selections."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor

from gui.controller.snapshot import OperationInfo, Snapshot, frozen_array, frozen_arrays
from gui.labs.hand.notation import LAYER, SINGLE_NEURON, notation_for
from gui.shell.theme import current_theme
from gui.widgets.network_diagram import HandNetwork, NetworkDiagram

W = np.array([[0.1, 0.2, 0.3, 0.4], [0.5, 0.6, 0.7, 0.8], [0.9, 1.0, 1.1, 1.2]])
X = np.array([1.0, 2.0, 3.0, 4.0])
B = np.array([0.1, 0.2, 0.3])
OPERATIONS = tuple(OperationInfo(name, f"{name} = ...", phase, (name,)) for name, phase in (
    ("Z", "forward"), ("A", "forward"), ("y", "forward"), ("l", "loss"), ("dL_dy", "backward"),
    ("dy_dA", "backward"), ("dA_dZ", "backward"), ("dl_dZ", "backward"),
    ("dL_dW", "backward"), ("dL_dB", "backward"), ("dl_dX", "backward")))


def fake_layer_snapshot(position: int, iteration: int = 0) -> Snapshot:
    """A layer snapshot with every value present, as the engine leaves stale ones in place."""
    z = W @ X + B
    dl_dz = np.full(3, 2 * z.sum())
    values = {"W": W, "X": X, "B": B, "learning_rate": 0.001, "Z": z, "A": z, "y": z.sum(),
              "l": z.sum() ** 2, "dL_dy": 2 * z.sum(), "dy_dA": np.ones(3), "dA_dZ": np.ones(3),
              "dl_dZ": dl_dz, "dL_dW": np.outer(X, dl_dz), "dL_dB": dl_dz, "dl_dX": dl_dz @ W}
    return Snapshot(
        scenario="layer", title="Layer of 3 neurons", values=frozen_arrays(values),
        parameters=frozen_arrays({"W": W, "B": B, "X": X, "learning_rate": 0.001}),
        operations=OPERATIONS, position=position, iteration=iteration,
        last_operation=OPERATIONS[position - 1] if position else None,
        losses=frozen_array([]), log_lines=(), selected=("W", (1, 2)))


@pytest.fixture
def diagram(qtbot):
    widget = NetworkDiagram()
    qtbot.addWidget(widget)
    widget.resize(900, 560)
    return widget


def test_notation_is_chosen_by_the_parameter_names():
    assert notation_for({"W": W, "B": B, "X": X}) is LAYER
    assert notation_for({"weights": X, "bias": 1.0, "inputs": X}) is SINGLE_NEURON
    assert notation_for({"dense1.weights": W}) is None


def test_values_appear_only_once_the_iteration_has_computed_them():
    snapshot = fake_layer_snapshot(position=2)
    network = LAYER.network(snapshot, LAYER.diagram_selection(snapshot.selected))
    assert network.z.tolist() == pytest.approx([3.1, 7.2, 11.3])
    assert network.a is not None and network.y is None and network.dl_dz is None
    assert network.highlight == {"a"}
    assert network.code == "A = ..."
    assert network.selected == ("w", (1, 2))


def test_backward_values_arrive_in_the_seed_layout():
    snapshot = fake_layer_snapshot(position=11)
    network = LAYER.network(snapshot, None)
    # The notebook stores dL_dW = np.outer(X, dl_dZ), inputs by neurons; the diagram wants W's.
    assert network.dl_dw.shape == W.shape
    assert network.dl_dw[2, 3] == pytest.approx(4 * 2 * 21.6)
    assert network.dl_da.tolist() == pytest.approx([43.2] * 3)
    assert network.dl_dx.tolist() == pytest.approx((np.full(3, 43.2) @ W).tolist())


def test_at_an_iteration_boundary_only_the_parameters_show_without_a_preview():
    # The finished iteration's gradients beside its updated weights would be two states at
    # once; values appear again as the next pass computes them.
    assert LAYER.network(fake_layer_snapshot(0, iteration=0), None).z is None
    assert LAYER.network(fake_layer_snapshot(0, iteration=3), None).dl_dx is None
    assert LAYER.network(fake_layer_snapshot(9, iteration=3), None).dl_dx is None
    assert LAYER.network(fake_layer_snapshot(11, iteration=3), None).dl_dx is not None


def test_diagram_clicks_map_to_the_books_names_and_indices():
    parameters = {"weights": X[:3], "bias": np.array(1.0), "inputs": X[:3]}
    assert SINGLE_NEURON.book_selection("w", (0, 2), parameters) == ("weights", (2,))
    assert SINGLE_NEURON.book_selection("b", (0,), parameters) == ("bias", ())
    assert SINGLE_NEURON.diagram_selection(("bias", ())) == ("b", (0,))
    assert LAYER.book_selection("w", (1, 3), {"W": W}) == ("W", (1, 3))


def test_clicking_an_edge_or_a_neuron_emits_what_to_select(qtbot, diagram):
    snapshot = fake_layer_snapshot(position=4)
    diagram.set_network(LAYER.network(snapshot, None))
    with qtbot.waitSignal(diagram.element_clicked) as edge:
        qtbot.mouseClick(diagram, Qt.MouseButton.LeftButton,
                         pos=diagram.edge_midpoint(2, 1).toPoint())
    assert edge.args == ["w", (2, 1)]
    with qtbot.waitSignal(diagram.element_clicked) as neuron:
        qtbot.mouseClick(diagram, Qt.MouseButton.LeftButton,
                         pos=diagram.neuron_centre(0).toPoint())
    assert neuron.args == ["b", (0,)]
    with qtbot.assertNotEmitted(diagram.element_clicked):
        qtbot.mouseClick(diagram, Qt.MouseButton.LeftButton, pos=QPoint(diagram.width() - 3, 3))


def test_edges_are_drawn_in_the_weights_sign_colour(qtbot, diagram):
    network = HandNetwork(x=np.array([1.0, 1.0]), w=np.array([[2.0, -2.0]]), b=np.array([0.0]),
                          has_sum=False)
    diagram.set_network(network)
    image = diagram.grab().toImage()

    def near(point, colour: str) -> bool:
        pixel = image.pixelColor(point.toPoint())
        target = QColor(colour)
        return all(abs(a - b) < 40 for a, b in zip(pixel.getRgb()[:3], target.getRgb()[:3],
                                                  strict=True))
    # Sample a little away from the midpoint, where the weight's label box sits.
    end = diagram.neuron_centre(0)
    for n, colour in ((0, current_theme().positive), (1, current_theme().negative)):
        start = diagram.input_centre(n)
        point = start + (end - start) * 0.75
        assert near(point, colour)
