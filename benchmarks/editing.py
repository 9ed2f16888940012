"""Milliseconds from a typed weight to the updated loss, tables and boundary, offscreen.

The window is built as main.py builds it, on the spiral scenario, trained 200 iterations, with
the edited weight selected and the layer inspector in front, as a learner has them after
clicking the weight's cell before typing into it (the chain rule comes to the front with the
click, and the neuron maps go behind the inspector, their tab partner). A typed value
reaches the engine as LabController.edit_value (what the parameter table's edit signal calls);
then Qt's event loop runs as in the app, and the figure is the time until the views are
painted with the new state:

- the main views: the boundary plot (the end of its paint), the inspector's table and the
  book's loss line (the start of their paint, which comes after the boundary's in the same
  pass over the window, or in an earlier one);
- every view: also the chain rule, which the window draws right after the main views (and the
  neuron maps, with `--maps`: the maps in front instead of the inspector, the end of the
  enlarged map's paint).

Two places in an iteration are measured: at an iteration start (the edit changes what the next
forward pass computes) and after the backward pass (the stepper replays the iteration up to
where it stood, so the shown gradients follow the new weight).

The engine's own share (Stepper.edit, then the loss and the boundary grid) is timed too.
"""

from __future__ import annotations

import sys
import time

from common import Row, at_most, emit, median_time, open_window, use_repo_imports

use_repo_imports()

import pyqtgraph as pg  # noqa: E402
from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer  # noqa: E402

from engine.scenarios.presets import chapter10_spec  # noqa: E402
from engine.training.model import Model  # noqa: E402
from engine.training.plane import BOUNDARY_CELLS, data_extent  # noqa: E402
from engine.training.stepper import Stepper  # noqa: E402
from gui.labs.classification.lab import ClassificationLab  # noqa: E402
from gui.plots.decision_boundary import grid_coordinates  # noqa: E402

TARGET_MS = 30.0
TRAINED = 200
# A weight of a live hidden neuron (at 200 iterations [0, 5] feeds a dead ReLU: an edit of it
# changes no loss, boundary or chain rule), changed by a step the loss line shows.
WEIGHT = ("dense1.weights", (0, 3))
STEP = 0.1
QUIET_MS = 150  # the event loop runs this long after each edit; every view is drawn by then


def now() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


class PaintClock(QObject):
    """When each watched view was first painted after `reset()` (the edit is applied before the
    event loop runs, so the first paint shows it): pyqtgraph views note the end
    of their paint (GraphicsView.paintEvent is wrapped before any view exists, so Qt calls the
    wrapper), Qt widgets the start of theirs (an event filter on them). Each time is a pair:
    the wall clock and this process's CPU time (on a shared machine the wall clock also counts
    the time other processes had the cores)."""

    def __init__(self):
        super().__init__()
        self.painted: dict[str, tuple[float, float]] = {}
        self._views: dict[int, str] = {}
        self._widgets: dict[QObject, str] = {}
        clock, original = self, pg.GraphicsView.paintEvent

        def timed_paint(view, event):
            original(view, event)
            name = clock._views.get(id(view))
            if name is not None:
                clock.painted.setdefault(name, now())

        pg.GraphicsView.paintEvent = timed_paint

    def watch(self, views: dict[str, pg.GraphicsView], widgets: dict[str, QObject]) -> None:
        self._views = {id(view): name for name, view in views.items()}
        self._widgets = {widget: name for name, widget in widgets.items()}
        for widget in widgets.values():
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint and watched in self._widgets:
            self.painted.setdefault(self._widgets[watched], now())
        return False

    def reset(self) -> None:
        self.painted = {}


def watch_views(clock: PaintClock, window, maps: bool) -> tuple[tuple, tuple]:
    """Bring the panels to the front as the learner has them; returns the names of the main
    views and of the following ones."""
    lab = next(child for child in window.children() if isinstance(child, ClassificationLab))
    lab.docks["neuron_maps" if maps else "inspector"].raise_()
    lab.docks["chain_rule"].raise_()
    views = {"boundary": lab.boundary.plot_widget}
    widgets = {"loss line": lab.view.status, "chain rule": lab.chain_rule.rule_label}
    if maps:
        views["neuron maps"] = lab.neuron_maps.large_view
    else:
        widgets["table"] = lab.inspector.editor.table.viewport()
    clock.watch(views, widgets)
    if maps:
        return ("boundary", "loss line"), ("neuron maps", "chain rule")
    return ("boundary", "table", "loss line"), ("chain rule",)


