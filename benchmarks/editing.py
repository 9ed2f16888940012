"""Milliseconds from a typed weight to the updated loss, tables and boundary, offscreen.

The window is built as main.py builds it, on the spiral scenario, trained 200 iterations. A
typed value reaches the engine as LabController.edit_value (what the parameter table's edit
signal calls); the figure is that call plus Qt processing every event it posted, so the
snapshot has reached the tables, the boundary plot and the curves. Two places in an
iteration are measured: at an iteration start (the edit changes what the next forward pass
computes) and after the backward pass (the stepper replays the iteration up to where it
stood, so the shown gradients follow the new weight).

The engine's own share (Stepper.edit, then the loss and the boundary grid) is timed too.
"""

from __future__ import annotations

import sys
import time

from common import Row, at_most, emit, median_time, open_window, use_repo_imports

use_repo_imports()

from engine.model import Model  # noqa: E402
from engine.scenarios import chapter10_spec  # noqa: E402
from engine.stepper import Stepper  # noqa: E402
from gui.controller import BOUNDARY_CELLS, data_extent  # noqa: E402
from gui.plots.decision_boundary import grid_coordinates  # noqa: E402

TARGET_MS = 30.0
TRAINED = 200
WEIGHT = ("dense1.weights", (0, 5))


def edit_times(app, controller, repeats: int) -> list[float]:
    """Seconds per edit, alternating between two values so every edit changes something."""
    name, index = WEIGHT
    start = float(controller.trainable.parameters()[name][index])
    times = []
    for number in range(repeats + 1):
        value = start + (0.01 if number % 2 else -0.01)
        began = time.perf_counter()
        controller.edit_value(name, index, value)
        app.processEvents()
        times.append(time.perf_counter() - began)
    return sorted(times[1:])


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
        stepper.edit(name, index, start + (0.01 if flip[0] else -0.01))
        model.loss_with(name, index, start)
        model.predict_grid(xs, ys)

    return median_time(edit, repeats)


def main() -> None:
    repeats = 9 if "--quick" in sys.argv[1:] else 25
    rows = []
    app, window, controller = open_window("spiral")
    if controller is None:
        rows.append(Row("edit: typed weight to updated views",
                        "not measured: the window opens no lab for 'spiral'",
                        f"<= {TARGET_MS:.0f} ms", False))
    else:
        window.resize(1600, 1000)
        controller.run_iterations(TRAINED)
        app.processEvents()
        at_start = edit_times(app, controller, repeats)
        while controller.stepper.operations[controller.stepper.position].phase != "update":
            controller.step()
        app.processEvents()
        mid = edit_times(app, controller, repeats)
        for label, times in (("at an iteration start", at_start),
                             ("after the backward pass", mid)):
            median_ms = times[len(times) // 2] * 1e3
            rows.append(Row(f"edit {label}: typed weight to updated views",
                            f"{median_ms:.1f} ms", f"<= {TARGET_MS:.0f} ms",
                            at_most(median_ms, TARGET_MS)))
            rows.append(Row(f"edit {label}: slowest of {len(times)}",
                            f"{times[-1] * 1e3:.1f} ms"))
    rows.append(Row("edit: engine share (Stepper.edit + loss + boundary grid)",
                    f"{engine_share(repeats) * 1e3:.1f} ms"))
    emit(rows, [f"Median of {repeats} edits of {WEIGHT[0]}{list(WEIGHT[1])}, "
                        f"after {TRAINED} iterations."])


if __name__ == "__main__":
    main()
