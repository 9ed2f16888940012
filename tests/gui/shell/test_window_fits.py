"""The window fits the screens and recordings people use: 1024x640 to 2560x1440, normal and
large text, presentation mode; every panel stays usable and the window never resizes itself."""

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication

from engine.scenarios.presets import scenario_names
from gui.shell.app import build_window
from gui.shell.screenshot import save_screenshot
from gui.shell.text_size import set_text_scale
from gui.shell.theme import LARGE_TEXT_SCALE, LIGHT, apply_theme

NORMAL_SIZES = [(1024, 640), (1280, 720), (1366, 768), (1440, 900), (1600, 1000), (1920, 1080),
                (2560, 1440)]
LARGE_SIZES = [(1280, 720), (1920, 1080)]
USABLE_PANEL = (120, 80)  # a dock title and a few lines of its panel
USABLE_CENTRE = (320, 240)


@pytest.fixture
def normal_text(qapp):
    """Each test starts at the normal text size and leaves it so."""
    apply_theme(qapp, LIGHT)
    yield qapp
    set_text_scale(1.0)


def open_at(qtbot, scenario: str, size: tuple[int, int], text: str):
    """The app's window for `scenario` at `size`, with "normal" or "large" text or in
    "presentation" mode, on screen."""
    if text == "large":
        set_text_scale(LARGE_TEXT_SCALE)
    window = build_window(scenario, size=size)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    if text == "presentation":
        window.tools.view_toggles.presentation.trigger()
    return window


def settled(qtbot) -> None:
    QApplication.sendPostedEvents()
    qtbot.wait(30)


def front_docks(window):
    """The active lab's panels a user sees: shown, and in front of their tab group."""
    lab = window.active_lab()
    return {key: dock for key, dock in lab.docks.items()
            if dock.isVisible() and not dock.visibleRegion().isEmpty()}


def assert_usable_at(window, size: tuple[int, int]) -> None:
    """The window is exactly `size`, needs no more, and shows every panel inside it at a
    usable size, with the central view usable too."""
    least = window.minimumSizeHint()
    assert least.width() <= size[0] and least.height() <= size[1], least
    assert (window.width(), window.height()) == size
    inside = QRect(0, 0, *size)
    docks = front_docks(window)
    assert docks
    for key, dock in docks.items():
        assert inside.contains(dock.geometry()), (key, dock.geometry())
        assert dock.width() >= USABLE_PANEL[0] and dock.height() >= USABLE_PANEL[1], \
            (key, dock.size())
    centre = window.centralWidget()
    assert centre.width() >= USABLE_CENTRE[0] and centre.height() >= USABLE_CENTRE[1]
    assert inside.contains(centre.geometry())
    # Every panel is somewhere the user can reach: in front, or a tab behind one; a panel
    # opened on demand (Run > Compare runs, the loss landscape) by its View > Panels entry.
    lab = window.active_lab()
    for key, dock in lab.docks.items():
        if key in lab.on_demand:
            assert dock.toggleViewAction().isVisible(), key
        else:
            assert dock in docks.values() or window.tabifiedDockWidgets(dock), key


@pytest.mark.parametrize("scenario", scenario_names())
@pytest.mark.parametrize("text", ["normal", "large", "presentation"])
def test_every_scenario_lays_out_with_usable_panels_at_every_size(
        qtbot, normal_text, scenario, text):
    sizes = NORMAL_SIZES if text == "normal" else LARGE_SIZES
    window = open_at(qtbot, scenario, sizes[0], text)
    for size in sizes:
        window.resize(*size)
        window.reset_layout()  # the lab's default arrangement for this room
        settled(qtbot)
        assert_usable_at(window, size)


@pytest.mark.parametrize("scenario", scenario_names())
@pytest.mark.parametrize("text", ["normal", "large"])
def test_a_screenshot_at_720p_has_the_asked_size(qtbot, normal_text, tmp_path, scenario, text):
    window = open_at(qtbot, scenario, (1280, 720), text)
    target = tmp_path / "shot.png"
    save_screenshot(window, target, (1280, 720))
    assert target.read_bytes().startswith(b"\x89PNG")
    assert_usable_at(window, (1280, 720))


@pytest.mark.parametrize("scenario", ["layer", "spiral"])
def test_the_window_keeps_its_size_while_training_with_large_text(
        qtbot, normal_text, scenario):
    window = open_at(qtbot, scenario, (1600, 1000), "large")
    settled(qtbot)
    controller = window.active_lab().controller
    before = window.size()
    for _ in range(12):  # numbers of every width: losses, accuracies, epochs past 1000
        controller.run_iterations(100)
        settled(qtbot)
        assert window.size() == before
    controller.set_running(True)
    qtbot.wait(400)
    controller.set_running(False)
    settled(qtbot)
    assert window.size() == before


def test_the_optimizer_settings_show_without_scrolling_at_1600x1000(qtbot, normal_text):
    window = open_at(qtbot, "spiral", (1600, 1000), "normal")
    settled(qtbot)
    network = window.active_lab().network
    boxes = network.optimizer_inputs["adam"]
    assert set(boxes) >= {"learning_rate", "decay", "epsilon", "beta_1", "beta_2"}
    for name, box in [("optimizer", network.optimizer_box), *boxes.items()]:
        assert box.visibleRegion().boundingRect() == box.rect(), name  # none cut off


@pytest.mark.parametrize("scenario", ["spiral", "binary", "sine"])
@pytest.mark.parametrize("size", [(1280, 720), (1366, 768)])
def test_the_network_panel_fits_the_left_side_without_a_sideways_scroll_bar(
        qtbot, normal_text, scenario, size):
    window = open_at(qtbot, scenario, size, "normal")
    settled(qtbot)
    lab = window.active_lab()
    scroll = lab.docks["network"].widget()
    assert not scroll.horizontalScrollBar().isVisible()
    # The widest row, the output/loss choice, lies within the side's width (it may be
    # scrolled out of view vertically: the panel scrolls up and down by design).
    loss_box = lab.network.loss_box
    left = loss_box.mapTo(scroll.viewport(), QPoint(0, 0)).x()
    assert 0 <= left and left + loss_box.width() <= scroll.viewport().width()
