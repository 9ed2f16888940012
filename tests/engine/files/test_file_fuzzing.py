"""Files from outside: whatever bytes a session or point file holds, loading either succeeds or
raises the module's ValueError (SessionError for sessions) with a message, never another
exception, and never takes long. Derandomized so CI sees the same examples every run."""

import json
import os
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.files.points import load_points_csv, save_points_csv
from engine.files.session import Session, SessionError, load_session, save_session
from engine.limits import POINTS_FILE_BYTES as MAX_POINTS_BYTES
from engine.scenarios.presets import SCENARIOS
from engine.training.model import Model
from engine.training.stepper import Stepper

# FUZZ_EXAMPLES=5000 FUZZ_RANDOM=1 hunts longer with fresh examples, outside CI.
FUZZ = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", 60)),
                derandomize=not os.environ.get("FUZZ_RANDOM"), deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])
SECONDS = 5.0  # far above any load here (milliseconds); a hang or a slow path fails

SPEC = {"data": {"kind": "spiral", "samples": 6, "classes": 3},
        "hidden": [{"neurons": 4, "dropout": 0.25, "weight_l2": 1e-3}],
        "optimizer": {"name": "adam", "learning_rate": 0.05}, "print_every": 2,
        "points": [[0.5, 0.25, 1]]}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=8)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="module")
def model_file(folder) -> bytes:
    """A valid session: a small Adam model with dropout, a penalty and a user point, a few
    operations into its sixth iteration, with an edit."""
    stepper = Stepper(Model(SPEC))
    stepper.run_iterations(5)
    stepper.edit("dense1.weights", (1, 2), 0.5)
    for _ in range(4):
        stepper.step()
    save_session(folder / "model.json", Session.capture(stepper, view={"zoom": [1, 2]}))
    return (folder / "model.json").read_bytes()


@pytest.fixture(scope="module")
def neuron_file(folder) -> bytes:
    stepper = Stepper(SCENARIOS["neuron"].build())
    stepper.run_iterations(3)
    stepper.step()
    save_session(folder / "neuron.json", Session.capture(stepper))
    return (folder / "neuron.json").read_bytes()


def _load_session(folder: Path, data: bytes) -> Session | None:
    """load_session on `data`: the Session, or None after a SessionError with a message. A
    session that loads must also build."""
    path = folder / "case.json"
    path.write_bytes(data)
    started = time.perf_counter()
    try:
        session = load_session(path)
    except SessionError as error:
        assert str(error), "a SessionError needs a message"
        session = None
    else:
        session.build_stepper()
    assert time.perf_counter() - started < SECONDS
    return session


