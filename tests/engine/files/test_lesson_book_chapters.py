"""Lessons on the book's chapters 16 and 17: a step starting from `binary` or `sine` plays to
the book's lines, highlights the confusion panel, the regression plot and a chain rule through
the sigmoid or linear output, and a spec change swaps the regression's loss."""

from engine.files.lesson import lesson_from_document
from engine.files.lesson_player import LessonPlayer

# The book's lines at epoch 100 (tests/engine/training/test_runner.py checks them against the
# book's chapter scripts under nnfs.init()).
CH16_EPOCH_100 = ("epoch: 100, acc: 0.630, loss: 0.674 (data_loss: 0.673, reg_loss: 0.001), "
                  "lr: 0.0009999505024501287")
CH17_EPOCH_100 = ("epoch: 100, acc: 0.017, loss: 0.048 (data_loss: 0.048, reg_loss: 0.000), "
                  "lr: 0.004549590536851684")


def player(*steps: dict) -> LessonPlayer:
    return LessonPlayer(lesson_from_document(
        {"app": "backprop-playground", "kind": "lesson", "format": 1, "title": "Chapters 16-17",
         "steps": list(steps)}))


def test_lessons_on_binary_and_sine_play_to_the_books_lines():
    played = player(
        {"caption": "{{ line -1 }}", "start": {"scenario": "binary"},
         "actions": [{"do": "run", "iterations": 101},
                     {"do": "select", "target": "dense2.weights[3, 0]"}],
         "highlight": [{"panel": "confusion"}, {"plot": "boundary"},
                       {"chain_rule": "product"}]},
        {"caption": "{{ line -1 }}", "start": {"scenario": "sine"},
         "actions": [{"do": "run", "iterations": 101},
                     {"do": "select", "target": "dense3.weights[7, 0]"}],
         "highlight": [{"plot": "regression"}, {"chain_rule": "product"}]})
    binary, sine = played.play(0), played.play(1)
    assert (binary.lab, sine.lab) == ("classification", "classification")
    assert binary.caption_text() == CH16_EPOCH_100 and binary.warnings == ()
    assert sine.caption_text() == CH17_EPOCH_100 and sine.warnings == ()
    assert len(binary.highlights) == 3 and len(sine.highlights) == 2
    assert str(sine.selection) == "dense3.weights[7, 0]"


def test_a_step_can_swap_the_regressions_loss_for_mean_absolute_error():
    played = player({"caption": "{{ setting spec.loss }}", "start": {"scenario": "sine"},
                     "actions": [{"do": "set", "target": "spec.loss",
                                  "value": "mean_absolute_error"},
                                 {"do": "run", "iterations": 3}]}).play(0)
    model = played.session.build_stepper().trainable
    assert model.spec["loss"] == "mean_absolute_error" and played.warnings == ()
    assert played.session.stepper["iteration"] == 3


def test_a_pair_that_does_not_fit_the_data_is_a_warning_and_the_network_stays():
    played = player({"caption": "x", "start": {"scenario": "sine"},
                     "actions": [{"do": "set", "target": "spec.loss",
                                  "value": "binary_crossentropy"}]}).play(0)
    assert played.warnings == (
        "step 1, actions[0] (set spec.loss = binary_crossentropy): the network cannot be built "
        "so: binary_crossentropy does not fit sine data: choose mean_squared_error or "
        "mean_absolute_error",)
    assert played.session.build_stepper().trainable.spec["loss"] == "mean_squared_error"
