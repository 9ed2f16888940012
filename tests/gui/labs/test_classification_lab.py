"""The classification lab driven as a learner drives it: keys, typed values, clicks, buttons."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QFileDialog, QLineEdit

from engine.scenarios.presets import chapter10_spec
from engine.training.model import Model
from gui.labs.classification.lab import ClassificationLab, install_classification_lab
from gui.plots.decision_boundary import blend_class_colors
from gui.shell.main_window import MainWindow
from gui.widgets.cell_values import format_value

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")

EPOCH_100 = "epoch: 100, acc: 0.670, loss: 0.705, lr: 0.04999752512250644"


@pytest.fixture
def lab(qtbot) -> ClassificationLab:
    window = MainWindow(settings=None)
    qtbot.addWidget(window)
    lab = install_classification_lab(window, "spiral")
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return lab


def press(qtbot, lab: ClassificationLab, key: Qt.Key) -> None:
    qtbot.keyClick(lab.window, key)


def type_into(qtbot, box, text: str) -> None:
    """Click into a box, replace its text, press Enter, and give the keys back to the window."""
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), text)
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)
    box.clearFocus()


def click_plane(qtbot, lab: ClassificationLab, x: float, y: float,
                modifier=Qt.KeyboardModifier.NoModifier) -> None:
    plot = lab.boundary
    qtbot.mouseClick(plot.plot_widget.viewport(), Qt.MouseButton.LeftButton, modifier,
                     plot.data_to_viewport(x, y))


def run_until_paused(qtbot, lab: ClassificationLab, timeout: int = 8000) -> None:
    qtbot.waitUntil(lambda: not lab.controller.is_running(), timeout=timeout)


def test_space_runs_and_pauses_and_the_boundary_forms(qtbot, lab):
    image_before = np.array(lab.boundary.image.image)
    press(qtbot, lab, Qt.Key.Key_Space)
    assert lab.controls.run_button.text() == "Pause  (Space)"
    qtbot.waitUntil(lambda: lab.controller.stepper.iteration > 300, timeout=8000)
    press(qtbot, lab, Qt.Key.Key_Space)
    assert not lab.controller.is_running()
    assert lab.controls.run_button.text() == "Run  (Space)"
    done = lab.controller.stepper.iteration
    qtbot.wait(100)
    assert lab.controller.stepper.iteration == done
    image_after = np.array(lab.boundary.image.image)
    assert image_after.shape == (200, 200, 3)
    assert np.abs(image_after.astype(int) - image_before.astype(int)).max() > 30
    assert lab.view.status.text().startswith(f"epoch: {done}, acc: ")
    qtbot.waitUntil(lambda: lab.curves.readout.text().startswith(f"epoch {done - 1}"))


def test_101_iterations_print_the_books_epoch_100_line_in_the_log(qtbot, lab):
    press(qtbot, lab, Qt.Key.Key_Return)
    assert lab.log.lines() == ["epoch: 0, acc: 0.360, loss: 1.099, lr: 0.05"]
    type_into(qtbot, lab.network.max_epochs, "100")
    assert lab.controller.snapshot.iteration == 1  # Enter in a box commits, it does not train
    press(qtbot, lab, Qt.Key.Key_Space)
    run_until_paused(qtbot, lab)
    assert lab.controls.iteration_label.text().startswith("Iterations done: 101")
    assert lab.log.lines()[-1] == EPOCH_100


def test_hidden_neurons_typed_rebuild_the_network_from_the_same_seed(qtbot, lab):
    press(qtbot, lab, Qt.Key.Key_Return)
    type_into(qtbot, lab.network.layers[0].neurons, "16")
    snapshot = lab.controller.snapshot
    assert snapshot.iteration == 0
    assert snapshot.parameters["dense1.weights"].shape == (2, 16)
    spec = chapter10_spec()
    spec["hidden"][0]["neurons"] = 16
    fresh = Model(spec)
    for name, value in fresh.parameters().items():
        np.testing.assert_array_equal(snapshot.parameters[name], value)
    # The maps follow the boundary on the next turn of the event loop.
    qtbot.waitUntil(lambda: len(lab.neuron_maps.thumbnails) == 16)
    assert "Dense 2-16" in lab.window.windowTitle()


def test_a_learning_rate_typed_applies_without_a_reset(qtbot, lab):
    for _ in range(3):
        press(qtbot, lab, Qt.Key.Key_Return)
    weights = np.array(lab.controller.snapshot.parameters["dense1.weights"])
    type_into(qtbot, lab.network.optimizer_inputs["adam"]["learning_rate"], "0.02")
    assert lab.controller.model.optimizer.learning_rate == 0.02
    assert lab.controller.snapshot.iteration == 3
    assert lab.controls.iteration_label.text().startswith("Iterations done: 3")
    np.testing.assert_array_equal(lab.controller.snapshot.parameters["dense1.weights"], weights)


def test_a_click_adds_a_point_of_the_chosen_class_and_shift_click_removes_it(qtbot, lab):
    lab.data.add_class_box.setCurrentIndex(2)
    click_plane(qtbot, lab, 0.3, -0.4)
    info = lab.controller.snapshot.classification
    assert info.user_labels.tolist() == [2]
    assert info.user_points[0] == pytest.approx([0.3, -0.4], abs=0.03)
    assert len(lab.boundary.user_points.data) == 1
    assert lab.data.point_count.text() == "1 added point"
    click_plane(qtbot, lab, 0.3, -0.4, Qt.KeyboardModifier.ShiftModifier)
    assert len(lab.controller.snapshot.classification.user_points) == 0
    assert len(lab.boundary.user_points.data) == 0


def test_new_data_typed_in_the_data_panel_rebuilds_the_plane_and_its_points(qtbot, lab):
    lab.docks["data"].raise_()
    type_into(qtbot, lab.data.samples_box, "40")
    info = lab.controller.snapshot.classification
    assert info.points.shape == (120, 2) and lab.controller.snapshot.iteration == 0
    assert len(lab.boundary.training_points.data) == 120
    type_into(qtbot, lab.data.classes_box, "5")
    assert lab.controller.snapshot.classification.boundary.shape == (200, 200, 5)
    assert lab.data.add_class_box.count() == 5
    lab.data.dataset_box.setCurrentIndex(lab.data.dataset_box.findData("vertical"))
    assert lab.controller.snapshot.classification.spec["data"] == {
        "kind": "vertical", "samples": 40, "classes": 5}


def test_a_malformed_csv_names_its_line_and_keeps_the_data(qtbot, lab, tmp_path, monkeypatch):
    click_plane(qtbot, lab, 0.2, 0.2)
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y,class\n0.1,0.2,0\n0.5,0.5,7\n")
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda *args, **kwargs: (str(bad), "CSV files (*.csv)"))
    qtbot.mouseClick(lab.data.load_button, Qt.MouseButton.LeftButton)
    assert "line 3" in lab.data.message.text()
    assert "current data is kept" in lab.data.message.text()
    assert len(lab.controller.snapshot.classification.user_points) == 1


def test_a_divergence_pauses_naming_the_epoch_and_restore_goes_back(qtbot, lab):
    lab.network.layers[0].activation.setCurrentIndex(
        lab.network.layers[0].activation.findData("linear"))
    lab.network.optimizer_box.setCurrentIndex(lab.network.optimizer_box.findData("sgd"))
    type_into(qtbot, lab.network.optimizer_inputs["sgd"]["learning_rate"], "100")
    type_into(qtbot, lab.network.optimizer_inputs["sgd"]["momentum"], "0")
    type_into(qtbot, lab.network.optimizer_inputs["sgd"]["decay"], "0")
    press(qtbot, lab, Qt.Key.Key_Space)
    run_until_paused(qtbot, lab)
    notice = lab.controls.notice_label
    assert notice.isVisible() and "diverged at epoch" in notice.text()
    assert lab.controls.restore_button.isVisible()
    qtbot.mouseClick(lab.controls.restore_button, Qt.MouseButton.LeftButton)
    assert not lab.controls.restore_button.isVisible() and not notice.isVisible()
    parameters = lab.controller.snapshot.parameters
    assert all(np.isfinite(value).all() for value in parameters.values())
    assert "Restored the last good state" in lab.window.statusBar().currentMessage()


def test_the_epoch_budget_pauses_the_run_with_a_message(qtbot, lab):
    type_into(qtbot, lab.network.max_epochs, "40")
    press(qtbot, lab, Qt.Key.Key_Space)
    run_until_paused(qtbot, lab)
    assert lab.controller.snapshot.iteration == 41
    assert lab.window.statusBar().currentMessage() == "Stopped after epoch 40, the epoch budget"
    assert lab.log.lines()[-1].startswith("epoch: 0,")


def test_stepping_shows_the_book_line_and_the_inspector_shows_what_it_computed(qtbot, lab):
    press(qtbot, lab, Qt.Key.Key_Right)
    assert "dense1.forward(X)" in lab.controls.last_label.text()
    assert "activation1.forward(dense1.output)" in lab.controls.next_label.text()
    lab.docks["inspector"].raise_()
    lab.inspector.show_array("dense1.output")
    qtbot.waitUntil(lambda: lab.inspector.shown_name() == "dense1.output")
    output = lab.controller.snapshot.values["dense1.output"]
    assert float(lab.inspector.editor.array()[0, 5]) == pytest.approx(float(output[0, 5]))
    press(qtbot, lab, Qt.Key.Key_Left)
    assert lab.controller.snapshot.position == 0


def test_an_output_weight_typed_in_the_inspector_changes_the_model_and_undoes(qtbot, lab):
    lab.docks["inspector"].raise_()
    lab.inspector.show_array("dense2.weights")
    table = lab.inspector.editor.table
    row, column = 4, 1  # shown one row per input neuron: weights[4, 1]
    rect = table.visualRect(table.model().index(row, column))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert lab.controller.snapshot.chain_rule.target == "dl/d(dense2.weights[4, 1])"
    qtbot.waitUntil(lambda: "dense2.weights[4, 1]" in lab.chain_rule.text())
    qtbot.keyClick(table, "0")  # the first key opens the cell for typing
    line_edit = table.findChild(QLineEdit)
    qtbot.keyClicks(line_edit, ".75")
    qtbot.keyClick(line_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.State.EditingState)
    assert lab.controller.snapshot.parameters["dense2.weights"][4, 1] == np.float32(0.75)
    table.clearFocus()
    qtbot.keyClick(lab.window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert lab.controller.snapshot.parameters["dense2.weights"][4, 1] != np.float32(0.75)


def test_an_edit_draws_table_and_boundary_at_once_and_maps_and_chain_rule_right_after(
        qtbot, lab):
    lab.controller.select("dense1.weights", (0, 0))
    qtbot.waitUntil(lambda: lab.inspector.shown_name() == "dense1.weights")
    qtbot.wait(10)
    old_map = np.array(lab.neuron_maps.large_image.image)
    assert lab.neuron_maps.shown() == (0, 0)
    # What the table's edit signal calls; no event is processed until the asserts below.
    assert lab.controller.edit_value("dense1.weights", (0, 0), 0.5)
    info = lab.controller.snapshot.classification
    assert float(lab.inspector.editor.array()[0, 0]) == pytest.approx(0.5)
    np.testing.assert_array_equal(lab.boundary.image.image, blend_class_colors(info.boundary))
    np.testing.assert_array_equal(lab.neuron_maps.large_image.image, old_map)  # not yet
    new_map = info.hidden_maps[0][:, :, 0].astype(np.float32)
    assert not np.array_equal(new_map, old_map)
    qtbot.waitUntil(lambda: np.array_equal(lab.neuron_maps.large_image.image, new_map))
    rule = lab.controller.snapshot.chain_rule
    assert rule.target == "dl/d(dense1.weights[0, 0])"
    assert f"= {format_value(rule.product, 6)} (backpropagation)" in lab.chain_rule.text()
    # Undo: every view ends up at the old weight again.
    qtbot.keyClick(lab.window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: np.array_equal(lab.neuron_maps.large_image.image, old_map))
    assert float(lab.inspector.editor.array()[0, 0]) != pytest.approx(0.5)


def test_maps_behind_the_inspector_tab_are_drawn_when_brought_to_the_front(qtbot, lab):
    qtbot.wait(10)
    old_map = np.array(lab.neuron_maps.large_image.image)
    lab.docks["inspector"].raise_()  # the maps' tab partner: the maps go behind it
    assert lab.controller.edit_value("dense1.weights", (0, 0), 0.5)
    qtbot.wait(20)
    np.testing.assert_array_equal(lab.neuron_maps.large_image.image, old_map)  # for nobody
    lab.docks["neuron_maps"].raise_()
    new_map = lab.controller.snapshot.classification.hidden_maps[0][:, :, 0]
    np.testing.assert_array_equal(lab.neuron_maps.large_image.image, new_map.astype(np.float32))


@pytest.fixture
def switching_window(qtbot, monkeypatch):
    """The app's window with both labs available, opened on the single neuron."""
    from gui.shell import app

    monkeypatch.setitem(app.LAB_INSTALLERS, "classification", install_classification_lab)
    window = app.build_window("neuron")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def visible_panels(window) -> set[str]:
    return {dock.windowTitle() for dock in window.docks() if dock.isVisible()}


