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


def test_state_round_trips_exactly():
    history = History(("loss", "accuracy"), recent=50, older_buckets=8)
    for row in range(700):
        history.append((float(np.sin(row)), row / 10))
    other = History(("loss", "accuracy"), recent=50, older_buckets=8)
    other.set_state(history.get_state())
    assert other.get_state()["epochs"].tolist() == history.get_state()["epochs"].tolist()
    assert other.columns()["loss"].tobytes() == history.columns()["loss"].tobytes()
    assert (other.full_from, other.bucket, other.count) == (history.full_from, history.bucket,
                                                            700)


def test_replace_holds_every_epoch_of_full_lists():
    history = History(("loss", "accuracy"))
    history.replace({"loss": [1.0, 2.0, 3.0], "accuracy": [0.1, 0.2, 0.3]})
    assert history.columns()["loss"].tolist() == [1.0, 2.0, 3.0]
    assert history.epochs().tolist() == [0, 1, 2]


def _sawtooth(rows: int, recent: int, buckets: int) -> tuple[History, np.ndarray]:
    values = np.random.default_rng(5).normal(size=(rows, 2))
    values[777, 0] = 40.0  # a spike the record must keep
    values[1234, 1] = -40.0
    history = History(("loss", "accuracy"), recent=recent, older_buckets=buckets)
    for row in values:
        history.append(tuple(row))
    return history, values


def test_a_long_history_keeps_every_recent_row_and_a_bounded_record_of_older_ones():
    history, values = _sawtooth(20_000, recent=1000, buckets=32)
    epochs = history.epochs()
    assert history.count == 20_000 and history.thinned
    # recent rows, the slack before thinning, a bucket's alignment, 5 rows a bucket at most
    assert len(history) <= 1000 + 125 + history.bucket + 32 * 5
    recent = epochs >= history.full_from
    assert recent.sum() >= 1000
    assert epochs[recent].tolist() == list(range(history.full_from, 20_000))
    kept = history.columns()
    assert kept["loss"].tobytes() == values[epochs, 0].tobytes()  # real rows, exactly
    assert 777 in epochs and 1234 in epochs


def test_each_bucket_of_the_record_keeps_its_first_row_and_every_columns_extremes():
    history, values = _sawtooth(20_000, recent=1000, buckets=32)
    epochs, bucket = history.epochs(), history.bucket
    old = epochs < history.full_from
    for start in range(0, history.full_from, bucket):
        rows = values[start:start + bucket]
        here = epochs[old & (epochs >= start) & (epochs < start + bucket)]
        assert start in here
        for column in range(2):
            assert start + int(rows[:, column].argmin()) in here
            assert start + int(rows[:, column].argmax()) in here


def test_thinning_depends_only_on_the_rows_not_on_when_a_copy_was_taken():
    whole, values = _sawtooth(9000, recent=500, buckets=16)
    resumed = History(("loss", "accuracy"), recent=500, older_buckets=16)
    for index, row in enumerate(values):
        resumed.append(tuple(row))
        if index % 1777 == 0:
            copy = History(("loss", "accuracy"), recent=500, older_buckets=16)
            copy.set_state(resumed.get_state())
            resumed = copy
    assert resumed.epochs().tolist() == whole.epochs().tolist()
    assert resumed.columns()["accuracy"].tobytes() == whole.columns()["accuracy"].tobytes()


def test_extend_thins_as_appending_does():
    appended, values = _sawtooth(6000, recent=400, buckets=8)
    extended = History(("loss", "accuracy"), recent=400, older_buckets=8)
    extended.extend(values)
    assert extended.epochs().tolist() == appended.epochs().tolist()


def test_truncating_into_the_record_keeps_the_rows_before_and_appends_after():
    history, _ = _sawtooth(20_000, recent=1000, buckets=32)
    history.truncate(5000)
    assert history.count == 5000 and history.epochs()[-1] < 5000
    history.append((1.0, 1.0))
    assert history.epochs()[-1] == 5000 and history.count == 5001


def test_gaps_between_epochs_are_kept_and_epochs_must_increase():
    history = History(("loss",))
    history.append((1.0,), epoch=3)
    history.append((2.0,), epoch=10)
    assert history.epochs().tolist() == [3, 10] and history.count == 11
    with pytest.raises(ValueError, match="not after"):
        history.append((3.0,), epoch=10)


def test_a_state_that_is_no_history_is_refused():
    history = History(("loss",))
    good = {"keys": ["loss"], "epochs": np.array([0, 1]), "values": np.zeros((2, 1)),
            "count": 2, "full_from": 0, "bucket": 16}
    history.set_state(good)
    for change, match in (({"keys": ["x"]}, "a history of x"),
                          ({"epochs": np.array([1, 1])}, "increase"),
                          ({"values": np.zeros((3, 1))}, "shape"),
                          ({"bucket": 17}, "bucket 17")):
        with pytest.raises(ValueError, match=match):
            history.set_state({**good, **change})
