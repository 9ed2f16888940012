"""The learner's actions: the controller's public methods that a view request ends in.

`action` makes such a method announce itself on its controller's `action_performed` signal, with
its arguments by name, once per user action: a method that calls another action announces only
the outer call. Whoever follows the learner connects to that signal (gui/tutorial/takes.py
records takes from it); the controller knows none of them.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any


def action(method: Callable) -> Callable:
    """Make a controller method emit `action_performed` (name, arguments by name) when it is
    the outermost action running."""
    signature = inspect.signature(method)
    name = method.__name__

    @functools.wraps(method)
    def announcing(self, *args, **kwargs):
        depth = getattr(self, "_action_depth", 0)
        self._action_depth = depth + 1
        try:
            if depth == 0:
                bound = signature.bind(self, *args, **kwargs)
                bound.apply_defaults()
                arguments = dict(bound.arguments)
                arguments.pop("self")
                self.action_performed.emit(name, arguments)
            return method(self, *args, **kwargs)
        finally:
            self._action_depth = depth

    return announcing


def inside_action(controller: Any) -> bool:
    """Whether `controller` is in the middle of an action (so a change it makes, such as a
    cleared undo stack, is part of that action rather than one of its own)."""
    return getattr(controller, "_action_depth", 0) > 0
