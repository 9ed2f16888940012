"""The three ways the engine can compute: as numpy does now, as `nnfs.init()` does, or in float64.

`nnfs.init()` changes numpy for the whole process: `np.dot` computes in float64 and returns float32,
`np.zeros` and `np.eye` default to float32, `np.random.randn` returns float32, and the global random
stream is seeded with 0. The window shares numpy with pyqtgraph, so the app must not patch numpy.
Instead every engine class asks a `Numerics` object for these few functions; the rest of the book's
code (np.maximum, np.exp, np.sum, ...) is called as the book calls it.
"""

from __future__ import annotations

import numpy as np

# Each Numerics function and the numpy function it stands for in the book's text: the book's
# classes call `self.numerics.dot(...)` where the book calls `np.dot(...)`, and a script that
# runs nnfs.init() itself (Export as Python) calls numpy's.
NUMPY_NAMES = {"dot": "np.dot", "zeros": "np.zeros", "eye": "np.eye",
               "randn": "np.random.randn", "binomial": "np.random.binomial"}


class Numerics:
    """Numpy as it is at call time, so a book script that calls `nnfs.init()` after importing
    `engine` gets the book's numerics from the patched module attributes."""

    name = "numpy"

    def dot(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.dot(a, b)

    def zeros(self, shape) -> np.ndarray:
        return np.zeros(shape)

    def eye(self, n: int) -> np.ndarray:
        return np.eye(n)

    def randn(self, *shape: int) -> np.ndarray:
        return np.random.randn(*shape)

    def binomial(self, n: int, p: float, size) -> np.ndarray:
        return np.random.binomial(n, p, size=size)

    @property
    def float_dtype(self) -> np.dtype:
        """The dtype that plain values (inputs, targets) are stored in."""
        return np.zeros(1).dtype


class _SeededNumerics(Numerics):
    """Draws from a private random stream, so the same seed always gives the same numbers."""

    def __init__(self, seed: int = 0):
        self.seed = seed
        self.random = np.random.RandomState(seed)

    def randn(self, *shape: int) -> np.ndarray:
        return self.random.randn(*shape).astype(self.float_dtype)

    def binomial(self, n: int, p: float, size) -> np.ndarray:
        return self.random.binomial(n, p, size=size)

    def get_random_state(self) -> dict:
        """The private stream's position, JSON-able, for saving and stepping back."""
        kind, keys, pos, has_gauss, cached = self.random.get_state()
        return {"keys": keys.tolist(), "pos": int(pos), "has_gauss": int(has_gauss),
                "cached_gaussian": float(cached)}

    def set_random_state(self, state: dict) -> None:
        keys = np.array(state["keys"], dtype=np.uint32)
        self.random.set_state(("MT19937", keys, state["pos"], state["has_gauss"],
                               state["cached_gaussian"]))


class BookNumerics(_SeededNumerics):
    """What `nnfs.init()` computes, without touching numpy's module attributes."""

    name = "book"

    def dot(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        # nnfs.init()'s workaround for machine-dependent float32 dot products.
        return np.dot(np.asarray(a).astype("float64"),
                      np.asarray(b).astype("float64")).astype("float32")

    def zeros(self, shape) -> np.ndarray:
        return np.zeros(shape, dtype="float32")

    def eye(self, n: int) -> np.ndarray:
        return np.eye(n, dtype="float32")

    @property
    def float_dtype(self) -> np.dtype:
        return np.dtype("float32")


class NativeNumerics(_SeededNumerics):
    """Plain float64 numpy with a private random stream."""

    name = "native"

    def zeros(self, shape) -> np.ndarray:
        return np.zeros(shape, dtype="float64")

    def eye(self, n: int) -> np.ndarray:
        return np.eye(n, dtype="float64")

    @property
    def float_dtype(self) -> np.dtype:
        return np.dtype("float64")


GLOBAL_NUMPY = Numerics()


def make_numerics(name: str, seed: int = 0) -> Numerics:
    """'book' or 'native' numerics with a fresh stream seeded with `seed`."""
    if name == "book":
        return BookNumerics(seed)
    if name == "native":
        return NativeNumerics(seed)
    raise ValueError(f"unknown numerics {name!r}: expected 'book' or 'native'")
