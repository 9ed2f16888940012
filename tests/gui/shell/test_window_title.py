"""The window title has one owner: the scenario, the file and the '*' come out right whatever
order their tellers are told or connected in, and at once (no turn of the event loop)."""

from itertools import permutations

import pytest
from PySide6.QtWidgets import QWidget

from gui.labs.classification.lab import install_classification_lab
from gui.labs.hand.lab import install_hand_lab
from gui.shell.main_window import MainWindow
from gui.shell.window_title import WindowTitle
from gui.tutorial.session_actions import install_session_actions

APP = "Backprop Playground"
INSTALLERS = {"neuron": install_hand_lab, "spiral": install_classification_lab}
TITLES = {"neuron": "Single neuron", "layer": "Layer of 3 neurons",
          "spiral": "Spiral (book chapter 10, Adam)"}


@pytest.mark.parametrize("order", list(permutations(("scenario", "file", "modified"))))
def test_the_pieces_make_one_title_in_any_order(qtbot, order):
    widget = QWidget()
    qtbot.addWidget(widget)
    title = WindowTitle(widget)
    assert widget.windowTitle() == APP
    tell = {"scenario": lambda: title.set_scenario("Single neuron"),
            "file": lambda: title.set_file("run.json"),
            "modified": lambda: title.set_modified(True)}
    for piece in order:
        tell[piece]()
    assert widget.windowTitle() == f"run.json[*] - Single neuron - {APP}"
    assert widget.isWindowModified()
    title.set_file(None)
    assert widget.windowTitle() == f"Single neuron[*] - {APP}"
    title.set_modified(False)
    assert not widget.isWindowModified()


def test_without_a_scenario_the_title_is_the_apps_and_a_modified_flag_waits(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    title = WindowTitle(widget)
    title.set_modified(True)  # nowhere to show a '*' yet: Qt would warn if it were set
    title.set_file("run.json")
    assert widget.windowTitle() == APP and not widget.isWindowModified()
    title.set_scenario("Spiral")
    assert widget.windowTitle() == f"run.json[*] - Spiral - {APP}" and widget.isWindowModified()


def window_with(qtbot, first: str, sessions_first: bool):
    """A window with both labs and the session actions, connected in the order asked for."""
    window = MainWindow(settings=None)
    qtbot.addWidget(window)
    sessions = install_session_actions(window) if sessions_first else None
    INSTALLERS[first](window, first)
    other = "spiral" if first == "neuron" else "neuron"
    INSTALLERS[other](window, other)
    if sessions is None:
        sessions = install_session_actions(window)
    return window, sessions


@pytest.mark.parametrize("sessions_first", [True, False])
@pytest.mark.parametrize("first", ["neuron", "spiral"])
def test_the_title_follows_the_lab_on_screen_whatever_the_connection_order(
        qtbot, tmp_path, first, sessions_first):
    window, sessions = window_with(qtbot, first, sessions_first)
    other = "spiral" if first == "neuron" else "neuron"
    assert window.windowTitle() == f"{TITLES[other]}[*] - {APP}"
    window.active_lab().controller.run_iterations(2)
    assert window.windowTitle() == f"{TITLES[other]}[*] - {APP}" and window.isWindowModified()
    assert sessions.save_to(tmp_path / "run.json", wait=True)
    assert window.windowTitle() == f"run.json[*] - {TITLES[other]} - {APP}"
    assert not window.isWindowModified()
    # The lab on screen is running when the learner switches: stepping aside, it pauses and
    # sends one more snapshot, which must not bring its title back.
    window.active_lab().controller.set_running(True)
    window.scenario_requested.emit("layer")
    assert window.windowTitle() == f"{TITLES['layer']}[*] - {APP}"
    assert not window.isWindowModified()
    window.scenario_requested.emit("spiral")
    assert window.windowTitle() == f"{TITLES['spiral']}[*] - {APP}"
    window.active_lab().controller.step()
    assert window.isWindowModified()
    window.scenario_requested.emit("neuron")
    assert window.windowTitle() == f"{TITLES['neuron']}[*] - {APP}"
    # The neuron comes back as it was left: untouched, or (when it was the lab on screen at
    # first) with its 2 iterations, which count as unsaved once its file is no longer named.
    assert window.isWindowModified() == (other == "neuron")
