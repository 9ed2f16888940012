"""SIGTERM and SIGINT (logging out, Ctrl+C in the terminal) quit the app cleanly.

Without a handler, Ctrl+C in the terminal did nothing until the window next ran Python code,
and SIGTERM killed the app on the spot: its crash marker stayed, and the next start offered
the work back as if it had crashed. Python runs a signal handler only between bytecodes, and
while Qt's event loop waits in C no bytecode runs; so the signal's arrival is also written to a
socket (signal.set_wakeup_fd) that a QSocketNotifier watches, which wakes the event loop, the
handler runs, and the window closes the way File > Quit closes it, minus the questions: the
save in flight is finished, the session autosaved, the marker removed.
"""

from __future__ import annotations

import contextlib
import signal
import socket

from PySide6.QtCore import QObject, QSocketNotifier, QTimer
from PySide6.QtWidgets import QMainWindow

QUIT_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class QuitSignals(QObject):
    """While alive, QUIT_SIGNALS close `window` cleanly (which quits the application)."""

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.window = window
        self.received: list[int] = []
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno())
        self._previous = {number: signal.signal(number, self._on_signal)
                          for number in QUIT_SIGNALS}
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_notifier_activated)
        self.destroyed.connect(self.uninstall)
        window.destroyed.connect(self.uninstall)

    def uninstall(self) -> None:
        """Give the signals back to whoever had them (once)."""
        if self._previous is None:
            return
        for number, handler in self._previous.items():
            signal.signal(number, handler)
        signal.set_wakeup_fd(self._previous_fd)
        self._previous = None
        self._notifier.setEnabled(False)
        for end in (self._reader, self._writer):
            end.close()

    def _on_notifier_activated(self) -> None:
        """A signal arrived while Qt waited: the Python handler has run by now; empty the
        socket so the notifier quiets."""
        with contextlib.suppress(OSError):
            while self._reader.recv(64):
                pass

    def _on_signal(self, number: int, _frame: object) -> None:
        """Close the window from the event loop (not from inside whatever was running)."""
        self.received.append(number)
        QTimer.singleShot(0, self._quit)

    def _quit(self) -> None:
        from gui.tutorial.session_actions import SessionActions

        sessions = self.window.findChild(SessionActions)
        if sessions is not None:
            sessions.quitting = True
        self.window.close()  # the last window closed quits the application


def install_quit_signals(window: QMainWindow) -> QuitSignals:
    """Make SIGTERM and SIGINT quit cleanly while `window` runs."""
    return QuitSignals(window)
