"""Backprop Playground's command line: parse the arguments and hand over.

Nothing heavy is imported before it is needed, so `--help` and `--version` answer at once;
the work itself lives in gui.shell.app (the window) and engine.runner (headless training).
"""

import argparse
import sys
from pathlib import Path

from gui import APP_NAME, app_version
from gui.shell.python_packages import refuse_without_packages


def scenario_name(name: str) -> str:
    """An argparse type: a name from engine.scenarios.presets, or a usage error naming the
    choices."""
    from engine.scenarios.presets import scenario_names

    if name not in scenario_names():
        choices = ", ".join(scenario_names())
        raise argparse.ArgumentTypeError(f"unknown scenario {name!r} (choose from {choices})")
    return name


def window_size(text: str) -> tuple[int, int]:
    """An argparse type: 'WIDTHxHEIGHT' in pixels, e.g. 1600x1000."""
    width, _, height = text.lower().partition("x")
    if not (width.isdigit() and height.isdigit() and int(width) > 0 and int(height) > 0):
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT such as 1600x1000, got {text!r}")
    return int(width), int(height)


def device_pixel_ratio(text: str) -> float:
    """An argparse type: device pixels per pixel, such as 2 for a HiDPI screen (0.5 to 4)."""
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0.5 <= value <= 4:
        raise argparse.ArgumentTypeError(f"expected a scale from 0.5 to 4 such as 2, got {text!r}")
    return value


def iteration_count(text: str) -> int:
    """An argparse type: a whole number of training iterations, 0 or more."""
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number of iterations, got {text!r}")
    return int(text)