def edit_times(controller, clock: PaintClock, views: tuple[tuple, tuple],
               repeats: int) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """((wall, CPU) seconds to the main views painted, to every view painted) per edit, alternating
    between two values so every edit changes something. The loss line counts when its text
    changed (it shows three decimals)."""
    name, index = WEIGHT
    start = float(controller.trainable.parameters()[name][index])
    times = []
    for number in range(repeats + 1):
        value = start + (STEP if number % 2 else -STEP)
        clock.reset()
        began = now()
        controller.edit_value(name, index, value)
        loop = QEventLoop()
        QTimer.singleShot(QUIET_MS, loop.quit)
        loop.exec()
        main, following = views
        missing = [view for view in main + following
                   if view not in clock.painted and view != "loss line"]
        if missing:
            raise RuntimeError(f"not repainted after the edit: {', '.join(missing)}")
        painted = [clock.painted[view] for view in main if view in clock.painted]
        times.append((since(began, max(painted)), since(began, max(clock.painted.values()))))
    return times[1:]


def engine_share(repeats: int) -> float:
    """Stepper.edit plus the loss and a 200 x 200 boundary: what any window must compute."""
    model = Model(chapter10_spec())
    stepper = Stepper(model)
    stepper.run_iterations(TRAINED)
    xs, ys = grid_coordinates(data_extent(model.X, model.X_val), BOUNDARY_CELLS)
    name, index = WEIGHT
    start = float(model.parameters()[name][index])
    flip = [0]

    def edit() -> None:
        flip[0] ^= 1
        stepper.edit(name, index, start + (STEP if flip[0] else -STEP))
        model.loss_with(name, index, start)
        model.predict_grid(xs, ys)

    return median_time(edit, repeats)


def since(began: tuple[float, float], end: tuple[float, float]) -> tuple[float, float]:
    return end[0] - began[0], end[1] - began[1]


def median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def main() -> None:
    repeats = 9 if "--quick" in sys.argv[1:] else 25
    maps = "--maps" in sys.argv[1:]
    rows = []
    clock = PaintClock()
    app, window, controller = open_window("spiral")
    if controller is None:
        rows.append(Row("edit: typed weight to updated views",
                        "not measured: the window opens no lab for 'spiral'",
                        f"<= {TARGET_MS:.0f} ms", False))
    else:
        window.resize(1600, 1000)
        views = watch_views(clock, window, maps)
        controller.run_iterations(TRAINED)
        controller.select(*WEIGHT)
        app.processEvents()
        at_start = edit_times(controller, clock, views, repeats)
        while controller.stepper.operations[controller.stepper.position].phase != "update":
            controller.step()
        app.processEvents()
        mid = edit_times(controller, clock, views, repeats)
        shown = ", ".join(views[0])
        following = ", ".join(views[1])
        for label, times in (("at an iteration start", at_start),
                             ("after the backward pass", mid)):
            main_views = [each[0][0] * 1e3 for each in times]
            every_view = [each[1][0] * 1e3 for each in times]
            main_cpu = [each[0][1] * 1e3 for each in times]
            every_cpu = [each[1][1] * 1e3 for each in times]
            rows.append(Row(f"edit {label}: typed weight to updated {shown}",
                            f"{median(main_views):.1f} ms", f"<= {TARGET_MS:.0f} ms",
                            at_most(median(main_views), TARGET_MS)))
            rows.append(Row(f"edit {label}: slowest of {len(times)}",
                            f"{max(main_views):.1f} ms"))
            rows.append(Row(f"edit {label}: and {following} too",
                            f"{median(every_view):.1f} ms"))
            rows.append(Row(f"edit {label}: CPU time to the main views, to every view",
                            f"{median(main_cpu):.1f}, {median(every_cpu):.1f} ms"))
    rows.append(Row("edit: engine share (Stepper.edit + loss + boundary grid)",
                    f"{engine_share(repeats) * 1e3:.1f} ms"))
    emit(rows, [f"Median of {repeats} edits of {WEIGHT[0]}{list(WEIGHT[1])}, "
                f"after {TRAINED} iterations."])


if __name__ == "__main__":
    main()
