"""What each hidden neuron responds to: its activation over the input plane, one thumbnail each.

Thumbnails are grouped by layer and each is scaled to its own range, so a neuron with small
outputs still shows its shape; the enlarged view gives the real numbers with a colour bar.
Hovering a thumbnail previews it large, clicking keeps it there. The colour map is viridis,
which reads in order of brightness for colour-blind viewers and in greyscale.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QEnterEvent, QImage, QMouseEvent, QPainter, QPaintEvent, QShowEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from gui.plots.axes import plain_axes
from gui.shell.theme import current_theme

THUMBNAIL_SIZE = 56
COLUMNS = 8
COLOR_MAP = pg.colormap.get("viridis")
_LUT = COLOR_MAP.getLookupTable(0.0, 1.0, 256, alpha=False, mode="byte")  # (256, 3) uint8

NeuronMap = tuple[int, int, np.ndarray]  # (layer_index, neuron_index, (ny, nx) activations)
Extent = tuple[float, float, float, float]  # (x_min, x_max, y_min, y_max) of the cell centres


def map_name(layer_index: int, neuron_index: int) -> str:
    """The book's name of what a map shows, e.g. activation1.output[:, 3] for layer 0."""
    return f"activation{layer_index + 1}.output[:, {neuron_index}]"


def maps_from_layers(layers: list[np.ndarray]) -> list[NeuronMap]:
    """Split per-layer grids into per-neuron maps.

    layers[i]: (ny, nx, neurons) activations of hidden layer i + 1 over the grid, as
    engine.training.model.Model.hidden_activations_grid(xs, ys, layer=i + 1) returns them.
    """
    return [(index, neuron, grid[:, :, neuron])
            for index, grid in enumerate(layers) for neuron in range(grid.shape[-1])]


MAP_LIMIT = 1e38  # the largest magnitude a map keeps: twice it still fits a float32


def drawable(values: np.ndarray) -> np.ndarray:
    """`values` as float32 an image can hold: diverged maps (NaN, or beyond float32's 3.4e38 in
    native numerics) would overflow the cast and the span, so they are clipped to MAP_LIMIT
    first and a NaN is drawn as 0 (found by the monkey test, and with RMSprop at 1e38)."""
    finite = np.nan_to_num(np.asarray(values, dtype=np.float64))
    return np.clip(finite, -MAP_LIMIT, MAP_LIMIT).astype(np.float32)


def colorize(values: np.ndarray) -> np.ndarray:
    """Scale each (ny, nx) map to its own min..max and colour it, row 0 on top.

    values: (ny, nx) or a stack (n_maps, ny, nx); returns the same shape plus 3 (RGB uint8).
    A constant map (a dead ReLU, say) comes out uniformly at the low end of the colour map.
    """
    values = drawable(values)
    low = values.min(axis=(-2, -1), keepdims=True)
    span = values.max(axis=(-2, -1), keepdims=True) - low
    scale = 255.0 / np.where(span > 0, span, 1.0)
    indices = np.clip((values - low) * scale, 0, 255).astype(np.uint8)
    # The plane's y grows upward, an image's rows downward.
    return np.ascontiguousarray(_LUT[indices[..., ::-1, :]])


