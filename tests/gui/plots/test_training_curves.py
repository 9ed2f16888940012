"""Training curves: what is drawn, the hover readout, the log toggle and long runs."""

import math
import time

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtWidgets import QApplication

from gui.plots.training_curves import (
    LEARNING_RATE_COLOR,
    MAX_DRAWN_POINTS,
    TRAINING_COLOR,
    VALIDATION_COLOR,
    TrainingCurves,
    peak_indices,
)
from tests.gui.classification_fakes import pixels, save_shot


def fake_run(epochs: int):
    """A plausible run: loss falls, accuracy rises, validation a little worse, lr decays."""
    rng = np.random.default_rng(0)
    e = np.arange(epochs, dtype=float)
    loss = 1.1 * np.exp(-e / (epochs / 4)) + 0.05 + 0.02 * rng.random(epochs)
    accuracy = 1 - 0.7 * np.exp(-e / (epochs / 5)) - 0.02 * rng.random(epochs)
    return e, loss, accuracy, loss * 1.1 + 0.03, accuracy - 0.05, 0.05 / (1 + 5e-4 * e)


@pytest.fixture
def curves(qtbot):
    widget = TrainingCurves()
    qtbot.addWidget(widget)
    widget.resize(600, 600)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_curves_show_the_history(curves):
    run = fake_run(300)
    curves.set_history(*run)
    for name, values in zip(
        ("loss", "accuracy", "val_loss", "val_accuracy", "learning_rate"),
        (run[1], run[2], run[3], run[4], run[5]),
        strict=True,
    ):
        xs, ys = curves.curves[name].getOriginalDataset()
        np.testing.assert_array_equal(xs, run[0])
        np.testing.assert_array_equal(ys, values)
    assert curves.curves["val_loss"].opts["pen"].style() == Qt.PenStyle.DashLine
    assert curves.readout.text().startswith("epoch 299, learning rate")


def test_missing_validation_shows_as_a_dash(curves):
    e, loss, accuracy, *_ = fake_run(20)
    curves.set_history(e, loss, accuracy)
    assert "(validation –)" in curves.readout.text()
    with pytest.raises(ValueError, match="loss has shape"):
        curves.set_history(e, loss[:5], accuracy)


def test_validation_measured_every_few_epochs_draws_a_line_and_reads_out(curves):
    e, loss, accuracy, val_loss, val_accuracy, rate = fake_run(100)
    val_loss[np.arange(100) % 10 != 0] = np.nan
    val_accuracy[np.arange(100) % 10 != 0] = np.nan
    curves.set_history(e, loss, accuracy, val_loss, val_accuracy, rate)
    xs, ys = curves.curves["val_loss"].getOriginalDataset()
    np.testing.assert_array_equal(xs, np.arange(0, 100, 10))
    assert np.isfinite(ys).all()  # connected points, not isolated dots between gaps
    assert f"(validation {val_loss[90]:.4g} at epoch 90)" in curves.readout.text()
    assert f"(validation {val_loss[50]:.4g})" in curves.readout_at(50)


def test_learning_rate_axis_starts_at_zero(qtbot, curves):
    e, loss, accuracy, *_ = fake_run(100)
    curves.set_history(e, loss, accuracy, learning_rate=0.05 / (1 + 5e-7 * e))
    low, high = curves.rate_plot.getViewBox().viewRange()[1]
    assert low == 0.0 and high == pytest.approx(0.0525)


def test_empty_history_says_so(curves):
    curves.set_history(*fake_run(10))
    curves.set_history(*(np.zeros(0) for _ in range(6)))
    assert curves.readout.text() == "No epochs yet."
    xs, _ = curves.curves["loss"].getOriginalDataset()
    assert xs is None or len(xs) == 0


def test_hover_reads_out_the_values_at_that_epoch(qtbot, curves):
    run = fake_run(1000)
    curves.set_history(*run)
    qtbot.wait(1)  # let the plots range to the new data, as they do before the user sees them
    qtbot.mouseMove(curves.graphics.viewport(), curves.epoch_to_viewport(400, plot_index=1))
    text = curves.readout.text()
    epoch = int(text.split(",")[0].split()[1])
    assert abs(epoch - 400) <= 5  # one pixel is a few epochs wide
    assert f"loss {run[1][epoch]:.4g} (validation {run[3][epoch]:.4g})" in text
    assert f"learning rate {run[5][epoch]:.4g}" in text
    assert all(line.isVisible() and line.value() == pytest.approx(400, abs=5)
               for line in curves.cursors)
    # The margin outside the plots goes back to the latest epoch. (pyqtgraph drops a move that
    # follows the last within its rate limit, 1/60 s: a user's hand is never that quick.)
    qtbot.wait(50)
    qtbot.mouseMove(curves.graphics.viewport(), QPoint(2, 2))  # (0, 0) would mean the centre
    assert curves.readout.text().startswith("epoch 999,")
    assert not any(line.isVisible() for line in curves.cursors)


