"""The tutorial toolkit of one window, in one place the window declares (MainWindow.tools).

File > Export and Record…, Tools > Record actions with its replays, View > Zoom, Presentation
mode, Full screen and Dark theme, and the numbered keys for panels and scenarios: each part puts
its own menu entries in the window; this keeps the parts where the app (a replay at start-up)
and the tests reach them.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSettings

from gui.shell.main_window import MainWindow
from gui.tutorial.image_export import PlotExport
from gui.tutorial.presentation import ShortcutNumbering, ViewToggles
from gui.tutorial.recording import RecordAction
from gui.tutorial.replay import TakeActions
from gui.tutorial.text_zoom import TextZoom


@dataclass(frozen=True)
class TutorialTools:
    """The parts of the toolkit, each built once for its window."""

    plot_export: PlotExport
    record_action: RecordAction
    take_actions: TakeActions
    text_zoom: TextZoom
    view_toggles: ViewToggles
    shortcut_numbering: ShortcutNumbering


def install_tutorial_tools(window: MainWindow,
                           settings: QSettings | None = None) -> TutorialTools:
    """Put the toolkit in `window` (the text size, View > Presentation mode and Dark theme
    restored from `settings`) and give the window its parts."""
    zoom = TextZoom(window, settings)
    tools = TutorialTools(
        plot_export=PlotExport(window),
        record_action=RecordAction(window, settings),
        take_actions=TakeActions(window),
        text_zoom=zoom,
        view_toggles=ViewToggles(window, zoom, settings),
        shortcut_numbering=ShortcutNumbering(window),
    )
    window.tools = tools
    return tools
