"""Session files: save then load is bit for bit, training continues to the same numbers, and every
kind of bad file is refused with a SessionError that says what is wrong and where."""

import json
import os
from pathlib import Path

import numpy as np
import pytest

from engine.files import state as state_codec
from engine.files.session import (
    APP,
    FORMAT,
    Session,
    SessionError,
    clone_stepper,
    load_session,
    save_session,
)
from engine.files.session_packing import unpack
from engine.limits import SESSION_FILE_BYTES as MAX_FILE_BYTES
from engine.scenarios.presets import SCENARIOS, chapter10_spec
from engine.training.model import Model
from engine.training.stepper import Stepper

SMALL = {"data": {"kind": "spiral", "samples": 12, "classes": 3},
         "hidden": [{"neurons": 6, "dropout": 0.2, "weight_l2": 5e-4, "bias_l1": 1e-4}],
         "optimizer": {"name": "sgd", "learning_rate": 0.8, "decay": 1e-3, "momentum": 0.9},
         "seed": 3, "print_every": 2, "points": [[0.25, -0.5, 2], [-0.125, 0.75, 0]]}


def _rmsprop_native() -> Model:
    return Model({"data": {"kind": "vertical", "samples": 10, "classes": 2},
                  "hidden": [{"neurons": 5, "activation": "tanh"},
                             {"neurons": 4, "activation": "sigmoid", "dropout": 0.1}],
                  "optimizer": {"name": "rmsprop", "learning_rate": 0.01, "rho": 0.8},
                  "numerics": "native", "print_every": 3})


def _adagrad() -> Model:
    return Model({"data": {"kind": "spiral", "samples": 8, "classes": 4},
                  "hidden": [{"neurons": 7, "activation": "linear"}],
                  "optimizer": {"name": "adagrad", "learning_rate": 0.5, "decay": 1e-2}})


BUILDERS = {
    "neuron": SCENARIOS["neuron"].build,
    "layer": SCENARIOS["layer"].build,
    "spiral": SCENARIOS["spiral"].build,
    "sgd-momentum-dropout": lambda: Model(SMALL),
    "rmsprop-native": _rmsprop_native,
    "adagrad": _adagrad,
}


def _trained(name: str) -> Stepper:
    """A stepper after some whole iterations, an edit, a hyperparameter change and a few
    operations into the next iteration."""
    stepper = Stepper(BUILDERS[name]())
    stepper.run_iterations(25)
    parameter = next(iter(stepper.trainable.parameters()))
    index = (0,) * np.ndim(stepper.trainable.parameters()[parameter])
    stepper.edit(parameter, index, 0.125)
    stepper.run_iterations(6)
    for _ in range(3):
        stepper.step()
    stepper.set_hyperparameters(learning_rate=0.0005 if name in ("neuron", "layer") else 0.04)
    stepper.step()
    return stepper


def _same_values(a: dict, b: dict) -> bool:
    """Equal keys, dtypes and bits (NaN equal to NaN)."""
    return a.keys() == b.keys() and all(
        np.asarray(a[k]).dtype == np.asarray(b[k]).dtype
        and np.asarray(a[k]).tobytes() == np.asarray(b[k]).tobytes() for k in a)


def _caches(trainable) -> dict:
    return {f"{name}.{attribute}": array
            for name, layer in trainable.capture_state().get("layers", {}).items()
            for attribute, array in layer.items()}


