"""Builds the application: Qt, the theme, the labs with their controllers, and the window.

`build_window` is the one place where the parts are wired together, so that tests, screenshots
and the real app all get the same window.
"""

import os
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from engine.files.atomic import FileWriteError, check_writable
from engine.files.lesson import Lesson
from engine.files.session import SessionError
from engine.scenarios.presets import SCENARIOS
from engine.training.performance import tune_for_small_arrays
from gui import APP_NAME, DISTRIBUTION, app_version
from gui.shell.crash_handler import install_crash_handler
from gui.shell.garbage import TimedGarbageCollector
from gui.shell.lab import Lab
from gui.shell.layout_menu import LayoutMenu
from gui.shell.main_window import DEFAULT_SIZE, MainWindow, app_icon
from gui.shell.menu_entry_action import add_menu_entry_action
from gui.shell.quit_signals import install_quit_signals
from gui.shell.screen_fit import first_size, screen_area
from gui.shell.screenshot import WindowSizeError, quiet_offscreen_noise, save_screenshot
from gui.shell.settings import ORGANIZATION, open_settings
from gui.shell.start_page import StartPage
from gui.shell.text_size import built_at_normal_size, set_text_scale
from gui.shell.theme import DARK, LARGE_TEXT_SCALE, LIGHT, apply_plot_theme, apply_theme
from gui.shell.welcome import show_welcome, welcome_wanted
from gui.tutorial.autosave import install_autosave
from gui.tutorial.lessons import install_lessons, show_lesson
from gui.tutorial.recording_size import RecordingSizeMenu
from gui.tutorial.replay import replay_to_end
from gui.tutorial.session_actions import (
    check_session_file,
    install_session_actions,
    remembered_session,
)
from gui.tutorial.timeline import install_timeline
from gui.tutorial.tools import install_tutorial_tools

FIRST_SCENARIO = "neuron"  # where a first run starts, with the welcome over it


class ScenarioUnavailableError(ValueError):
    """A scenario was asked for that no installed lab can open."""


def install_hand_lab(window: MainWindow, scenario: str) -> Lab:
    """The hand lab, imported only when a hand scenario first opens (pyqtgraph comes with it),
    built at the normal text size and then scaled with the rest."""
    apply_plot_theme()
    from gui.labs.hand.lab import install_hand_lab as install

    return _built_at_normal_size(window, lambda: install(window, scenario))


def install_classification_lab(window: MainWindow, scenario: str) -> Lab:
    """The classification lab, imported only when a classification scenario first opens."""
    apply_plot_theme()
    from gui.labs.classification.lab import install_classification_lab as install

    return _built_at_normal_size(window, lambda: install(window, scenario))


def _built_at_normal_size(window: MainWindow, install: Callable[[], Lab]) -> Lab:
    """The lab `install` makes, built at the normal text size (its widgets' own point sizes
    mean what they say there), then scaled with the rest and its panels placed again for
    the text at its chosen size."""
    with built_at_normal_size():
        lab = install()
    if lab is window.active_lab():
        window.layouts.lab_arriving(lab)
    return lab


# Scenario kind -> what puts that kind's lab (controller, panels, actions) into a window
# (MainWindow.add_lab) and loads the named scenario. A lab follows the window's scenario
# requests once installed.
LAB_INSTALLERS: dict[str, Callable[[MainWindow, str], Lab]] = {
    "hand": install_hand_lab,
    "classification": install_classification_lab,
}


def create_application(dark: bool = False, large_text: bool = False) -> QApplication:
    """The QApplication, named and themed (the existing one if Qt is already running).

    The theme is chosen before any view exists, since views take their colours when built;
    `large_text` starts the text a quarter larger (for this run: the View menu's zoom, which
    the settings remember, may still change it).
    """
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationVersion(app_version())
    app.setDesktopFileName(DISTRIBUTION)
    app.setWindowIcon(app_icon())
    scale = LARGE_TEXT_SCALE if large_text else 1.0
    apply_theme(app, DARK if dark else LIGHT, scale)
    set_text_scale(scale, app)
    return app