class _Thumbnail(QLabel):
    """One neuron's small map; reports hover and click by its position in the list.

    It paints its QImage itself: a label's pixmap, new every frame while training, lands in
    Qt's pixmap cache, which then grows the window by 10 MiB over a long run for nothing."""

    # (int) position in the list of maps of the thumbnail the mouse entered
    entered = Signal(int)
    # () the mouse left the thumbnail
    left = Signal()
    # (int) position in the list of maps of the thumbnail clicked
    clicked = Signal(int)

    def __init__(self, position: int) -> None:
        super().__init__()
        self.position = position
        self.setFixedSize(THUMBNAIL_SIZE + 4, THUMBNAIL_SIZE + 4)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.image = QImage()
        self.set_selected(False)

    def set_image(self, rgb: np.ndarray) -> None:
        """Show an (ny, nx, 3) uint8 picture, scaled to the thumbnail's size."""
        height, width, _ = rgb.shape
        image = QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888)
        self.image = image.scaled(THUMBNAIL_SIZE, THUMBNAIL_SIZE,
                                  Qt.AspectRatioMode.KeepAspectRatio,
                                  Qt.TransformationMode.SmoothTransformation)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)  # the selection border
        if not self.image.isNull():
            painter = QPainter(self)
            painter.drawImage(QPoint((self.width() - self.image.width()) // 2,
                                     (self.height() - self.image.height()) // 2), self.image)
            painter.end()

    def set_selected(self, selected: bool) -> None:
        colour = current_theme().accent if selected else "transparent"
        self.setStyleSheet(f"border: 2px solid {colour};")

    def enterEvent(self, event: QEnterEvent) -> None:
        super().enterEvent(event)
        self.entered.emit(self.position)

    def leaveEvent(self, event) -> None:
        super().leaveEvent(event)
        self.left.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.position)
        super().mousePressEvent(event)


class NeuronMaps(QWidget):
    """Thumbnails of every hidden neuron's activation, and one of them enlarged."""

    # (layer_index, neuron_index) the neuron the learner clicked to keep enlarged
    neuron_selected = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        theme = current_theme()
        self._maps: list[NeuronMap] = []
        self._extent: Extent = (-1.0, 1.0, -1.0, 1.0)
        self._selected = 0
        self._shown: int | None = None
        self._stale = False  # maps given while hidden, drawn when the panel is shown
        self._over = "over the input plane"  # what a map spans, for the caption
        self.thumbnails: list[_Thumbnail] = []
        self._layer_headings: list[QLabel] = []

        self.caption = QLabel("No hidden layers: the inputs go straight to the output.")
        self.caption.setWordWrap(True)
        self.large_view = pg.PlotWidget(background=theme.panel)
        self.large_view.setMinimumSize(220, 220)
        plot = self.large_view.getPlotItem()
        plot.setLabel("bottom", "X[:, 0]")
        plot.setLabel("left", "X[:, 1]")
        plain_axes(plot)
        plot.hideButtons()
        plot.setMenuEnabled(False)
        plot.getViewBox().setAspectLocked(True)
        self.large_image = pg.ImageItem(axisOrder="row-major")
        plot.addItem(self.large_image)
        self.color_bar = pg.ColorBarItem(
            values=(0.0, 1.0), colorMap=COLOR_MAP, interactive=False, width=12
        )
        self.color_bar.setImageItem(self.large_image, insert_in=plot)

        self._grid_host = QWidget()
        self._grid = QGridLayout(self._grid_host)
        self._grid.setSpacing(2)
        self._grid.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self._grid_host)
        scroll.setMinimumHeight(2 * THUMBNAIL_SIZE + 40)
        self.scroll_area = scroll

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.caption)
        layout.addWidget(self.large_view, 3)
        layout.addWidget(scroll, 2)
        self.large_view.setVisible(False)

    def set_axes(self, x_label: str = "X[:, 0]", y_label: str | None = "X[:, 1]",
                 over: str = "over the input plane") -> None:
        """Name the enlarged map's axes and what a map spans; y_label None: the maps vary along
        x only (a one-input network's neurons as bands), so the y axis is hidden."""
        plot = self.large_view.getPlotItem()
        plot.setLabel("bottom", x_label)
        plot.showAxis("left", y_label is not None)
        if y_label is not None:
            plot.setLabel("left", y_label)
        self._over = over

    def set_maps(self, maps: list[NeuronMap], extent: Extent | None = None) -> None:
        """Show each (layer_index, neuron_index, (ny, nx) activations), cells spanning extent.
        While the panel is hidden or behind another tab, the pictures wait until it is shown
        (showEvent) or brought to the front (set_on_screen)."""
        keys = [(layer, neuron) for layer, neuron, _ in maps]
        if keys != [(layer, neuron) for layer, neuron, _ in self._maps]:
            self._rebuild(keys)
        self._maps = list(maps)
        if extent is not None:
            self._extent = extent
        if maps:
            self._selected = min(self._selected, len(maps) - 1)
        # Hidden, or (Qt 6) a dock tab not in front, which stays "visible" but is moved away.
        self._stale = not self.isVisible() or self.visibleRegion().isEmpty()
        if not self._stale:
            self._draw()

    def set_on_screen(self, on_screen: bool) -> None:
        """The panel came to the front (a dock's visibilityChanged): draw what waited."""
        if on_screen and self._stale:
            self._stale = False
            self._draw()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.set_on_screen(True)

    def _draw(self) -> None:
        """Colour every thumbnail and the enlarged map from the maps last given."""
        maps = self._maps
        if len({values.shape for _, _, values in maps}) == 1:
            stack = np.stack([values for _, _, values in maps])  # one pass for every map
            images, lows, highs = colorize(stack), stack.min(axis=(1, 2)), stack.max(axis=(1, 2))
        else:
            images = [colorize(values) for _, _, values in maps]
            lows = [np.min(values) for _, _, values in maps]
            highs = [np.max(values) for _, _, values in maps]
        for thumbnail, (layer, neuron, _), image, low, high in zip(
            self.thumbnails, maps, images, lows, highs, strict=True
        ):
            thumbnail.set_image(image)
            thumbnail.setToolTip(
                f"{map_name(layer, neuron)}: {low:.3g} to {high:.3g}"
                + (" (constant: this neuron never changes here)" if low == high else "")
                + "\nHover to preview, click to keep enlarged"
            )
        self.large_view.setVisible(bool(maps))
        if not maps:
            self.caption.setText("No hidden layers: the inputs go straight to the output.")
            return
        self._show(self._current())

    def select(self, layer_index: int, neuron_index: int) -> None:
        """Enlarge this neuron's map (from code: no `neuron_selected` echo)."""
        for position, (layer, neuron, _) in enumerate(self._maps):
            if (layer, neuron) == (layer_index, neuron_index):
                self._pin(position)
                return
        raise KeyError(f"no map for layer {layer_index}, neuron {neuron_index}")

    def shown(self) -> tuple[int, int] | None:
        """(layer_index, neuron_index) of the enlarged map, None when there are no maps."""
        if not self._maps:
            return None
        layer, neuron, _ = self._maps[self._current()]
        return layer, neuron

    def sizeHint(self) -> QSize:
        return QSize(COLUMNS * (THUMBNAIL_SIZE + 6) + 30, 560)

    def _current(self) -> int:
        return self._selected if self._shown is None else self._shown

    def _rebuild(self, keys: list[tuple[int, int]]) -> None:
        for widget in self.thumbnails + self._layer_headings:
            self._grid.removeWidget(widget)
            widget.deleteLater()
        self.thumbnails, self._layer_headings = [], []
        self._selected, self._shown = 0, None
        row, column, previous_layer = 0, 0, None
        for position, (layer, _) in enumerate(keys):
            if layer != previous_layer:
                if previous_layer is not None:
                    row += 1
                heading = QLabel(f"Hidden layer {layer + 1} (activation{layer + 1})")
                self._grid.addWidget(heading, row, 0, 1, COLUMNS)
                self._layer_headings.append(heading)
                row, column, previous_layer = row + 1, 0, layer
            elif column == COLUMNS:
                row, column = row + 1, 0
            thumbnail = _Thumbnail(position)
            thumbnail.entered.connect(self._on_thumbnail_entered)
            thumbnail.left.connect(self._on_thumbnail_left)
            thumbnail.clicked.connect(self._on_thumbnail_clicked)
            self._grid.addWidget(thumbnail, row, column)
            self.thumbnails.append(thumbnail)
            column += 1
        if self.thumbnails:
            self.thumbnails[0].set_selected(True)

    def _show(self, position: int) -> None:
        layer, neuron, values = self._maps[position]
        low, high = float(np.min(values)), float(np.max(values))
        ny, nx = values.shape
        x_min, x_max, y_min, y_max = self._extent
        dx, dy = (x_max - x_min) / max(nx - 1, 1), (y_max - y_min) / max(ny - 1, 1)
        image = drawable(values)
        self.large_image.setImage(image, autoLevels=False)
        self.large_image.setRect(QRectF(x_min - dx / 2, y_min - dy / 2, dx * nx, dy * ny))
        shown_low, shown_high = float(image.min()), float(image.max())
        if shown_high <= shown_low:  # a constant map: a span that shows at any magnitude
            shown_high = shown_low + max(1.0, abs(shown_low))
        self.color_bar.setLevels((shown_low, shown_high))
        pinned = "" if self._shown in (None, self._selected) else " (preview; click to keep)"
        self.caption.setText(
            f"{map_name(layer, neuron)} {self._over}: from {low:.4g} to {high:.4g}"
            + pinned
        )

    def _pin(self, position: int) -> None:
        self.thumbnails[self._selected].set_selected(False)
        self._selected, self._shown = position, None
        self.thumbnails[position].set_selected(True)
        self._show(position)

    def _on_thumbnail_entered(self, position: int) -> None:
        """Preview the hovered neuron large, without changing the kept one; a hover queued
        before the maps were rebuilt with fewer neurons names none of them."""
        if position >= len(self._maps):
            return
        self._shown = position
        self._show(position)

    def _on_thumbnail_left(self) -> None:
        """Go back to the kept neuron when the mouse leaves a thumbnail."""
        self._shown = None
        if self._maps:
            self._show(self._selected)

    def _on_thumbnail_clicked(self, position: int) -> None:
        """Keep the clicked neuron enlarged and tell the controller which it is."""
        self._pin(position)
        layer, neuron, _ = self._maps[position]
        self.neuron_selected.emit(layer, neuron)
