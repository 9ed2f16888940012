"""A lesson's steps played by the engine on another thread, so the window never freezes.

The engine's player (engine/files/lesson_player.py) is pure numpy and keeps to its own Steppers;
playing a step that trains takes seconds. Here one worker thread plays the steps asked for, in
the order asked, and each result comes back to the window's thread as a signal. Steps already
played come back at once.
"""

from __future__ import annotations

import threading
from collections import deque

from PySide6.QtCore import QObject, Signal

from engine.files.lesson_player import LessonPlayer, PlayedStep


class LessonWorker(QObject):
    """Plays `player`'s steps off the window's thread."""

    # (step number, PlayedStep) a step is played (in the window's thread, like any signal)
    played = Signal(int, object)
    # (step number, message) a step could not be played
    failed = Signal(int, str)

    def __init__(self, player: LessonPlayer, parent: QObject | None = None):
        super().__init__(parent)
        self.player = player
        self.results: dict[int, PlayedStep] = {}
        self._wanted: deque[int] = deque()
        self._queue_lock = threading.Lock()  # guards _wanted
        self._player_lock = threading.Lock()  # one play at a time: the player is not shared
        self._wake = threading.Event()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="lesson-player", daemon=True)
        self._thread.start()
        self.destroyed.connect(self._stop)

    def request(self, number: int) -> None:
        """Play step `number` (and those it starts from) unless played or asked for already."""
        if number in self.results:
            self.played.emit(number, self.results[number])
            return
        with self._queue_lock:
            if number not in self._wanted:
                self._wanted.append(number)
        self._wake.set()

    def play_now(self, number: int) -> PlayedStep:
        """Step `number`, played on this thread (a screenshot at start-up waits for it)."""
        with self._player_lock:
            played = self.player.play(number)
        self.results[number] = played
        return played

    def stop(self) -> None:
        """No more steps: the thread ends after the one it is playing."""
        self._stop()

    def _stop(self, *_args) -> None:
        self._stopped = True
        self._wake.set()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            if self._stopped:
                return
            with self._queue_lock:
                number = self._wanted.popleft() if self._wanted else None
                if number is None:
                    self._wake.clear()
                    continue
            with self._player_lock:
                try:
                    played, problem = self.player.play(number), ""
                except Exception as error:  # the lesson goes on; the window says why
                    played, problem = None, f"{type(error).__name__}: {error}"
            if self._stopped:
                return
            self._report(number, played, problem)

    def _report(self, number: int, played: PlayedStep | None, problem: str) -> None:
        try:
            if played is None:
                self.failed.emit(number, problem)
            else:
                self.results[number] = played
                self.played.emit(number, played)
        except RuntimeError:
            return  # the window was closed while the step played