def build_window(
    scenario: str | None = None,
    *,
    settings: QSettings | None = None,
    steps: int = 0,
    session: Path | None = None,
    size: tuple[int, int] | None = None,
    on_screen: bool = False,
    one_run: bool = False,
) -> MainWindow:
    """The main window with everything plugged in.

    scenario: open this scenario at once; None shows the start page to choose one.
    settings: where the layout is remembered between runs; None (tests, screenshots) starts
        from the default layout and remembers nothing.
    steps: training iterations to run first, through the scenario's controller.
    session: open this session file (File > Open); one that cannot be opened is reported in
        the window, which keeps the start page.
    size: the window's size (width, height), given before any lab arranges its panels for
        it; None: the remembered size, or the default.
    on_screen: the window a person sees (not a screenshot's or a test's): it starts no larger
        than its screen and keeps itself on it.
    one_run: the command line chose the size or the text size for this run only, so closing
        remembers neither the size nor the arrangements made for it.
    """
    window = _sized_window(settings, size, on_screen, one_run)
    window.tools = install_tutorial_tools(window, settings)
    RecordingSizeMenu(window)
    add_menu_entry_action(window)
    window.set_central(_start_page(window))
    _install_labs_on_request(window)
    sessions = install_session_actions(window, settings)
    install_timeline(window, window.labs)
    install_lessons(window, sessions)
    if scenario is not None:
        window.scenario_requested.emit(scenario)
    if steps:
        if scenario is None or SCENARIOS[scenario].kind not in window.labs:
            raise ScenarioUnavailableError(
                f"cannot train {scenario!r}: no lab in this window opens it"
            )
        window.labs[SCENARIOS[scenario].kind].controller.run_iterations(steps)
    if session is not None:
        sessions.open_file(session)
    return window


def _sized_window(settings: QSettings | None, size: tuple[int, int] | None, on_screen: bool,
                  one_run: bool) -> MainWindow:
    """The bare window at its size, before any lab arranges its panels for that size (see
    build_window for the arguments)."""
    window = MainWindow(settings)
    LayoutMenu(window)
    window.keeps_on_screen = on_screen
    window.remembers_layout = settings is not None and not one_run
    if not window.restore_layout() and on_screen:
        window.resize(first_size(window.size(), screen_area(window)))
    if size is not None:
        window.resize(*size)
    return window


def _start_page(window: MainWindow) -> StartPage:
    """A card for each scenario a lab can open; choosing one asks the window for it."""
    openable = [each for each in SCENARIOS.values() if each.kind in LAB_INSTALLERS]
    page = StartPage(
        [(each.name, each.title, each.kind) for each in openable], icon=window.windowIcon()
    )
    page.scenario_chosen.connect(window.scenario_requested)
    return page


def _install_labs_on_request(window: MainWindow) -> None:
    """Install a scenario's lab the first time its kind is asked for (heard before any lab,
    which listens to the window's requests itself once installed)."""

    def _on_window_scenario_requested(name: str) -> None:
        kind = SCENARIOS[name].kind
        if kind in window.labs:
            return
        if kind not in LAB_INSTALLERS:
            window.statusBar().showMessage(
                f"{SCENARIOS[name].title}: this window has no {kind} lab yet"
            )
            return
        LAB_INSTALLERS[kind](window, name)

    window.scenario_requested.connect(_on_window_scenario_requested)


def launch_window(
    scenario: str | None = None,
    *,
    settings: QSettings | None = None,
    steps: int = 0,
    welcome: bool = False,
    session: Path | None = None,
    size: tuple[int, int] | None = None,
    on_screen: bool = False,
    one_run: bool = False,
) -> MainWindow:
    """The window a launch opens: build_window's, with the first-run welcome when due.

    Until the user chooses "Don't show again", a launch without a scenario opens the single
    neuron with the welcome over it; `welcome` shows it regardless of the settings.
    A launch with settings and neither a scenario nor a session reopens the last session.
    """
    if session is None and scenario is None and settings is not None:
        session = remembered_session(settings)
    welcome = welcome or (
        settings is not None and scenario is None and session is None and welcome_wanted(settings)
    )
    if welcome and scenario is None and session is None:
        scenario = FIRST_SCENARIO
    window = build_window(scenario, settings=settings, steps=steps, session=session, size=size,
                          on_screen=on_screen, one_run=one_run)
    if welcome:
        show_welcome(window, settings)
    return window


