"""gui.controller.lab_controller driving the classification presets (an engine Model) against a
fake view."""

import copy

import numpy as np
import pytest

from engine.scenarios.presets import chapter10_spec
from engine.training.model import Model
from engine.training.plane import BOUNDARY_CELLS
from gui.controller.lab_controller import LabController
from gui.labs.classification.lab import classification_builders

EPOCH_100 = "epoch: 100, acc: 0.670, loss: 0.705, lr: 0.04999752512250644"
# SGD at learning rate 100 through a linear hidden layer overflows float32 at epoch 14.
DIVERGING = {"hidden": [{"neurons": 64, "activation": "linear"}],
             "optimizer": {"name": "sgd", "learning_rate": 100.0}}


class FakeView:
    """Records what the classification views would be shown."""

    def __init__(self, controller: LabController):
        self.snapshots = []
        self.messages = []
        self.data_messages = []
        controller.snapshot_changed.connect(self.snapshots.append)
        controller.status_message.connect(self.messages.append)
        controller.data_message.connect(lambda text, error: self.data_messages.append(
            (text, error)))

    @property
    def last(self):
        return self.snapshots[-1]


@pytest.fixture
def lab(qtbot):
    controller = LabController(classification_builders(), frame_s=0.04, tick_ms=0,
                               slice_budget_s=0.02, loss_curve=False)
    view = FakeView(controller)
    controller.load_scenario("spiral")
    controller.set_speed(100_000, "iterations")
    return controller, view


def weights(snapshot) -> dict[str, np.ndarray]:
    return {name: np.array(value) for name, value in snapshot.parameters.items()}


def test_the_spiral_preset_shows_the_books_plane_and_epoch_line(lab):
    controller, view = lab
    info = view.last.classification
    assert view.last.title == "Spiral (book chapter 10, Adam)"
    assert info.boundary.shape == (BOUNDARY_CELLS, BOUNDARY_CELLS, 3)
    assert np.allclose(info.boundary.sum(axis=2), 1, atol=1e-5)
    assert [grid.shape for grid in info.hidden_maps] == [(48, 48, 64)]
    assert info.status_line == "epoch: 0, acc: 0.360, loss: 1.099, lr: 0.05"
    assert info.points.shape == (300, 2) and info.validation_points.shape == (300, 2)
    x_min, x_max, y_min, y_max = info.extent
    assert x_min < info.points[:, 0].min() and x_max > info.points[:, 0].max()
    assert y_min < info.points[:, 1].min() and y_max > info.points[:, 1].max()
    assert not info.boundary.flags.writeable


def test_101_iterations_print_the_books_epoch_100_line(lab):
    controller, view = lab
    controller.run_iterations(101)
    assert view.last.log_lines[-1] == EPOCH_100
    assert len(view.last.log_lines) == 2
    info = view.last.classification
    assert len(info.history["loss"]) == 101
    # the validation set was measured on the way, as the book measures its test set
    assert np.isfinite(info.validation_loss).sum() >= 1  # epoch 100's measurement
    assert len(info.history_epochs) == 101 and info.history_epochs[-1] == 100


def test_validation_curves_keep_each_measurement_at_its_epoch_and_forget_undone_epochs(lab):
    controller, view = lab
    controller.run_iterations(250)
    first = view.last.classification
    controller.run_iterations(120)
    info = view.last.classification
    assert len(info.history["loss"]) == 370
    # every 100 epochs and at every frame, each at the epoch it ended
    assert info.validation_epochs.tolist() == [99, 199, 249, 299, 369]
    assert len(info.validation_loss) == len(info.validation_accuracy) == 5
    # what an earlier frame was shown never changes under it
    assert first.validation_epochs.tolist() == [99, 199, 249]
    assert np.isfinite(first.validation_loss).all()
    assert not info.validation_loss.flags.writeable
    controller.reset()
    controller.run_iterations(30)
    info = view.last.classification
    assert info.validation_epochs.tolist() == [29] and len(info.validation_accuracy) == 1


