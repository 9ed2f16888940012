"""Class colours for plots and docks.

The palette is Okabe and Ito's (2008) set, chosen because its hues stay apart for viewers with
protanopia, deuteranopia and tritanopia; the order puts the most distinct pairs first, so the
common two- and three-class data sets get the clearest contrast.
"""

from __future__ import annotations

import numpy as np

MAX_CLASSES = 6

# (name, hex) in the order classes are coloured.
_OKABE_ITO = (
    ("blue", "#0072B2"),
    ("orange", "#E69F00"),
    ("bluish green", "#009E73"),
    ("reddish purple", "#CC79A7"),
    ("sky blue", "#56B4E9"),
    ("vermillion", "#D55E00"),
)

CLASS_COLOR_NAMES: tuple[str, ...] = tuple(name for name, _ in _OKABE_ITO)
CLASS_COLORS_HEX: tuple[str, ...] = tuple(code for _, code in _OKABE_ITO)

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
