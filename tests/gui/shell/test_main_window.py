"""The window shell: what a user sees in its menus and dialogs, and what it remembers."""

import numpy
import pyqtgraph
import PySide6
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QDockWidget, QLabel

from engine.scenarios.presets import SCENARIOS, scenario_names
from gui import APP_NAME, app_version
from gui.panels.log_panel import LogPanel
from gui.shell.about import AboutDialog, ShortcutsDialog, library_versions
from gui.shell.app import LAB_INSTALLERS, ScenarioUnavailableError, build_window
from gui.shell.main_window import MainWindow
from gui.shell.settings import SETTINGS_ENV, open_settings
from gui.shell.start_page import StartPage
from gui.shell.theme import (
    BASE_POINT_SIZE,
    DARK,
    LARGE_TEXT_SCALE,
    LIGHT,
    apply_theme,
    current_theme,
)

FAKE_SCENARIOS = [("neuron", "Single neuron", "hand"), ("spiral", "Spiral", "classification")]


def show(qtbot, window: MainWindow) -> MainWindow:
    """On screen and active, as after a user starts the app: shortcuts only reach the
    active window."""
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


@pytest.fixture
def window(qtbot):
    return show(qtbot, MainWindow())


@pytest.fixture
def private_settings(tmp_path, monkeypatch):
    """Settings in a file of this test's own, never the user's."""
    monkeypatch.setenv(SETTINGS_ENV, str(tmp_path / "settings.ini"))
    return tmp_path / "settings.ini"


def menu_texts(menu) -> list[str]:
    return [action.text().replace("&", "") for action in menu.actions() if action.text()]


def make_dock(title: str) -> QDockWidget:
    dock = QDockWidget(title)
    dock.setWidget(QLabel(f"{title} contents"))
    return dock


def test_window_shows_title_menus_and_status_bar(window):
    assert window.windowTitle() == APP_NAME
    bar_titles = [action.text().replace("&", "") for action in window.menuBar().actions()]
    assert bar_titles == ["File", "View", "Help"]
    assert menu_texts(window.menu("File")) == ["Quit"]
    assert menu_texts(window.menu("View")) == ["Panels", "Reset layout"]
    assert menu_texts(window.menu("Help")) == ["Keyboard shortcuts", f"About {APP_NAME}"]
    assert window.statusBar().isVisible()
    assert not window.windowIcon().isNull()


def test_ctrl_q_closes_the_window(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.isVisible())


def test_about_dialog_names_the_app_and_library_versions(window, qtbot):
    about = next(a for a in window.menu("Help").actions() if "About" in a.text())
    about.trigger()
    dialog = window.findChild(AboutDialog)
    qtbot.waitExposed(dialog)
    text = dialog.text.text()
    assert f"{APP_NAME} {app_version()}" in text
    for name, version in [
        ("numpy", numpy.__version__),
        ("nnfs", library_versions()["nnfs"]),
        ("PySide6", PySide6.__version__),
        ("pyqtgraph", pyqtgraph.__version__),
    ]:
        assert f"<td>{name}</td><td>&nbsp;&nbsp;{version}</td>" in text
    dialog.accept()


def test_f1_lists_every_shortcut_including_ones_added_by_panels(window, qtbot):
    step = QAction("Step forward", window)
    step.setShortcut(QKeySequence("Ctrl+Right"))
    window.add_menu_action("Training", step)
    dock = make_dock("Controls")
    pause = QAction("&Pause", dock)
    pause.setShortcut(QKeySequence("Space"))
    dock.addAction(pause)
    window.add_dock(dock)
    asleep = QAction("Add a point", window)  # a hidden lab's action: its key does nothing now
    asleep.setShortcut(QKeySequence("P"))
    asleep.setVisible(False)
    window.add_menu_action("Training", asleep)

    qtbot.keyClick(window, Qt.Key.Key_F1)
    dialog = window.findChild(ShortcutsDialog)
    qtbot.waitExposed(dialog)
    table = dialog.table
    rows = [
        tuple(table.item(row, column).text() for column in range(3))
        for row in range(table.rowCount())
    ]
    assert rows == [  # in menu-bar order, then the shortcuts that are in no menu
        ("Quit", "Ctrl+Q", "File"),
        ("Reset layout", "Ctrl+Shift+L", "View"),
        ("Step forward", "Ctrl+Right", "Training"),
        ("Keyboard shortcuts", "F1", "Help"),
        (f"About {APP_NAME}", "Shift+F1", "Help"),
        ("Pause", "Space", ""),
    ]
    dialog.reject()


