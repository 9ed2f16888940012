"""View > Presentation mode, Full screen and Dark theme, remembered between runs; and the keys.

Presentation mode is for a screen recording or a projector: the text at the large-text point of
the zoom scale (gui.tutorial.text_zoom), plot lines twice as thick and markers half as big
again. Turned off, the text goes back to the size it had, so every font is exactly what it was.
Full screen (F11) is its companion for a projector. Both toggles act on a window that is already
built: Qt widgets follow the application's font and palette, and the plots are restyled by
gui.tutorial.plot_style. Only what the user switches is remembered: `--dark` and
`--large-text` are for the run they start.

The window's panel toggles and scenario entries get their keys here too (Alt+1.. for the panels
on screen, Ctrl+1.. for the scenarios), so every action in the menus has a keyboard shortcut and
Help > Keyboard shortcuts lists it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QSettings, QSignalBlocker, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMainWindow

from gui.shell.theme import DARK, LARGE_TEXT_SCALE, LIGHT, apply_theme, current_theme, text_scale
from gui.tutorial.plot_style import colour_map, style_plots
from gui.tutorial.text_zoom import TextZoom

PRESENTATION_KEY = "view/presentation"
DARK_KEY = "view/dark"
# The keys numbered entries take, in order: the panel toggles the top row with - and = (Alt),
# the scenarios only its digits (Ctrl+- and Ctrl+= zoom the text).
PANEL_KEYS, SCENARIO_KEYS = "1234567890-=", "1234567890"


class ViewToggles(QObject):
    """View > Presentation mode, Full screen and Dark theme for one window, kept in `settings`."""

    def __init__(self, window: QMainWindow, zoom: TextZoom, settings: QSettings | None = None):
        super().__init__(window)
        self.window = window
        self.zoom = zoom
        self.settings = settings
        self._scale_before: float | None = None  # the text scale presentation mode replaced
        self._layout_before = None  # and the arrangement of panels (WindowLayouts.keep)
        self.presentation = self._toggle("&Presentation mode", "Ctrl+Shift+P",
                                         self._on_presentation_toggled)
        self.full_screen = self._toggle("&Full screen", "F11", self._on_full_screen_toggled)
        self.dark = self._toggle("&Dark theme", "Ctrl+Shift+D", self._on_dark_toggled)
        if settings is not None:
            if _flag(settings, PRESENTATION_KEY):
                self.set_presentation(True)
            if _flag(settings, DARK_KEY):
                self.set_dark(True)
        self._sync_checks()
        zoom.scale_changed.connect(self._on_zoom_scale_changed)
        # A lab installed later builds its plots in the current theme, at normal widths.
        window.scenario_requested.connect(self._on_window_scenario_requested)

    def _toggle(self, text: str, keys: str, slot: Callable[[bool], None]) -> QAction:
        action = QAction(text, self.window)
        action.setCheckable(True)
        action.setShortcut(QKeySequence(keys))
        action.triggered.connect(slot)
        self.window.add_menu_action("View", action)
        return action

    def _sync_checks(self) -> None:
        for action, on in ((self.presentation, self._scale_before is not None),
                           (self.full_screen, self.window.isFullScreen()),
                           (self.dark, current_theme() is DARK)):
            with QSignalBlocker(action):
                action.setChecked(on)

    def presenting(self) -> bool:
        """Whether presentation mode is on."""
        return self._scale_before is not None

    def set_presentation(self, on: bool) -> None:
        """Large type, thick lines and big markers (on), or the sizes it replaced (off)."""
        if on == self.presenting():
            return
        layouts = self.window.layouts
        if on:
            self._scale_before = self.zoom.scale()
            self._layout_before = layouts.keep()
            self.zoom.set_scale(max(self._scale_before, LARGE_TEXT_SCALE), remember=False)
        else:
            before, self._scale_before = self._scale_before, None
            self.zoom.set_scale(before, remember=False)
            layouts.put_back(self._layout_before)
        style_plots(self.window, on)
        self._sync_checks()

    def set_full_screen(self, on: bool) -> None:
        """The whole screen for the window (on), or its normal size and place."""
        if on:
            self.window.showFullScreen()
        else:
            self.window.showNormal()
        self._sync_checks()

    def set_dark(self, on: bool) -> None:
        """Light text on a dark background (on), or the light theme (off)."""
        old, theme = current_theme(), DARK if on else LIGHT
        if theme is not old:
            apply_theme(QApplication.instance(), theme, text_scale())
            style_plots(self.window, self.presenting(), colour_map(old, theme))
        self._sync_checks()

    def _remember(self, key: str, on: bool) -> None:
        if self.settings is not None:
            self.settings.setValue(key, on)
            self.settings.sync()

    def _on_presentation_toggled(self, on: bool) -> None:
        """The user switched presentation mode: switch it, and remember it."""
        self.set_presentation(on)
        self._remember(PRESENTATION_KEY, on)

    def _on_full_screen_toggled(self, on: bool) -> None:
        """The user pressed F11."""
        self.set_full_screen(on)

    def _on_dark_toggled(self, on: bool) -> None:
        """The user switched the theme: switch it, and remember it."""
        self.set_dark(on)
        self._remember(DARK_KEY, on)

    def _on_zoom_scale_changed(self, _scale: float) -> None:
        """The text size changed: the plots' text follows, and the panels are arranged for it."""
        style_plots(self.window, self.presenting())
        self.window.layouts.text_size_changed()

    def _on_window_scenario_requested(self, _name: str) -> None:
        """Style a newly built lab's plots once its handlers have run."""
        QTimer.singleShot(0, lambda: style_plots(self.window, self.presenting()))


def _flag(settings: QSettings, key: str) -> bool:
    return str(settings.value(key, False)).lower() in ("true", "1")


def number_shortcuts(window: QMainWindow) -> None:
    """Alt and the keys of the top row (1..9, 0, then - and =) for the panel toggles on screen
    (a hidden lab's panels get none), Ctrl+1.. for the scenarios: each in menu order."""
    for menu_title, modifier, keys in (("View", "Alt", PANEL_KEYS),
                                       ("Scenario", "Ctrl", SCENARIO_KEYS)):
        try:
            menu = window.menu(menu_title)
        except KeyError:
            continue
        actions = menu.actions()
        if menu_title == "View":
            panels = next((a.menu() for a in actions if a.menu() is not None), None)
            actions = panels.actions() if panels is not None else []
        number = 0
        for action in actions:
            if action.isSeparator() or action.menu() is not None:
                continue
            if not action.isVisible() or number == len(keys):
                action.setShortcut(QKeySequence())
                continue
            action.setShortcut(QKeySequence(f"{modifier}+{keys[number]}"))
            number += 1


class ShortcutNumbering(QObject):
    """Keeps number_shortcuts up to date as labs come and go."""

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.window = window
        window.scenario_requested.connect(self._on_window_scenario_requested)
        number_shortcuts(window)

    def _on_window_scenario_requested(self, _name: str) -> None:
        """Number the panels once the lab that the scenario opens has shown its own."""
        QTimer.singleShot(0, lambda: number_shortcuts(self.window))

