"""What the hand network diagram draws, in the seed's notation: one dense layer, its ReLU, an
optional sum and the loss, with whatever of the iteration is computed so far.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class HandNetwork:
    """What the diagram draws, in the seed's notation (W is neuron-per-row, (n_neurons, n_inputs)).

    A quantity not computed yet in this iteration is None. `highlight` names the fields the last
    operation wrote ("x", "w", "b", "z", "a", "y", "loss", "dl_dy", "dl_da", "da_dz", "dl_dz",
    "dl_dw", "dl_db", "dl_dx").
    """

    x: np.ndarray  # (n_inputs,)
    w: np.ndarray  # (n_neurons, n_inputs)
    b: np.ndarray  # (n_neurons,)
    z: np.ndarray | None = None
    a: np.ndarray | None = None
    y: float | None = None
    loss: float | None = None
    has_sum: bool = True
    loss_text: str = "l = y²"
    dl_dy: float | None = None
    dl_da: np.ndarray | None = None
    da_dz: np.ndarray | None = None
    dl_dz: np.ndarray | None = None
    dl_dw: np.ndarray | None = None
    dl_db: np.ndarray | None = None
    dl_dx: np.ndarray | None = None
    code: str = ""
    phase: str = ""
    highlight: frozenset[str] = field(default_factory=frozenset)
    selected: tuple[str, tuple[int, ...]] | None = None  # ("w", (i, n)) | ("b", (i,)) | ("x", (n,))
    first_index: int = 1  # the seed counts the layer's w_11 from 1, the neuron's w0 from 0
    note: str = ""  # a line under the diagram saying what the numbers are
    preview: frozenset[str] = field(default_factory=frozenset)  # fields only previewed: greyed
    inactive: frozenset[int] = field(default_factory=frozenset)  # neurons whose ReLU is off
    warning: str = ""  # why gradients are 0 (a dead ReLU, say), above the note

    def input_sub(self, n: int) -> str:
        return str(n + self.first_index)

    def neuron_sub(self, i: int) -> str:
        """A single neuron's z, a and b carry no subscript, as in the seed."""
        return "" if self.n_neurons == 1 else str(i + self.first_index)

    def weight_sub(self, i: int, n: int) -> str:
        """w_in for a layer, w_n for a single neuron."""
        return self.neuron_sub(i) + self.input_sub(n)

    @property
    def n_inputs(self) -> int:
        return int(self.w.shape[1])

    @property
    def n_neurons(self) -> int:
        return int(self.w.shape[0])
