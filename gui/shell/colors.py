"""Class colours for plots and docks, as hex, names and an RGB array for vectorised blending.

The colours are the theme's (Okabe and Ito's 2008 set), chosen because their hues stay apart
for viewers with protanopia, deuteranopia and tritanopia; the order puts the most distinct
pairs first, so the common two- and three-class data sets get the clearest contrast. The
names let a dock say "class 2 (orange)" for readers who cannot tell the hues apart at all.
"""

from __future__ import annotations

import numpy as np

from gui.shell.theme import LIGHT

MAX_CLASSES = 6

CLASS_COLORS_HEX: tuple[str, ...] = tuple(LIGHT.classes[:MAX_CLASSES])
CLASS_COLOR_NAMES: tuple[str, ...] = (
    "blue",
    "orange",
    "bluish green",
    "reddish purple",
    "sky blue",
    "vermillion",
)

# Outline drawn around filled markers so they stay visible on a background of the same hue.
POINT_OUTLINE_HEX = "#1A1A1A"


def _hex_to_rgb(code: str) -> tuple[int, int, int]:
    return int(code[1:3], 16), int(code[3:5], 16), int(code[5:7], 16)


CLASS_COLORS_RGB: np.ndarray = np.array(
    [_hex_to_rgb(code) for code in CLASS_COLORS_HEX], dtype=np.float32
)  # (MAX_CLASSES, 3), 0..255


def class_color(index: int) -> str:
    """The hex colour of class `index`; raises IndexError past the palette, never wraps silently."""
    if not 0 <= index < MAX_CLASSES:
        raise IndexError(f"class {index} outside 0..{MAX_CLASSES - 1}")
    return CLASS_COLORS_HEX[index]
