"""User-added points: CSV round trip and the messages a malformed file gets."""

import stat

import numpy as np
import pytest

from engine.files import atomic
from engine.files.atomic import FileWriteError
from engine.files.points import (
    load_points_csv,
    load_regression_csv,
    save_points_csv,
    save_regression_csv,
)
from engine.limits import POINTS_FILE_BYTES as MAX_FILE_BYTES
from tests.full_disk import fill_disk


def write(tmp_path, text, name="points.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_round_trip_keeps_every_bit(tmp_path):
    rng = np.random.default_rng(3)
    points = rng.normal(size=(50, 2))
    labels = rng.integers(0, 6, size=50)
    path = tmp_path / "p.csv"
    save_points_csv(path, points, labels)
    loaded_points, loaded_labels = load_points_csv(path)
    assert loaded_points.dtype == np.float64 and loaded_points.shape == (50, 2)
    assert loaded_labels.dtype == np.int64
    np.testing.assert_array_equal(loaded_points, points)
    np.testing.assert_array_equal(loaded_labels, labels)
    assert path.read_text().splitlines()[0] == "x,y,class"


def test_empty_file_with_header_gives_no_points(tmp_path):
    points, labels = load_points_csv(write(tmp_path, "x,y,class\n"))
    assert points.shape == (0, 2) and labels.shape == (0,)


def test_header_case_spaces_and_blank_lines_are_tolerated(tmp_path):
    points, labels = load_points_csv(write(tmp_path, " X, Y ,Class\n0.5,-1e-3,1\n\n-2,3,0\n"))
    np.testing.assert_array_equal(points, [[0.5, -0.001], [-2.0, 3.0]])
    np.testing.assert_array_equal(labels, [1, 0])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a,b,c\n1,2,0\n", "line 1: expected the header"),
        ("x,y,class\n1,2,0\n1,2\n", "line 3: expected 3 values"),
        ("x,y,class\n1,2,0,4\n", "line 2: expected 3 values"),
        ("x,y,class\n1,abc,0\n", "line 2: y 'abc' is not a number"),
        ("x,y,class\n__import__('os'),1,0\n", "line 2: x"),
        ("x,y,class\n1,2,0\nnan,2,1\n", "line 3: x is nan"),
        ("x,y,class\n1,-inf,1\n", "line 2: y is -inf"),
        ("x,y,class\n1,2,1.5\n", "line 2: class '1.5' is not a whole number"),
        ("x,y,class\n1,2,-1\n", "line 2: class -1 is outside 0..5"),
        ("x,y,class\n1,2,6\n", "line 2: class 6 is outside 0..5"),
    ],
)
def test_malformed_rows_name_the_line(tmp_path, text, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_points_csv(write(tmp_path, text))


def test_class_range_follows_the_number_of_classes(tmp_path):
    path = write(tmp_path, "x,y,class\n0,0,2\n")
    assert load_points_csv(path, n_classes=3)[1].tolist() == [2]
    with pytest.raises(ValueError, match="line 2: class 2 is outside 0..1"):
        load_points_csv(path, n_classes=2)


def test_binary_file_is_refused(tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes(b"x,y,class\n\xff\xfe\x00\x01")
    with pytest.raises(ValueError, match="not a UTF-8 text file"):
        load_points_csv(path)


def test_oversized_file_is_refused_without_reading_it(tmp_path, monkeypatch):
    path = tmp_path / "big.csv"
    with path.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: no real 10 MB written
    opened = []
    monkeypatch.setattr(type(path), "open", lambda *a, **k: opened.append(a) or None)
    with pytest.raises(ValueError, match="limited to 10 MB"):
        load_points_csv(path)
    assert opened == []


def test_save_refuses_mismatched_shapes_and_leaves_no_file(tmp_path):
    path = tmp_path / "p.csv"
    with pytest.raises(ValueError, match="expected points"):
        save_points_csv(path, np.zeros((3, 2)), np.zeros(2, dtype=int))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("text", "message"), [
    ("x,y,class\n1_0,2,0\n", "line 2: x '1_0' is not a number"),
    ("x,y,class\n1,2,1_0\n", "line 2: class '1_0' is not a whole number"),
    ("x,y,class\n1,0x10,0\n", "line 2: y '0x10' is not a number"),
    ("x,y,class\n1,2,٣\n", "line 2: class '٣' is not a whole number"),  # an Arabic-Indic 3
    ("x,y,class\n1,2,0\ninfinity,2,1\n", "line 3: x is infinity"),
])
def test_only_what_a_person_writes_as_a_number_is_one(tmp_path, text, message):
    with pytest.raises(ValueError, match=message):
        load_points_csv(write(tmp_path, text))


def test_numbers_as_people_write_them_are_read(tmp_path):
    points, labels = load_points_csv(write(tmp_path, "x,y,class\n+1.,.5,+2\n-3e2,4E-1,0\n"))
    assert points.tolist() == [[1.0, 0.5], [-300.0, 0.4]] and labels.tolist() == [2, 0]


def test_more_points_than_a_data_set_takes_are_refused_at_the_first_too_many(tmp_path):
    path = write(tmp_path, "x,y,class\n" + "0.5,0.5,1\n" * 30)
    assert len(load_points_csv(path, most=30)[0]) == 30
    with pytest.raises(ValueError, match=r"holds more than 29 points.*\(line 31\)"):
        load_points_csv(path, most=29)


def test_a_long_load_reports_progress_and_can_be_cancelled(tmp_path):
    from engine.files.points import LoadCancelled

    path = write(tmp_path, "x,y,class\n" + "0.25,-0.5,1\n" * 70_000)
    seen = []
    assert len(load_points_csv(path, progress=lambda f: seen.append(f) or True)[0]) == 70_000
    assert len(seen) == 3 and 0 < seen[0] < seen[1] < seen[2] < 1
    with pytest.raises(LoadCancelled):
        load_points_csv(path, progress=lambda f: False)


def test_a_named_pipe_is_refused_at_once(tmp_path):
    import os

    os.mkfifo(tmp_path / "pipe.csv")
    with pytest.raises(ValueError, match="is a named pipe, not a point file"):
        load_points_csv(tmp_path / "pipe.csv")


def test_a_save_on_a_full_disk_keeps_the_earlier_file_whole(tmp_path, monkeypatch):
    path = tmp_path / "p.csv"
    save_points_csv(path, np.ones((3, 2)), np.zeros(3, dtype=int))
    earlier = path.read_bytes()
    fill_disk(monkeypatch, atomic, room=10)
    with pytest.raises(FileWriteError, match="p.csv: the disk is full"):
        save_points_csv(path, np.zeros((500, 2)), np.ones(500, dtype=int))
    assert path.read_bytes() == earlier
    assert sorted(tmp_path.iterdir()) == [path]


def test_a_saved_file_is_readable_as_any_file_the_user_makes(tmp_path):
    """Not the temporary file's 0600: a colleague on a shared folder can read the points."""
    path = tmp_path / "p.csv"
    save_points_csv(path, np.ones((1, 2)), np.zeros(1, dtype=int))
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~atomic.UMASK


@pytest.mark.parametrize("text", ["", "\n  \n", '""\n', "\ufeff"])
def test_an_empty_file_says_so(tmp_path, text):
    with pytest.raises(ValueError, match="^the file is empty$"):
        load_points_csv(write(tmp_path, text))
    with pytest.raises(ValueError, match="^the file is empty$"):
        load_regression_csv(write(tmp_path, text))


def test_excels_csv_utf8_with_its_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbfx,y,class\r\n0.25,-1,2\r\n")
    points, labels = load_points_csv(path)
    assert points.tolist() == [[0.25, -1.0]] and labels.tolist() == [2]


def test_semicolons_with_decimal_commas_are_read_as_a_european_spreadsheet_saves_them(tmp_path):
    points, labels = load_points_csv(write(tmp_path, "x;y;class\n0,5;-1,25;1\n2;3e-2;0\n"))
    assert points.tolist() == [[0.5, -1.25], [2.0, 0.03]] and labels.tolist() == [1, 0]
    assert load_regression_csv(write(tmp_path, "\ufeffX;Y\n-0,75;0,5\n")).tolist() == \
        [[-0.75, 0.5]]
    with pytest.raises(ValueError, match="line 2: x '1.000,5' is not a number"):
        load_points_csv(write(tmp_path, "x;y;class\n1.000,5;0;0\n"))
    with pytest.raises(ValueError, match="line 2: y '0,5' is not a number"):
        load_points_csv(write(tmp_path, "x,y,class\n1,\"0,5\",0\n"))  # commas: no decimal comma


def test_a_regressions_points_round_trip_and_its_malformed_rows_name_the_line(tmp_path):
    rng = np.random.default_rng(5)
    points = rng.normal(size=(20, 2))
    path = tmp_path / "sine.csv"
    save_regression_csv(path, points)
    assert path.read_text().splitlines()[0] == "x,y"
    np.testing.assert_array_equal(load_regression_csv(path), points)
    assert load_regression_csv(write(tmp_path, "x,y\n")).shape == (0, 2)
    with pytest.raises(ValueError, match="line 3: expected 2 values"):
        load_regression_csv(write(tmp_path, "x,y\n1,2\n1,2,0\n"))
    with pytest.raises(ValueError, match="line 1: expected the header 'x,y', found 'x,y,class'"):
        load_regression_csv(write(tmp_path, "x,y,class\n1,2,0\n"))
    with pytest.raises(ValueError, match="line 2: y is nan"):
        load_regression_csv(write(tmp_path, "x,y\n1,nan\n"))