def test_panel_menus_take_their_customary_places_and_file_actions_go_above_quit(window):
    open_action = QAction("&Open…", window)
    window.add_menu_action("File", open_action)
    window.add_menu_action("Scenario", QAction("Spiral", window))
    window.add_menu_action("Edit", QAction("Undo", window))
    bar_titles = [action.text().replace("&", "") for action in window.menuBar().actions()]
    assert bar_titles == ["File", "Edit", "View", "Scenario", "Help"]
    assert menu_texts(window.menu("File")) == ["Open…", "Quit"]
    assert menu_texts(window.menu("Scenario")) == ["Spiral"]


def test_docks_join_the_view_menu_and_reset_layout_brings_them_back(window, qtbot):
    panels = window.menu("View").actions()[0].menu()
    assert not panels.isEnabled()
    controls = make_dock("Controls")
    log = make_dock("Log")
    window.add_dock(controls, Qt.DockWidgetArea.LeftDockWidgetArea)
    window.add_dock(log, Qt.DockWidgetArea.LeftDockWidgetArea, tabify_with=controls)
    assert panels.isEnabled()
    assert menu_texts(panels) == ["Controls", "Log"]
    assert controls.objectName() == "controls_dock"
    # A shown window updates its dock tab bars on the next pass of the event loop.
    qtbot.waitUntil(lambda: window.tabifiedDockWidgets(controls) == [log])

    panels.actions()[0].trigger()  # the user unticks Controls
    assert not controls.isVisible()
    log.setFloating(True)
    reset = next(a for a in window.menu("View").actions() if "Reset" in a.text())
    reset.trigger()
    qtbot.waitUntil(controls.isVisible)
    assert not log.isFloating()
    assert window.dockWidgetArea(controls) == Qt.DockWidgetArea.LeftDockWidgetArea
    qtbot.waitUntil(lambda: window.tabifiedDockWidgets(controls) == [log])
    assert window.docks() == [controls, log]


def test_reset_layout_leaves_the_panels_of_a_lab_not_in_use_hidden(window):
    shown, set_aside = make_dock("Controls"), make_dock("Data")
    window.add_dock(shown)
    window.add_dock(set_aside)
    set_aside.toggleViewAction().setVisible(False)  # how a lab steps aside for another
    set_aside.hide()
    shown.hide()
    window.reset_layout()
    assert shown.isVisible()
    assert not set_aside.isVisible()


def test_layout_is_remembered_between_runs_in_a_private_settings_file(qtbot, private_settings):
    first = MainWindow(open_settings())
    qtbot.addWidget(first)
    hidden = make_dock("Inputs")
    first.add_dock(hidden)
    first.show()
    qtbot.waitExposed(first)
    first.resize(700, 520)
    hidden.hide()
    first.close()
    assert private_settings.exists()

    second = MainWindow(open_settings())
    qtbot.addWidget(second)
    again = make_dock("Inputs")
    second.add_dock(again)
    assert second.restore_layout()
    second.show()
    qtbot.waitExposed(second)
    assert (second.width(), second.height()) == (700, 520)
    assert not again.isVisible()


def test_a_panel_added_after_restoring_goes_where_the_user_last_put_it(qtbot, private_settings):
    first = MainWindow(open_settings())
    qtbot.addWidget(first)
    first.add_dock(make_dock("Chain rule"), Qt.DockWidgetArea.LeftDockWidgetArea)
    moved = first.docks()[0]
    first.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, moved)  # the user drags it
    first.close()

    second = MainWindow(open_settings())
    qtbot.addWidget(second)
    assert second.restore_layout()
    late = make_dock("Chain rule")  # a lab that opens only when a scenario is chosen
    second.add_dock(late, Qt.DockWidgetArea.LeftDockWidgetArea)
    assert second.dockWidgetArea(late) == Qt.DockWidgetArea.BottomDockWidgetArea


def test_nothing_remembered_restores_nothing(qtbot, private_settings):
    fresh = MainWindow(open_settings())
    qtbot.addWidget(fresh)
    assert not fresh.restore_layout()
    assert not MainWindow().restore_layout()


def test_start_page_cards_ask_the_window_for_a_scenario(window, qtbot):
    page = StartPage(FAKE_SCENARIOS)
    window.set_central(page)
    page.scenario_chosen.connect(window.scenario_requested)
    card = page.buttons["spiral"]
    qtbot.waitExposed(card)
    assert card.accessibleName() == "Spiral"
    texts = [label.text() for label in card.findChildren(QLabel)]
    assert texts == ["Spiral", "Train a small network on a data set and watch it learn"]
    with qtbot.waitSignal(window.scenario_requested) as chosen:
        qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    assert chosen.args == ["spiral"]
    assert card.isChecked()
    assert card.findChildren(QLabel)[0].property("selected") is True


def test_set_central_replaces_the_previous_view(window, qtbot):
    page = StartPage(FAKE_SCENARIOS)
    window.set_central(page)
    replacement = QLabel("lab")
    window.set_central(replacement)
    assert window.centralWidget() is replacement
    with qtbot.waitSignal(page.destroyed):
        QApplication.sendPostedEvents(None, 0)


