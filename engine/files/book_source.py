"""The book's classes as source text for an exported script, copied from the engine's own.

engine/book holds the book's classes as the book writes them, plus one decorator line per class
(the engine's argument checks and its `numerics=` keyword, engine/book/checks.py) and
`self.numerics.dot(...)` where the book writes `np.dot(...)`. A script that runs nnfs.init()
itself needs neither: `source` gives a class's text from its `class` line on (no
decorators) with each `self.numerics.f` written as the numpy function it stands for
(engine.book.numerics.NUMPY_NAMES). Whatever else would tie the text to the engine is refused
here, so an engine change that the script could not run fails the export, not the learner.
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from collections.abc import Callable

from engine.book.numerics import NUMPY_NAMES

_NUMERICS_CALL = re.compile(r"\bself\.numerics\.(\w+)\b")
_ENGINE_NAMES = {"numerics", "checked", "contracts", "engine", "Numerics"}


def book_class(obj) -> type:
    """The book class `obj` is an instance of: its own, or the one a faster engine class
    computes the same numbers as (engine/training/fast_layers.py's FastReLU: Activation_ReLU)."""
    for cls in type(obj).__mro__:
        if cls.__module__.startswith("engine.book."):
            return cls
    raise ValueError(f"{type(obj).__name__} is not one of the book's classes")


def source(definition: type | Callable) -> str:
    """A class's or function's source without its decorators, calling numpy where it calls its
    numerics. ValueError if the source is not installed (a bundle without the .py files) or
    would still need the engine."""
    try:
        text = textwrap.dedent(inspect.getsource(definition))
    except (OSError, TypeError) as error:
        raise ValueError(f"the source of {definition.__name__} is not part of this "
                         f"installation, so it cannot be exported ({error})") from None
    first = ast.parse(text).body[0].lineno  # the class or def line, after any decorators
    text = "".join(text.splitlines(keepends=True)[first - 1:])
    text = _NUMERICS_CALL.sub(lambda match: NUMPY_NAMES.get(match.group(1), match.group(0)),
                              text)
    leftover = sorted({node.id for node in ast.walk(ast.parse(text))
                       if isinstance(node, ast.Name) and node.id in _ENGINE_NAMES}
                      | {node.attr for node in ast.walk(ast.parse(text))
                         if isinstance(node, ast.Attribute) and node.attr in _ENGINE_NAMES})
    if leftover:
        raise ValueError(f"{definition.__name__}'s source still uses {', '.join(leftover)}, "
                         "which an exported script does not have")
    return text
