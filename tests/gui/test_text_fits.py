"""No text of the window is wider (or, wrapped, taller) than the space it is shown in.

Every visible label, button, check box, dock title, tab and table cell of every scenario, at the
screen and recording sizes people use, with normal and large text, fresh and after some training
(longer numbers, gradients shown); and the hand lab's diagram, whose texts are painted, by its
own rules (gui.widgets.diagram_scene.problems). tests/gui/text_fit.py measures; the first tests
here show it catches each kind of cut text, so a pass of the window check means something.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDockWidget,
    QLabel,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from engine.scenarios.presets import SCENARIOS
from gui.shell.app import build_window
from gui.shell.text_size import set_text_scale
from gui.shell.theme import LARGE_TEXT_SCALE, LIGHT, apply_theme
from gui.widgets.array_editor import ArrayEditor
from gui.widgets.diagram_scene import problems
from tests.gui.text_fit import offenders, report

LONG = "a label far too long for the narrow box it was put in"

SIZES = [
    pytest.param((1600, 1000), False, id="1600x1000"),
    pytest.param((1920, 1080), False, id="1920x1080"),
    pytest.param((1920, 1080), True, id="1920x1080-large"),
    pytest.param((1280, 720), False, id="1280x720"),
    pytest.param((1366, 768), False, id="1366x768"),
    pytest.param((1280, 720), True, id="1280x720-large"),
]


def shown_in(qtbot, widget: QWidget, width: int, height: int) -> QWidget:
    """`widget` alone in a top-level box of exactly that size, shown."""
    box = QWidget()
    box.setFixedSize(width, height)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(widget)
    qtbot.addWidget(box)
    box.show()
    qtbot.waitExposed(box)
    qtbot.wait(20)  # the posted layout requests (a scroll area shows its bars on one)
    return box


# --- the check catches what it should ------------------------------------------------------

def test_a_label_narrower_than_its_text_is_named_with_its_text(qtbot):
    label = QLabel(LONG)
    label.setMinimumWidth(1)
    box = shown_in(qtbot, label, 120, 40)
    found = offenders(box)
    assert [(each.kind, each.text) for each in found] == [("label", LONG)]
    assert found[0].needed[0] > found[0].available[0] == 120
    assert LONG in report(found)


def test_a_wrapped_label_fits_by_its_height(qtbot):
    label = QLabel(LONG)
    label.setWordWrap(True)
    assert offenders(shown_in(qtbot, label, 160, 120)) == []
    short = QLabel(LONG)
    short.setWordWrap(True)
    short.setMaximumHeight(20)  # room for one of its three lines
    assert [each.text for each in offenders(shown_in(qtbot, short, 160, 120))] == [LONG]


def test_a_rich_text_label_is_measured_as_shown_not_as_markup(qtbot):
    label = QLabel("<b>bold</b> <span style='color: gray'>and grey</span>")
    assert offenders(shown_in(qtbot, label, 150, 30)) == []
    wide = QLabel("<b>" + LONG + "</b>")
    wide.setMinimumWidth(1)
    assert [each.text for each in offenders(shown_in(qtbot, wide, 150, 30))] == [LONG]


def test_a_scroll_area_cuts_only_where_it_shows_no_scroll_bar(qtbot):
    for policy, cut in ((Qt.ScrollBarPolicy.ScrollBarAsNeeded, False),
                        (Qt.ScrollBarPolicy.ScrollBarAlwaysOff, True)):
        area = QScrollArea()
        area.setHorizontalScrollBarPolicy(policy)
        area.setWidget(QLabel(LONG))
        found = offenders(shown_in(qtbot, area, 150, 80))
        assert [each.text for each in found] == ([LONG] if cut else []), report(found)


def test_buttons_check_boxes_and_dock_titles_need_their_text_width(qtbot):
    button = QPushButton(f"&{LONG}")
    check = QCheckBox(LONG)
    for each in (button, check):
        each.setMinimumWidth(1)
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.addWidget(button)
    layout.addWidget(check)
    window = QMainWindow()
    dock = QDockWidget(LONG)
    dock.setWidget(box)
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
    window.setCentralWidget(QLabel("centre"))
    qtbot.addWidget(window)
    window.resize(500, 200)
    window.show()
    qtbot.waitExposed(window)
    window.resizeDocks([dock], [140], Qt.Orientation.Horizontal)
    qtbot.wait(20)
    kinds = sorted(each.kind for each in offenders(window) if each.text == LONG)
    assert kinds == ["button", "button", "dock title"]


def test_a_table_cell_narrower_than_its_number_is_named(qtbot):
    table = QTableWidget(1, 2)
    table.setItem(0, 0, QTableWidgetItem("1"))
    table.setItem(0, 1, QTableWidgetItem("-0.0069889488256408665"))
    table.setColumnWidth(1, 40)
    found = offenders(shown_in(qtbot, table, 300, 120))
    assert [(each.kind, each.text) for each in found] == [
        ("table cell", "-0.0069889488256408665")]


def test_an_array_editor_shows_numbers_whole_however_narrow_its_columns(qtbot):
    editor = ArrayEditor()
    editor.set_array(np.array([[-0.0069889488256408665, 0.34848724824669947, 1234.5678]]),
                     column_labels=["x1", "x2", "x3"])
    box = shown_in(qtbot, editor, 420, 80)
    assert [editor.cell_text((0, n)) for n in range(3)] == ["-0.0069889", "0.34849", "1234.6"]
    box.setFixedWidth(150)
    qtbot.waitUntil(lambda: editor.table.columnWidth(0) < 60)
    assert offenders(box) == []
    assert editor.cell_text((0, 0)) != "-0.0069889"  # fewer digits, never a cut number
    assert float(editor.table.item(0, 0).toolTip()) == -0.0069889488256408665
    box.setFixedWidth(420)
    qtbot.waitUntil(lambda: editor.cell_text((0, 0)) == "-0.0069889")


# --- the whole window ----------------------------------------------------------------------

@pytest.fixture
def text_size():
    """set(large): the app's type size for the window built next; normal again afterwards."""
    app = QApplication.instance()

    def set_size(large: bool) -> None:
        set_text_scale(LARGE_TEXT_SCALE if large else 1.0, app)

    apply_theme(app, LIGHT)
    yield set_size
    set_text_scale(1.0, app)


