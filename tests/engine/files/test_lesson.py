"""Lesson files as a teacher writes them: what loads, what is refused and how the message
points at the step and field to fix, saving and loading back, the caps on size and work."""

import copy
import json

import pytest

from engine.files.lesson import (
    MAX_FILE_BYTES,
    MAX_LESSON_ITERATIONS,
    LessonError,
    lesson_from_document,
    lesson_from_text,
    load_lesson,
    save_lesson,
    session_start,
)
from engine.files.lesson_steps import MAX_ACTIONS, MAX_ITERATIONS
from engine.files.lesson_terms import Quantity, SpecPath, Target
from engine.files.session import Session
from engine.scenarios.presets import SCENARIOS
from engine.training.stepper import Stepper


def document(*steps: dict, **top) -> dict:
    return {"app": "backprop-playground", "kind": "lesson", "format": 1, "title": "A lesson",
            **top, "steps": list(steps)}


FIRST = {"caption": "The neuron.", "start": {"scenario": "neuron"}}
TASKED = {"caption": "Your turn.",
          "task": {"text": "Make dl/dw0 negative.",
                   "check": {"quantity": "gradient weights[0]", "compare": "<",
                             "threshold": 0, "may_change": ["inputs"]},
                   "hint": "Set x0 to -1.0.",
                   "solution": [{"do": "set", "target": "inputs[0]", "value": -1.0}]}}


def refused(doc: dict) -> str:
    with pytest.raises(LessonError) as error:
        lesson_from_document(doc)
    return str(error.value)


def test_a_lesson_of_every_part_loads_as_written():
    lesson = lesson_from_document(document(
        {**FIRST, "title": "Start", "delay": 0.5, "hold": 8,
         "actions": [{"do": "step", "count": 3}, {"do": "select", "target": "weights[0]"},
                     {"do": "set", "target": "learning_rate", "value": 0.01},
                     {"do": "open", "panel": "chain_rule"}, {"do": "layout", "name": "default"}],
         "highlight": [{"panel": "chain_rule"}, {"cell": "weights[1]"},
                       {"diagram": "edge[0, 2]"}, {"chain_rule": "product"}, {"plot": "loss"}]},
        TASKED,
        {"caption": "Spiral.", "start": {"scenario": "spiral", "spec": {"seed": 3}},
         "actions": [{"do": "run_to", "iteration": 10},
                     {"do": "set", "target": "spec.hidden[0].neurons", "value": 8},
                     {"do": "set", "target": "spec.optimizer", "value": {"name": "sgd"}},
                     {"do": "finish_iteration"}, {"do": "reset"}, {"do": "step_back"}]},
        summary="Two lines."), name="mine")
    first, second, third = lesson.steps
    assert (lesson.title, lesson.summary, lesson.name) == ("A lesson", "Two lines.", "mine")
    assert (first.title, first.delay, first.hold, first.start.kind) == ("Start", 0.5, 8, "scenario")
    assert [str(a) for a in first.actions] == [
        "step 3", "select weights[0]", "set learning_rate = 0.01", "open chain_rule",
        "layout default"]
    assert [str(h) for h in first.highlights] == [
        "panel chain_rule", "cell weights[1]", "diagram edge[0, 2]", "chain_rule product",
        "plot loss"]
    assert second.start.kind == "previous" and second.hold is None
    check = second.task.check
    assert check.quantity == Quantity("gradient", Target("weights", (0,)))
    assert (check.compare, check.threshold, check.may_change) == ("<", 0.0, (Target("inputs"),))
    assert third.start.spec["seed"] == 3 and third.start.spec["hidden"][0]["neurons"] == 64
    assert third.actions[1].target == SpecPath(("hidden", 0, "neurons"))
    assert third.actions[1].value == 8 and isinstance(third.actions[1].value, int)
    assert third.actions[2].value["learning_rate"] == 1.0  # the book's SGD default, filled in


def test_a_step_can_start_from_an_embedded_session():
    stepper = Stepper(SCENARIOS["layer"].build())
    stepper.run_iterations(2)
    stepper.step()
    session = Session.capture(stepper)
    lesson = lesson_from_document(document({"caption": "Saved.",
                                            "start": session_start(session)}))
    assert lesson.steps[0].start.session == session


