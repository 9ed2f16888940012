"""The one way the app writes a file: whole or not at all, where the user pointed, readable as
any file they make.

Every file the app writes (sessions, exported scripts, recordings, plots, points, lessons,
autosaves) goes through `atomic_writer`, or through `PendingFile` when the writer needs a file
name or writes over many event-loop passes (a recording):

- the bytes go to a temporary file beside the target, which is flushed and fsynced, then
  renamed over the target and the folder fsynced, so a full disk, a crash or a kill mid-write
  leaves the previous file as it was (never half a file, never an empty one);
- a symbolic link is written through to its target, so the link stays a link;
- the new file keeps the permissions the old one had, or gets the user's umask (a temporary
  file is created 0600, which a colleague on a shared folder could not read);
- a read-only target, a missing folder or a folder that cannot be written is refused before any
  work starts (`check_writable`), with a message that says which of these it is.

Temporary files carry TEMPORARY_SUFFIX, so the ones a killed process left behind can be found
and removed at the next start (`remove_leftovers`), and those of one file at its next write.

No maintained library does all of this: python-atomicwrites is archived and neither follows
links nor keeps the mode.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

TEMPORARY_SUFFIX = ".partial"
LEFTOVER_AGE_S = 60.0  # a temporary file younger than this may belong to a save in flight


class FileWriteError(OSError):
    """A file could not be written; the message names the file and the reason in plain words,
    and the file that was there before is untouched."""

    def __str__(self) -> str:
        return self.strerror  # the message a user reads, without OSError's "[Errno 28]"


def _current_umask() -> int:
    """The process's umask (os.umask can only be read by setting it), read once at import,
    before any worker thread could race with the set-and-restore."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


UMASK = _current_umask()


def check_writable(path: str | os.PathLike) -> Path:
    """The real file `path` names (links followed), after making sure it can be replaced.

    Called before long work (an encoding, a recording) so that it is not wasted; raises
    FileWriteError naming what is wrong.
    """
    target = Path(os.path.realpath(path))
    folder = target.parent
    if not folder.exists():
        raise FileWriteError(errno.ENOENT, f"cannot write {target.name}: the folder {folder} "
                             "does not exist")
    if not folder.is_dir():
        raise FileWriteError(errno.ENOTDIR, f"cannot write {target.name}: {folder} is not a "
                             "folder")
    if target.exists():
        if not target.is_file():
            raise FileWriteError(errno.EISDIR, f"cannot write {target}: it is not a regular file")
        if _read_only(target):
            raise FileWriteError(errno.EACCES, f"cannot write {target.name}: the file is "
                                 "read-only")
    if _read_only(folder):
        raise FileWriteError(errno.EACCES, f"cannot write {target.name}: the folder {folder} "
                             "is read-only")
    return target


class PendingFile:
    """A temporary file beside `path` that replaces it on `commit()` or vanishes on
    `discard()`: for a writer that opens its file by name (ffmpeg) or writes it over many
    event-loop passes (a recording), which a `with` block cannot span.

    Refused at once (FileWriteError, from check_writable) when `path` cannot be replaced, so a
    long recording is never made for nothing; the leftovers a killed write of the same file
    left beside it are removed first.
    """

    def __init__(self, path: str | os.PathLike):
        self.target = check_writable(path)
        remove_leftovers(self.target.parent, of=self.target.name)
        try:
            fd, temporary = tempfile.mkstemp(prefix=f".{self.target.name}.",
                                             suffix=TEMPORARY_SUFFIX, dir=self.target.parent)
        except OSError as error:
            raise write_error(self.target, error) from error
        os.close(fd)
        self.path = Path(temporary)

    def commit(self) -> Path:
        """Make the temporary file's contents durable and move them over the target (keeping
        the old file's permissions); the target. FileWriteError, the old file kept, if not."""
        try:
            _fsync_file(self.path)
            os.chmod(self.path, _mode_for(self.target))
            os.replace(self.path, self.target)
        except OSError as error:
            self.discard()
            raise write_error(self.target, error) from error
        _fsync_folder(self.target.parent)
        return self.target

    def discard(self) -> None:
        """Remove the temporary file; the target stays as it was."""
        self.path.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike, mode: str = "wb",
                  encoding: str | None = None, newline: str | None = None) -> Iterator[IO]:
    """A file object to write `path`'s new contents into; they replace the old ones only when
    the `with` block ends without an error. mode: "wb" or "w" (then encoding/newline apply)."""
    if mode not in ("wb", "w"):
        raise ValueError(f"atomic_writer writes whole files: mode 'wb' or 'w', not {mode!r}")
    pending = PendingFile(path)
    try:
        with open(pending.path, mode, encoding=encoding, newline=newline) as handle:
            yield handle
    except FileWriteError:
        pending.discard()
        raise
    except OSError as error:
        pending.discard()
        raise write_error(pending.target, error) from error
    except BaseException:
        pending.discard()
        raise
    pending.commit()


def write_error(target: Path, error: OSError) -> FileWriteError:
    """`error` met while writing `target`, as a FileWriteError naming the file and the reason
    in the words a user knows."""
    return FileWriteError(error.errno, f"cannot write {target.name}: {_reason(error)}")


def write_atomically(path: str | os.PathLike, data: bytes | str) -> None:
    """Replace `path`'s contents with `data` (text is written as UTF-8), all or nothing."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_writer(path, "wb") as handle:
        handle.write(payload)


def remove_leftovers(folder: str | os.PathLike, now: float | None = None,
                     of: str | None = None) -> list[Path]:
    """Delete the temporary files a killed write left in `folder` (older than a minute, so a
    save in flight in another window is spared), only those of the file named `of` if given;
    the paths removed."""
    now = time.time() if now is None else now
    pattern = f".{glob.escape(of)}.*" if of is not None else ".*"
    removed = []
    with contextlib.suppress(OSError):
        for each in Path(folder).glob(pattern + TEMPORARY_SUFFIX):
            with contextlib.suppress(OSError):
                if each.is_file() and now - each.stat().st_mtime > LEFTOVER_AGE_S:
                    each.unlink()
                    removed.append(each)
    return removed


def _read_only(path: Path) -> bool:
    """True if this process may not write `path`, or nobody may: a file or folder with no
    write permission bit is read-only for root too, who os.access would let through."""
    no_write_bits = not stat.S_IMODE(path.stat().st_mode) & (stat.S_IWUSR | stat.S_IWGRP
                                                              | stat.S_IWOTH)
    return no_write_bits or not os.access(path, os.W_OK)


def _mode_for(target: Path) -> int:
    """The permissions the old file had, or those a new file gets from the user's umask."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        return 0o666 & ~UMASK


def _fsync_file(path: Path) -> None:
    """Flush a closed file's contents to the disk (a full disk may first say so here)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable; some file systems cannot open a folder (then the rename
    is as durable as they make it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def _reason(error: OSError) -> str:
    """The failure in the words a user knows."""
    if error.errno == errno.ENOSPC:
        return "the disk is full"
    if error.errno == errno.EDQUOT:
        return "the disk quota is used up"
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "permission denied (the file or its folder is read-only)"
    return error.strerror or str(error)
