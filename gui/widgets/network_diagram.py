"""The hand-backprop network drawn as the seed draws it: inputs, weighted edges, neurons, ReLU,
(sum,) loss, with every number written where it is computed.

Forward values (z, a, y, l) sit above the nodes, gradients (dl/dy, dl/da, dl/dz, dl/dw, dl/db,
dl/dx) below them in the gradient colour, so a learner reads the backward pass right to left
on the same picture as the forward pass. The operation that just ran is outlined and its line
of code shown on top. Clicking an edge or a neuron selects that weight or bias.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QMouseEvent, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from gui.shell.theme import current_theme
from gui.widgets.cell_values import format_value

EDGE_HIT_PX = 7.0  # how close to an edge a click must land to select its weight
GRADIENT_COLOUR = "#CC79A7"  # Okabe-Ito reddish purple: the colour of every dl/d... on screen
BOX_TEXTS = {"relu": "ReLU", "sum": "y = Σa", "loss": "loss"}  # what each boxed node says


@dataclass(frozen=True)
class HandNetwork:
    """What the diagram draws, in the seed's notation (W is neuron-per-row, (n_neurons, n_inputs)).

    A quantity not computed yet in this iteration is None. `highlight` names the fields the last
    operation wrote ("x", "w", "b", "z", "a", "y", "loss", "dl_dy", "dl_da", "da_dz", "dl_dz",
    "dl_dw", "dl_db", "dl_dx").
    """

    x: np.ndarray  # (n_inputs,)
    w: np.ndarray  # (n_neurons, n_inputs)
    b: np.ndarray  # (n_neurons,)
    z: np.ndarray | None = None
    a: np.ndarray | None = None
    y: float | None = None
    loss: float | None = None
    has_sum: bool = True
    loss_text: str = "l = y²"
    dl_dy: float | None = None
    dl_da: np.ndarray | None = None
    da_dz: np.ndarray | None = None
    dl_dz: np.ndarray | None = None
    dl_dw: np.ndarray | None = None
    dl_db: np.ndarray | None = None
    dl_dx: np.ndarray | None = None
    code: str = ""
    phase: str = ""
    highlight: frozenset[str] = field(default_factory=frozenset)
    selected: tuple[str, tuple[int, ...]] | None = None  # ("w", (i, n)) | ("b", (i,)) | ("x", (n,))
    first_index: int = 1  # the seed counts the layer's w_11 from 1, the neuron's w0 from 0
    note: str = ""  # a line under the diagram saying what the numbers are

    def input_sub(self, n: int) -> str:
        return str(n + self.first_index)

    def neuron_sub(self, i: int) -> str:
        """A single neuron's z, a and b carry no subscript, as in the seed."""
        return "" if self.n_neurons == 1 else str(i + self.first_index)

    def weight_sub(self, i: int, n: int) -> str:
        """w_in for a layer, w_n for a single neuron."""
        return self.neuron_sub(i) + self.input_sub(n)

    @property
    def n_inputs(self) -> int:
        return int(self.w.shape[1])

    @property
    def n_neurons(self) -> int:
        return int(self.w.shape[0])


@dataclass
class _Layout:
    inputs: list[QPointF]
    neurons: list[QPointF]
    relus: list[QPointF]
    total: QPointF | None
    loss: QPointF
    radius: float
    code_box: QRectF


def _n(value: float) -> str:
    return format_value(float(value), 4)


