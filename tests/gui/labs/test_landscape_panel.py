"""The loss landscape panel in both labs, driven as a learner drives it: the dock brought to
the front, axes chosen, a weight typed, the race ticked, Compute pressed; the grid is the
engine's own loss."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from engine.training.landscape import hand_landscape
from gui.labs.classification.lab import install_classification_lab
from gui.labs.hand.lab import install_hand_lab
from gui.shell.main_window import MainWindow
from tests.gui.labs.test_hand_lab import type_into as type_into_cell

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


def open_window(qtbot, install, scenario: str):
    window = MainWindow(settings=None)
    qtbot.addWidget(window)
    lab = install(window, scenario)
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    lab.docks["landscape"].show()  # View > Panels > Loss landscape
    lab.docks["landscape"].raise_()
    return lab


def finished(lab, version: int | None = None) -> bool:
    view = lab.landscape.view
    return view is not None and view.progress == 1 and view.losses is not None \
        and not lab.controller.landscape.busy \
        and (version is None or lab.controller.landscape._computed_version == version)


def test_the_hand_landscape_is_the_examples_loss_and_follows_a_typed_weight(qtbot):
    lab = open_window(qtbot, install_hand_lab, "neuron")
    panel = lab.landscape
    qtbot.waitUntil(lambda: finished(lab))
    view = panel.view
    assert view.chosen == ("weights[0]", "bias") and view.losses.shape == (41, 41)
    engine = hand_landscape(lab.controller.trainable, ("weights", (0,)), ("bias", ()),
                            paths={"path": lab.controller.landscape._recorder}).run()
    np.testing.assert_array_equal(view.losses, engine.losses)
    np.testing.assert_array_equal(view.descent, engine.descent)
    assert panel.image.image is not None and panel.arrow.isVisible()
    type_into_cell(qtbot, lab, "weights", (0, 0), "0.5")
    qtbot.waitUntil(lambda: finished(lab, lab.controller.version)
                    and panel.view.current[0] == pytest.approx(0.5))
    assert panel.current.getData()[0][0] == pytest.approx(0.5)


def test_bad_axes_are_said_and_the_race_starts_from_the_current_point(qtbot):
    lab = open_window(qtbot, install_hand_lab, "neuron")
    panel = lab.landscape
    qtbot.waitUntil(lambda: finished(lab))
    panel.second.setCurrentIndex(panel.second.findText("weights[0]"))
    assert panel.message.text().startswith("Choose again: both axes are weights[0]")
    assert panel.view.losses is None
    panel.second.setCurrentIndex(panel.second.findText("inputs[1]"))
    assert "'inputs' is fixed, not trained" in panel.message.text()
    panel.second.setCurrentIndex(panel.second.findText("weights[2]"))
    qtbot.mouseClick(panel.race_box, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: finished(lab) and len(panel.view.race) == 4)
    start = panel.view.current
    for name, points in panel.view.race.items():
        np.testing.assert_array_equal(points[0], start)
        xs, ys = panel.racers[name].getData()
        assert len(xs) == len(points) > 1
        assert panel.view.xs[0] <= points[:, 0].min() and points[:, 0].max() <= panel.view.xs[-1]


def test_the_classifier_plane_is_computed_off_the_gui_thread_with_the_path_through_now(qtbot):
    lab = open_window(qtbot, install_classification_lab, "spiral")
    panel = lab.landscape
    lab.controller.run_iterations(30)
    qtbot.keyClick(lab.window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: lab.controller.stepper.iteration > 60, timeout=20000)
    qtbot.keyClick(lab.window, Qt.Key.Key_Space)
    assert panel.compute_button.isVisible() and not panel.first.isVisible()
    progress = []
    lab.controller.landscape.landscape_changed.connect(lambda view: progress.append(
        view.progress))
    qtbot.mouseClick(panel.compute_button, Qt.MouseButton.LeftButton)
    assert lab.controller.landscape.busy  # the click returned before the grid was done
    qtbot.waitUntil(lambda: finished(lab), timeout=20000)
    assert any(0 < share < 1 for share in progress)
    view = panel.view
    assert view.losses.shape == (41, 41) and np.isfinite(view.losses).all()
    model = lab.controller.model
    assert view.losses[20, 20] == pytest.approx(model.training_metrics()["loss"], rel=1e-5)
    points = view.paths["path"][1]
    assert len(points) >= 2
    np.testing.assert_allclose(points[-1], (0.0, 0.0), atol=1e-9)  # the path ends at now
    assert panel.paths["path"].getData()[0] is not None


def test_axes_refused_while_the_race_runs_leave_no_race_behind(qtbot):
    lab = open_window(qtbot, install_hand_lab, "neuron")
    panel = lab.landscape
    qtbot.waitUntil(lambda: finished(lab))
    qtbot.mouseClick(panel.race_box, Qt.MouseButton.LeftButton)
    panel.second.setCurrentIndex(panel.second.findText("weights[0]"))  # before it finishes
    qtbot.waitUntil(lambda: not lab.controller.landscape.busy)
    qtbot.wait(50)
    assert panel.view.race == {} and panel.view.losses is None
    assert panel.message.text().startswith("Choose again")
