"""The controller's parts behind the facade: the action announcements, the part chosen for each
kind of trainable, the stop conditions, and snapshots that own their arrays."""

import numpy as np
import pytest

from engine.scenarios.presets import SCENARIOS, chapter10_spec
from engine.training.model import Model
from engine.training.stepper import Stepper
from gui.controller.lab_controller import LabController
from gui.controller.stop_conditions import StopConditions
from gui.labs.hand.lab import hand_builders


@pytest.fixture
def neuron(qtbot):
    controller = LabController(hand_builders())
    controller.load_scenario("neuron")
    return controller


def test_each_action_is_announced_once_with_its_arguments_by_name(neuron):
    heard = []
    neuron.action_performed.connect(lambda name, args: heard.append((name, args)))
    neuron.edit_value("weights", (1,), 0.5)
    neuron.toggle_running()  # runs set_running inside: only the outer action is announced
    neuron.toggle_running()
    assert heard == [("edit_value", {"name": "weights", "index": (1,), "value": 0.5,
                                     "session": 0}),
                     ("toggle_running", {}), ("toggle_running", {})]


def test_the_part_follows_the_kind_of_trainable(qtbot):
    spiral, neuron = SCENARIOS["spiral"], SCENARIOS["neuron"]
    controller = LabController({"spiral": (spiral.title, spiral.build),
                                "neuron": (neuron.title, neuron.build)})
    controller.load_scenario("spiral")
    assert controller.epoch_word == "epoch" and isinstance(controller.model, Model)
    assert controller.snapshot.classification is not None
    controller.load_scenario("neuron")
    assert controller.epoch_word == "iteration" and controller.model is None
    assert controller.snapshot.classification is None


def test_a_snapshot_owns_read_only_arrays_the_engine_never_writes_again(neuron):
    before = neuron.snapshot
    neuron.step()
    trainable = neuron.trainable
    for name, value in neuron.snapshot.values.items():
        assert not value.flags.writeable
        assert not np.shares_memory(value, trainable.value(name))
    neuron.edit_value("weights", (0,), 4.0)
    assert before.parameters["weights"].tolist() == [-3.0, -1.0, 2.0]
    assert neuron.snapshot.parameters["weights"][0] == 4.0


def test_stop_conditions_say_why_run_stops_and_outlive_a_rebuild(qtbot):
    stops = StopConditions()
    stops.set({"max_epochs": 5})
    assert stops.values == {"max_epochs": 5, "target_loss": None, "target_accuracy": None}
    assert (stops.epochs_left(2), stops.epochs_left(9), stops.has_target) == (4, 0, False)
    model = Model(chapter10_spec())
    Stepper(model).run_iterations(7)
    assert stops.reason(6, model) == "Stopped after epoch 5, the epoch budget"
    assert stops.reason(6, model, starting=True).startswith("Epoch 5 is done")
    stops.set({"target_loss": 2.0})
    loss = float(model.value("loss"))
    assert stops.reason(7, model) == f"Stopped: the loss reached {loss:.4g} <= 2 at epoch 6"
    assert stops.reason(0, model) is None and stops.reason(7, model, starting=True) is None

    spiral = SCENARIOS["spiral"]
    controller = LabController({"spiral": (spiral.title, spiral.build)})
    controller.load_scenario("spiral")
    controller.set_stop_conditions({"max_epochs": 30})
    controller.set_architecture({"hidden": [{"neurons": 8, "activation": "relu"}]})
    assert controller.snapshot.classification.stop_conditions["max_epochs"] == 30
