"""Autosave and crash recovery: a crashed window's work is offered back at the next start, one
marker per window, whatever garbage the data folder holds; autosaves are written on a worker
thread and a failed one says so and tries again; a clean quit (also by SIGTERM) leaves no
crash behind; declined or damaged work is kept aside for File > Recover work."""

import json
import os
import signal
import threading
import time

import pytest

from engine.files import state as state_codec
from engine.files.atomic import TEMPORARY_SUFFIX
from gui.shell import app
from gui.shell.paths import DATA_ENV, data_dir
from gui.shell.quit_signals import install_quit_signals
from gui.tutorial import autosave
from gui.tutorial.autosave import install_autosave
from gui.tutorial.crash_markers import MARKER_PATTERN, process_start
from gui.tutorial.recovery import kept_aside
from gui.tutorial.session_actions import SessionActions

DEAD_PID = 2**22 - 7  # pid_max on Linux is below it unless raised to the limit: no process


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_ENV, str(tmp_path / "data"))
    return data_dir()


@pytest.fixture
def asked(monkeypatch):
    """The restore questions asked (answered Yes) and the failures told."""
    questions = {"restore": [], "told": []}
    monkeypatch.setattr(autosave, "ask_restore", lambda parent, when, replaces=None:
                        questions["restore"].append((when, replaces)) or True)
    monkeypatch.setattr(autosave, "tell_not_restored",
                        lambda parent, text: questions["told"].append(text))
    return questions


def window_with(qtbot, scenario=None):
    window = app.build_window(scenario)
    qtbot.addWidget(window)
    return window


def sessions_of(window) -> SessionActions:
    return window.findChild(SessionActions)


def controller_of(window):
    return sessions_of(window).active_lab().controller


def state_text(controller) -> str:
    return json.dumps(state_codec.encode(state_codec.decode(controller.stepper.get_state())),
                      sort_keys=True)


def autosaved(saver) -> bool:
    """Start an autosave and wait for it; whether one was written."""
    started = saver.save_now()
    saver.sessions.wait_for_saves()
    return started and saver.marker.autosave.is_file()


def crash(saver, pid: int = DEAD_PID, process_start_: int | None = None) -> None:
    """The window's process dies: its marker stays, naming a process that is gone."""
    marker = json.loads(saver.marker.path.read_text())
    marker.update(pid=pid, process_start=process_start_)
    saver.marker.path.write_text(json.dumps(marker))
    saver.marker = None  # the dead window does nothing more
    saver.timer.stop()


def markers(folder) -> list:
    return sorted(folder.glob(MARKER_PATTERN))


def test_after_a_crash_the_next_start_offers_the_autosave_and_restores_it(
        qtbot, folder, asked):
    crashed = window_with(qtbot, "layer")
    saver = install_autosave(crashed)
    assert saver.folder == folder and len(markers(folder)) == 1
    controller_of(crashed).run_iterations(25)
    assert autosaved(saver)
    assert not saver.save_now()  # nothing changed since: nothing written
    expected = state_text(controller_of(crashed))
    controller_of(crashed).run_iterations(3)  # lost: after the last autosave
    crash(saver)

    fresh = window_with(qtbot)
    install_autosave(fresh)
    assert len(asked["restore"]) == 1 and " on " in asked["restore"][0][0]
    assert asked["restore"][0][1] is None  # the start page: restoring replaces nothing
    assert state_text(controller_of(fresh)) == expected
    assert controller_of(fresh).stepper.iteration == 25
    assert fresh.isWindowModified()  # the restored work is in no file yet
    assert len(markers(folder)) == 1  # the crashed one is gone, the new window's is there
    assert len(kept_aside(folder)) == 1  # and the crashed work stays kept aside


def test_autosaves_are_written_on_a_worker_thread(qtbot, folder):
    window = window_with(qtbot, "spiral")
    saver = install_autosave(window)
    controller_of(window).run_iterations(30)
    jobs = []
    sessions_of(window).saver.finished.connect(jobs.append)
    assert autosaved(saver)
    assert len(jobs) == 1 and jobs[0].succeeded
    assert jobs[0].thread is not None and jobs[0].thread != threading.get_ident()


