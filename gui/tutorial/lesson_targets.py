"""Where on the window a lesson's highlight points: a panel, a table cell, a part of the hand
lab's diagram, a line of the chain rule, a plot, found in the lab on screen.

The engine names what a step highlights as the window names it (engine/files/lesson_terms.py);
this module finds the widget behind each name and the rectangle it covers, in the window's
coordinates, every time the overlay paints, so a ring follows a dock that is resized or moved.
`reveal` first brings the thing into view (a dock tabbed behind another raised, a table cell
scrolled to, the layer inspector showing the array). What cannot be found is a problem in
words, which the window shows as a warning; the lesson goes on.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QLineF, QPoint, QPointF, QRect, QRectF
from PySide6.QtWidgets import QDockWidget, QGraphicsItem, QScrollArea, QWidget

from engine.files.lesson_terms import Highlight

CENTRAL_PANELS = {"hand": "diagram", "classification": "boundary"}
SAMPLE_FREE = ("weights", "biases", "dweights", "dbiases", "weight_momentums",
               "bias_momentums", "weight_cache", "bias_cache")  # inspector arrays without samples


@dataclass(frozen=True)
class Spot:
    """One highlighted place: the rectangle to ring, in window coordinates, and for an edge of
    the diagram the line to ring along. tight: a line of text or a table cell, whose ring
    must not cover its neighbours."""

    rect: QRectF
    line: QLineF | None = None
    tight: bool = False


def locate(window: QWidget, lab, highlight: Highlight) -> Spot | str:
    """Where `highlight` is drawn in `window` now, or why it cannot be shown."""
    kind = highlight.kind
    if kind == "panel":
        found = _panel(lab, highlight.name)
        return found if isinstance(found, str) else _spot(window, found, found.rect())
    if kind == "plot":
        return _plot(window, lab, highlight.name)
    if kind == "cell":
        return _cell(window, lab, highlight)
    if kind == "diagram":
        return _diagram(window, lab, highlight)
    if kind == "chain_rule":
        rect = lab.chain_rule.line_rect(highlight.name)
        if rect is None:
            return f"the chain rule panel does not show its {highlight.name} line now"
        return _spot(window, lab.chain_rule, rect, tight=True)
    return f"nothing on the window is called {highlight}"


def reveal(window: QWidget, lab, highlight: Highlight) -> None:
    """Bring what `highlight` points at into view: its dock shown and in front, the layer
    inspector on its array, its table cell scrolled to."""
    widget: QWidget | None
    if highlight.kind == "panel":
        found = _panel(lab, highlight.name)
        widget = None if isinstance(found, str) else found
    elif highlight.kind == "plot":
        found = _plot_widget(lab, highlight.name)
        widget = found[0] if found else None
    elif highlight.kind == "cell":
        widget = _cell_editor(lab, highlight)
        if widget is not None and lab.kind == "hand":
            _scroll_to(widget)
    elif highlight.kind == "diagram":
        widget = getattr(lab, "diagram", None)
    else:
        widget = lab.chain_rule
    if widget is not None:
        bring_forward(widget)


def bring_forward(widget: QWidget) -> None:
    """Show the dock holding `widget` and put it in front of the docks tabbed with it."""
    dock = widget if isinstance(widget, QDockWidget) else _ancestor(widget, QDockWidget)
    if dock is not None:
        if not dock.isVisible() and dock.toggleViewAction().isVisible():
            dock.show()
        dock.raise_()


# --- each kind -----------------------------------------------------------------------------------


def _panel(lab, key: str) -> QWidget | str:
    if key == CENTRAL_PANELS.get(lab.kind):
        return lab.central_view
    dock = lab.docks.get(key)
    if dock is None:
        return f"the {lab.kind} lab has no panel {key!r}"
    return dock


def _plot_widget(lab, name: str) -> tuple[QWidget, QGraphicsItem | None] | None:
    """The widget a plot is drawn in, and the plot's item inside it when several plots share
    one widget (the training curves)."""
    if lab.kind == "hand":
        widgets = {"loss": lab.loss_plot, "loss_along_weight": lab.loss_along_weight}
        return (widgets[name], None) if name in widgets else None
    curves = lab.curves
    items = {"loss": curves.loss_plot, "accuracy": curves.accuracy_plot,
             "learning_rate": curves.rate_plot}
    if name in items:
        return curves.graphics, items[name]
    widgets = {"boundary": lab.boundary, "neuron_maps": lab.neuron_maps}
    return (widgets[name], None) if name in widgets else None


def _plot(window: QWidget, lab, name: str) -> Spot | str:
    found = _plot_widget(lab, name)
    if found is None:
        return f"the {lab.kind} lab has no plot {name!r}"
    widget, item = found
    if item is None:
        return _spot(window, widget, widget.rect())
    polygon = widget.mapFromScene(item.sceneBoundingRect())
    return _spot(window, widget.viewport(), polygon.boundingRect())


def _cell_editor(lab, highlight: Highlight):
    """The table editor that shows the cell's array (the layer inspector switched to it)."""
    target = highlight.target
    if lab.kind == "hand":
        return lab.parameters.editors.get(target.name)
    inspector = lab.inspector
    if inspector.shown_name() != target.name:
        inspector.show_array(target.name)
    return inspector.editor if inspector.shown_name() == target.name else None


