"""engine.training.plane: a Model's picture over the input plane, recomputed within a budget."""

import numpy as np
import pytest

from engine.scenarios.presets import chapter10_spec
from engine.training.model import Model
from engine.training.plane import BOUNDARY_CELLS, MAP_CELLS, Plane, data_extent, grid_axes
from engine.training.stepper import Stepper


@pytest.fixture
def model():
    return Model(chapter10_spec())


def test_the_extent_is_a_square_around_every_point_with_a_margin():
    x_min, x_max, y_min, y_max = data_extent(np.array([[0.0, 0.0], [2.0, 1.0]]))
    assert (x_max - x_min) == pytest.approx(y_max - y_min) == pytest.approx(2.4)
    assert (x_min + x_max) / 2 == pytest.approx(1.0) and (y_min + y_max) / 2 == pytest.approx(0.5)
    xs, ys = grid_axes((x_min, x_max, y_min, y_max), 5)
    assert (xs[0], xs[-1], len(ys)) == (x_min, x_max, 5)


def test_a_refresh_draws_the_models_boundary_and_maps_read_only(model):
    plane = Plane(model)
    plane.refresh(model, version=1, running=False, budget=10.0)
    xs, ys = grid_axes(plane.extent, BOUNDARY_CELLS)
    assert plane.complete and plane.boundary_rows is None
    np.testing.assert_array_equal(plane.boundary, model.predict_grid(xs, ys))
    map_xs, map_ys = grid_axes(plane.extent, MAP_CELLS)
    np.testing.assert_array_equal(plane.maps[0], model.hidden_activations_grid(map_xs, map_ys, 1))
    assert not plane.boundary.flags.writeable and not plane.maps[0].flags.writeable


def test_a_plane_over_budget_comes_in_bands_of_rows_until_complete(model):
    plane = Plane(model)
    plane.refresh(model, version=1, running=False, budget=10.0)
    first = plane.boundary
    Stepper(model).run_iterations(20)
    frames = []
    while True:
        plane.refresh(model, version=2, running=False, budget=0.0)  # one row per call
        frames.append((plane.boundary_frame, plane.boundary_rows.tolist()))
        if plane.complete:
            break
    assert len(frames) == BOUNDARY_CELLS
    assert [rows for _, rows in frames] == [[row] for row in range(BOUNDARY_CELLS)]
    assert [frame for frame, _ in frames] == sorted({frame for frame, _ in frames})
    xs, ys = grid_axes(plane.extent, BOUNDARY_CELLS)
    np.testing.assert_array_equal(plane.boundary, model.predict_grid(xs, ys))
    assert not np.array_equal(plane.boundary, first)
    assert not first.flags.writeable  # an earlier frame never changes under its viewer


def test_validation_is_placed_at_its_epoch_and_forgotten_when_stepped_back(model):
    plane = Plane(model)
    stepper = Stepper(model)
    for epochs in (3, 2):
        stepper.run_iterations(epochs)
        plane.measure_validation(model, stepper.iteration)
    epochs, loss, accuracy = plane.validation_series()
    measured = model.validation_metrics()
    assert epochs.tolist() == [2, 4]  # after 3 and 5 updates: the epochs 2 and 4 ended there
    assert (loss[1], accuracy[1]) == (measured["loss"], measured["accuracy"])
    assert not epochs.flags.writeable and not loss.flags.writeable
    plane.measure_validation(model, 3)  # stepped back to epoch 3: epoch 5's measure is gone
    epochs, loss, _ = plane.validation_series()
    assert epochs.tolist() == [2] and len(loss) == 1


def test_validation_measurements_of_a_long_run_are_bounded(model):
    plane = Plane(model)
    for iteration in range(1, 200_001, 2):
        plane.validation.append((1.0 / iteration, 0.5), epoch=iteration)
    epochs, loss, _ = plane.validation_series()
    assert len(epochs) < 100_000 and epochs[-1] == 199_998
    assert epochs[0] == 0 and loss[0] == 1.0  # the first measurement is kept
