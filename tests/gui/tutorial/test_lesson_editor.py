"""Tools > Lesson editor as a teacher uses it: three steps made from the window, captions typed,
a highlight added, steps reordered and one deleted, the lesson saved, opened again and played."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog

from engine.files.lesson import load_lesson
from tests.gui.tutorial.lesson_helpers import lessons_of, open_window, press, wait_shown


def tools_entry(window, text):
    return next(a for a in window.menu("Tools").actions() if a.text() == text)


def type_caption(qtbot, editor, text):
    editor.caption.setFocus()
    editor.caption.selectAll()
    qtbot.keyClicks(editor.caption, text)


def test_a_teacher_builds_a_three_step_lesson_saves_and_reopens_it(qtbot, tmp_path,
                                                                    monkeypatch):
    window = open_window(qtbot, "neuron")
    tools_entry(window, "&Lesson editor…").trigger()
    editor = lessons_of(window).editor
    assert editor.isVisible()
    controller = window.active_lab().controller
    qtbot.keyClicks(editor.title, " about w0")
    # Step 1: the neuron as it starts, w0 selected (the window's selection is the highlight).
    controller.select("weights", (0,))
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    type_caption(qtbot, editor, "This is **w0 = {{ value weights[0] }}**.")
    # Step 2: two operations later, with the chain rule's product pointed at as well.
    window.activateWindow()
    press(qtbot, window, Qt.Key.Key_Right)
    press(qtbot, window, Qt.Key.Key_Right)
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    type_caption(qtbot, editor, "Two operations in: a = {{ value output }}.")
    editor.highlight_choice.setCurrentText("chain rule: product")
    qtbot.mouseClick(editor.add_highlight, Qt.MouseButton.LeftButton)
    # Step 3: after a whole iteration; then it goes before step 2, and a fourth is deleted.
    controller.finish_iteration()
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    type_caption(qtbot, editor, "After an iteration the loss is {{ loss }}.")
    qtbot.mouseClick(editor.up_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(editor.delete_button, Qt.MouseButton.LeftButton)
    assert editor.steps.count() == 3
    path = tmp_path / "w0.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert "Saved w0.json" in editor.message.text()

    lesson = load_lesson(path)
    assert lesson.title == "A new lesson about w0"
    captions = [step.caption.source for step in lesson.steps]
    assert captions == ["This is **w0 = {{ value weights[0] }}**.",
                        "After an iteration the loss is {{ loss }}.",
                        "Two operations in: a = {{ value output }}."]
    assert [str(h) for h in lesson.steps[0].highlights] == ["cell weights[0]"]
    assert [str(h) for h in lesson.steps[2].highlights] == ["cell weights[0]",
                                                           "chain_rule product"]
    assert [step.start.session.stepper["position"] for step in lesson.steps] == [0, 0, 2]

    fresh = open_window(qtbot)
    tools_entry(fresh, "&Lesson editor…").trigger()
    reopened = lessons_of(fresh).editor
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    qtbot.mouseClick(reopened.open_button, Qt.MouseButton.LeftButton)
    assert reopened.steps.count() == 3
    assert reopened.caption.toPlainText() == captions[0]
    reopened.steps.setCurrentRow(2)
    qtbot.mouseClick(reopened.preview_button, Qt.MouseButton.LeftButton)
    tour = lessons_of(fresh).tour
    wait_shown(qtbot, tour, 2)
    assert tour.played.caption_text() == "Two operations in: a = 6.0."
    assert fresh.active_lab().controller.stepper.position == 2
    assert QApplication.activeModalWidget() is None


def test_a_caption_with_a_mistake_is_not_saved_and_says_where(qtbot, tmp_path, monkeypatch):
    window = open_window(qtbot, "neuron")
    editor = lessons_of(window).open_editor()
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    type_caption(qtbot, editor, "The loss is {{ los }}.")
    path = tmp_path / "bad.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert "step 1, caption" in editor.message.text()
    assert not path.exists()


def test_file_open_lesson_starts_where_the_last_lesson_was_saved_and_plays_it(
        qtbot, tmp_path, monkeypatch):
    window = open_window(qtbot, "neuron")
    editor = lessons_of(window).open_editor()
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    type_caption(qtbot, editor, "The loss is {{ loss }}.")
    path = tmp_path / "lessons" / "one.json"
    path.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    editor.close()
    started = []

    def answer(_parent, _caption, start, _filters):
        started.append(start)
        return str(path), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(answer))
    window.activateWindow()
    press(qtbot, window, Qt.Key.Key_N,
          Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert started == [str(path.parent)]
    wait_shown(qtbot, lessons_of(window).tour, 0)
    assert lessons_of(window).tour.played.caption_text().startswith("The loss is ")