def _cell(window: QWidget, lab, highlight: Highlight) -> Spot | str:
    target = highlight.target
    editor = _cell_editor(lab, highlight)
    if editor is None:
        return f"no table shows {target.name} here"
    if lab.kind == "classification" and target.name.rpartition(".")[2] not in SAMPLE_FREE:
        # A per-sample array shows a window of its rows: the whole table is pointed at.
        return _spot(window, editor, editor.rect())
    rect = editor.cell_rect(target.index or ())
    if rect is None:
        return f"{target} is not a cell of the table of {target.name}"
    return _spot(window, editor, rect, tight=True)


def _diagram(window: QWidget, lab, highlight: Highlight) -> Spot | str:
    diagram = getattr(lab, "diagram", None)
    if diagram is None:
        return "only the hand lab draws the diagram"
    if highlight.name == "edge":
        i, n = highlight.index
        try:
            line = diagram.edge_line(i, n)
        except (IndexError, AttributeError):
            return f"the diagram has no {highlight}"
        offset = QPointF(diagram.mapTo(window, QPoint(0, 0)))
        line = line.translated(offset)
        padded = QRectF(line.p1(), line.p2()).normalized().adjusted(-6, -6, 6, 6)
        return Spot(padded, line) if diagram.isVisible() else "the diagram is hidden"
    box = diagram.part_box(highlight.name, highlight.index)
    if box is None:
        return f"the diagram has no {highlight}"
    return _spot(window, diagram, box)


# --- geometry ------------------------------------------------------------------------------------


def _spot(window: QWidget, widget: QWidget, rect: QRect | QRectF,
          tight: bool = False) -> Spot | str:
    """`rect` of `widget` in window coordinates, cut to what its scroll area shows."""
    if not widget.isVisible():
        return "it is in a panel that is hidden"
    rect = QRectF(rect).translated(QPointF(widget.mapTo(window, QPoint(0, 0))))
    scroll = _ancestor(widget, QScrollArea)
    if scroll is not None:
        viewport = scroll.viewport()
        shown = QRectF(QPointF(viewport.mapTo(window, QPoint(0, 0))),
                       QRectF(viewport.rect()).size())
        rect = rect.intersected(shown)
        if rect.isEmpty():
            return "it is scrolled out of view"
    return Spot(rect, tight=tight)


def _scroll_to(widget: QWidget) -> None:
    scroll = _ancestor(widget, QScrollArea)
    if scroll is not None:
        scroll.ensureWidgetVisible(widget)


def _ancestor(widget: QWidget, kind: type) -> QWidget | None:
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, kind):
        parent = parent.parentWidget()
    return parent