def panel_entries(window) -> list[str]:
    menu = window.menu("View").actions()[0].menu()
    return [action.text() for action in menu.actions() if action.isVisible()]


def test_switching_between_a_hand_and_a_classification_scenario_swaps_the_whole_lab(
        qtbot, switching_window):
    window = switching_window
    diagram = window.centralWidget()
    hand_panels = visible_panels(window)
    hand_entries = sorted(panel_entries(window))  # the panels in front and those on demand
    scenario_titles = [a.text() for a in window.menu("Scenario").actions()]
    assert scenario_titles == ["Single neuron", "Layer of 3 neurons",
                               "Spiral (book chapter 10, Adam)", "Vertical",
                               "Binary logistic regression (book chapter 16)",
                               "Sine regression (book chapter 17)"]
    window.menu("Scenario").actions()[2].trigger()
    lab = next(child for child in window.children() if isinstance(child, ClassificationLab))
    assert window.centralWidget() is lab.view
    assert visible_panels(window) == {dock.windowTitle() for key, dock in lab.docks.items()
                                      if key not in lab.on_demand}
    assert sorted(panel_entries(window)) == sorted(dock.windowTitle()
                                                   for dock in lab.docks.values())
    qtbot.keyClick(window, Qt.Key.Key_Space)  # only the classification lab hears it
    assert lab.controller.is_running()
    window.scenario_requested.emit("layer")
    assert not lab.controller.is_running()
    assert window.centralWidget() is diagram and diagram.isVisible()
    assert visible_panels(window) == hand_panels
    assert sorted(panel_entries(window)) == hand_entries
    assert set(hand_entries) > hand_panels  # the loss landscape, on demand
    assert window.windowTitle().startswith("Layer of 3 neurons")
    window.scenario_requested.emit("vertical")
    assert window.centralWidget() is lab.view
    assert lab.controller.snapshot.title == "Vertical"
    assert len(window.docks()) == len(hand_entries) + len(lab.docks)  # none added twice
    assert [a.text() for a in window.menu("Scenario").actions()] == scenario_titles
