"""Realistic fake inputs for the classification views: a spiral and a boundary from a formula."""

import os
from pathlib import Path

import numpy as np
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget


def spiral(samples: int = 100, classes: int = 3, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Points (samples*classes, 2) and labels shaped like nnfs's spiral_data."""
    rng = np.random.default_rng(seed)
    points = np.zeros((samples * classes, 2))
    labels = np.repeat(np.arange(classes), samples)
    for c in range(classes):
        radius = np.linspace(0.0, 1.0, samples)
        angle = np.linspace(c * 4, (c + 1) * 4, samples) + rng.normal(size=samples) * 0.2
        points[c * samples : (c + 1) * samples] = np.c_[
            radius * np.sin(angle * 2.5), radius * np.cos(angle * 2.5)
        ]
    return points, labels


def spiral_probabilities(classes: int = 3, cells: int = 200) -> np.ndarray:
    """Softmax probabilities (cells, cells, classes) of a swirl over [-1, 1]^2."""
    xs = ys = np.linspace(-1.0, 1.0, cells)
    gx, gy = np.meshgrid(xs, ys)
    angle, radius = np.arctan2(gy, gx), np.hypot(gx, gy)
    logits = np.stack(
        [3 * np.cos(angle - 2 * np.pi * c / classes + 4 * radius) for c in range(classes)], -1
    )
    exp = np.exp(logits - logits.max(-1, keepdims=True))
    return exp / exp.sum(-1, keepdims=True)



def save_shot(widget, name: str, tmp_path) -> QImage:
    """Render `widget` as it shows on screen; the picture, also saved as PNG in $SHOTS_DIR if
    set (to look at it), else in tmp_path. Tests read its pixels."""
    folder = Path(os.environ.get("SHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    QApplication.processEvents()  # queued show and layout requests, as before any real paint
    image = widget.grab().toImage()
    assert image.save(str(path))
    return image


def pixels(image: QImage, rect: QRect | None = None) -> np.ndarray:
    """The picture's (height, width, 3) RGB values, of `rect` only if given."""
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(),
                                                              image.bytesPerLine())
    rgb = rows[:, :image.width() * 3].reshape(image.height(), image.width(), 3)
    if rect is not None:
        rgb = rgb[rect.top():rect.bottom() + 1, rect.left():rect.right() + 1]
    return rgb.copy()


def rect_in(widget: QWidget, top: QWidget) -> QRect:
    """Where `widget` is drawn within `top` (one of its ancestors)."""
    return QRect(widget.mapTo(top, QPoint(0, 0)), widget.size())


def count_near(rgb: np.ndarray, colour: str, tolerance: int = 40) -> int:
    """How many pixels of `rgb` are within `tolerance` (per channel) of `colour` (#rrggbb)."""
    wanted = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(rgb.astype(int) - wanted).max(axis=-1) <= tolerance).sum())



def neuron_maps(
    layer_sizes: tuple[int, ...] = (16, 8), cells: int = 50, seed: int = 0
) -> list[tuple[int, int, np.ndarray]]:
    """(layer, neuron, (cells, cells) activations) of a random ReLU network over [-1, 1]^2."""
    rng = np.random.default_rng(seed)
    xs = ys = np.linspace(-1.0, 1.0, cells)
    gx, gy = np.meshgrid(xs, ys)
    values = np.stack([gx.ravel(), gy.ravel()], axis=1)
    maps = []
    for layer, size in enumerate(layer_sizes):
        weights = rng.normal(size=(values.shape[1], size))
        values = np.maximum(0.0, values @ weights + rng.normal(size=size) * 0.5)
        maps += [(layer, n, values[:, n].reshape(cells, cells)) for n in range(size)]
    return maps
