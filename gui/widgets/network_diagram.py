"""The hand-backprop network drawn as the seed draws it: inputs, weighted edges, neurons, ReLU,
(sum,) loss, with every number written where it is computed.

Forward values (z, a, y, l) sit above the nodes, gradients (dl/dy, dl/da, dl/dz, dl/dw, dl/db,
dl/dx) below them in the gradient colour, so a learner reads the backward pass right to left
on the same picture as the forward pass. The operation that just ran is outlined and its line
of code shown on top. Clicking an edge, its label or a neuron selects that weight or bias.
Where each thing goes is gui.widgets.diagram_scene's; this widget paints it and answers clicks.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QEvent, QLineF, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QMouseEvent, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from gui.shell.theme import current_theme
from gui.widgets.diagram_scene import (
    EDGE_TEXT_SCALE,
    Scene,
    Text,
    build_scene,
    scaled_font,
)
from gui.widgets.diagram_text import PREVIEW
from gui.widgets.hand_network import HandNetwork
from gui.widgets.label_placement import Box

__all__ = ["GRADIENT_COLOUR", "HandNetwork", "NetworkDiagram"]

EDGE_HIT_PX = 7.0  # how close to an edge a click must land to select its weight
GRADIENT_COLOUR = "#CC79A7"  # Okabe-Ito reddish purple: the colour of every dl/d... on screen
LABEL_RADIUS = 4.0  # corners of the labels' backgrounds
WARNING_COLOUR = "#D55E00"  # Okabe-Ito vermillion: why gradients are 0 (a dead ReLU, say)
PREVIEW_ALPHA = 0.45  # a value only previewed is drawn this opaque: greyed, until computed


class NetworkDiagram(QWidget):
    """A custom-painted diagram of one dense layer, its ReLU, an optional sum, and the loss."""

    # (kind "w" | "b" | "x", index in the seed's layout: (neuron, input) | (neuron,) | (input,))
    element_clicked = Signal(str, object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setMinimumSize(320, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(False)
        self.network: HandNetwork | None = None
        self._scene: Scene | None = None

    def sizeHint(self) -> QSize:
        return QSize(900, 560)

    def set_network(self, network: HandNetwork | None) -> None:
        """Draw `network`; safe to call on every snapshot."""
        self.network = network
        self._scene = None
        self.update()

    def scene(self) -> Scene | None:
        """Where everything goes at the widget's size and font (None without a network)."""
        if self._scene is None and self.network is not None:
            self._scene = build_scene(self.network, float(self.width()), float(self.height()),
                                      QFont(self.font()))
        return self._scene

    def resizeEvent(self, event) -> None:
        self._scene = None
        super().resizeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._scene = None
        super().changeEvent(event)

    # --- where things are ------------------------------------------------------------------

    def hit(self, point: QPointF) -> tuple[str, tuple[int, ...]] | None:
        """The weight, bias or input under `point` (widget coordinates), if any."""
        scene = self.scene()
        net = self.network
        if scene is None or net is None:
            return None
        for i, centre in enumerate(scene.neurons):
            if _distance(point, centre) <= scene.radius * 1.15:
                return "b", (i,)
        for n, centre in enumerate(scene.inputs):
            if _distance(point, centre) <= scene.radius * 1.15:
                return "x", (n,)
        for k, label in enumerate(scene.weight_labels):
            if label is not None and _inside(point, label.box):
                return "w", divmod(k, net.n_inputs)
        best: tuple[float, tuple[int, int]] | None = None
        for k, edge in enumerate(scene.weight_edges):
            distance = _segment_distance(point, edge.segment)
            if distance <= EDGE_HIT_PX and (best is None or distance < best[0]):
                best = (distance, divmod(k, net.n_inputs))
        return None if best is None else ("w", best[1])

    def edge_midpoint(self, i: int, n: int) -> QPointF:
        """A point on the edge from input n to neuron i (for tests and tooltips)."""
        return QPointF(*self.scene().weight_edges[i * self.network.n_inputs + n].segment.at(0.5))

    def neuron_centre(self, i: int) -> QPointF:
        return QPointF(*self.scene().neurons[i])

    def input_centre(self, n: int) -> QPointF:
        return QPointF(*self.scene().inputs[n])

    def edge_line(self, i: int, n: int) -> QLineF:
        """The edge from input n to neuron i as drawn (for a lesson's highlight)."""
        segment = self.scene().weight_edges[i * self.network.n_inputs + n].segment
        return QLineF(segment.x1, segment.y1, segment.x2, segment.y2)

    def part_box(self, part: str, index: tuple[int, ...] = ()) -> QRectF | None:
        """The box a part of the diagram is drawn in: "input" (index (n,)), "neuron" and
        "relu" ((i,)), "sum" and "loss" (no index); None if the diagram has no such part."""
        scene = self.scene()
        if scene is None:
            return None
        k = index[0] if index else 0
        owners = {"input": f"x{k}", "neuron": f"sum{k}", "relu": f"relu{k}", "sum": "total",
                  "loss": "loss"}
        box = scene.node_boxes.get(owners.get(part, ""))
        return None if box is None else _rect(box)

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
        scene = self.scene()
        net = self.network
        if scene is None or net is None:
            painter.setPen(QColor(theme.muted_text))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No network loaded")
            return
        base = scaled_font(QFont(self.font()), scene.scale)
        self._paint_code(painter, scene, net)
        self._paint_edges(painter, scene, net)
        self._paint_nodes(painter, scene, net, base)
        painter.setFont(base)
        for text in scene.texts:
            self._paint_text(painter, text, base, outlined=False)
        self._paint_weight_labels(painter, scene, net, scaled_font(base, EDGE_TEXT_SCALE))
        self._paint_notes(painter, scene, net, base)
        painter.end()

    def _paint_notes(self, painter: QPainter, scene: Scene, net: HandNetwork,
                     base: QFont) -> None:
        """The band under the drawing: why gradients are 0 (when they are), then what the
        numbers are; bottom-aligned and wrapped, so a narrow diagram shows them whole."""
        theme = current_theme()
        painter.setFont(base)
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom | \
            Qt.TextFlag.TextWordWrap
        band = QRectF(10, self.height() - scene.note_height - 4, self.width() - 20,
                      scene.note_height)
        note = QRectF(band)
        if net.note:
            painter.setPen(QColor(theme.muted_text))
            used = painter.boundingRect(band, flags, net.note)
            painter.drawText(band, flags, net.note)
            note.setBottom(band.bottom() - used.height())
        if net.warning:
            painter.setPen(QColor(WARNING_COLOUR))
            painter.drawText(note, flags, net.warning)

    def _paint_code(self, painter: QPainter, scene: Scene, net: HandNetwork) -> None:
        theme = current_theme()
        box = _rect(scene.code_box)
        painter.setPen(QPen(QColor(theme.border), 1))
        painter.setBrush(QColor(theme.window))
        painter.drawRoundedRect(box, 6, 6)
        code_font = QFont("monospace")
        code_font.setStyleHint(QFont.StyleHint.Monospace)
        code_font.setPointSizeF(self.font().pointSizeF() * 1.1)
        painter.setFont(code_font)
        painter.setPen(QColor(theme.text))
        text = f"{net.phase}:  {net.code}" if net.code else "ready: press Step (Right) to run " \
            "the first line of the forward pass"
        if net.preview and not net.code:
            text += " (greyed: a preview)"
        metrics = QFontMetricsF(code_font)
        text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, box.width() - 20)
        painter.drawText(box.adjusted(10, 0, -10, 0),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)

    def _paint_edges(self, painter: QPainter, scene: Scene, net: HandNetwork) -> None:
        theme = current_theme()
        scale = float(np.max(np.abs(net.w))) or 1.0
        for k, edge in enumerate(scene.weight_edges):
            i, n = divmod(k, net.n_inputs)
            weight = float(net.w[i, n])
            start, end = QPointF(edge.segment.x1, edge.segment.y1), \
                QPointF(edge.segment.x2, edge.segment.y2)
            width = 1.0 + 5.0 * abs(weight) / scale
            selected = net.selected == ("w", (i, n))
            if "w" in net.highlight or "dl_dw" in net.highlight or selected:
                glow = QColor(theme.accent if selected else GRADIENT_COLOUR)
                glow.setAlphaF(0.35)
                painter.setPen(QPen(glow, width + 8))
                painter.drawLine(start, end)
            painter.setPen(QPen(QColor(theme.positive if weight >= 0 else theme.negative),
                                width))
            painter.drawLine(start, end)
        painter.setPen(QPen(QColor(theme.muted_text), 2))
        for wire in scene.wires:
            painter.drawLine(QPointF(wire.segment.x1, wire.segment.y1),
                             QPointF(wire.segment.x2, wire.segment.y2))

    def _paint_nodes(self, painter: QPainter, scene: Scene, net: HandNetwork,
                     base: QFont) -> None:
        lit = net.highlight
        for n in range(net.n_inputs):
            self._node(painter, scene, f"x{n}", net, bool({"x", "dl_dx"} & lit),
                       net.selected == ("x", (n,)), base)
        for i in range(net.n_neurons):
            self._node(painter, scene, f"sum{i}", net, bool({"z", "b", "dl_dz", "dl_db"} & lit),
                       net.selected == ("b", (i,)), base)
            self._node(painter, scene, f"relu{i}", net, bool({"a", "dl_da", "da_dz"} & lit),
                       False, base)
        if scene.total is not None:
            self._node(painter, scene, "total", net, bool({"y", "dl_dy"} & lit), False, base)
        self._node(painter, scene, "loss", net, "loss" in lit, False, base)

    def _node(self, painter: QPainter, scene: Scene, owner: str, net: HandNetwork,
              highlighted: bool, selected: bool, base: QFont) -> None:
        theme = current_theme()
        box = _rect(scene.node_boxes[owner])
        round_node = owner.startswith(("x", "sum"))
        # An inactive ReLU passes nothing on: drawn dashed, in the warning's colour.
        inactive = owner.startswith("relu") and int(owner[4:]) in net.inactive
        if highlighted or selected:
            glow = QColor(theme.accent if selected else GRADIENT_COLOUR)
            glow.setAlphaF(0.35)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(glow)
            radius = scene.radius + 9
            painter.drawEllipse(box.center(), radius, radius)
        pen = QPen(QColor(theme.accent if selected else theme.text), 3 if selected else 1.5)
        if inactive:
            pen.setColor(QColor(WARNING_COLOUR))
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(QColor(theme.window))
        if round_node:
            painter.drawEllipse(box)
        else:
            painter.drawRoundedRect(box, 6, 6)
        font = QFont(base)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor(theme.text))
        painter.drawText(box.adjusted(-60, 0, 60, 0), Qt.AlignmentFlag.AlignCenter,
                         scene.captions[owner])

    def _paint_weight_labels(self, painter: QPainter, scene: Scene, net: HandNetwork,
                             font: QFont) -> None:
        theme = current_theme()
        for k in scene.callouts:
            # A label with no clean spot on its edge, joined to the edge's middle.
            label = scene.weight_labels[k]
            if label is not None:
                middle = scene.weight_edges[k].segment.at(0.5)
                painter.setPen(QPen(QColor(theme.accent), 1, Qt.PenStyle.DashLine))
                painter.drawLine(QPointF(*label.box.centre), QPointF(*middle))
        painter.setFont(font)
        for k, label in enumerate(scene.weight_labels):
            if label is not None:
                i, n = divmod(k, net.n_inputs)
                self._paint_text(painter, label, font, outlined=net.selected == ("w", (i, n)))

    def _paint_text(self, painter: QPainter, text: Text, font: QFont, outlined: bool) -> None:
        """Lines on a rounded background in the panel's colour, so no edge runs through them."""
        theme = current_theme()
        colours = {"text": theme.text, "gradient": GRADIENT_COLOUR, "muted": theme.muted_text}
        rect = _rect(text.box)
        path = QPainterPath()
        path.addRoundedRect(rect, LABEL_RADIUS, LABEL_RADIUS)
        painter.fillPath(path, QColor(theme.panel))
        if outlined:
            painter.setPen(QPen(QColor(theme.accent), 2))
            painter.drawPath(path)
        height = QFontMetricsF(font).height()
        top = rect.top() + (rect.height() - height * len(text.lines)) / 2
        for k, (line, role) in enumerate(text.lines):
            colour = QColor(colours[role.removesuffix(PREVIEW)])
            if role.endswith(PREVIEW):
                colour.setAlphaF(PREVIEW_ALPHA)  # greyed until the stepper computes it
            painter.setPen(colour)
            painter.drawText(QRectF(rect.left(), top + k * height, rect.width(), height),
                             Qt.AlignmentFlag.AlignCenter, line)


def _rect(box: Box) -> QRectF:
    return QRectF(box.left, box.top, box.width, box.height)


def _inside(point: QPointF, box: Box) -> bool:
    return box.left <= point.x() <= box.right and box.top <= point.y() <= box.bottom


def _distance(a: QPointF, b: tuple[float, float]) -> float:
    return math.hypot(a.x() - b[0], a.y() - b[1])


def _segment_distance(point: QPointF, segment) -> float:
    dx, dy = segment.x2 - segment.x1, segment.y2 - segment.y1
    length2 = dx * dx + dy * dy
    if length2 == 0:
        return _distance(point, (segment.x1, segment.y1))
    t = ((point.x() - segment.x1) * dx + (point.y() - segment.y1) * dy) / length2
    t = max(0.0, min(1.0, t))
    return _distance(point, segment.at(t))
