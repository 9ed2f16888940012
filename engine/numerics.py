"""The three ways the engine can compute: as numpy does now, as `nnfs.init()` does, or in float64.

`nnfs.init()` changes numpy for the whole process: `np.dot` computes in float64 and returns float32,
`np.zeros` and `np.eye` default to float32, `np.random.randn` returns float32, and the global random
stream is seeded with 0. The window shares numpy with pyqtgraph, so the app must not patch numpy.
Instead every engine class asks a `Numerics` object for these few functions; the rest of the book's
code (np.maximum, np.exp, np.sum, ...) is called as the book calls it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys

import numpy as np

# glibc's mallopt parameters and the values set below.
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_KEEP_FREED_BYTES = 64 * 2**20
_HEAP_UP_TO_BYTES = 32 * 2**20  # glibc's largest allowed mmap threshold on 64-bit


def keep_freed_memory() -> bool:
    """Let glibc reuse freed array memory instead of handing it back to the kernel at once.

    With glibc's defaults, whenever two arrays of a megabyte or more are alive together (a dot
    product's result and the bias added to it, a 4096-row block of a boundary grid) the newer
    one is mapped fresh from the kernel and unmapped when freed, so every such operation pays
    for page faults on memory that is zeroed again and again: `np.dot(X, W) + b` on a (4096,
    64) float32 block took 1.0 ms instead of 0.1 ms, and the float64 version 2.3 ms instead
    of 0.2 ms (benchmarks/README.md). Keeping up to 64 MiB of freed memory and serving arrays
    up to 32 MiB from the heap removes that cost. No number changes, only where memory comes
    from. Returns whether the setting took effect (only glibc has mallopt).
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_TRIM_THRESHOLD, _KEEP_FREED_BYTES)
                and mallopt(_M_MMAP_THRESHOLD, _HEAP_UP_TO_BYTES))


ALLOCATOR_TUNED = keep_freed_memory()

# What a learner (or a test run) may set to choose BLAS threads themselves.
_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
# The thread setter of OpenBLAS builds: plain, 64-bit-integer, and numpy's scipy-openblas.
_OPENBLAS_SETTERS = ("openblas_set_num_threads", "openblas_set_num_threads64_",
                     "scipy_openblas_set_num_threads", "scipy_openblas_set_num_threads64_")


def use_one_blas_thread() -> bool:
    """Run numpy's OpenBLAS on one thread, unless the environment chose a number already.

    The book's matrices are small (300 x 64 for chapter 10, a few thousand rows at most), and
    OpenBLAS's threads cost more to wake and join than they save; on a machine whose cores are
    busy (the window's own thread, other programs) they wait for each other: the 1000-sample,
    2-64-64-3 network trained at 20 steps per second with OpenBLAS's default threads and 130
    with one (benchmarks/README.md). No number changes: OpenBLAS's threads share out the rows
    and columns of a product, not the sums inside one element, and products of the book's
    sizes run on one thread anyway; the exact reference tests pass either way. Returns whether
    a thread setter was found and called.
    """
    if any(variable in os.environ for variable in _THREAD_VARIABLES):
        return False
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            libraries = {line.split()[-1] for line in maps
                         if "openblas" in line.lower() and "/" in line}
    except OSError:
        return False
    for path in sorted(libraries):
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        for name in _OPENBLAS_SETTERS:
            setter = getattr(library, name, None)
            if setter is not None:
                setter(1)
                return True
    return False


BLAS_THREADS_LIMITED = use_one_blas_thread()


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
