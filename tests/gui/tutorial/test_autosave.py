"""Autosave: a crashed run's work is offered back at the next start; a clean quit leaves no
crash behind."""

import json

import pytest

from engine.files import state as state_codec
from gui.shell import app
from gui.shell.paths import DATA_ENV, data_dir
from gui.tutorial import autosave
from gui.tutorial.autosave import AUTOSAVE_NAME, MARKER_NAME, install_autosave
from gui.tutorial.session_actions import SessionActions

DEAD_PID = 2**22 + 12345  # above Linux's pid_max: no process has it


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_ENV, str(tmp_path / "data"))
    return data_dir()


def window_with(qtbot, scenario=None):
    window = app.build_window(scenario)
    qtbot.addWidget(window)
    return window


def controller_of(window):
    return window.findChild(SessionActions).active_lab().controller


def state_text(controller) -> str:
    return json.dumps(state_codec.encode(state_codec.decode(controller.stepper.get_state())),
                      sort_keys=True)


def test_after_a_crash_the_next_start_offers_the_autosave_and_restores_it(
        qtbot, monkeypatch, folder):
    crashed = window_with(qtbot, "layer")
    saver = install_autosave(crashed)
    assert saver.folder == folder and (folder / MARKER_NAME).is_file()
    controller_of(crashed).run_iterations(25)
    assert saver.save_now()
    assert not saver.save_now()  # nothing changed since: nothing written
    expected = state_text(controller_of(crashed))
    controller_of(crashed).run_iterations(3)  # lost: after the last autosave
    # The process dies here: the marker stays, naming a process that no longer exists.
    (folder / MARKER_NAME).write_text(json.dumps({"pid": DEAD_PID}))

    asked = []
    monkeypatch.setattr(autosave, "ask_restore", lambda parent, when: asked.append(when) or True)
    fresh = window_with(qtbot)
    install_autosave(fresh)
    assert len(asked) == 1 and " on " in asked[0]
    assert state_text(controller_of(fresh)) == expected
    assert controller_of(fresh).stepper.iteration == 25
    assert fresh.isWindowModified()  # the restored work is in no file yet


def test_a_clean_quit_saves_and_removes_the_marker_so_nothing_is_offered(
        qtbot, monkeypatch, folder):
    window = window_with(qtbot, "spiral")
    install_autosave(window)
    controller_of(window).run_iterations(5)
    window.close()
    assert not (folder / MARKER_NAME).exists()
    assert (folder / AUTOSAVE_NAME).is_file()
    monkeypatch.setattr(autosave, "ask_restore",
                        lambda parent, when: pytest.fail("offered after a clean quit"))
    install_autosave(window_with(qtbot))


def test_the_timer_saves_only_when_the_session_changed(qtbot, folder):
    window = window_with(qtbot, "neuron")
    saver = install_autosave(window, interval_ms=50)
    qtbot.waitUntil(lambda: (folder / AUTOSAVE_NAME).is_file(), timeout=2000)
    written = (folder / AUTOSAVE_NAME).stat().st_mtime_ns
    qtbot.wait(200)
    assert (folder / AUTOSAVE_NAME).stat().st_mtime_ns == written
    controller_of(window).run_iterations(2)
    qtbot.waitUntil(lambda: (folder / AUTOSAVE_NAME).stat().st_mtime_ns != written,
                    timeout=2000)
    saver.finish()


def test_a_running_window_is_not_taken_for_a_crash(qtbot, monkeypatch, folder):
    first = window_with(qtbot, "neuron")
    saver = install_autosave(first)
    saver.save_now()
    (folder / MARKER_NAME).write_text(json.dumps({"pid": 1}))  # init: always alive
    monkeypatch.setattr(autosave, "ask_restore",
                        lambda parent, when: pytest.fail("offered while it still runs"))
    install_autosave(window_with(qtbot))
