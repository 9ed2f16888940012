"""gui.widgets.array_editor: typed, nudged and refused values, as a learner meets them."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit

from gui.widgets.array_editor import ArrayEditor
from gui.widgets.cell_values import format_value, parse_value


@pytest.fixture
def editor(qtbot):
    widget = ArrayEditor(step=0.01)
    qtbot.addWidget(widget)
    widget.set_array(np.array([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]]),
                     row_labels=["neuron 1", "neuron 2"], column_labels=["x1", "x2", "x3"])
    widget.resize(400, 160)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _edits(editor):
    received = []
    editor.value_edited.connect(lambda index, value, session: received.append(
        (index, value, session)))
    return received


def _type_into_cell(qtbot, editor, row, column, text) -> QLineEdit:
    """Click the cell and type, as a learner does: the first key opens the cell's editor."""
    table = editor.table
    rect = table.visualItemRect(table.item(row, column))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.keyClick(table, text[0])
    line_edit = table.findChild(QLineEdit)
    assert line_edit is not None and line_edit.isVisible()
    qtbot.keyClicks(line_edit, text[1:])
    return line_edit


def test_cells_show_values_with_short_precision_and_sign_tints(editor):
    assert editor.cell_text((0, 1)) == "-0.2"
    assert editor.table.item(0, 1).toolTip() == "-0.2"
    positive = editor.table.item(0, 0).background().color()
    negative = editor.table.item(0, 1).background().color()
    assert positive.rgb() != negative.rgb()
    strong = editor.table.item(1, 2).background().color()
    weak = editor.table.item(0, 1).background().color()
    assert strong.alphaF() > weak.alphaF()
    assert format_value(-0.006988948825640867) == "-0.0069889"


def test_typing_a_number_applies_it_live_and_on_enter_as_one_session(qtbot, editor):
    received = _edits(editor)
    line_edit = _type_into_cell(qtbot, editor, 1, 0, "2.5")
    qtbot.keyClick(line_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(received) == 4)  # the delegate commits on the next loop turn
    assert [value for _, value, _ in received] == [2.0, 2.0, 2.5, 2.5]
    assert {index for index, _, _ in received} == {(1, 0)}
    assert len({session for _, _, session in received}) == 1
    assert not editor.message.isVisible()


def test_junk_is_refused_with_a_message_and_the_old_value_put_back(qtbot, editor):
    received = _edits(editor)
    refusals = []
    editor.value_rejected.connect(lambda index, message: refusals.append((index, message)))
    line_edit = _type_into_cell(qtbot, editor, 0, 2, "7x")
    qtbot.keyClick(line_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(refusals))
    assert refusals == [((0, 2), "'7x' is not a number")]
    assert editor.message.isVisible()
    assert editor.message.text() == "'7x' is not a number; kept 0.3."
    # "7" was applied while typing; refusing puts the value from before typing back.
    assert received[-1][:2] == ((0, 2), 0.3)
    assert editor.cell_text((0, 2)) == "0.3"


def test_escape_cancels_what_live_typing_applied(qtbot, editor):
    received = _edits(editor)
    line_edit = _type_into_cell(qtbot, editor, 0, 0, "9")
    qtbot.keyClick(line_edit, Qt.Key.Key_Escape)
    assert [value for _, value, _ in received] == [9.0, 0.1]


def test_enter_then_escape_typed_ahead_commits_the_number_without_a_qt_warning(
        qtbot, qtlog, editor):
    """Keys typed while the window is busy arrive together. Qt's own Enter commit waited for
    the next turn of the event loop, Escape closed the cell first, and the late commit went to
    an editor the table no longer had: Qt warned and the number was lost (found by the monkey).
    """
    received = _edits(editor)
    line_edit = _type_into_cell(qtbot, editor, 0, 1, "4")
    qtbot.keyClick(line_edit, Qt.Key.Key_Return)
    qtbot.keyClick(line_edit, Qt.Key.Key_Escape)
    qtbot.wait(20)  # a commit queued for the next loop turn runs now
    assert [record.message for record in qtlog.records if "commitData" in record.message] == []
    assert received[-1][:2] == ((0, 1), 4.0)
    assert editor.table.state() == QAbstractItemView.State.NoState


