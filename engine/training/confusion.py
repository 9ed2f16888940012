"""A classifier's confusion matrix: how many points of each true class it predicts as each class.
"""

from __future__ import annotations

import numpy as np


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray, classes: int) -> np.ndarray:
    """labels, predicted: (n,) class indices -> (classes, classes) int64 counts, rows the true
    class, columns the predicted one. A prediction of -1 (the network overflowed) is counted in
    no cell, so a row then sums to fewer than its class's points."""
    labels = np.asarray(labels, dtype=np.int64)
    predicted = np.asarray(predicted, dtype=np.int64)
    if labels.shape != predicted.shape or labels.ndim != 1:
        raise ValueError(f"labels {labels.shape} and predictions {predicted.shape} must be the "
                         "same 1-D shape")
    counted = (predicted >= 0) & (predicted < classes) & (labels >= 0) & (labels < classes)
    cells = labels[counted] * classes + predicted[counted]
    return np.bincount(cells, minlength=classes * classes).reshape(classes, classes)
