"""Text that goes into an exported script: its docstring, number and array literals, long lines.

A session is made to be handed to others, so anything in it may be hostile. Nothing from a
session reaches a script as code: a number becomes a literal that reads back as exactly that
number (`number`, TypeError for anything that is not an int or float), an array a nested list of
such literals, and the one piece of free text, the title, goes into the docstring through
`docstring`, which escapes every character that could end the literal or that a source file
cannot hold as it is. Names (`dense1.weights`) are the engine's own and must be identifiers.

Arrays are written as nested lists of Python floats: a float32 value widened to float64 has a
repr that reads back to the same float64, whose float32 rounding is the value itself, so the
literals are exact as well as readable.
"""

from __future__ import annotations

import math
import textwrap

import numpy as np

WIDTH = 96
_DTYPE_SUFFIX = {np.dtype(np.float32): ", dtype=np.float32", np.dtype(np.float64): "",
                 np.dtype(np.uint32): ", dtype=np.uint32", np.dtype(np.int64): ""}
_SCALAR_TYPES = {np.dtype(np.float32): "np.float32", np.dtype(np.float64): "np.float64"}


def docstring(*paragraphs: str) -> str:
    """The script's docstring: "Exported from Backprop Playground." and then each non-empty
    paragraph with its whitespace made single spaces, filled to the line width (never inside a
    word), as a literal that holds exactly that text whatever characters it has."""
    filled = [textwrap.fill(" ".join(paragraph.split()), WIDTH, break_long_words=False,
                            break_on_hyphens=False) for paragraph in paragraphs if paragraph]
    text = "\n\n".join(["Exported from Backprop Playground.", *filled]) + "\n"
    return f'"""{_escaped(text)}"""\n'


def _escaped(text: str) -> str:
    """text for the inside of a triple-quoted literal: backslashes and quotes escaped (so no
    character can end the literal early), newlines kept, and every character that is not
    printable (controls, NUL, bidirectional overrides, lone surrogates) as an escape."""
    out = []
    for character in text:
        if character in '\\"':
            out.append("\\" + character)
        elif character == "\n" or character.isprintable():
            out.append(character)
        else:
            code = ord(character)
            out.append(f"\\x{code:02x}" if code < 0x100 else
                       f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return "".join(out)


def number(value) -> str:
    """An int or float (numpy's too) as a Python literal that reads back as exactly that value:
    its repr, or float('nan'), float('inf'), -float('inf'). TypeError for anything else."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"a script number cannot be a {type(value).__name__}")
    if isinstance(value, (int, np.integer)):
        return repr(int(value))
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if math.isfinite(value):
            return repr(value)
        if math.isnan(value):
            return "float('nan')"
        return "float('inf')" if value > 0 else "-float('inf')"
    raise TypeError(f"a script number cannot be a {type(value).__name__}")


def assignment(name: str, value) -> str:
    """`name = literal`, on one line if it fits, else one row (or run of values) per line.

    name: a book name such as "dense1.weights". A notebook scalar keeps its type, which decides
    the arithmetic: a float32 plus a Python float stays float32, plus a numpy float64 does not.
    """
    if not all(part.isidentifier() for part in name.split(".")):
        raise ValueError(f"{name!r} is not a name a script can assign")
    if not isinstance(value, np.ndarray):
        if isinstance(value, np.floating):
            return f"{name} = {_SCALAR_TYPES[value.dtype]}({number(value)})"
        return f"{name} = {number(value)}"
    if value.dtype not in _DTYPE_SUFFIX:
        raise TypeError(f"{name}: no script literal for dtype {value.dtype}")
    suffix = _DTYPE_SUFFIX[value.dtype]
    texts = np.vectorize(number, otypes=[object])(value) if value.size else value
    line = f"{name} = np.array({_nested(texts)}{suffix})"
    if len(line) <= WIDTH:
        return line
    if value.ndim == 2:
        body = "".join(f"    {_wrapped(list(row), '    ')},\n" for row in texts)
    else:
        body = "".join(f"    {part}\n" for part in textwrap.wrap(
            ", ".join(texts.reshape(-1)), WIDTH - 4, break_long_words=False,
            break_on_hyphens=False))
    return f"{name} = np.array([\n{body}]{suffix})"


def _nested(texts) -> str:
    if isinstance(texts, np.ndarray) and texts.ndim:
        return "[" + ", ".join(_nested(item) for item in texts) + "]"
    return str(texts)


def _wrapped(texts: list[str], indent: str) -> str:
    """[v, v, ...] broken at commas to fit the line width, continuation lines under the first."""
    lines = textwrap.wrap(", ".join(texts), WIDTH - len(indent) - 1, break_long_words=False,
                          break_on_hyphens=False) or [""]
    return "[" + ("\n" + indent + " ").join(lines) + "]"


def code(line: str) -> list[str]:
    """An operation's line, a long sum split over lines with backslashes as the book does; an
    operation of two statements (predictions, then accuracy) gives each its own line."""
    if "\n" in line:
        return [part for statement in line.split("\n") for part in code(statement)]
    if len(line) <= WIDTH - 4 or " = " not in line or " + " not in line:
        return [line]
    target, _, terms = line.partition(" = ")
    parts = terms.split(" + ")
    return [f"{target} = \\", *(f"    {part} + \\" for part in parts[:-1]), f"    {parts[-1]}"]


def join(parts: list[str]) -> str:
    """Parts separated as PEP 8 separates them: two blank lines around a class or function,
    one elsewhere."""
    text, previous_definition = parts[0].strip("\n"), False
    for part in parts[1:]:
        part = part.strip("\n")
        first = next(line for line in part.splitlines() if not line.startswith("#"))
        definition = first.startswith(("class ", "def "))
        text += ("\n\n\n" if definition or previous_definition else "\n\n") + part
        previous_definition = definition
    return text + "\n"
