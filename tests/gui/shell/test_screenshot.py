"""Screenshots: the asked size, and a real picture rather than an empty grey rectangle."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QFontDatabase, QImage
from PySide6.QtWidgets import QLabel

from engine.files import atomic
from gui.shell.main_window import MainWindow
from gui.shell.screenshot import WindowSizeError, save_screenshot
from gui.shell.settings import SETTINGS_ENV
from gui.shell.start_page import StartPage
from gui.shell.theme import DARK, LIGHT
from tests.full_disk import fill_disk

ROOT = Path(__file__).resolve().parents[3]



def pixels(path: Path) -> np.ndarray:
    """(height, width, 3) RGB values of a PNG."""
    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB888)
    assert not image.isNull()
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1)
    # Copied: the buffer belongs to `image`, which is gone once this returns.
    return rows[:, : image.width() * 3].reshape(image.height(), image.width(), 3).copy()


def assert_looks_like_a_window(rgb: np.ndarray) -> None:
    """Many colours (text is anti-aliased, the icon has gradients), and text that stands out
    from the background: some pixels, but not most, far from the commonest colour."""
    colours, counts = np.unique(rgb.reshape(-1, 3), axis=0, return_counts=True)
    assert len(colours) > 50
    background = colours[counts.argmax()].astype(int)
    contrasting = (np.abs(rgb.astype(int) - background).max(axis=2) > 100).mean()
    assert 0.001 < contrasting < 0.5


def test_text_is_drawn_in_an_installed_font(qtbot):
    """Without any font Qt draws every letter as an empty box, and screenshots show nonsense."""
    label = QLabel("Backprop Playground")
    qtbot.addWidget(label)
    assert QFontDatabase.families()
    assert label.fontInfo().family() in QFontDatabase.families()


def test_save_screenshot_writes_the_asked_size(qtbot, tmp_path):
    window = MainWindow()
    qtbot.addWidget(window)
    window.set_central(StartPage([("neuron", "Single neuron", "hand")], window.windowIcon()))
    target = tmp_path / "window.png"
    save_screenshot(window, target, (900, 560))
    rgb = pixels(target)
    assert rgb.shape == (560, 900, 3)
    assert_looks_like_a_window(rgb)


def test_a_size_the_window_cannot_take_is_refused_not_squeezed(qtbot, tmp_path):
    window = MainWindow()
    qtbot.addWidget(window)
    window.setMinimumSize(700, 500)
    target = tmp_path / "window.png"
    with pytest.raises(WindowSizeError, match="cannot be 600x400: .* at least 700x500"):
        save_screenshot(window, target, (600, 400))
    assert not target.exists()


def run_main(tmp_path: Path, *options: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", SETTINGS_ENV: str(tmp_path / "s.ini")}
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *options],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def screenshot_from_the_command_line(tmp_path: Path, *options: str) -> np.ndarray:
    target = tmp_path / "shot.png"
    result = run_main(tmp_path, "--screenshot", str(target), *options)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # the offscreen platform's expected warnings are kept quiet
    assert target.read_bytes().startswith(b"\x89PNG")
    assert not (tmp_path / "s.ini").exists()  # a screenshot neither reads nor writes settings
    return pixels(target)


def commonest_colour(rgb: np.ndarray) -> str:
    colours, counts = np.unique(rgb.reshape(-1, 3), axis=0, return_counts=True)
    return "#{:02x}{:02x}{:02x}".format(*colours[counts.argmax()])


def test_command_line_screenshot_is_a_png_of_the_asked_size(tmp_path):
    rgb = screenshot_from_the_command_line(tmp_path, "--size", "1024x640")
    assert rgb.shape == (640, 1024, 3)
    assert_looks_like_a_window(rgb)
    assert commonest_colour(rgb) == LIGHT.window


def test_dark_screenshot_of_a_scenario_defaults_to_1600x1000(tmp_path):
    rgb = screenshot_from_the_command_line(tmp_path, "--dark", "--scenario", "neuron")
    assert rgb.shape == (1000, 1600, 3)
    assert_looks_like_a_window(rgb)
    assert commonest_colour(rgb) in (DARK.window, DARK.panel)


def test_command_line_refuses_a_screenshot_too_small_for_the_lab(tmp_path):
    target = tmp_path / "shot.png"
    result = run_main(tmp_path, "--scenario", "neuron", "--size", "400x300", "--screenshot",
                      str(target))
    assert result.returncode == 2
    assert result.stderr.startswith("error: the window cannot be 400x300")
    assert not target.exists()


def test_a_720p_screenshot_with_large_text_from_the_command_line(tmp_path):
    rgb = screenshot_from_the_command_line(tmp_path, "--scenario", "spiral", "--large-text",
                                           "--size", "1280x720")
    assert rgb.shape == (720, 1280, 3)
    assert_looks_like_a_window(rgb)


def test_a_screenshot_at_scale_2_is_drawn_at_twice_the_resolution(tmp_path):
    """Not a 1x picture blown up: in a blown-up one each 2x2 block of pixels holds one colour
    or a blend of two neighbours (measured: 0.2% of blocks span more than 80 levels, against
    about 5% drawn at twice the resolution)."""
    rgb = screenshot_from_the_command_line(tmp_path, "--scenario", "neuron", "--size",
                                           "800x500", "--scale", "2")
    assert rgb.shape == (1000, 1600, 3)
    blocks = rgb.astype(int).reshape(500, 2, 800, 2, 3)
    spread = blocks.max(axis=(1, 3)) - blocks.min(axis=(1, 3))
    assert (spread.max(axis=2) > 80).mean() > 0.01


def test_command_line_refuses_a_screenshot_into_a_missing_folder(tmp_path):
    result = run_main(tmp_path, "--screenshot", str(tmp_path / "gone" / "shot.png"))
    assert result.returncode == 2
    assert result.stderr.startswith("error: cannot write shot.png: the folder ")
    assert "gone does not exist" in result.stderr


def test_a_screenshot_on_a_full_disk_keeps_the_earlier_picture(qtbot, tmp_path, monkeypatch):
    window = MainWindow()
    qtbot.addWidget(window)
    target = tmp_path / "window.png"
    save_screenshot(window, target, (900, 560))
    earlier = target.read_bytes()
    fill_disk(monkeypatch, atomic, room=len(earlier) // 2)
    with pytest.raises(OSError, match="window.png: the disk is full"):
        save_screenshot(window, target, (800, 500))
    assert target.read_bytes() == earlier
    assert sorted(tmp_path.iterdir()) == [target]
