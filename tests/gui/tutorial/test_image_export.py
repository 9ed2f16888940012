"""File > Export: a plot to PNG and SVG, the whole window to PNG, as a learner asks for them."""

import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog

from engine.files import atomic
from gui.shell.app import build_window
from gui.tutorial import image_export
from gui.tutorial.image_export import export_plot, is_svg, plot_name, plot_views
from tests.full_disk import fill_disk


def open_window(qtbot, scenario="neuron"):
    window = build_window(scenario)
    qtbot.addWidget(window)
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_a_plot_exports_as_png_of_its_size_and_as_svg(qtbot, tmp_path):
    window = open_window(qtbot)
    view = next(v for v in plot_views(window) if plot_name(v) == "Loss per iteration")
    png = export_plot(view, tmp_path / "loss.png")
    image = QImage(str(png))
    assert not image.isNull()
    assert image.width() == round(view.centralWidget.boundingRect().width())
    assert image.height() > 0
    assert is_svg(export_plot(view, tmp_path / "loss.svg"))


def test_file_export_saves_the_plot_last_clicked_and_the_window(qtbot, tmp_path, monkeypatch):
    window = open_window(qtbot)
    view = next(v for v in plot_views(window) if plot_name(v) == "Loss along the selected weight")
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton)
    target = tmp_path / "along"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (str(target), ""))
    exporter = window.tools.plot_export
    assert exporter.menu.menuAction() in window.menu("File").actions()
    exporter.actions["plot_svg"].trigger()
    assert is_svg(tmp_path / "along.svg")
    exporter.actions["window_png"].trigger()
    image = QImage(str(tmp_path / "along.png"))
    assert (image.width(), image.height()) == (window.width(), window.height())
    assert window.statusBar().currentMessage().startswith("Saved")


def export_through_the_menu(window, monkeypatch, action: str, target) -> str:
    """File > Export > `action` saved to `target`; what the status bar said."""
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (str(target), ""))
    window.tools.plot_export.actions[action].trigger()
    return window.statusBar().currentMessage()


@pytest.mark.parametrize(("action", "name"), [("plot_png", "loss.png"), ("plot_svg", "loss.svg"),
                                              ("window_png", "window.png")])
def test_an_export_on_a_full_disk_says_so_and_keeps_the_earlier_file(qtbot, tmp_path,
                                                                     monkeypatch, action, name):
    window = open_window(qtbot)
    view = next(v for v in plot_views(window) if plot_name(v) == "Loss per iteration")
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton)
    target = tmp_path / name
    assert export_through_the_menu(window, monkeypatch, action, target) == f"Saved {target}"
    earlier = target.read_bytes()
    disk = fill_disk(monkeypatch, atomic, room=len(earlier) // 2)

    said = export_through_the_menu(window, monkeypatch, action, target)

    assert disk.refused == 1
    assert said == f"Could not export: cannot write {name}: the disk is full"
    assert target.read_bytes() == earlier
    assert sorted(tmp_path.iterdir()) == [target]  # no temporary file left behind


def test_an_export_to_a_read_only_folder_is_refused_before_drawing(qtbot, tmp_path,
                                                                   monkeypatch):
    window = open_window(qtbot)
    folder = tmp_path / "handouts"
    folder.mkdir()
    folder.chmod(0o555)
    drawn = []
    monkeypatch.setattr(image_export, "png_bytes", lambda image: drawn.append(image) or b"")
    try:
        said = export_through_the_menu(window, monkeypatch, "window_png", folder / "w.png")
    finally:
        folder.chmod(0o755)
    assert said == f"Could not export: cannot write w.png: the folder {folder} is read-only"
    assert drawn == [] and list(folder.iterdir()) == []


def test_an_svg_without_qts_svg_module_says_to_export_a_png(qtbot, tmp_path, monkeypatch):
    """The standalone bundle leaves QtSvg out (packaging/backprop-playground.spec)."""
    window = open_window(qtbot)
    view = next(v for v in plot_views(window) if plot_name(v) == "Loss per iteration")
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton)
    monkeypatch.setitem(sys.modules, "PySide6.QtSvg", None)  # import fails as in the bundle
    said = export_through_the_menu(window, monkeypatch, "plot_svg", tmp_path / "loss.svg")
    assert said.startswith("Could not export: SVG needs Qt's SVG module")
    assert list(tmp_path.iterdir()) == []