def test_a_clean_quit_saves_and_removes_the_marker_so_nothing_is_offered(
        qtbot, monkeypatch, folder):
    window = window_with(qtbot, "spiral")
    install_autosave(window)
    controller_of(window).run_iterations(5)  # unsaved work: kept aside on quit
    window.close()
    assert markers(folder) == []
    assert len(kept_aside(folder)) == 1
    monkeypatch.setattr(autosave, "ask_restore",
                        lambda *args: pytest.fail("offered after a clean quit"))
    install_autosave(window_with(qtbot))


def test_a_clean_quit_with_nothing_unsaved_leaves_nothing_behind(qtbot, folder):
    window = window_with(qtbot, "neuron")
    install_autosave(window)
    window.close()
    assert sorted(path.name for path in folder.iterdir() if path.is_file()) == []


def test_the_timer_saves_only_when_the_session_changed(qtbot, folder):
    window = window_with(qtbot, "neuron")
    saver = install_autosave(window, interval_ms=50)
    qtbot.waitUntil(lambda: saver.marker.autosave.is_file(), timeout=5000)
    written = saver.marker.autosave.stat().st_mtime_ns
    qtbot.wait(200)
    assert saver.marker.autosave.stat().st_mtime_ns == written
    controller_of(window).run_iterations(2)
    qtbot.waitUntil(lambda: saver.marker.autosave.stat().st_mtime_ns != written,
                    timeout=5000)
    saver.finish()


def test_a_running_window_is_not_taken_for_a_crash(qtbot, monkeypatch, folder):
    first = window_with(qtbot, "neuron")
    saver = install_autosave(first)
    controller_of(first).run_iterations(2)
    assert autosaved(saver)
    monkeypatch.setattr(autosave, "ask_restore",
                        lambda *args: pytest.fail("offered while it still runs"))
    install_autosave(window_with(qtbot))


def test_two_windows_on_one_folder_each_have_a_marker_and_one_quitting_hides_no_crash(
        qtbot, folder, asked):
    first, second = window_with(qtbot, "neuron"), window_with(qtbot, "layer")
    first_saver, second_saver = install_autosave(first), install_autosave(second)
    assert len(markers(folder)) == 2
    controller_of(second).run_iterations(7)
    assert autosaved(second_saver)
    first.close()  # a clean quit of the first window
    assert markers(folder) == [second_saver.marker.path]
    crash(second_saver)
    fresh = window_with(qtbot)
    install_autosave(fresh)
    assert len(asked["restore"]) == 1 and controller_of(fresh).stepper.iteration == 7
    assert first_saver.marker is None


@pytest.mark.parametrize("pid", [0, -1, 2**31, 2**64])
def test_a_marker_naming_no_possible_process_still_offers_its_work(
        qtbot, folder, asked, pid):
    window = window_with(qtbot, "neuron")
    saver = install_autosave(window)
    controller_of(window).run_iterations(4)
    assert autosaved(saver)
    crash(saver, pid=pid)
    fresh = window_with(qtbot)
    install_autosave(fresh)  # 2**31 crashed every start with OverflowError
    assert len(asked["restore"]) == 1 and controller_of(fresh).stepper.iteration == 4


def test_a_process_id_now_used_by_another_process_still_offers_the_work(
        qtbot, folder, asked):
    """The crashed run's pid was given to a process started later (here, this very one)."""
    window = window_with(qtbot, "neuron")
    saver = install_autosave(window)
    controller_of(window).run_iterations(3)
    assert autosaved(saver)
    now = process_start(os.getpid())
    crash(saver, pid=os.getpid(), process_start_=(now or 10) - 5)
    install_autosave(window_with(qtbot))
    assert len(asked["restore"]) == 1


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b"\xff\xfe", b'{"pid": "7"}',
                                     b'{"pid": 99999999, "autosave": "../../etc/passwd"}',
                                     b'{"pid": 1, "process_start": true}'])
def test_garbage_markers_are_reported_removed_and_the_app_starts(qtbot, folder, asked,
                                                                content):
    (folder / "running-0123456789abcdef.json").write_bytes(content)
    window = window_with(qtbot, "neuron")
    install_autosave(window)
    assert "Ignored and removed a damaged crash marker" in window.statusBar().currentMessage()
    assert not (folder / "running-0123456789abcdef.json").exists()
    assert asked["restore"] == []


