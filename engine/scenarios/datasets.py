"""The book's data sets: spiral_data, vertical_data and sine_data from nnfs.datasets.

With the default numerics (plain `Numerics`: numpy as it is) these simply call nnfs.datasets,
so a book script gets exactly what the book gets. With seeded numerics (BookNumerics,
NativeNumerics) they cannot: nnfs's functions draw from numpy's global random stream and take
numpy's default dtype, which is what `nnfs.init()` patches. So spiral_data and vertical_data
below repeat nnfs's create_data step for step but ask the numerics for `zeros` and `randn`.
Under BookNumerics(0) the result equals nnfs.datasets under `nnfs.init()`, and the draws
advance the numerics' own stream, so layers built afterwards with the same numerics continue
it as the book's script continues numpy's.
"""

from __future__ import annotations

import numpy as np
from nnfs import datasets as nnfs_datasets

from engine.book.checks import check_numerics, check_positive_int
from engine.book.numerics import GLOBAL_NUMPY, Numerics


def spiral_data(samples: int, classes: int,
                numerics: Numerics = GLOBAL_NUMPY) -> tuple[np.ndarray, np.ndarray]:
    """`classes` interleaved spiral arms of `samples` points each, radius 0..1 with noise.

    Returns X: (samples * classes, 2) in the numerics' float dtype, y: (samples * classes,) uint8.
    """
    samples = check_positive_int(samples, "samples")
    classes = check_positive_int(classes, "classes")
    if type(check_numerics(numerics)) is Numerics:
        return nnfs_datasets.spiral_data(samples, classes)
    x = numerics.zeros((samples * classes, 2))
    y = np.zeros(samples * classes, dtype='uint8')
    for class_number in range(classes):
        ix = range(samples * class_number, samples * (class_number + 1))
        r = np.linspace(0.0, 1, samples)
        t = (np.linspace(class_number * 4, (class_number + 1) * 4, samples)
             + numerics.randn(samples) * 0.2)
        x[ix] = np.c_[r * np.sin(t * 2.5), r * np.cos(t * 2.5)]
        y[ix] = class_number
    return x, y


def vertical_data(samples: int, classes: int,
                  numerics: Numerics = GLOBAL_NUMPY) -> tuple[np.ndarray, np.ndarray]:
    """`classes` vertical clusters side by side: x around class/3, y around 0.5, noise 0.1.

    Returns X: (samples * classes, 2) in the numerics' float dtype, y: (samples * classes,) uint8.
    """
    samples = check_positive_int(samples, "samples")
    classes = check_positive_int(classes, "classes")
    if type(check_numerics(numerics)) is Numerics:
        return nnfs_datasets.vertical_data(samples, classes)
    x = numerics.zeros((samples * classes, 2))
    y = np.zeros(samples * classes, dtype='uint8')
    for class_number in range(classes):
        ix = range(samples * class_number, samples * (class_number + 1))
        x[ix] = np.c_[numerics.randn(samples) * .1 + (class_number) / 3,
                      numerics.randn(samples) * .1 + 0.5]
        y[ix] = class_number
    return x, y


def sine_data(samples: int = 1000,
              numerics: Numerics = GLOBAL_NUMPY) -> tuple[np.ndarray, np.ndarray]:
    """One period of sin(2 pi x) at x = 0, 1/samples, ..., (samples-1)/samples.

    Returns X, y: (samples, 1) float64 for every numerics. nnfs's sine draws nothing and uses
    none of the functions `nnfs.init()` patches, so it is called as it is; `numerics` is accepted
    so all three data sets are called alike.
    """
    samples = check_positive_int(samples, "samples")
    check_numerics(numerics)
    return nnfs_datasets.sine_data(samples)


DATASETS = {"spiral": spiral_data, "vertical": vertical_data, "sine": sine_data}


def make_dataset(name: str, samples: int, classes: int | None = None,
                 numerics: Numerics = GLOBAL_NUMPY) -> tuple[np.ndarray, np.ndarray]:
    """A data set by name ('spiral', 'vertical', 'sine'); classes is ignored by 'sine'."""
    if name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}: expected one of {', '.join(DATASETS)}")
    if name == "sine":
        return sine_data(samples, numerics)
    if classes is None:
        raise ValueError(f"data set {name!r} needs a number of classes")
    return DATASETS[name](samples, classes, numerics)
