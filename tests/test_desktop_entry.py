"""--install-desktop-entry and --uninstall-desktop-entry, in a private XDG data folder."""

import configparser
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gui import APP_NAME
from gui.shell import desktop_entry
from gui.shell.desktop_entry import (
    data_home,
    desktop_entry_text,
    exec_argument,
    install_desktop_entry,
    installed_files,
    uninstall_desktop_entry,
)

ROOT = Path(__file__).resolve().parent.parent


def run_main(*args: str, data: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "XDG_DATA_HOME": str(data)}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True,
                          text=True, env=env, timeout=60)


def read_entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="freedesktop menus are Linux's")
def test_install_puts_the_launcher_and_icons_in_the_menu_then_uninstall_removes_them(tmp_path):
    data = tmp_path / "data"
    result = run_main("--install-desktop-entry", data=data)
    assert result.returncode == 0, result.stderr
    assert "applications menu" in result.stdout

    entry_file = data / "applications" / "backprop-playground.desktop"
    entry = read_entry(entry_file)
    assert entry["Name"] == "Backprop Playground"
    assert entry["Icon"] == "backprop-playground"
    assert entry["Terminal"] == "false"
    # Qt on X11 sets the window's WM_CLASS class to the application name: the dock and the
    # task switcher match the running window to this entry by it.
    assert entry["StartupWMClass"] == APP_NAME
    command = shlex.split(entry["Exec"])
    assert all(Path(part).is_absolute() for part in command)
    assert Path(command[0]).exists()
    for size in (16, 32, 48, 128, 256):
        icon = data / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "backprop-playground.png"
        assert icon.read_bytes().startswith(b"\x89PNG")
    svg = data / "icons" / "hicolor" / "scalable" / "apps" / "backprop-playground.svg"
    assert b"<svg" in svg.read_bytes()

    # The written command really starts this app.
    started = subprocess.run([*command, "--version"], capture_output=True, text=True,
                             timeout=60)
    assert started.stdout.startswith("Backprop Playground ")

    result = run_main("--uninstall-desktop-entry", data=data)
    assert result.returncode == 0, result.stderr
    assert not [path for path in data.rglob("*") if path.is_file()]
    again = run_main("--uninstall-desktop-entry", data=data)
    assert "No applications-menu entry" in again.stdout


def test_installing_twice_overwrites_and_uninstall_keeps_other_files(tmp_path):
    environ = {"XDG_DATA_HOME": str(tmp_path)}
    other = tmp_path / "applications" / "someone-else.desktop"
    other.parent.mkdir(parents=True)
    other.write_text("[Desktop Entry]\n")
    first = install_desktop_entry(environ)
    assert install_desktop_entry(environ) == first == installed_files(environ)
    assert sorted(uninstall_desktop_entry(environ)) == sorted(first)
    assert other.exists()


def test_data_home_follows_xdg_and_falls_back_to_local_share(tmp_path):
    assert data_home({"XDG_DATA_HOME": str(tmp_path)}) == tmp_path
    home = tmp_path / "home"
    assert data_home({"HOME": str(home)}) == home / ".local" / "share"
    # A relative XDG_DATA_HOME is invalid by the spec and ignored.
    assert data_home({"XDG_DATA_HOME": "relative", "HOME": str(home)}) == (
        home / ".local" / "share"
    )


def test_exec_quotes_paths_with_spaces_and_reserved_characters():
    assert exec_argument("/usr/bin/python3") == "/usr/bin/python3"
    assert exec_argument("/home/a b/main.py") == '"/home/a b/main.py"'
    assert exec_argument('/x/$"y') == '"/x/\\\\$\\\\"y"'
    assert exec_argument("/x/100%") == '"/x/100%%"'


def test_the_entry_names_an_absolute_launcher_for_a_frozen_bundle(monkeypatch, tmp_path):
    bundle = tmp_path / "Backprop Playground" / "BackpropPlayground"
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(bundle))
    command = desktop_entry.launcher_command()
    assert command == [str(bundle)]
    assert f'Exec="{bundle}"\n' in desktop_entry_text(command)


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None,
                    reason="desktop-file-validate (Debian: desktop-file-utils) is not installed")
def test_desktop_files_pass_desktop_file_validate(tmp_path):
    installed = tmp_path / "backprop-playground.desktop"
    installed.write_text(desktop_entry_text(["/opt/Backprop Playground/BackpropPlayground"]))
    for path in (ROOT / "resources" / "backprop-playground.desktop", installed):
        result = subprocess.run(["desktop-file-validate", str(path)], capture_output=True,
                                text=True)
        assert result.returncode == 0 and result.stdout == "", result.stdout
