"""Put Backprop Playground into (and take it out of) a Linux desktop's applications menu.

Freedesktop desktops list the `.desktop` files under $XDG_DATA_HOME/applications and take
icons from $XDG_DATA_HOME/icons/hicolor. Installing there needs no administrator rights and
reaches only the current user. The launcher is written with an absolute command, so the menu
entry works although the virtual environment or bundle folder is on no one's PATH.

Imports no Qt: `--install-desktop-entry` answers at once and works without a display.
"""

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from engine.files.atomic import write_atomically
from gui import DISTRIBUTION, PROJECT_ROOT, RESOURCES

DESKTOP_FILE = f"{DISTRIBUTION}.desktop"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)
# Characters that oblige an Exec argument to be quoted, by the Desktop Entry Specification.
RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


def data_home(environ: Mapping[str, str] | None = None) -> Path:
    """$XDG_DATA_HOME, or ~/.local/share when it is unset or not absolute (as the spec says)."""
    environ = os.environ if environ is None else environ
    chosen = environ.get("XDG_DATA_HOME", "")
    if chosen and Path(chosen).is_absolute():
        return Path(chosen)
    return Path(environ.get("HOME") or Path.home()) / ".local" / "share"


def launcher_command() -> list[str]:
    """How to start this very copy of the app from anywhere, as absolute paths.

    A bundle is its own executable; an installed copy has the `backprop-playground` script
    beside its interpreter; a checkout is started as `python main.py`.
    """
    if getattr(sys, "frozen", False):
        return [str(Path(sys.executable).resolve())]
    script = Path(sys.executable).parent / DISTRIBUTION
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script.absolute())]
    return [str(Path(sys.executable).absolute()), str(PROJECT_ROOT / "main.py")]


def exec_argument(argument: str) -> str:
    """One argument as an Exec key writes it: quoted when needed, then escaped as a string."""
    if argument and not RESERVED.intersection(argument) and "%" not in argument:
        return argument
    quoted = "".join("\\" + each if each in '"`$\\' else each for each in argument)
    quoted = '"' + quoted.replace("%", "%%") + '"'
    # The value is also a desktop-file string, in which a backslash is itself escaped.
    return quoted.replace("\\", "\\\\")


def desktop_entry_text(command: list[str]) -> str:
    """resources/backprop-playground.desktop with its Exec key set to `command`."""
    lines = (RESOURCES / DESKTOP_FILE).read_text(encoding="utf-8").splitlines()
    exec_line = "Exec=" + " ".join(exec_argument(each) for each in command)
    return "\n".join(exec_line if line.startswith("Exec=") else line for line in lines) + "\n"


def installed_files(environ: Mapping[str, str] | None = None) -> list[Path]:
    """Every file the menu entry consists of: the .desktop file and the icon at each size."""
    home = data_home(environ)
    hicolor = home / "icons" / "hicolor"
    return [
        home / "applications" / DESKTOP_FILE,
        *(hicolor / f"{size}x{size}" / "apps" / f"{DISTRIBUTION}.png" for size in ICON_SIZES),
        hicolor / "scalable" / "apps" / f"{DISTRIBUTION}.svg",
    ]


def icon_sources() -> list[Path]:
    """The shipped icons, in the order of installed_files()[1:]."""
    icons = RESOURCES / "icons"
    return [
        *(icons / f"{DISTRIBUTION}-{size}.png" for size in ICON_SIZES),
        icons / f"{DISTRIBUTION}.svg",
    ]


def install_desktop_entry(environ: Mapping[str, str] | None = None) -> list[Path]:
    """Write the menu entry and its icons for the current user; the files written."""
    desktop, *icons = installed_files(environ)
    desktop.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(desktop, desktop_entry_text(launcher_command()))
    for source, target in zip(icon_sources(), icons, strict=True):
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(target, source.read_bytes())
    return [desktop, *icons]


def uninstall_desktop_entry(environ: Mapping[str, str] | None = None) -> list[Path]:
    """Remove what install_desktop_entry wrote; the files that were there and are now gone."""
    removed = []
    for path in installed_files(environ):
        if path.is_file():
            path.unlink()
            removed.append(path)
    return removed


def run(install: bool) -> int:
    """The command line's --install-desktop-entry / --uninstall-desktop-entry; exit status."""
    if sys.platform in ("win32", "darwin"):
        print("error: the applications-menu entry is for Linux desktops; on this system, "
              "start the app from its folder or make a shortcut to it", file=sys.stderr)
        return 2
    if install:
        desktop = install_desktop_entry()[0]
        print(f"Backprop Playground is in your applications menu now ({desktop}).")
        print("If it does not appear at once, log out and in again.")
        return 0
    removed = uninstall_desktop_entry()
    print(f"Removed {len(removed)} file(s) of the applications-menu entry." if removed
          else "No applications-menu entry was installed for this user.")
    return 0