def test_a_damaged_autosave_is_not_offered_but_said_and_kept_aside(qtbot, folder, asked):
    window = window_with(qtbot, "neuron")
    saver = install_autosave(window)
    controller_of(window).run_iterations(3)
    assert autosaved(saver)
    saver.marker.autosave.write_bytes(saver.marker.autosave.read_bytes()[:500])  # torn
    crash(saver)
    fresh = window_with(qtbot)
    install_autosave(fresh)
    assert asked["restore"] == []
    assert len(asked["told"]) == 1 and "cannot be restored" in asked["told"][0]
    assert "kept as" in asked["told"][0]
    assert [path.name.endswith("-damaged.json") for path in kept_aside(folder)] == [True]
    assert sessions_of(fresh).active_lab() is None  # the start page, untouched


def test_declined_work_is_kept_aside_and_recover_work_opens_it(qtbot, monkeypatch, folder):
    window = window_with(qtbot, "layer")
    saver = install_autosave(window)
    controller_of(window).run_iterations(11)
    assert autosaved(saver)
    crash(saver)
    monkeypatch.setattr(autosave, "ask_restore", lambda *args: False)
    fresh = window_with(qtbot, "neuron")
    install_autosave(fresh)
    assert controller_of(fresh).stepper.iteration == 0  # declined: nothing replaced
    assert "File > Recover work" in fresh.statusBar().currentMessage()
    recover = next(action.menu() for action in fresh.menu("File").actions()
                   if action.text() == "Recover &work")
    recover.aboutToShow.emit()
    entries = recover.actions()
    assert len(entries) == 1 and entries[0].text().startswith("&1 Work from ")
    assert "declined" in entries[0].text()
    entries[0].trigger()
    assert controller_of(fresh).stepper.iteration == 11 and fresh.isWindowModified()


def test_the_offer_says_what_restoring_replaces(qtbot, folder, asked):
    window = window_with(qtbot, "layer")
    saver = install_autosave(window)
    controller_of(window).run_iterations(2)
    assert autosaved(saver)
    crash(saver)
    install_autosave(window_with(qtbot, "spiral"))  # as `--scenario spiral` opens it
    assert asked["restore"][0][1] == "Spiral (book chapter 10, Adam), as it starts"


def test_temporary_files_a_killed_save_left_are_removed_at_start(qtbot, folder, tmp_path):
    old = folder / f".autosave-0011223344556677.json.x1y2{TEMPORARY_SUFFIX}"
    fresh = folder / f".autosave-8899aabbccddeeff.json.x3y4{TEMPORARY_SUFFIX}"
    for path in (old, fresh):
        path.write_text("half a session")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    install_autosave(window_with(qtbot, "neuron"))
    assert not old.exists() and fresh.exists()  # a save in flight elsewhere is spared


def test_a_failed_autosave_says_so_and_the_next_turn_tries_again(qtbot, monkeypatch, folder):
    window = window_with(qtbot, "neuron")
    saver = install_autosave(window)
    controller_of(window).run_iterations(2)
    import engine.files.atomic

    real = engine.files.atomic.os.fsync

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(engine.files.atomic.os, "fsync", full_disk)
    assert not autosaved(saver)
    message = window.statusBar().currentMessage()
    assert message.startswith("Autosave failed: cannot write autosave-") and \
        "the disk is full" in message and "Trying again in 30 s" in message
    monkeypatch.setattr(engine.files.atomic.os, "fsync", real)
    assert autosaved(saver)  # the same version again: it was never written
    assert window.statusBar().currentMessage() == "Autosave works again"


def test_sigterm_is_a_clean_quit_not_a_crash(qtbot, monkeypatch, folder):
    window = window_with(qtbot, "layer")
    install_autosave(window)
    signals = install_quit_signals(window)
    window.show()
    controller_of(window).run_iterations(6)
    try:
        os.kill(os.getpid(), signal.SIGTERM)
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)
    finally:
        signals.uninstall()
    assert signals.received == [signal.SIGTERM]
    assert markers(folder) == []
    assert len(kept_aside(folder)) == 1  # the unsaved work, for File > Recover work
    monkeypatch.setattr(autosave, "ask_restore",
                        lambda *args: pytest.fail("a SIGTERM was taken for a crash"))
    install_autosave(window_with(qtbot))
