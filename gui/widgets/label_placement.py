"""Where a network diagram's edge labels go: label sizes in, positions out, nothing painted.

An edge label (a weight, its gradient) must sit on its own edge, so a reader knows whose number
it is, and nowhere else: not on a node, not on a fixed text (a node's values), not on another
label and not on any other edge. Each label tries spots along its edge, nearest its preferred
fraction first (the diagram spreads a neuron's edges over different fractions), and takes the
first clean one. Labels that found none get another go first, which often frees room; a label
may offer shorter variants (its number without its name), and the first variant every label
can take cleanly is used for all, so the diagram stays consistent. What still has no clean spot
is reported as unplaced for the caller to show on demand. A required label (the selected
weight's) goes first, and if its edge has no clean spot it becomes a callout: the free spot
nearest the middle of its edge, touching no edge at all, for the caller to join to its edge by
a leader line. Where every edge of a dense layer crosses every other (8 by 8 neurons), there is
no clean spot on most edges: there only required labels are shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

GAP = 2.0  # pixels kept free around every label
STEP = 0.02  # fraction of an edge between two tried spots
CALLOUT_STEP = 8.0  # pixels between two spots tried for a callout
CALLOUT_CHUNK = 256  # callout spots tested against the edges at once
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


@dataclass(frozen=True)
class EdgeLabel:
    """A label of edge number `edge`: its sizes (width, height), most wanted first."""

    edge: int
    sizes: tuple[tuple[float, float], ...]
    preferred: float = 0.5  # the fraction along the edge to try first
    lowest: float = 0.1  # the spots tried run from this fraction...
    highest: float = 0.9  # ...to this one
    required: bool = False  # placed first, and off its edge (a callout) if it must


@dataclass(frozen=True)
class Placement:
    """Where each label went: `boxes[k]` for labels[k] (None: no clean spot), which of its
    sizes every label uses (`variant`), and the labels placed off their edge (`callouts`)."""

    boxes: tuple[Box | None, ...]
    variant: int
    callouts: tuple[int, ...] = ()

    @property
    def unplaced(self) -> tuple[int, ...]:
        return tuple(k for k, box in enumerate(self.boxes) if box is None)


def place_edge_labels(labels: Sequence[EdgeLabel], edges: Sequence[Segment],
                      obstacles: Sequence[Box], bounds: Box) -> Placement:
    """Boxes for `labels` on their `edges`, clear of `obstacles`, other labels and other edges,
    inside `bounds`; the first size variant that places every label, else the one that places
    the most."""
    segments = segment_array(edges)
    blocked = box_array(obstacles)
    variants = max((len(label.sizes) for label in labels), default=1)
    best: Placement | None = None
    for variant in range(variants):
        spots = _clean_spots(labels, variant, segments, blocked, bounds)
        first = [k for k, label in enumerate(labels) if label.required]
        boxes = _greedy(spots, first)
        callouts = []
        for k in first:
            if boxes[k] is None:
                taken = [box for box in boxes if box is not None]
                size = labels[k].sizes[min(variant, len(labels[k].sizes) - 1)]
                boxes[k] = _callout(size, edges[labels[k].edge], segments,
                                    np.vstack([blocked, box_array(taken)]), bounds)
                callouts.append(k)
        placement = Placement(tuple(boxes), variant, tuple(callouts))
        if not placement.unplaced:
            return placement
        if best is None or len(placement.unplaced) < len(best.unplaced):
            best = placement
    return best if best is not None else Placement((), 0)


def _callout(size: tuple[float, float], edge: Segment, segments: np.ndarray,
             blocked: np.ndarray, bounds: Box) -> Box | None:
    """The free spot nearest the middle of `edge` that touches no edge, no obstacle and no
    placed label, inside `bounds`."""
    width, height = size
    xs = np.arange(bounds.left + width / 2, bounds.right - width / 2 + 1e-9, CALLOUT_STEP)
    ys = np.arange(bounds.top + height / 2, bounds.bottom - height / 2 + 1e-9, CALLOUT_STEP)
    if not len(xs) or not len(ys):
        return None
    cx, cy = np.meshgrid(xs, ys)
    cx, cy = cx.ravel(), cy.ravel()
    middle = edge.at(0.5)
    order = np.argsort(np.hypot(cx - middle[0], cy - middle[1]), kind="stable")
    boxes = np.stack([cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2],
                     axis=1)[order]
    boxes = boxes[~overlapping(grown(boxes, GAP), blocked).any(axis=1)]
    for start in range(0, len(boxes), CALLOUT_CHUNK):  # nearest first: usually the first chunk
        chunk = boxes[start:start + CALLOUT_CHUNK]
        free = ~segments_cross(segments, grown(chunk, GAP)).any(axis=1)
        if free.any():
            left, top, right, bottom = chunk[np.argmax(free)]
            return Box(left, top, right - left, bottom - top)
    return None


def segment_array(segments: Sequence[Segment]) -> np.ndarray:
    """(n, 4) x1, y1, x2, y2."""
    return np.array([(e.x1, e.y1, e.x2, e.y2) for e in segments], dtype=float).reshape(-1, 4)


def box_array(boxes: Sequence[Box]) -> np.ndarray:
    """(n, 4) left, top, right, bottom."""
    return np.array([(b.left, b.top, b.right, b.bottom) for b in boxes],
                    dtype=float).reshape(-1, 4)


def grown(boxes: np.ndarray, by: float) -> np.ndarray:
    """(n, 4) boxes made `by` pixels larger on every side."""
    return boxes + np.array([-by, -by, by, by])


def _clean_spots(labels: Sequence[EdgeLabel], variant: int, segments: np.ndarray,
                 blocked: np.ndarray, bounds: Box) -> list[np.ndarray]:
    """For each label, (k, 4) its boxes along its edge, preferred first, that lie inside the
    bounds and touch no obstacle and no edge but its own (other labels are the greedy pass's
    concern). All labels' spots are tested in one go."""
    owners, boxes = [], []
    for k, label in enumerate(labels):
        width, height = label.sizes[min(variant, len(label.sizes) - 1)]
        count = int(round((label.highest - label.lowest) / STEP))
        fractions = label.lowest + STEP * np.arange(count + 1)
        fractions = fractions[np.argsort(np.abs(fractions - label.preferred), kind="stable")]
        x1, y1, x2, y2 = segments[label.edge]
        xs, ys = x1 + (x2 - x1) * fractions, y1 + (y2 - y1) * fractions
        boxes.append(np.stack([xs - width / 2, ys - height / 2, xs + width / 2,
                               ys + height / 2], axis=1))
        owners.append(np.full(len(fractions), k))
    if not boxes:
        return []
    every, owner = np.concatenate(boxes), np.concatenate(owners)
    inside = ((every[:, 0] >= bounds.left) & (every[:, 1] >= bounds.top)
              & (every[:, 2] <= bounds.right) & (every[:, 3] <= bounds.bottom))
    clear = grown(every, GAP)
    crossed = segments_cross(segments, clear)
    crossed[np.arange(len(every)), np.array([label.edge for label in labels])[owner]] = False
    keep = inside & ~overlapping(clear, blocked).any(axis=1) & ~crossed.any(axis=1)
    return [every[(owner == k) & keep] for k in range(len(labels))]