def step_number(text: str) -> int:
    """An argparse type: a lesson's step, counted from 1 as the lesson panel counts them."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a step number from 1, got {text!r}")
    return int(text)


def speed_factor(text: str) -> float:
    """An argparse type: how many times faster than recorded, a positive number."""
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number such as 2, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The whole command line; what follows `train` is engine.runner's to parse."""
    parser = argparse.ArgumentParser(
        usage="%(prog)s [options] [SESSION.json | train ...]",
        description=f"{APP_NAME}: learn backpropagation by touching it. "
        "Without arguments, opens the window (with the last session). "
        "SESSION.json: open a session saved with File > Save.",
        epilog="train ...: train headless, without a window (see `%(prog)s train --help`).",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {app_version()}")
    _add_opening_options(parser)
    _add_lesson_options(parser)
    _add_look_options(parser)
    _add_desktop_entry_options(parser)
    parser.add_argument(
        "--steps",
        type=iteration_count,
        default=0,
        metavar="N",
        help="first run N training iterations of the scenario",
    )
    parser.add_argument(
        "session",
        nargs="?",
        type=Path,
        metavar="SESSION.json",
        help="open a session saved with File > Save",
    )
    return parser


def _add_opening_options(parser: argparse.ArgumentParser) -> None:
    """What the window opens, or renders without a screen."""
    parser.add_argument(
        "--scenario", type=scenario_name, metavar="NAME", help="start in this scenario"
    )
    parser.add_argument(
        "--list-scenarios", action="store_true", help="print the scenario names and exit"
    )
    parser.add_argument(
        "--list-lessons", action="store_true", help="print the built-in lessons' names and exit"
    )
    parser.add_argument(
        "--screenshot",
        type=Path,
        metavar="PATH",
        help="lay the window out (no screen needed with QT_QPA_PLATFORM=offscreen), "
        "save it as a PNG and exit",
    )
    parser.add_argument(
        "--size",
        type=window_size,
        metavar="WxH",
        help="window size in pixels (default 1600x1000, or the size remembered from last time)",
    )
    parser.add_argument(
        "--scale",
        type=device_pixel_ratio,
        metavar="F",
        help="draw at F device pixels per pixel, as on a HiDPI screen (QT_SCALE_FACTOR=F); "
        "with --screenshot the PNG is F times --size",
    )
    parser.add_argument(
        "--replay",
        type=Path,
        metavar="TAKE.json",
        help="play a take recorded with Tools > Record actions, with its timing "
        "(with --screenshot: the picture shows the take's end)",
    )
    parser.add_argument(
        "--replay-speed",
        type=speed_factor,
        default=1.0,
        metavar="FACTOR",
        help="replay the take FACTOR times faster than it was recorded (default 1)",
    )


def _add_lesson_options(parser: argparse.ArgumentParser) -> None:
    """Guided lessons: open one, or render one of its steps."""
    parser.add_argument(
        "--lesson",
        metavar="NAME-OR-FILE",
        help="open a lesson: a built-in one by name (see --list-lessons) or a lesson file",
    )
    parser.add_argument(
        "--lesson-step",
        type=step_number,
        default=1,
        metavar="N",
        help="start the lesson at step N (with --screenshot: render step N's end, its "
        "highlights and caption included)",
    )


def _add_look_options(parser: argparse.ArgumentParser) -> None:
    """How the window looks: theme, text size, the first-run welcome."""
    parser.add_argument("--dark", action="store_true", help="light text on a dark background")
    parser.add_argument(
        "--large-text",
        action="store_true",
        help="all text a quarter larger, for screen recordings and projectors",
    )
    parser.add_argument(
        "--welcome",
        action="store_true",
        help="show the first-run welcome (on the single neuron unless --scenario says otherwise)",
    )


def _add_desktop_entry_options(parser: argparse.ArgumentParser) -> None:
    """Adding the app to the applications menu, or taking it out again."""
    menu = parser.add_mutually_exclusive_group()
    menu.add_argument(
        "--install-desktop-entry",
        action="store_true",
        help="add the app and its icon to your applications menu (Linux), then exit",
    )
    menu.add_argument(
        "--uninstall-desktop-entry",
        action="store_true",
        help="remove what --install-desktop-entry added, then exit",
    )


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the process's exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    # Before parsing: checking a --scenario name already imports the engine.
    if refuse_without_packages():
        return 1
    # Everything after `train` belongs to engine.runner, --help included.
    if argv[:1] == ["train"]:
        from engine.runner import main as train

        return train(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.steps and args.scenario is None:
        parser.error("--steps needs --scenario: which scenario should it train?")
    if args.install_desktop_entry or args.uninstall_desktop_entry:
        from gui.shell.desktop_entry import run as desktop_entry

        return desktop_entry(install=args.install_desktop_entry)
    if args.list_scenarios:
        from engine.scenarios.presets import SCENARIOS

        for name, scenario in SCENARIOS.items():
            print(f"{name:<10} {scenario.title}")
        return 0
    if args.list_lessons:
        from engine.files.lesson_library import print_builtin_lessons

        return print_builtin_lessons()
    lesson = None
    if args.lesson is not None:
        from engine.files.lesson import LessonError
        from engine.files.lesson_library import load_named

        try:
            lesson = load_named(args.lesson)
        except LessonError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        if args.lesson_step > len(lesson.steps):
            parser.error(f"--lesson-step {args.lesson_step}: {lesson.title!r} has "
                         f"{len(lesson.steps)} steps")
    take = None
    if args.replay is not None:
        from gui.tutorial.takes import TakeError, load_take

        try:
            take = load_take(args.replay)
        except TakeError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
    from gui.shell.system_libraries import warn_of_missing_libraries

    warn_of_missing_libraries()  # before Qt loads, which would name only one, maybe wrongly
    from gui.shell.app import run

    return run(
        scenario=args.scenario,
        screenshot=args.screenshot,
        size=args.size,
        scale=args.scale,
        steps=args.steps,
        dark=args.dark,
        large_text=args.large_text,
        welcome=args.welcome,
        session=args.session,
        replay=take,
        replay_speed=args.replay_speed,
        lesson=lesson,
        lesson_step=args.lesson_step - 1,
    )


if __name__ == "__main__":
    # A frozen (PyInstaller) bundle starts the plane's helper process by running this
    # executable again; freeze_support() makes that child run the helper instead of the app.
    import multiprocessing

    multiprocessing.freeze_support()
    sys.exit(main())
