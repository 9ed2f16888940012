"""Loading a points file without freezing the window: read and checked on a worker thread with
a progress bar and Cancel, then handed to the controller on the window's thread.

A ten-megabyte file of 1.7 million rows froze the window for 78 s; it is now refused at the
first point beyond what the data set may take (engine/files/points.py), and reading up to that
shows its progress and can be cancelled.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMainWindow

from engine.files.points import LoadCancelled, load_points_csv, load_regression_csv
from gui.controller.lab_controller import LabController
from gui.shell.background import run_in_background
from gui.user_text import isolated


def load_points_in_background(window: QMainWindow, controller: LabController,
                              path: str) -> bool:
    """Replace the added points with those of `path`; whether they were loaded (a refusal,
    said in the data panel, or a cancellation changes nothing)."""
    most = controller.points_room()
    name = isolated(Path(path).name)
    regression = not controller.model.head.classifies

    def read(report):
        if regression:  # x,y pairs, no labels
            return load_regression_csv(path, most=most, progress=report), None
        classes = controller.model.spec["data"]["classes"]
        return load_points_csv(path, classes, most=most, progress=report)

    outcome = run_in_background(window, "Loading points", f"Reading {name}…", read,
                                measured=True)
    if outcome.cancelled or isinstance(outcome.error, LoadCancelled):
        controller.data_message.emit(f"Loading {name} was cancelled; the data is as it was.",
                                     False)
        return False
    if isinstance(outcome.error, (OSError, ValueError)):
        controller.refuse_points(path, outcome.error)
        return False
    if outcome.error is not None:
        raise outcome.error
    coordinates, labels = outcome.result
    controller.load_parsed_points(path, coordinates, labels)
    return True
