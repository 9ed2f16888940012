"""The loss plot with nothing it can draw: every loss 0 on the log axis, or NaN and infinite."""

import numpy as np
import pytest

from gui.controller.snapshot import Snapshot, frozen_array, frozen_arrays
from gui.plots.loss_plot import LossPlot


def snapshot(losses: list[float]) -> Snapshot:
    return Snapshot(scenario="toy", title="Toy", values=frozen_arrays({"w": [1.0]}),
                    parameters=frozen_arrays({"w": [1.0]}), operations=(), position=0,
                    iteration=len(losses), last_operation=None, losses=frozen_array(losses),
                    log_lines=(), selected=None, chain_rule=None)


@pytest.mark.parametrize("losses", [[0.0, 0.0, 0.0], [np.nan, np.inf, np.nan]])
def test_a_loss_plot_with_nothing_drawable_paints_without_warnings(qtbot, losses):
    # Warnings are errors in this suite: pyqtgraph's "All-NaN slice" would fail the test.
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.show()
    qtbot.waitExposed(plot)
    plot.set_snapshot(snapshot(losses))
    plot.log_box.click()
    plot.repaint()
    drawn = plot.curve.xData
    assert drawn is None or len(drawn) == 0  # nothing drawn rather than a line of NaN
    plot.log_box.click()  # and back to the linear axis
    plot.repaint()
    assert plot.summary.text().startswith("iteration 3")