@pytest.mark.parametrize("name", list(BUILDERS))
def test_save_then_load_gives_back_the_same_session_bit_for_bit(tmp_path, name):
    stepper = _trained(name)
    session = Session.capture(stepper, view={"zoom": 1.5, "docks": ["log", "data"]})
    save_session(tmp_path / "run.json", session)
    loaded = load_session(tmp_path / "run.json")
    assert loaded == session
    other = loaded.build_stepper()
    assert (other.iteration, other.position) == (stepper.iteration, stepper.position)
    assert other.losses.tolist() == stepper.losses.tolist()
    # Values the current iteration has not recomputed yet are absent after a load (Stepper's
    # set_state keeps no history); every value present is the saved one.
    values = other.trainable.values()
    assert set(other.trainable.parameters()) <= set(values)
    assert _same_values(values, {k: stepper.trainable.values()[k] for k in values})
    assert _same_values(_caches(other.trainable), _caches(stepper.trainable))
    assert other.trainable.log_lines() == stepper.trainable.log_lines()
    if isinstance(stepper.trainable, Model):
        assert _same_values(other.trainable.history(), stepper.trainable.history())
        assert other.trainable.hyperparameters() == stepper.trainable.hyperparameters()
        assert other.trainable.optimizer.iterations == stepper.trainable.optimizer.iterations


@pytest.mark.parametrize("name", list(BUILDERS))
def test_training_after_loading_continues_to_the_same_numbers(tmp_path, name):
    stepper = _trained(name)
    save_session(tmp_path / "run.json", Session.capture(stepper))
    other = load_session(tmp_path / "run.json").build_stepper()
    for runner in (stepper, other):
        runner.step()
        runner.run_iterations(40)
        runner.step()
    assert other.losses.tolist() == stepper.losses.tolist()
    assert _same_values(other.trainable.values(), stepper.trainable.values())
    assert _same_values(_caches(other.trainable), _caches(stepper.trainable))
    assert other.trainable.log_lines() == stepper.trainable.log_lines()


def test_the_chapter_10_run_loaded_midway_prints_the_books_lines(tmp_path):
    stepper = Stepper(SCENARIOS["spiral"].build())
    stepper.run_iterations(301)
    save_session(tmp_path / "ch10.json", Session.capture(stepper, "spiral"))
    other = load_session(tmp_path / "ch10.json").build_stepper()
    other.run_iterations(300)
    book = Path(__file__).resolve().parents[1] / "data" / "ch10_adam_spiral.txt"
    lines = book.read_text().splitlines()
    assert other.trainable.log_lines() == lines[:len(other.trainable.log_lines())]
    assert len(other.trainable.log_lines()) == 7


def test_the_file_is_versioned_json_with_the_scenario_spec_and_view(tmp_path):
    stepper = Stepper(Model(SMALL))
    stepper.run_iterations(2)
    save_session(tmp_path / "s.json", Session.capture(stepper, "my points", view={"a": [1]}))
    document = json.loads((tmp_path / "s.json").read_text())
    assert document["app"] == APP and document["format"] == FORMAT
    assert document["scenario"] == "my points"
    assert document["spec"]["points"] == SMALL["points"]
    assert document["view"] == {"a": [1]}
    assert document["stepper"]["iteration"] == 2
    assert os.listdir(tmp_path) == ["s.json"]  # no temporary file left behind


def test_capture_refuses_a_scenario_name_that_contradicts_the_trainable():
    with pytest.raises(ValueError, match="'neuron' scenario"):
        Session.capture(Stepper(SCENARIOS["neuron"].build()), "layer")
    with pytest.raises(ValueError, match="seed example"):
        Session.capture(Stepper(Model(SMALL)), "neuron")


def test_clone_stepper_is_independent_and_exact():
    stepper = _trained("sgd-momentum-dropout")
    copy = clone_stepper(stepper)
    copy.run_iterations(3)
    assert copy.iteration == stepper.iteration + 3
    stepper.run_iterations(3)
    assert _same_values(copy.trainable.values(), stepper.trainable.values())


def test_a_failed_save_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    stepper = Stepper(Model(SMALL))
    stepper.run_iterations(2)
    path = tmp_path / "s.json"
    save_session(path, Session.capture(stepper))
    before = path.read_bytes()
    with pytest.raises(SessionError, match="JSON"):
        save_session(path, Session.capture(stepper).__class__(
            "model", "t", stepper.trainable.spec, stepper.get_state(), {"x": float("nan")}))
    stepper.trainable.dense[0].weights[0, 0] = np.inf  # as a diverged run leaves it
    with pytest.raises(SessionError, match=r"dense1\.weights: contains NaN or infinite"):
        save_session(path, Session.capture(stepper))
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["s.json"]


