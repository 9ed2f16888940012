"""Input boxes for docks: spin boxes that refuse bad input out loud, and wheel-safe choices.

Qt's spin boxes drop an invalid keystroke silently and turn a too-large "300" into "30"; a
learner then trains a network they did not ask for. These boxes let any number be typed,
commit only on Enter or leaving the box (never per keystroke, which would rebuild the model
for "3" on the way to "300"), and when the typed text is not a number in range they say why in
`refused` and go back to the value they had. Real-valued boxes show and accept scientific
notation (5e-07), so one box spans learning rates from 1e-6 to 100 without a sea of zeros.
A decimal comma is read as a point ("1,5" is 1.5), as the lab's tables read it; a whole-number
box refuses "1,5" (and "1e999") as a whole on Enter and never drops the odd character, which
would turn "1,5" into 15.

All boxes take focus only by a click, as the lab's other inputs do, so the window's one-key
shortcuts keep working, and a mouse wheel turning over a box that was not clicked scrolls the
dock instead of silently changing the network (and rebuilding it).
"""

from __future__ import annotations

import math
import re

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QValidator, QWheelEvent
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QDoubleSpinBox, QSpinBox, QWidget

_PARTIAL_INT = re.compile(r"[+-]?\d*")
_PARTIAL_FLOAT = re.compile(r"[+-]?(\d+[.,]?\d*|[.,]\d*)?([eE][+-]?\d*)?")
# A log box steps through 1, 2, 5, 10, 20, 50, ... : round numbers a learner would type.
_MANTISSAS = (1.0, 2.0, 5.0)


def _wheel_only_when_focused(widget: QWidget, event: QWheelEvent, handle) -> None:
    if widget.hasFocus():
        handle(event)
    else:
        event.ignore()  # let the scroll area around the box have it


class ChoiceBox(QComboBox):
    """A combo box that changes by wheel only once clicked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        # Qt's default measures the choices once, at the first show: after the text grew
        # (presentation mode) the box kept its old width and cut "Book (float32)".
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)

    def minimumSizeHint(self) -> QSize:
        """Never narrower than its longest choice: Qt's own minimum cuts the text short."""
        return QSize(self.sizeHint().width(), super().minimumSizeHint().height())

    def wheelEvent(self, event: QWheelEvent) -> None:
        _wheel_only_when_focused(self, event, super().wheelEvent)


def _settle(box: QAbstractSpinBox) -> None:
    box.setKeyboardTracking(False)
    box.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToPreviousValue)
    box.setFocusPolicy(Qt.FocusPolicy.ClickFocus)


class IntBox(QSpinBox):
    """A whole number in [minimum, maximum]."""

    # (str) why the typed text was refused, naming the box, its range and the value kept
    refused = Signal(str)

    def __init__(
        self, name: str, minimum: int, maximum: int, value: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.name = name
        self.setRange(minimum, maximum)
        self.setValue(value)
        _settle(self)
        self.setToolTip(f"{name}: a whole number from {minimum} to {maximum}")

    def wheelEvent(self, event: QWheelEvent) -> None:
        _wheel_only_when_focused(self, event, super().wheelEvent)

    def _bare(self, text: str) -> str:
        """The typed number without the box's prefix and suffix (Qt passes them along)."""
        text = text.strip()
        prefix, suffix = self.prefix().strip(), self.suffix().strip()
        if prefix and text.startswith(prefix):
            text = text[len(prefix):]
        if suffix and text.endswith(suffix):
            text = text[:-len(suffix)]
        return text.strip()

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        stripped = self._bare(text)
        if not _PARTIAL_INT.fullmatch(stripped) or stripped in ("", "+", "-"):
            return QValidator.State.Intermediate, text, pos  # judged as a whole by fixup
        inside = self.minimum() <= int(stripped) <= self.maximum()
        state = QValidator.State.Acceptable if inside else QValidator.State.Intermediate
        return state, text, pos

    def fixup(self, text: str) -> str:
        kept, typed = self.textFromValue(self.value()), self._bare(text)
        if _PARTIAL_INT.fullmatch(typed):
            self.refused.emit(_out_of_range(self.name, typed, self.minimum(), self.maximum(), kept))
        else:
            self.refused.emit(f"{self.name}: type a whole number ({typed!r} is not one).")
        return text


class RealBox(QDoubleSpinBox):
    """A real number in [minimum, maximum], shown with up to 6 significant digits.

    `log_steps`: the arrows step through 1-2-5 per decade (for rates spanning decades);
    otherwise they add or subtract `step`.
    """

    # (str) why the typed text was refused, naming the box, its range and the value kept
    refused = Signal(str)

    def __init__(
        self,
        name: str,
        minimum: float,
        maximum: float,
        value: float,
        step: float = 0.01,
        log_steps: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.name = name
        self.log_steps = log_steps
        self.setDecimals(15)  # keep typed values such as 1e-7 exactly; display is textFromValue's
        self.setRange(minimum, maximum)
        self.setSingleStep(step)
        self.setValue(value)
        _settle(self)
        self.setToolTip(
            f"{name}: a number from {_fmt(minimum)} to {_fmt(maximum)}"
            " (scientific notation such as 5e-7 works)"
        )

    def wheelEvent(self, event: QWheelEvent) -> None:
        _wheel_only_when_focused(self, event, super().wheelEvent)

    def textFromValue(self, value: float) -> str:
        return _fmt(value)

    def valueFromText(self, text: str) -> float:
        return float(text.strip().replace(",", "."))

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        stripped = text.strip()
        if not _PARTIAL_FLOAT.fullmatch(stripped):
            self.refused.emit(
                f"{self.name}: type a number such as 0.05 or 5e-7 ({text.strip()!r} is not one)."
            )
            return QValidator.State.Invalid, text, pos
        try:
            number = float(stripped.replace(",", "."))
        except ValueError:  # a number on its way: "", "-", "1e", "."
            return QValidator.State.Intermediate, text, pos
        inside = math.isfinite(number) and self.minimum() <= number <= self.maximum()
        state = QValidator.State.Acceptable if inside else QValidator.State.Intermediate
        return state, text, pos

    def fixup(self, text: str) -> str:
        self.refused.emit(_out_of_range(self.name, text, _fmt(self.minimum()),
                                        _fmt(self.maximum()), _fmt(self.value())))
        return text

    def stepBy(self, steps: int) -> None:
        if not self.log_steps:
            super().stepBy(steps)
            return
        value = self.value()
        for _ in range(abs(steps)):
            value = _next_125(value, up=steps > 0)
        self.setValue(min(max(value, self.minimum()), self.maximum()))


def _next_125(value: float, up: bool) -> float:
    """The next number of the form {1, 2, 5} x 10^k above (or below) `value`."""
    if value <= 0:
        return 1e-6 if up else 0.0
    exponent = math.floor(math.log10(value))
    candidates = [m * 10.0**e for e in (exponent - 1, exponent, exponent + 1) for m in _MANTISSAS]
    if up:
        return min(c for c in candidates if c > value * (1 + 1e-9))
    return max(c for c in candidates if c < value * (1 - 1e-9))


def _out_of_range(name: str, text: str, minimum, maximum, kept: str) -> str:
    shown = text.strip() or "an empty box"
    return f"{name}: {shown} is not between {minimum} and {maximum}; kept {kept}."


def _fmt(value: float) -> str:
    return f"{value:.6g}"
