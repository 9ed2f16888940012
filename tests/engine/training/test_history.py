"""History: the window holds its columns without copying, so what it was given must never change."""

import numpy as np
import pytest

from engine.training.history import History


def filled(rows: int) -> History:
    history = History(("loss", "accuracy"))
    for row in range(rows):
        history.append((float(row), row / 10))
    return history


def test_columns_hold_what_was_appended():
    history = filled(3000)
    columns = history.columns()
    assert len(history) == 3000
    assert columns["loss"].tolist() == [float(row) for row in range(3000)]
    assert columns["accuracy"][-1] == pytest.approx(299.9)
    assert history.columns(start=2998)["loss"].tolist() == [2998.0, 2999.0]


def test_columns_are_read_only():
    with pytest.raises(ValueError):
        filled(5).columns()["loss"][0] = 1.0


def test_a_view_handed_out_never_changes_when_rows_are_appended_or_truncated():
    history = filled(1024)  # the first block is full: the next row moves to a larger one
    before = history.columns()["loss"]
    kept = before.copy()
    history.append((-1.0, -1.0))
    history.truncate(10)
    for _ in range(3000):
        history.append((-2.0, -2.0))
    assert np.array_equal(before, kept)
    assert history.columns()["loss"][:10].tolist() == [float(row) for row in range(10)]
    assert history.columns()["loss"][10] == -2.0


def test_replace_and_lists_round_trip():
    history = History(("loss", "accuracy"))
    history.replace(filled(7).lists())
    assert history.lists() == filled(7).lists()
    assert len(history) == 7
