"""Render the window to a PNG without a screen, for the README and for tutorial stills."""

import re
import sys
from pathlib import Path

from PySide6.QtCore import (
    QEventLoop,
    QMessageLogContext,
    Qt,
    QTimer,
    QtMsgType,
    qFormatLogMessage,
    qInstallMessageHandler,
)
from PySide6.QtWidgets import QApplication, QWidget

from engine.files.atomic import write_atomically
from gui.tutorial.image_export import png_bytes

# Long enough for posted layout events and pyqtgraph's deferred range updates to run.
SETTLE_MS = 150
# What the offscreen platform says about window-system features it does not have.
OFFSCREEN_NOISE = re.compile(r"This plugin does not support (propagateSizeHints|raise)\(\)")


def _print_unless_offscreen_noise(
    mode: QtMsgType, context: QMessageLogContext, message: str
) -> None:
    if not OFFSCREEN_NOISE.fullmatch(message):
        print(qFormatLogMessage(mode, context, message), file=sys.stderr)


def quiet_offscreen_noise() -> None:
    """Keep a screenshot's terminal output to what matters: without a window system, Qt warns
    on every window resize that it cannot forward size hints, which is expected, not a fault."""
    qInstallMessageHandler(_print_unless_offscreen_noise)


def settle() -> None:
    """Let Qt finish every pending layout, polish and repaint before pixels are read."""
    loop = QEventLoop()
    QTimer.singleShot(SETTLE_MS, loop.quit)
    loop.exec()
    QApplication.sendPostedEvents()
    QApplication.processEvents()


class WindowSizeError(ValueError):
    """The window cannot be laid out at the asked size (its panels need more room)."""


def save_screenshot(window: QWidget, path: str | Path, size: tuple[int, int],
                    device_pixels: bool = False) -> None:
    """Show `window` at `size` (width, height) and write exactly that many pixels to `path`;
    `device_pixels`: that many times the screen's device pixel ratio (2 on a HiDPI screen, or
    with QT_SCALE_FACTOR=2), every pixel drawn at that resolution.

    Raises WindowSizeError rather than squeeze a larger window into the asked pixels, and
    FileWriteError (the file there untouched) if the PNG cannot be written.
    """
    window.resize(*size)
    window.show()
    settle()
    if (window.width(), window.height()) != size:
        least = window.minimumSizeHint().expandedTo(window.minimumSize())
        raise WindowSizeError(
            f"the window cannot be {size[0]}x{size[1]}: "
            f"its panels need at least {least.width()}x{least.height()}"
        )
    image = window.grab().toImage()
    ratio = window.devicePixelRatioF() if device_pixels else 1.0
    pixels = (round(size[0] * ratio), round(size[1] * ratio))
    if (image.width(), image.height()) != pixels:
        # A high-DPI screen grabs at its device pixel ratio; the caller asked for pixels.
        image = image.scaled(
            *pixels,
            Qt.AspectRatioMode.IgnoreAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
    image.setDevicePixelRatio(1.0)
    write_atomically(path, png_bytes(image))
