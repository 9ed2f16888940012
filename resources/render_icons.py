"""Render resources/icons/backprop-playground.svg to the PNG sizes desktops ask for.

Run after editing the SVG: `QT_QPA_PLATFORM=offscreen python resources/render_icons.py`.
PNGs are committed so the window icon needs no SVG plugin at run time.
"""

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parent / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(svg: Path, size: int) -> QImage:
    """The SVG drawn on a transparent square of `size` pixels."""
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def main() -> None:
    app = QGuiApplication([])
    svg = ICONS / "backprop-playground.svg"
    for size in SIZES:
        target = ICONS / f"backprop-playground-{size}.png"
        if not render(svg, size).save(str(target), "PNG"):
            raise OSError(f"could not write {target}")
        print(target)
    del app


if __name__ == "__main__":
    main()
