"""File > Export: any plot as PNG or SVG, and the whole window as PNG, for handouts and slides.

PNGs are drawn by pyqtgraph's exporter, SVGs by Qt's SVG generator, so an SVG keeps its lines as
vectors (pyqtgraph is imported when first used: the start page loads none). Either is encoded in
memory and written by engine.files.atomic, so a failed export never leaves half a picture where
one was. Which plot File > Export means is the one the learner last clicked; before any click, a
chooser lists the plots on screen. A right click on a plot offers the same two entries: inside
pyqtgraph's menu where a plot has one, in a small menu of their own where the plot switched
pyqtgraph's off.
"""

from __future__ import annotations

import errno
import sys
import weakref
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree import ElementTree

from PySide6.QtCore import QBuffer, QEvent, QIODevice, QObject, Qt
from PySide6.QtGui import QAction, QImage, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QMainWindow,
    QMenu,
    QWidget,
)

from engine.files.atomic import check_writable, write_atomically
from gui.shell.about import plain_text

if TYPE_CHECKING:
    import pyqtgraph as pg

STATUS_MS = 10_000
FORMATS = {"png": "PNG image (*.png)", "svg": "SVG drawing (*.svg)"}


def plot_views(window: QMainWindow) -> list[pg.GraphicsView]:
    """Every pyqtgraph view on screen in `window`, in widget-tree order."""
    if "pyqtgraph" not in sys.modules:
        return []  # no lab opened yet: no plot either
    import pyqtgraph as pg

    return [view for view in window.findChildren(pg.GraphicsView) if view.isVisible()]


def plot_name(view: pg.GraphicsView) -> str:
    """What the learner calls the plot: its panel's title, or "Central view" for the middle."""
    widget: QWidget | None = view
    while widget is not None and not isinstance(widget, QDockWidget):
        widget = widget.parentWidget()
    return plain_text(widget.windowTitle()) if widget is not None else "Central view"


def export_plot(view: pg.GraphicsView, path: str | Path) -> Path:
    """Write the plot shown in `view` to `path`, PNG or SVG by its suffix; the PNG has the
    plot's size on screen in device pixels. FileWriteError (an OSError) if it cannot be
    written, checked before drawing; the file that was there is then untouched."""
    import pyqtgraph.exporters as exporters

    path = Path(path)
    item = view.centralWidget  # the PlotItem, or the layout of several plots
    suffix = path.suffix.lower()
    if suffix not in (".png", ".svg"):
        raise ValueError(f"cannot export a plot as {suffix or 'a file without a suffix'}: "
                         "choose .png or .svg")
    check_writable(path)
    if suffix == ".svg":
        data = _svg_bytes(view, item)
    else:
        exporter = exporters.ImageExporter(item)
        ratio = view.devicePixelRatioF()
        exporter.parameters()["width"] = max(1, round(item.boundingRect().width() * ratio))
        data = png_bytes(exporter.export(toBytes=True))
    write_atomically(path, data)
    return path


def _svg_bytes(view, item) -> bytes:
    """The item's scene area painted into an SVG. (pyqtgraph's SVGExporter cannot parse the
    path data Qt 6.11 writes, so Qt's own SVG generator draws it; lines stay vectors.)"""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QPainter

    try:
        from PySide6.QtSvg import QSvgGenerator
    except ImportError:  # packaging/backprop-playground.spec leaves QtSvg out
        raise ValueError("SVG needs Qt's SVG module, which the standalone bundle leaves out: "
                         "export a PNG, or run the pip-installed app") from None

    source = item.sceneBoundingRect()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(source.size().toSize())
    generator.setViewBox(QRectF(0, 0, source.width(), source.height()))
    generator.setTitle(plot_name(view))
    painter = QPainter(generator)
    try:
        view.scene().render(painter, QRectF(0, 0, source.width(), source.height()), source)
    finally:
        painter.end()
    return bytes(buffer.data())


def export_window(window: QWidget, path: str | Path) -> Path:
    """Write the whole window, as it is on screen, to `path` as a PNG (FileWriteError, the old
    file untouched, if it cannot be written)."""
    path = Path(path)
    check_writable(path)
    write_atomically(path, png_bytes(window.grab().toImage()))
    return path


