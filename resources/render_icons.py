"""Render resources/icons/backprop-playground.svg to the PNG sizes desktops ask for, and the
Windows (.ico) and macOS (.icns) icon files the standalone bundle's executable carries.

Run after editing the SVG: `QT_QPA_PLATFORM=offscreen python resources/render_icons.py`.
The results are committed so the window icon needs no SVG plugin at run time.
"""

import struct
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


def write_ico(pngs: list[Path], target: Path) -> None:
    """A Windows icon holding every PNG as it is (PNG entries are valid since Windows Vista),
    so Explorer picks a sharp one at each size rather than scaling one down."""
    images = [png.read_bytes() for png in pngs]
    sizes = [struct.unpack(">II", image[16:24])[0] for image in images]  # IHDR width
    offset = 6 + 16 * len(images)
    entries = b""
    for size, image in zip(sizes, images, strict=True):
        # Width and height 0 stand for 256; 32 bits per pixel; then size and offset.
        side = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(image), offset)
        offset += len(image)
    target.write_bytes(struct.pack("<HHH", 0, 1, len(images)) + entries + b"".join(images))


def main() -> None:
    app = QGuiApplication([])
    svg = ICONS / "backprop-playground.svg"
    pngs = []
    for size in SIZES:
        target = ICONS / f"backprop-playground-{size}.png"
        if not render(svg, size).save(str(target), "PNG"):
            raise OSError(f"could not write {target}")
        pngs.append(target)
        print(target)
    ico = ICONS / "backprop-playground.ico"
    write_ico([png for png in pngs if int(png.stem.rsplit("-", 1)[1]) in (16, 32, 48, 256)], ico)
    print(ico)
    icns = ICONS / "backprop-playground.icns"
    if not render(svg, 512).save(str(icns), "ICNS"):
        raise OSError(f"could not write {icns}")
    print(icns)
    del app


if __name__ == "__main__":
    main()
