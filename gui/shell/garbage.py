"""Python's cycle collector, run between events instead of whenever an allocation trips it.

An automatic collection can start in the middle of a paint event; if it then destroys a widget
that sits in a reference cycle (a retired panel whose deleteLater has not run yet), Qt destroys
that widget's backing store while another is being painted and the process crashes ("Cannot
destroy paint device that is being painted"). Collecting from a timer means a collection only
ever runs from the event loop, with no paint in progress. pyqtgraph has the same helper
(pyqtgraph.util.garbage_collector), but importing it imports all of pyqtgraph, which the start
page never loads.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 1000


class TimedGarbageCollector(QObject):
    """Switches automatic collection off and collects each generation on a timer instead,
    as often as its threshold would have."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start(INTERVAL_MS)

    def _on_timer_timeout(self) -> None:
        """Collect the generations whose counts have passed their thresholds."""
        counts = gc.get_count()
        generation = -1
        for level, (count, threshold) in enumerate(zip(counts, self._thresholds, strict=True)):
            if count <= threshold:
                break
            generation = level
        if generation >= 0:
            gc.collect(generation)