# -- refusals ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spiral_document(tmp_path_factory) -> dict:
    """A valid chapter-10 session file, parsed, to break in the tests below."""
    stepper = Stepper(SCENARIOS["spiral"].build())
    stepper.run_iterations(3)
    stepper.step()
    path = tmp_path_factory.mktemp("good") / "spiral.json"
    save_session(path, Session.capture(stepper, "spiral"))
    return unpack(json.loads(path.read_text()))  # the plain arrays, to break


def _refused(tmp_path, document, match: str) -> SessionError:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document) if not isinstance(document, str) else document)
    with pytest.raises(SessionError, match=match) as caught:
        load_session(path)
    return caught.value


def _changed(document: dict, path: str, value) -> dict:
    changed = json.loads(json.dumps(document))
    *parents, last = path.split(".")
    target = changed
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return changed


def test_wrong_shape_is_named_with_its_place_and_both_shapes(tmp_path, spiral_document):
    wrong = state_codec.encode(np.zeros((3, 64), dtype=np.float32))
    document = _changed(spiral_document, "stepper.trainable.layers.dense1.weights", wrong)
    error = _refused(tmp_path, document, "shape")
    assert str(error) == ("stepper.trainable.layers.dense1.weights: expected shape (2, 64), "
                          "got (3, 64)")


@pytest.mark.parametrize("path, value, match", [
    ("app", "someone-else", "not a Backprop Playground session"),
    ("format", FORMAT + 1, "newer version"),
    ("view", {"selected": ["dense1.weights", 5]}, r"view.selected\[1\]: expected a list"),
    ("view", {"selected": ["dense9.weights", [0, 0]]}, "'dense9.weights' is not a parameter"),
    ("view", {"selected": ["dense1.weights", [2, 0]]}, r"selected\[1\]\[0\]: expected 0\.\.1"),
    ("view", {"log_scale": "yes"}, "view.log_scale: expected true or false"),
    ("spec.optimizer.learning_rate", "0.05", "learning_rate must be a number, got '0.05'"),
    ("spec.optimizer.learning_rate", True, "learning_rate must be a number, got True"),
    ("spec.data.samples", True, "samples must be a positive integer"),
    ("format", 0, "not a session format"),
    ("format", "1", r"format: expected a whole number, got string '1'"),
    ("scenario", 7, "scenario: expected text"),
    ("view", [1, 2], "view: expected an object"),
    ("spec.hidden", "64", "spec.hidden: expected a list"),
    ("spec.data.samples", 10**9, "spec.data: 3000000000 data points"),
    ("spec.optimizer.name", "lbfgs", "optimizer must be one of"),
    ("spec.numerics", "quad", "numerics must be 'book' or 'native'"),
    ("stepper.iteration", -1, r"stepper.iteration: expected 0\.\."),
    ("stepper.position", 99, r"stepper.position: expected 0\.\.12, got 99"),
    ("stepper.losses", [1.0], "stepper.losses: expected an object"),
    ("stepper.losses.count", 2, r"losses.count: 2 epochs recorded, expected 3"),
    ("stepper.losses.bucket", 24, "bucket: expected a power of two"),
    ("stepper.losses.keys", ["lost"], r"losses.keys: expected \['loss'\]"),
    ("stepper.trainable.layers.dense1.weights", "0.1, 0.2",
     "dense1.weights: expected an array"),
    ("stepper.trainable.layers.dense1.biases.__ndarray__.dtype", "|O",
     "dense1.biases: expected dtype <f4"),
    ("stepper.trainable.layers.dense1.biases.__ndarray__.data", "!!!!" * 86,
     "dense1.biases.data: not valid base64"),
    ("stepper.trainable.layers.dense1.biases.__ndarray__.data", "AAAA",
     "dense1.biases.data: expected 256 bytes"),
    ("stepper.trainable.layers.dense2.weight_cache", None,
     "dense2.weight_cache: expected an array"),
    ("stepper.trainable.optimizer.beta_1", 1.5, r"beta_1 must be in \[0, 1\)"),
    ("stepper.trainable.optimizer.learning_rate", 1, "expected a real number such as 1.0"),
    ("stepper.trainable.random.__tuple__.2", 625, r"random\[2\]: expected 0\.\.624"),
    ("stepper.trainable.history.values.__ndarray__.shape", [3, 4],
     r"history.values: expected shape \(3, 5\)"),
    ("stepper.trainable.history.epochs.__ndarray__.data", "AQAAAAAAAAAAAAAAAAAAAAIAAAAAAAAA",
     "history.epochs: expected increasing epochs"),
    ("stepper.trainable.log", [3], r"log\[0\]: expected text"),
    ("stepper.trainable.log_length", 0, r"log_length: expected 1\.\."),
    ("stepper.start.iteration", 2, "disagrees with stepper.iteration"),
    ("stepper.edits", [[0, "value", {"__tuple__": ["dense9.weights", {"__tuple__": [0, 0]},
                                                   1.0]}]],
     "'dense9.weights' is not a parameter"),
    ("stepper.edits", [[0, "value", {"__tuple__": ["dense1.weights", {"__tuple__": [5, 0]},
                                                   1.0]}]],
     r"edits\[0\]\[2\]\[1\]\[0\]: expected 0\.\.1, got 5"),
    ("stepper.edits", [[0, "value", {"__tuple__": ["dense1.weights", {"__tuple__": [0, 0]},
                                                   1e39]}]],
     "too large for float32"),
    ("stepper.edits", [[0, "exec", "import os"]], "expected 'value' or 'hyper'"),
])
def test_wrong_values_are_refused_with_what_and_where(tmp_path, spiral_document, path, value,
                                                     match):
    _refused(tmp_path, _changed(spiral_document, path, value), match)