def open_window(qtbot, scenario: str, size: tuple[int, int]):
    window = build_window(scenario)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(150)  # posted layout requests and pyqtgraph's deferred range updates
    assert (window.width(), window.height()) == size, "the window cannot take this size"
    return window


def work(window, scenario: str) -> None:
    """Some training, stopped where the most numbers are on screen: a few iterations in, the
    hand lab in the middle of a backward pass (forward values and some gradients shown)."""
    controller = window.labs[SCENARIOS[scenario].kind].controller
    if SCENARIOS[scenario].kind == "hand":
        controller.run_iterations(7)
        for _ in range(6):
            controller.step()
    else:
        controller.run_iterations(25)


def lasting_offenders(qtbot, window, timeout_ms: int = 2000) -> list:
    """The offenders that stay: a text that changed a moment ago (a neuron map's range from
    the plane worker) is laid out on the next turn of the event loop, so poll until none are
    left or the time is up."""
    found = offenders(window)
    waited = 0
    while found and waited < timeout_ms:
        qtbot.wait(50)
        waited += 50
        found = offenders(window)
    return found


@pytest.mark.parametrize("size, large", SIZES)
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_every_text_of_every_scenario_fits_where_it_is_shown(qtbot, text_size, scenario, size,
                                                              large):
    text_size(large)
    window = open_window(qtbot, scenario, size)
    found = lasting_offenders(qtbot, window)
    assert not found, "fresh: " + report(found)
    assert diagram_problems(window) == []
    work(window, scenario)
    found = lasting_offenders(qtbot, window)
    assert not found, "after training: " + report(found)
    assert diagram_problems(window) == []
    assert (window.width(), window.height()) == size, "training resized the window"


def diagram_problems(window) -> list[str]:
    """What overlaps or lies on a foreign edge in the hand lab's diagram, if it is shown."""
    lab = window.active_lab()
    diagram = getattr(lab, "diagram", None)
    if diagram is None or not diagram.isVisible():
        return []
    return problems(diagram.scene())
