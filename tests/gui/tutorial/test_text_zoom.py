"""View > Zoom: one text size for every panel, table, plot axis and diagram, remembered; large
text and presentation mode are points on it, and turning them off restores every font."""

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QDockWidget, QLabel, QTabBar, QToolBar, QWidget

from gui.shell.app import build_window
from gui.shell.main_window import MainWindow
from gui.shell.text_size import set_text_scale
from gui.shell.theme import BASE_POINT_SIZE, LARGE_TEXT_SCALE, LIGHT, apply_theme, text_scale
from gui.tutorial.text_zoom import ZOOM_KEY
from gui.tutorial.timeline import TimelineBar

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def normal_text(qapp):
    apply_theme(qapp, LIGHT)
    yield qapp
    set_text_scale(1.0)


def open_window(qtbot, scenario="spiral", settings=None, size=(1600, 1000)) -> MainWindow:
    window = build_window(scenario, settings=settings, size=size)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.wait(10)  # the deferred restyling of a new lab's plots
    return window


def shown_widgets(window: MainWindow) -> list[QWidget]:
    """The window's widgets on screen. (A hidden widget may hold a font Qt has not passed down
    to it yet, such as the log's hidden header: it gets its parent's with the first change,
    and is never drawn.)"""
    return [widget for widget in [window, *window.findChildren(QWidget)] if widget.isVisible()]


def every_font(window: MainWindow, widgets: list[QWidget]) -> dict:
    """Each of `widgets`' fonts and each plot axis's tick and label fonts, as text (size
    included)."""
    fonts = {("widget", id(widget)): widget.font().toString() for widget in widgets}
    for view in window.findChildren(pg.GraphicsView):
        for item in view.scene().items():
            if isinstance(item, pg.AxisItem):
                tick = item.style["tickFont"]
                fonts["tick", id(item)] = tick.toString() if tick else ""
                fonts["label", id(item)] = item.label.font().toString()
                fonts["style", id(item)] = str(item.labelStyle)
            elif isinstance(item, pg.LegendItem):
                fonts["legend", id(item)] = item.opts["labelTextSize"]
    return fonts


def axis_tick_size(window: MainWindow) -> float:
    axis = window.findChildren(pg.PlotWidget)[0].getPlotItem().getAxis("bottom")
    return axis.style["tickFont"].pointSizeF()


