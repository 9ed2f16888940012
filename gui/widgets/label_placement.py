"""Where a network diagram's edge labels go: label sizes in, positions out, nothing painted.

An edge label (a weight, its gradient) must sit on its own edge, so a reader knows whose number
it is, and nowhere else: not on a node, not on a fixed text (a node's values), not on another
label and not on any other edge. Each label tries spots along its edge, nearest its preferred
fraction first (the diagram spreads a neuron's edges over different fractions), and takes the
first clean one. Labels that found none get another go first, which often frees room; a label
may offer shorter variants (its number without its name), and the first variant every label
can take cleanly is used for all, so the diagram stays consistent. What still has no clean spot
is reported as unplaced for the caller to show on demand (selected, or under the mouse).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

GAP = 2.0  # pixels kept free around every label
STEP = 0.02  # fraction of an edge between two tried spots
PASSES = 4  # greedy passes, each starting with the labels the previous one could not place


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle in pixels."""

    left: float
    top: float
    width: float
    height: float

    @classmethod
    def centred(cls, x: float, y: float, width: float, height: float) -> Box:
        return cls(x - width / 2, y - height / 2, width, height)

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height

    @property
    def centre(self) -> tuple[float, float]:
        return self.left + self.width / 2, self.top + self.height / 2

    def grown(self, by: float) -> Box:
        return Box(self.left - by, self.top - by, self.width + 2 * by, self.height + 2 * by)

    def overlaps(self, other: Box) -> bool:
        return (self.left < other.right and other.left < self.right
                and self.top < other.bottom and other.top < self.bottom)

    def contains(self, other: Box) -> bool:
        return (self.left <= other.left and other.right <= self.right
                and self.top <= other.top and other.bottom <= self.bottom)


@dataclass(frozen=True)
class Segment:
    """A straight edge from (x1, y1) to (x2, y2)."""

    x1: float
    y1: float
    x2: float
    y2: float

    def at(self, fraction: float) -> tuple[float, float]:
        return (self.x1 + (self.x2 - self.x1) * fraction,
                self.y1 + (self.y2 - self.y1) * fraction)

    def crosses(self, box: Box) -> bool:
        """Whether any part of the segment lies inside `box` (Liang-Barsky clipping)."""
        dx, dy = self.x2 - self.x1, self.y2 - self.y1
        low, high = 0.0, 1.0
        for p, q in ((-dx, self.x1 - box.left), (dx, box.right - self.x1),
                     (-dy, self.y1 - box.top), (dy, box.bottom - self.y1)):
            if p == 0:
                if q < 0:
                    return False
                continue
            t = q / p
            if p < 0:
                low = max(low, t)
            else:
                high = min(high, t)
            if low > high:
                return False
        return True


@dataclass(frozen=True)
class EdgeLabel:
    """A label of edge number `edge`: its sizes (width, height), most wanted first."""

    edge: int
    sizes: tuple[tuple[float, float], ...]
    preferred: float = 0.5  # the fraction along the edge to try first
    lowest: float = 0.1  # the spots tried run from this fraction...
    highest: float = 0.9  # ...to this one


@dataclass(frozen=True)
class Placement:
    """Where each label went: `boxes[k]` for labels[k] (None: no clean spot), and which of its
    sizes every label uses (`variant`)."""

    boxes: tuple[Box | None, ...]
    variant: int

    @property
    def unplaced(self) -> tuple[int, ...]:
        return tuple(k for k, box in enumerate(self.boxes) if box is None)


def place_edge_labels(labels: Sequence[EdgeLabel], edges: Sequence[Segment],
                      obstacles: Sequence[Box], bounds: Box) -> Placement:
    """Boxes for `labels` on their `edges`, clear of `obstacles`, other labels and other edges,
    inside `bounds`; the first size variant that places every label, else the one that places
    the most."""
    variants = max((len(label.sizes) for label in labels), default=1)
    best: Placement | None = None
    for variant in range(variants):
        boxes = _greedy(labels, variant, edges, obstacles, bounds)
        placement = Placement(tuple(boxes), variant)
        if not placement.unplaced:
            return placement
        if best is None or len(placement.unplaced) < len(best.unplaced):
            best = placement
    return best if best is not None else Placement((), 0)


def _greedy(labels: Sequence[EdgeLabel], variant: int, edges: Sequence[Segment],
            obstacles: Sequence[Box], bounds: Box) -> list[Box | None]:
    """A few greedy passes; each places first the labels the one before could not."""
    order = list(range(len(labels)))
    best: list[Box | None] = [None] * len(labels)
    for _ in range(PASSES):
        boxes: list[Box | None] = [None] * len(labels)
        taken: list[Box] = []
        for k in order:
            box = _first_clean_spot(labels[k], variant, edges, [*obstacles, *taken], bounds)
            boxes[k] = box
            if box is not None:
                taken.append(box.grown(GAP))
        if sum(box is None for box in boxes) < sum(box is None for box in best) \
                or best == [None] * len(labels):
            best = boxes
        failed = [k for k in order if boxes[k] is None]
        if not failed:
            break
        order = failed + [k for k in order if boxes[k] is not None]
    return best


def _first_clean_spot(label: EdgeLabel, variant: int, edges: Sequence[Segment],
                      blocked: Sequence[Box], bounds: Box) -> Box | None:
    width, height = label.sizes[min(variant, len(label.sizes) - 1)]
    edge = edges[label.edge]
    for fraction in _fractions(label):
        box = Box.centred(*edge.at(fraction), width, height)
        clear = box.grown(GAP)
        if not bounds.contains(box) or any(clear.overlaps(other) for other in blocked):
            continue
        if any(other.crosses(clear) for n, other in enumerate(edges) if n != label.edge):
            continue
        return box
    return None


def _fractions(label: EdgeLabel) -> list[float]:
    """The fractions along the edge to try, nearest the preferred one first."""
    count = int(round((label.highest - label.lowest) / STEP))
    spots = [label.lowest + STEP * k for k in range(count + 1)]
    return sorted(spots, key=lambda fraction: abs(fraction - label.preferred))
