"""The network dock: shape changes ask for a rebuild, step-time numbers for an update only."""

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from gui.labs.classification.network_panel import NetworkDock
from gui.shell.theme import current_theme
from tests.gui.classification_fakes import count_near, pixels, rect_in, save_shot


@pytest.fixture
def dock(qtbot):
    widget = NetworkDock()
    qtbot.addWidget(widget)
    widget.resize(380, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def type_into(qtbot, box, text):
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), text)
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)


def choose(qtbot, combo, label):
    """Pick an entry the way a keyboard user does: focus, then type its first letters."""
    combo.setFocus()
    index = combo.findText(label)
    assert index >= 0, label
    combo.setCurrentIndex(index)


def test_starts_with_the_books_chapter_10_network(dock):
    assert dock.architecture() == {
        "hidden": [{"neurons": 64, "activation": "relu", "dropout": 0.0,
                    "weight_l1": 0.0, "bias_l1": 0.0, "weight_l2": 0.0, "bias_l2": 0.0}],
        "output": {"weight_l1": 0.0, "bias_l1": 0.0, "weight_l2": 0.0, "bias_l2": 0.0},
        "loss": "categorical_crossentropy",
        "optimizer": {"name": "adam", "learning_rate": 0.05, "decay": 5e-7, "epsilon": 1e-7,
                      "beta_1": 0.9, "beta_2": 0.999},
        "numerics": "book",
    }
    assert dock.optimizer_inputs["adam"]["decay"].text() == "5e-07"
    assert dock.stop_conditions() == {"max_epochs": 10_000, "target_loss": None,
                                      "target_accuracy": None}


def test_more_layers_show_their_inputs_and_ask_for_a_rebuild(qtbot, dock):
    with qtbot.waitSignal(dock.architecture_changed) as signal:
        type_into(qtbot, dock.hidden_count, "3")
    assert len(signal.args[0]["hidden"]) == 3
    assert [layer.isVisible() for layer in dock.layers] == [True, True, True, False]
    assert dock.layers[2].title() == "Hidden layer 3 (dense3)"
    assert dock.output_group.title() == "Output layer (dense4)"
    with qtbot.waitSignal(dock.architecture_changed) as signal:
        type_into(qtbot, dock.hidden_count, "0")
    assert signal.args[0]["hidden"] == []
    assert not any(layer.isVisible() for layer in dock.layers)


def test_neurons_activation_and_dropout_are_structure(qtbot, dock):
    layer = dock.layers[0]
    with qtbot.waitSignal(dock.architecture_changed) as signal, \
            qtbot.assertNotEmitted(dock.hyperparameters_changed):
        type_into(qtbot, layer.neurons, "256")
    assert signal.args[0]["hidden"][0]["neurons"] == 256
    with qtbot.waitSignal(dock.architecture_changed) as signal:
        choose(qtbot, layer.activation, "Tanh")
    assert signal.args[0]["hidden"][0]["activation"] == "tanh"
    with qtbot.waitSignal(dock.architecture_changed) as signal:
        type_into(qtbot, layer.dropout, "0.1")
    assert signal.args[0]["hidden"][0]["dropout"] == 0.1


def test_learning_rate_is_a_hyperparameter_sent_alone(qtbot, dock):
    box = dock.optimizer_inputs["adam"]["learning_rate"]
    with qtbot.waitSignal(dock.hyperparameters_changed) as signal, \
            qtbot.assertNotEmitted(dock.architecture_changed):
        type_into(qtbot, box, "2e-3")
    assert signal.args == [{"learning_rate": 0.002}]
    assert box.text() == "0.002"
    with qtbot.waitSignal(dock.hyperparameters_changed) as signal:
        type_into(qtbot, box, "1e-6")
    assert signal.args == [{"learning_rate": 1e-6}]


def test_regularization_strengths_rebuild(qtbot, dock):
    """The model adds its regularization-loss operations at build time, so L1/L2 rebuild."""
    type_into(qtbot, dock.hidden_count, "2")
    with qtbot.waitSignal(dock.architecture_changed) as signal, \
            qtbot.assertNotEmitted(dock.hyperparameters_changed):
        type_into(qtbot, dock.layers[1].regularizers["weight_l2"], "5e-4")
    assert signal.args[0]["hidden"][1]["weight_l2"] == 0.0005
    with qtbot.waitSignal(dock.architecture_changed) as signal:
        type_into(qtbot, dock.output_regularizers["bias_l1"], "1e-3")
    assert signal.args[0]["output"]["bias_l1"] == 0.001


