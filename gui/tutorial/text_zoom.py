"""View > Zoom in, Zoom out, Actual text size and Large text: the size of all text, as a browser
zooms, remembered between runs.

Each step sets one text scale (gui.shell.text_size); the plots follow it through
gui.tutorial.plot_style when `scale_changed` is heard (ViewToggles does). Large text is the
point LARGE_TEXT_SCALE on the scale, and presentation mode goes to that point too. Only a scale
the user chooses here is remembered: one given for a single run (`--large-text`, or presentation
mode's) is not.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QSettings, QSignalBlocker, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow

from gui.shell.text_size import ZOOM_STEPS, next_step, set_text_scale
from gui.shell.theme import LARGE_TEXT_SCALE, chosen_text_scale

ZOOM_KEY = "view/text_scale"


def _percent(scale: float) -> str:
    return f"{round(scale * 100)}%"


class TextZoom(QObject):
    """The text-size entries of one window's View menu, and the scale they set."""

    # (float) the text scale now (1 normal, 1.25 large text)
    scale_changed = Signal(float)

    def __init__(self, window: QMainWindow, settings: QSettings | None = None):
        """Starts at the remembered scale, unless the command line chose one (--large-text)."""
        super().__init__(window)
        self.window = window
        self.settings = settings
        self.zoom_in = self._action("Zoom &in", ("Ctrl+=", "Ctrl++"), self._on_zoom_in_triggered)
        self.zoom_out = self._action("Zoom &out", ("Ctrl+-",), self._on_zoom_out_triggered)
        self.actual_size = self._action("&Actual text size", ("Ctrl+0",),
                                        self._on_actual_size_triggered)
        self.large_text = self._action("&Large text", ("Ctrl+Alt+T",),
                                       self._on_large_text_triggered, checkable=True)
        remembered = self._remembered()
        if remembered is not None and abs(chosen_text_scale() - 1.0) < 1e-4:
            self.set_scale(remembered, remember=False)
        self._show_scale()

    def scale(self) -> float:
        """The text scale chosen now."""
        return chosen_text_scale()

    def set_scale(self, scale: float, remember: bool = True) -> None:
        """All text at `scale` times its normal size (within the zoom steps' range);
        `remember`: the next run starts there too."""
        scale = min(max(scale, ZOOM_STEPS[0]), ZOOM_STEPS[-1])
        changed = abs(scale - chosen_text_scale()) > 1e-4
        set_text_scale(scale)
        if remember and self.settings is not None:
            self.settings.setValue(ZOOM_KEY, scale)
            self.settings.sync()
        self._show_scale()
        if changed:
            self.scale_changed.emit(scale)

    def _action(self, text: str, keys: Sequence[str], slot: Callable[[], None],
                checkable: bool = False) -> QAction:
        action = QAction(text, self.window)
        action.setShortcuts([QKeySequence(each) for each in keys])
        action.setCheckable(checkable)
        action.triggered.connect(slot)
        self.window.add_menu_action("View", action)
        return action

    def _remembered(self) -> float | None:
        if self.settings is None:
            return None
        try:
            return float(self.settings.value(ZOOM_KEY, 1.0))
        except (TypeError, ValueError):
            return None

    def _show_scale(self) -> None:
        """The menu says where the scale stands; Large text is ticked at its point."""
        scale = chosen_text_scale()
        with QSignalBlocker(self.large_text):
            self.large_text.setChecked(abs(scale - LARGE_TEXT_SCALE) < 1e-4)
        self.actual_size.setText(f"&Actual text size (now {_percent(scale)})")
        self.zoom_in.setEnabled(scale < ZOOM_STEPS[-1] - 1e-4)
        self.zoom_out.setEnabled(scale > ZOOM_STEPS[0] + 1e-4)

    def _on_zoom_in_triggered(self) -> None:
        """One step larger."""
        self.set_scale(next_step(chosen_text_scale(), 1))

    def _on_zoom_out_triggered(self) -> None:
        """One step smaller."""
        self.set_scale(next_step(chosen_text_scale(), -1))

    def _on_actual_size_triggered(self) -> None:
        """Back to the normal size."""
        self.set_scale(1.0)

    def _on_large_text_triggered(self, checked: bool) -> None:
        """A quarter larger (ticked), or the normal size."""
        self.set_scale(LARGE_TEXT_SCALE if checked else 1.0)
