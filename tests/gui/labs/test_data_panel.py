"""The data dock: typed inputs become data requests; files go through signals and messages."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from gui.labs.classification.data_panel import DEFAULT_SPEC, DataDock
from gui.shell.theme import current_theme
from tests.gui.classification_fakes import count_near, pixels, rect_in, save_shot


@pytest.fixture
def dock(qtbot):
    widget = DataDock()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def type_into(qtbot, box, text):
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), text)
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)


def test_starts_with_the_books_spiral(dock):
    assert dock.spec() == DEFAULT_SPEC == {
        "data": {"kind": "spiral", "samples": 100, "classes": 3}, "seed": 0}
    assert [dock.add_class_box.itemText(i) for i in range(3)] == [
        "0 (blue)", "1 (orange)", "2 (bluish green)"]
    assert not dock.clear_button.isEnabled() and not dock.save_button.isEnabled()


def test_typed_samples_ask_for_new_data_once_on_enter(qtbot, dock):
    with qtbot.waitSignal(dock.data_spec_changed) as signal:
        type_into(qtbot, dock.samples_box, "250")
    assert signal.args == [{"data": {"kind": "spiral", "samples": 250, "classes": 3}, "seed": 0}]
    # Not once per keystroke: "2", "25" never reached the controller.
    emitted = []
    dock.data_spec_changed.connect(emitted.append)
    type_into(qtbot, dock.seed_box, "42")
    assert [spec["seed"] for spec in emitted] == [42]


def test_out_of_range_or_non_numeric_input_is_refused_with_a_message(qtbot, dock):
    with qtbot.assertNotEmitted(dock.data_spec_changed):
        type_into(qtbot, dock.samples_box, "5000")
    assert dock.samples_box.value() == 100
    assert dock.message.text() == "Samples per class: 5000 is not between 10 and 1000; kept 100."
    type_into(qtbot, dock.classes_box, "x")
    assert dock.message.text() == "Classes: type a whole number ('x' is not one)."
    assert dock.classes_box.value() == 3
    type_into(qtbot, dock.classes_box, "7")
    assert dock.classes_box.value() == 3
    assert "7 is not between 2 and 6; kept 3" in dock.message.text()


def test_data_set_choice_and_class_count(qtbot, dock):
    with qtbot.waitSignal(dock.data_spec_changed) as signal:
        dock.dataset_box.setCurrentIndex(1)
    assert signal.args[0]["data"]["kind"] == "vertical"
    type_into(qtbot, dock.classes_box, "6")
    assert dock.add_class_box.count() == 6
    assert dock.add_class_box.itemText(5) == "5 (vermillion)"


def test_class_to_add_follows_the_choice_and_shrinks_with_the_classes(qtbot, dock):
    with qtbot.waitSignal(dock.add_class_changed) as signal:
        dock.add_class_box.setCurrentIndex(2)
    assert signal.args == [2]
    with qtbot.waitSignal(dock.add_class_changed) as signal:
        type_into(qtbot, dock.classes_box, "2")
    assert signal.args == [1]
    assert dock.add_class() == 1 and dock.add_class_box.count() == 2


def test_set_spec_from_code_does_not_echo(qtbot, dock):
    spec = {"data": {"kind": "vertical", "samples": 40, "classes": 5}, "seed": 7}
    with qtbot.assertNotEmitted(dock.data_spec_changed), \
            qtbot.assertNotEmitted(dock.add_class_changed):
        dock.set_spec(spec)
        dock.set_spec(spec)
        dock.set_add_class(4)
    assert dock.spec() == spec
    dock.set_spec({**spec, "hidden": [], "numerics": "book"})  # a whole model spec will do
    assert dock.spec() == spec
    assert dock.dataset_box.currentText() == "Vertical"
    assert dock.add_class_box.count() == 5 and dock.add_class() == 4


def test_point_count_enables_clear_and_save(qtbot, dock):
    dock.set_user_point_count(3)
    assert dock.point_count.text() == "3 added points"
    assert dock.clear_button.isEnabled()
    with qtbot.waitSignal(dock.clear_points_requested):
        qtbot.mouseClick(dock.clear_button, Qt.MouseButton.LeftButton)
    dock.set_user_point_count(1)
    assert dock.point_count.text() == "1 added point"


def test_load_asks_for_a_file_and_requests_it(qtbot, dock, monkeypatch, tmp_path):
    path = str(tmp_path / "mine.csv")
    asked = []

    def fake_dialog(parent, caption, folder, filters):
        asked.append((caption, filters))
        return path, "CSV files (*.csv)"

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(fake_dialog))
    with qtbot.waitSignal(dock.load_points_requested) as signal:
        qtbot.mouseClick(dock.load_button, Qt.MouseButton.LeftButton)
    assert signal.args == [path]
    assert asked[0][0] == "Load points" and "*.csv" in asked[0][1]


def test_cancelled_dialogs_request_nothing(qtbot, dock, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a: ("", "")))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a: ("", "")))
    dock.set_user_point_count(2)
    with qtbot.assertNotEmitted(dock.load_points_requested), \
            qtbot.assertNotEmitted(dock.save_points_requested):
        qtbot.mouseClick(dock.load_button, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(dock.save_button, Qt.MouseButton.LeftButton)


def test_save_proposes_a_csv_in_the_last_folder(qtbot, dock, monkeypatch, tmp_path):
    loaded = str(tmp_path / "in.csv")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a: (loaded, "")))
    proposed = []

    def fake_save(parent, caption, suggestion, filters):
        proposed.append(suggestion)
        return str(tmp_path / "out.csv"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake_save))
    dock.set_user_point_count(2)
    qtbot.mouseClick(dock.load_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dock.save_points_requested) as signal:
        qtbot.mouseClick(dock.save_button, Qt.MouseButton.LeftButton)
    assert proposed == [str(tmp_path / "points.csv")]
    assert signal.args == [str(tmp_path / "out.csv")]


def test_messages_from_the_controller_are_shown(dock):
    dock.set_message("Could not load bad.csv: line 3: x 'abc' is not a number. "
                     "Your points are unchanged.", error=True)
    assert "line 3" in dock.message.text()
    assert "#d55e00" in dock.message.styleSheet().lower()
    dock.set_message("Saved 3 points to p.csv.")
    assert "#d55e00" not in dock.message.styleSheet().lower()


def test_the_rendered_dock_shows_the_count_and_the_refusal_in_the_warning_colour(
        dock, tmp_path):
    dock.set_user_point_count(4)
    dock.set_message("Could not load bad.csv: line 3: x 'abc' is not a number. "
                     "Your points are unchanged.", error=True)
    dock.resize(320, 380)
    image = save_shot(dock, "data_dock", tmp_path)
    negative = current_theme().negative
    message = rect_in(dock.message, dock)
    assert dock.rect().contains(message)  # both wrapped lines on screen, none cut off
    assert count_near(pixels(image, message), negative, tolerance=60) > 200
    # Nothing else is in the warning colour: the rest of the dock is its ordinary text.
    assert count_near(pixels(image), negative, tolerance=60) == \
        count_near(pixels(image, message), negative, tolerance=60)
    assert dock.point_count.isVisible() and dock.point_count.text() == "4 added points"
    assert dock.rect().contains(rect_in(dock.load_button, dock))
