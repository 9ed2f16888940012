"""The numbers in an array table's cells: shown short, read back forgivingly, tinted by sign and
size, and the step a nudge of the wheel or an arrow key moves them by.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtGui import QColor

from gui.shell.theme import current_theme


def format_value(value: float, digits: int = 5) -> str:
    """Short enough for a cell, exact enough to follow a learning rate of 0.001."""
    if value == 0:
        return "0"
    text = f"{value:.{digits}g}"
    return text.replace("e-0", "e-").replace("e+0", "e")


def fitting_text(value: float, digits: int, fits: Callable[[str], bool]) -> str:
    """The most precise text of `value` that `fits` (a cell's width), down to one significant
    digit, in plain or exponent notation: a narrow cell shows "-0.00699" or "-7e-3" rather
    than a cut "-0.0069..." (the full value stays in the cell's tooltip)."""
    for shown in range(digits, 0, -1):
        for text in (format_value(value, shown), _exponent(value, shown)):
            if fits(text):
                return text
    return format_value(value, 1)


def _exponent(value: float, digits: int) -> str:
    """`value` in exponent notation with `digits` significant digits, as format_value writes
    exponents ("-7e-3")."""
    if value == 0 or not math.isfinite(value):
        return format_value(value, digits)
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def parse_value(text: str) -> float:
    """The float the learner meant, or ValueError with a message fit to show them."""
    stripped = text.strip().replace(",", ".") if text.count(",") == 1 and "." not in text \
        else text.strip()
    try:
        value = float(stripped)
    except ValueError:
        raise ValueError(f"'{text}' is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"'{text}' is not a finite number")
    return value


def tint(value: float, scale: float) -> QColor:
    """The theme's sign colours, stronger the larger the value is against `scale`."""
    theme = current_theme()
    base = QColor(theme.positive if value > 0 else theme.negative)
    strength = 0.0 if scale <= 0 else min(1.0, abs(value) / scale)
    base.setAlphaF(0.10 + 0.45 * strength if value != 0 else 0.0)
    return base


def nudge_step(value: float, step: float | None) -> float:
    """A fixed step, or (step=None) one unit in the value's second significant digit."""
    if step is not None:
        return step
    if value == 0:
        return 0.0001
    return 10.0 ** (math.floor(math.log10(abs(value))) - 1)


def round_to_step(value: float, step: float) -> float:
    """Drop the binary noise a repeated nudge would otherwise accumulate (0.1 + 0.01 + ...)."""
    decimals = max(0, -math.floor(math.log10(step)) + 1)
    return round(value, decimals)
