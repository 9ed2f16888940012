"""The 0.5 contour of a sigmoid's probability over the plane: where the book's binary classifier
(chapter 16: output > 0.5) changes its answer, drawn as a line over the boundary's colours.

The line comes from marching squares written with numpy (each grid cell's edges crossed by the
level, the crossing placed by linear interpolation): for a 200 x 200 plane a couple of
milliseconds, where pyqtgraph's IsocurveItem, a Python loop, takes a good part of a second.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

Extent = tuple[float, float, float, float]  # (x_min, x_max, y_min, y_max) of the cell centres
LINE_COLOR = "#1A1A1A"
LINE_WIDTH = 2.5
FINE_CELLS = 120  # a finer plane is traced at every other cell: as smooth, a quarter the work


def _crossing(u: np.ndarray, v: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Where along u -> v the level is crossed (0..1), and whether it is."""
    crossed = (u > level) != (v > level)
    with np.errstate(divide="ignore", invalid="ignore"):
        where = np.where(crossed, (level - u) / (v - u), 0.0)
    return where, crossed


def contour_segments(probability: np.ndarray, level: float = 0.5) -> np.ndarray:
    """probability: (ny, nx) -> (2 k, 2) the end points (column, row) of k segments of the
    level's contour, each cell's in turn, in grid units (cell centre (i, j) at (j, i)). Cells
    with a NaN corner (a diverged network) draw none."""
    p = np.asarray(probability, dtype=np.float64)
    a, b, c, d = p[:-1, :-1], p[:-1, 1:], p[1:, 1:], p[1:, :-1]  # corners, anticlockwise
    rows, columns = np.mgrid[0:p.shape[0] - 1, 0:p.shape[1] - 1]
    edges = []  # bottom, right, top, left: (x, y, crossed) per cell
    for (u, v), x0, y0, along_x in (((a, b), columns, rows, True), ((b, c), columns + 1, rows,
                                                                       False),
                                    ((d, c), columns, rows + 1, True), ((a, d), columns, rows,
                                                                        False)):
        t, crossed = _crossing(u, v, level)
        edges.append((x0 + (t if along_x else 0), y0 + (0 if along_x else t), crossed))
    xs = np.stack([edge[0] for edge in edges], axis=-1).reshape(-1, 4)
    ys = np.stack([edge[1] for edge in edges], axis=-1).reshape(-1, 4)
    crossed = np.stack([edge[2] for edge in edges], axis=-1).reshape(-1, 4)
    crossed &= np.isfinite(np.stack([a, b, c, d], axis=-1).reshape(-1, 4)).all(axis=1,
                                                                                keepdims=True)
    counts = crossed.sum(axis=1)
    # Two crossings: one segment between them, in edge order.
    cells, sides = np.nonzero(crossed & (counts == 2)[:, None])
    points = [np.column_stack([xs[cells, sides], ys[cells, sides]])]
    # Four (a saddle): the centre's side says which corners the two segments cut off.
    saddles = np.flatnonzero(counts == 4)
    if len(saddles):
        centre_high = (np.stack([a, b, c, d], axis=-1).reshape(-1, 4)[saddles].mean(axis=1)
                       > level)
        a_high = a.reshape(-1)[saddles] > level
        pairs = np.where((centre_high == a_high)[:, None], [0, 1, 2, 3], [0, 3, 1, 2])
        points.append(np.column_stack([xs[saddles[:, None], pairs].reshape(-1),
                                       ys[saddles[:, None], pairs].reshape(-1)]))
    return np.concatenate(points) if points else np.zeros((0, 2))


class ProbabilityContour:
    """A line on a plot of the boundary: one probability's 0.5 contour."""

    def __init__(self, plot_item: pg.PlotItem):
        self.curve = pg.PlotCurveItem(pen=pg.mkPen(LINE_COLOR, width=LINE_WIDTH),
                                      connect="pairs", antialias=True)
        self.curve.setZValue(-5)  # above the boundary's colours, below the points
        plot_item.addItem(self.curve, ignoreBounds=True)
        self.segments = np.zeros((0, 2))

    def set_probability(self, probability: np.ndarray | None, extent: Extent) -> None:
        """Draw the contour of probability: (ny, nx) at the cell centres spanning extent, or
        none (None: a softmax or a regression, which have no one probability to split)."""
        if probability is None:
            self.segments = np.zeros((0, 2))
            self.curve.setData([], [])
            return
        ny, nx = probability.shape
        step = 2 if max(ny, nx) > FINE_CELLS else 1
        x_min, x_max, y_min, y_max = extent
        cells = contour_segments(probability[::step, ::step]) * step
        self.segments = np.column_stack([
            x_min + cells[:, 0] * (x_max - x_min) / max(nx - 1, 1),
            y_min + cells[:, 1] * (y_max - y_min) / max(ny - 1, 1)])
        self.curve.setData(self.segments[:, 0], self.segments[:, 1], connect="pairs")
