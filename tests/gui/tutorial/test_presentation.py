"""View > Presentation mode and Dark theme, remembered; every menu action has a key in F1."""

import pyqtgraph as pg
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from gui.shell.about import menu_actions, plain_text, shortcut_rows
from gui.shell.app import build_window
from gui.shell.theme import DARK, LIGHT, apply_theme

# Actions of changes in progress elsewhere (gui/shell/menu_entry_action.py,
# gui/tutorial/session_actions.py,
# gui/tutorial/timeline.py), whose owners were asked to give them keys.


def open_window(qtbot, settings=None, scenario="neuron"):
    apply_theme(QApplication.instance(), LIGHT)
    window = build_window(scenario, settings=settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(10)  # the deferred restyling after a lab opens
    return window


def curve_width(window) -> float:
    curve = window.findChildren(pg.PlotWidget)[0].getPlotItem().listDataItems()[0]
    return pg.mkPen(curve.opts["pen"]).widthF()


def test_presentation_mode_grows_type_and_plot_lines(qtbot):
    window = open_window(qtbot)
    font, width = QApplication.font().pointSizeF(), curve_width(window)
    qtbot.keyClick(window, Qt.Key.Key_P,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.tools.view_toggles.presentation.isChecked()
    assert QApplication.font().pointSizeF() > font
    assert curve_width(window) == 2 * width
    window.tools.view_toggles.presentation.trigger()
    assert QApplication.font().pointSizeF() == font
    assert curve_width(window) == width


def test_dark_theme_changes_the_palette_and_is_remembered(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = open_window(qtbot, settings)
    light = QApplication.palette().color(QPalette.ColorRole.Window)
    window.tools.view_toggles.dark.trigger()
    assert QApplication.palette().color(QPalette.ColorRole.Window).lightness() < \
        light.lightness()
    apply_theme(QApplication.instance(), LIGHT)  # a new run starts light...
    again = open_window(qtbot, settings)
    assert again.tools.view_toggles.dark.isChecked()  # ...and the setting brings the dark back
    assert QApplication.palette().color(QPalette.ColorRole.Window) != light
    again.tools.view_toggles.dark.trigger()
    assert QApplication.palette().color(QPalette.ColorRole.Window) == light


def test_every_menu_action_has_a_key_listed_in_f1(qtbot):
    for scenario in ("neuron", "spiral"):
        window = open_window(qtbot, scenario=scenario)
        listed = {row[0] for row in shortcut_rows(window)}
        for entry in window.menuBar().actions():
            for action, _title in menu_actions(entry.menu()):
                name = plain_text(action.text())
                if action.isVisible() and action.isEnabled():
                    assert name in listed, f"{name} has no keyboard shortcut"


def test_a_dark_theme_from_the_command_line_is_not_remembered(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    apply_theme(QApplication.instance(), DARK)  # what --dark does before the window exists
    window = open_window_as_is(qtbot, settings)
    assert window.tools.view_toggles.dark.isChecked()
    window.close()
    assert settings.value("view/dark") is None
    apply_theme(QApplication.instance(), LIGHT)


def open_window_as_is(qtbot, settings):
    """The app's window on the neuron, in whatever theme the application has now."""
    window = build_window("neuron", settings=settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window
