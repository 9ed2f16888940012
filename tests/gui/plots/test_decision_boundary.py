"""The decision boundary plot: what it draws, and clicks that add and remove points."""

import time

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor

from gui.plots.decision_boundary import DecisionBoundaryPlot, blend_class_colors, grid_coordinates
from gui.shell.colors import CLASS_COLORS_HEX, CLASS_COLORS_RGB
from tests.gui.classification_fakes import (
    count_near,
    pixels,
    rect_in,
    save_shot,
    spiral,
    spiral_probabilities,
)

EXTENT = (-1.0, 1.0, -1.0, 1.0)

# The offscreen platform warns when a top-level window is shown; that is not this view's fault.


@pytest.fixture
def plot(qtbot):
    widget = DecisionBoundaryPlot()
    qtbot.addWidget(widget)
    widget.resize(520, 560)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def click(qtbot, plot, x, y, modifier=Qt.KeyboardModifier.NoModifier):
    pixel = plot.data_to_viewport(x, y)
    qtbot.mouseClick(plot.plot_widget.viewport(), Qt.MouseButton.LeftButton, modifier, pixel)


def test_certain_cells_show_their_class_colour_and_unsure_cells_are_pale():
    certain = np.zeros((1, 3, 3))
    certain[0, [0, 1, 2], [0, 1, 2]] = 1.0
    colours = blend_class_colors(certain).astype(float)
    # Each certain cell keeps its class hue: its darkest channel is the class's darkest channel.
    for k in range(3):
        assert np.argmin(colours[0, k]) == np.argmin(CLASS_COLORS_RGB[k])
    unsure = blend_class_colors(np.full((1, 1, 3), 1 / 3)).astype(float)
    assert unsure.min() > colours.min(axis=-1).max()  # paler than any confident cell


@pytest.mark.parametrize("classes", [2, 3, 5])
def test_blended_colours_follow_the_formula_cell_by_cell(classes):
    rng = np.random.default_rng(classes)
    probabilities = rng.random((40, 30, classes)).astype(np.float32)
    probabilities /= probabilities.sum(axis=-1, keepdims=True)
    probabilities[3, 4] = np.nan  # a diverged cell shows as undecided
    expected = np.where(np.isfinite(probabilities).all(axis=-1, keepdims=True), probabilities,
                        np.float32(1 / classes))
    mixed = expected @ CLASS_COLORS_RGB[:classes]
    confidence = (expected.max(axis=-1) - 1 / classes) / (1 - 1 / classes)
    strength = (0.2 + 0.4 * np.clip(confidence, 0, 1))[..., None]
    np.testing.assert_array_equal(blend_class_colors(probabilities),
                                  (255.0 - strength * (255.0 - mixed)).astype(np.uint8))


def test_boundary_image_has_one_pixel_per_cell_placed_on_the_extent(plot):
    probabilities = spiral_probabilities(cells=200)
    plot.set_boundary(probabilities, EXTENT)
    image = plot.image.image
    assert image.shape == (200, 200, 3) and image.dtype == np.uint8
    # Row 0 is the bottom of the plot (y = -1): in the swirl, compare with the blend there.
    np.testing.assert_array_equal(image, blend_class_colors(probabilities))
    rect = plot.image.mapRectToParent(plot.image.boundingRect())
    cell = 2.0 / 199
    assert rect.left() == pytest.approx(-1 - cell / 2)
    assert rect.right() == pytest.approx(1 + cell / 2)
    assert rect.top() == pytest.approx(-1 - cell / 2)


def test_set_boundary_reuses_one_image_item_and_is_fast(plot):
    probabilities = spiral_probabilities(cells=200)
    item = plot.image
    plot.set_boundary(probabilities, EXTENT)
    # CPU time: on a shared machine the wall clock also counts other processes' turns.
    start = time.process_time()
    for _ in range(20):
        plot.set_boundary(probabilities, EXTENT)
    per_call = (time.process_time() - start) / 20
    assert plot.image is item
    assert len(plot.plot_widget.getPlotItem().items) == 4  # image + three scatters, never more
    assert per_call < 0.015, f"blend + setImage took {per_call * 1e3:.1f} ms"


def test_points_training_filled_validation_hollow_user_stars(plot):
    points, labels = spiral()
    val_points, val_labels = spiral(samples=30, seed=1)
    plot.set_points(points, labels, val_points, val_labels, np.array([[0.5, 0.5]]), np.array([2]))
    x, y = plot.training_points.getData()
    np.testing.assert_array_equal(np.c_[x, y], points)
    train_brushes = plot.training_points.data["brush"]
    assert train_brushes[0].color().name() == "#0072b2"
    assert train_brushes[-1].color().name() == "#009e73"
    val_data = plot.validation_points.data
    assert len(val_data) == 90
    assert plot.validation_points.opts["brush"].style() == Qt.BrushStyle.NoBrush
    assert all(b is None for b in val_data["brush"])  # no per-point fill overrides the hollow
    assert val_data["pen"][-1].color().name() == "#009e73"
    assert plot.user_points.data["brush"][0].color().name() == "#009e73"
    assert plot.user_points.opts["symbol"] == "star"
    # Calling again replaces, never accumulates.
    plot.set_points(points[:10], labels[:10])
    assert len(plot.training_points.data) == 10
    assert len(plot.validation_points.data) == 0 and len(plot.user_points.data) == 0


