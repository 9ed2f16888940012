"""gui.controller.comparison_part: what the compare panel's requests do to the engine's runs."""

import copy

import numpy as np
import pytest

from engine.scenarios.presets import chapter10_spec
from engine.training.fork import capture_start, fork_stepper
from engine.training.model import Model
from gui.controller.comparison_views import settings_spec
from gui.controller.lab_controller import LabController
from gui.labs.classification.lab import classification_builders


@pytest.fixture
def controller(qtbot):
    controller = LabController(classification_builders(), loss_curve=False)
    controller.load_scenario("spiral")
    views, messages = [], []
    controller.comparison.comparison_changed.connect(views.append)
    controller.status_message.connect(messages.append)
    controller.views, controller.messages = views, messages
    return controller


def test_settings_make_the_spec_and_say_whether_they_change_in_place():
    spec = Model(chapter10_spec()).spec
    faster, in_place = settings_spec(spec, {"learning_rate": 0.1})
    assert in_place and faster["optimizer"] == {**spec["optimizer"], "learning_rate": 0.1}
    sgd, in_place = settings_spec(spec, {"optimizer": "sgd", "momentum": 0.5})
    assert not in_place
    assert sgd["optimizer"] == {"name": "sgd", "learning_rate": 1.0, "decay": 0.0,
                                "momentum": 0.5}
    dropped, in_place = settings_spec(spec, {"dropout": 0.1, "l2": 5e-4})
    assert not in_place
    assert dropped["hidden"][0] == {**spec["hidden"][0], "dropout": 0.1,
                                         "weight_l2": 5e-4, "bias_l2": 5e-4}
    with pytest.raises(ValueError, match="adam has no momentum"):
        settings_spec(spec, {"momentum": 0.9})
    with pytest.raises(ValueError, match="unknown optimizer"):
        settings_spec(spec, {"optimizer": "lbfgs"})


def test_a_run_changed_between_training_goes_on_as_a_fork_from_there(controller):
    part = controller.comparison
    part.add_run()
    controller.set_running(False)
    part.comparison.run_iterations(40)
    start = capture_start(part.comparison.run("vermillion").stepper)
    part.set_settings("vermillion", {"learning_rate": 0.01})  # in place: caches kept
    part.set_settings("vermillion", {"dropout": 0.1})  # a new fork from epoch 40
    run = part.comparison.run("vermillion")
    assert run.forked_at == 40 and run.model.spec["hidden"][0]["dropout"] == 0.1
    part.comparison.run_iterations(25)
    expected = copy.deepcopy(start.spec)
    expected["optimizer"]["learning_rate"] = 0.01
    expected["hidden"][0]["dropout"] = 0.1
    alone = fork_stepper(start, expected)  # both changes at epoch 40, trained alone
    alone.run_iterations(25)
    for name, values in alone.trainable.parameters().items():
        np.testing.assert_array_equal(run.model.parameters()[name], values)
    assert controller.messages[-1] == "Run 'vermillion': new settings from epoch 40 on"


def test_the_main_runs_learning_rate_goes_through_the_controller_and_undo_history(controller):
    part = controller.comparison
    part.add_run()
    part.set_settings("blue", {"learning_rate": 0.02})
    assert controller.model.spec["optimizer"]["learning_rate"] == 0.02
    assert controller.snapshot.classification.spec["optimizer"]["learning_rate"] == 0.02
    assert controller.views[-1].runs[0].editable["learning_rate"] == 0.02
    assert controller.views[-1].runs[1].editable["learning_rate"] == 0.05


def test_compare_is_refused_inside_an_iteration_and_says_how_to_go_on(controller):
    controller.step()
    controller.comparison.add_run()
    assert controller.comparison.comparison is None
    assert "finish it or step back" in controller.messages[-1]
    controller.finish_iteration()
    controller.comparison.add_run()
    assert [run.name for run in controller.views[-1].runs] == ["blue", "vermillion"]
    controller.comparison.close()
    assert controller.views[-1] is None
