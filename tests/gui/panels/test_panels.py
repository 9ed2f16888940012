"""The lab's panels rendered from hand-made snapshots, and their edits turned into signals."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QWidget

from gui.controller.snapshot import (
    ChainRuleInfo,
    GradientFactor,
    LossCurve,
    OperationInfo,
    Snapshot,
    frozen_array,
    frozen_arrays,
)
from gui.labs.hand.parameters_panel import ParameterDescription, ParametersPanel
from gui.panels.chain_rule_panel import ChainRulePanel
from gui.panels.controls_panel import ControlsPanel
from gui.panels.log_panel import MAX_BLOCKS, LogPanel
from gui.plots.loss_along_weight import LossAlongWeightPlot
from gui.plots.loss_plot import LossPlot
from gui.plots.throttle import Throttle

OPERATIONS = (OperationInfo("z", "z = np.dot(w, x) + b", "forward", ("z",)),
              OperationInfo("l", "l = z ** 2", "loss", ("l",)),
              OperationInfo("dl_dz", "dl_dz = 2 * z", "backward", ("dl_dz",)))
RULE = ChainRuleInfo(target="dl/dw_0", equation="dl/dw_0 = dl/dz * dz/dw_0",
                     factors=(GradientFactor("dl/dz", 12.0), GradientFactor("dz/dw_0", -2.0)),
                     terms=(), product=-24.0, numerical=-24.000001, relative_error=4e-8)


def snapshot(**changes) -> Snapshot:
    fields = dict(scenario="toy", title="Toy", values=frozen_arrays({"w": [1.0, -2.0]}),
                  parameters=frozen_arrays({"w": [1.0, -2.0], "lr": 0.1}),
                  operations=OPERATIONS, position=1, iteration=4,
                  last_operation=OPERATIONS[0], losses=frozen_array([9.0, 4.0, 1.0, 0.25]),
                  log_lines=("one", "two"), selected=("w", (1,)), chain_rule=RULE)
    fields.update(changes)
    return Snapshot(**fields)


def test_controls_show_where_the_iteration_stands_and_do_not_echo(qtbot):
    panel = ControlsPanel()
    qtbot.addWidget(panel)
    with qtbot.assertNotEmitted(panel.run_toggled), qtbot.assertNotEmitted(panel.speed_changed):
        panel.set_snapshot(snapshot(running=True, speed=250.0, speed_unit="operations"))
    assert panel.iteration_label.text() == "Iterations done: 4   ·   last loss 0.25"
    assert panel.position_label.text() == "done 1 of 3 operations (forward pass)"
    assert "l = z ** 2" in panel.next_label.text()
    assert panel.run_button.isChecked() and panel.run_button.text() == "Pause  (Space)"
    assert panel.speed_box.value() == 250.0 and panel.unit_box.currentIndex() == 1
    assert not panel.step_back_button.isEnabled()
    assert not panel.notice_label.isVisibleTo(panel)
    panel.set_snapshot(snapshot(notice="Paused: training diverged at iteration 3: l"))
    assert panel.notice_label.isVisibleTo(panel)
    assert panel.notice_label.text().endswith("iteration 3: l")


def test_controls_turn_clicks_into_requests(qtbot):
    panel = ControlsPanel()
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.step_requested):
        qtbot.mouseClick(panel.step_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(panel.run_toggled) as run:
        qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    assert run.args == [True]
    with qtbot.waitSignal(panel.speed_changed) as speed:
        panel.unit_box.setCurrentIndex(1)
    assert speed.args == [10.0, "operations"]


def test_chain_rule_panel_reads_as_the_seed_writes_it(qtbot):
    panel = ChainRulePanel()
    qtbot.addWidget(panel)
    panel.set_snapshot(snapshot())
    text = panel.text()
    assert "dl/dw_0 = dl/dz * dz/dw_0" in text
    assert "= 12 × (-2)" in text
    assert "= -24 (backpropagation)" in text
    assert "≈ -24 (central difference) relative error 4.0e-08: agree" in text
    assert not panel.inputs_label.isVisibleTo(panel)


def test_chain_rule_panel_flags_disagreement(qtbot):
    panel = ChainRulePanel()
    qtbot.addWidget(panel)
    wrong = ChainRuleInfo("dl/db", "dl/db = dl/dz * dz/db", (), (), 1.0, 2.0, 0.5)
    panel.set_snapshot(snapshot(chain_rule=wrong))
    assert "relative error 5.0e-01: differ" in panel.text()


def test_log_appends_new_lines_and_redraws_a_rewritten_history(qtbot):
    panel = LogPanel()
    qtbot.addWidget(panel)
    panel.set_snapshot(snapshot())
    panel.set_snapshot(snapshot(log_lines=("one", "two", "three")))
    assert panel.lines() == ["one", "two", "three"]
    panel.set_snapshot(snapshot(log_lines=("one",)))  # stepped back past a printed line
    assert panel.lines() == ["one"]


def shown_log(qtbot, lines=()) -> LogPanel:
    panel = LogPanel()
    qtbot.addWidget(panel)
    panel.resize(320, 160)
    panel.show()
    qtbot.waitExposed(panel)
    panel.activateWindow()  # as the user's window is: shortcuts reach the active window only
    qtbot.waitUntil(panel.isActiveWindow)
    panel.set_lines(lines)
    return panel


def row_centre(panel: LogPanel, row: int):
    return panel.view.visualRect(panel.model.index(row)).center()


def test_log_follows_the_newest_line_as_lines_arrive(qtbot):
    panel = shown_log(qtbot)
    lines = ()
    for iteration in range(1, 41):
        lines += (f"Iteration {iteration}, Loss: {36.0 / iteration}",)
        panel.set_snapshot(snapshot(log_lines=lines))
        qtbot.wait(1)
    assert panel.lines() == list(lines)
    viewport = panel.view.viewport().rect()
    assert shown_whole_height(panel, 39)
    assert not viewport.intersects(panel.view.visualRect(panel.model.index(0)))
    panel.resize(320, 100)  # the user makes the dock shorter
    qtbot.waitUntil(lambda: panel.view.viewport().height() < viewport.height())
    assert shown_whole_height(panel, 39)


def shown_whole_height(panel: LogPanel, row: int) -> bool:
    """The row's full height is inside the view (a line longer than the view scrolls sideways)."""
    line, viewport = panel.view.visualRect(panel.model.index(row)), panel.view.viewport().rect()
    return viewport.top() <= line.top() and line.bottom() <= viewport.bottom()


