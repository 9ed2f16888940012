"""Plot axes a learner can read: no SI-prefixed axis ("epoch (x0.001)"), whole epochs on an
empty or young run, and plot names that never run into each other, also with large text."""

import itertools

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QApplication

from gui.plots.axes import LABEL_ROOM, SHORT_RUN, ReadableAxis
from gui.plots.loss_plot import LossPlot
from gui.plots.training_curves import TrainingCurves
from gui.shell.theme import LARGE_TEXT_SCALE, LIGHT, apply_theme


@pytest.fixture(params=[False, True], ids=["normal", "large"])
def curves(qtbot, request):
    apply_theme(QApplication.instance(), LIGHT, LARGE_TEXT_SCALE if request.param else 1.0)
    widget = TrainingCurves()
    qtbot.addWidget(widget)
    widget.resize(520, 330)  # about the dock's size at 1280x720
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    apply_theme(QApplication.instance(), LIGHT)


def axis_texts(plot) -> list[str]:
    return [plot.getAxis(name).label.toPlainText().strip() for name in ("left", "bottom")]


def epoch_range(curves) -> list[float]:
    return curves.loss_plot.getViewBox().viewRange()[0]


def test_an_empty_or_young_run_shows_whole_epochs_without_an_si_prefix(qtbot, curves):
    low, high = epoch_range(curves)
    assert low <= 0 and high >= SHORT_RUN
    for epochs in (1, 3):
        e = np.arange(epochs, dtype=float)
        curves.set_history(e, np.full(epochs, 1.1), np.full(epochs, 0.3),
                           learning_rate=np.full(epochs, 0.05))
        qtbot.wait(10)
        assert not any("(x" in text for plot in curves.plots for text in axis_texts(plot))
        low, high = epoch_range(curves)
        assert low <= 0 and high >= SHORT_RUN, epochs


def test_a_run_longer_than_the_first_epochs_is_followed_whole(qtbot, curves):
    e = np.arange(300, dtype=float)
    curves.set_history(e, np.linspace(1.1, 0.4, 300), np.linspace(0.3, 0.8, 300),
                       learning_rate=np.full(300, 0.05))
    qtbot.waitUntil(lambda: epoch_range(curves)[1] >= 299)
    assert epoch_range(curves)[0] <= 0


def test_the_plot_names_stand_apart_in_a_short_stack(curves):
    names = [plot.titleLabel for plot in curves.plots]
    assert [label.text for label in names] == ["loss", "accuracy", "learning rate"]
    rects = [label.sceneBoundingRect() for label in names]
    views = [plot.getViewBox().sceneBoundingRect() for plot in curves.plots]
    for a, b in itertools.combinations(range(3), 2):
        assert not rects[a].intersects(rects[b])
    for k, rect in enumerate(rects):
        assert not any(rect.intersects(view) for view in views), k  # never over a curve
        width = curves.plots[k].titleLabel.item.boundingRect().width()
        assert width <= rect.width() + 1  # the whole name is shown


def test_the_loss_plot_counts_iterations_from_one_without_an_si_prefix(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.show()
    plot.set_losses(np.array([466.0]))
    qtbot.wait(10)
    low, high = plot.plot_item.getViewBox().viewRange()[0]
    assert low <= 1 and high >= 1 + SHORT_RUN
    assert axis_texts(plot.plot_item) == ["loss", "iteration"]
    plot.set_losses(np.linspace(466, 1, 50))
    qtbot.waitUntil(lambda: plot.plot_item.getViewBox().viewRange()[0][1] >= 50)


def test_labelled_ticks_of_a_short_axis_stay_their_height_apart(qapp):
    """The loss axis of a 45-pixel plot with large text: pyqtgraph's own spacing put "1.0",
    "0.8" and "0.6" 14 pixels apart, on top of each other."""
    big = QApplication.font()
    big.setPointSizeF(12.5)
    room = QFontMetricsF(big).capHeight() * LABEL_ROOM
    plain, readable = pg.AxisItem("left"), ReadableAxis("left")
    for axis in (plain, readable):
        axis.setStyle(tickFont=big)
    low, high, pixels = 0.35, 1.1, 45.0
    assert plain.tickSpacing(low, high, pixels)[0][0] * pixels / (high - low) < room
    levels = readable.tickSpacing(low, high, pixels)
    assert levels[0][0] * pixels / (high - low) >= room
    assert levels[0][0] in (0.5, 1.0) and all(level[0] < levels[0][0] for level in levels[1:])
    # Where there is room, the spacing is pyqtgraph's.
    assert readable.tickSpacing(low, high, 400.0) == plain.tickSpacing(low, high, 400.0)


def test_the_plot_names_follow_the_type_size(qtbot):
    apply_theme(QApplication.instance(), LIGHT)
    widget = TrainingCurves()
    qtbot.addWidget(widget)
    widget.show()
    normal = widget.loss_plot.titleLabel.item.boundingRect().height()
    apply_theme(QApplication.instance(), LIGHT, LARGE_TEXT_SCALE)
    qtbot.waitUntil(lambda: widget.loss_plot.titleLabel.item.boundingRect().height() > normal)
    apply_theme(QApplication.instance(), LIGHT)
    qtbot.waitUntil(lambda: widget.loss_plot.titleLabel.item.boundingRect().height() == normal)
