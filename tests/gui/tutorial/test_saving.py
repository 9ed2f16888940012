"""Saving never blocks the window and always tells the truth: a save runs on a worker thread,
the title's '*' and the status bar say what the disk holds, a failed save (read-only, folder
gone, disk full) says so and keeps the old file; a reopened session looks as it was saved,
every panel; a bad file is refused whole; user text in messages is isolated; file dialogs start
in the documents folder or the last one used."""

import json
import os
import threading
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog

import engine.files.atomic
from engine.files.session import Session, load_session, save_session, session_document
from gui.labs.classification.lab import install_classification_lab
from gui.shell import app, background, file_dialogs
from gui.tutorial import session_actions
from gui.tutorial.session_actions import SessionActions
from gui.tutorial.timeline import Timeline


@pytest.fixture(autouse=True)
def both_labs(monkeypatch):
    monkeypatch.setitem(app.LAB_INSTALLERS, "classification", install_classification_lab)


@pytest.fixture
def told(monkeypatch):
    """What the user was told in message boxes and offered, instead of showing them."""
    said = {"problems": [], "save_as": []}
    monkeypatch.setattr(session_actions, "show_problem",
                        lambda parent, title, text: said["problems"].append((title, text)))
    monkeypatch.setattr(session_actions, "offer_save_as",
                        lambda parent, name, reason: said["save_as"].append((name, reason))
                        or False)
    return said


def window_with(qtbot, scenario=None):
    window = app.build_window(scenario)
    qtbot.addWidget(window)
    return window


def sessions_of(window) -> SessionActions:
    return window.findChild(SessionActions)


def lab_of(window):
    return sessions_of(window).active_lab()


def saved(window, path: Path) -> list:
    """Save to `path` and wait; the jobs that finished."""
    jobs = []
    sessions_of(window).saver.finished.connect(jobs.append)
    assert sessions_of(window).save_to(path)
    sessions_of(window).wait_for_saves()
    return jobs


def test_a_save_is_encoded_and_written_on_a_worker_thread(qtbot, tmp_path):
    window = window_with(qtbot, "spiral")
    lab_of(window).controller.run_iterations(300)
    jobs = saved(window, tmp_path / "run.json")
    assert len(jobs) == 1 and jobs[0].succeeded
    assert jobs[0].thread not in (None, threading.get_ident())
    assert window.statusBar().currentMessage().startswith("Saved run.json (")
    assert not window.isWindowModified()


def test_a_finished_save_lets_go_of_the_sessions_copy(qtbot, tmp_path):
    """Whoever keeps a save's outcome (the autosave's record, a benchmark) keeps none of the
    session's arrays: a kept copy per autosave grew the window by megabytes each time."""
    window = window_with(qtbot, "spiral")
    lab_of(window).controller.run_iterations(300)
    jobs = saved(window, tmp_path / "run.json")
    lab_of(window).controller.run_iterations(10)
    assert sessions_of(window).save_to(tmp_path / "again.json")
    sessions_of(window).wait_for_saves()
    assert [job.succeeded for job in jobs] == [True, True]
    assert [job.copy for job in jobs] == [None, None]
    assert jobs[1].size == (tmp_path / "again.json").stat().st_size


def test_the_star_stays_when_the_session_changed_while_it_was_being_saved(qtbot, tmp_path):
    window = window_with(qtbot, "spiral")
    controller = lab_of(window).controller
    controller.run_iterations(20)
    sessions = sessions_of(window)
    assert sessions.save_to(tmp_path / "run.json")
    assert window.statusBar().currentMessage() == "Saving run.json…"
    controller.run_iterations(5)  # the window trains on while the copy is written
    sessions.wait_for_saves()
    assert load_session(tmp_path / "run.json").stepper["iteration"] == 20
    assert window.isWindowModified()  # the disk holds epoch 20, the window shows 25
    assert window.windowTitle().startswith("run.json[*]")


