"""Time travel: a slider over the iterations run so far, at the bottom of the window.

Dragging it shows the whole lab (network, boundary, tables, plots) as it was at that
iteration; "Resume from here" trains on from there, dropping the later history after asking.

Keyframes are the trainable's state at iteration starts (its in-memory get_state, without the
printed log or history, which the latest state already holds): one per iteration the window
saw, thinned to at most MAX_KEYFRAMES (and a memory cap) by dropping every other one, always
keeping the first, the latest and those where the learner changed something. An iteration
between two keyframes is computed again from the earlier one: training is deterministic (the
random stream is part of the state), so the result is exact.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QObject, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSlider,
    QToolBar,
    QWidget,
)

from engine.files import state as state_codec
from engine.files.stacked_states import unstack_states
from engine.training.stepper import state_at_keyframe
from gui.shell.dialogs import ask_yes

# A long run must not grow the window by more than a few megabytes: the chapter-10 network
# with Adam keeps about 200 keyframes (11 KB each), and after 100,000 epochs a past epoch is
# then at most about 1,000 epochs of exact replay (0.2 s) from the keyframe before it.
MAX_KEYFRAMES = 500
MAX_BYTES = 2 * 2**20


def confirm_resume(parent: QWidget, shown: int, latest: int, word: str) -> bool:
    """Whether to drop the history after the shown iteration (module-level, so tests answer)."""
    return ask_yes(parent, "Resume from here",
                   f"Train on from {word} {shown}? The {latest - shown} later {word}s are dropped.",
                   no=QMessageBox.StandardButton.Cancel)


class Keyframes:
    """Trainable states at iteration starts, thinned to a bounded number."""

    def __init__(self, max_count: int = MAX_KEYFRAMES, max_bytes: int = MAX_BYTES):
        self.max_count = max_count
        self.max_bytes = max_bytes
        self.frames: dict[int, dict] = {}
        self.anchors: set[int] = set()  # never thinned: the learner changed something there

    def clear(self) -> None:
        self.frames.clear()
        self.anchors.clear()

    def add(self, iteration: int, state: dict, anchor: bool) -> None:
        """Keep `state` for `iteration`, forgetting any kept for later iterations (that future
        was stepped back over, reset or replaced)."""
        for later in [k for k in self.frames if k > iteration]:
            del self.frames[later]
            self.anchors.discard(later)
        self.frames[iteration] = state
        if anchor or len(self.frames) == 1:
            self.anchors.add(iteration)
        limit = min(self.max_count,
                    max(8, self.max_bytes // max(1, state_codec.state_nbytes(state))))
        if len(self.frames) > limit:
            self._thin()

    def _thin(self) -> None:
        """Drop every other keyframe that is neither an anchor nor the latest."""
        latest = max(self.frames)
        plain = [k for k in sorted(self.frames) if k not in self.anchors and k != latest]
        for k in plain[1::2] or plain:
            del self.frames[k]

    def restore(self, frames: dict[int, dict], anchors: set[int]) -> None:
        """Hold the keyframes a session saved (thinned as adding them one by one would)."""
        self.clear()
        self.frames.update(sorted(frames.items()))
        self.anchors.update(anchor for anchor in anchors if anchor in self.frames)
        if self.frames:
            sample = next(iter(self.frames.values()))
            limit = min(self.max_count,
                        max(8, self.max_bytes // max(1, state_codec.state_nbytes(sample))))
            while len(self.frames) > limit and len(self.frames) > len(self.anchors) + 1:
                self._thin()

    def before(self, iteration: int) -> tuple[int, dict] | None:
        """The latest keyframe at or before `iteration`."""
        kept = [k for k in self.frames if k <= iteration]
        return (max(kept), self.frames[max(kept)]) if kept else None


class Timeline(QObject):
    """Follows the active lab's controller: records keyframes, shows past iterations."""

    # (shown iteration, latest iteration, first iteration) for the slider
    changed = Signal(int, int, int)

    def __init__(self, labs: Mapping[str, Any], parent: QObject | None = None):
        super().__init__(parent)
        self.labs = labs
        self.keyframes: dict[int, Keyframes] = {}  # id(controller) -> its keyframes
        self._seen: dict[int, tuple] = {}  # id(controller) -> (trainable id, iteration, pos, ver)
        self.latest: dict[int, int] = {}
        self._watched: set[int] = set()

    def watch_new_labs(self) -> None:
        for lab in self.labs.values():
            controller = lab.controller
            if id(controller) in self._watched:
                continue
            self._watched.add(id(controller))
            self.keyframes[id(controller)] = Keyframes()
            controller.snapshot_changed.connect(
                lambda snapshot, controller=controller:
                self._on_controller_snapshot_changed(controller, snapshot))
            controller.session_replaced.connect(
                lambda controller=controller: self._on_controller_session_replaced(controller))
            if controller.snapshot is not None:
                self._on_controller_snapshot_changed(controller, controller.snapshot)

    def controller(self) -> Any | None:
        lab = next((lab for lab in self.labs.values() if lab.active), None)
        return lab.controller if lab is not None else None

    def _on_controller_session_replaced(self, controller: Any) -> None:
        """A new session in that lab: its keyframes belong to the old one."""
        self.keyframes[id(controller)].clear()
        self._seen.pop(id(controller), None)

    def _on_controller_snapshot_changed(self, controller: Any, snapshot: Any) -> None:
        """Record the state at each iteration start the window sees."""
        key = id(controller)
        frames = self.keyframes[key]
        if not controller.viewing_past:
            trainable = controller.stepper.trainable
            previous = self._seen.get(key)
            if previous is not None and previous[0] != id(trainable):
                frames.clear()  # rebuilt on new data: earlier keyframes belong to other data
            if snapshot.position == 0:
                # An anchor where the learner changed something: the same iteration start
                # again with a new version, or an iteration that was stepped through.
                anchor = previous is None or previous[0] != id(trainable) or (
                    previous[1] == snapshot.iteration and previous[3] != controller.version
                ) or previous[2] != 0
                frames.add(snapshot.iteration, trainable.capture_state(), anchor)
            self._seen[key] = (id(trainable), snapshot.iteration, snapshot.position,
                               controller.version)
            self.latest[key] = snapshot.iteration
        if controller is self.controller():
            first = min(frames.frames) if frames.frames else snapshot.iteration
            self.changed.emit(snapshot.iteration, self.latest.get(key, snapshot.iteration),
                              first)

    def saved_parts(self, controller: Any) -> dict:
        """The keyframes of `controller`'s session, for its saved copy (SessionCopy.take's
        keyframes and anchors; the states are shared: a keyframe never changes)."""
        frames = self.keyframes.get(id(controller))
        if frames is None:
            return {}
        return {"keyframes": dict(frames.frames), "anchors": set(frames.anchors)}

    def restore_saved(self, controller: Any, saved: dict | None) -> None:
        """Give `controller`'s timeline the keyframes an opened session saved (its timeline
        part, checked when the file was loaded), so the slider reaches back as it did."""
        if saved is None or id(controller) not in self.keyframes:
            return
        states = unstack_states(state_codec.decode(saved["groups"]))
        self.keyframes[id(controller)].restore(dict(zip(saved["iterations"], states,
                                                        strict=True)),
                                               set(saved["anchors"]))
        self.refresh()

    def refresh(self) -> None:
        """Tell the bar where the active lab stands."""
        controller = self.controller()
        if controller is not None and controller.snapshot is not None:
            self._on_controller_snapshot_changed(controller, controller.snapshot)

    def show_iteration(self, iteration: int) -> None:
        """Show the lab as it was after `iteration` iterations (the latest: back to it)."""
        controller = self.controller()
        if controller is None:
            return
        latest = self.latest.get(id(controller), 0)
        if iteration >= latest:
            controller.return_to_present()
            return
        found = self.keyframes[id(controller)].before(iteration)
        if found is None:
            return
        start, frame = found
        state = state_at_keyframe(controller.present_state(), start, frame)
        word = controller.epoch_word
        notice = (f"Showing {word} {iteration} of {latest} (the past): Resume from here "
                  "trains on from it; the slider's end returns to the latest.")
        controller.show_past(state, iteration - start, notice)

    def resume(self, parent: QWidget) -> bool:
        """Train on from the iteration shown, after the learner confirms."""
        controller = self.controller()
        if controller is None or not controller.viewing_past:
            return False
        shown, latest = controller.stepper.iteration, self.latest.get(id(controller), 0)
        word = controller.epoch_word
        if not confirm_resume(parent, shown, latest, word):
            return False
        controller.resume_from_past()
        return True

    def compare_from_here(self) -> None:
        """A compared run from the iteration shown (a classification lab's controller)."""
        controller = self.controller()
        if hasattr(controller, "compare_from_here") and controller.viewing_past:
            controller.compare_from_here()