BAD_CASES = [
    # (what to change in a valid two-step lesson, the message expected)
    (lambda d: d["steps"][1].update(actions=[{"do": "step", "count": -2}]),
     "step 2, actions[0].count: expected 1..10000, got -2"),
    (lambda d: d["steps"][0].pop("start"),
     "step 1: the first step needs a start"),
    (lambda d: d["steps"][0].update(start="previous"),
     "step 1, start: the first step has no previous step"),
    (lambda d: d["steps"][0]["start"].update(scenario="nope"),
     "step 1, start.scenario: 'nope' is not a scenario"),
    (lambda d: d["steps"][0]["start"].update(spec={"seed": 1}),
     "step 1, start.spec: 'neuron' is a seed example"),
    (lambda d: d["steps"][0].update(start={"scenario": "spiral",
                                           "spec": {"optimizer": {"name": "newton"}}}),
     "step 1, start.spec: optimizer must be one of"),
    (lambda d: d["steps"][0].update(start={"session": {"app": "other"}}),
     "step 1, start.session: not a Backprop Playground session"),
    (lambda d: d["steps"][0].update(caption="**bold for ever"),
     "step 1, caption: near '**bold for ever': ** opens bold text that no ** closes"),
    (lambda d: d["steps"][0].update(caption="`code"),
     "step 1, caption: near '`code': a ` opens code"),
    (lambda d: d["steps"][0].update(caption="{{ gradient }}"),
     "step 1, caption: placeholder {{ gradient }}: 'gradient': gradient needs a value name"),
    (lambda d: d["steps"][0].update(caption="{{ loss : 5x }}"),
     "step 1, caption: placeholder {{ loss : 5x }}: '5x' is not a number format"),
    (lambda d: d["steps"][0].update(caption="{{ line -1 : .3f }}"),
     "line -1 is text, it takes no number format"),
    (lambda d: d["steps"][0].update(caption="{{ loss"),
     "'{{' opens a placeholder that no '}}' closes"),
    (lambda d: d["steps"][0].update(caption=7), "step 1, caption: expected Markdown text"),
    (lambda d: d["steps"][0].update(caption="x" * 4001), "step 1, caption: 4001 characters"),
    (lambda d: d["steps"][0].update(highlight=[{"cell": "weights[x]"}]),
     "step 1, highlight[0].cell: 'weights[x]': an index is 1 to 4 whole numbers"),
    (lambda d: d["steps"][0].update(highlight=[{"cell": "weights[0]", "panel": "log"}]),
     "step 1, highlight[0]: expected one of panel, cell, diagram, chain_rule, plot"),
    (lambda d: d["steps"][0].update(highlight=[{"panel": "attic"}]),
     "step 1, highlight[0].panel: 'attic' is not a panel"),
    (lambda d: d["steps"][0].update(highlight=[{"diagram": "edge[0]"}]),
     "step 1, highlight[0].diagram: 'edge[0]': edge takes 2 indices"),
    (lambda d: d["steps"][0].update(highlight=[{"chain_rule": "footnote"}]),
     "step 1, highlight[0].chain_rule: 'footnote' is not a chain rule line"),
    (lambda d: d["steps"][0].update(actions=[{"do": "explode"}]),
     "step 1, actions[0].do: expected one of set, step"),
    (lambda d: d["steps"][0].update(actions=[{"do": "run"}]),
     "step 1, actions[0]: missing 'iterations'"),
    (lambda d: d["steps"][0].update(actions=[{"do": "run", "iterations": MAX_ITERATIONS + 1}]),
     "step 1, actions[0].iterations: expected 1..100000, got 100001"),
    (lambda d: d["steps"][0].update(actions=[{"do": "set", "target": "bias", "value": "high"}]),
     "step 1, actions[0].value: expected a finite number, got text 'high'"),
    (lambda d: d["steps"][0].update(actions=[{"do": "set", "target": "spec.colour",
                                              "value": 1}]),
     "step 1, actions[0].target: 'spec.colour' is not a place in the network's spec"),
    (lambda d: d["steps"][0].update(actions=[{"do": "set", "target": "spec.optimizer",
                                              "value": {"name": "sgd", "beta_1": 0.9}}]),
     "step 1, actions[0].value: sgd has no hyperparameter beta_1"),
    (lambda d: d["steps"][0].update(actions=[{"do": "open", "panel": "attic"}]),
     "step 1, actions[0].panel: expected one of controls"),
    (lambda d: d["steps"][0].update(actions=[{"do": "step"}] * (MAX_ACTIONS + 1)),
     f"step 1, actions: {MAX_ACTIONS + 1} items; at most {MAX_ACTIONS}"),
    (lambda d: d["steps"][0].update(colour="red"), "step 1: unexpected 'colour'"),
    (lambda d: d["steps"][0].update(delay=-1), "step 1, delay: expected 0 to 600 seconds"),
    (lambda d: d["steps"][0].update(hold=True), "step 1, hold: expected a finite number"),
    (lambda d: d["steps"][1]["task"].pop("hint"), "step 2, task: missing 'hint'"),
    (lambda d: d["steps"][1]["task"]["check"].update(compare="=="),
     "step 2, task.check.compare: expected one of <, <=, >, >=, got text '=='"),
    (lambda d: d["steps"][1]["task"]["check"].update(quantity="line -1"),
     "step 2, task.check.quantity: line -1 is text; a check compares a number"),
    (lambda d: d["steps"][1]["task"]["check"].update(quantity="speed"),
     "step 2, task.check.quantity: 'speed' is not a quantity"),
    (lambda d: d["steps"][1]["task"]["check"].update(threshold="zero"),
     "step 2, task.check.threshold: expected a finite number"),
    (lambda d: d["steps"][1]["task"]["check"].update(may_change=["inputs[0"]),
     "step 2, task.check.may_change[0]: 'inputs[0' is not a value name"),
    (lambda d: d["steps"][1]["task"].update(solution=[{"do": "step", "count": 0}]),
     "step 2, task.solution[0].count: expected 1..10000, got 0"),
    (lambda d: d.update(steps=[]), "steps: expected a list of 1 to 200 steps, got 0"),
    (lambda d: d.update(steps=[FIRST] * 201), "steps: expected a list of 1 to 200 steps"),
    (lambda d: d.update(title=""), "title: expected 1 to 200 characters, got 0"),
    (lambda d: d.update(format=2), "format 2, written by a newer version"),
    (lambda d: d.update(format="1"), "format: expected a whole number"),
    (lambda d: d.pop("kind"), "not a Backprop Playground lesson"),
    (lambda d: d.update(extra=1), "the file: unexpected 'extra'"),
]


