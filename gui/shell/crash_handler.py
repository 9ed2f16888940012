"""What happens when the app's own code fails: the learner sees it, it is logged, the app goes on.

Without a hook, an exception in a Qt slot is printed to a console nobody looks at (or, with
some bindings, aborts the process and loses the network built so far). The hook installed here
writes the report to a log file in the app's data folder, shows it in a window with a Copy
button so it can be pasted into a bug report, and returns to the event loop: the window keeps
working. Several failures in a row (a paint handler failing on every frame) go into the one
open window rather than a pile of new ones.
"""

from __future__ import annotations

import datetime
import platform
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QObject, Qt, QThread
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gui import APP_NAME, app_version
from gui.shell.paths import data_dir

LOG_NAME = "crash.log"
LOG_LIMIT_BYTES = 1_000_000  # beyond this the log is moved to crash.log.1 and a new one begun

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def crash_log_path() -> Path:
    """The file every report is appended to."""
    return data_dir() / LOG_NAME


def format_report(exc_type: type[BaseException], error: BaseException,
                  tb: TracebackType | None) -> str:
    """The report a bug needs: when, which versions, and the whole traceback."""
    when = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    lines = [
        f"{APP_NAME} {app_version()} - unexpected error at {when}",
        f"Python {platform.python_version()}, PySide6 {pyside_version}, {platform.platform()}",
        "",
        *traceback.format_exception(exc_type, error, tb),
    ]
    return "\n".join(line.rstrip("\n") for line in lines) + "\n"


def write_log(report: str, path: Path | None = None) -> Path:
    """Append `report` to the crash log (rotated once it is large); the file written."""
    path = path or crash_log_path()
    if path.exists() and path.stat().st_size > LOG_LIMIT_BYTES:
        path.replace(path.with_name(path.name + ".1"))
    with path.open("a", encoding="utf-8") as log:
        log.write(report + "\n")
    return path


class CrashDialog(QDialog):
    """The report, selectable, with Copy (to the clipboard) and Close; not modal, so the
    learner can go on using the window and come back to it."""

    def __init__(self, log_path: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{APP_NAME}: something went wrong")
        self.setModal(False)
        self.count = 0
        where = f"It was saved in {log_path}." if log_path else "It could not be saved to a file."
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.where = QLabel(f"{where} Your work is still open; you can go on with it.")
        self.where.setWordWrap(True)
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details.setMinimumSize(560, 260)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("Copy")
        self.copy_button.setToolTip("Copy the report to the clipboard, for a bug report")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.copy_button.clicked.connect(self.copy_report)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.details, 1)
        layout.addWidget(self.where)
        layout.addWidget(buttons)

    def add_report(self, report: str, error: BaseException) -> None:
        """Show one more report (the newest last)."""
        self.count += 1
        first = f"{type(error).__name__}: {error}".strip()
        self.summary.setText(
            f"The app hit an error it did not expect: {first}" if self.count == 1 else
            f"The app hit {self.count} errors it did not expect; the latest: {first}")
        if self.details.toPlainText():
            self.details.appendPlainText("-" * 72)
        self.details.appendPlainText(report)

    def report(self) -> str:
        return self.details.toPlainText()

    def copy_report(self) -> None:
        """Put the whole report on the clipboard."""
        QGuiApplication.clipboard().setText(self.report())


DialogFactory = Callable[[Path | None], CrashDialog]


class CrashHandler(QObject):
    """The sys.excepthook of the running app (see the module docstring)."""

    def __init__(self, dialog_factory: DialogFactory | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._factory = dialog_factory or self._default_dialog
        self.dialog: CrashDialog | None = None
        self.last_log: Path | None = None
        self._previous: Callable | None = None
        self._handling = False

    def install(self) -> None:
        """Become sys.excepthook (and threading's, for failures off the GUI thread)."""
        self._previous = sys.excepthook
        sys.excepthook = self.handle
        threading.excepthook = self._handle_thread

    def uninstall(self) -> None:
        if sys.excepthook == self.handle:
            sys.excepthook = self._previous or sys.__excepthook__
        if threading.excepthook == self._handle_thread:
            threading.excepthook = threading.__excepthook__

    def handle(self, exc_type: type[BaseException], error: BaseException,
               tb: TracebackType | None) -> None:
        """Log the failure, print it to stderr, and show it; never raise from here."""
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, error, tb)
            return
        report = format_report(exc_type, error, tb)
        print(report, file=sys.stderr)
        try:
            self.last_log = write_log(report)
        except OSError as log_error:
            self.last_log = None
            print(f"(the crash log could not be written: {log_error})", file=sys.stderr)
        if self._handling or not self._in_gui_thread():
            return  # a failure while showing a failure, or off the GUI thread: logged only
        self._handling = True
        try:
            if self.dialog is None:
                self.dialog = self._factory(self.last_log)
                self.dialog.finished.connect(self._on_dialog_finished)
            self.dialog.add_report(report, error)
            self.dialog.show()
            self.dialog.raise_()
        except Exception as dialog_error:  # noqa: BLE001 (the hook itself must never fail)
            print(f"(the error window could not be shown: {dialog_error!r})", file=sys.stderr)
        finally:
            self._handling = False

    def _handle_thread(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            self.handle(args.exc_type, args.exc_value, args.exc_traceback)

    def _on_dialog_finished(self, _result: int) -> None:
        """The learner closed the window: the next failure opens a fresh one."""
        self.dialog = None

    @staticmethod
    def _in_gui_thread() -> bool:
        app = QApplication.instance()
        return app is not None and QThread.currentThread() == app.thread()

    @staticmethod
    def _default_dialog(log_path: Path | None) -> CrashDialog:
        dialog = CrashDialog(log_path, QApplication.activeWindow())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        return dialog


def install_crash_handler(app: QApplication,
                          dialog_factory: DialogFactory | None = None) -> CrashHandler:
    """Install the hook for `app`'s lifetime (the handler is a child of the app)."""
    handler = CrashHandler(dialog_factory, parent=app)
    handler.install()
    return handler
