"""Lesson files from outside: whatever a file holds, loading either succeeds or raises a
LessonError with a message (never another exception), and a lesson that loads plays to its end,
whatever its content, with warnings where it asks for what the network lacks. Derandomized, as
tests/engine/files/test_file_fuzzing.py fuzzes sessions."""

import json
import os
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.files.lesson import LessonError, lesson_from_text
from engine.files.lesson_player import LessonPlayer
from tests.engine.files.test_file_fuzzing import _nodes, _replaced, json_values

FUZZ = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", 60)),
                derandomize=not os.environ.get("FUZZ_RANDOM"), deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
SECONDS = 10.0
PLAYABLE_ITERATIONS = 2000  # fuzzed lessons that train longer are only loaded, not played

LESSON = {
    "app": "backprop-playground", "kind": "lesson", "format": 1, "title": "Fuzzed",
    "summary": "Every kind of part, small.",
    "steps": [
        {"title": "one", "caption": "z = **{{ value linear_output }}**, `{{ loss : .3f }}`\n\n- a",
         "start": {"scenario": "neuron"},
         "actions": [{"do": "step", "count": 2}, {"do": "select", "target": "weights[0]"},
                     {"do": "set", "target": "bias", "value": 0.5},
                     {"do": "open", "panel": "chain_rule"}],
         "highlight": [{"cell": "weights[1]"}, {"diagram": "edge[0, 1]"},
                       {"chain_rule": "product"}],
         "task": {"text": "Make dl/dw0 negative.",
                  "check": {"quantity": "gradient weights[0]", "compare": "<", "threshold": 0,
                            "may_change": ["inputs", "training"]},
                  "hint": "Set x0 to -1.0.",
                  "solution": [{"do": "set", "target": "inputs[0]", "value": -1.0}]},
         "delay": 0.5, "hold": 5},
        {"caption": "{{ line -1 }}", "actions": [{"do": "run_to", "iteration": 3},
                                                 {"do": "step_back", "count": 2}]},
        {"caption": "{{ validation_accuracy : .1% }}",
         "start": {"scenario": "spiral",
                   "spec": {"data": {"kind": "spiral", "samples": 8, "classes": 3},
                            "hidden": [{"neurons": 3, "dropout": 0.5}]}},
         "actions": [{"do": "run", "iterations": 2},
                     {"do": "set", "target": "spec.hidden[0].neurons", "value": 5},
                     {"do": "set", "target": "learning_rate", "value": 0.01},
                     {"do": "finish_iteration"}, {"do": "layout", "name": "default"}],
         "highlight": [{"plot": "accuracy"}, {"panel": "network"}]},
    ]}
TEXT = json.dumps(LESSON).encode()


def _outcome(data: bytes) -> str:
    """"refused" after a LessonError with a message; "played" after playing every step (and
    solving its task) of a lesson that loads; "loaded" for one that trains too long to play."""
    started = time.perf_counter()
    try:
        lesson = lesson_from_text(data)
    except LessonError as error:
        assert str(error), "a LessonError needs a message"
        return "refused"
    training = sum(action.count for step in lesson.steps for action in
                   (*step.actions, *(step.task.solution if step.task else ()))
                   if action.kind in ("run", "run_to", "step", "step_back"))
    if training > PLAYABLE_ITERATIONS:
        return "loaded"
    player = LessonPlayer(lesson)
    for number in range(len(player)):
        played = player.play(number)
        played.caption_html(), played.task_html(), played.hint_html(), played.narration()
        player.solve(number)
    assert time.perf_counter() - started < SECONDS
    return "played"


def test_the_fuzzed_lesson_itself_plays_without_a_warning():
    assert _outcome(TEXT) == "played"
    player = LessonPlayer(lesson_from_text(TEXT))
    assert all(player.play(n).warnings == () for n in range(len(player)))


def test_every_truncation_is_refused():
    step = max(1, len(TEXT) // 300)
    for cut in [*range(0, len(TEXT), step), len(TEXT) - 1]:
        assert _outcome(TEXT[:cut]) == "refused", f"cut at {cut}"


@FUZZ
@given(choice=st.integers(0, 10**9), value=json_values)
def test_any_node_replaced_by_any_json_loads_and_plays_or_is_refused(choice, value):
    nodes = _nodes(LESSON)
    _outcome(json.dumps(_replaced(LESSON, nodes[choice % len(nodes)], value)).encode())


@FUZZ
@given(choice=st.integers(0, 10**9),
       text=st.sampled_from(["weights[9]", "W[0, 0]", "dense1.weights[0, 0]", "bias",
                             "spec.hidden[3].dropout", "spec.optimizer", "X[0]", "loss",
                             "line 99", "value nothing", "gradient bias", "edge[4, 4]",
                             "relu[1]", "sum", "inputs", "largest_term", "boundary"]))
def test_any_text_replaced_by_another_name_loads_and_plays_or_is_refused(choice, text):
    texts = [path for path in _nodes(LESSON) if isinstance(_at(path), str)]
    _outcome(json.dumps(_replaced(LESSON, texts[choice % len(texts)], text)).encode())


def _at(path):
    node = LESSON
    for key in path:
        node = node[key]
    return node


@FUZZ
@given(choice=st.integers(0, 10**9))
def test_any_key_removed_loads_and_plays_or_is_refused(choice):
    document = json.loads(TEXT)
    keyed = [path for path in _nodes(document) if path and isinstance(path[-1], str)]
    path = keyed[choice % len(keyed)]
    target = document
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    outcome = _outcome(json.dumps(document).encode())
    optional = {"summary", "title", "start", "actions", "highlight", "task", "delay", "hold",
                "spec", "solution", "count"}
    if path[-1] not in optional and "spec" not in path:  # a spec's keys all have defaults
        assert outcome == "refused", f"removing {'.'.join(map(str, path))} was accepted"


@FUZZ
@given(offset=st.integers(0, 10**9), junk=st.binary(min_size=1, max_size=32))
def test_junk_spliced_in_loads_and_plays_or_is_refused(offset, junk):
    offset %= len(TEXT)
    _outcome(TEXT[:offset] + junk + TEXT[offset + len(junk):])


@FUZZ
@given(junk=st.binary(max_size=2048))
def test_binary_junk_is_refused(junk):
    assert _outcome(junk) == "refused"


@pytest.mark.parametrize("depth", [40, 100_000])
def test_deep_nesting_is_refused(depth):
    assert _outcome(("[" * depth + "]" * depth).encode()) == "refused"
    nested = json.loads(TEXT)
    nested["steps"][0]["task"]["check"]["threshold"] = json.loads("[" * 40 + "]" * 40)
    assert _outcome(json.dumps(nested).encode()) == "refused"
