"""A lesson in the window, as a learner follows it: Help > Lessons, the caption and "step n of
m", Next and Back (buttons and PageDown/PageUp), tasks done by what their hints say, highlights
drawn on the window, a step that points at nothing, autoplay."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from engine.files.lesson_library import load_builtin
from engine.files.lesson_player import LessonPlayer
from gui.tutorial import lessons as lessons_module
from tests.gui.tutorial.lesson_helpers import (
    lessons_of,
    open_window,
    press,
    short_lesson,
    type_into,
    wait_shown,
)


def help_lessons_entry(window, title):
    """The entry of Help > Lessons whose text names `title`."""
    help_menu = window.menu("Help")
    lessons = next(a.menu() for a in help_menu.actions() if a.text() == "&Lessons")
    return next(a for a in lessons.actions() if title in a.text())


def test_a_learner_finishes_lesson_one_from_help_lessons(qtbot):
    window = open_window(qtbot)
    help_lessons_entry(window, "The single neuron").trigger()
    lessons = lessons_of(window)
    tour, panel = lessons.tour, lessons.panel
    assert lessons.dock.isVisible()
    lesson = load_builtin("neuron")
    for number in range(len(lesson.steps)):
        wait_shown(qtbot, tour, number)
        assert panel.counter.text().startswith(f"Step {number + 1} of {len(lesson.steps)}")
        assert panel.caption.text() == tour.played.caption_html()
        assert tour.warnings == []
        lab = window.active_lab()
        if lesson.steps[number].task is not None:
            assert panel.task_box.isVisible()
            assert "Not yet" in panel.task_state.text()
            qtbot.mouseClick(panel.hint_button, Qt.MouseButton.LeftButton)
            assert panel.hint.isVisible()
            do_what_the_hint_says(qtbot, lab, panel.hint.text())
            qtbot.waitUntil(lambda: "Done" in panel.task_state.text(), timeout=5_000)
        qtbot.mouseClick(panel.next_button, Qt.MouseButton.LeftButton)
    assert "Lesson finished" in window.statusBar().currentMessage()
    # The last step ran the notebook's 200 iterations.
    assert window.active_lab().controller.stepper.iteration == 200


def do_what_the_hint_says(qtbot, lab, hint):
    """The single neuron's two tasks, typed as their hints say."""
    if "set x0 to -1.0" in hint:
        type_into(qtbot, lab.parameters.editors["inputs"], (0, 0), "-1.0")
    elif "bias to -4.5" in hint:
        type_into(qtbot, lab.parameters.editors["bias"], (0, 0), "-4.5")
    else:
        raise AssertionError(f"a hint this test does not know: {hint}")


def test_the_window_reaches_the_engines_numbers_at_every_step(qtbot):
    """Each step's actions, done through the controller, end where the engine's player ends."""
    window = open_window(qtbot)
    lessons = lessons_of(window)
    lessons.open_builtin("layer")
    tour = lessons.tour
    player = LessonPlayer(load_builtin("layer"))
    for number in range(tour.count):
        wait_shown(qtbot, tour, number)
        controller = window.active_lab().controller
        expected = player.play(number).session.build_stepper()
        assert (controller.stepper.iteration, controller.stepper.position) == \
            (expected.iteration, expected.position)
        for name, value in expected.trainable.parameters().items():
            assert np.asarray(controller.trainable.parameters()[name]).tobytes() == \
                np.asarray(value).tobytes()
        tour.next()


def test_pagedown_moves_a_step_and_pageup_goes_back(qtbot, tmp_path):
    window = open_window(qtbot)
    lessons = lessons_of(window)
    assert lessons.open_file(short_lesson(tmp_path))
    tour = lessons.tour
    wait_shown(qtbot, tour, 0)
    press(qtbot, window, Qt.Key.Key_PageDown)
    wait_shown(qtbot, tour, 1)
    assert lessons.panel.counter.text() == "Step 2 of 3: Two operations"
    assert window.active_lab().controller.stepper.position == 2
    press(qtbot, window, Qt.Key.Key_PageUp)
    wait_shown(qtbot, tour, 0)
    assert window.active_lab().controller.stepper.position == 0


def test_highlights_are_drawn_on_the_window_where_their_widgets_are(qtbot, tmp_path):
    window = open_window(qtbot)
    lessons = lessons_of(window)
    lessons.open_file(short_lesson(tmp_path))
    tour = lessons.tour
    wait_shown(qtbot, tour, 0)
    qtbot.waitUntil(lambda: lessons.overlay.opacity == 1.0)
    (spot,) = tour.spots()
    editor = window.active_lab().parameters.editors["weights"]
    cell = editor.cell_rect((0,)).translated(editor.mapTo(window, editor.rect().topLeft()))
    assert spot.rect.toAlignedRect() == cell
    image = window.grab().toImage()
    ring = spot.rect.adjusted(-2, -2, 2, 2).toAlignedRect()
    top_middle = image.pixelColor(ring.center().x(), ring.top())
    assert (top_middle.red(), top_middle.green()) > (200, 130)  # the orange ring
    assert top_middle.blue() < 90