@pytest.mark.parametrize(("change", "message"), BAD_CASES)
def test_a_malformed_lesson_is_refused_naming_the_step_and_field(change, message):
    doc = document(copy.deepcopy(FIRST), copy.deepcopy(TASKED))
    lesson_from_document(copy.deepcopy(doc))  # valid before the change
    change(doc)
    assert message in refused(doc)


def test_all_the_training_a_lesson_asks_for_is_capped():
    run = {"do": "run", "iterations": MAX_ITERATIONS}
    steps = [{**FIRST, "actions": [run] * 5}] + [{"caption": "more", "actions": [run] * 5}]
    lesson_from_document(document(*steps))  # exactly the cap
    steps.append({"caption": "one too many", "actions": [{"do": "run", "iterations": 1}]})
    message = refused(document(*steps))
    assert f"step 3, actions: the lesson trains more than {MAX_LESSON_ITERATIONS}" in message


@pytest.mark.parametrize(("text", "message"), [
    ('{"app": 1, "app": 2}', "the key 'app' appears twice"),
    ('{"x": NaN}', "the file contains NaN"),
    ('{"x": 1e999}', "too large for a float"),
    ('{"x": ' + "9" * 40 + "}", "an integer of 40 digits"),
    ('{"x": ', "not valid JSON at line 1, column 7"),
    ("[" * 100_000, "nests lists or objects too deeply"),
    ("[]", "the top level is not a JSON object"),
    (b"\xff\xfe", "byte 0 is not UTF-8 text"),
])
def test_what_is_not_json_of_a_lesson_is_refused_with_a_message(text, message):
    with pytest.raises(LessonError, match=message.replace("[", r"\[")):
        lesson_from_text(text)


def test_saved_lessons_load_back_and_bad_ones_are_not_written(tmp_path):
    doc = document(FIRST, TASKED, summary="Saved by a test.")
    path = tmp_path / "mine.json"
    saved = save_lesson(path, doc)
    loaded = load_lesson(path)
    assert loaded.document == json.loads(json.dumps(doc)) == saved.document
    assert loaded.name == "mine" and loaded.steps[1].task.hint.source == "Set x0 to -1.0."
    broken = copy.deepcopy(doc)
    broken["steps"][1]["task"]["check"]["compare"] = "=="
    with pytest.raises(LessonError, match="step 2, task.check.compare"):
        save_lesson(tmp_path / "broken.json", broken)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.json"]


def test_a_file_over_the_size_limit_is_refused_without_being_read(tmp_path):
    path = tmp_path / "huge.json"
    with open(path, "wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(LessonError, match="lesson files are limited to 20 MB"):
        load_lesson(path)


def test_a_missing_file_is_a_lesson_error(tmp_path):
    with pytest.raises(LessonError, match="cannot read nothing.json"):
        load_lesson(tmp_path / "nothing.json")