def test_a_read_only_folder_is_refused_before_the_work_with_an_offer_to_save_elsewhere(
        qtbot, tmp_path, told):
    folder = tmp_path / "shared"
    folder.mkdir()
    window = window_with(qtbot, "neuron")
    lab_of(window).controller.run_iterations(3)
    folder.chmod(0o555)
    try:
        assert not sessions_of(window).save_to(folder / "run.json")
    finally:
        folder.chmod(0o755)
    assert told["save_as"] == [("run.json", f"the folder {folder} is read-only")]
    assert list(folder.iterdir()) == [] and window.isWindowModified()


def test_a_read_only_file_offers_save_as_and_saves_where_the_user_says(
        qtbot, monkeypatch, tmp_path, told):
    window = window_with(qtbot, "layer")
    lab_of(window).controller.run_iterations(2)
    target, elsewhere = tmp_path / "locked.json", tmp_path / "copy.json"
    target.write_text("the colleague's file")
    target.chmod(0o444)
    monkeypatch.setattr(session_actions, "offer_save_as", lambda *args: True)
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *args, **kwargs: (str(elsewhere), "")))
    assert sessions_of(window).save_to(target)
    sessions_of(window).wait_for_saves()
    assert target.read_text() == "the colleague's file"
    assert load_session(elsewhere).stepper["iteration"] == 2
    assert window.windowTitle().startswith("copy.json[*]")


def test_a_vanished_folder_is_said_and_nothing_is_written(qtbot, tmp_path, told):
    window = window_with(qtbot, "neuron")
    assert not sessions_of(window).save_to(tmp_path / "gone" / "run.json")
    assert told["save_as"][0][1].startswith("the folder") and "does not exist" in \
        told["save_as"][0][1]
    assert not (tmp_path / "gone").exists()


def test_a_full_disk_is_said_in_a_dialog_and_the_previous_file_stays(
        qtbot, monkeypatch, tmp_path, told):
    window = window_with(qtbot, "spiral")
    controller = lab_of(window).controller
    path = tmp_path / "run.json"
    controller.run_iterations(10)
    assert saved(window, path)[0].succeeded
    before = path.read_bytes()
    controller.run_iterations(10)

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(engine.files.atomic.os, "fsync", full_disk)
    jobs = saved(window, path)
    assert not jobs[0].succeeded
    assert told["problems"] == [("Could not save", "run.json was not saved: cannot write "
                                 "run.json: the disk is full. The file on disk is as it was "
                                 "before.")]
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["run.json"]  # no temporary file left
    assert window.isWindowModified()
    assert window.statusBar().currentMessage() == "run.json was not saved"


def test_every_panel_looks_the_same_after_reopening(qtbot, monkeypatch, tmp_path):
    window = window_with(qtbot, "spiral")
    lab = lab_of(window)
    controller = lab.controller
    lab.network.max_epochs_on.setChecked(True)
    lab.network.max_epochs.setValue(5000)
    lab.network.target_accuracy_on.setChecked(True)
    lab.network.target_accuracy.setValue(0.95)
    for _ in range(6):
        controller.run_iterations(50)  # the timeline keeps a keyframe at each
    controller.select("dense2.biases", (0, 1))
    lab.curves.log_box.setChecked(True)
    lab.inspector.show_array("dense2.weights")
    path = tmp_path / "run.json"
    assert saved(window, path)[0].succeeded

    fresh = window_with(qtbot, "neuron")
    assert sessions_of(fresh).open_file(path)
    other = lab_of(fresh)
    qtbot.waitUntil(lambda: other.curves._history["epochs"].size == 300, timeout=5000)
    assert other.network.stop_conditions() == lab.network.stop_conditions() == {
        "max_epochs": 5000, "target_loss": None, "target_accuracy": 0.95}
    assert other.controller.stop_conditions == controller.stop_conditions
    for name in ("epochs", "loss", "accuracy", "learning_rate", "val_epochs", "val_loss",
                 "val_accuracy"):
        assert np.array_equal(other.curves._history[name], lab.curves._history[name],
                              equal_nan=True), name
    assert len(lab.curves._history["val_epochs"]) >= 3  # validation curves are there
    assert other.log.lines() == lab.log.lines()
    assert other.controller.selected == ("dense2.biases", (0, 1))
    assert other.curves.log_box.isChecked()
    assert other.inspector.shown_name() == "dense2.weights"
    first, second = window.findChild(Timeline), fresh.findChild(Timeline)
    assert (second.bar.slider.minimum(), second.bar.slider.maximum()) == \
        (first.bar.slider.minimum(), first.bar.slider.maximum()) == (0, 300)
    second.show_iteration(120)  # the past reached through the saved keyframes, exactly
    first.show_iteration(120)
    assert other.controller.stepper.losses.tobytes() == controller.stepper.losses.tobytes()


