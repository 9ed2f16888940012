"""The built-in lessons, played headless from start to end: every step plays without a warning,
every task is open when its step begins and met by doing what its hint says, every number a
caption writes out is one the lesson shows, and the lessons end on the seed's and the book's
own numbers."""

import json
import re

import numpy as np
import pytest

from engine.files.lesson import LessonError
from engine.files.lesson_actions import Stage, apply_actions
from engine.files.lesson_library import ORDER, builtin_names, builtin_titles, load_builtin
from engine.files.lesson_player import LessonPlayer, PlayedStep
from engine.files.session import Session
from tests.reference import CH10_ADAM_SPIRAL, SEED_EXAMPLES

SEED = json.loads(SEED_EXAMPLES.read_text())["book"]
CH10_LINES = CH10_ADAM_SPIRAL.read_text().splitlines()
# A number a reader would check: with a decimal point or an exponent (whole numbers in captions
# count things: 3 inputs, 200 iterations, 64 neurons).
DECIMAL = re.compile(r"-?\d+\.\d+(?:e[-+]?\d+)?|-?\d+e[-+]?\d+")
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


@pytest.fixture(scope="module")
def lessons() -> dict[str, tuple[LessonPlayer, list[PlayedStep]]]:
    """Every built-in lesson played to its end, once for all the tests here."""
    played = {}
    for name in builtin_names():
        player = LessonPlayer(load_builtin(name))
        played[name] = (player, [player.play(number) for number in range(len(player))])
    return played


def test_the_built_in_lessons_are_the_course_in_order():
    assert builtin_names() == list(ORDER)
    titles = builtin_titles()
    assert list(titles) == list(ORDER) and all(titles.values())
    assert load_builtin("neuron").name == "neuron"
    with pytest.raises(LessonError, match="no built-in lesson 'nope': choose one of neuron"):
        load_builtin("nope")


def test_every_step_plays_without_a_warning_with_all_it_highlights(lessons):
    for name, (_, steps) in lessons.items():
        for played in steps:
            where = f"{name} step {played.number + 1}"
            assert played.warnings == (), where
            assert played.highlights == played.step.highlights, where
            assert played.step.highlights, f"{where} points at nothing"
            assert "?" not in played.values.values(), where
            assert played.caption_text().strip() and played.step.title, where


def test_every_task_is_open_at_first_and_met_by_doing_what_its_hint_says(lessons):
    tasks = 0
    for name, (player, steps) in lessons.items():
        for played in steps:
            task = played.step.task
            if task is None:
                continue
            tasks += 1
            where = f"{name} step {played.number + 1}"
            assert played.status.value is not None and not played.status.met, where
            assert task.solution, f"{where}: a built-in task shows how it is done"
            hint = task.hint.plain(played.values)
            for action in task.solution:
                said = {"set": [f"{action.value:g}" if isinstance(action.value, float)
                                else str(action.value)],
                        "run_to": [str(action.count - 1), str(action.count)]}[action.kind]
                assert any(text in hint for text in said), f"{where}: the hint skips {action}"
            _, status, warnings = player.solve(played.number)
            assert status.done and warnings == (), (where, status, warnings)
    assert tasks == 6


def _shown(values, text: str) -> set[float]:
    return {float(n) for n in NUMBER.findall(text)} | {float(n) for value in values
                                                       for n in NUMBER.findall(value)}


def _state_numbers(played: PlayedStep) -> set[float]:
    """Every number of the step's state: parameters, hyperparameters and spec, before and after
    its actions, and what its actions and task set or compare."""
    numbers = set()
    for session in (played.start, played.session):
        for array in session.build_trainable().parameters().values():
            numbers |= set(np.asarray(array, dtype=np.float64).ravel().tolist())
        numbers |= {float(n) for n in NUMBER.findall(json.dumps(session.spec))}
        stepper = session.build_stepper()
        numbers |= set(np.concatenate([np.ravel(v) for v in
                                       stepper.trainable.parameters().values()]).tolist())
        numbers |= {float(v) for v in getattr(stepper.trainable, "hyperparameters",
                                              dict)().values()}
    task = played.step.task
    actions = (*played.step.actions, *(task.solution if task else ()))
    numbers |= {float(a.value) for a in actions if isinstance(a.value, (int, float))}
    if task:
        numbers.add(task.check.threshold)
    return numbers


def test_every_number_a_caption_writes_out_is_one_the_lesson_shows(lessons):
    """Placeholders fill the numbers in; a number typed into a caption (a recap of an earlier
    step, the learning rate in a formula) must be one the lesson has shown by then, or a value
    of the step's state. Code quoting the book is left alone."""
    for name, (_, steps) in lessons.items():
        shown: set[float] = set()
        for played in steps:
            shown |= _shown(played.values.values(), "")
            known = shown | _state_numbers(played)
            captions = [played.step.caption]
            if played.step.task:
                captions += [played.step.task.text, played.step.task.hint]
            for caption in captions:
                for block in caption.blocks:
                    for item in block.items:
                        for span in item:
                            if span.placeholder or span.code:
                                continue
                            for literal in DECIMAL.findall(span.text):
                                assert float(literal) in known, \
                                    f"{name} step {played.number + 1} writes {literal}"


def test_the_hand_lessons_land_where_the_window_doing_their_actions_lands(lessons):
    for name in ("neuron", "layer"):
        for played in lessons[name][1]:
            stage = Stage(played.start.build_stepper(), played.start.scenario,
                          played.start.title, played.selection)
            apply_actions(stage, played.step.actions, "again")
            again = Session.capture(stage.stepper, stage.scenario, stage.title)
            assert again.stepper == played.session.stepper, f"{name} {played.number + 1}"


def test_the_single_neuron_ends_with_the_notebooks_printout(lessons):
    last = lessons["neuron"][1][-1]
    trainable = last.session.build_stepper().trainable
    lines = trainable.log_lines()
    assert [line.split("Loss: ")[1] for line in lines[:200]] == SEED["neuron"]["losses"]
    np.testing.assert_array_equal(trainable.value("weights"), SEED["neuron"]["final_weights"])
    assert float(trainable.value("bias")) == SEED["neuron"]["final_bias"]
    text = last.caption_text()
    assert f"Iteration 200, Loss: {SEED['neuron']['losses'][-1]}" in text
    assert "Final bias: 0.6009044964517248" in text


def test_the_layer_ends_with_the_notebooks_printout(lessons):
    last = lessons["layer"][1][-1]
    trainable = last.session.build_stepper().trainable
    np.testing.assert_array_equal(trainable.value("W"), SEED["layer"]["final_W"])
    np.testing.assert_array_equal(trainable.value("B"), SEED["layer"]["final_B"])
    losses = [line.split("Loss: ")[1] for line in trainable.log_lines()[:10]]
    assert losses == list(SEED["layer"]["losses_every_20"].values())
    assert " [-0.00698895 -0.04024714 -0.06451539]" in last.caption_text()


def test_the_chapter_lessons_quote_the_books_printed_lines(lessons):
    optimizers = lessons["optimizers"][1]
    assert optimizers[-1].values["line -1"] == CH10_LINES[100]  # epoch 10000
    assert optimizers[5].values["line -1"] == CH10_LINES[20]  # epoch 2000, Adam
    overfitting = lessons["overfitting"][1]
    assert overfitting[0].values["line -1"] == CH10_LINES[20]
    assert overfitting[1].values["line -1"] == CH10_LINES[100]
    assert overfitting[1].values["validation_line"] == CH10_LINES[101]
