"""Neuron maps: one thumbnail per hidden neuron, hover to preview, click to keep enlarged."""

import time

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QEnterEvent
from PySide6.QtWidgets import QApplication

from gui.shell.theme import current_theme
from gui.widgets.neuron_maps import NeuronMaps, colorize, maps_from_layers
from tests.gui.classification_fakes import count_near, neuron_maps, pixels, rect_in, save_shot


@pytest.fixture
def maps_view(qtbot):
    widget = NeuronMaps()
    qtbot.addWidget(widget)
    widget.resize(560, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def hover(widget):
    QApplication.sendEvent(widget, QEnterEvent(QPointF(5, 5), QPointF(5, 5), QPointF(5, 5)))


def unhover(widget):
    QApplication.sendEvent(widget, QEvent(QEvent.Type.Leave))


def test_colorize_scales_each_map_to_its_own_range_with_y_up():
    values = np.array([[0.0, 1.0], [2.0, 4.0]])  # row 0 is the bottom of the plane
    rgb = colorize(values)
    assert rgb.shape == (2, 2, 3) and rgb.dtype == np.uint8
    brightness = rgb.astype(int).sum(axis=-1)
    assert brightness[1, 0] < brightness[0, 1]  # the minimum, bottom-left, shows at image bottom
    np.testing.assert_array_equal(colorize(values * 100 + 7), rgb)  # only the shape matters
    flat = colorize(np.zeros((3, 3)))
    assert np.all(flat == flat[0, 0])


def test_maps_from_layer_grids_split_by_neuron():
    first, second = np.random.default_rng(0).normal(size=(2, 5, 4, 3))
    maps = maps_from_layers([first, second[:, :, :2]])
    assert [(layer, neuron) for layer, neuron, _ in maps] == [(0, 0), (0, 1), (0, 2), (1, 0),
                                                             (1, 1)]
    np.testing.assert_array_equal(maps[4][2], second[:, :, 1])


def test_one_thumbnail_per_neuron_grouped_by_layer(maps_view):
    maps = neuron_maps((16, 8))
    maps_view.set_maps(maps)
    assert len(maps_view.thumbnails) == 24
    headings = [label.text() for label in maps_view._layer_headings]
    assert headings == ["Hidden layer 1 (activation1)", "Hidden layer 2 (activation2)"]
    image = maps_view.thumbnails[3].image
    assert not image.isNull() and max(image.width(), image.height()) == 56
    assert maps_view.thumbnails[3].toolTip().startswith("activation1.output[:, 3]: ")
    # The first neuron is enlarged until the learner picks another.
    assert maps_view.shown() == (0, 0)
    np.testing.assert_array_equal(maps_view.large_image.image, maps[0][2].astype(np.float32))
    assert maps_view.caption.text().startswith("activation1.output[:, 0] over the input plane")


def test_click_keeps_a_neuron_enlarged_and_says_which(qtbot, maps_view):
    maps = neuron_maps((16, 8))
    maps_view.set_maps(maps)
    with qtbot.waitSignal(maps_view.neuron_selected) as signal:
        qtbot.mouseClick(maps_view.thumbnails[18], Qt.MouseButton.LeftButton)
    assert signal.args == [1, 2]
    assert maps_view.shown() == (1, 2)
    np.testing.assert_array_equal(maps_view.large_image.image, maps[18][2].astype(np.float32))
    low, high = maps_view.color_bar.levels()
    assert (low, high) == pytest.approx((maps[18][2].min(), maps[18][2].max()))
    assert "activation2.output[:, 2]" in maps_view.caption.text()
    assert "#" in maps_view.thumbnails[18].styleSheet()  # the kept one is framed
    # New values for the same neurons keep the choice.
    maps_view.set_maps(neuron_maps((16, 8), seed=1))
    assert maps_view.shown() == (1, 2)


def test_hover_previews_and_leaving_returns_to_the_kept_neuron(qtbot, maps_view):
    maps_view.set_maps(neuron_maps((16, 8)))
    qtbot.mouseClick(maps_view.thumbnails[5], Qt.MouseButton.LeftButton)
    hover(maps_view.thumbnails[10])
    assert maps_view.shown() == (0, 10)
    assert "preview" in maps_view.caption.text()
    unhover(maps_view.thumbnails[10])
    assert maps_view.shown() == (0, 5)
    assert "preview" not in maps_view.caption.text()


def test_enlarged_map_covers_the_extent_given(maps_view):
    maps_view.set_maps(neuron_maps((2,), cells=50), extent=(-2.0, 2.0, -1.0, 3.0))
    rect = maps_view.large_image.mapRectToParent(maps_view.large_image.boundingRect())
    half_x, half_y = 2.0 / 49, 2.0 / 49
    assert (rect.left(), rect.right()) == pytest.approx((-2 - half_x, 2 + half_x))
    assert (rect.top(), rect.bottom()) == pytest.approx((-1 - half_y, 3 + half_y))


def test_select_from_code_does_not_echo(qtbot, maps_view):
    maps_view.set_maps(neuron_maps((4,)))
    with qtbot.assertNotEmitted(maps_view.neuron_selected):
        maps_view.select(0, 3)
    assert maps_view.shown() == (0, 3)
    with pytest.raises(KeyError):
        maps_view.select(2, 0)


def test_a_new_architecture_rebuilds_and_no_hidden_layer_says_so(maps_view):
    maps_view.set_maps(neuron_maps((16, 8)))
    maps_view.set_maps(neuron_maps((3,)))
    assert len(maps_view.thumbnails) == 3
    maps_view.set_maps([])
    assert maps_view.thumbnails == []
    assert maps_view.caption.text().startswith("No hidden layers")
    assert maps_view.large_view.isHidden()


def test_dead_neuron_is_shown_flat_and_named_in_its_tooltip(maps_view):
    maps = neuron_maps((3,))
    maps[1] = (0, 1, np.zeros((50, 50)))
    maps_view.set_maps(maps)
    assert "constant" in maps_view.thumbnails[1].toolTip()
    maps_view.select(0, 1)
    assert "from 0 to 0" in maps_view.caption.text()


def test_maps_given_while_hidden_are_drawn_when_shown(qtbot):
    widget = NeuronMaps()
    qtbot.addWidget(widget)
    widget.set_maps(neuron_maps((4,), seed=1))
    latest = neuron_maps((4,), seed=2)
    widget.set_maps(latest, extent=(-2.0, 2.0, -2.0, 2.0))
    assert len(widget.thumbnails) == 4 and widget.shown() == (0, 0)
    assert widget.thumbnails[2].image.isNull()  # nothing drawn for nobody
    widget.show()
    qtbot.waitExposed(widget)
    assert not widget.thumbnails[2].image.isNull()
    assert widget.thumbnails[2].toolTip().startswith(
        f"activation1.output[:, 2]: {latest[2][2].min():.3g} to ")
    np.testing.assert_array_equal(widget.large_image.image, latest[0][2].astype(np.float32))


def test_many_neurons_update_quickly(maps_view):
    maps = neuron_maps((256, 256, 256, 256), cells=40)
    maps_view.set_maps(maps)
    # CPU time: on a shared machine the wall clock also counts other processes' turns.
    start = time.process_time()
    maps_view.set_maps(neuron_maps((256, 256, 256, 256), cells=40, seed=2))
    elapsed = time.process_time() - start
    assert len(maps_view.thumbnails) == 1024
    assert elapsed < 0.5, f"updating 1,024 maps took {elapsed * 1e3:.0f} ms"


def test_the_rendered_maps_frame_the_selected_thumbnail_and_enlarge_its_map(
        maps_view, tmp_path):
    maps = neuron_maps((16, 8))
    maps_view.set_maps(maps)
    maps_view.select(0, 6)
    image = save_shot(maps_view, "neuron_maps", tmp_path)
    accent = current_theme().accent
    viewport = rect_in(maps_view.scroll_area.viewport(), maps_view)
    framed = {thumbnail.position: count_near(pixels(image, rect_in(thumbnail, maps_view)),
                                             accent, tolerance=10)
              for thumbnail in maps_view.thumbnails
              if viewport.contains(rect_in(thumbnail, maps_view))}
    # A 2-pixel border around a 60-pixel thumbnail: about 4 * 2 * 58 pixels, on one only.
    assert framed[6] > 400 and sum(framed.values()) == framed[6]
    assert maps_view.large_view.isVisible()
    assert maps_view.caption.text().startswith("activation1.output[:, 6] over the input plane")
    np.testing.assert_array_equal(maps_view.large_image.image, maps[6][2].astype(np.float32))


def test_a_thumbnail_shows_its_picture_on_screen(maps_view):
    maps_view.set_maps(neuron_maps((4,), seed=3))
    thumbnail = maps_view.thumbnails[1]
    on_screen = thumbnail.grab().toImage()
    centre = thumbnail.rect().center()
    picture = thumbnail.image
    left = (thumbnail.width() - picture.width()) // 2
    top = (thumbnail.height() - picture.height()) // 2
    expected = picture.pixelColor(centre.x() - left, centre.y() - top)
    assert on_screen.pixelColor(centre).name() == expected.name()


def test_a_map_beyond_float32_is_drawn_clipped_and_captioned_with_its_real_range(maps_view):
    """Native numerics compute in float64: a diverging run's map can pass float32's 3.4e38,
    which the float32 image cannot hold (an overflow warning, an error here)."""
    maps = neuron_maps((2,))
    values = np.full((50, 50), 1e300)
    values[0, 0] = -1e300
    maps[0] = (0, 0, values)
    maps[1] = (0, 1, np.full((50, 50), 5e300))
    maps_view.set_maps(maps)
    assert np.isfinite(maps_view.large_image.image).all()
    assert maps_view.large_image.image.max() == np.float32(1e38)
    assert "from -1e+300 to 1e+300" in maps_view.caption.text()
    low, high = maps_view.color_bar.levels()
    assert (low, high) == (np.float32(-1e38), np.float32(1e38))
    maps_view.select(0, 1)  # constant and huge: still a colour bar with a span
    low, high = maps_view.color_bar.levels()
    assert np.isfinite([low, high]).all() and high > low