def test_a_file_whose_view_names_what_the_network_lacks_is_refused_whole(
        qtbot, tmp_path, told):
    window = window_with(qtbot, "spiral")
    controller = lab_of(window).controller
    controller.run_iterations(8)
    document = session_document(Session.capture(controller.stepper, "spiral"))
    document["view"]["selected"] = ["dense1.weights", 5]
    (tmp_path / "bad.json").write_text(json.dumps(document))
    before = controller.stepper.get_state()
    assert not sessions_of(window).open_file(tmp_path / "bad.json")
    assert "view.selected[1]: expected a list" in told["problems"][0][1]
    assert lab_of(window).controller is controller
    assert controller.stepper.get_state() == before


def test_opening_reads_and_checks_the_file_on_a_worker_thread(qtbot, monkeypatch, tmp_path):
    window = window_with(qtbot, "neuron")
    save_session(tmp_path / "s.json", Session.capture(lab_of(window).controller.stepper))
    outcomes = []
    real = background.run_in_background

    def recording(*args, **kwargs):
        outcomes.append(real(*args, **kwargs))
        return outcomes[-1]

    monkeypatch.setattr(session_actions, "run_in_background", recording)
    assert sessions_of(window).open_file(tmp_path / "s.json")
    assert outcomes[0].thread not in (None, threading.get_ident())


def test_a_title_that_reverses_text_cannot_reverse_the_apps_own_message(qtbot, tmp_path):
    window = window_with(qtbot, "layer")
    stepper = lab_of(window).controller.stepper
    save_session(tmp_path / "evil.json",
                 Session.capture(stepper, title="gnp.\u202eexe\nDeleted all files"))
    assert sessions_of(window).open_file(tmp_path / "evil.json")
    message = window.statusBar().currentMessage()
    assert message == ("gnp.<U+202E>exe\u240aDeleted all files: opened at iteration 0")
    assert "\u202e" not in message and "\n" not in message


def test_file_dialogs_start_in_the_documents_folder_then_in_the_last_one_used(
        qtbot, monkeypatch, tmp_path):
    documents = tmp_path / "Documents"
    documents.mkdir()
    monkeypatch.setattr(QStandardPaths, "writableLocation",
                        staticmethod(lambda location: str(documents)))
    monkeypatch.setattr(file_dialogs, "_REMEMBERED", {})
    asked = []
    chosen = tmp_path / "lessons" / "run.json"
    chosen.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(
        lambda parent, caption, start, filters: asked.append(start) or (str(chosen), "")))
    window = window_with(qtbot, "neuron")
    sessions_of(window).save_as()
    sessions_of(window).wait_for_saves()
    assert asked == [str(documents / "session.json")]
    assert Path.cwd() != documents
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(
        lambda parent, caption, start, filters: asked.append(start) or ("", "")))
    sessions_of(window).open_dialog()
    assert asked[1] == str(chosen.parent)  # the folder the session went to


def test_quitting_waits_for_a_save_in_flight(qtbot, monkeypatch, tmp_path):
    window = window_with(qtbot, "spiral")
    lab_of(window).controller.run_iterations(30)
    sessions = sessions_of(window)
    release = threading.Event()
    real = engine.files.atomic.os.fsync

    def slow_disk(fd):
        assert release.wait(10)
        real(fd)

    monkeypatch.setattr(engine.files.atomic.os, "fsync", slow_disk)
    monkeypatch.setattr(session_actions, "ask_unsaved_changes", lambda *args: "discard")
    assert sessions.save_to(tmp_path / "run.json")
    assert sessions.saver.busy()  # the disk is slow: the save is still being written
    threading.Timer(0.3, release.set).start()
    window.close()
    assert not sessions.saver.busy()
    assert load_session(tmp_path / "run.json").stepper["iteration"] == 30
