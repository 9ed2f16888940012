"""File > Save / Open / Open recent: a session saved through the menu comes back exactly, bad
files are reported and change nothing, and the title says when there is something to save."""

import json
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QFileDialog

from engine.files import state as state_codec
from engine.files.session_packing import unpack
from gui.labs.classification.lab import install_classification_lab
from gui.shell import app
from gui.tutorial import session_actions
from gui.tutorial.session_actions import SessionActions


@pytest.fixture(autouse=True)
def both_labs(monkeypatch):
    monkeypatch.setitem(app.LAB_INSTALLERS, "classification", install_classification_lab)


@pytest.fixture
def told(monkeypatch):
    """What the user was told in message boxes, instead of showing them."""
    messages = []
    monkeypatch.setattr(session_actions, "show_problem",
                        lambda parent, title, text: messages.append((title, text)))
    return messages


def open_window(qtbot, scenario=None, **kwargs):
    window = app.build_window(scenario, **kwargs)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()  # shortcuts reach the active window only
    qtbot.waitUntil(window.isActiveWindow)
    return window


def sessions_of(window) -> SessionActions:
    return window.findChild(SessionActions)


def controller_of(window):
    return sessions_of(window).active_lab().controller


def answer_save_dialog(monkeypatch, path):
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *args, **kwargs: (str(path), "")))


def answer_open_dialog(monkeypatch, path):
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *args, **kwargs: (str(path), "")))


def engine_state(controller) -> dict:
    """Every number the engine holds for this session, decoded (arrays compared by bytes)."""
    return state_codec.decode(controller.stepper.get_state())


def assert_same_state(first: dict, second: dict) -> None:
    assert json.dumps(state_codec.encode(first), sort_keys=True) == \
        json.dumps(state_codec.encode(second), sort_keys=True)