def png_bytes(image: QImage) -> bytes:
    """`image` encoded as a PNG file's bytes; OSError if Qt cannot encode it."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if image.isNull() or not image.save(buffer, "PNG"):
        raise OSError(errno.EIO, "Qt could not encode the picture as a PNG")
    return bytes(buffer.data())


def is_svg(path: str | Path) -> bool:
    """True when `path` parses as XML with an <svg> root (what an SVG viewer needs)."""
    root = ElementTree.parse(path).getroot()
    return root.tag.rsplit("}", 1)[-1] == "svg"


class PlotExport(QObject):
    """The File > Export menu and the plots' right-click entries of one window."""

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.window = window
        self.last_clicked: pg.GraphicsView | None = None
        self._hooked: set[int] = set()
        self.menu = QMenu("&Export", window)
        self.actions = {
            "plot_png": self._action("&Plot as PNG…", "Ctrl+E", lambda: self.ask_plot("png")),
            "plot_svg": self._action("Plot as &SVG…", "Ctrl+Shift+E",
                                     lambda: self.ask_plot("svg")),
            "window_png": self._action("&Window as PNG…", "Ctrl+Alt+E", self.ask_window),
        }
        window.add_menu_action("File", self.menu.menuAction())
        _ClickWatcher.watch(self)

    def _action(self, text: str, keys: str, slot) -> QAction:
        action = QAction(text, self.window)
        action.setShortcut(QKeySequence(keys))
        action.triggered.connect(slot)
        self.menu.addAction(action)
        return action

    def clicked(self, view: pg.GraphicsView) -> None:
        """A mouse press on `view`: it becomes the plot File > Export means."""
        self.last_clicked = view
        self.hook(view)

    def hook(self, view: pg.GraphicsView) -> None:
        """Add "Save plot as PNG/SVG…" to the plot's right-click menu (once per plot)."""
        if id(view) in self._hooked:
            return
        self._hooked.add(id(view))
        import pyqtgraph as pg

        scene = view.scene()
        own = []
        for text, suffix in (("Save plot as PNG…", "png"), ("Save plot as SVG…", "svg")):
            action = QAction(text, scene)
            action.triggered.connect(lambda _=False, v=view, s=suffix: self.ask_plot(s, v))
            own.append(action)
        # pyqtgraph puts the scene's entries under every plot menu that is switched on.
        scene.contextMenu.extend(own)

        def _on_scene_clicked(event) -> None:
            """A right click where pyqtgraph shows no menu: show ours."""
            if event.button() != Qt.MouseButton.RightButton:
                return
            boxes = [item for item in scene.items(event.scenePos())
                     if isinstance(item, pg.ViewBox)]
            if any(box.menuEnabled() for box in boxes):
                return
            menu = QMenu(view)
            menu.addActions(own)
            menu.popup(event.screenPos().toPoint())

        scene.sigMouseClicked.connect(_on_scene_clicked)

    def choose_plot(self) -> pg.GraphicsView | None:
        """The plot last clicked if it is still shown, else the learner's pick of those shown."""
        views = plot_views(self.window)
        if self.last_clicked in views:
            return self.last_clicked
        if not views:
            self.window.statusBar().showMessage("There is no plot on screen to export.",
                                                STATUS_MS)
            return None
        if len(views) == 1:
            return views[0]
        names = [f"{index + 1}. {plot_name(view)}" for index, view in enumerate(views)]
        name, ok = QInputDialog.getItem(self.window, "Export which plot?", "Plot:", names, 0,
                                        False)
        return views[names.index(name)] if ok else None

    def ask_plot(self, suffix: str, view: pg.GraphicsView | None = None) -> None:
        """Ask where to save a plot (the one given, else choose_plot's), then save it."""
        view = view or self.choose_plot()
        if view is None:
            return
        default = plot_name(view).lower().replace(" ", "-").replace(",", "") + f".{suffix}"
        path, _ = QFileDialog.getSaveFileName(self.window, f"Export the plot as {suffix.upper()}",
                                              default, FORMATS[suffix])
        if path:
            self._save(lambda: export_plot(view, _with_suffix(path, suffix)))

    def ask_window(self) -> None:
        """Ask where to save a picture of the whole window, then save it."""
        path, _ = QFileDialog.getSaveFileName(self.window, "Export the window as PNG",
                                              "backprop-playground.png", FORMATS["png"])
        if path:
            self._save(lambda: export_window(self.window, _with_suffix(path, "png")))

    def _save(self, write) -> None:
        try:
            path = write()
        except (OSError, ValueError) as error:
            self.window.statusBar().showMessage(f"Could not export: {error}", STATUS_MS)
            return
        self.window.statusBar().showMessage(f"Saved {path}", STATUS_MS)


class _ClickWatcher(QObject):
    """One application-wide filter for every window's PlotExport (one each would chain)."""

    _instance: _ClickWatcher | None = None

    def __init__(self) -> None:
        super().__init__(QApplication.instance())
        self.exports: weakref.WeakValueDictionary[int, PlotExport] = \
            weakref.WeakValueDictionary()
        QApplication.instance().installEventFilter(self)

    @classmethod
    def watch(cls, export: PlotExport) -> None:
        if cls._instance is None:
            cls._instance = cls()
        cls._instance.exports[id(export.window)] = export

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """Tell a window's PlotExport which plot a mouse press landed on."""
        if event.type() == QEvent.Type.MouseButtonPress and isinstance(watched, QWidget):
            view = _view_of(watched)
            export = self.exports.get(id(view.window())) if view is not None else None
            if export is not None and export.window is view.window():
                export.clicked(view)
        return False


def _with_suffix(path: str, suffix: str) -> Path:
    """The chosen file name, given the format's suffix if the learner typed none."""
    chosen = Path(path)
    return chosen if chosen.suffix.lower() == f".{suffix}" else chosen.with_name(
        chosen.name + f".{suffix}")


def _view_of(widget: QWidget) -> pg.GraphicsView | None:
    """The pyqtgraph view `widget` belongs to (the view itself or its viewport), if any."""
    if "pyqtgraph" not in sys.modules:
        return None
    import pyqtgraph as pg

    while widget is not None:
        if isinstance(widget, pg.GraphicsView):
            return widget
        widget = widget.parentWidget()
    return None
