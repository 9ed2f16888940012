"""What the comparison part reads from the engine's runs for the compare panel: the frozen
ComparisonView, each run's small decision boundary (recomputed in time slices while running),
and the spec a run's edited settings make.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Mapping
from types import MappingProxyType

import numpy as np

from engine.training.comparison import Comparison, Run
from engine.training.fork import settings_table
from engine.training.plane import Extent, grid_axes, sealed
from engine.training.spec import HYPERPARAMETERS
from gui.controller.comparison_snapshot import EDITABLE, RUN_COLORS, ComparisonView, RunView
from gui.controller.snapshot import frozen_array

BOUNDARY_CELLS = 64  # each run's boundary: a thumbnail beside the others
BOUNDARIES_S = 0.5  # while running, a run's boundary is recomputed at most this often
BOUNDARY_BUDGET_S = 0.006  # and at most this long is spent on boundaries per view
_HIDDEN_SETTINGS = {"l2": ("weight_l2", "bias_l2"), "dropout": ("dropout",)}


class RunPictures:
    """Each run's boundary over the same square, recomputed when the run has changed: all at
    once while paused; while running, the stalest first, within a budget per view."""

    def __init__(self):
        self._boundaries: dict[str, tuple[tuple, np.ndarray, float]] = {}

    def boundaries(self, runs: tuple[Run, ...], extent: Extent, running: bool,
                   main_version: int) -> dict[str, np.ndarray]:
        """{run name: (cells, cells, classes) probabilities} of the runs drawn so far."""
        now = time.perf_counter()
        keys = {run.name: self._key(run, extent, main_version, number == 0)
                for number, run in enumerate(runs)}
        stale = [run for run in runs if run.name not in self._boundaries
                 or self._boundaries[run.name][0] != keys[run.name]]
        if running:
            stale = [run for run in stale if run.name not in self._boundaries
                     or now - self._boundaries[run.name][2] >= BOUNDARIES_S]
            stale.sort(key=lambda run: self._boundaries.get(run.name, ((), None, 0.0))[2])
        xs, ys = grid_axes(extent, BOUNDARY_CELLS)
        for run in stale:
            self._boundaries[run.name] = (keys[run.name], sealed(run.model.predict_grid(xs, ys)),
                                          time.perf_counter())
            if running and time.perf_counter() - now > BOUNDARY_BUDGET_S:
                break
        names = set(keys)
        self._boundaries = {name: kept for name, kept in self._boundaries.items()
                            if name in names}
        return {name: kept[1] for name, kept in self._boundaries.items()}

    @staticmethod
    def _key(run: Run, extent: Extent, main_version: int, is_main: bool) -> tuple:
        """What the boundary depends on: the run's stepper and iteration (the main run's
        values may also be edited: the controller's version)."""
        stepper = run.stepper
        return (id(stepper), stepper.iteration, stepper.position, extent,
                main_version if is_main else None)


def comparison_view(comparison: Comparison, colors: Mapping[str, str], pictures: RunPictures,
                    extent: Extent, running: bool, main_version: int, can_add: bool,
                    choices: Mapping[str, tuple[int, ...]]) -> ComparisonView:
    """The frozen view of `comparison`: the main run first, the others in colour order."""
    order = [name for name, _ in RUN_COLORS]
    runs = (comparison.main, *sorted(comparison.runs[1:], key=lambda run: order.index(run.name)))
    boundaries = pictures.boundaries(runs, extent, running, main_version)
    rows = settings_table([run.model.spec for run in runs])
    watched = comparison.watched
    return ComparisonView(
        runs=tuple(_run_view(run, colors[run.name], run is comparison.main,
                             boundaries.get(run.name)) for run in runs),
        rows=tuple((name, tuple(values), differ) for name, values, differ in rows),
        extent=extent, epoch=comparison.epoch, can_add=can_add,
        watched="" if watched is None else watched.label,
        choices=MappingProxyType(dict(choices)))


def _run_view(run: Run, color: str, is_main: bool, boundary: np.ndarray | None) -> RunView:
    model = run.model
    metrics = model.training_metrics()
    history = model.history()  # read-only views that later epochs never change
    internals = run.internals
    return RunView(
        name=run.name, color=color, is_main=is_main, status=run.status, message=run.message,
        forked_at=run.forked_at, epoch=run.iteration, loss=float(metrics["loss"]),
        accuracy=float(metrics["accuracy"]),
        learning_rate=float(model.value("optimizer.current_learning_rate")),
        editable=MappingProxyType(editable_settings(model.spec)),
        history=MappingProxyType({"loss": history["loss"], "accuracy": history["accuracy"]}),
        boundary=boundary,
        internals=None if internals is None else MappingProxyType(
            {column: frozen_array(values) for column, values in internals.columns().items()}),
        internals_labels=MappingProxyType({} if internals is None
                                          else internals.labels(model)))


def editable_settings(spec: Mapping) -> dict[str, object]:
    """{setting of EDITABLE: value}: momentum only for SGD; L2 and dropout of the first hidden
    layer (None without one)."""
    optimizer = spec["optimizer"]
    first = spec["hidden"][0] if spec["hidden"] else None
    return {"optimizer": optimizer["name"], "learning_rate": optimizer["learning_rate"],
            "decay": optimizer["decay"], "momentum": optimizer.get("momentum"),
            "l2": None if first is None else first["weight_l2"],
            "dropout": None if first is None else first["dropout"]}


def settings_spec(spec: Mapping, settings: Mapping[str, object]) -> tuple[dict, bool]:
    """(the spec with `settings` of EDITABLE applied, whether only optimizer hyperparameters
    changed); another optimizer starts from the book's defaults for it; L2 (of weights and
    biases) and dropout apply to every hidden layer. ValueError naming a bad setting."""
    unknown = set(settings) - set(EDITABLE)
    if unknown:
        raise ValueError(f"unknown settings {', '.join(sorted(unknown))}")
    changed = copy.deepcopy(dict(spec))
    name = str(settings.get("optimizer", spec["optimizer"]["name"]))
    if name not in HYPERPARAMETERS:
        raise ValueError(f"unknown optimizer {name!r}: choose one of {', '.join(HYPERPARAMETERS)}")
    same_optimizer = name == spec["optimizer"]["name"]
    optimizer = dict(spec["optimizer"]) if same_optimizer \
        else {"name": name, **HYPERPARAMETERS[name]}
    for key in ("learning_rate", "decay", "momentum"):
        if key in settings:
            if key not in HYPERPARAMETERS[name]:
                raise ValueError(f"{name} has no {key}")
            optimizer[key] = float(settings[key])
    changed["optimizer"] = optimizer
    for key, attributes in _HIDDEN_SETTINGS.items():
        if key not in settings:
            continue
        if not changed["hidden"]:
            raise ValueError(f"this network has no hidden layer to set {key} on")
        for layer in changed["hidden"]:
            layer.update({attribute: float(settings[key]) for attribute in attributes})
    return changed, same_optimizer and changed["hidden"] == spec["hidden"]
