"""Compare runs in the classification lab, driven as a learner drives it: Ctrl+Shift+C, a run's
settings typed in the compare panel, Space; the figures are the engine's for each setting
trained alone."""

import copy

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from engine.scenarios.presets import chapter10_spec
from engine.training.model import Model
from engine.training.stepper import Stepper
from gui.labs.classification import compare_panel
from gui.labs.classification.lab import ClassificationLab, install_classification_lab
from gui.shell.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


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


def compare(qtbot, lab: ClassificationLab) -> None:
    qtbot.keyClick(lab.window, Qt.Key.Key_C,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)


def type_into(qtbot, box, text: str) -> None:
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), text)
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)
    box.clearFocus()


def choose(box, data) -> None:
    box.setCurrentIndex(box.findData(data))


def train_in_step(qtbot, lab: ClassificationLab, epochs: int) -> int:
    """Space, until every run has `epochs` epochs, Space; the epoch they all stand at."""
    qtbot.keyClick(lab.window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: lab.controller.stepper.iteration >= epochs, timeout=20000)
    qtbot.keyClick(lab.window, Qt.Key.Key_Space)
    assert not lab.controller.is_running()
    runs = lab.controller.comparison.comparison.runs
    assert len({run.iteration for run in runs}) == 1  # lockstep: all at one epoch
    qtbot.waitUntil(lambda: lab.compare.view.runs[0].epoch == runs[0].iteration)
    return runs[0].iteration


def alone(spec: dict, epochs: int) -> Model:
    stepper = Stepper(Model(spec))
    stepper.run_iterations(epochs)
    return stepper.trainable


def column(lab: ClassificationLab, row_name: str) -> list[str]:
    table = lab.compare.table
    row = [table.verticalHeaderItem(r).text() for r in range(table.rowCount())].index(row_name)
    return [table.item(row, c).text() for c in range(table.columnCount())]


def test_sgd_beside_adam_trains_in_step_with_the_numbers_of_each_trained_alone(qtbot, lab):
    panel = lab.compare
    assert not panel.table.columnCount() and not panel.hint.isHidden()
    assert not lab.docks["compare"].isVisible()  # shown when a comparison opens
    compare(qtbot, lab)
    assert [run.name for run in panel.view.runs] == ["blue", "vermillion"]
    assert lab.docks["compare"].isVisible()
    assert panel.chosen() == "vermillion"  # the new run is the one to change
    panel.pages.setCurrentIndex(1)
    choose(panel.form.optimizer, "sgd")
    type_into(qtbot, panel.form.learning_rate, "0.5")
    type_into(qtbot, panel.form.momentum, "0.8")
    qtbot.mouseClick(panel.buttons["apply"], Qt.MouseButton.LeftButton)
    assert panel.view.runs[1].editable["optimizer"] == "sgd"
    assert column(lab, "optimizer") == ["adam", "sgd"]
    headers = {panel.table.verticalHeaderItem(r).text(): panel.table.verticalHeaderItem(r)
               for r in range(panel.table.rowCount())}
    assert headers["optimizer"].font().bold() and headers["learning_rate"].font().bold()
    assert not headers["numerics"].font().bold()

    epochs = train_in_step(qtbot, lab, 60)
    adam = alone(chapter10_spec(), epochs)
    sgd_spec = copy.deepcopy(chapter10_spec())
    sgd_spec["optimizer"] = {"name": "sgd", "learning_rate": 0.5, "decay": 1e-3,
                             "momentum": 0.8}
    sgd = alone(sgd_spec, epochs)
    for run, model in zip(panel.view.runs, (adam, sgd), strict=True):
        metrics = model.training_metrics()
        assert (run.epoch, run.loss, run.accuracy) == (epochs, metrics["loss"],
                                                        metrics["accuracy"])
        np.testing.assert_array_equal(run.history["loss"], model.history()["loss"])
    assert column(lab, "epoch") == [str(epochs)] * 2
    assert column(lab, "loss") == [f"{m.training_metrics()['loss']:.4g}" for m in (adam, sgd)]
    for key in ("loss", "accuracy"):
        curves = panel.curves.overlays[key].curves
        assert set(curves) == {"blue", "vermillion"}
        assert all(len(curve.getData()[0]) == epochs for curve in curves.values())
    qtbot.waitUntil(lambda: all(image.image is not None for image in panel.boundaries.images[:2]))
    for image in panel.boundaries.images[:2]:
        pixels = np.asarray(image.image)
        assert pixels.shape == (64, 64, 3) and np.ptp(pixels) > 30
    assert not np.array_equal(panel.boundaries.images[0].image, panel.boundaries.images[1].image)


