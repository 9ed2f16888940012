"""main.py as a user types it: options, errors and exit codes."""

import os
import subprocess
import sys
import types
from importlib import metadata
from pathlib import Path

import pytest

import gui
import main
from engine.scenarios.presets import SCENARIOS, scenario_names
from gui.shell.settings import SETTINGS_ENV

ROOT = Path(__file__).resolve().parent.parent


def run_main(*args: str, tmp_path: Path, python_flags: tuple[str, ...] = ()):
    """main.py in a child process, offscreen and with settings of its own."""
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        SETTINGS_ENV: str(tmp_path / "settings.ini"),
    }
    return subprocess.run(
        [sys.executable, *python_flags, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_version_prints_the_version_without_loading_qt_or_numpy(tmp_path):
    result = run_main("--version", tmp_path=tmp_path, python_flags=("-X", "importtime"))
    assert result.returncode == 0
    assert result.stdout == f"{gui.APP_NAME} {gui.app_version()}\n"
    imported = result.stderr  # -X importtime lists every module imported
    assert "argparse" in imported
    for heavy in ("PySide6", "pyqtgraph", "numpy", "engine"):
        assert heavy not in imported


def test_version_is_pyprojects_installed_or_not(monkeypatch):
    written = gui._pyproject_version(ROOT / "pyproject.toml")
    assert gui.app_version() == written

    def not_installed(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", not_installed)
    assert gui.app_version() == written


def test_help_lists_every_option_and_the_train_command(tmp_path):
    result = run_main("--help", tmp_path=tmp_path)
    assert result.returncode == 0
    for option in ("--scenario", "--list-scenarios", "--screenshot", "--size", "--scale",
                   "--steps", "--dark", "--large-text", "--version", "train"):
        assert option in result.stdout


def test_list_scenarios_prints_each_name_with_its_title(tmp_path):
    result = run_main("--list-scenarios", tmp_path=tmp_path)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == scenario_names()
    for line, name in zip(lines, scenario_names(), strict=True):
        assert line.endswith(SCENARIOS[name].title)


def test_unknown_scenario_exits_2_naming_the_choices(tmp_path):
    result = run_main("--scenario", "nope", tmp_path=tmp_path)
    assert result.returncode == 2
    assert "unknown scenario 'nope'" in result.stderr
    for name in scenario_names():
        assert name in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("option", "value"), [("--size", "1600"), ("--size", "0x10"), ("--steps", "-3"),
                          ("--scale", "0"), ("--scale", "two"), ("--scale", "9")]
)
def test_malformed_numbers_exit_2(option, value, capsys):
    with pytest.raises(SystemExit) as exit_:
        main.main([option, value])
    assert exit_.value.code == 2
    assert f"argument {option}" in capsys.readouterr().err


def test_steps_without_a_scenario_exit_2(capsys):
    with pytest.raises(SystemExit) as exit_:
        main.main(["--steps", "3"])
    assert exit_.value.code == 2
    assert "--steps needs --scenario" in capsys.readouterr().err


def test_size_steps_and_looks_are_parsed():
    args = main.build_parser().parse_args(["--size", "1280x720", "--steps", "5"])
    assert (args.size, args.steps, args.dark, args.large_text) == ((1280, 720), 5, False, False)
    args = main.build_parser().parse_args(["--dark", "--large-text", "--scale", "1.5"])
    assert (args.dark, args.large_text, args.scale) == (True, True, 1.5)


def test_train_hands_every_argument_to_the_runner(monkeypatch):
    received = []

    def fake_runner_main(argv):
        received.append(argv)
        return 3

    runner = types.ModuleType("engine.runner")
    runner.main = fake_runner_main
    monkeypatch.setitem(sys.modules, "engine.runner", runner)
    assert main.main(["train", "--help", "--scenario", "spiral", "-x"]) == 3
    assert received == [["--help", "--scenario", "spiral", "-x"]]


def test_train_help_is_the_runners(tmp_path):
    result = run_main("train", "--help", tmp_path=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("usage: main.py train")
    assert "--epochs" in result.stdout


def test_opening_the_window_first_names_the_missing_system_libraries(monkeypatch, capsys):
    from gui.shell import system_libraries

    opened = []
    app = types.ModuleType("gui.shell.app")
    app.run = lambda **options: opened.append(options) or 0
    monkeypatch.setitem(sys.modules, "gui.shell.app", app)
    monkeypatch.setattr(system_libraries.sys, "platform", "linux")
    monkeypatch.setattr(system_libraries, "loadable", lambda soname: soname != "libEGL.so.1")
    assert main.main(["--scenario", "neuron"]) == 0
    assert "libEGL.so.1" in capsys.readouterr().err
    assert opened and opened[0]["scenario"] == "neuron"  # a warning, and the start goes on


def test_main_calls_freeze_support_before_anything_else():
    """A bundle's helper process for the decision plane re-runs the executable: unless
    multiprocessing.freeze_support() runs first, that child would open a second window."""
    script = (
        "import multiprocessing, runpy, sys\n"
        "multiprocessing.freeze_support = lambda: print('freeze_support', flush=True)\n"
        "sys.argv = ['main.py', '--version']\n"
        f"runpy.run_path({str(ROOT / 'main.py')!r}, run_name='__main__')\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "freeze_support"
    assert gui.app_version() in lines[1]
