"""Reading a session file's bytes and parsing them as strict JSON.

A session may be the last one reopened at start or a file someone sent, so reading must never
hang nor take in more than a session can be: only regular files are opened (a named pipe
opened for reading waits for a writer forever, a device may never end), opened without
blocking, read in pieces against a deadline and a size cap. Parsing takes JSON's own grammar
and nothing more: no NaN or infinity, no number too large for a float, no integer longer
than any count the app writes, no key twice in one object.
"""

from __future__ import annotations

import json
import math
import os
import stat
import time
from pathlib import Path
from typing import Any

from engine.files.session_fields import SessionError, show
from engine.limits import INTEGER_DIGITS, READ_SECONDS, SESSION_FILE_BYTES

_CHUNK = 1 << 20


def read_file_bytes(path: str | os.PathLike, limit: int = SESSION_FILE_BYTES,
                    seconds: float | None = None, what: str = "session") -> bytes:
    """The bytes of the regular file `path`, at most `limit` of them, read within `seconds`
    (READ_SECONDS by default); SessionError saying why not (not a regular file, too large,
    too slow, unreadable)."""
    path = Path(path)
    seconds = READ_SECONDS if seconds is None else seconds
    try:
        _check_size(path, _check_regular(path, os.stat(path), what), limit, what)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise SessionError(f"cannot read {path.name}: {error.strerror or error}") from None
    try:
        # what was opened, should the name have moved on since
        _check_size(path, _check_regular(path, os.fstat(fd), what), limit, what)
        return _read_within(fd, path, limit, seconds, what)
    except OSError as error:
        raise SessionError(f"cannot read {path.name}: {error.strerror or error}") from None
    finally:
        os.close(fd)


def _check_size(path: Path, info: os.stat_result, limit: int, what: str) -> None:
    if info.st_size > limit:
        raise SessionError(f"{path.name} is {info.st_size / 2**20:.1f} MB; {what} files are "
                           f"limited to {limit // 2**20} MB")


def _check_regular(path: Path, info: os.stat_result, what: str) -> os.stat_result:
    if stat.S_ISDIR(info.st_mode):
        raise SessionError(f"{path.name} is a folder, not a {what} file")
    if not stat.S_ISREG(info.st_mode):
        kind = "a named pipe" if stat.S_ISFIFO(info.st_mode) else \
            "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) else \
            "a socket" if stat.S_ISSOCK(info.st_mode) else "not a regular file"
        raise SessionError(f"{path.name} is {kind}, not a {what} file: only regular files are "
                           "opened")
    return info


def _read_within(fd: int, path: Path, limit: int, seconds: float, what: str) -> bytes:
    pieces, total, deadline = [], 0, time.monotonic() + seconds
    while True:
        if time.monotonic() > deadline:
            raise SessionError(f"reading {path.name} took too long (over {seconds:g} s); is "
                               "it on a disk or network that stalls?")
        piece = _read_piece(fd)
        if not piece:
            return b"".join(pieces)
        pieces.append(piece)
        total += len(piece)
        if total > limit:
            raise SessionError(f"{path.name} grew past {limit // 2**20} MB while being read; "
                               f"{what} files are limited to {limit // 2**20} MB")


def _read_piece(fd: int) -> bytes:
    return os.read(fd, _CHUNK)


def parse_json(data: bytes) -> Any:
    """JSON with no NaN or infinity, no huge numbers and no repeated keys; SessionError saying
    where it is not."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SessionError(f"not a session file: byte {error.start} is not UTF-8 text "
                           "(a binary or damaged file?)") from None
    try:
        return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float,
                          parse_int=_bounded_int, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as error:
        ending = "; the file ends early (truncated?)" if error.pos >= len(text.rstrip()) else ""
        raise SessionError(f"not valid JSON at line {error.lineno}, column {error.colno}: "
                           f"{error.msg}{ending}") from None
    except RecursionError:
        raise SessionError("the file nests lists or objects too deeply to be a session") from None


def _refuse_constant(name: str):
    raise SessionError(f"the file contains {name}; session files hold finite numbers only")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise SessionError(f"the number {show(text)} is too large for a float")
    return value


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > INTEGER_DIGITS:
        raise SessionError(f"the integer {show(text)} has {len(text.lstrip('-'))} digits; "
                           "no count in a session is that large")
    return int(text)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict:
    result = {}
    for key, value in pairs:
        if key in result:
            raise SessionError(f"the key {show(key)} appears twice in one object")
        result[key] = value
    return result