def test_leaving_the_plots_goes_back_to_the_latest_epoch(qtbot, curves):
    curves.set_history(*fake_run(1000))
    qtbot.wait(1)
    qtbot.mouseMove(curves.graphics.viewport(), curves.epoch_to_viewport(400))
    assert not curves.readout.text().startswith("epoch 999,")
    QApplication.sendEvent(curves.graphics, QEvent(QEvent.Type.Leave))
    assert curves.readout.text().startswith("epoch 999,")


def test_log_toggle_switches_the_loss_axis_only(qtbot, curves):
    curves.set_history(*fake_run(100))
    with qtbot.waitSignal(curves.log_scale_changed) as signal:
        qtbot.mouseClick(curves.log_box, Qt.MouseButton.LeftButton)
    assert signal.args == [True]
    assert curves.loss_plot.getAxis("left").logMode
    assert curves.loss_plot.getAxis("left").style["maxTextLevel"] == 0
    assert not curves.accuracy_plot.getAxis("left").logMode
    with qtbot.assertNotEmitted(curves.log_scale_changed):
        curves.set_log_scale(False)
    assert not curves.log_box.isChecked()
    assert not curves.loss_plot.getAxis("left").logMode


def test_log_axis_labels_1_2_5_when_no_power_of_ten_spacing_fits(curves):
    axis = curves.loss_plot.getAxis("left")
    levels = axis.logTickValues(np.log10(0.07), np.log10(1.2), 120, [])
    labelled = 10 ** np.asarray(levels[0][1])
    np.testing.assert_allclose(labelled, [0.1, 0.2, 0.5, 1.0])
    assert len(levels[1][1]) > 0  # the other 2..9 x 10^k ticks stay, unlabelled
    wide = axis.logTickValues(-8.0, 3.0, 120, [(1.0, [-8.0, -7.0]), (0.5, [-7.5])])
    assert wide[0] == (1.0, [-8.0, -7.0])  # many decades: pyqtgraph's powers of ten


def test_long_runs_draw_what_the_pixels_show_and_stay_fast(qtbot, curves):
    run = fake_run(100_001)
    curves.set_history(*run)
    # CPU time: on a shared machine the wall clock also counts other processes' turns.
    start = time.process_time()
    curves.set_history(*(np.array(series) for series in run))  # equal copies: nothing to do
    curves.set_history(*run[:5], run[5] * 1.0001)
    curves.graphics.viewport().repaint()
    elapsed = time.process_time() - start
    xs, ys = curves.curves["loss"].getOriginalDataset()
    width = curves.loss_plot.getViewBox().width()
    assert 100 < width and len(xs) <= 2 * math.ceil(width) + 4  # two points per pixel column
    assert xs[0] == 0 and xs[-1] == 100_000  # the newest epoch is always drawn
    np.testing.assert_array_equal(ys, run[1][xs.astype(int)])
    assert elapsed < 0.2, f"set_history + repaint of 100,001 epochs took {elapsed * 1e3:.0f} ms"


def test_a_one_epoch_spike_in_a_long_run_is_drawn_to_its_full_height(qtbot, curves):
    e, loss, accuracy, *rest = fake_run(100_001)
    loss[61_234], accuracy[7_777] = 6.5, 0.01  # single epochs, as Adam's spikes are
    curves.set_history(e, loss, accuracy, *rest)
    _, drawn_loss = curves.curves["loss"].getOriginalDataset()
    drawn_epochs, drawn_accuracy = curves.curves["accuracy"].getOriginalDataset()
    assert drawn_loss.max() == 6.5 and drawn_loss.min() == loss.min()
    assert drawn_accuracy.min() == 0.01 and 7_777 in drawn_epochs


