"""Setting several widgets from code without their change signals echoing back.

A view that shows a snapshot sets its own inputs; their signals must stay quiet meanwhile, or
the value would come back as if the learner had typed it. One widget takes Qt's own
`with QSignalBlocker(widget):`; this gives the same for several at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager

from PySide6.QtCore import QObject, QSignalBlocker


@contextmanager
def signals_blocked(objects: Iterable[QObject]) -> Iterator[None]:
    """Block every object's signals inside the `with`, then give each back the state it had
    (also when the body raises)."""
    with ExitStack() as stack:
        for each in objects:
            stack.enter_context(QSignalBlocker(each))
        yield