@pytest.mark.parametrize("scenario", ["neuron", "spiral"])
def test_presentation_mode_off_restores_every_font_exactly(qtbot, normal_text, scenario):
    window = open_window(qtbot, scenario)
    widgets = shown_widgets(window)
    before = every_font(window, widgets)
    qtbot.keyClick(window, Qt.Key.Key_P, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert window.tools.view_toggles.presentation.isChecked()
    during = every_font(window, widgets)
    grown = [key for key in before if during.get(key) != before[key]]
    assert len(grown) > len(before) // 2  # most fonts are larger while it is on
    qtbot.keyClick(window, Qt.Key.Key_P, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert every_font(window, widgets) == before


def test_zoom_keys_scale_every_kind_of_text_and_are_remembered(qtbot, normal_text, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = open_window(qtbot, "neuron", settings)
    lab = window.active_lab()
    dock = lab.docks["chain_rule"]
    counter = lab.controls.iteration_label  # a LiveText with a point size of its own
    rule = lab.chain_rule.rule_label  # a size relative to the application's
    timeline = next(label for label in window.findChildren(QLabel) if label.text() == "Timeline")
    sizes = (dock.font().pointSizeF(), counter.font().pointSizeF(), rule.font().pointSizeF(),
             timeline.font().pointSizeF(), axis_tick_size(window))

    qtbot.keyClick(window, Qt.Key.Key_Equal, CTRL)  # Ctrl+=, a browser's zoom in
    qtbot.keyClick(window, Qt.Key.Key_Equal, CTRL)
    assert text_scale() == pytest.approx(LARGE_TEXT_SCALE)  # 100% -> 110% -> 125%
    assert window.tools.text_zoom.large_text.isChecked()
    now = (dock.font().pointSizeF(), counter.font().pointSizeF(), rule.font().pointSizeF(),
           timeline.font().pointSizeF(), axis_tick_size(window))
    assert now == pytest.approx(tuple(size * LARGE_TEXT_SCALE for size in sizes))
    assert float(settings.value(ZOOM_KEY)) == pytest.approx(LARGE_TEXT_SCALE)

    qtbot.keyClick(window, Qt.Key.Key_Minus, CTRL)
    assert text_scale() == pytest.approx(1.1)
    qtbot.keyClick(window, Qt.Key.Key_0, CTRL)
    assert QApplication.font().pointSizeF() == BASE_POINT_SIZE
    assert (dock.font().pointSizeF(), counter.font().pointSizeF(), rule.font().pointSizeF(),
            timeline.font().pointSizeF(), axis_tick_size(window)) == pytest.approx(sizes)


def test_a_remembered_text_size_opens_the_next_run(qtbot, normal_text, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue(ZOOM_KEY, 1.5)
    window = open_window(qtbot, "layer", settings)
    assert text_scale() == pytest.approx(1.5)
    assert window.active_lab().docks["controls"].font().pointSizeF() == 1.5 * BASE_POINT_SIZE
    assert window.tools.text_zoom.actual_size.text().endswith("(now 150%)")


def test_large_text_is_in_the_view_menu_and_lays_the_panels_out_again(qtbot, normal_text):
    window = open_window(qtbot, "spiral", size=(1600, 1000))
    lab = window.active_lab()
    assert not window.tabifiedDockWidgets(lab.docks["curves"])  # under the boundary
    entry = next(a for a in window.menu("View").actions() if a.text() == "&Large text")
    entry.trigger()
    assert text_scale() == pytest.approx(LARGE_TEXT_SCALE)
    # 1600x1000 at large text holds what 1280x800 holds: the curves share a place as a tab.
    assert window.tabifiedDockWidgets(lab.docks["curves"])
    entry.trigger()
    assert text_scale() == 1.0


def test_a_command_line_text_size_is_not_remembered(qtbot, normal_text, tmp_path):
    """--large-text sets the scale before the window exists; the window neither stores it nor
    lets the remembered scale override it, and closing it writes no arrangement made for it."""
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue(ZOOM_KEY, 1.1)
    set_text_scale(LARGE_TEXT_SCALE)  # what create_application(large_text=True) does
    window = build_window("neuron", settings=settings, one_run=True)
    qtbot.addWidget(window)
    window.show()
    assert text_scale() == pytest.approx(LARGE_TEXT_SCALE)
    window.close()
    assert float(settings.value(ZOOM_KEY)) == pytest.approx(1.1)
    assert settings.value("view/presentation") is None
    assert settings.value("layout/hand") is None
    assert settings.value("window/geometry") is None


def test_full_screen_is_f11_and_back(qtbot, normal_text):
    window = open_window(qtbot, "neuron")
    toggle = window.tools.view_toggles.full_screen
    assert toggle.shortcut().toString() == "F11"
    toggle.trigger()
    assert window.isFullScreen() and toggle.isChecked()
    toggle.trigger()
    assert not window.isFullScreen() and not toggle.isChecked()


def test_dock_titles_follow_the_text_size(qtbot, normal_text):
    """Qt draws a dock's title in the font it took when made; a PanelDock in its font now."""
    window = open_window(qtbot, "neuron")
    dock: QDockWidget = window.active_lab().docks["controls"]
    set_text_scale(2.0)
    qtbot.wait(10)
    picture = dock.grab().toImage()
    set_text_scale(1.0)
    qtbot.wait(10)
    small = dock.grab().toImage()
    title_height = dock.widget().geometry().top()

    def inked_columns(image) -> int:
        """How wide the title's text is drawn: columns with dark pixels in the title bar."""
        return sum(any(image.pixelColor(x, y).lightness() < 100
                       for y in range(min(title_height, image.height())))
                   for x in range(image.width() // 2))

    assert inked_columns(picture) > 1.6 * inked_columns(small)


def test_presentation_mode_in_a_running_window_leaves_no_stray_tab_bar(qtbot, normal_text):
    """Each visible tab bar belongs to a group of tabbed panels, and none lies over the
    timeline (once one was left there, hiding "epoch 300 of 300")."""
    window = open_window(qtbot, "spiral")
    window.active_lab().controller.run_iterations(300)
    window.tools.view_toggles.presentation.trigger()
    qtbot.wait(50)
    timeline = window.findChild(QToolBar, "timeline_bar")
    bars = [bar for bar in window.findChildren(QTabBar)
            if bar.parent() is window and bar.isVisible()]
    groups = {frozenset([dock, *window.tabifiedDockWidgets(dock)])
              for dock in window.active_lab().docks.values()
              if dock.isVisible() and window.tabifiedDockWidgets(dock)}
    assert len(bars) == len(groups)
    for bar in bars:
        assert not bar.geometry().intersects(timeline.geometry())
    reading = window.findChild(TimelineBar).reading
    assert reading.text() == "epoch 300 of 300" and not reading.visibleRegion().isEmpty()