class TimelineBar(QWidget):
    """The slider with its reading and the Resume button."""

    # (iteration) the slider was moved by the learner
    iteration_chosen = Signal(int)
    # (no payload) Resume from here was clicked
    resume_requested = Signal()
    # (no payload) Compare from here was clicked
    compare_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = QLabel("Timeline")
        self.title.setStyleSheet("font-weight: 600;")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # arrows stay the window's keys
        self.slider.setToolTip("Drag to see the network as it was at an earlier iteration")
        self.reading = QLabel("no iteration yet")
        self.reading.setMinimumWidth(self.reading.fontMetrics().horizontalAdvance(
            "iteration 100000 of 100000 (the past)") + 8)
        self.resume_button = QPushButton("Resume from here")
        self.resume_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.resume_button.setToolTip("Train on from the iteration shown; later ones are dropped")
        self.resume_button.setEnabled(False)
        self.compare_button = QPushButton("Compare from here")
        self.compare_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.compare_button.setToolTip("A compared run from the iteration shown, to change a "
                                       "setting in (classification lab)")
        self.compare_button.setEnabled(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 2, 8, 2)
        layout.addWidget(self.title)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.reading)
        layout.addWidget(self.resume_button)
        layout.addWidget(self.compare_button)
        self.slider.valueChanged.connect(self._on_slider_value_changed)
        self.resume_button.clicked.connect(self.resume_requested)
        self.compare_button.clicked.connect(self.compare_requested)

    def set_range(self, shown: int, latest: int, first: int, word: str,
                  can_compare: bool = False) -> None:
        """Show iteration `shown` of first..latest, without echoing iteration_chosen."""
        with QSignalBlocker(self.slider):
            self.slider.setRange(first, max(first, latest))
            self.slider.setValue(shown)
        self.slider.setEnabled(latest > first)  # nothing to travel to yet
        past = shown < latest
        self.reading.setText(f"{word} {shown} of {latest}" + (" (the past)" if past else ""))
        self.resume_button.setEnabled(past)
        self.compare_button.setEnabled(past and can_compare)

    def _on_slider_value_changed(self, value: int) -> None:
        """The learner dragged the slider."""
        self.iteration_chosen.emit(value)


