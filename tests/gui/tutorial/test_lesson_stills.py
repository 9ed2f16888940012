"""Stills from the command line, as a course video's frame or a take's last picture:
`--lesson neuron --lesson-step 3 --screenshot` shows the step's caption in its strip and the ring
around what the step points at; `--replay TAKE --screenshot` shows where the take ended, not the
start page."""

import numpy as np
from PySide6.QtCore import QPoint, QRectF

from engine.files.lesson_library import load_named
from engine.files.session import save_session
from gui.shell.theme import LIGHT
from gui.tutorial.lesson_overlay import RING_COLOUR, RING_PAD_PX
from gui.tutorial.lessons import show_lesson
from gui.tutorial.recording import active_controller
from tests.gui.shell.test_screenshot import pixels, run_main
from tests.gui.tutorial.lesson_helpers import lessons_of, open_window
from tests.gui.tutorial.test_replay import record_a_take

SIZE = (1920, 1080)


def screenshot(tmp_path, *options) -> np.ndarray:
    target = tmp_path / "still.png"
    result = run_main(tmp_path, *options, "--size", f"{SIZE[0]}x{SIZE[1]}",
                      "--screenshot", str(target))
    assert result.returncode == 0, result.stderr
    rgb = pixels(target)
    assert rgb.shape == (SIZE[1], SIZE[0], 3)
    return rgb.astype(int)


def near(rgb: np.ndarray, colour: str, within: int = 30) -> np.ndarray:
    wanted = np.array([int(colour[k:k + 2], 16) for k in (1, 3, 5)])
    return np.abs(rgb - wanted).max(axis=2) < within


def box_of(mask: np.ndarray) -> QRectF:
    ys, xs = np.nonzero(mask)
    return QRectF(xs.min(), ys.min(), xs.max() - xs.min() + 1, ys.max() - ys.min() + 1)


def test_a_lesson_step_from_the_command_line_shows_its_caption_and_its_ring(qtbot, tmp_path):
    rgb = screenshot(tmp_path, "--lesson", "neuron", "--lesson-step", "3")
    # Where the window, laid out alike, puts the ReLU box the step rings and the strip.
    window = open_window(qtbot, size=SIZE)
    show_lesson(window, load_named("neuron"), 2, still=True)
    lab = window.active_lab()
    relu = lab.diagram.part_box("relu", (0,)).translated(lab.diagram.mapTo(window, QPoint(0, 0)))
    strip = lessons_of(window).tour.strip.strip_rect()

    ring = near(rgb, RING_COLOUR)
    assert ring.sum() > 300
    around = relu.adjusted(-3 * RING_PAD_PX, -3 * RING_PAD_PX, 3 * RING_PAD_PX, 3 * RING_PAD_PX)
    assert around.contains(box_of(ring))  # one ring, around the ReLU box and nowhere else
    assert box_of(ring).contains(relu.center())
    inside = rgb[round(strip.top()) + 4:round(strip.bottom()) - 4,
                 round(strip.left()) + 14:round(strip.right()) - 14]
    assert near(inside, LIGHT.panel, 8).mean() > 0.8  # the strip, over the plots behind it
    assert near(inside, LIGHT.text, 60).sum() > 500  # with a caption written in it
    # The rest of the window is dimmed around the ring: the panel colour is darker outside.
    assert not near(rgb[100:140, 700:1400], LIGHT.panel, 8).any()


def test_a_replayed_take_screenshot_shows_where_the_take_ended(qtbot, tmp_path, monkeypatch):
    live, path = record_a_take(qtbot, tmp_path, monkeypatch)
    controller = active_controller(live)
    assert controller.scenario == "layer"
    ended = tmp_path / "ended.json"
    save_session(ended, controller.capture_session())
    start_page = screenshot(tmp_path)
    replayed = screenshot(tmp_path, "--replay", str(path))
    expected = screenshot(tmp_path, str(ended))  # the take's last state, opened as a session
    body = slice(30, SIZE[1] - 40)  # the menus and the status bar's message left out
    same = np.abs(replayed[body] - expected[body]).max(axis=2) < 40
    assert same.mean() > 0.99  # the layer of three as the take left it
    not_the_start_page = np.abs(replayed[body] - start_page[body]).max(axis=2) >= 40
    assert not_the_start_page.mean() > 0.05
