"""What the engine adds to the book's classes, kept out of the book's text: argument checks and
the `numerics` keyword.

The book's classes trust their caller. A learner typing into the app is no such caller, so every
engine class checks what it is handed and raises a ValueError naming the problem before a bad
value can spread. The book modules (layers, activations, losses, optimizers) hold the book's
text; each class there carries one decorator line, `@checked(...)`, naming the checks
(engine/book/contracts.py) that run before its methods. The same decorator gives every class
the keyword `numerics=` (engine/book/numerics.py), whose functions the book's text calls as
`self.numerics.dot(...)` where the book calls `np.dot(...)`. Export as Python
(engine/files/book_source.py) writes a class without its decorator and with numpy's names back,
which is the book's text.

Inside `trusted()` the checks are skipped: a Model's training loop runs the book classes that
way once its arrays have been checked (see engine/training/fastpath.py).
"""

from __future__ import annotations

import functools
import inspect
import math
import operator
from collections.abc import Callable
from contextvars import ContextVar

import numpy as np

from engine.book.numerics import GLOBAL_NUMPY, Numerics

_TRUSTED: ContextVar[bool] = ContextVar("trusted", default=False)
# The numerics of the book object whose __init__ is running: a book object made inside another's
# __init__ (the fused softmax + loss makes a softmax and a loss) computes as its maker does.
_BUILDING: ContextVar[Numerics] = ContextVar("building", default=GLOBAL_NUMPY)


class trusted:
    """Inside `with trusted():`, the book classes skip the checks of what they are handed.

    For a caller that vouches for its arrays and checks the results itself: a Model's training
    loop, whose arrays have passed a checked iteration since they last changed from outside and
    whose Stepper checks the loss and parameters after every iteration. The checks are a fifth
    of a chapter-10 step. The setting belongs to the running thread (a context variable).
    """

    def __enter__(self) -> None:
        self._token = _TRUSTED.set(True)

    def __exit__(self, *exception) -> None:
        _TRUSTED.reset(self._token)


def checked(**checks: Callable) -> Callable[[type], type]:
    """Class decorator: `checks[name](obj, ...)` runs before the book's method `name`, outside
    trusted(), and the class takes the keyword `numerics=` (set as `self.numerics` before the
    book's __init__ runs; by default the numerics of the book object being built, else numpy's).

    A method's check gets the method's own arguments; the __init__ check gets the arguments
    given, by name (defaults are the book's, which need no check). A subclass decorated again
    keeps its bases' checks for the methods it overrides.
    """
    def decorate(cls: type) -> type:
        cls._checks = {**getattr(cls, "_checks", {}), **checks}
        for name, check in cls._checks.items():
            if name != "__init__" and name in cls.__dict__:
                setattr(cls, name, _before(cls.__dict__[name], check))
        book_init = cls.__dict__.get("__init__", getattr(cls, "_book_init", None))
        cls._book_init = book_init
        cls.__init__ = _init(cls, book_init, cls._checks.get("__init__"))
        return cls
    return decorate


def unchecked(method: Callable) -> Callable:
    """The book's own method behind a bound checked one, bound to the same object: for a loop
    inside trusted() that calls it thousands of times (the checks' wrapper costs a microsecond
    a call)."""
    function = getattr(method.__func__, "__wrapped__", method.__func__)
    return function.__get__(method.__self__)


def _before(method: Callable, check: Callable) -> Callable:
    @functools.wraps(method)
    def run_checked(self, *args, **kwargs):
        if not _TRUSTED.get():
            check(self, *args, **kwargs)
        return method(self, *args, **kwargs)
    return run_checked


def _init(cls: type, book_init: Callable | None, check: Callable | None) -> Callable:
    signature = inspect.signature(book_init) if book_init is not None else None

    def init(self, *args, numerics: Numerics | None = None, **kwargs) -> None:
        self.numerics = check_numerics(_BUILDING.get() if numerics is None else numerics)
        if signature is None:
            if args or kwargs:
                raise TypeError(f"{type(self).__name__}() takes only the keyword numerics")
            return
        given = signature.bind(self, *args, **kwargs).arguments
        del given[next(iter(given))]  # self
        if check is not None:
            check(self, **given)
        token = _BUILDING.set(self.numerics)
        try:
            book_init(self, *args, **kwargs)
        finally:
            _BUILDING.reset(token)

    if book_init is not None:
        functools.update_wrapper(init, book_init)
    init.__name__, init.__qualname__ = "__init__", f"{cls.__qualname__}.__init__"
    return init


# -- the checks' vocabulary ------------------------------------------------------------------------


def check_positive_int(value, name: str) -> int:
    """A layer size or sample count: a positive integer (bools are rejected)."""
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    try:
        number = operator.index(value)
    except TypeError:
        raise ValueError(f"{name} must be a positive integer, got {value!r}") from None
    if number <= 0:
        raise ValueError(f"{name} must be a positive integer, got {number}")
    return number


def check_number(value, name: str, *, low: float = -math.inf, high: float = math.inf,
                 low_open: bool = False, high_open: bool = False) -> None:
    """A finite real number inside [low, high] (or the open ends asked for)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    too_low = value <= low if low_open else value < low
    too_high = value >= high if high_open else value > high
    if too_low or too_high:
        left, right = "(" if low_open else "[", ")" if high_open else "]"
        raise ValueError(f"{name} must be in {left}{low}, {high}{right}, got {value}")


def check_array(values, name: str, *, ndim: int | None = None,
                shape: tuple[int | None, ...] | None = None) -> None:
    """A numeric ndarray of the expected rank and shape (None matches any length), all finite.

    Called on every array each forward and backward takes, so the usual case (an exact shape,
    a finite float array) costs one comparison and one pass over the values.
    """
    if not isinstance(values, np.ndarray):
        raise ValueError(f"{name} must be a numpy array, got {type(values).__name__}")
    if ndim is not None and values.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {values.shape}")
    if shape is not None and values.shape != shape and not _shape_fits(values.shape, shape):
        wanted = "(" + ", ".join("n" if s is None else str(s) for s in shape) + ")"
        raise ValueError(f"{name} must have shape {wanted}, got {values.shape}")
    kind = values.dtype.kind
    if kind not in "biuf":
        raise ValueError(f"{name} must hold real numbers, got dtype {values.dtype}")
    if kind == "f" and not np.isfinite(values).all():
        raise ValueError(f"{name} contains NaN or infinite values")


def _shape_fits(got: tuple[int, ...], want: tuple[int | None, ...]) -> bool:
    return len(got) == len(want) and all(
        w is None or g == w for g, w in zip(got, want, strict=True))


def check_numerics(numerics) -> Numerics:
    """The `numerics` argument: a Numerics object, not its name."""
    if not isinstance(numerics, Numerics):
        raise ValueError(f"numerics must be a Numerics object such as GLOBAL_NUMPY or "
                         f"make_numerics('book'), got {numerics!r}")
    return numerics


def check_called(obj, attribute: str, method: str, before: str) -> None:
    """Backward needs what forward stored: name the missing call instead of an AttributeError."""
    if not hasattr(obj, attribute):
        raise ValueError(f"{type(obj).__name__}.{method}() needs {before}() to be called first")