def test_junk_then_escape_typed_ahead_is_refused_once_and_qt_stays_quiet(qtbot, qtlog, editor):
    received = _edits(editor)
    refusals = []
    editor.value_rejected.connect(lambda index, message: refusals.append(message))
    line_edit = _type_into_cell(qtbot, editor, 1, 2, "2x")
    qtbot.keyClick(line_edit, Qt.Key.Key_Return)
    qtbot.keyClick(line_edit, Qt.Key.Key_Escape)
    qtbot.wait(20)
    assert [record.message for record in qtlog.records if "commitData" in record.message] == []
    assert refusals == ["'2x' is not a number"]
    assert editor.message.text() == "'2x' is not a number; kept -0.6."
    assert received[-1][:2] == ((1, 2), -0.6)


def test_a_snapshot_of_the_same_shape_leaves_the_cell_being_typed_into_open(qtbot, editor):
    line_edit = _type_into_cell(qtbot, editor, 0, 0, "1.2")
    editor.set_array(np.array([[0.7, -0.2, 0.3], [0.4, 0.5, -0.6]]))
    assert editor.table.state() == QAbstractItemView.State.EditingState
    assert line_edit.text() == "1.2"
    assert editor.cell_text((1, 0)) == "0.4"


def test_a_new_shape_closes_the_cell_being_typed_into_without_committing_it(
        qtbot, qtlog, editor):
    _type_into_cell(qtbot, editor, 1, 2, "8")
    received = _edits(editor)
    editor.set_array(np.array([[1.0, 2.0]]))
    qtbot.wait(20)
    assert editor.table.state() == QAbstractItemView.State.NoState
    assert (editor.table.rowCount(), editor.table.columnCount()) == (1, 2)
    assert received == []
    assert [record.message for record in qtlog.records if not record.ignored] == []


def test_up_down_keys_nudge_by_the_step_and_shift_by_ten(qtbot, editor):
    received = _edits(editor)
    editor.table.setFocus()
    editor.table.setCurrentCell(1, 1)
    qtbot.keyClick(editor.table, Qt.Key.Key_Up)
    qtbot.keyClick(editor.table, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    assert [(index, value) for index, value, _ in received] == [((1, 1), 0.51), ((1, 1), 0.4)]


def test_mouse_wheel_nudges_the_cell_under_the_pointer(qtbot, editor):
    received = _edits(editor)
    table = editor.table
    centre = table.visualItemRect(table.item(0, 1)).center()
    global_pos = table.viewport().mapToGlobal(centre)
    event = QWheelEvent(QPointF(centre), QPointF(global_pos), QPoint(0, 0), QPoint(0, 240),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(table.viewport(), event)
    assert [(index, value) for index, value, _ in received] == [((0, 1), -0.18)]


def test_transposed_view_still_reports_indices_of_the_stored_array(qtbot, editor):
    editor.set_array(np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), transposed=True,
                     row_labels=["x1", "x2", "x3"], column_labels=["neuron 1", "neuron 2"])
    assert (editor.table.rowCount(), editor.table.columnCount()) == (3, 2)
    assert editor.table.item(2, 0).text() == "3"
    received = _edits(editor)
    editor.table.setFocus()
    editor.table.setCurrentCell(2, 0)
    qtbot.keyClick(editor.table, Qt.Key.Key_Up)
    assert received[0][:2] == ((0, 2), 3.01)


def test_scalar_is_one_cell_with_index_empty_and_a_relative_step(qtbot):
    widget = ArrayEditor(step=None)
    qtbot.addWidget(widget)
    widget.set_array(np.array(0.001))
    received = _edits(widget)
    widget.table.setCurrentCell(0, 0)
    qtbot.keyClick(widget.table, Qt.Key.Key_Up)
    assert received[0][:2] == ((), 0.0011)


@pytest.mark.parametrize("text, value", [("1.5", 1.5), (" -2 ", -2.0), ("1e-3", 0.001),
                                          ("0,25", 0.25)])
def test_parse_accepts_plain_numbers(text, value):
    assert parse_value(text) == value


@pytest.mark.parametrize("text", ["", "abc", "nan", "inf", "1.2.3"])
def test_parse_refuses_what_is_not_a_finite_number(text):
    with pytest.raises(ValueError):
        parse_value(text)
