"""Loss, accuracy and learning rate per epoch, stacked on one shared epoch axis.

Training is solid, validation dashed, so the two stay apart without relying on colour. Moving
the mouse over any of the plots puts a vertical line at that epoch in all three and reads out
every value there. However long the run, each curve draws about two points per pixel column (the
lowest and the highest value that column covers), so a redraw costs what the screen can show,
not what the run has done, and every spike the run had is still drawn to its full height. The
columns are cut by epoch, not by point: a long run's history keeps every recent epoch and a
thinned record of older ones (engine/training/history.py), its points unevenly spaced, and the
validation set is measured at epochs of its own.
"""

from __future__ import annotations

import html
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPoint, QPointF, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QApplication, QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from gui.plots.axes import ReadableAxis, count_range, name_plot, plain_axes
from gui.shell.colors import CLASS_COLORS_HEX
from gui.shell.theme import Theme, current_theme

MAX_DRAWN_POINTS = 2000  # per curve while the plot's width is unknown (not shown yet)
REDRAW_RATIO = 1.25  # a zoom changing the columns per epoch more than this redraws the curves
TRAINING_COLOR = CLASS_COLORS_HEX[0]
VALIDATION_COLOR = CLASS_COLORS_HEX[1]
LEARNING_RATE_COLOR = CLASS_COLORS_HEX[2]
PLOT_NAMES = ("loss", "accuracy", "learning rate")


def peak_indices_by_x(xs: np.ndarray, values: np.ndarray, columns: int) -> np.ndarray:
    """Indices into `values` (n,), at increasing `xs` (n,), that draw like all of them in
    `columns` pixel columns spanning xs[0]..xs[-1]: the first and last, and in each column
    its lowest and highest, in their order. At most 2 * columns + 2 indices; every index when
    there are no more than 2 * columns values."""
    length = len(xs)
    columns = max(1, int(columns))
    if length <= 2 * columns:
        return np.arange(length)
    span = float(xs[-1] - xs[0]) or 1.0
    cut = np.minimum(((xs - xs[0]) * (columns / span)).astype(np.int64), columns - 1)
    starts = np.flatnonzero(np.r_[True, cut[1:] != cut[:-1]])
    ordered = np.where(np.isnan(values), np.inf, values)
    lowest = np.lexsort((ordered, cut))[starts]
    ordered = np.where(np.isnan(values), -np.inf, values)
    highest = np.lexsort((-ordered, cut))[starts]
    return np.unique(np.concatenate([lowest, highest, [0, length - 1]]))


def peak_indices(values: np.ndarray, columns: int) -> np.ndarray:
    """Indices into `values` (n,) that draw like all of them in `columns` pixel columns: the
    first and last, and in each run of about n / columns consecutive values the lowest and the
    highest, in their order. At most 2 * columns + 2 indices, increasing; every index when
    there are no more than 2 * columns values."""
    length = len(values)
    columns = max(1, int(columns))
    if length <= 2 * columns:
        return np.arange(length)
    size = math.ceil(length / columns)
    full = length // size
    blocks = values[:full * size].reshape(full, size)
    starts = np.arange(full) * size
    picked = [starts + blocks.argmin(axis=1), starts + blocks.argmax(axis=1), [0, length - 1]]
    if full * size < length:  # the last, shorter run
        tail = values[full * size:]
        picked.append([full * size + int(tail.argmin()), full * size + int(tail.argmax())])
    return np.unique(np.concatenate(picked).astype(np.int64))


class _LossAxis(ReadableAxis):
    """A loss axis that, on a log scale spanning about a decade, labels only 1, 2 and 5 x 10^k.

    pyqtgraph labels every 2..9 x 10^k when no power of ten falls in view, and in a short plot
    those labels pile on top of each other.
    """

    def logTickValues(self, minVal, maxVal, size, stdTicks):
        ticks = super().logTickValues(minVal, maxVal, size, stdTicks)
        if len(ticks) == 1 and ticks[0][0] is None:
            values = np.asarray(ticks[0][1], dtype=np.float64)
            mantissas = np.round(10.0 ** (values - np.floor(values + 1e-9)))
            labelled = np.isin(mantissas, (1.0, 2.0, 5.0))
            ticks = [(None, values[labelled].tolist()), (None, values[~labelled].tolist())]
        return ticks


class _PlotStack(pg.GraphicsLayoutWidget):
    """The plots' canvas, telling when the mouse leaves so the readout can return to the end."""

    # () the mouse left the canvas
    mouse_left = Signal()

    def leaveEvent(self, event: QEvent) -> None:
        super().leaveEvent(event)
        self.mouse_left.emit()


