"""The first-run welcome: shown on a launch until "Don't show again", never in the way; and
the Help menu's way into the applications menu, for the same newcomer."""

import sys

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDockWidget, QLabel

from gui.shell.app import FIRST_SCENARIO, launch_window
from gui.shell.start_page import StartPage
from gui.shell.welcome import DISMISSED_KEY, WelcomePanel


@pytest.fixture
def settings(tmp_path):
    """A fresh settings file, as on a first run."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def launch(qtbot, settings, size=(1600, 1000), **options):
    window = launch_window(settings=settings, **options)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    return window


def welcome_of(window) -> WelcomePanel | None:
    panels = [each for each in window.findChildren(WelcomePanel) if each.isVisible()]
    assert len(panels) <= 1
    return panels[0] if panels else None


@pytest.mark.parametrize("size", [(1600, 1000), (1366, 768)])
def test_first_launch_opens_the_single_neuron_with_the_four_things_to_try(qtbot, settings, size):
    window = launch(qtbot, settings, size)
    assert window.windowTitle().startswith("Single neuron")
    panel = welcome_of(window)
    assert panel is not None
    text = " ".join(label.text() for label in panel.findChildren(QLabel))
    for thing in ("Edit a weight", "Step (Right)", "Step back (Left)", "Run (Space)"):
        assert thing in text
    assert_clear_of_the_lab(window, panel)


def assert_clear_of_the_lab(window, panel) -> None:
    """Inside the window, under the central view, beside (not over) the side panels."""
    card = panel.geometry()
    assert window.rect().contains(card)
    assert not card.intersects(window.centralWidget().geometry())
    sides = (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea)
    side_docks = [dock for dock in window.findChildren(QDockWidget)
                  if dock.isVisible() and window.dockWidgetArea(dock) in sides]
    assert side_docks
    for dock in side_docks:
        assert not card.intersects(dock.geometry()), dock.windowTitle()


def test_dont_show_again_is_remembered_and_later_launches_show_the_start_page(qtbot, settings):
    first = launch(qtbot, settings)
    qtbot.mouseClick(welcome_of(first).never_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: welcome_of(first) is None)
    assert settings.value(DISMISSED_KEY, type=bool) is True
    first.close()

    later = launch(qtbot, QSettings(settings.fileName(), QSettings.Format.IniFormat))
    assert welcome_of(later) is None
    assert isinstance(later.centralWidget(), StartPage)


def test_close_hides_it_for_this_run_only(qtbot, settings):
    first = launch(qtbot, settings)
    qtbot.mouseClick(welcome_of(first).close_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: welcome_of(first) is None)
    first.close()

    later = launch(qtbot, settings)
    assert welcome_of(later) is not None


def test_a_chosen_scenario_opens_without_the_welcome_unless_asked(qtbot, settings):
    window = launch(qtbot, settings, scenario="spiral")
    assert welcome_of(window) is None
    asked = launch(qtbot, None, welcome=True)
    assert welcome_of(asked) is not None
    assert asked.windowTitle().startswith("Single neuron") and FIRST_SCENARIO == "neuron"


def test_the_card_keeps_clear_of_the_lab_when_the_window_is_resized(qtbot, settings):
    window = launch(qtbot, settings)
    panel = welcome_of(window)
    before = panel.geometry()
    window.resize(1400, 900)
    qtbot.waitUntil(lambda: panel.geometry() != before)
    assert_clear_of_the_lab(window, panel)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="freedesktop menus are Linux's")
def test_help_menu_adds_the_app_to_the_applications_menu(qtbot, settings, tmp_path,
                                                         monkeypatch):
    """The way to the menu entry for someone who has never used a terminal."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    window = launch(qtbot, settings, scenario="neuron")
    action = next(each for each in window.menu("Help").actions()
                  if each.text().replace("&", "") == "Add to applications menu")
    action.trigger()
    entry = tmp_path / "data" / "applications" / "backprop-playground.desktop"
    assert entry.is_file()
    assert "applications menu now" in window.statusBar().currentMessage()