def test_a_highlight_of_a_missing_cell_warns_and_the_lesson_goes_on(qtbot, tmp_path):
    steps = [{"caption": "A cell that is not there.", "start": {"scenario": "neuron"},
              "highlight": [{"cell": "weights[7]"}, {"panel": "chain_rule"}], "hold": 1},
             {"caption": "And on.", "actions": [{"do": "step"}], "hold": 1}]
    window = open_window(qtbot)
    lessons = lessons_of(window)
    lessons.open_file(short_lesson(tmp_path, steps))
    tour, panel = lessons.tour, lessons.panel
    wait_shown(qtbot, tour, 0)
    assert any("weights[7]" in warning for warning in tour.warnings)
    assert panel.warning.isVisible() and "weights[7]" in panel.warning.text()
    assert "weights[7]" in window.statusBar().currentMessage()
    assert len(tour.spots()) == 1  # the chain rule panel is still pointed at
    qtbot.mouseClick(panel.next_button, Qt.MouseButton.LeftButton)
    wait_shown(qtbot, tour, 1)
    assert window.active_lab().controller.stepper.position == 1


def test_show_me_does_the_task_and_restart_drops_the_learners_changes(qtbot):
    window = open_window(qtbot)
    lessons = lessons_of(window)
    lessons.open_builtin("neuron", number=9)  # dl/dw0, all together: make it negative
    tour, panel = lessons.tour, lessons.panel
    wait_shown(qtbot, tour, 9)
    lab = window.active_lab()
    type_into(qtbot, lab.parameters.editors["weights"], (0, 1), "5")
    qtbot.waitUntil(lambda: "does not allow changing weights[1]" in panel.task_state.text())
    qtbot.mouseClick(panel.restart_button, Qt.MouseButton.LeftButton)
    assert float(lab.controller.trainable.parameters()["weights"][1]) == -1.0
    qtbot.mouseClick(panel.show_me_button, Qt.MouseButton.LeftButton)
    wait_shown(qtbot, tour, 9)
    qtbot.waitUntil(lambda: "Done" in panel.task_state.text(), timeout=5_000)
    assert float(lab.controller.trainable.parameters()["inputs"][0]) == -1.0


def test_autoplay_moves_on_by_itself_and_stops_at_the_end(qtbot, tmp_path):
    window = open_window(qtbot)
    lessons = lessons_of(window)
    lessons.open_file(short_lesson(tmp_path))
    panel, tour = lessons.panel, lessons.tour
    panel.pace_box.setCurrentText("2 ×")
    qtbot.mouseClick(panel.autoplay_box, Qt.MouseButton.LeftButton)
    for number in range(3):
        wait_shown(qtbot, tour, number)
    qtbot.waitUntil(lambda: not panel.autoplay_box.isChecked(), timeout=20_000)
    assert window.active_lab().controller.stepper.iteration == 50


def test_waiting_for_next_shows_the_caption_before_the_actions(qtbot, tmp_path):
    window = open_window(qtbot)
    lessons = lessons_of(window)
    panel, tour = lessons.panel, lessons.tour
    lessons.open_file(short_lesson(tmp_path))
    wait_shown(qtbot, tour, 0)
    qtbot.mouseClick(panel.wait_box, Qt.MouseButton.LeftButton)
    press(qtbot, window, Qt.Key.Key_PageDown)
    qtbot.waitUntil(lambda: tour.number == 1 and tour.phase == "caption")
    qtbot.wait(600)
    assert tour.phase == "caption" and window.active_lab().controller.stepper.position == 0
    assert panel.counter.text() == "Step 2 of 3: Two operations"
    press(qtbot, window, Qt.Key.Key_PageDown)
    wait_shown(qtbot, tour, 1)
    assert window.active_lab().controller.stepper.position == 2


def test_a_malformed_lesson_file_is_refused_naming_step_and_field(qtbot, tmp_path, monkeypatch):
    told = []
    monkeypatch.setattr(lessons_module, "show_problem", lambda _parent, text: told.append(text))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: pytest.fail("a real message box"))
    bad = [{"caption": "x", "start": {"scenario": "neuron"}},
           {"caption": "y", "actions": [{"do": "step", "count": "many"}]}]
    window = open_window(qtbot)
    assert not lessons_of(window).open_file(short_lesson(tmp_path, bad))
    assert "step 2, actions[0].count" in told[0]
    assert lessons_of(window).dock is None  # nothing opened


def test_the_caption_strip_follows_the_panels_choice(qtbot, tmp_path):
    window = open_window(qtbot)
    lessons = lessons_of(window)
    lessons.open_file(short_lesson(tmp_path))
    wait_shown(qtbot, lessons.tour, 0)
    assert not lessons.strip.isVisible()
    qtbot.mouseClick(lessons.panel.strip_box, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: lessons.strip.opacity == 1.0)
    assert "w0 = -3.0" in lessons.strip.html
    strip = lessons.strip.strip_rect()
    assert strip.bottom() <= window.statusBar().geometry().top()