def _add_keys(window: QMainWindow, timeline: Timeline, bar: TimelineBar) -> None:
    """The bar's controls as keys, so a recording needs no mouse: one iteration back or
    forward along the timeline, and Resume from here."""

    def _move(by: int) -> None:
        slider = bar.slider
        if slider.isEnabled():
            slider.setValue(max(slider.minimum(), min(slider.maximum(), slider.value() + by)))

    for text, keys, slot in (
            ("Timeline: one iteration &back", "Ctrl+Left", lambda: _move(-1)),
            ("Timeline: one iteration &forward", "Ctrl+Right", lambda: _move(1)),
            ("&Resume from here", "Ctrl+Return", lambda: timeline.resume(window))):
        action = QAction(text, window)
        action.setShortcut(QKeySequence(keys))
        action.triggered.connect(slot)
        window.add_menu_action("Run", action)


def install_timeline(window: QMainWindow, labs: Mapping[str, Any]) -> Timeline:
    """The timeline as a full-width bar at the bottom of `window`, following the active lab."""
    timeline = Timeline(labs, window)
    bar = TimelineBar()
    toolbar = QToolBar("Timeline", window)
    toolbar.setObjectName("timeline_bar")
    toolbar.addWidget(bar)
    window.addToolBar(Qt.ToolBarArea.BottomToolBarArea, toolbar)
    # The start page has no iterations to travel through: the bar appears with the first lab.
    toolbar.hide()

    def _on_window_first_scenario_requested(_name: str) -> None:
        """Show the bar once a lab opens; from then on the View menu decides."""
        window.scenario_requested.disconnect(_on_window_first_scenario_requested)
        toolbar.show()

    window.scenario_requested.connect(_on_window_first_scenario_requested)
    toggle = toolbar.toggleViewAction()
    toggle.setText("&Timeline")
    toggle.setShortcut(QKeySequence("Ctrl+Shift+T"))
    window.add_menu_action("View", toggle)
    timeline.bar = bar

    def _on_timeline_changed(shown: int, latest: int, first: int) -> None:
        controller = timeline.controller()
        word = controller.epoch_word if controller is not None else "iteration"
        can_compare = controller is not None and getattr(controller, "model", None) is not None
        bar.set_range(shown, latest, first, word, can_compare)

    timeline.changed.connect(_on_timeline_changed)
    bar.iteration_chosen.connect(timeline.show_iteration)
    bar.resume_requested.connect(lambda: timeline.resume(window))
    _add_keys(window, timeline, bar)
    bar.compare_requested.connect(timeline.compare_from_here)
    window.scenario_requested.connect(lambda _name: timeline.watch_new_labs())
    # Once the labs have swapped (the one stepping aside hears the request last), show the
    # active lab's timeline.
    window.scenario_requested.connect(lambda _name: QTimer.singleShot(0, timeline.refresh))
    return timeline