def scenario_cards(window) -> list[str]:
    page = window.centralWidget()
    assert isinstance(page, StartPage)
    return list(page.buttons)


def test_build_window_without_a_scenario_offers_every_scenario_a_lab_can_open(qtbot):
    window = show(qtbot, build_window())
    openable = [n for n in scenario_names() if SCENARIOS[n].kind in LAB_INSTALLERS]
    assert openable and scenario_cards(window) == openable
    assert window.docks() == []


def test_choosing_a_card_opens_its_lab(qtbot):
    window = show(qtbot, build_window())
    qtbot.mouseClick(window.centralWidget().buttons["layer"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not isinstance(window.centralWidget(), StartPage))
    assert window.docks()
    assert "Layer of 3 neurons" in window.statusBar().currentMessage()


def test_the_keyboard_alone_opens_a_scenario_from_the_start_page(qtbot):
    window = show(qtbot, build_window())
    page = window.centralWidget()
    qtbot.waitUntil(page.hasFocus)  # the page, not a card: nothing looks chosen yet
    qtbot.keyClick(page, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is page.buttons["neuron"]
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: "Single neuron" in window.windowTitle())


def test_build_window_opens_a_scenario_and_trains_it_through_the_lab(qtbot):
    window = show(qtbot, build_window("neuron", steps=2))
    assert not isinstance(window.centralWidget(), StartPage)
    bar_titles = [action.text().replace("&", "") for action in window.menuBar().actions()]
    assert bar_titles[0] == "File" and bar_titles[-1] == "Help"
    panels = window.menu("View").actions()[0].menu()
    assert len(panels.actions()) == len(window.docks()) > 0
    assert "Single neuron" in window.windowTitle()
    log = "\n".join(line for each in window.findChildren(LogPanel) for line in each.lines())
    assert log.count("Iteration ") == 2  # the notebook's printout of the two iterations run


def test_f1_in_the_lab_lists_its_stepping_keys(qtbot):
    window = show(qtbot, build_window("neuron"))
    qtbot.keyClick(window, Qt.Key.Key_F1)
    dialog = window.findChild(ShortcutsDialog)
    keys = {dialog.table.item(row, 1).text() for row in range(dialog.table.rowCount())}
    assert {"Ctrl+Q", "F1", "Right", "Left", "Space"} <= keys
    dialog.reject()


@pytest.fixture
def themed_app(qapp):
    """The test's own theme, with the application's look put back afterwards for other tests."""
    palette, font, theme = qapp.palette(), qapp.font(), current_theme()
    keys = ("antialias", "background", "foreground")
    plots = {key: pyqtgraph.getConfigOption(key) for key in keys}
    yield qapp
    apply_theme(qapp, theme)
    qapp.setPalette(palette)
    qapp.setFont(font)
    pyqtgraph.setConfigOptions(**plots)


@pytest.mark.parametrize(("theme", "large_text"), [(DARK, True), (LIGHT, False)])
def test_the_chosen_colours_and_text_size_reach_the_windows_widgets(
    qtbot, themed_app, theme, large_text
):
    scale = LARGE_TEXT_SCALE if large_text else 1.0
    apply_theme(themed_app, theme, scale)
    window = show(qtbot, MainWindow())
    assert current_theme() is theme
    assert window.palette().window().color().name() == theme.window
    assert window.statusBar().font().pointSizeF() == pytest.approx(BASE_POINT_SIZE * scale)


def test_training_a_scenario_no_lab_opens_is_refused_by_name(monkeypatch):
    monkeypatch.delitem(LAB_INSTALLERS, "classification")
    with pytest.raises(ScenarioUnavailableError, match="'spiral'"):
        build_window("spiral", steps=1)


def visible_docks(window) -> set[QDockWidget]:
    return {dock for dock in window.docks() if dock.isVisible()}


def test_one_window_switches_between_the_hand_and_the_classification_lab(qtbot):
    window = show(qtbot, build_window("neuron"))
    hand_docks = visible_docks(window)
    hand_view = window.centralWidget()
    window.scenario_requested.emit("spiral")  # what the Scenario menu and the start page do
    qtbot.waitUntil(lambda: "Spiral" in window.windowTitle())
    classification_docks = visible_docks(window)
    assert classification_docks and not hand_docks & classification_docks
    assert window.centralWidget() is not hand_view
    reset = next(a for a in window.menu("View").actions() if "Reset" in a.text())
    reset.trigger()
    assert visible_docks(window) == classification_docks
    window.scenario_requested.emit("layer")
    qtbot.waitUntil(lambda: "Layer of 3 neurons" in window.windowTitle())
    assert visible_docks(window) == hand_docks
    assert window.centralWidget() is hand_view