class TrainingCurves(QWidget):
    """Three stacked plots fed by set_history; hover anywhere for the values at an epoch."""

    # (bool) the learner switched the logarithmic loss axis on or off
    log_scale_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._history = {name: np.zeros(0) for name in _SERIES}
        self._history["val_epochs"] = np.zeros(0)
        self._pixels_per_epoch = 0.0  # the resolution the curves were last reduced to
        self.plot_names = list(PLOT_NAMES)
        self._make_plots(current_theme())
        self.graphics.scene().sigMouseMoved.connect(self._on_scene_mouse_moved)
        view_box = self.loss_plot.getViewBox()  # the other two share its epoch axis
        view_box.sigXRangeChanged.connect(self._on_view_range_changed)
        view_box.sigResized.connect(self._on_view_range_changed)
        self.graphics.mouse_left.connect(self._show_latest)

        self.readout = QLabel(wordWrap=True)
        self.readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Room for both lines from the start, so the plots do not jump when the first epoch lands.
        self.readout.setMinimumHeight(2 * self.readout.fontMetrics().lineSpacing() + 4)
        self.log_box = QCheckBox("log-scale loss")
        self.log_box.setToolTip("Show the loss on a logarithmic axis")
        self.log_box.toggled.connect(self._on_log_box_toggled)
        header = QHBoxLayout()
        header.addWidget(self.readout, 1)
        header.addWidget(self.log_box, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(header)
        layout.addWidget(self.graphics, 1)
        self._show_latest()

    def _make_plots(self, theme: Theme) -> None:
        """The three plots on one canvas, their curves, legend and epoch cursors."""
        self.graphics = _PlotStack()
        self.graphics.setBackground(theme.panel)
        self.graphics.setMinimumSize(240, 200)
        self.loss_plot = self.graphics.addPlot(row=0, col=0, axisItems={"left": _LossAxis("left")})
        self.accuracy_plot = self.graphics.addPlot(row=1, col=0,
                                                   axisItems={"left": ReadableAxis("left")})
        self.rate_plot = self.graphics.addPlot(row=2, col=0,
                                               axisItems={"left": ReadableAxis("left")})
        self.plots = (self.loss_plot, self.accuracy_plot, self.rate_plot)
        for plot in self.plots:
            plain_axes(plot)
            plot.showGrid(x=True, y=True, alpha=0.25)
            plot.setMenuEnabled(False)
            plot.hideButtons()
            if plot is not self.loss_plot:
                plot.setXLink(self.loss_plot)
        self._apply_type_size()
        self.rate_plot.setLabel("bottom", "epoch")
        for plot in (self.loss_plot, self.accuracy_plot):
            # The epochs are numbered once, under the bottom plot: the plots keep their height.
            plot.getAxis("bottom").setStyle(showValues=False)
        self._short_run = count_range(self.loss_plot, [])
        # 0, 0.5 and 1 labelled: in a short plot finer labels crowd each other.
        self.accuracy_plot.getAxis("left").setTickSpacing(major=0.5, minor=0.1)
        self.accuracy_plot.setYRange(0.0, 1.0, padding=0.02)
        self.accuracy_plot.enableAutoRange(axis="y", enable=False)
        # Side by side in one row: stacked, the second entry ran past the short loss plot.
        legend = self.loss_plot.addLegend(colCount=2, verSpacing=-6, labelTextSize="8pt",
                                          brush=pg.mkBrush(theme.panel + "cc"),
                                          labelTextColor=theme.text)
        # In the name's row, right-aligned: inside the plot it lay over the curves.
        legend.setParentItem(self.loss_plot)
        legend.anchor(itemPos=(1, 0), parentPos=(1, 0), offset=(-6, -4))
        self.curves = {
            "loss": self._curve(self.loss_plot, TRAINING_COLOR, "training"),
            "val_loss": self._curve(self.loss_plot, VALIDATION_COLOR, "validation", dashed=True),
            "accuracy": self._curve(self.accuracy_plot, TRAINING_COLOR),
            "val_accuracy": self._curve(self.accuracy_plot, VALIDATION_COLOR, dashed=True),
            "learning_rate": self._curve(self.rate_plot, LEARNING_RATE_COLOR),
        }
        self.cursors = []
        for plot in self.plots:
            line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(theme.muted_text))
            line.setVisible(False)
            plot.addItem(line, ignoreBounds=True)
            self.cursors.append(line)

    def _apply_type_size(self) -> None:
        """The plots' names and axis widths for the app's type size (presentation mode and
        large text change it)."""
        # Equal widths keep the three epoch axes aligned; room for ticks like "0.0005".
        ticks_width = QFontMetricsF(QApplication.font()).horizontalAdvance("-0.00005") + 12
        for plot, name in zip(self.plots, self.plot_names, strict=True):
            name_plot(plot, name)
            plot.getAxis("left").setWidth(ticks_width)

    def set_accuracy_name(self, name: str) -> None:
        """The accuracy plot's name: a regression's accuracy says how the book defines it
        (plain text: a name's "<" is not markup)."""
        self.plot_names[1] = html.escape(name)
        name_plot(self.accuracy_plot, self.plot_names[1])

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._apply_type_size()
        super().changeEvent(event)

    def set_history(
        self,
        epochs: np.ndarray,
        loss: np.ndarray,
        accuracy: np.ndarray,
        val_loss: np.ndarray | None = None,
        val_accuracy: np.ndarray | None = None,
        learning_rate: np.ndarray | None = None,
        val_epochs: np.ndarray | None = None,
    ) -> None:
        """Show the run so far: loss, accuracy and learning_rate at `epochs` (n,), increasing;
        val_loss and val_accuracy at `val_epochs` (m,) (by default `epochs`); validation
        entries may be NaN."""
        epochs = np.asarray(epochs, dtype=np.float64)
        val_epochs = epochs if val_epochs is None else np.asarray(val_epochs, dtype=np.float64)
        given = {
            "epochs": (epochs, epochs),
            "loss": (loss, epochs),
            "accuracy": (accuracy, epochs),
            "val_epochs": (val_epochs, val_epochs),
            "val_loss": (val_loss, val_epochs),
            "val_accuracy": (val_accuracy, val_epochs),
            "learning_rate": (learning_rate, epochs),
        }
        arrays = {}
        for name, (values, along) in given.items():
            values = np.full(len(along), np.nan) if values is None else \
                np.asarray(values, dtype=np.float64)
            if values.shape != along.shape:
                raise ValueError(f"{name} has shape {values.shape}, its epochs {along.shape}")
            arrays[name] = values
        if all(_same(arrays[name], self._history[name]) for name in arrays):
            return  # an edit inside an epoch, a repeated snapshot: nothing to redraw
        self._history = arrays
        self._draw()
        self._show_latest()

    def log_scale(self) -> bool:
        """Whether the loss axis is logarithmic."""
        return self.log_box.isChecked()

    def set_log_scale(self, on: bool) -> None:
        """Switch the loss axis from code, without echoing `log_scale_changed`."""
        with QSignalBlocker(self.log_box):
            self.log_box.setChecked(on)
        self._apply_log_scale(on)

    def epoch_to_viewport(self, epoch: float, plot_index: int = 0) -> QPoint:
        """The viewport pixel of `epoch` at mid-height of one of the plots (tests hover here)."""
        view_box = self.plots[plot_index].getViewBox()
        middle = view_box.viewRect().center().y()
        return self.graphics.mapFromScene(view_box.mapViewToScene(QPointF(epoch, middle)))

    def readout_at(self, epoch: float) -> str:
        """The values at the recorded epoch nearest `epoch`, as the hover label shows them."""
        epochs = self._history["epochs"]
        if len(epochs) == 0:
            return "No epochs yet."
        i = int(np.argmin(np.abs(epochs - epoch)))
        values = {name: self._history[name][i] for name in ("epochs", "loss", "accuracy",
                                                              "learning_rate")}
        shown = values["epochs"]
        return (
            f"epoch {shown:.0f}, learning rate {_fmt(values['learning_rate'])}\n"
            f"loss {_fmt(values['loss'])} (validation {self._validation_at('val_loss', shown)}), "
            f"accuracy {_fmt(values['accuracy'], 3)} "
            f"(validation {self._validation_at('val_accuracy', shown, 3)})"
        )

    def _validation_at(self, name: str, epoch: float, digits: int = 4) -> str:
        """The latest validation value measured at or before `epoch`, with its epoch if older
        (the controller may measure the validation set only every few epochs)."""
        epochs = self._history["val_epochs"]
        upto = int(np.searchsorted(epochs, epoch, side="right"))
        measured = np.flatnonzero(np.isfinite(self._history[name][:upto]))
        if len(measured) == 0:
            return "–"
        j = measured[-1]
        text = _fmt(self._history[name][j], digits)
        return text if epochs[j] == epoch else f"{text} at epoch {epochs[j]:.0f}"

    def _curve(self, plot, color: str, name: str | None = None, dashed: bool = False):
        style = Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine
        curve = plot.plot(pen=pg.mkPen(color, width=2, style=style), name=name, connect="finite")
        curve.setClipToView(True)
        return curve

    def _draw(self) -> None:
        short = count_range(self.loss_plot, self._history["epochs"])
        if self._short_run and not short:
            self.loss_plot.enableAutoRange(axis="x")  # the run outgrew the first epochs
        self._short_run = short
        self._pixels_per_epoch = self._resolution()
        for name, curve in self.curves.items():
            epochs = self._history["val_epochs" if name.startswith("val_") else "epochs"]
            # Only measured values, so a validation set checked every k epochs still draws a line.
            measured = np.flatnonzero(np.isfinite(self._history[name]))
            xs, ys = epochs[measured], self._history[name][measured]
            if len(xs) > 1 and self._pixels_per_epoch > 0:
                columns = math.ceil((xs[-1] - xs[0]) * self._pixels_per_epoch)
            else:
                columns = MAX_DRAWN_POINTS // 2
            keep = peak_indices_by_x(xs, ys, columns)
            curve.setData(xs[keep], ys[keep])
        rates = self._history["learning_rate"]
        if np.isfinite(rates).any():
            # From zero, so a decay of 5e-7 looks as small as it is.
            self.rate_plot.setYRange(0.0, float(np.nanmax(rates)) * 1.05, padding=0)

    def _resolution(self) -> float:
        """Device pixels per epoch on the epoch axis (0 while the plots have no width yet): the
        whole run across the plot while it follows the run, the zoomed range once zoomed."""
        view_box = self.loss_plot.getViewBox()
        width = view_box.width() * self.graphics.devicePixelRatioF()
        epochs = self._history["epochs"]
        if width < 2 or len(epochs) < 2:
            return 0.0
        if view_box.autoRangeEnabled()[0]:
            low, high = float(epochs[0]), float(epochs[-1])
        else:
            low, high = view_box.viewRange()[0]
        return width / max(high - low, 1.0)

    def _show_latest(self) -> None:
        epochs = self._history["epochs"]
        for line in self.cursors:
            line.setVisible(False)
        self.readout.setText(self.readout_at(epochs[-1]) if len(epochs) else "No epochs yet.")

    def _on_scene_mouse_moved(self, scene_pos: QPointF) -> None:
        """Move the epoch cursor to the mouse and read out the values there."""
        for plot in self.plots:
            view_box = plot.getViewBox()
            if view_box.sceneBoundingRect().contains(scene_pos):
                epoch = view_box.mapSceneToView(scene_pos).x()
                break
        else:
            self._show_latest()
            return
        if len(self._history["epochs"]) == 0:
            return
        for line in self.cursors:
            line.setPos(epoch)
            line.setVisible(True)
        self.readout.setText(self.readout_at(epoch))

    def _on_view_range_changed(self, *_args) -> None:
        """Zoomed or resized: reduce the curves again for the new pixels per epoch, so a zoomed
        stretch shows its detail (the run following itself changes nothing here)."""
        wanted = self._resolution()
        drawn = self._pixels_per_epoch
        if wanted > 0 and (drawn <= 0 or max(wanted / drawn, drawn / wanted) > REDRAW_RATIO):
            self._draw()

    def _on_log_box_toggled(self, on: bool) -> None:
        """Switch the loss axis and tell the controller, which may remember the choice."""
        self._apply_log_scale(on)
        self.log_scale_changed.emit(on)

    def _apply_log_scale(self, on: bool) -> None:
        self.loss_plot.setLogMode(x=False, y=on)
        # A diverged loss near 1e308 let the log axis range past float's top, and pyqtgraph's
        # tick labels (10 ** the tick) overflowed while painting (found by the monkey test).
        limit = LOG_AXIS_LIMIT if on else None
        self.loss_plot.getViewBox().setLimits(yMin=None if limit is None else -limit, yMax=limit)
        # On a log axis only the first tick level (powers of ten, or 1-2-5 within a decade) has
        # room for text.
        self.loss_plot.getAxis("left").setStyle(maxTextLevel=0 if on else 2)


LOG_AXIS_LIMIT = 300  # decades either side of 1 the log loss axis may show

_SERIES = ("epochs", "loss", "accuracy", "val_loss", "val_accuracy", "learning_rate")


def _same(new: np.ndarray, old: np.ndarray) -> bool:
    """The same float64 bits (so NaN equals NaN): a few microseconds for the same array, about
    50 for 100,000 epochs, against a redraw's several milliseconds."""
    return new is old or (new.shape == old.shape and
                          np.array_equal(new.view(np.int64), old.view(np.int64)))


def _fmt(value: float, digits: int = 4) -> str:
    return "–" if not math.isfinite(value) else f"{value:.{digits}g}"
