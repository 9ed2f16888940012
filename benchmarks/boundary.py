"""Milliseconds per decision-boundary frame: the 200 x 200 grid through the chapter-10 network
(Model.predict_grid), coloured and put on screen (DecisionBoundaryPlot.set_boundary: colouring,
ImageItem.setImage, setRect), offscreen.

The network is trained 300 iterations first, so the picture has the regions and borders a
learner watches form rather than a uniform start. The parts are timed on their own as well, so a
missed target names its cause.
"""

from __future__ import annotations

import sys

from common import Row, at_most, emit, median_time, offscreen, use_repo_imports

use_repo_imports()
offscreen()

from PySide6.QtWidgets import QApplication  # noqa: E402

from engine.scenarios.presets import chapter10_spec  # noqa: E402
from engine.training.model import Model  # noqa: E402
from engine.training.plane import BOUNDARY_CELLS, data_extent  # noqa: E402
from gui.plots.decision_boundary import (  # noqa: E402
    DecisionBoundaryPlot,
    blend_class_colors,
    grid_coordinates,
)

TARGET_MS = 15.0
TRAINED = 300


def trained_model(numerics: str) -> Model:
    spec = chapter10_spec()
    spec["numerics"] = numerics
    model = Model(spec)
    for _ in range(TRAINED):
        model.run_iteration()
    return model


def main() -> None:
    repeats = 9 if "--quick" in sys.argv[1:] else 31
    app = QApplication.instance() or QApplication([])
    plot = DecisionBoundaryPlot()
    plot.resize(600, 600)
    plot.show()
    app.processEvents()
    rows = []
    for numerics in ("book", "native"):
        model = trained_model(numerics)
        extent = data_extent(model.X, model.X_val)
        xs, ys = grid_coordinates(extent, BOUNDARY_CELLS)
        probabilities = model.predict_grid(xs, ys)

        def frame(model=model, extent=extent, xs=xs, ys=ys) -> None:
            plot.set_boundary(model.predict_grid(xs, ys), extent)

        def painted_frame(frame=frame) -> None:
            frame()
            plot.plot_widget.repaint()

        predict = median_time(lambda model=model, xs=xs, ys=ys: model.predict_grid(xs, ys),
                              repeats)
        colour = median_time(lambda p=probabilities: blend_class_colors(p), repeats)
        show = median_time(lambda p=probabilities, e=extent: plot.set_boundary(p, e), repeats)
        total = median_time(frame, repeats)
        painted = median_time(painted_frame, repeats)
        label = f"boundary {BOUNDARY_CELLS}x{BOUNDARY_CELLS} {numerics}"
        rows += [
            Row(f"{label}: predict_grid", f"{predict * 1e3:.1f} ms"),
            Row(f"{label}: colouring", f"{colour * 1e3:.1f} ms"),
            Row(f"{label}: set_boundary (colouring + setImage)", f"{show * 1e3:.1f} ms"),
            Row(f"{label}: frame (predict + set_boundary)", f"{total * 1e3:.1f} ms",
                f"<= {TARGET_MS:.0f} ms", at_most(total * 1e3, TARGET_MS)),
            Row(f"{label}: frame + repaint of the plot", f"{painted * 1e3:.1f} ms"),
        ]
    emit(rows, [f"Median of {repeats} frames each, after {TRAINED} training iterations."])


if __name__ == "__main__":
    main()