def test_zooming_in_draws_the_zoomed_stretch_in_detail(qtbot, curves):
    run = fake_run(100_001)
    curves.set_history(*run)
    qtbot.wait(1)
    curves.loss_plot.setXRange(50_000, 50_200, padding=0)
    xs, ys = curves.curves["loss"].getOriginalDataset()
    shown = xs[(xs >= 50_000) & (xs <= 50_200)]
    np.testing.assert_array_equal(shown, np.arange(50_000, 50_201))  # every epoch there
    np.testing.assert_array_equal(ys, run[1][xs.astype(int)])
    curves.loss_plot.enableAutoRange(axis="x")
    qtbot.wait(1)
    xs, _ = curves.curves["loss"].getOriginalDataset()
    assert len(xs) < 3000 and xs[-1] == 100_000  # the whole run again, two per column


def test_an_unchanged_history_is_not_drawn_again(qtbot, curves):
    run = fake_run(1000)
    curves.set_history(*run)
    with qtbot.assertNotEmitted(curves.curves["loss"].sigPlotChanged):
        curves.set_history(*(np.array(series) for series in run))
    with qtbot.waitSignal(curves.curves["loss"].sigPlotChanged):
        curves.set_history(*(series[:999] for series in run))
    assert curves.readout.text().startswith("epoch 998,")


@pytest.mark.parametrize("length", [0, 1, 2, 3, 1999, 2000, 2001, 4001, 10_000, 123_457])
@pytest.mark.parametrize("columns", [1, 7, 1000])
def test_peak_indices_keep_ends_extremes_and_the_cap(length, columns):
    values = np.random.default_rng(length).normal(size=length)
    indices = peak_indices(values, columns)
    assert len(indices) <= max(length if length <= 2 * columns else 0, 2 * columns + 2)
    if length:
        assert indices[0] == 0 and indices[-1] == length - 1
        assert np.all(np.diff(indices) > 0)
        assert values.argmax() in indices and values.argmin() in indices
        size = math.ceil(length / columns)
        for start in range(0, length, size):  # every run's lowest and highest is drawn
            block = values[start:start + size]
            assert start + block.argmax() in indices and start + block.argmin() in indices


def test_peak_indices_of_a_short_series_are_all_of_them():
    np.testing.assert_array_equal(peak_indices(np.arange(10.0), 5), np.arange(10))
    assert len(peak_indices(np.zeros(11), 5)) <= 12


def test_curves_not_on_screen_yet_draw_at_most_the_cap(qtbot):
    hidden = TrainingCurves()
    qtbot.addWidget(hidden)
    run = fake_run(50_001)
    hidden.set_history(*run)
    xs, ys = hidden.curves["loss"].getOriginalDataset()
    assert len(xs) <= MAX_DRAWN_POINTS + 2 and xs[-1] == 50_000
    assert ys.max() == run[1].max()


def test_the_rendered_curves_fall_and_rise_in_their_own_plots(curves, tmp_path):
    curves.set_history(*fake_run(10_001))
    image = save_shot(curves, "training_curves", tmp_path)

    def drawn(plot, colour: str) -> np.ndarray:
        """(rows, columns) of the plot's pixels in `colour`, inside its axes."""
        area = curves.graphics.mapFromScene(plot.getViewBox().sceneBoundingRect())
        rect = area.boundingRect().translated(curves.graphics.mapTo(curves, QPoint(0, 0)))
        rgb = pixels(image, rect).astype(int)
        wanted = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
        return np.argwhere(np.abs(rgb - wanted).max(axis=-1) <= 40)

    def mean_row(found: np.ndarray, left: bool) -> float:
        middle = np.median(found[:, 1])
        return found[found[:, 1] < middle if left else found[:, 1] > middle][:, 0].mean()

    loss, accuracy, rate = curves.plots
    for plot in (loss, accuracy):
        assert len(drawn(plot, TRAINING_COLOR)) > 500 and len(drawn(plot, VALIDATION_COLOR)) > 500
        assert len(drawn(plot, LEARNING_RATE_COLOR)) == 0
    assert len(drawn(rate, LEARNING_RATE_COLOR)) > 300 and len(drawn(rate, TRAINING_COLOR)) == 0
    # Rows grow downward: the loss ends lower than it starts, the accuracy higher.
    assert mean_row(drawn(loss, TRAINING_COLOR), left=False) > \
        mean_row(drawn(loss, TRAINING_COLOR), left=True) + 30
    assert mean_row(drawn(accuracy, TRAINING_COLOR), left=False) < \
        mean_row(drawn(accuracy, TRAINING_COLOR), left=True) - 30
    assert curves.readout.text().startswith("epoch 10000, learning rate 0.008333")
