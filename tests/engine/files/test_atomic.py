"""engine.files.atomic: a write replaces the file whole or leaves it as it was."""

import errno
import os
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from engine.files import atomic
from engine.files.atomic import (
    TEMPORARY_SUFFIX,
    FileWriteError,
    PendingFile,
    atomic_writer,
    check_writable,
    remove_leftovers,
    write_atomically,
)


def leftovers(folder: Path) -> list[Path]:
    return sorted(folder.glob(f".*{TEMPORARY_SUFFIX}"))


def test_a_write_replaces_the_contents_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "session.json"
    target.write_text("old")
    write_atomically(target, "new")
    assert target.read_text() == "new"
    assert leftovers(tmp_path) == []


def test_text_mode_writes_with_the_encoding_and_newlines_asked_for(tmp_path):
    target = tmp_path / "points.csv"
    with atomic_writer(target, "w", encoding="utf-8", newline="") as handle:
        handle.write("x,y,é\r\n")
    assert target.read_bytes() == "x,y,é\r\n".encode()


def test_an_error_inside_the_block_keeps_the_old_file(tmp_path):
    target = tmp_path / "script.py"
    target.write_text("print('old')")
    with pytest.raises(RuntimeError), atomic_writer(target) as handle:
        handle.write(b"print('half")
        raise RuntimeError("encoding failed")
    assert target.read_text() == "print('old')"
    assert leftovers(tmp_path) == []


def test_a_full_disk_is_reported_as_such_and_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "take.gif"
    target.write_bytes(b"GIF89a old")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full)
    with pytest.raises(FileWriteError, match="take.gif: the disk is full"):
        write_atomically(target, b"GIF89a new and longer")
    assert target.read_bytes() == b"GIF89a old"
    assert leftovers(tmp_path) == []


def test_a_missing_folder_is_refused_before_any_work(tmp_path):
    with pytest.raises(FileWriteError, match="the folder .*gone does not exist"):
        check_writable(tmp_path / "gone" / "x.json")


def test_a_read_only_file_is_refused_and_kept(tmp_path):
    target = tmp_path / "lesson.json"
    target.write_text("kept")
    target.chmod(0o444)
    with pytest.raises(FileWriteError, match="lesson.json: the file is read-only"):
        write_atomically(target, "new")
    assert target.read_text() == "kept"


def test_a_read_only_folder_is_refused(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(FileWriteError, match="the folder .*shared is read-only"):
            write_atomically(folder / "plot.png", b"png")
    finally:
        folder.chmod(0o755)
    assert not (folder / "plot.png").exists()


def test_a_folder_in_place_of_the_file_is_refused(tmp_path):
    (tmp_path / "plot.png").mkdir()
    with pytest.raises(FileWriteError, match="not a regular file"):
        write_atomically(tmp_path / "plot.png", b"png")


def test_a_symbolic_link_is_written_through_and_stays_a_link(tmp_path):
    real = tmp_path / "real" / "session.json"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_atomically(link, "new")
    assert link.is_symlink()
    assert real.read_text() == "new"


def test_an_existing_file_keeps_its_permissions(tmp_path):
    target = tmp_path / "shared.json"
    target.write_text("old")
    target.chmod(0o640)
    write_atomically(target, "new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_new_file_gets_the_users_umask_not_the_temporary_files_0600(tmp_path):
    target = tmp_path / "new.json"
    write_atomically(target, "{}")
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~atomic.UMASK


def test_leftovers_of_a_killed_write_are_removed_but_young_ones_spared(tmp_path):
    old = tmp_path / f".session.json.abc{TEMPORARY_SUFFIX}"
    young = tmp_path / f".session.json.def{TEMPORARY_SUFFIX}"
    unrelated = tmp_path / "notes.partial.txt"
    for each in (old, young, unrelated):
        each.write_text("x")
    an_hour_ago = time.time() - 3600
    os.utime(old, (an_hour_ago, an_hour_ago))
    assert remove_leftovers(tmp_path) == [old]
    assert young.exists() and unrelated.exists()


def test_a_write_killed_midway_leaves_the_previous_file_whole(tmp_path):
    target = tmp_path / "recording.mp4"
    target.write_bytes(b"earlier recording")
    script = textwrap.dedent(f"""
        import os, sys
        from engine.files.atomic import atomic_writer
        with atomic_writer({str(target)!r}) as handle:
            handle.write(b"half of a new recording")
            handle.flush()
            print("writing", flush=True)
            sys.stdin.readline()
    """)
    root = Path(__file__).resolve().parents[3]
    child = subprocess.Popen([sys.executable, "-c", script], cwd=root,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "writing"
    child.kill()
    child.wait()
    child.stdin.close()
    child.stdout.close()
    assert target.read_bytes() == b"earlier recording"
    assert len(leftovers(tmp_path)) == 1  # what remove_leftovers finds at the next start


def test_a_pending_file_replaces_the_target_only_when_committed(tmp_path):
    target = tmp_path / "run.mp4"
    target.write_bytes(b"earlier recording")
    target.chmod(0o640)
    pending = PendingFile(target)
    pending.path.write_bytes(b"new recording")  # as ffmpeg writes it, by name
    assert target.read_bytes() == b"earlier recording"
    assert pending.commit() == target
    assert target.read_bytes() == b"new recording"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert leftovers(tmp_path) == []


def test_a_discarded_pending_file_leaves_the_target_and_nothing_else(tmp_path):
    target = tmp_path / "run.gif"
    target.write_bytes(b"earlier")
    pending = PendingFile(target)
    pending.path.write_bytes(b"half a recording")
    pending.discard()
    assert sorted(tmp_path.iterdir()) == [target]
    assert target.read_bytes() == b"earlier"


def test_a_pending_file_is_refused_before_any_work(tmp_path):
    with pytest.raises(FileWriteError, match="gone does not exist"):
        PendingFile(tmp_path / "gone" / "run.mp4")


def test_a_write_clears_what_a_killed_write_of_the_same_file_left(tmp_path):
    mine = tmp_path / f".run.mp4.abc{TEMPORARY_SUFFIX}"
    young = tmp_path / f".run.mp4.def{TEMPORARY_SUFFIX}"
    another = tmp_path / f".session.json.abc{TEMPORARY_SUFFIX}"
    for each in (mine, young, another):
        each.write_text("x")
    an_hour_ago = time.time() - 3600
    for each in (mine, another):
        os.utime(each, (an_hour_ago, an_hour_ago))
    write_atomically(tmp_path / "run.mp4", b"new")
    assert leftovers(tmp_path) == sorted([young, another])


def test_the_message_names_the_file_and_reason_without_an_error_number(tmp_path):
    with pytest.raises(FileWriteError) as raised:
        check_writable(tmp_path / "gone" / "x.json")
    assert str(raised.value).startswith("cannot write x.json: the folder ")
    assert raised.value.errno == errno.ENOENT