def test_log_keeps_the_latest_max_blocks_lines(qtbot):
    lines = tuple(f"line {number}" for number in range(MAX_BLOCKS + 5))
    panel = shown_log(qtbot, lines)
    assert len(panel.lines()) == MAX_BLOCKS and panel.lines()[0] == "line 5"
    panel.set_lines((*lines, "newest"))
    assert len(panel.lines()) == MAX_BLOCKS
    assert panel.lines()[0] == "line 6" and panel.lines()[-1] == "newest"


def test_log_rows_are_as_wide_as_the_longest_line(qtbot):
    longest = "epoch: 10000, acc: 0.933, loss: 0.162 (data_loss: 0.162, reg_loss: 0.000)" * 3
    panel = shown_log(qtbot, (longest, "short"))
    text_width = panel.view.fontMetrics().horizontalAdvance(longest)
    assert panel.view.visualRect(panel.model.index(1)).width() >= text_width
    assert panel.view.horizontalScrollBar().maximum() > 0  # scrolled to, not cut off


def test_log_copies_the_lines_the_user_selects(qtbot):
    panel = shown_log(qtbot, ("one", "two", "three", "four"))
    viewport = panel.view.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=row_centre(panel, 1))
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier,
                     row_centre(panel, 2))
    panel.set_lines(("one", "two", "three", "four", "five"))  # a line arrives meanwhile
    qtbot.keyClick(panel.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == "two\nthree"
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=row_centre(panel, 3))
    qtbot.keyClick(panel.view, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(panel.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == "four\nfive"
    qtbot.keyClick(panel.view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(panel.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == "one\ntwo\nthree\nfour\nfive"


def test_log_shows_its_placeholder_only_while_empty(qtbot):
    panel = shown_log(qtbot)
    panel.set_placeholder("Lines appear here.")
    hint = panel.view.viewport().grab().toImage()
    panel.set_placeholder("")
    blank = panel.view.viewport().grab().toImage()
    assert hint != blank
    panel.set_placeholder("Lines appear here.")
    panel.set_lines(("Iteration 1, Loss: 36.0",))
    assert panel.view.viewport().grab().toImage() not in (hint, blank)
    panel.set_lines(())  # stepped back to the start
    assert panel.view.viewport().grab().toImage() == hint


def test_loss_plot_log_scale_leaves_a_gap_for_a_zero_loss(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.set_snapshot(snapshot(losses=frozen_array([4.0, 0.0, 1.0])))
    with qtbot.waitSignal(plot.log_scale_changed):
        plot.log_box.click()
    ys = plot.curve.yData
    assert np.isnan(ys[1]) and ys[0] == 4.0  # pyqtgraph maps to log10 itself when drawing
    assert plot.summary.text() == "iteration 3: loss 1"


def test_loss_along_weight_draws_curve_point_and_tangent(qtbot):
    plot = LossAlongWeightPlot()
    qtbot.addWidget(plot)
    xs = np.linspace(-1.0, 3.0, 5)
    curve = LossCurve("w", (0,), "w_0", frozen_array(xs), frozen_array(xs ** 2), 1.0, 1.0, 2.0)
    plot.set_snapshot(snapshot(loss_curve=curve))
    assert plot.curve.xData.tolist() == xs.tolist()
    assert plot.point.data["x"].tolist() == [1.0]
    tangent_x, tangent_y = plot.tangent_data()
    assert tangent_x.tolist() == [0.0, 2.0] and tangent_y.tolist() == [-1.0, 3.0]
    plot.set_snapshot(snapshot(loss_curve=None))
    assert plot.caption.text().startswith("The loss is not finite")
    plot.set_snapshot(snapshot(loss_curve=None, selected=None))
    assert plot.caption.text().startswith("Click a weight or bias")


def test_parameters_panel_names_its_edits_and_shows_refusals_above_the_tables(qtbot):
    panel = ParametersPanel({"w": ParameterDescription("Weights w", column=lambda k: f"w{k}")})
    qtbot.addWidget(panel)
    panel.set_snapshot(snapshot())
    assert panel.titles["w"].text() == "Weights w"
    assert panel.editors["w"].table.horizontalHeaderItem(1).text() == "w1"
    assert panel.editors["w"].table.currentColumn() == 1  # the selected element
    with qtbot.waitSignal(panel.value_edited) as edited:
        panel.editors["w"].table.setCurrentCell(0, 0)
        qtbot.keyClick(panel.editors["w"].table, Qt.Key.Key_Up)
    assert edited.args[:3] == ["w", (0,), 1.01]
    panel.show_refusal("lr", (), "lr must be positive")
    assert panel.refusal() == "Refused: lr must be positive; kept 0.1."


def test_throttle_draws_at_once_when_idle_and_coalesces_while_running(qtbot):
    drawn = []
    throttle = Throttle(drawn.append)
    throttle.submit(1, running=False)
    throttle.submit(2, running=True)
    throttle.submit(3, running=True)
    assert drawn == [1]
    qtbot.waitUntil(lambda: drawn == [1, 3], timeout=1000)


@pytest.mark.parametrize("position, expected", [(0, frozenset()), (2, {"z", "l"})])
def test_snapshot_knows_what_the_iteration_computed(position, expected):
    assert snapshot(position=position, iteration=0).computed() == expected


def test_log_lines_are_monospace_at_the_size_of_the_text_around_them(qtbot):
    # Large text for a recording enlarges the application's font: the log must follow it.
    window = QWidget()
    qtbot.addWidget(window)
    large = QFont(window.font())
    large.setPointSizeF(window.font().pointSizeF() * 1.25)
    window.setFont(large)
    panel = LogPanel(window)
    fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont).family()
    assert panel.view.font().family() == fixed
    assert panel.view.font().pointSizeF() == pytest.approx(large.pointSizeF())
