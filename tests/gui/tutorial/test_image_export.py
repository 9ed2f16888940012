"""File > Export: a plot to PNG and SVG, the whole window to PNG, as a learner asks for them."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog

from gui.shell.app import build_window
from gui.tutorial.image_export import export_plot, is_svg, plot_name, plot_views


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
