"""A large points file loads off the window's thread, with progress and Cancel; a file holding
more points than a session may is refused at the first point too many, naming the limit."""

import threading

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFileDialog, QProgressDialog, QPushButton

from engine.limits import LOADABLE_DATA_POINTS
from gui.labs.classification.lab import ClassificationLab, install_classification_lab
from gui.shell import background
from gui.shell.main_window import MainWindow
from gui.tutorial import points_loading


@pytest.fixture
def lab(qtbot) -> ClassificationLab:
    window = MainWindow(settings=None)
    qtbot.addWidget(window)
    return install_classification_lab(window, "spiral")


def write_points(path, count: int) -> None:
    """`count` points of classes 0..2 spread over the plane, as a person would write them."""
    rng = np.random.default_rng(7)
    xy = rng.uniform(-1, 1, (count, 2))
    rows = "".join(f"{x:.6f},{y:.6f},{i % 3}\n" for i, (x, y) in enumerate(xy.tolist()))
    path.write_text("x,y,class\n" + rows)


def choose_and_load(qtbot, lab, path, monkeypatch) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *args, **kwargs: (str(path), "CSV files (*.csv)")))
    qtbot.mouseClick(lab.data.load_button, Qt.MouseButton.LeftButton)


def added(lab) -> int:
    return len(lab.controller.snapshot.classification.user_points)


def test_a_large_file_is_read_on_a_worker_thread_with_its_progress(
        qtbot, lab, tmp_path, monkeypatch):
    path = tmp_path / "many.csv"
    write_points(path, 60_000)
    outcomes, fractions = [], []
    real = background.run_in_background

    def recording(parent, title, label, work, measured=False):
        def reporting(report):
            return work(lambda fraction: fractions.append(fraction) or report(fraction))
        outcomes.append(real(parent, title, label, reporting, measured))
        return outcomes[-1]

    monkeypatch.setattr(points_loading, "run_in_background", recording)
    choose_and_load(qtbot, lab, path, monkeypatch)
    assert outcomes[0].thread not in (None, threading.get_ident())
    assert len(fractions) == 3 and fractions == sorted(fractions) and 0 < fractions[0] < 0.5
    assert added(lab) == 60_000
    assert lab.data.message.text() == "Loaded 60000 points from many.csv."


def test_cancel_stops_the_read_and_keeps_the_data(qtbot, lab, tmp_path, monkeypatch):
    lab.controller.add_point(0.1, 0.2, 1)
    path = tmp_path / "many.csv"
    write_points(path, 60_000)
    cancelled = threading.Event()
    real = points_loading.load_points_csv

    def waiting_for_cancel(*args, **kwargs):
        assert cancelled.wait(10)  # the learner presses Cancel before the first rows are in
        return real(*args, **kwargs)

    def press_cancel():
        lab.window.findChild(QProgressDialog).findChild(QPushButton).click()
        cancelled.set()

    monkeypatch.setattr(points_loading, "load_points_csv", waiting_for_cancel)
    QTimer.singleShot(0, press_cancel)
    choose_and_load(qtbot, lab, path, monkeypatch)
    assert lab.data.message.text() == ("Loading many.csv was cancelled; the data "
                                       "is as it was.")
    assert added(lab) == 1


def test_a_ten_megabyte_file_is_refused_at_the_first_point_beyond_the_limit(
        qtbot, lab, tmp_path, monkeypatch):
    lab.controller.add_point(0.1, 0.2, 1)
    path = tmp_path / "huge.csv"
    write_points(path, 480_000)
    assert 9_000_000 < path.stat().st_size < 10 * 2**20
    choose_and_load(qtbot, lab, path, monkeypatch)
    room = LOADABLE_DATA_POINTS - 300  # the spiral's 3 classes of 100 samples
    assert lab.data.message.text() == (
        f"Could not load huge.csv: huge.csv holds more than {room} points, the most "
        f"this data set can take (line {room + 2}). The current data is kept.")
    assert added(lab) == 1
