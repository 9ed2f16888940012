"""The built-in lessons: the JSON files in resources/lessons, found as package data so they
travel with a non-editable install and with the PyInstaller bundle.

Their order is the course's (ORDER); any other lesson file placed there follows by name.
"""

from __future__ import annotations

import importlib.resources
import json
from pathlib import Path

# Imported by name (not only looked up by importlib) so that PyInstaller bundles the package.
import resources as resource_package
from engine.files.lesson import Lesson, LessonError, lesson_from_text, load_lesson

ORDER = ("neuron", "layer", "optimizers", "overfitting")
_SUFFIX = ".json"


def _folder():
    return importlib.resources.files(resource_package).joinpath("lessons")


def builtin_names() -> list[str]:
    """The built-in lessons' names (file stems), in the course's order."""
    found = sorted(entry.name[:-len(_SUFFIX)] for entry in _folder().iterdir()
                   if entry.name.endswith(_SUFFIX))
    return [name for name in ORDER if name in found] + [n for n in found if n not in ORDER]


def load_builtin(name: str) -> Lesson:
    """The built-in lesson called `name`; LessonError naming the choices otherwise."""
    if name not in builtin_names():
        raise LessonError(f"no built-in lesson {name!r}: choose one of "
                          f"{', '.join(builtin_names())}")
    data = _folder().joinpath(name + _SUFFIX).read_bytes()
    return lesson_from_text(data, name=name)


def load_named(name_or_path: str) -> Lesson:
    """A built-in lesson by name, else the lesson file at that path (what `--lesson` takes);
    LessonError naming the built-in choices when it is neither."""
    if name_or_path in builtin_names():
        return load_builtin(name_or_path)
    path = Path(name_or_path)
    if not path.is_file():
        raise LessonError(f"{name_or_path!r} is neither a built-in lesson ("
                          f"{', '.join(builtin_names())}) nor a lesson file")
    return load_lesson(path)


def builtin_titles() -> dict[str, str]:
    """name -> title of every built-in lesson, in order: read from the files' "title" without
    checking the rest, which loading a lesson does (a menu lists them at once)."""
    titles = {}
    for name in builtin_names():
        try:
            title = json.loads(_folder().joinpath(name + _SUFFIX).read_bytes())["title"]
        except (ValueError, KeyError, TypeError):
            title = None
        titles[name] = title if isinstance(title, str) and title.strip() else name
    return titles


def print_builtin_lessons() -> int:
    """What `main.py --list-lessons` prints: each name and title on a line; the exit status."""
    for name, title in builtin_titles().items():
        print(f"{name:<12} {title}")
    return 0
