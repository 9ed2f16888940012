"""Where the panels are: each lab's own arrangement, remembered and repaired, never larger than
the screen; View > Layouts with its keys, kept in the settings and in a session."""

import pytest
from PySide6.QtCore import QRect, QSettings, Qt
from PySide6.QtWidgets import QApplication

from gui.shell import layout_menu, screen_fit
from gui.shell.app import build_window
from gui.shell.layouts import FOCUS
from gui.shell.text_size import set_text_scale
from gui.shell.theme import LIGHT, apply_theme
from gui.tutorial.session_actions import SessionActions

Area = Qt.DockWidgetArea
CTRL_ALT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier


@pytest.fixture(autouse=True)
def normal_text(qapp):
    apply_theme(qapp, LIGHT)
    yield
    set_text_scale(1.0)


@pytest.fixture
def settings(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def open_window(qtbot, scenario="neuron", settings=None, size=(1600, 1000), **options):
    window = build_window(scenario, settings=settings, size=size, **options)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def arrangement(window) -> dict:
    """Per panel of the active lab: its side, the panels tabbed with it, whether it is shown
    and floating, and for one in front its size (to a few pixels)."""
    lab = window.active_lab()
    return {key: (window.dockWidgetArea(dock),
                  sorted(other.objectName() for other in window.tabifiedDockWidgets(dock)),
                  dock.isVisible(), dock.isFloating(),
                  (dock.width() // 8, dock.height() // 8)
                  if dock.isVisible() and not dock.visibleRegion().isEmpty() else None)
            for key, dock in lab.docks.items()}


def settle(qtbot) -> None:
    QApplication.sendPostedEvents()
    qtbot.wait(30)


def test_a_lab_opens_in_its_own_arrangement_whatever_ran_before(qtbot):
    fresh = open_window(qtbot, "spiral")
    settle(qtbot)
    expected = arrangement(fresh)
    fresh.close()
    after_others = open_window(qtbot, "neuron")
    after_others.scenario_requested.emit("layer")
    after_others.scenario_requested.emit("spiral")
    settle(qtbot)
    assert arrangement(after_others) == expected


def test_each_lab_gets_back_the_arrangement_it_had(qtbot):
    window = open_window(qtbot, "neuron")
    hand = window.active_lab()
    window.addDockWidget(Area.LeftDockWidgetArea, hand.docks["log"])  # the user drags it
    settle(qtbot)
    moved = arrangement(window)
    window.scenario_requested.emit("spiral")
    settle(qtbot)
    assert not any(dock.isVisible() for dock in hand.docks.values())
    window.scenario_requested.emit("layer")
    settle(qtbot)
    assert window.dockWidgetArea(hand.docks["log"]) == Area.LeftDockWidgetArea
    assert arrangement(window) == moved


def test_each_labs_arrangement_is_remembered_for_the_next_run(qtbot, settings):
    first = open_window(qtbot, "neuron", settings)
    lab = first.active_lab()
    first.addDockWidget(Area.LeftDockWidgetArea, lab.docks["chain_rule"])
    first.close()
    second = open_window(qtbot, "neuron", settings)
    assert second.dockWidgetArea(second.active_lab().docks["chain_rule"]) == \
        Area.LeftDockWidgetArea


def test_a_remembered_arrangement_that_hides_every_panel_is_repaired(qtbot, settings):
    first = open_window(qtbot, "spiral", settings)
    for dock in first.active_lab().docks.values():
        dock.hide()
    first.close()
    second = open_window(qtbot, "spiral", settings)
    settle(qtbot)
    lab = second.active_lab()
    assert all(dock.isVisible() for key, dock in lab.docks.items() if key not in lab.on_demand)


def test_a_remembered_panel_floating_off_every_screen_comes_back_on_screen(qtbot, settings):
    first = open_window(qtbot, "neuron", settings)
    log = first.active_lab().docks["log"]
    log.setFloating(True)
    log.move(20_000, 20_000)  # on a monitor that is unplugged by the next run
    settle(qtbot)
    first.close()
    second = open_window(qtbot, "neuron", settings)
    again = second.active_lab().docks["log"]
    assert again.isVisible()
    if again.isFloating():  # Qt may have moved it onto a screen itself; else it is docked
        screens = [screen.availableGeometry() for screen in QApplication.screens()]
        assert any(area.contains(again.geometry().center()) for area in screens)


def test_switching_scenario_never_grows_the_window_past_its_screen(qtbot, monkeypatch):
    screen = QRect(0, 0, 1366, 768)
    monkeypatch.setattr(screen_fit, "screen_area", lambda window: screen)
    window = open_window(qtbot, "neuron", size=(1360, 760), on_screen=True)
    for scenario in ("spiral", "layer", "vertical"):
        window.scenario_requested.emit(scenario)
        settle(qtbot)
        frame = window.frameGeometry()
        assert frame.width() <= screen.width() and frame.height() <= screen.height()
    window.resize(1900, 1200)  # larger than the screen, as a remembered size may be
    window.scenario_requested.emit("spiral")
    settle(qtbot)
    assert screen.contains(window.frameGeometry())


def test_focus_and_saved_layouts_are_a_key_away_and_remembered(qtbot, settings, monkeypatch):
    monkeypatch.setattr(layout_menu, "ask_layout_name", lambda parent, suggestion: "Take one")
    window = open_window(qtbot, "neuron", settings)
    lab = window.active_lab()
    qtbot.keyClick(window, Qt.Key.Key_F, CTRL_ALT)
    settle(qtbot)
    assert {key for key, dock in lab.docks.items() if dock.isVisible()} == {"chain_rule", "log"}
    window.addDockWidget(Area.LeftDockWidgetArea, lab.docks["log"])
    settle(qtbot)
    qtbot.keyClick(window, Qt.Key.Key_S, CTRL_ALT)  # Save layout as…
    take = arrangement(window)
    window.reset_layout()
    settle(qtbot)
    assert all(dock.isVisible() for key, dock in lab.docks.items() if key not in lab.on_demand)
    qtbot.keyClick(window, Qt.Key.Key_1, CTRL_ALT)
    settle(qtbot)
    assert arrangement(window) == take
    assert window.layouts.current == "Take one"
    shown = []
    for _ in range(3):  # Default, Focus, Take one, round again
        qtbot.keyClick(window, Qt.Key.Key_L, CTRL_ALT)
        shown.append(window.layouts.current)
    assert shown == ["Default", FOCUS, "Take one"]
    window.close()

    again = open_window(qtbot, "layer", settings)
    entries = [action.text() for action in again.findChild(layout_menu.LayoutMenu).menu.actions()]
    assert "Take one" in entries


def test_a_session_keeps_the_arrangement_it_was_saved_with(qtbot):
    window = open_window(qtbot, "spiral")
    window.findChild(layout_menu.LayoutMenu).show(FOCUS)
    session = window.findChild(SessionActions).capture()
    assert session.view["layout"]["name"] == FOCUS
    window.close()
    other = open_window(qtbot, "spiral")
    other.findChild(SessionActions).open_session(session)
    settle(qtbot)
    lab = other.active_lab()
    assert {key for key, dock in lab.docks.items() if dock.isVisible()} == {"curves"}
    assert other.layouts.current == FOCUS


def places(window) -> dict:
    """The arrangement without the panels' sizes."""
    return {key: place[:4] for key, place in arrangement(window).items()}


def test_a_default_arrangement_follows_the_window_to_another_size(qtbot):
    """Made smaller, a window in its default arrangement arranges its panels as one opened at
    the new size; panels the user has moved stay where they are when it grows again."""
    small = open_window(qtbot, "spiral", size=(1280, 720))
    settle(qtbot)
    expected = places(small)
    small.close()
    window = open_window(qtbot, "spiral")
    roomy = places(window)
    assert roomy != expected
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: places(window) == expected)
    log = window.active_lab().docks["log"]
    window.addDockWidget(Area.LeftDockWidgetArea, log)  # the user drags it
    settle(qtbot)
    moved = places(window)
    window.resize(1600, 1000)
    qtbot.wait(200)
    assert places(window) == moved
    assert window.dockWidgetArea(log) == Area.LeftDockWidgetArea



def test_a_moved_panel_unticks_the_layout_and_larger_text_leaves_it_where_it_went(
        qtbot, monkeypatch):
    """Once the user has moved a panel, View > Layouts ticks none (the arrangement is no longer
    the saved one, which Delete would forget), and zooming the text, which re-arranges a
    default arrangement, keeps it."""
    monkeypatch.setattr(layout_menu, "ask_layout_name", lambda parent, suggestion: "Mine")
    window = open_window(qtbot, "spiral")
    layouts = window.findChild(layout_menu.LayoutMenu)

    def ticked() -> list[str]:
        return [action.text() for action in layouts.menu.actions() if action.isChecked()]

    qtbot.keyClick(window, Qt.Key.Key_S, CTRL_ALT)  # Save layout as… "Mine"
    assert ticked() == ["Mine"]
    assert layouts.delete_action.isEnabled()
    log = window.active_lab().docks["log"]
    window.addDockWidget(Area.LeftDockWidgetArea, log)  # the user drags it
    settle(qtbot)
    assert window.layouts.current == ""
    assert ticked() == []
    assert not layouts.delete_action.isEnabled()
    qtbot.keyClick(window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)  # Zoom in
    settle(qtbot)
    assert window.dockWidgetArea(log) == Area.LeftDockWidgetArea
    qtbot.keyClick(window, Qt.Key.Key_1, CTRL_ALT)  # "Mine" again
    settle(qtbot)
    assert ticked() == ["Mine"]
    assert window.dockWidgetArea(log) != Area.LeftDockWidgetArea
