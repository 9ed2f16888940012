"""An unexpected error in a slot: the learner sees it with a Copy button, it is logged, the
window goes on working.

pytest-qt normally catches exceptions raised in slots itself (and fails the test); these tests
switch that off with `qt_no_exception_capture`, so the app's own hook receives them.
"""

import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from gui.shell import app as app_module
from gui.shell.app import build_window
from gui.shell.crash_handler import CrashDialog, CrashHandler, crash_log_path, install_crash_handler
from gui.shell.paths import DATA_ENV, data_dir


class SlotFailureError(RuntimeError):
    """Raised on purpose by a test slot."""


@pytest.fixture
def data_folder(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    monkeypatch.setenv(DATA_ENV, str(folder))
    return folder


@pytest.fixture
def handler(qtbot, data_folder):
    """The hook, installed as the app installs it, with its dialogs kept for the test."""
    dialogs: list[CrashDialog] = []

    def factory(log_path):
        dialog = CrashDialog(log_path)
        qtbot.addWidget(dialog)
        dialogs.append(dialog)
        return dialog

    hook = install_crash_handler(QApplication.instance(), factory)
    hook.dialogs = dialogs
    yield hook
    hook.uninstall()
    hook.deleteLater()


@pytest.fixture
def lab_window(qtbot):
    window = build_window("neuron")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _fail() -> None:
    raise SlotFailureError("the slot behind Step failed on purpose")


def test_data_dir_follows_the_environment_variable(data_folder):
    assert data_dir() == data_folder
    assert data_folder.is_dir()
    assert crash_log_path().parent == data_folder


@pytest.mark.qt_no_exception_capture
def test_an_error_in_a_button_slot_is_shown_copied_logged_and_the_window_goes_on(
        qtbot, handler, lab_window):
    controls = _controls(lab_window)
    controls.step_button.clicked.connect(_fail)
    assert sys.excepthook == handler.handle

    qtbot.mouseClick(controls.step_button, Qt.MouseButton.LeftButton)

    assert len(handler.dialogs) == 1
    dialog = handler.dialogs[0]
    assert dialog.isVisible()
    assert not dialog.isModal()
    report = dialog.report()
    assert "Traceback (most recent call last)" in report
    assert "SlotFailureError: the slot behind Step failed on purpose" in report
    assert "in _fail" in report
    assert "SlotFailureError" in dialog.summary.text()
    assert str(crash_log_path()) in dialog.where.text()

    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == report

    logged = crash_log_path().read_text(encoding="utf-8")
    assert "SlotFailureError: the slot behind Step failed on purpose" in logged
    assert "in _fail" in logged

    # The window still works: the step the learner asked for was done, and the next one too.
    controls.step_button.clicked.disconnect(_fail)
    before = controls.position_label.text()
    qtbot.mouseClick(controls.step_button, Qt.MouseButton.LeftButton)
    assert controls.position_label.text() != before
    assert "2 of" in controls.position_label.text()


@pytest.mark.qt_no_exception_capture
def test_errors_in_a_row_go_into_one_window(qtbot, handler, lab_window):
    controls = _controls(lab_window)
    controls.reset_button.clicked.connect(_fail)
    for _ in range(3):
        qtbot.mouseClick(controls.reset_button, Qt.MouseButton.LeftButton)
    controls.reset_button.clicked.disconnect(_fail)
    assert len(handler.dialogs) == 1
    assert handler.dialogs[0].report().count("SlotFailureError: the slot behind") == 3
    assert "3 errors" in handler.dialogs[0].summary.text()
    assert crash_log_path().read_text(encoding="utf-8").count("Traceback") == 3
    # Closed, the next error opens a new window.
    handler.dialogs[0].reject()
    handler.handle(SlotFailureError, SlotFailureError("again"), None)
    assert len(handler.dialogs) == 2


def test_a_log_that_cannot_be_written_still_shows_the_dialog(qtbot, tmp_path, monkeypatch,
                                                            capsys):
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("")
    monkeypatch.setenv(DATA_ENV, str(blocked / "data"))
    dialogs = []
    hook = CrashHandler(lambda path: dialogs.append(CrashDialog(path)) or dialogs[-1])
    try:
        raise SlotFailureError("no log")
    except SlotFailureError as error:
        hook.handle(SlotFailureError, error, error.__traceback__)
    qtbot.addWidget(dialogs[0])
    assert hook.last_log is None
    assert "could not be saved" in dialogs[0].where.text()
    assert "SlotFailureError: no log" in dialogs[0].report()
    assert "SlotFailureError: no log" in capsys.readouterr().err


def test_run_installs_the_hook(monkeypatch, data_folder):
    """gui.shell.app.run installs the hook before the window is built."""
    seen = {}

    def stop_after_install(*_args, **_kwargs):
        seen["hook"] = sys.excepthook
        raise app_module.ScenarioUnavailableError("stop here")

    monkeypatch.setattr(app_module, "launch_window", stop_after_install)
    monkeypatch.setattr(app_module, "open_settings", lambda: None)
    previous = sys.excepthook
    try:
        assert app_module.run() == 2
        assert isinstance(getattr(seen["hook"], "__self__", None), CrashHandler)
    finally:
        hook = getattr(sys.excepthook, "__self__", None)
        if isinstance(hook, CrashHandler):
            hook.uninstall()
        sys.excepthook = previous


def _controls(window):
    from gui.panels.controls_panel import ControlsPanel

    return window.findChild(ControlsPanel)
