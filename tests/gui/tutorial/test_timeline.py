"""The timeline: dragging back shows the lab as it was; Resume trains on from there exactly."""

import numpy as np
import pytest

from gui.labs.classification.lab import install_classification_lab
from gui.shell import app
from gui.tutorial import timeline
from gui.tutorial.session_actions import SessionActions
from gui.tutorial.timeline import Keyframes, Timeline


@pytest.fixture(autouse=True)
def both_labs(monkeypatch):
    monkeypatch.setitem(app.LAB_INSTALLERS, "classification", install_classification_lab)


def open_window(qtbot, scenario):
    window = app.build_window(scenario)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def parts(window):
    controller = window.findChild(SessionActions).active_lab().controller
    return controller, window.findChild(Timeline)


def drag(bar, value: int) -> None:
    """Move the slider as a drag does (valueChanged while the learner holds it)."""
    bar.slider.setValue(value)


def test_drag_back_shows_the_past_and_resume_trains_on_exactly(qtbot, monkeypatch):
    window = open_window(qtbot, "spiral")
    controller, line = parts(window)
    for _ in range(5):
        controller.run_iterations(10)  # as a run's frames arrive: 10 epochs apart
    recorded = list(controller.stepper.losses)
    latest_weights = controller.trainable.parameters()["dense1.weights"].copy()
    bar = line.bar
    assert (bar.slider.minimum(), bar.slider.maximum(), bar.slider.value()) == (0, 50, 50)

    drag(bar, 23)  # between two keyframes: computed again from epoch 20's
    lab = window.findChild(SessionActions).active_lab()
    assert controller.snapshot.iteration == 23
    assert controller.snapshot.current_loss == recorded[22]
    assert lab.controls.iteration_label.text().startswith("Iterations done: 23")
    assert "Showing epoch 23 of 50" in lab.controls.notice_label.text()
    assert bar.reading.text() == "epoch 23 of 50 (the past)" and bar.resume_button.isEnabled()
    controller.run_iterations(1)  # training is refused while the past is shown
    assert controller.stepper.iteration == 23

    drag(bar, 20)
    assert controller.snapshot.current_loss == recorded[19]
    drag(bar, 50)  # the end: back to the latest
    assert not controller.viewing_past and controller.stepper.iteration == 50
    assert np.array_equal(controller.trainable.parameters()["dense1.weights"], latest_weights)

    drag(bar, 20)
    asked = []
    monkeypatch.setattr(timeline, "confirm_resume",
                        lambda parent, shown, latest, word: asked.append((shown, latest)) or True)
    bar.resume_button.click()
    assert asked == [(20, 50)]
    assert not controller.viewing_past
    assert lab.controls.iteration_label.text().startswith("Iterations done: 20")
    controller.run_iterations(1)

    fresh = open_window(qtbot, "spiral")
    fresh_controller, _ = parts(fresh)
    fresh_controller.run_iterations(21)
    assert controller.stepper.losses.tolist() == fresh_controller.stepper.losses.tolist()
    for name, values in fresh_controller.trainable.parameters().items():
        assert controller.trainable.parameters()[name].tobytes() == values.tobytes()
    assert (bar.slider.maximum(), bar.slider.value()) == (21, 21)


def test_cancelled_resume_keeps_the_history_and_reset_returns_to_the_start(
        qtbot, monkeypatch):
    window = open_window(qtbot, "neuron")
    controller, line = parts(window)
    start = {name: value.copy() for name, value in controller.trainable.parameters().items()}
    for _ in range(30):
        controller.run_iterations(1)
    drag(line.bar, 12)
    monkeypatch.setattr(timeline, "confirm_resume", lambda *args: False)
    line.bar.resume_button.click()
    assert controller.viewing_past and controller.stepper.iteration == 12
    controller.reset()
    assert not controller.viewing_past and controller.stepper.iteration == 0
    for name, value in controller.trainable.parameters().items():
        assert np.array_equal(value, start[name])
    assert line.bar.slider.maximum() == 0 and not line.bar.slider.isEnabled()


def test_keyframes_are_thinned_but_keep_the_first_the_latest_and_the_anchors():
    frames = Keyframes(max_count=100)
    for iteration in range(5000):
        frames.add(iteration, {"w": np.zeros(3)}, anchor=iteration == 777)
    assert len(frames.frames) <= 100
    assert {0, 777, 4999} <= set(frames.frames)
    assert frames.before(4998)[0] < 4999
    frames.add(10, {"w": np.ones(3)}, anchor=False)  # stepped back: the future goes
    assert max(frames.frames) == 10


def test_saving_while_the_past_is_shown_saves_the_latest(qtbot, tmp_path):
    window = open_window(qtbot, "spiral")
    controller, line = parts(window)
    controller.run_iterations(30)
    latest = controller.capture_session()
    drag(line.bar, 10)
    assert controller.capture_session() == latest


def test_the_bar_appears_with_the_first_lab_not_on_the_start_page(qtbot):
    window = open_window(qtbot, None)
    bar = window.findChild(Timeline).bar
    assert not bar.isVisible()
    window.scenario_requested.emit("neuron")
    assert bar.isVisible()


def test_compare_from_here_forks_the_past_iteration_which_catches_up_as_that_setting(qtbot):
    import copy

    from engine.training.fork import capture_start, fork_stepper

    window = open_window(qtbot, "spiral")
    controller, line = parts(window)
    bar = line.bar
    for _ in range(4):
        controller.run_iterations(10)
    assert not bar.compare_button.isEnabled()  # at the latest: Run > Compare runs does that
    drag(bar, 20)
    start = capture_start(controller.stepper)
    assert bar.compare_button.isEnabled()
    bar.compare_button.click()
    assert not controller.viewing_past and controller.stepper.iteration == 40
    part = controller.comparison
    fork = part.comparison.run("vermillion")
    assert (fork.forked_at, fork.iteration) == (20, 20)
    part.set_settings("vermillion", {"learning_rate": 0.01})
    part.comparison.run_iterations(20)  # the fork catches up while the main run waits
    assert [run.iteration for run in part.comparison.runs] == [40, 40]
    spec = copy.deepcopy(start.spec)
    spec["optimizer"]["learning_rate"] = 0.01
    alone = fork_stepper(start, spec)  # "what if I had lowered it at epoch 20?"
    alone.run_iterations(20)
    for name, values in alone.trainable.parameters().items():
        assert fork.model.parameters()[name].tobytes() == values.tobytes()
    lab = window.findChild(SessionActions).active_lab()
    assert lab.docks["compare"].isVisible()
