"""Process settings that make the book's small arrays fast, asked for by the programs that train.

Both settings change only how fast numbers come out, never which numbers: the exact reference
tests pass with and without them. They are process-wide, so the engine's import never applies
them; the window (gui/shell/app.py) and the headless runner (engine/runner.py) call
`tune_for_small_arrays()` once at start. Figures are in benchmarks/README.md.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys

# glibc's mallopt parameters and the values set below.
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_KEEP_FREED_BYTES = 64 * 2**20
_HEAP_UP_TO_BYTES = 32 * 2**20  # glibc's largest allowed mmap threshold on 64-bit

# What a learner (or a benchmark) may set to choose BLAS threads themselves.
_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _glibc_function(name: str):
    """The C library's function `name` on Linux (glibc), or None elsewhere or if it lacks it."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return getattr(ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6"), name)
    except (OSError, AttributeError):
        return None


def keep_freed_memory() -> bool:
    """Let glibc reuse freed array memory instead of handing it back to the kernel at once.

    With glibc's defaults, whenever two arrays of a megabyte or more are alive together (a dot
    product's result and the bias added to it, a 4096-row block of a boundary grid) the newer
    one is mapped fresh from the kernel and unmapped when freed, so every such operation pays
    for page faults on memory that is zeroed again and again: `np.dot(X, W) + b` on a (4096,
    64) float32 block took 1.0 ms instead of 0.1 ms. Keeping up to 64 MiB of freed memory and
    serving arrays up to 32 MiB from the heap removes that cost. Returns whether the setting
    took effect (only glibc has mallopt).
    """
    mallopt = _glibc_function("mallopt")
    if mallopt is None:
        return False
    return bool(mallopt(_M_TRIM_THRESHOLD, _KEEP_FREED_BYTES)
                and mallopt(_M_MMAP_THRESHOLD, _HEAP_UP_TO_BYTES))


def release_freed_memory() -> bool:
    """Hand the memory freed since the last call back to the kernel (glibc's malloc_trim).

    The memory kept by `keep_freed_memory` ends up scattered: a long run frees large arrays
    of slowly growing sizes (the metric columns, a frame's temporaries) between small ones
    that live on, and the holes they leave stay resident. Training in the window grew by 30
    MiB over 100,000 epochs that way, with nothing alive in them. Called when a run pauses
    and now and then while it runs; the next large arrays fault their pages in again once.
    Returns whether memory was released (only glibc has malloc_trim).
    """
    malloc_trim = _glibc_function("malloc_trim")
    return malloc_trim is not None and bool(malloc_trim(0))


def use_one_blas_thread() -> bool:
    """Run numpy's BLAS on one thread, unless the environment chose a number already.

    The book's matrices are small (300 x 64 for chapter 10), and BLAS threads cost more to wake
    and join than they save; on a busy two-core machine the 1000-sample 2-64-64-3 network
    trained at 20 steps per second with two threads and at 130 with one. OpenBLAS shares out
    rows and columns of a product between threads, not the sums inside one element, so the
    numbers do not change. Returns whether a limit was set.
    """
    if any(variable in os.environ for variable in _THREAD_VARIABLES):
        return False
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")
    return True


def tune_for_small_arrays() -> None:
    """Apply both settings; call once at the start of a program that trains."""
    keep_freed_memory()
    use_one_blas_thread()
