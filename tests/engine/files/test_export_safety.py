"""Export as Python with hostile input: text and numbers from a shared session reach the script
only as literals and a docstring they cannot end, so running the script does what the session
describes and nothing else (issue 21)."""

import ast
import math
import re
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.files.export import export_script
from engine.files.session import FORMAT, Session, session_from_document
from engine.training.model import Model
from engine.training.stepper import Stepper

TINY = {"data": {"kind": "spiral", "samples": 5, "classes": 2}, "hidden": [{"neurons": 3}],
        "optimizer": {"name": "adam", "learning_rate": 0.05}, "print_every": 1}
HOSTILE_TITLES = [
    'x""";__import__(\'os\').system(\'id\');"""',  # issue 21's title: runs `id`
    'x""";open("pwned", "w");"""',
    "x'''; open('pwned', 'w'); '''",
    'ends with a quote"',
    "ends with a backslash\\",
    '\\"""; open("pwned", "w")  #',
    "line\nbreak\r\nand\rreturns\n\n\nparagraphs",
    "nul\x00byte and \x1b[31mescape",
    "\u202e bidi override \u2066 isolate \u2028 line separator",
    "lone \ud800 surrogate",
    "", "   ", "tab\tand\x0bvertical\x0cfeed",
    "\\N{BULLET} \\x41 \\u0041 {title} %s",
    "word" * 200,
]
EPOCH_LINE = re.compile(r"epoch: \d+, acc: \d\.\d{3}, loss: \d+\.\d{3}, lr: [0-9.e-]+")


def tiny_stepper(title: str) -> Stepper:
    stepper = Stepper(Model(TINY, title=title))
    stepper.run_iterations(2)
    return stepper


def docstring(text: str) -> str:
    tree = ast.parse(text)
    return ast.get_docstring(tree, clean=False)


def words(text: str) -> str:
    return " ".join(text.split())


def check_docstring(text: str, title: str) -> None:
    """The script parses, its docstring is the exporter's text with the title's words as its
    second paragraph, and the paragraphs after it are those a plain title gives."""
    got = docstring(text)
    plain = docstring(export_script(tiny_stepper("plain"), epochs=1))
    head, title_paragraph, *rest = got.split("\n\n")
    assert head == "Exported from Backprop Playground."
    assert words(title_paragraph) == words(title + ".")
    assert rest == plain.split("\n\n")[2:]
    # the only statements before the imports: the docstring itself
    assert isinstance(ast.parse(text).body[1], (ast.Import, ast.ImportFrom))


def run_alone(tmp_path, text: str) -> list[str]:
    """Run the script in an empty folder; it must create no file there."""
    script = tmp_path / "exported.py"
    script.write_text(text, encoding="utf-8")
    done = subprocess.run([sys.executable, "-I", str(script)], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["exported.py"]
    return done.stdout.splitlines()


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_a_hostile_title_stays_in_the_docstring(tmp_path, title):
    stepper = tiny_stepper(title)
    text = export_script(stepper, epochs=1)
    check_docstring(text, stepper.trainable.title)  # an empty title is the network's description
    lines = run_alone(tmp_path, text)
    assert len(lines) == 1 and EPOCH_LINE.fullmatch(lines[0]), lines


def test_a_hostile_title_and_scenario_from_a_session_file(tmp_path):
    session = Session.capture(tiny_stepper("plain"), scenario="x\"\"\";open('pwned','w')#",
                              title=HOSTILE_TITLES[1])
    loaded = session_from_document({"app": "backprop-playground", "format": FORMAT,
                                    "scenario": session.scenario, "title": session.title,
                                    "spec": session.spec, "stepper": session.stepper,
                                    "view": {}})
    text = export_script(loaded, epochs=1)
    check_docstring(text, HOSTILE_TITLES[1])
    after_docstring = text.splitlines()[ast.parse(text).body[0].end_lineno:]
    assert not any("pwned" in line for line in after_docstring)
    assert EPOCH_LINE.fullmatch(run_alone(tmp_path, text)[0])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=st.text())
def test_any_title_parses_and_is_the_docstring(title):
    stepper = tiny_stepper(title)
    check_docstring(export_script(stepper, epochs=1), stepper.trainable.title)


@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(title=st.text(alphabet=st.characters(codec="utf-8"), min_size=1))
def test_any_title_runs_to_the_same_line_and_writes_nothing(tmp_path_factory, title):
    text = export_script(tiny_stepper(title), epochs=1)
    lines = run_alone(tmp_path_factory.mktemp("run"), text)
    assert len(lines) == 1 and EPOCH_LINE.fullmatch(lines[0])


FINITE = st.floats(allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rate=st.floats(min_value=1e-300, max_value=1e300), decay=st.floats(0, 1e300),
       points=st.lists(st.tuples(st.floats(-3e38, 3e38), st.floats(-3e38, 3e38),
                                 st.integers(0, 1)), max_size=3),
       seed=st.integers(0, 2**32 - 1))
def test_hostile_numbers_become_exact_literals(rate, decay, points, seed):
    spec = {**TINY, "seed": seed, "points": [list(point) for point in points],
            "optimizer": {"name": "sgd", "learning_rate": rate, "decay": decay}}
    text = export_script(Stepper(Model(spec)), epochs=1)
    tree = ast.parse(text)
    assignments = {node.targets[0].id: node.value for node in tree.body
                   if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)}
    optimizer = assignments["optimizer"]
    settings_given = {keyword.arg: ast.literal_eval(keyword.value)
                      for keyword in optimizer.keywords}
    assert settings_given.get("learning_rate", 1.0) == rate
    assert settings_given.get("decay", 0.0) == decay
    if points:
        added = ast.literal_eval(assignments["added"].args[0])
        assert added == [[float(x), float(y), float(label)] for x, y, label in points]
    if seed:
        assert f"\nnp.random.seed({seed})\n" in text


@pytest.mark.parametrize("value", [0.0, -0.0, 5e-324, -1.7976931348623157e308, math.nan,
                                   math.inf, -math.inf, np.float32(3.4028235e38), 2**70])
def test_every_number_renders_as_a_literal_of_itself(value):
    from engine.files.script_text import number

    expression = ast.parse(number(value), mode="eval").body
    allowed = (ast.Constant, ast.UnaryOp, ast.USub, ast.Call, ast.Name, ast.Load)
    assert all(isinstance(node, allowed) for node in ast.walk(expression))
    calls = [node for node in ast.walk(expression) if isinstance(node, ast.Call)]
    assert all(call.func.id == "float" and isinstance(call.args[0], ast.Constant)
               for call in calls)
    got = eval(number(value), {"__builtins__": {"float": float}})  # noqa: S307 (checked above)
    if isinstance(value, float) and math.isnan(value):
        assert math.isnan(got)
    else:
        assert got == value and math.copysign(1, got) == math.copysign(1, value)


def test_things_that_are_no_numbers_are_refused():
    from engine.files.script_text import number

    for value in ("1", True, None, [1.0], "__import__('os')"):
        with pytest.raises(TypeError):
            number(value)
