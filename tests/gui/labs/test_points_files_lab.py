"""The learner's own data files, loaded and saved through the data panel's buttons: points CSVs
as spreadsheets save them, an empty file, a file with a header and no points (asked about
before the added points go), and a regression's x,y pairs."""

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from gui.labs.classification.lab import ClassificationLab, install_classification_lab
from gui.shell.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


def open_lab(qtbot, scenario: str) -> ClassificationLab:
    window = MainWindow(settings=None)
    qtbot.addWidget(window)
    lab = install_classification_lab(window, scenario)
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    lab.docks["data"].raise_()
    return lab


def load(qtbot, lab, monkeypatch, path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda *args, **kwargs: (str(path), "CSV files (*.csv)"))
    qtbot.mouseClick(lab.data.load_button, Qt.MouseButton.LeftButton)


def answer_the_question_with(button: QMessageBox.StandardButton, seen: list) -> None:
    """Click `button` of the question box once it shows, noting its text."""
    def click() -> None:
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(20, click)
            return
        seen.append(box.text())
        box.button(button).click()
    QTimer.singleShot(20, click)


def test_a_spreadsheets_csv_loads_its_points(qtbot, monkeypatch, tmp_path):
    lab = open_lab(qtbot, "spiral")
    excel = tmp_path / "excel.csv"
    excel.write_bytes(b"\xef\xbb\xbfx,y,class\r\n0.25,-0.5,2\r\n")
    load(qtbot, lab, monkeypatch, excel)
    assert lab.data.message.text() == "Loaded 1 points from excel.csv."
    assert lab.controller.model.spec["points"] == [[0.25, -0.5, 2]]
    german = tmp_path / "german.csv"
    german.write_text("x;y;class\n0,5;-0,75;1\n-0,125;0;0\n", encoding="utf-8")
    load(qtbot, lab, monkeypatch, german)
    assert lab.controller.model.spec["points"] == [[0.5, -0.75, 1], [-0.125, 0.0, 0]]
    assert lab.data.point_count.text() == "2 added points"


def test_an_empty_file_says_so_and_keeps_the_data(qtbot, monkeypatch, tmp_path):
    lab = open_lab(qtbot, "spiral")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    load(qtbot, lab, monkeypatch, empty)
    assert lab.data.message.text() == \
        "Could not load empty.csv: the file is empty. The current data is kept."


def test_a_header_without_points_asks_before_it_clears_the_added_points(
        qtbot, monkeypatch, tmp_path):
    lab = open_lab(qtbot, "spiral")
    lab.controller.add_point(0.1, 0.2, 1)
    lab.controller.add_point(-0.3, 0.4, 0)
    header_only = tmp_path / "header.csv"
    header_only.write_text("x,y,class\n", encoding="utf-8")
    seen: list[str] = []
    answer_the_question_with(QMessageBox.StandardButton.No, seen)
    load(qtbot, lab, monkeypatch, header_only)
    assert seen == ["header.csv has a header but no points. Loading it removes the 2 added "
                    "points. Remove them?"]
    assert len(lab.controller.model.spec["points"]) == 2
    assert lab.data.message.text() == "header.csv holds no points; the 2 added points are kept."
    answer_the_question_with(QMessageBox.StandardButton.Yes, seen)
    load(qtbot, lab, monkeypatch, header_only)
    assert len(seen) == 2 and lab.controller.model.spec["points"] == []
    assert lab.data.message.text() == "Removed 2 added points."
    load(qtbot, lab, monkeypatch, header_only)  # nothing to clear: no question
    assert len(seen) == 2 and lab.data.message.text() == "Loaded 0 points from header.csv."


def test_a_regressions_points_save_and_load_as_x_y_pairs(qtbot, monkeypatch, tmp_path):
    lab = open_lab(qtbot, "sine")
    lab.controller.add_point(0.5, 0.8, 0)
    lab.controller.add_point(0.1, -0.2, 0)
    saved = tmp_path / "mine.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (str(saved), "CSV files (*.csv)"))
    qtbot.mouseClick(lab.data.save_button, Qt.MouseButton.LeftButton)
    assert saved.read_text().splitlines() == ["x,y", "0.5,0.8", "0.1,-0.2"]
    lab.controller.clear_points()
    load(qtbot, lab, monkeypatch, saved)
    assert lab.controller.model.spec["points"] == [[0.5, 0.8], [0.1, -0.2]]
    assert len(lab.controller.model.X) == 1002
    assert np.allclose(lab.outputs.regression.user_points.getData(), [[0.5, 0.1], [0.8, -0.2]])
    classes = tmp_path / "classes.csv"
    classes.write_text("x,y,class\n0,0,1\n", encoding="utf-8")
    load(qtbot, lab, monkeypatch, classes)
    assert "expected the header 'x,y', found 'x,y,class'" in lab.data.message.text()
    assert len(lab.controller.model.spec["points"]) == 2
