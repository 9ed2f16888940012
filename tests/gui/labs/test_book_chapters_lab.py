"""The book's chapters 16 and 17 in the window, driven as a learner drives them: the binary
classifier's boundary with its 0.5 contour and confusion matrices, the sine regression's plot,
the output/loss pairs the network panel offers, the hand tools, and the brush."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from engine.scenarios.presets import SCENARIOS
from gui.labs.classification.lab import ClassificationLab, install_classification_lab
from gui.plots.probability_contour import contour_segments
from gui.shell.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")

CH16_EPOCH_100 = ("epoch: 100, acc: 0.630, loss: 0.674 (data_loss: 0.673, reg_loss: 0.001), "
                  "lr: 0.0009999505024501287")
CH17_EPOCH_100 = ("epoch: 100, acc: 0.017, loss: 0.048 (data_loss: 0.048, reg_loss: 0.000), "
                  "lr: 0.004549590536851684")


def open_lab(qtbot, scenario: str) -> ClassificationLab:
    window = MainWindow(settings=None)
    qtbot.addWidget(window)
    lab = install_classification_lab(window, scenario)
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return lab


def type_into(qtbot, box, text: str) -> None:
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), text)
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)
    box.clearFocus()


def run_to(qtbot, lab: ClassificationLab, epoch: int) -> None:
    """Stop after `epoch` (its book line printed), Run (Space) until it pauses there."""
    type_into(qtbot, lab.network.max_epochs, str(epoch))
    qtbot.keyClick(lab.window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not lab.controller.is_running(), timeout=60000)
    assert lab.controller.stepper.iteration == epoch + 1


def choose(combo, label: str) -> None:
    index = combo.findText(label)
    assert index >= 0, label
    combo.setCurrentIndex(index)


def test_binary_trains_to_the_books_chapter_16_line_with_the_contour_on_the_plane(qtbot):
    lab = open_lab(qtbot, "binary")
    assert lab.network.loss_box.currentText() == "Sigmoid + binary cross-entropy"
    assert [lab.network.loss_box.itemText(i) for i in range(lab.network.loss_box.count())] == \
        ["Softmax + categorical cross-entropy", "Sigmoid + binary cross-entropy"]
    assert lab.boundary.isVisible() and not lab.outputs.regression.isVisible()
    run_to(qtbot, lab, 100)
    qtbot.waitUntil(lambda: CH16_EPOCH_100 in lab.log.lines())
    info = lab.controller.snapshot.classification
    assert info.boundary.shape == (200, 200, 2)
    assert np.allclose(info.boundary.sum(axis=2), 1)
    # The line drawn is the 0.5 contour of the sigmoid's probability, placed on the plane.
    segments = lab.outputs.contour.segments
    assert len(segments) > 50 and len(segments) % 2 == 0  # pairs of end points
    model = lab.controller.model
    for x, y in segments[::len(segments) // 20]:
        probability = model.predict_grid(np.array([x]), np.array([y]))[0, 0, 1]
        assert abs(probability - 0.5) < 0.02, (x, y, probability)
    assert lab.outputs.contour.curve.isVisible()


def test_contour_segments_cut_each_crossed_cell_where_the_level_lies():
    probability = np.array([[0.0, 0.0, 1.0], [0.0, 1.0, 1.0], [0.0, 0.0, 0.0]])
    segments = contour_segments(probability).tolist()
    assert segments[:2] == [[1.0, 0.5], [0.5, 1.0]]  # cell (0, 0): right edge, top edge
    assert len(segments) == 8
    assert contour_segments(np.full((4, 4), 0.7)).shape == (0, 2)
    assert contour_segments(np.full((4, 4), np.nan)).shape == (0, 2)


def test_the_confusion_matrix_counts_what_the_book_counts_and_rings_a_cells_points(qtbot):
    lab = open_lab(qtbot, "binary")
    run_to(qtbot, lab, 39)
    lab.docks["confusion"].raise_()
    qtbot.waitUntil(lambda: lab.outputs.confusion.tables["training"].item(0, 0) is not None)
    model = lab.controller.model
    probes = model._probes()
    probes.forward(model.X, training=False)
    predicted = (probes.predicted()[:, 0] > 0.5) * 1
    table = lab.outputs.confusion.tables["training"]
    counts = [[int(table.item(i, j).text()) for j in range(2)] for i in range(2)]
    expected = [[int(np.sum((model.labels == i) & (predicted == j))) for j in range(2)]
                for i in range(2)]
    assert counts == expected and sum(map(sum, counts)) == 200
    right = expected[0][0] + expected[1][1]
    assert lab.outputs.confusion.accuracy["training"].text().startswith(f"{right} of 200")
    # Clicking the cell "true 1, predicted 0" rings exactly those points on the plane.
    rect = table.visualRect(table.model().index(1, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    ringed = lab.outputs.highlight.getData()
    wanted = model.X[(model.labels == 1) & (predicted == 0)]
    assert np.allclose(np.column_stack(ringed), wanted)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert len(lab.outputs.highlight.getData()[0]) == 0  # a second click clears the pick


def test_softmax_for_the_binary_data_rebuilds_from_the_same_seed(qtbot):
    lab = open_lab(qtbot, "binary")
    lab.controller.run_iterations(5)
    choose(lab.network.loss_box, "Softmax + categorical cross-entropy")
    model = lab.controller.model
    assert lab.controller.stepper.iteration == 0
    assert model.spec["loss"] == "categorical_crossentropy"
    assert model.dense[-1].weights.shape == (64, 2)
    assert lab.controller.snapshot.values["dense1.weights"].tobytes() == \
        SCENARIOS["binary"].build().dense[0].weights.tobytes()
    assert lab.network.loss_box.toolTip().startswith("One neuron per class, Softmax")
    choose(lab.network.loss_box, "Sigmoid + binary cross-entropy")
    assert lab.controller.model.dense[-1].weights.shape == (64, 1)
    # The box's tooltip follows the choice; each choice in the list carries its own note.
    assert lab.network.loss_box.toolTip().startswith("Sigmoid: one output for 2 classes")
    assert lab.network.loss_box.itemData(0, Qt.ItemDataRole.ToolTipRole).endswith("(chapter 10)")


def test_sine_plots_the_data_and_the_prediction_and_trains_to_the_books_line(qtbot):
    lab = open_lab(qtbot, "sine")
    assert lab.outputs.regression.isVisible() and not lab.boundary.isVisible()
    assert [lab.network.loss_box.itemText(i) for i in range(lab.network.loss_box.count())] == \
        ["Linear + mean squared error", "Linear + mean absolute error"]
    assert lab.curves.accuracy_plot.titleLabel.item.toPlainText() == \
        "accuracy (|prediction - y| < std(y) / 250)"
    plot = lab.outputs.regression
    xs, ys = plot.data_points.getData()
    assert len(xs) == 1000 and ys[250] == pytest.approx(1.0)  # sin(2 pi 0.25)
    before = plot.prediction.getData()[1].copy()
    run_to(qtbot, lab, 100)
    qtbot.waitUntil(lambda: CH17_EPOCH_100 in lab.log.lines())
    curve_x, curve_y = plot.prediction.getData()
    assert np.allclose(curve_y, lab.controller.model.predict_line(curve_x))
    assert np.abs(curve_y - before).max() > 0.3  # it has learned the sine's shape
    assert lab.outputs.confusion.note.text().startswith("A regression predicts values")
    assert "along x" in lab.neuron_maps.caption.text()


def test_the_hand_tools_work_on_the_regression(qtbot):
    """Step one operation, inspect a layer's arrays and edit a weight, and see its chain rule
    through the linear output."""
    lab = open_lab(qtbot, "sine")
    lab.controller.run_iterations(3)
    for _ in range(6):
        qtbot.keyClick(lab.window, Qt.Key.Key_Right)
    assert "activation3.forward(dense3.output)" in lab.controls.last_label.text()
    assert "loss_function.calculate(activation3.output, y)" in lab.controls.next_label.text()
    lab.docks["inspector"].raise_()
    lab.inspector.show_array("activation3.output")
    qtbot.waitUntil(lambda: lab.inspector.shown_name() == "activation3.output")
    lab.inspector.show_array("dense3.weights")
    table = lab.inspector.editor.table
    rect = table.visualRect(table.model().index(7, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    rule = lab.controller.snapshot.chain_rule
    assert rule.target == "dl/d(dense3.weights[7, 0])"
    assert [factor.label.split("[")[0] for factor in rule.factors] == ["x", "dl/da", "da/dz"]
    assert rule.relative_error < 1e-3
    qtbot.waitUntil(lambda: "dense3.weights[7, 0]" in lab.chain_rule.text())
    qtbot.keyClick(table, "0")
    line_edit = table.findChild(type(lab.network.max_epochs.lineEdit()))
    qtbot.keyClicks(line_edit, ".5")
    qtbot.keyClick(line_edit, Qt.Key.Key_Return)
    assert lab.controller.snapshot.parameters["dense3.weights"][7, 0] == np.float32(0.5)


def test_a_click_on_the_regression_plot_adds_a_point_and_shift_click_removes_it(qtbot):
    lab = open_lab(qtbot, "sine")
    plot = lab.outputs.regression
    qtbot.mouseClick(plot.plot_widget.viewport(), Qt.MouseButton.LeftButton,
                     pos=plot.data_to_viewport(0.5, 0.8))
    points = lab.controller.model.spec["points"]
    assert len(points) == 1 and points[0][0] == pytest.approx(0.5, abs=0.01)
    assert points[0][1] == pytest.approx(0.8, abs=0.02)
    assert len(lab.controller.model.X) == 1001
    assert len(plot.user_points.getData()[0]) == 1
    qtbot.mouseClick(plot.plot_widget.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.ShiftModifier, plot.data_to_viewport(0.5, 0.8))
    assert lab.controller.model.spec["points"] == []


def test_choosing_sine_data_turns_the_lab_into_a_regression_and_back(qtbot):
    lab = open_lab(qtbot, "spiral")
    lab.docks["data"].raise_()
    choose(lab.data.dataset_box, "Sine (regression)")
    model = lab.controller.model
    assert model.spec["data"] == {"kind": "sine", "samples": 100}
    assert model.spec["loss"] == "mean_squared_error" and not lab.data.classes_box.isEnabled()
    assert lab.outputs.regression.isVisible()
    assert lab.network.loss_box.currentText() == "Linear + mean squared error"
    choose(lab.network.loss_box, "Linear + mean absolute error")
    assert lab.controller.model.spec["loss"] == "mean_absolute_error"
    choose(lab.data.dataset_box, "Vertical")
    assert lab.controller.model.spec["loss"] == "categorical_crossentropy"
    assert lab.boundary.isVisible() and lab.data.classes_box.isEnabled()


def test_the_brush_paints_a_stroke_of_points_as_one_change(qtbot):
    lab = open_lab(qtbot, "spiral")
    lab.docks["data"].raise_()
    lab.data.add_class_box.setCurrentIndex(2)
    qtbot.mouseClick(lab.data.brush_button, Qt.MouseButton.LeftButton)
    assert lab.data.brush_button.isChecked()
    viewport = lab.boundary.plot_widget.viewport()
    start, end = lab.boundary.data_to_viewport(-0.5, 0.0), lab.boundary.data_to_viewport(0.5, 0.0)
    versions = []
    lab.controller.snapshot_changed.connect(lambda snapshot: versions.append(snapshot))
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    for step in range(1, 11):
        qtbot.mouseMove(viewport, QPoint(start.x() + (end.x() - start.x()) * step // 10,
                                         start.y()))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)
    points = lab.controller.model.spec["points"]
    assert len(points) >= 5 and {point[2] for point in points} == {2}
    xs = [point[0] for point in points]
    assert xs == sorted(xs) and xs[0] == pytest.approx(-0.5, abs=0.02) and xs[-1] > 0.3
    assert all(abs(point[1]) < 0.02 for point in points)
    assert len(versions) == 1  # one stroke, one rebuild
    assert lab.data.message.text() == f"Painted {len(points)} class 2 points."
    qtbot.mouseClick(lab.data.brush_button, Qt.MouseButton.LeftButton)
    assert lab.boundary.plot_widget.getPlotItem().getViewBox().state["mouseEnabled"] == \
        [True, True]
