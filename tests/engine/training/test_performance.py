"""engine.training.performance: the process settings for small arrays, and handing freed memory
back."""

import sys
from pathlib import Path

import numpy as np
import pytest

from engine.training.performance import keep_freed_memory, release_freed_memory

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")


def resident_bytes() -> int:
    return int(Path("/proc/self/statm").read_text().split()[1]) * 4096


@linux_only
def test_memory_freed_between_arrays_that_live_on_goes_back_to_the_system():
    assert keep_freed_memory()
    kept, large = [], []
    for size in range(200):  # growing sizes, as a run's history columns
        large.append(np.ones(40_000 + 100 * size))
        kept.append(np.ones(2_000))  # past numpy's small-buffer cache: on glibc's heap
    peak = resident_bytes()
    del large  # the holes between the kept arrays may stay resident, as a long run leaves them
    assert release_freed_memory()
    # About 80 MiB were freed: at most half stays resident. (Compared with the peak, not with
    # the moment after `del`: depending on what earlier tests left in the heap, glibc may have
    # handed some back already.)
    assert resident_bytes() < peak - 40 * 2**20
    assert all(array.sum() == 2_000 for array in kept)