def test_the_boundary_changes_as_training_proceeds(lab):
    controller, view = lab
    before = view.last.classification
    controller.run_iterations(50)
    after = view.last.classification
    assert after.boundary_frame > before.boundary_frame
    assert np.abs(after.boundary - before.boundary).max() > 0.05


def test_a_changed_architecture_rebuilds_from_the_same_seed(lab):
    controller, view = lab
    controller.run_iterations(5)
    network = {"hidden": [{"neurons": 16, "activation": "tanh"}],
               "optimizer": {"name": "adam", "learning_rate": 0.02}}
    controller.set_architecture(network)
    assert view.last.iteration == 0
    fresh = Model({**chapter10_spec(), **copy.deepcopy(network)})
    assert all(np.array_equal(weights(view.last)[name], value)
               for name, value in fresh.parameters().items())
    assert view.last.classification.spec["hidden"][0]["neurons"] == 16
    controller.set_architecture({"hidden": chapter10_spec()["hidden"]})
    again = weights(view.last)
    controller.set_architecture({"hidden": chapter10_spec()["hidden"]})
    assert all(np.array_equal(again[name], value) for name, value in weights(view.last).items())


def test_a_refused_spec_changes_nothing_and_says_why(lab):
    controller, view = lab
    controller.run_iterations(3)
    controller.set_data_spec({"data": {"kind": "spiral", "samples": 100, "classes": 1}})
    assert view.last.iteration == 3
    assert "at least 2 classes" in view.messages[-1]


def test_a_changed_hyperparameter_applies_without_a_reset(lab):
    controller, view = lab
    controller.run_iterations(10)
    trained = weights(view.last)
    controller.set_hyperparameters({"learning_rate": 0.01})
    assert view.last.iteration == 10
    assert all(np.array_equal(trained[name], value)
               for name, value in weights(view.last).items())
    assert controller.model.optimizer.learning_rate == 0.01
    controller.run_iterations(1)
    assert controller.model.history()["learning_rate"][-1] == pytest.approx(
        0.01 / (1 + 5e-7 * 10))


def test_added_points_join_the_training_data_and_training_goes_on(lab):
    controller, view = lab
    controller.run_iterations(20)
    controller.add_point(0.25, -0.5, 2)
    info = view.last.classification
    assert view.last.iteration == 20
    assert info.user_points.tolist() == [[0.25, -0.5]] and info.user_labels.tolist() == [2]
    assert len(info.points) == 301 and info.labels[-1] == 2
    assert view.data_messages[-1] == ("Added a class 2 point at (0.250, -0.500).", False)
    controller.add_point(-0.1, 0.1, 0)
    controller.remove_point(0)
    assert view.last.classification.user_points.tolist() == [[-0.1, 0.1]]
    controller.clear_points()
    assert len(view.last.classification.user_points) == 0
    assert view.last.iteration == 20


def test_points_round_trip_through_csv_and_a_malformed_file_names_its_line(lab, tmp_path):
    controller, view = lab
    controller.add_point(0.5, 0.5, 1)
    path = tmp_path / "points.csv"
    controller.save_points(str(path))
    controller.clear_points()
    controller.load_points(str(path))
    assert view.last.classification.user_points.tolist() == [[0.5, 0.5]]
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y,class\n0.1,0.2,0\n0.3,oops,1\n")
    controller.load_points(str(bad))
    text, error = view.data_messages[-1]
    assert error and "line 3" in text and "current data is kept" in text
    assert view.last.classification.user_points.tolist() == [[0.5, 0.5]]


def test_a_divergence_pauses_with_its_epoch_and_one_call_restores(lab, qtbot):
    controller, view = lab
    controller.set_architecture(DIVERGING)
    controller.set_running(True)
    qtbot.waitUntil(lambda: not controller.is_running(), timeout=5000)
    snapshot = view.last
    assert "diverged at epoch 14" in snapshot.notice and snapshot.can_restore
    controller.restore_last_good()
    snapshot = view.last
    assert not snapshot.can_restore and snapshot.notice == ""
    assert all(np.isfinite(value).all() for value in snapshot.parameters.values())
    assert "Restored the last good state" in view.messages[-1]


