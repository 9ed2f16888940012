"""The built-in lessons travel with the app: package data for a non-editable install, data of
the PyInstaller bundle, and `--list-lessons` prints them."""

import fnmatch
from pathlib import Path

import pytest

from engine.files.lesson_library import builtin_titles
from tests.test_cli import run_main

ROOT = Path(__file__).resolve().parents[3]
LESSONS = ROOT / "resources" / "lessons"


def test_every_lesson_file_is_package_data_of_the_resources_package():
    tomllib = pytest.importorskip("tomllib")
    globs = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"]["resources"]
    files = sorted(path.relative_to(ROOT / "resources").as_posix() for path in LESSONS.iterdir())
    assert files and all(name.endswith(".json") for name in files)
    for name in files:
        assert any(fnmatch.fnmatch(name, glob) for glob in globs), name


def test_the_bundle_takes_the_lessons_folder_along():
    spec = (ROOT / "packaging" / "backprop-playground.spec").read_text()
    assert '(str(ROOT / "resources" / "lessons"), "resources/lessons")' in spec


def test_list_lessons_prints_each_name_with_its_title(tmp_path):
    result = run_main("--list-lessons", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    titles = builtin_titles()
    assert [line.split()[0] for line in lines] == list(titles)
    for line, title in zip(lines, titles.values(), strict=True):
        assert line.endswith(title)