def test_non_finite_parameters_are_refused(tmp_path, spiral_document):
    weights = np.zeros((64, 3), dtype=np.float32)
    weights[5, 1] = np.nan
    document = _changed(spiral_document, "stepper.start.layers.dense2.weights",
                        state_codec.encode(weights))
    _refused(tmp_path, document, r"stepper.start.layers.dense2.weights: contains NaN")


def test_missing_and_unexpected_keys_are_named(tmp_path, spiral_document):
    document = json.loads(json.dumps(spiral_document))
    del document["stepper"]["start"]["random"]
    _refused(tmp_path, document, r"stepper.start: missing 'random'")
    document = _changed(spiral_document, "stepper.trainable.layers.dense1.__class__", "x")
    _refused(tmp_path, document, r"dense1: unexpected '__class__'")


@pytest.mark.parametrize("text, match", [
    ("", "not valid JSON at line 1, column 1.*truncated"),
    ("{\"app\": \"backprop-playground\", \"format\": 1", "truncated"),
    ("[1, 2]", "top level is a JSON list"),
    ('{"app": "backprop-playground", "format": NaN}', "contains NaN"),
    ('{"app": "backprop-playground", "format": 1e999}', "too large for a float"),
    ('{"app": "backprop-playground", "format": 1' + "0" * 40 + "}", "has 41 digits"),
    ('{"app": "backprop-playground", "app": "x"}', "'app' appears twice"),
    ("[" * 100_000 + "]" * 100_000, "too deeply"),
    ("cos\nsystem\n(S'echo hi'\ntR.", "not valid JSON"),  # a pickle is text, never run
])
def test_files_that_are_not_session_json_are_refused(tmp_path, text, match):
    _refused(tmp_path, text, match)


def test_a_deep_view_is_refused(tmp_path, spiral_document):
    deep: list = []
    for _ in range(40):
        deep = [deep]
    _refused(tmp_path, _changed(spiral_document, "view", {"deep": deep}), "view: nested more")