def test_save_then_open_in_a_fresh_window_gives_back_the_same_session(
        qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, "spiral")
    controller = controller_of(window)
    controller.run_iterations(37)
    controller.step()
    controller.step()  # two operations into the next epoch
    controller.select("dense2.weights", (3, 1))
    lab = sessions_of(window).active_lab()
    lab.curves.log_box.setChecked(True)
    path = tmp_path / "spiral run.json"
    answer_save_dialog(monkeypatch, path)
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    sessions_of(window).wait_for_saves()  # written on the saver's thread
    assert path.is_file()
    assert window.windowTitle().startswith("spiral run.json[*]")
    assert not window.isWindowModified()

    fresh = open_window(qtbot, "neuron")
    answer_open_dialog(monkeypatch, path)
    qtbot.keyClick(fresh, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    reopened = controller_of(fresh)
    assert reopened is not controller
    assert_same_state(engine_state(reopened), engine_state(controller))
    assert (reopened.stepper.iteration, reopened.stepper.position) == (37, 2)
    assert reopened.selected == ("dense2.weights", (3, 1))
    assert sessions_of(fresh).active_lab().curves.log_box.isChecked()
    assert fresh.windowTitle().startswith("spiral run.json[*] - Spiral")
    assert not fresh.isWindowModified()
    # Training on gives the same numbers in both.
    controller.run_iterations(5)
    reopened.run_iterations(5)
    assert reopened.stepper.losses.tolist() == controller.stepper.losses.tolist()


def test_a_hand_session_round_trips_and_reset_goes_to_the_same_start(
        qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, "layer")
    controller = controller_of(window)
    start = engine_state(controller)
    controller.run_iterations(12)
    controller.edit_value(next(iter(controller.trainable.parameters())), (0, 0), 0.25)
    path = tmp_path / "layer.json"
    sessions_of(window).save_to(path)
    sessions_of(window).wait_for_saves()
    fresh = open_window(qtbot, "spiral")
    assert sessions_of(fresh).open_file(path)
    reopened = controller_of(fresh)
    assert_same_state(engine_state(reopened), engine_state(controller))
    reopened.reset()
    assert_same_state(engine_state(reopened), start)


def test_changes_mark_the_title_and_closing_asks_save_discard_or_cancel(
        qtbot, monkeypatch, tmp_path):
    window = open_window(qtbot, "neuron")
    sessions_of(window).ask_on_close = True
    assert not window.isWindowModified()
    asked = []
    monkeypatch.setattr(session_actions, "ask_unsaved_changes",
                        lambda parent, name, work="": asked.append(name) or "cancel")
    controller_of(window).run_iterations(3)
    assert window.isWindowModified()
    assert window.windowTitle() == "Single neuron[*] - Backprop Playground"
    window.close()
    assert asked == ["untitled"] and window.isVisible()  # Cancel keeps it open

    path = tmp_path / "saved.json"
    answer_save_dialog(monkeypatch, path)
    monkeypatch.setattr(session_actions, "ask_unsaved_changes",
                        lambda parent, name, work="": "save")
    window.close()
    assert not window.isVisible() and path.is_file()


def test_an_unchanged_session_closes_without_asking(qtbot, monkeypatch):
    window = open_window(qtbot, "spiral")
    sessions_of(window).ask_on_close = True
    monkeypatch.setattr(session_actions, "ask_unsaved_changes",
                        lambda parent, name, work="": pytest.fail("asked with nothing to save"))
    window.close()
    assert not window.isVisible()


@pytest.mark.parametrize("content, expected", [
    (b'{"app": "backprop-playground", "format": 1, ', "ends early (truncated?)"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "not UTF-8 text"),
    (b'{"app": "backprop-playground", "format": 7}', "newer version of the app"),
    (b'{"app": "some-other-app", "format": 1}', "not a Backprop Playground session"),
])
def test_a_bad_file_is_reported_and_the_open_session_is_kept(
        qtbot, monkeypatch, tmp_path, told, content, expected):
    window = open_window(qtbot, "spiral")
    controller = controller_of(window)
    controller.run_iterations(20)
    before = engine_state(controller)
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    answer_open_dialog(monkeypatch, path)
    monkeypatch.setattr(session_actions, "ask_unsaved_changes",
                        lambda parent, name, work="": "discard")
    sessions_of(window).actions["open"].trigger()
    assert len(told) == 1
    title, text = told[0]
    assert title == "Could not open"
    assert text.startswith("bad.json cannot be opened") and expected in text
    assert controller_of(window) is controller
    assert_same_state(engine_state(controller), before)


def test_a_session_named_at_start_opens_and_a_bad_one_keeps_the_start_page(
        qtbot, tmp_path, told):
    window = open_window(qtbot, "vertical")
    controller_of(window).run_iterations(4)
    path = tmp_path / "vertical.json"
    sessions_of(window).save_to(path)
    sessions_of(window).wait_for_saves()
    opened = open_window(qtbot, session=path)
    assert controller_of(opened).stepper.iteration == 4
    missing = open_window(qtbot, session=tmp_path / "nowhere.json")
    assert sessions_of(missing).active_lab() is None
    assert "nowhere.json cannot be opened" in told[0][1]


def test_open_recent_lists_eight_newest_first_and_drops_a_missing_file(
        qtbot, tmp_path, told):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = open_window(qtbot, "neuron", settings=settings)
    sessions = sessions_of(window)
    for number in range(10):
        sessions.save_to(tmp_path / f"run{number}.json")
        sessions.wait_for_saves()
    names = [path.rsplit("/", 1)[1] for path in sessions.recent_files()]
    assert names == [f"run{number}.json" for number in range(9, 1, -1)]
    sessions.recent_menu.aboutToShow.emit()
    assert [a.text() for a in sessions.recent_menu.actions()][:2] == ["&1 run9.json",
                                                                     "&2 run8.json"]
    (tmp_path / "run9.json").unlink()
    sessions.recent_menu.actions()[0].trigger()
    assert "run9.json no longer exists" in told[0][1]
    assert len(sessions.recent_files()) == 7
    again = sessions_of(open_window(qtbot, "neuron", settings=settings))
    assert again.recent_files() == sessions.recent_files()
    assert again.last_session().name == "run9.json"


def test_saved_numbers_are_bit_exact_in_the_file(qtbot, tmp_path):
    window = open_window(qtbot, "spiral")
    controller = controller_of(window)
    controller.run_iterations(10)
    path = tmp_path / "exact.json"
    sessions_of(window).save_to(path)
    sessions_of(window).wait_for_saves()
    saved = state_codec.decode(unpack(json.loads(path.read_text()))["stepper"])
    weights = saved["trainable"]["layers"]["dense1"]["weights"]
    assert weights.dtype == np.float32
    assert weights.tobytes() == controller.trainable.parameters()["dense1.weights"].tobytes()


def test_the_command_line_names_a_session_and_a_bad_one_exits_2_with_a_screenshot(
        tmp_path, capsys):
    import main

    arguments = main.build_parser().parse_args(["--scenario", "spiral", "run.json", "--dark"])
    assert (arguments.session, arguments.scenario, arguments.dark) == \
        (Path("run.json"), "spiral", True)
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    assert main.main([str(bad), "--screenshot", str(tmp_path / "shot.png")]) == 2
    assert "error: bad.json cannot be opened: not a Backprop Playground session" in \
        capsys.readouterr().err
    assert not (tmp_path / "shot.png").exists()


def test_a_launch_with_settings_reopens_the_last_session_instead_of_the_welcome(
        qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = open_window(qtbot, "layer", settings=settings)
    controller_of(window).run_iterations(9)
    sessions_of(window).save_to(tmp_path / "last.json")
    sessions_of(window).wait_for_saves()
    again = app.launch_window(settings=settings)
    qtbot.addWidget(again)
    assert controller_of(again).stepper.iteration == 9
    assert again.windowTitle().startswith("last.json[*] - Layer of 3 neurons")


def test_garbage_in_the_settings_is_ignored_removed_and_the_app_starts(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("last_session", ["not", "a", "path"])
    settings.setValue("sessions/recent", 42)
    window = app.launch_window(settings=settings)
    qtbot.addWidget(window)
    assert controller_of(window) is not None
    assert settings.value("last_session") is None
    assert sessions_of(window).recent_files() == []



def test_a_damaged_last_session_is_said_and_the_app_starts(qtbot, monkeypatch, tmp_path):
    told = []
    monkeypatch.setattr(session_actions, "show_problem",
                        lambda parent, title, text: told.append(text))
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    damaged = tmp_path / "last.json"
    damaged.write_text('{"format": 2, "stepper": ')
    settings.setValue("last_session", str(damaged))
    window = app.launch_window(settings=settings)
    qtbot.addWidget(window)
    assert len(told) == 1 and "last.json" in told[0]
    assert window.windowTitle()  # the window is up, the damaged file not opened
    assert sessions_of(window).path is None
