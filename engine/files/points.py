"""Points the learner adds to a data set, and their CSV files.

The CSV format is a header line `x,y,class` and one point per line. Loading is strict and names
the offending line, because a file written by hand should fail with a message the learner can
act on, and the caller keeps its current data when loading fails. Nothing in a file is ever
evaluated: a number is what a person writes as one (digits, a point, an exponent: not Python's
"1_0" nor "nan"), a class is digits. Only regular files are read, within POINTS_FILE_BYTES and a
time limit (engine/files/session_reading.py); a file holding more points than a data set may
have is refused as soon as the count is passed, so a huge file costs no more than the limit;
a long load reports its progress and can be cancelled. A regression's points are `x,y` pairs
(input and target). Files as spreadsheets save them are read too (a byte-order mark, semicolons
with decimal commas: engine/files/points_dialect.py); an empty file says so.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from engine.files.atomic import atomic_writer
from engine.files.points_dialect import (
    Dialect,
    dialect_of,
    number_text,
    without_byte_order_mark,
)
from engine.files.session_reading import read_file_bytes
from engine.limits import LOADABLE_DATA_POINTS, OFFERED_CLASSES, POINTS_FILE_BYTES

HEADER = ("x", "y", "class")
REGRESSION_HEADER = ("x", "y")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_WHOLE = re.compile(r"[+-]?\d+", re.ASCII)
_PROGRESS_ROWS = 20_000  # rows between two progress reports
# progress(fraction of the file read) -> whether to go on; False cancels the load
Progress = Callable[[float], bool]


class LoadCancelled(Exception):  # noqa: N818 (a cancellation, not an error)
    """The learner cancelled a load; nothing was changed."""


def load_points_csv(
    path: str | os.PathLike, n_classes: int = OFFERED_CLASSES,
    most: int = LOADABLE_DATA_POINTS, progress: Progress | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Read points from `path`.

    Returns points: (n_points, 2) float64 and labels: (n_points,) int64, classes in
    0..n_classes-1.
    Raises ValueError naming the line (1-based, the header is line 1) for a missing header, a
    wrong number of columns, a field that is not a number, NaN or infinity, or a class out of
    range; for more than `most` points; and for a file larger than POINTS_FILE_BYTES or not a
    regular file, checked before reading it. LoadCancelled if `progress` returned False.
    """
    coords: list[tuple[float, float]] = []
    classes: list[int] = []
    for line, row, dialect in _rows(path, HEADER, most, progress):
        point, label = _parse_row(row, line, n_classes, dialect)
        coords.append(point)
        classes.append(label)
    points = np.array(coords, dtype=np.float64).reshape(-1, 2)
    labels = np.array(classes, dtype=np.int64)
    return points, labels


def load_regression_csv(path: str | os.PathLike, most: int = LOADABLE_DATA_POINTS,
                        progress: Progress | None = None) -> np.ndarray:
    """A regression's points from `path` (header `x,y`): (n_points, 2) float64, input and
    target; ValueError and LoadCancelled as load_points_csv."""
    pairs = []
    for line, row, dialect in _rows(path, REGRESSION_HEADER, most, progress):
        if len(row) != 2:
            raise ValueError(f"line {line}: expected 2 values (x,y), found {len(row)}")
        pairs.append((_parse_coordinate(row[0], "x", line, dialect),
                      _parse_coordinate(row[1], "y", line, dialect)))
    return np.array(pairs, dtype=np.float64).reshape(-1, 2)


def _rows(path: str | os.PathLike, header: tuple[str, ...], most: int,
          progress: Progress | None) -> Iterator[tuple[int, list[str], Dialect]]:
    """(line, fields, dialect) of each row after `header` that holds anything, at most `most`."""
    path = Path(path)
    data = read_file_bytes(path, POINTS_FILE_BYTES, what="point")
    try:
        text = without_byte_order_mark(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise ValueError(f"{path.name} is not a UTF-8 text file ({error.reason})") from None
    dialect = dialect_of(text)
    buffer = io.StringIO(text, newline="")
    rows = csv.reader(buffer, delimiter=dialect.delimiter)
    count = 0
    try:
        found = next((row for row in rows if any(f.strip() for f in row)), None)
        if found is None:
            raise ValueError("the file is empty")
        if tuple(f.strip().lower() for f in found) != header:
            raise ValueError(f"line {rows.line_num}: expected the header "
                             f"'{','.join(header)}', found {_show(found)}")
        for row in rows:
            if not any(f.strip() for f in row):
                continue
            count += 1
            if count > most:
                raise ValueError(f"{path.name} holds more than {most} points, the most this "
                                 f"data set can take (line {rows.line_num})")
            yield rows.line_num, row, dialect
            if progress is not None and count % _PROGRESS_ROWS == 0 and \
                    not progress(buffer.tell() / max(1, len(text))):
                raise LoadCancelled(f"loading {path.name} was cancelled")
    except csv.Error as error:
        raise ValueError(f"line {rows.line_num}: {error}") from None


def save_points_csv(path: str | os.PathLike, points: np.ndarray, labels: np.ndarray) -> None:
    """Write points: (n_points, 2) and labels: (n_points,) to `path` with full float precision.

    Written through engine.files.atomic: a full disk or a kill leaves the file that was there
    as it was, and a folder that cannot be written raises FileWriteError (an OSError) naming why.
    """
    points = np.asarray(points, dtype=np.float64)
    labels = np.asarray(labels)
    if points.ndim != 2 or points.shape[1] != 2 or labels.shape != (points.shape[0],):
        raise ValueError(
            f"expected points (n, 2) and labels (n,), got {points.shape} and {labels.shape}"
        )
    with atomic_writer(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        for (x0, x1), label in zip(points.tolist(), labels.tolist(), strict=True):
            writer.writerow((repr(x0), repr(x1), int(label)))


def save_regression_csv(path: str | os.PathLike, points: np.ndarray) -> None:
    """Write a regression's points: (n_points, 2) input and target, as save_points_csv does."""
    points = np.asarray(points, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"expected points (n, 2), got {points.shape}")
    with atomic_writer(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(REGRESSION_HEADER)
        writer.writerows((repr(x), repr(y)) for x, y in points.tolist())


def _parse_row(row: list[str], line: int, n_classes: int,
               dialect: Dialect) -> tuple[tuple[float, float], int]:
    if len(row) != 3:
        raise ValueError(f"line {line}: expected 3 values (x,y,class), found {len(row)}")
    x0 = _parse_coordinate(row[0], "x", line, dialect)
    x1 = _parse_coordinate(row[1], "y", line, dialect)
    text = row[2].strip()
    if not _WHOLE.fullmatch(text):
        raise ValueError(f"line {line}: class {_show(text)} is not a whole number")
    label = int(text)
    if not 0 <= label < n_classes:
        raise ValueError(f"line {line}: class {label} is outside 0..{n_classes - 1}")
    return (x0, x1), label


def _parse_coordinate(text: str, name: str, line: int, dialect: Dialect) -> float:
    text = number_text(text.strip(), dialect)
    if not _NUMBER.fullmatch(text):
        if text.lower().lstrip("+-") in ("nan", "inf", "infinity"):
            raise ValueError(f"line {line}: {name} is {text}; only finite numbers are allowed")
        raise ValueError(f"line {line}: {name} {_show(text)} is not a number")
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"line {line}: {name} is {text}; only finite numbers are allowed")
    return value


def _show(value: object) -> str:
    """A short, quoted rendering of bad input for a message (a long line is cut)."""
    text = ",".join(value) if isinstance(value, list) else str(value)
    return repr(text if len(text) <= 40 else text[:37] + "...")