def test_binary_junk_is_refused(tmp_path):
    path = tmp_path / "junk.json"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(SessionError, match="not UTF-8 text"):
        load_session(path)


def test_an_oversized_file_is_refused_by_its_size_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "huge.json"
    with open(path, "wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing written
    monkeypatch.setattr("pathlib.Path.open", _no_open)
    with pytest.raises(SessionError, match=r"huge.json is 50.0 MB; session files are limited"):
        load_session(path)


def _no_open(*args, **kwargs):
    raise AssertionError("an oversized file must not be opened")


def test_a_missing_file_is_a_session_error(tmp_path):
    with pytest.raises(SessionError, match="cannot read nothing.json"):
        load_session(tmp_path / "nothing.json")


def test_a_hand_example_file_is_checked_against_its_own_variables(tmp_path):
    stepper = Stepper(SCENARIOS["layer"].build())
    stepper.run_iterations(2)
    save_session(tmp_path / "layer.json", Session.capture(stepper))
    document = json.loads((tmp_path / "layer.json").read_text())
    wrong = state_codec.encode(np.zeros((4, 3)))
    _refused(tmp_path, _changed(document, "stepper.trainable.variables.W", wrong),
             r"stepper.trainable.variables.W: expected shape \(3, 4\), got \(4, 3\)")
    _refused(tmp_path, _changed(document, "stepper.start.variables.learning_rate", "0.1"),
             "learning_rate: expected a real number")
    _refused(tmp_path, _changed(document, "spec", {"numerics": "book", "hidden": []}),
             "spec: unexpected 'hidden'")


def test_a_refused_file_leaves_the_callers_session_as_it_was(tmp_path, spiral_document):
    stepper = _trained("spiral")
    before = stepper.get_state()
    values = stepper.trainable.values()
    _refused(tmp_path, _changed(spiral_document, "stepper.position", 99), "position")
    assert stepper.get_state() == before
    assert _same_values(stepper.trainable.values(), values)


def test_a_state_that_cannot_be_replayed_is_refused(tmp_path):
    """Every value well-formed, but the weights overflow float32 in the saved iteration's
    forward pass: the trial rebuild finds it."""
    stepper = Stepper(Model(chapter10_spec()))
    stepper.run_iterations(1)
    for _ in range(3):
        stepper.step()
    save_session(tmp_path / "s.json", Session.capture(stepper))
    document = json.loads((tmp_path / "s.json").read_text())
    huge = np.full((2, 64), 3.4e38, dtype=np.float32)
    document = _changed(document, "stepper.start.layers.dense1.weights", state_codec.encode(huge))
    _refused(tmp_path, document, "cannot be restored")


def test_a_loaded_run_keeps_its_changed_learning_rate_and_resets_to_the_starting_one(tmp_path):
    stepper = Stepper(Model(chapter10_spec()))
    stepper.run_iterations(2)
    stepper.set_hyperparameters(learning_rate=0.01)
    stepper.run_iterations(2)
    save_session(tmp_path / "run.json", Session.capture(stepper, scenario="spiral"))

    loaded = load_session(tmp_path / "run.json").build_stepper()
    assert loaded.trainable.hyperparameters()["learning_rate"] == 0.01
    loaded.reset()
    assert loaded.trainable.hyperparameters()["learning_rate"] == 0.05


def test_a_sessions_document_is_the_file_it_saves_and_reads_back_equal(tmp_path):
    from engine.files.session import session_document, session_from_document

    stepper = Stepper(Model(SMALL))
    stepper.run_iterations(3)
    session = Session.capture(stepper, view={"panel": "open"})
    document = session_document(session)
    assert (document["app"], document["format"]) == (APP, FORMAT)
    save_session(tmp_path / "run.json", session)
    assert unpack(json.loads((tmp_path / "run.json").read_text())) == document
    assert session_from_document(json.loads(json.dumps(document))) == session