def overlapping(boxes: np.ndarray, others: np.ndarray) -> np.ndarray:
    """(k, n) whether box k overlaps other n (both as left, top, right, bottom)."""
    a, b = boxes[:, None, :], others[None, :, :]
    return ((a[..., 0] < b[..., 2]) & (b[..., 0] < a[..., 2])
            & (a[..., 1] < b[..., 3]) & (b[..., 1] < a[..., 3]))


def segments_cross(segments: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """(k, n) whether segment n has a part inside box k (Liang-Barsky clipping)."""
    x1, y1 = segments[:, 0], segments[:, 1]
    dx, dy = segments[:, 2] - x1, segments[:, 3] - y1
    p = np.stack([-dx, dx, -dy, dy], axis=-1)[None]  # (1, n, 4)
    left, top = boxes[:, 0, None], boxes[:, 1, None]
    right, bottom = boxes[:, 2, None], boxes[:, 3, None]
    q = np.stack([x1 - left, right - x1, y1 - top, bottom - y1], axis=-1)  # (k, n, 4)
    parallel_outside = ((p == 0) & (q < 0)).any(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = q / p
    low = np.where(p < 0, t, 0.0).max(axis=-1, initial=0.0)
    high = np.where(p > 0, t, 1.0).min(axis=-1, initial=1.0)
    return ~parallel_outside & (low <= high)


def _greedy(spots: list[np.ndarray], first: list[int]) -> list[Box | None]:
    """A few greedy passes, the labels in `first` always first; each pass then places the
    labels the one before could not."""
    rest = [k for k in range(len(spots)) if k not in first]
    best: list[Box | None] | None = None
    for _ in range(PASSES):
        boxes: list[Box | None] = [None] * len(spots)
        taken = np.zeros((0, 4))
        for k in first + rest:
            free = spots[k]
            if len(taken) and len(free):
                free = free[~overlapping(grown(free, GAP), taken).any(axis=1)]
            if len(free):
                left, top, right, bottom = free[0]
                boxes[k] = Box(left, top, right - left, bottom - top)
                taken = np.vstack([taken, free[:1]])
        if best is not None and boxes.count(None) >= best.count(None):
            break  # another order placed no more: the rest cannot be placed
        best = boxes
        failed = [k for k in rest if boxes[k] is None]
        if not failed:
            break
        rest = failed + [k for k in rest if boxes[k] is not None]
    return list(best) if best is not None else []