class NetworkDiagram(QWidget):
    """A custom-painted diagram of one dense layer, its ReLU, an optional sum, and the loss."""

    # (kind "w" | "b" | "x", index in the seed's layout: (neuron, input) | (neuron,) | (input,))
    element_clicked = Signal(str, object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setMinimumSize(520, 360)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(False)
        self.network: HandNetwork | None = None

    def sizeHint(self) -> QSize:
        return QSize(900, 560)

    def set_network(self, network: HandNetwork | None) -> None:
        """Draw `network`; safe to call on every snapshot."""
        self.network = network
        self.update()

    # --- geometry --------------------------------------------------------------------------

    def _layout(self) -> _Layout | None:
        net = self.network
        if net is None:
            return None
        width, height = float(self.width()), float(self.height())
        code_box = QRectF(8, 6, width - 16, 34)
        top, bottom = code_box.bottom() + 46, height - 50

        def column(count: int, x: float) -> list[QPointF]:
            gap = (bottom - top) / count
            return [QPointF(x, top + gap * (k + 0.5)) for k in range(count)]

        spacing = (bottom - top) / max(net.n_inputs, net.n_neurons)
        radius = max(14.0, min(30.0, spacing * 0.28))
        # Right to left at fixed gaps wide enough for "dl/dz1 = 35.16" under each node; the
        # edges, whose labels need the room most, get whatever width is left.
        gap = max(108.0, min(170.0, width * 0.12))
        loss_x = width - 55
        total_x = loss_x - gap
        relu_x = (total_x if net.has_sum else loss_x) - gap
        neuron_x = relu_x - gap
        inputs = column(net.n_inputs, 60.0)
        neurons = column(net.n_neurons, neuron_x)
        relus = column(net.n_neurons, relu_x)
        middle = (top + bottom) / 2
        total = QPointF(total_x, middle) if net.has_sum else None
        loss = QPointF(loss_x, middle)
        return _Layout(inputs, neurons, relus, total, loss, radius, code_box)

    def hit(self, point: QPointF) -> tuple[str, tuple[int, ...]] | None:
        """The weight, bias or input under `point` (widget coordinates), if any."""
        layout = self._layout()
        net = self.network
        if layout is None or net is None:
            return None
        for i, centre in enumerate(layout.neurons):
            if _distance(point, centre) <= layout.radius * 1.15:
                return "b", (i,)
        for n, centre in enumerate(layout.inputs):
            if _distance(point, centre) <= layout.radius * 1.15:
                return "x", (n,)
        best: tuple[float, tuple[int, int]] | None = None
        for i, end in enumerate(layout.neurons):
            for n, start in enumerate(layout.inputs):
                distance = _segment_distance(point, start, end)
                if distance <= EDGE_HIT_PX and (best is None or distance < best[0]):
                    best = (distance, (i, n))
        return None if best is None else ("w", best[1])

    def edge_midpoint(self, i: int, n: int) -> QPointF:
        """A point on the edge from input n to neuron i (for tests and tooltips)."""
        layout = self._layout()
        start, end = layout.inputs[n], layout.neurons[i]
        return start + (end - start) * 0.5

    def neuron_centre(self, i: int) -> QPointF:
        return self._layout().neurons[i]

    def input_centre(self, n: int) -> QPointF:
        return self._layout().inputs[n]

    def edge_line(self, i: int, n: int) -> QLineF:
        """The edge from input n to neuron i as drawn (for a lesson's highlight)."""
        layout = self._layout()
        return QLineF(layout.inputs[n], layout.neurons[i])

    def part_box(self, part: str, index: tuple[int, ...] = ()) -> QRectF | None:
        """The box a part of the diagram is drawn in: "input" (index (n,)), "neuron" and
        "relu" ((i,)), "sum" and "loss" (no index); None if the diagram has no such part."""
        layout = self._layout()
        if layout is None:
            return None
        circles = {"input": layout.inputs, "neuron": layout.neurons}
        boxes = {"relu": layout.relus, "sum": [layout.total], "loss": [layout.loss]}
        k = index[0] if index else 0
        if part in circles and k < len(circles[part]):
            centre, radius = circles[part][k], layout.radius
            return QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius)
        if part not in boxes or k >= len(boxes[part]) or boxes[part][k] is None:
            return None
        return _box_rect(boxes[part][k], layout.radius, BOX_TEXTS[part], QFont(self.font()))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        found = self.hit(event.position())
        if found is not None and event.button() == Qt.MouseButton.LeftButton:
            self.element_clicked.emit(*found)
            event.accept()
            return
        super().mousePressEvent(event)

    # --- painting --------------------------------------------------------------------------

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        theme = current_theme()
        painter.fillRect(self.rect(), QColor(theme.panel))
        layout = self._layout()
        net = self.network
        if layout is None or net is None:
            painter.setPen(QColor(theme.muted_text))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No network loaded")
            return
        base = QFont(self.font())
        self._paint_code(painter, layout, net, base)
        self._paint_edges(painter, layout, net, base)
        self._paint_inputs(painter, layout, net, base)
        self._paint_neurons(painter, layout, net, base)
        self._paint_head(painter, layout, net, base)
        if net.note:
            painter.setFont(base)
            painter.setPen(QColor(theme.muted_text))
            # Bottom-aligned and wrapped, so a narrow diagram shows the whole note.
            painter.drawText(QRectF(10, self.height() - 48, self.width() - 20, 44),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom
                             | Qt.TextFlag.TextWordWrap, net.note)
        painter.end()

    def _paint_code(self, painter: QPainter, layout: _Layout, net: HandNetwork,
                    base: QFont) -> None:
        theme = current_theme()
        box = layout.code_box
        painter.setPen(QPen(QColor(theme.border), 1))
        painter.setBrush(QColor(theme.window))
        painter.drawRoundedRect(box, 6, 6)
        code_font = QFont("monospace")
        code_font.setStyleHint(QFont.StyleHint.Monospace)
        code_font.setPointSizeF(base.pointSizeF() * 1.1)
        painter.setFont(code_font)
        painter.setPen(QColor(theme.text))
        text = f"{net.phase}:  {net.code}" if net.code else "ready: press Step (Right) to run " \
            "the first line of the forward pass"
        metrics = QFontMetricsF(code_font)
        text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, box.width() - 20)
        painter.drawText(box.adjusted(10, 0, -10, 0),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)

    def _paint_edges(self, painter: QPainter, layout: _Layout, net: HandNetwork,
                     base: QFont) -> None:
        theme = current_theme()
        scale = float(np.max(np.abs(net.w))) or 1.0
        small = QFont(base)
        small.setPointSizeF(base.pointSizeF() * 0.88)
        painter.setFont(small)
        metrics = QFontMetricsF(small)
        labels = []
        for i, end in enumerate(layout.neurons):
            for n, start in enumerate(layout.inputs):
                weight = float(net.w[i, n])
                colour = QColor(theme.positive if weight >= 0 else theme.negative)
                width = 1.0 + 5.0 * abs(weight) / scale
                selected = net.selected == ("w", (i, n))
                if "w" in net.highlight or "dl_dw" in net.highlight or selected:
                    glow = QColor(theme.accent if selected else GRADIENT_COLOUR)
                    glow.setAlphaF(0.35)
                    painter.setPen(QPen(glow, width + 8))
                    painter.drawLine(start, end)
                painter.setPen(QPen(colour, width))
                painter.drawLine(start, end)
                # One column of labels per neuron, evenly spread between the input labels
                # and the point where the edges start to crowd into the neurons.
                t = 0.2 + 0.5 * i / (net.n_neurons - 1) if net.n_neurons > 1 else 0.45
                labels.append((start + (end - start) * t, i, n, weight))
        for point, i, n, weight in labels:
            # One line per edge keeps a full matrix readable: the weight until its gradient is
            # computed, then the gradient (the weight stays in the table and the edge's width).
            # The selected edge shows both.
            selected = net.selected == ("w", (i, n))
            sub = net.weight_sub(i, n)
            lines = []
            if net.dl_dw is None or selected:
                lines.append((f"w{sub} {_n(weight)}", QColor(theme.text)))
            if net.dl_dw is not None:
                lines.append((f"dl/dw{sub} {_n(net.dl_dw[i, n])}", QColor(GRADIENT_COLOUR)))
            self._label_box(painter, metrics, point, lines, bold=selected)

    def _paint_inputs(self, painter: QPainter, layout: _Layout, net: HandNetwork,
                      base: QFont) -> None:
        theme = current_theme()
        for n, centre in enumerate(layout.inputs):
            self._node(painter, centre, layout.radius, f"x{net.input_sub(n)}",
                       highlighted="x" in net.highlight or "dl_dx" in net.highlight,
                       selected=net.selected == ("x", (n,)), base=base)
            above = [(f"x{net.input_sub(n)} = {_n(net.x[n])}", QColor(theme.text))]
            self._text_column(painter, base, centre, layout.radius, above, [])
            if net.dl_dx is not None:
                below = [(f"dl/dx{net.input_sub(n)} = {_n(net.dl_dx[n])}",
                          QColor(GRADIENT_COLOUR))]
                self._text_column(painter, base, centre, layout.radius, [], below)

    def _paint_neurons(self, painter: QPainter, layout: _Layout, net: HandNetwork,
                       base: QFont) -> None:
        theme = current_theme()
        for i, (centre, relu) in enumerate(zip(layout.neurons, layout.relus, strict=True)):
            painter.setPen(QPen(QColor(theme.muted_text), 2))
            painter.drawLine(centre, relu)
            nxt = layout.total if layout.total is not None else layout.loss
            painter.drawLine(relu, nxt)
            k = net.neuron_sub(i)
            selected = net.selected == ("b", (i,))
            self._node(painter, centre, layout.radius, "Σ",
                       highlighted=bool({"z", "b", "dl_dz", "dl_db"} & net.highlight),
                       selected=selected, base=base)
            above = [(f"b{k} = {_n(net.b[i])}", QColor(theme.text))]
            if net.z is not None:
                above.append((f"z{k} = {_n(net.z[i])}", QColor(theme.text)))
            below = []
            if net.dl_dz is not None:
                below.append((f"dl/dz{k} = {_n(net.dl_dz[i])}", QColor(GRADIENT_COLOUR)))
            if net.dl_db is not None:
                below.append((f"dl/db{k} = {_n(net.dl_db[i])}", QColor(GRADIENT_COLOUR)))
            self._text_column(painter, base, centre, layout.radius, above, below)

            self._node(painter, relu, layout.radius, BOX_TEXTS["relu"],
                       highlighted=bool({"a", "dl_da", "da_dz"} & net.highlight), selected=False,
                       base=base, box=True)
            above = [] if net.a is None else [(f"a{k} = {_n(net.a[i])}", QColor(theme.text))]
            below = []
            if net.dl_da is not None:
                below.append((f"dl/da{k} = {_n(net.dl_da[i])}", QColor(GRADIENT_COLOUR)))
            if net.da_dz is not None:
                below.append((f"da{k}/dz{k} = {_n(net.da_dz[i])}", QColor(GRADIENT_COLOUR)))
            self._text_column(painter, base, relu, layout.radius, above, below)

    def _paint_head(self, painter: QPainter, layout: _Layout, net: HandNetwork,
                    base: QFont) -> None:
        theme = current_theme()
        if layout.total is not None:
            painter.setPen(QPen(QColor(theme.muted_text), 2))
            painter.drawLine(layout.total, layout.loss)
            self._node(painter, layout.total, layout.radius, BOX_TEXTS["sum"],
                       highlighted=bool({"y", "dl_dy"} & net.highlight), selected=False,
                       base=base, box=True)
            above = [] if net.y is None else [(f"y = {_n(net.y)}", QColor(theme.text))]
            below = [] if net.dl_dy is None else \
                [(f"dl/dy = {_n(net.dl_dy)}", QColor(GRADIENT_COLOUR))]
            self._text_column(painter, base, layout.total, layout.radius, above, below)
        self._node(painter, layout.loss, layout.radius, BOX_TEXTS["loss"],
                   highlighted="loss" in net.highlight, selected=False, base=base, box=True)
        above = [(net.loss_text, QColor(theme.muted_text))]
        if net.loss is not None:
            above.append((f"l = {_n(net.loss)}", QColor(theme.text)))
        self._text_column(painter, base, layout.loss, layout.radius, above, [])

    # --- drawing helpers -------------------------------------------------------------------

    def _node(self, painter: QPainter, centre: QPointF, radius: float, text: str, *,
              highlighted: bool, selected: bool, base: QFont, box: bool = False) -> None:
        theme = current_theme()
        if highlighted or selected:
            glow = QColor(theme.accent if selected else GRADIENT_COLOUR)
            glow.setAlphaF(0.35)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(glow)
            painter.drawEllipse(centre, radius + 9, radius + 9)
        painter.setPen(QPen(QColor(theme.accent if selected else theme.text),
                            3 if selected else 1.5))
        painter.setBrush(QColor(theme.window))
        if box:
            painter.drawRoundedRect(_box_rect(centre, radius, text, base), 6, 6)
        else:
            painter.drawEllipse(centre, radius, radius)
        font = QFont(base)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor(theme.text))
        painter.drawText(QRectF(centre.x() - 60, centre.y() - radius, 120, 2 * radius),
                         Qt.AlignmentFlag.AlignCenter, text)

    def _text_column(self, painter: QPainter, base: QFont, centre: QPointF, radius: float,
                     above: list[tuple[str, QColor]], below: list[tuple[str, QColor]]) -> None:
        painter.setFont(base)
        metrics = QFontMetricsF(base)
        line = metrics.height()
        placed = [(centre.y() - radius - 4 - line * (k + 1), text, colour)
                  for k, (text, colour) in enumerate(reversed(above))]
        placed += [(centre.y() + radius + 4 + line * k, text, colour)
                   for k, (text, colour) in enumerate(below)]
        background = QColor(current_theme().panel)
        background.setAlphaF(0.8)
        for y, text, colour in placed:
            width = metrics.horizontalAdvance(text) + 6
            # A backing so edges passing behind never cross out a number.
            painter.fillRect(QRectF(centre.x() - width / 2, y, width, line), background)
            painter.setPen(colour)
            painter.drawText(QRectF(centre.x() - 110, y, 220, line),
                             Qt.AlignmentFlag.AlignCenter, text)

    def _label_box(self, painter: QPainter, metrics: QFontMetricsF, point: QPointF,
                   lines: list[tuple[str, QColor]], bold: bool) -> None:
        theme = current_theme()
        width = max(metrics.horizontalAdvance(text) for text, _ in lines) + 8
        height = metrics.height() * len(lines) + 2
        rect = QRectF(point.x() - width / 2, point.y() - height / 2, width, height)
        background = QColor(theme.panel)
        background.setAlphaF(0.85)
        path = QPainterPath()
        path.addRoundedRect(rect, 4, 4)
        painter.fillPath(path, background)
        if bold:
            painter.setPen(QPen(QColor(theme.accent), 2))
            painter.drawPath(path)
        for k, (text, colour) in enumerate(lines):
            painter.setPen(colour)
            painter.drawText(QRectF(rect.x(), rect.y() + 1 + k * metrics.height(), width,
                                    metrics.height()), Qt.AlignmentFlag.AlignCenter, text)


def _box_rect(centre: QPointF, radius: float, text: str, font: QFont) -> QRectF:
    """The rounded box of a ReLU, sum or loss node: wide enough for its text."""
    width = max(2 * radius, QFontMetricsF(font).horizontalAdvance(text) + 14)
    return QRectF(centre.x() - width / 2, centre.y() - radius * 0.75, width, radius * 1.5)


def _distance(a: QPointF, b: QPointF) -> float:
    return math.hypot(a.x() - b.x(), a.y() - b.y())


def _segment_distance(point: QPointF, start: QPointF, end: QPointF) -> float:
    dx, dy = end.x() - start.x(), end.y() - start.y()
    length2 = dx * dx + dy * dy
    if length2 == 0:
        return _distance(point, start)
    t = ((point.x() - start.x()) * dx + (point.y() - start.y()) * dy) / length2
    t = max(0.0, min(1.0, t))
    return _distance(point, QPointF(start.x() + t * dx, start.y() + t * dy))