def test_what_the_docks_send_builds_the_engines_model(qtbot, dock):
    """Merged into a spec, the dock's fragments are what engine.training.model accepts, and a
    hyperparameter change is what the model's set_hyperparameters takes."""
    from engine.training.model import Model
    from gui.labs.classification.data_panel import DataDock

    data_dock = DataDock()
    qtbot.addWidget(data_dock)
    type_into(qtbot, dock.hidden_count, "2")
    choose(qtbot, dock.layers[1].activation, "Tanh")
    type_into(qtbot, dock.layers[0].dropout, "0.1")
    type_into(qtbot, dock.layers[0].regularizers["weight_l2"], "5e-4")
    spec = {**data_dock.spec(), **dock.architecture()}
    spec["data"]["samples"] = 10
    model = Model(spec)
    assert model.dense_names == ["dense1", "dense2", "dense3"]
    with qtbot.waitSignal(dock.hyperparameters_changed) as signal:
        type_into(qtbot, dock.optimizer_inputs["adam"]["beta_2"], "0.99")
    model.set_hyperparameters(**signal.args[0])
    assert model.hyperparameters()["beta_2"] == 0.99


def test_arrows_step_rates_through_1_2_5(qtbot, dock):
    box = dock.optimizer_inputs["adam"]["learning_rate"]
    seen = []
    dock.hyperparameters_changed.connect(lambda values: seen.append(values["learning_rate"]))
    box.setFocus()
    for key in (Qt.Key.Key_Up, Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Down, Qt.Key.Key_Down):
        qtbot.keyClick(box, key)
    assert seen == pytest.approx([0.1, 0.2, 0.1, 0.05, 0.02])
    momentum = dock.optimizer_inputs["sgd"]["momentum"]
    momentum.setValue(0.5)
    momentum.stepBy(1)
    assert momentum.value() == pytest.approx(0.55)


def test_optimizer_choice_shows_its_own_inputs_and_rebuilds(qtbot, dock):
    with qtbot.waitSignal(dock.architecture_changed) as signal:
        choose(qtbot, dock.optimizer_box, "SGD")
    assert signal.args[0]["optimizer"] == {"name": "sgd", "learning_rate": 1.0, "decay": 1e-3,
                                           "momentum": 0.9}
    assert dock.optimizer_pages.currentIndex() == 0
    assert dock.optimizer_inputs["sgd"]["momentum"].isVisible()
    assert not dock.optimizer_inputs["adam"]["beta_1"].isVisible()
    with qtbot.waitSignal(dock.architecture_changed) as signal:
        choose(qtbot, dock.optimizer_box, "RMSprop")
    assert signal.args[0]["optimizer"] == {"name": "rmsprop", "learning_rate": 0.02,
                                           "decay": 1e-5, "epsilon": 1e-7, "rho": 0.999}
    with qtbot.waitSignal(dock.architecture_changed) as signal:
        choose(qtbot, dock.numerics_box, "Native (float64)")
    assert signal.args[0]["numerics"] == "native"


