"""A disk that fills up: a test's stand-in for the `open` a writer module calls, whose files
take `room` bytes in all and then refuse with ENOSPC, as a real full disk does."""

from __future__ import annotations

import errno
import io
import os


class Disk:
    """The room left; every file opened for writing through `open` takes from it."""

    def __init__(self, room: int):
        self.room = room
        self.refused = 0  # writes refused for want of room

    def open(self, path, mode="r", *args, encoding=None, newline=None, **kwargs):
        """builtins.open, except that a file opened for writing draws on this disk's room."""
        if not any(letter in mode for letter in "wax+"):
            return open(path, mode, *args, encoding=encoding, newline=newline, **kwargs)
        raw = _FileOnDisk(os.fspath(path), mode.replace("b", "").replace("t", ""), self)
        if "b" in mode:
            return raw
        return io.TextIOWrapper(io.BufferedWriter(raw), encoding=encoding, newline=newline)


class _FileOnDisk(io.FileIO):
    def __init__(self, path: str, mode: str, disk: Disk):
        super().__init__(path, mode)
        self.disk = disk

    def write(self, data) -> int:
        size = memoryview(data).nbytes
        if size > self.disk.room:
            self.disk.refused += 1
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.disk.room -= size
        return super().write(data)


def fill_disk(monkeypatch, module, room: int = 0) -> Disk:
    """Make `module`'s writes land on a disk with `room` bytes left (for the test's duration)."""
    disk = Disk(room)
    monkeypatch.setattr(module, "open", disk.open, raising=False)
    return disk