def _start_qt(dark: bool, large_text: bool, scale: float | None) -> QApplication:
    """The application with what a run needs around it; `scale` goes to Qt before it starts."""
    tune_for_small_arrays()
    if scale is not None:
        os.environ["QT_SCALE_FACTOR"] = f"{scale:g}"
    app = create_application(dark, large_text)
    install_crash_handler(app)  # an unexpected error is shown and logged; the app goes on
    TimedGarbageCollector(app)  # never in the middle of a paint
    if app.platformName() == "offscreen":
        quiet_offscreen_noise()
    return app


def run(
    scenario: str | None = None,
    screenshot: Path | None = None,
    size: tuple[int, int] | None = None,
    steps: int = 0,
    dark: bool = False,
    large_text: bool = False,
    welcome: bool = False,
    session: Path | None = None,
    replay: dict | None = None,
    scale: float | None = None,
    replay_speed: float = 1.0,
    lesson: Lesson | None = None,
    lesson_step: int = 0,
) -> int:
    """Open the window (or only render it to `screenshot`); the process's exit status.

    scale: device pixels per pixel (Qt's QT_SCALE_FACTOR), set before Qt starts; a screenshot
    is then `scale` times `size` in pixels, drawn at that resolution.

    replay: a take (gui.tutorial.takes's format, checked) to play once the window is up, at
    `replay_speed` times its own pace; with a screenshot, the picture shows the take's end.

    lesson: a lesson (engine.files.lesson) to open at step `lesson_step` (from 0); with a
    screenshot, the picture shows that step's end with its highlights and caption.

    session: a session file to open; with a screenshot, one that cannot be opened is an
    error (exit status 2), in the window it is reported there.

    welcome: show the first-run welcome even if it was dismissed for good (see launch_window);
    a screenshot, which reads no settings, shows it only when asked.
    """
    app = _start_qt(dark, large_text, scale)
    settings = None if screenshot else open_settings()
    if screenshot is not None:
        size = size or DEFAULT_SIZE
    try:
        if screenshot is not None:
            check_writable(screenshot)  # before the window is built for nothing
        if screenshot is not None and session is not None:
            check_session_file(session)
        placing = {"size": size, "on_screen": screenshot is None,
                   "one_run": size is not None or large_text}
        if replay is None and lesson is None:
            window = launch_window(scenario, settings=settings, steps=steps, welcome=welcome,
                                   session=session, **placing)
        else:  # a take or a lesson opens its own start: no welcome, no remembered session
            window = build_window(scenario, settings=settings, steps=steps, session=session,
                                  **placing)
        if screenshot is not None:
            return _render_still(window, screenshot, size, scale is not None, replay, lesson,
                                 lesson_step)
    except (ScenarioUnavailableError, WindowSizeError, SessionError, FileWriteError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    window.show()
    install_quit_signals(window)  # logout or Ctrl+C: autosave and quit, no crash next time
    if lesson is not None:
        show_lesson(window, lesson, lesson_step)
    if replay is None:
        install_autosave(window)  # after a crash, offers the lost work back
    else:
        # Nothing modal waits in front of a replay: the crash question comes after it.
        replayer = window.tools.take_actions.replay(replay, speed=replay_speed)
        replayer.finished.connect(lambda _problem: install_autosave(window))
    return app.exec()


def _render_still(window: MainWindow, path: Path, size: tuple[int, int], device_pixels: bool,
                  replay: dict | None, lesson: Lesson | None, lesson_step: int) -> int:
    """--screenshot: the window at `size`, after the take (its end) or at the lesson's step."""
    if replay is not None:
        problem = replay_to_end(window, replay)
        if problem:
            print(f"error: the take stopped: {problem}", file=sys.stderr)
            return 2
    if lesson is not None:
        window.resize(*size)
        show_lesson(window, lesson, lesson_step, still=True)
    save_screenshot(window, path, size, device_pixels=device_pixels)
    return 0