@pytest.mark.parametrize(
    ("where", "typed", "message"),
    [
        (lambda d: d.layers[0].neurons, "300", "Layer 1 neurons: 300 is not between 1 and 256; "
                                               "kept 64."),
        (lambda d: d.layers[0].neurons, "0", "Layer 1 neurons: 0 is not between 1 and 256"),
        (lambda d: d.hidden_count, "5", "Hidden layers: 5 is not between 0 and 4; kept 1."),
        (lambda d: d.optimizer_inputs["adam"]["learning_rate"], "1000",
         "Adam learning rate: 1000 is not between 1e-06 and 100; kept 0.05."),
        (lambda d: d.optimizer_inputs["adam"]["learning_rate"], "0",
         "Adam learning rate: 0 is not between 1e-06 and 100; kept 0.05."),
        (lambda d: d.optimizer_inputs["adam"]["beta_1"], "1",
         "Adam beta 1: 1 is not between 0 and 0.9999; kept 0.9."),
        (lambda d: d.optimizer_inputs["adam"]["epsilon"], "abc",
         "Adam epsilon: type a number such as 0.05 or 5e-7 ('c' is not one)."),
        (lambda d: d.optimizer_inputs["adam"]["epsilon"], "-",
         "Adam epsilon: - is not between 1e-10 and 1; kept 1e-07."),
        (lambda d: d.layers[0].dropout, "0.95", "Layer 1 dropout: 0.95 is not between 0 and 0.9"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_the_value_kept(qtbot, dock, where, typed,
                                                                  message):
    box = where(dock)
    before = box.value()
    with qtbot.assertNotEmitted(dock.architecture_changed), \
            qtbot.assertNotEmitted(dock.hyperparameters_changed):
        type_into(qtbot, box, typed)
    assert box.value() == before
    assert dock.message.text().startswith(message)


def test_nan_and_inf_are_not_numbers_here(qtbot, dock):
    box = dock.optimizer_inputs["adam"]["learning_rate"]
    type_into(qtbot, box, "nan")
    assert box.value() == 0.05
    assert "type a number" in dock.message.text()


def wheel_up(widget):
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(centre, widget.mapToGlobal(centre), QPoint(0, 0), QPoint(0, 120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def test_wheel_over_an_unclicked_box_scrolls_the_dock_not_the_network(qtbot, dock):
    neurons, optimizer = dock.layers[0].neurons, dock.optimizer_box
    dock.setFocus()
    with qtbot.assertNotEmitted(dock.architecture_changed):
        wheel_up(neurons)
        wheel_up(optimizer)
    assert neurons.value() == 64 and optimizer.currentText() == "Adam"
    neurons.setFocus()
    with qtbot.waitSignal(dock.architecture_changed) as signal:
        wheel_up(neurons)
    assert signal.args[0]["hidden"][0]["neurons"] == 65
    assert neurons.focusPolicy() == Qt.FocusPolicy.ClickFocus  # Tab leaves the shortcuts alone


def test_stop_conditions(qtbot, dock):
    with qtbot.waitSignal(dock.stop_conditions_changed) as signal:
        qtbot.mouseClick(dock.target_accuracy_on, Qt.MouseButton.LeftButton)
    assert signal.args[0] == {"max_epochs": 10_000, "target_loss": None, "target_accuracy": 0.95}
    assert dock.target_accuracy.isEnabled() and not dock.target_loss.isEnabled()
    with qtbot.waitSignal(dock.stop_conditions_changed) as signal:
        type_into(qtbot, dock.max_epochs, "10001")
    assert signal.args[0]["max_epochs"] == 10_001
    with qtbot.waitSignal(dock.stop_conditions_changed) as signal:
        qtbot.mouseClick(dock.max_epochs_on, Qt.MouseButton.LeftButton)
    assert signal.args[0]["max_epochs"] is None


def test_set_from_code_does_not_echo_and_accepts_a_whole_model_spec(qtbot, dock):
    spec = {"data": {"kind": "spiral", "samples": 100, "classes": 3},
            "hidden": [{"neurons": 512 // 4, "activation": "sigmoid"},
                       {"neurons": 8, "activation": "linear", "dropout": 0.2,
                        "weight_l2": 5e-4}],
            "output": {"bias_l2": 1e-4},
            "optimizer": {"name": "sgd", "learning_rate": 0.5},
            "seed": 0, "numerics": "native"}
    with qtbot.assertNotEmitted(dock.architecture_changed), \
            qtbot.assertNotEmitted(dock.hyperparameters_changed), \
            qtbot.assertNotEmitted(dock.stop_conditions_changed):
        dock.set_architecture(spec)
        dock.set_architecture(spec)
        dock.set_stop_conditions({"max_epochs": None, "target_loss": 0.2,
                                  "target_accuracy": None})
    architecture = dock.architecture()
    assert [layer["neurons"] for layer in architecture["hidden"]] == [128, 8]
    assert architecture["hidden"][1]["activation"] == "linear"
    assert architecture["hidden"][1]["weight_l2"] == 5e-4
    assert architecture["output"]["bias_l2"] == 1e-4
    assert architecture["optimizer"] == {"name": "sgd", "learning_rate": 0.5, "decay": 1e-3,
                                         "momentum": 0.9}
    assert architecture["numerics"] == "native"
    assert dock.optimizer_pages.currentIndex() == 0
    assert dock.stop_conditions() == {"max_epochs": None, "target_loss": 0.2,
                                      "target_accuracy": None}
    assert dock.target_loss.isEnabled() and not dock.max_epochs.isEnabled()
    # After a set from code, a user change sends only itself.
    with qtbot.waitSignal(dock.hyperparameters_changed) as signal:
        type_into(qtbot, dock.optimizer_inputs["sgd"]["momentum"], "0.5")
    assert signal.args == [{"momentum": 0.5}]


def test_the_rendered_dock_shows_the_set_network_and_the_refusal(dock, tmp_path):
    dock.set_architecture({"hidden": [{"neurons": 64, "activation": "relu",
                                       "weight_l2": 5e-4, "bias_l2": 5e-4},
                                      {"neurons": 32, "activation": "tanh", "dropout": 0.1}],
                           "optimizer": {"name": "adam", "learning_rate": 0.02, "decay": 5e-7}})
    dock.message.setText("Layer 1 neurons: 300 is not between 1 and 256; kept 64.")
    dock.resize(380, 1000)
    image = save_shot(dock, "network_dock", tmp_path)
    assert [layer.isVisible() for layer in dock.layers] == [True, True, False, False]
    first, second = dock.layers[:2]
    assert (first.neurons.text(), first.activation.currentText()) == ("64", "ReLU")
    assert first.regularizers["weight_l2"].text() == "0.0005"
    assert (second.neurons.text(), second.activation.currentText(), second.dropout.text()) == \
        ("32", "Tanh", "0.1")
    assert dock.output_group.title() == "Output layer (dense3)"
    assert dock.optimizer_box.currentText() == "Adam"
    assert dock.optimizer_inputs["adam"]["learning_rate"].text() == "0.02"
    # All of it fits the dock's height, and the refusal shows below in the warning colour.
    for widget in (dock.output_group, dock.max_epochs, dock.message):
        assert dock.rect().contains(rect_in(widget, dock)), widget
    message = pixels(image, rect_in(dock.message, dock))
    assert count_near(message, current_theme().negative, tolerance=60) > 150