def _nodes(value, path=()) -> list[tuple]:
    """The path to every node of a parsed JSON document, the root included."""
    paths = [path]
    if isinstance(value, dict):
        for key, child in value.items():
            paths += _nodes(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            paths += _nodes(child, (*path, index))
    return paths


def _replaced(document, path: tuple, value):
    if not path:
        return value
    copy = json.loads(json.dumps(document))
    target = copy
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return copy


# -- sessions -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["model_file", "neuron_file"])
def test_every_truncation_of_a_valid_session_is_refused(request, folder, name):
    data = request.getfixturevalue(name)
    step = max(1, len(data) // 400)  # ~400 cut points spread over the whole file
    for cut in [*range(0, len(data), step), len(data) - 1]:
        assert _load_session(folder, data[:cut]) is None, f"cut at {cut}"
    assert _load_session(folder, data) is not None


@FUZZ
@given(cut=st.integers(0, 10**9))
def test_a_truncation_anywhere_is_refused(folder, model_file, cut):
    assert _load_session(folder, model_file[:cut % len(model_file)]) is None


@pytest.mark.parametrize("name", ["model_file", "neuron_file"])
@FUZZ
@given(choice=st.integers(0, 10**9), value=json_values)
def test_any_node_replaced_by_any_json_loads_or_is_refused(request, folder, name, choice, value):
    document = json.loads(request.getfixturevalue(name))
    nodes = _nodes(document)
    path = nodes[choice % len(nodes)]
    _load_session(folder, json.dumps(_replaced(document, path, value)).encode())


@FUZZ
@given(choice=st.integers(0, 10**9))
def test_any_key_removed_loads_or_is_refused(folder, model_file, choice):
    document = json.loads(model_file)
    keyed = [path for path in _nodes(document) if path and isinstance(path[-1], str)]
    path = keyed[choice % len(keyed)]
    target = document
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    loaded = _load_session(folder, json.dumps(document).encode())
    if path[0] not in ("view", "spec"):  # the view is opaque; a spec key may have a default
        assert loaded is None, f"removing {'.'.join(map(str, path))} was accepted"


@FUZZ
@given(choice=st.integers(0, 10**9),
       number=st.sampled_from([10**25, -10**25, 2**64, 1e308, -1e308, 5e-324, 2**53 + 1]))
def test_huge_numbers_anywhere_load_or_are_refused(folder, model_file, choice, number):
    document = json.loads(model_file)
    numeric = [path for path in _nodes(document)
               if isinstance(_at(document, path), (int, float))
               and not isinstance(_at(document, path), bool)]
    path = numeric[choice % len(numeric)]
    _load_session(folder, json.dumps(_replaced(document, path, number)).encode())


def _at(document, path):
    for key in path:
        document = document[key]
    return document


@FUZZ
@given(digits=st.integers(31, 5000), where=st.sampled_from(["format", "stepper.iteration"]))
def test_numbers_with_absurdly_many_digits_are_refused(folder, model_file, digits, where):
    text = model_file.decode()
    key = where.split(".")[-1]
    marker = f'"{key}": '
    start = text.index(marker) + len(marker)
    end = start + len(text[start:]) - len(text[start:].lstrip("0123456789"))
    changed = text[:start] + "9" * digits + text[end:]
    assert _load_session(folder, changed.encode()) is None


@FUZZ
@given(depth=st.integers(33, 200_000), opener=st.sampled_from(["[", '{"a":']))
def test_deep_nesting_is_refused(folder, model_file, depth, opener):
    closer = "]" if opener == "[" else "}"
    nested = opener * depth + "0" + closer * depth
    assert _load_session(folder, nested.encode()) is None
    document = json.loads(model_file)
    text = json.dumps(document).replace('"view": {', f'"view": {{"deep": {nested}, ', 1)
    assert _load_session(folder, text.encode()) is None


@FUZZ
@given(version=json_values.filter(lambda v: v != 1 or isinstance(v, bool)))
def test_any_other_format_version_is_refused(folder, model_file, version):
    document = json.loads(model_file)
    document["format"] = version
    assert _load_session(folder, json.dumps(document).encode()) is None


@FUZZ
@given(junk=st.binary(max_size=4096))
def test_binary_junk_is_refused(folder, junk):
    assert _load_session(folder, junk) is None


@FUZZ
@given(offset=st.integers(0, 10**9), junk=st.binary(min_size=1, max_size=64))
def test_junk_spliced_into_a_valid_file_loads_or_is_refused(folder, model_file, offset, junk):
    offset %= len(model_file)
    _load_session(folder, model_file[:offset] + junk + model_file[offset + len(junk):])


def test_a_100_mb_session_is_refused_by_its_size_without_being_read(folder):
    path = folder / "huge.json"
    with open(path, "wb") as handle:
        handle.truncate(100 * 2**20)  # sparse: created at once, nothing written
    started = time.perf_counter()
    with pytest.raises(SessionError, match="100.0 MB; session files are limited to 50 MB"):
        load_session(path)
    assert time.perf_counter() - started < 0.5
    path.unlink()


# -- point files ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def points_file(folder) -> bytes:
    rng = np.random.default_rng(7)
    path = folder / "points.csv"
    save_points_csv(path, rng.normal(size=(40, 2)), rng.integers(0, 3, size=40))
    return path.read_bytes()


def _load_points(folder: Path, data: bytes):
    """load_points_csv on `data`: (points, labels), or None after a ValueError with a message."""
    path = folder / "case.csv"
    path.write_bytes(data)
    started = time.perf_counter()
    try:
        points, labels = load_points_csv(path, n_classes=3)
    except ValueError as error:
        assert str(error), "a ValueError needs a message"
        result = None
    else:
        assert points.shape == (len(labels), 2) and points.dtype == np.float64
        assert np.isfinite(points).all() and ((labels >= 0) & (labels < 3)).all()
        result = points, labels
    assert time.perf_counter() - started < SECONDS
    return result


def test_every_truncation_of_a_point_file_loads_a_prefix_or_is_refused(folder, points_file):
    whole = _load_points(folder, points_file)
    assert whole is not None and len(whole[1]) == 40
    step = max(1, len(points_file) // 400)
    for cut in [*range(0, len(points_file), step), len(points_file) - 1]:
        loaded = _load_points(folder, points_file[:cut])
        if loaded is not None:  # cut at a line end, or inside the last number of a line
            n = len(loaded[1])
            assert n <= 40 and np.array_equal(loaded[1][:-1], whole[1][:max(n - 1, 0)])


@FUZZ
@given(rows=st.lists(st.lists(st.text(max_size=12) | st.sampled_from(
    ["1e999", "-inf", "nan", "9" * 400, "1" * 5000, "0x10", "1_000", " 2 ", "", "\x00", "３"]),
    max_size=5), max_size=8))
def test_rows_of_any_fields_load_or_are_refused(folder, rows):
    text = "x,y,class\n" + "\n".join(",".join(row) for row in rows)
    _load_points(folder, text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(junk=st.binary(max_size=4096))
def test_binary_junk_point_files_are_refused(folder, junk):
    assert _load_points(folder, junk) is None


@FUZZ
@given(offset=st.integers(0, 10**9), junk=st.binary(min_size=1, max_size=32))
def test_junk_spliced_into_a_point_file_loads_or_is_refused(folder, points_file, offset, junk):
    offset %= len(points_file)
    _load_points(folder, points_file[:offset] + junk + points_file[offset + len(junk):])


def test_a_field_longer_than_csvs_limit_is_refused(folder):
    assert _load_points(folder, b"x,y,class\n" + b"1" * 200_000 + b",0,0\n") is None


def test_a_100_mb_point_file_is_refused_by_its_size_without_being_read(folder):
    path = folder / "huge.csv"
    with open(path, "wb") as handle:
        handle.truncate(100 * 2**20)
    assert 100 * 2**20 > MAX_POINTS_BYTES
    started = time.perf_counter()
    with pytest.raises(ValueError, match="100.0 MB; point files are limited"):
        load_points_csv(path)
    assert time.perf_counter() - started < 0.5
    path.unlink()