def test_run_stops_after_the_epoch_budget_and_at_a_target(lab, qtbot):
    controller, view = lab
    controller.set_stop_conditions({"max_epochs": 30, "target_loss": None,
                                    "target_accuracy": None})
    controller.set_running(True)
    qtbot.waitUntil(lambda: not controller.is_running(), timeout=5000)
    assert view.last.iteration == 31
    assert view.messages[-1] == "Stopped after epoch 30, the epoch budget"
    controller.set_running(True)
    assert not controller.is_running() and "epoch budget" in view.messages[-1]
    controller.set_stop_conditions({"max_epochs": None, "target_loss": None,
                                    "target_accuracy": 0.5})
    controller.set_running(True)
    qtbot.waitUntil(lambda: not controller.is_running(), timeout=5000)
    accuracy = controller.model.history()["accuracy"]
    assert accuracy[-1] >= 0.5 and (accuracy[31:-1] < 0.5).all()
    assert f"at epoch {view.last.iteration - 1}" in view.messages[-1]


def test_any_weight_including_the_output_layers_can_be_edited_and_undone(lab):
    controller, view = lab
    assert controller.edit_value("dense2.weights", (3, 1), 0.5)
    assert view.last.parameters["dense2.weights"][3, 1] == np.float32(0.5)
    controller.select("dense2.weights", (3, 1))
    assert view.last.chain_rule.target == "dl/d(dense2.weights[3, 1])"
    controller.undo_stack.undo()
    assert view.last.parameters["dense2.weights"][3, 1] != np.float32(0.5)


def test_a_large_networks_plane_comes_in_slices_between_which_qt_answers(lab, qtbot):
    controller, view = lab
    controller.set_architecture({"hidden": [{"neurons": 256, "activation": "relu"}] * 3})
    first = view.last.classification
    controller.run_iterations(1)  # new parameters: a new plane is due, too big for one go
    sliced = view.last.classification
    assert sliced.boundary_rows is not None and len(sliced.boundary_rows) < 200
    qtbot.waitUntil(lambda: controller._part.plane.complete, timeout=10_000)
    final = view.last.classification
    assert final.boundary_frame > sliced.boundary_frame > first.boundary_frame
    assert np.isfinite(final.boundary).all()


def test_the_plane_worker_draws_the_plane_the_window_would(qtbot):
    from engine.training.plane import data_extent, grid_axes
    from engine.training.plane_worker import PlaneWorker
    from engine.training.stepper import Stepper

    model = Model(chapter10_spec())
    Stepper(model).run_iterations(30)
    xs, ys = grid_axes(data_extent(model.X, model.X_val), 200)
    worker = PlaneWorker()
    worker.start()
    arrived = []

    def finished() -> bool:
        result = worker.result()
        if result is not None:
            arrived.append(result)
        return bool(arrived)
    try:
        qtbot.waitUntil(worker.available, timeout=20_000)
        assert worker.submit("tag", 1, model.spec, model.parameters(), xs, ys)
        assert not worker.available()  # one plane at a time
        qtbot.waitUntil(finished, timeout=20_000)
    finally:
        worker.close()
    tag, plane = arrived[0]
    assert tag == "tag"
    np.testing.assert_allclose(plane, model.predict_grid(xs, ys), atol=1e-6)


def test_pausing_a_run_hands_freed_memory_back(lab, monkeypatch, qtbot):
    controller, view = lab
    released = []
    monkeypatch.setattr(
        "gui.controller.run_loop.release_freed_memory", lambda: released.append(1)
    )
    controller.set_running(True)
    qtbot.waitUntil(lambda: controller.stepper.iteration > 0)
    controller.set_running(False)
    controller.set_running(False)  # already paused: nothing more to give back
    assert released == [1]
