"""Points the learner adds to a data set, and their CSV files.

The CSV format is a header line `x,y,class` and one point per line. Loading is strict and names
the offending line, because a file written by hand should fail with a message the learner can
act on, and the caller keeps its current data when loading fails. Nothing in a file is ever
evaluated: each field goes through float() or int() only.
"""

from __future__ import annotations

import csv
import math
import os
from pathlib import Path

import numpy as np

from engine.files.atomic import atomic_writer
from engine.limits import OFFERED_CLASSES, POINTS_FILE_BYTES

HEADER = ("x", "y", "class")


def load_points_csv(
    path: str | os.PathLike, n_classes: int = OFFERED_CLASSES
) -> tuple[np.ndarray, np.ndarray]:
    """Read points from `path`.

    Returns points: (n_points, 2) float64 and labels: (n_points,) int64, classes in
    0..n_classes-1.
    Raises ValueError naming the line (1-based, the header is line 1) for a missing header, a
    wrong number of columns, a field that is not a number, NaN or infinity, or a class out of
    range; and for a file larger than POINTS_FILE_BYTES, checked before reading it.
    """
    path = Path(path)
    size = path.stat().st_size
    if size > POINTS_FILE_BYTES:
        raise ValueError(
            f"{path.name} is {size / 2**20:.1f} MB; point files are limited to "
            f"{POINTS_FILE_BYTES // 2**20} MB"
        )
    coords: list[tuple[float, float]] = []
    classes: list[int] = []
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = csv.reader(handle)
            header = next(rows, None)
            if header is None or tuple(f.strip().lower() for f in header) != HEADER:
                raise ValueError(f"line 1: expected the header 'x,y,class', found {_show(header)}")
            for row in rows:
                line = rows.line_num
                if not row or all(not f.strip() for f in row):
                    continue
                point, label = _parse_row(row, line, n_classes)
                coords.append(point)
                classes.append(label)
    except UnicodeDecodeError as error:
        raise ValueError(f"{path.name} is not a UTF-8 text file ({error.reason})") from None
    except csv.Error as error:
        raise ValueError(f"line {rows.line_num}: {error}") from None
    points = np.array(coords, dtype=np.float64).reshape(-1, 2)
    labels = np.array(classes, dtype=np.int64)
    return points, labels


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


def _parse_row(row: list[str], line: int, n_classes: int) -> tuple[tuple[float, float], int]:
    if len(row) != 3:
        raise ValueError(f"line {line}: expected 3 values (x,y,class), found {len(row)}")
    x0 = _parse_coordinate(row[0], "x", line)
    x1 = _parse_coordinate(row[1], "y", line)
    text = row[2].strip()
    try:
        label = int(text)
    except ValueError:
        raise ValueError(f"line {line}: class {_show(text)} is not a whole number") from None
    if not 0 <= label < n_classes:
        raise ValueError(f"line {line}: class {label} is outside 0..{n_classes - 1}")
    return (x0, x1), label


def _parse_coordinate(text: str, name: str, line: int) -> float:
    try:
        value = float(text.strip())
    except ValueError:
        raise ValueError(f"line {line}: {name} {_show(text)} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"line {line}: {name} is {text.strip()}; only finite numbers are allowed")
    return value


def _show(value: object) -> str:
    """A short, quoted rendering of bad input for a message (a long line is cut)."""
    text = ",".join(value) if isinstance(value, list) else str(value)
    return repr(text if len(text) <= 40 else text[:37] + "...")