def test_a_stopped_run_waits_a_resumed_one_catches_up_and_a_removed_one_goes(qtbot, lab):
    panel = lab.compare
    compare(qtbot, lab)
    qtbot.mouseClick(panel.buttons["stop"], Qt.MouseButton.LeftButton)
    assert column(lab, "status") == ["running", "stopped"]
    assert panel.buttons["stop"].text() == "Resume"
    epochs = train_in_step_of_main(qtbot, lab, 30)
    runs = lab.controller.comparison.comparison.runs
    assert (runs[0].iteration, runs[1].iteration) == (epochs, 0)
    qtbot.mouseClick(panel.buttons["stop"], Qt.MouseButton.LeftButton)
    epochs = train_in_step(qtbot, lab, epochs + 10)
    # The same settings from the same start: the resumed copy caught up to the same numbers.
    assert panel.view.runs[0].loss == panel.view.runs[1].loss
    qtbot.mouseClick(panel.buttons["remove"], Qt.MouseButton.LeftButton)
    assert [run.name for run in panel.view.runs] == ["blue"]
    assert not panel.buttons["remove"].isEnabled()  # the main run stays


def train_in_step_of_main(qtbot, lab: ClassificationLab, epochs: int) -> int:
    qtbot.keyClick(lab.window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: lab.controller.stepper.iteration >= epochs, timeout=20000)
    qtbot.keyClick(lab.window, Qt.Key.Key_Space)
    return lab.controller.stepper.iteration


def test_promoting_a_run_asks_first_and_the_window_follows_it(qtbot, lab, monkeypatch):
    panel = lab.compare
    compare(qtbot, lab)
    panel.pages.setCurrentIndex(1)
    type_into(qtbot, panel.form.learning_rate, "0.01")
    qtbot.mouseClick(panel.buttons["apply"], Qt.MouseButton.LeftButton)
    epochs = train_in_step(qtbot, lab, 20)
    monkeypatch.setattr(compare_panel, "ask_yes", lambda *args: False)
    qtbot.mouseClick(panel.buttons["promote"], Qt.MouseButton.LeftButton)
    assert panel.view.runs[0].name == "blue"
    slow = lab.controller.comparison.comparison.run("vermillion").stepper
    monkeypatch.setattr(compare_panel, "ask_yes", lambda *args: True)
    qtbot.mouseClick(panel.buttons["promote"], Qt.MouseButton.LeftButton)
    assert lab.controller.stepper is slow
    assert [run.name for run in panel.view.runs] == ["vermillion", "blue"]
    assert panel.view.runs[0].is_main and lab.controller.snapshot.iteration == epochs
    assert lab.network.optimizer_inputs["adam"]["learning_rate"].value() == 0.01
    assert lab.view.status.text().startswith(f"epoch: {epochs}, ")
    assert train_in_step(qtbot, lab, epochs + 5) >= epochs + 5


def test_the_main_runs_optimizer_is_refused_and_a_rebuild_closes_the_comparison(qtbot, lab):
    panel = lab.compare
    compare(qtbot, lab)
    panel.run_box.setCurrentIndex(0)
    panel.pages.setCurrentIndex(1)
    choose(panel.form.optimizer, "rmsprop")
    qtbot.mouseClick(panel.buttons["apply"], Qt.MouseButton.LeftButton)
    assert "Network panel" in lab.window.statusBar().currentMessage()
    assert column(lab, "optimizer") == ["adam", "adam"]
    type_into(qtbot, lab.network.layers[0].neurons, "32")
    assert panel.view is None and panel.hint.isVisible()
    qtbot.waitUntil(lambda: "comparison is closed" in lab.window.statusBar().currentMessage())
    assert lab.controller.comparison.comparison is None


def test_at_most_four_runs_and_a_watched_weight_shows_each_runs_optimizer_state(qtbot, lab):
    panel = lab.compare
    for _ in range(3):
        compare(qtbot, lab)
    assert [run.name for run in panel.view.runs] == ["blue", "vermillion", "bluish green",
                                                     "reddish purple"]
    assert not panel.buttons["add"].isEnabled()
    compare(qtbot, lab)
    assert len(panel.view.runs) == 4
    assert "at most 4 runs" in lab.window.statusBar().currentMessage()
    panel.watch_name.setCurrentIndex(panel.watch_name.findText("dense2.weights"))
    type_into(qtbot, panel.watch_row, "3")
    type_into(qtbot, panel.watch_column, "1")
    qtbot.mouseClick(panel.watch_button, Qt.MouseButton.LeftButton)
    assert panel.view.watched == "dense2.weights[3, 1]"
    epochs = train_in_step(qtbot, lab, 15)
    assert panel.watched.text().startswith("Watching dense2.weights[3, 1]")
    values = panel.internals.overlays["value"].curves
    assert len(values) == 4
    xs, ys = values["blue"].getData()
    assert xs[-1] == epochs
    assert ys[-1] == pytest.approx(float(lab.controller.model.parameters()["dense2.weights"][3, 1]))
    assert len(panel.internals.overlays["cache"].curves) == 4  # Adam's second moment