def test_click_adds_a_point_of_the_chosen_class_where_clicked(qtbot, plot):
    plot.set_boundary(spiral_probabilities(), EXTENT)
    plot.set_add_class(2)
    assert "class 2 (bluish green)" in plot.hint.text()
    assert "Shift+click" in plot.plot_widget.toolTip()
    with qtbot.waitSignal(plot.point_added) as signal:
        click(qtbot, plot, 0.4, -0.3)
    x, y, class_index = signal.args
    assert (x, y) == pytest.approx((0.4, -0.3), abs=0.02)
    assert class_index == 2


def test_click_outside_the_plot_area_adds_nothing(qtbot, plot):
    plot.set_boundary(spiral_probabilities(), EXTENT)
    with qtbot.assertNotEmitted(plot.point_added):
        corner = QPoint(3, 3)  # (0, 0) would mean "the centre" to QTest
        qtbot.mouseClick(plot.plot_widget.viewport(), Qt.MouseButton.LeftButton, pos=corner)


def test_click_on_the_legend_adds_nothing(qtbot, plot):
    plot.set_boundary(spiral_probabilities(), EXTENT)
    plot.set_points(*spiral())
    qtbot.wait(1)
    legend = plot.legend.sceneBoundingRect().center()
    with qtbot.assertNotEmitted(plot.point_added):
        qtbot.mouseClick(plot.plot_widget.viewport(), Qt.MouseButton.LeftButton,
                         pos=plot.plot_widget.mapFromScene(legend))
    assert [label.text for _, label in plot.legend.items] == ["training", "validation",
                                                              "added by you"]


def test_shift_click_removes_the_nearest_added_point(qtbot, plot):
    plot.set_boundary(spiral_probabilities(), EXTENT)
    user = np.array([[0.5, 0.5], [-0.5, 0.2], [0.0, -0.6]])
    plot.set_points(*spiral(), user_points=user, user_labels=np.array([0, 1, 2]))
    with qtbot.assertNotEmitted(plot.point_added):
        with qtbot.waitSignal(plot.point_removed) as signal:
            click(qtbot, plot, -0.48, 0.21, Qt.KeyboardModifier.ShiftModifier)
    assert signal.args == [1]


def test_shift_click_far_from_every_added_point_says_so(qtbot, plot):
    plot.set_boundary(spiral_probabilities(), EXTENT)
    plot.set_points(*spiral(), user_points=np.array([[0.5, 0.5]]), user_labels=np.array([0]))
    with qtbot.assertNotEmitted(plot.point_removed):
        click(qtbot, plot, -0.5, -0.5, Qt.KeyboardModifier.ShiftModifier)
    assert "No added point near the click" in plot.message.text()
    plot.set_points(*spiral())
    click(qtbot, plot, -0.5, -0.5, Qt.KeyboardModifier.ShiftModifier)
    assert "no added points" in plot.message.text()


def test_grid_coordinates_match_the_extent():
    xs, ys = grid_coordinates((-2.0, 1.0, 0.0, 3.0), cells=4)
    np.testing.assert_allclose(xs, [-2, -1, 0, 1])
    np.testing.assert_allclose(ys, [0, 1, 2, 3])


def test_the_rendered_plane_shows_each_cells_colour_and_the_points_in_theirs(plot, tmp_path):
    points, labels = spiral()
    val_points, val_labels = spiral(samples=30, seed=1)
    plot.set_points(points, labels, val_points, val_labels, np.array([[0.5, 0.5]]), np.array([1]))
    probabilities = spiral_probabilities()
    plot.set_boundary(probabilities, EXTENT)
    image = save_shot(plot, "decision_boundary", tmp_path)
    colours = blend_class_colors(probabilities)

    def shown_at(x: float, y: float) -> str:
        return image.pixelColor(plot.plot_widget.viewport().mapTo(
            plot, plot.data_to_viewport(x, y))).name()

    # Corners without points (the legend has the fourth): the cell's own blend, exactly.
    for x, y in ((-0.95, -0.95), (0.95, -0.95), (-0.95, 0.95)):
        column, row = round((x + 1) / 2 * 199), round((y + 1) / 2 * 199)
        assert shown_at(x, y) == QColor(*map(int, colours[row, column])).name()
    assert shown_at(0.5, 0.5) == CLASS_COLORS_HEX[1].lower()  # the added star, class 1
    plane = pixels(image, rect_in(plot.plot_widget, plot))
    for colour in CLASS_COLORS_HEX[:3]:  # 100 filled points of each class, 7 px across
        assert count_near(plane, colour, tolerance=8) > 500
