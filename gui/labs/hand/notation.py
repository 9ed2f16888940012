"""The seed notebook's notation for its two worked examples, as the hand lab's views need it.

The engine names values as the notebook's code does (`linear_output`, `dloss_dweights`; `Z`,
`dL_dW`); the diagram speaks of z, a, dl/dw. This table is the one place that translates, chosen
by the parameter names the Trainable reports, so no view has a branch per scenario.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from gui.controller.snapshot import Index, Snapshot
from gui.labs.hand.parameters_panel import ParameterDescription
from gui.widgets.hand_network import HandNetwork

PREVIEW_NOTE = ("Greyed numbers preview this iteration's pass at the current values; they "
                "turn solid as Step (Right) computes them (P hides the preview).")


@dataclass(frozen=True)
class HandNotation:
    """Which book name plays which role in the diagram (None: the example has no such value).

    `roles` maps diagram fields (x, w, b, z, a, y, loss, dl_dy, dl_da, da_dz, dl_dz, dl_dw,
    dl_db, dl_dx) to book names; `aliases` maps further book names to the field they highlight.
    `dl_dw_transposed`: the example stores dl/dW inputs-by-neurons (np.outer(X, dl_dZ)).
    `dl_da_from`: (dl/dy, dy/da) names whose product is dl/da, for an example that never stores it.
    """

    roles: Mapping[str, str]
    descriptions: Mapping[str, ParameterDescription]
    aliases: Mapping[str, str] = field(default_factory=dict)
    has_sum: bool = True
    loss_text: str = "l = y²"
    first_index: int = 1
    first_iteration: int = 1  # what the example's printed lines call its first iteration
    printed: str = "one line per iteration"  # which iterations the example prints
    dl_dw_transposed: bool = False
    dl_da_from: tuple[str, str] | None = None

    def network(self, snapshot: Snapshot, selected_kind: tuple[str, Index] | None) -> HandNetwork:
        """The diagram's view of `snapshot`: parameters always, other values once computed
        or, greyed, previewed."""
        values, computed, previewed = snapshot.drawn()
        shown = computed | previewed
        preview = frozenset(role for role, name in self.roles.items() if name in previewed)

        def get(role: str) -> np.ndarray | None:
            name = self.roles.get(role)
            if name is None or name not in values:
                return None
            if name not in snapshot.parameters and name not in shown:
                return None
            return np.asarray(values[name], dtype=float)

        w = np.atleast_2d(get("w"))
        dl_dw = get("dl_dw")
        if dl_dw is not None:
            dl_dw = np.atleast_2d(dl_dw.T if self.dl_dw_transposed else dl_dw)
        dl_da = get("dl_da")
        if dl_da is None and self.dl_da_from is not None:
            first, second = (values.get(name) for name in self.dl_da_from)
            if first is not None and second is not None and set(self.dl_da_from) <= shown:
                dl_da = np.asarray(first, dtype=float) * np.asarray(second, dtype=float)
                if set(self.dl_da_from) & previewed:
                    preview |= {"dl_da"}
        last = snapshot.last_operation
        lookup = {name: role for role, name in self.roles.items()} | dict(self.aliases)
        highlight = frozenset(lookup[name] for name in (last.writes if last else ())
                              if name in lookup)

        def vector(value: np.ndarray | None) -> np.ndarray | None:
            return None if value is None else np.atleast_1d(value)

        def scalar(value: np.ndarray | None) -> float | None:
            return None if value is None else float(value)

        z, loss = vector(get("z")), scalar(get("loss"))
        inactive = frozenset() if z is None else frozenset(np.flatnonzero(z <= 0).tolist())
        return HandNetwork(
            x=vector(get("x")), w=w, b=vector(get("b")), z=z,
            a=vector(get("a")), y=scalar(get("y")), loss=loss,
            has_sum=self.has_sum, loss_text=self.loss_text, dl_dy=scalar(get("dl_dy")),
            dl_da=vector(dl_da), da_dz=vector(get("da_dz")), dl_dz=vector(get("dl_dz")),
            dl_dw=dl_dw, dl_db=vector(get("dl_db")), dl_dx=vector(get("dl_dx")),
            code=last.code if last else "", phase=last.phase if last else "",
            highlight=highlight, selected=selected_kind, first_index=self.first_index,
            note=PREVIEW_NOTE if previewed else "", preview=preview, inactive=inactive,
            warning=self.zero_gradient_warning(z, loss, dl_da, inactive))

    def zero_gradient_warning(self, z: np.ndarray | None, loss: float | None,
                              dl_da: np.ndarray | None, inactive: frozenset[int]) -> str:
        """Why gradients are 0, when they are: an inactive ReLU (a "dead" neuron) or an output
        that already equals its target; "" otherwise."""
        if z is None:
            return ""
        if len(inactive) == 1:
            (i,) = inactive
            k = "" if len(z) == 1 else str(i + self.first_index)
            text = (f"ReLU{' ' + k if k else ''} inactive: z{k} = {z[i]:.4g} ≤ 0, so a{k} = 0 "
                    f"and da{k}/dz{k} = 0: no gradient flows back through it, its weights and "
                    "bias stop changing (a dead neuron).")
        elif inactive:
            names = " and ".join(str(i + self.first_index) for i in sorted(inactive))
            text = (f"ReLUs {names} inactive: their z ≤ 0, so their a = 0 and da/dz = 0: no "
                    "gradient flows back through them, their weights and biases stop changing "
                    "(dead neurons).")
        elif dl_da is not None and not np.any(dl_da):
            return ("dl/da = 0: the output equals its target, so every gradient is 0 and the "
                    "update changes nothing.")
        else:
            return ""
        if loss == 0 and len(inactive) == len(z):
            text += " A loss of 0 here is not learning: the output is 0 whatever the inputs."
        return text

    def diagram_selection(self, selected: tuple[str, Index] | None) -> tuple[str, Index] | None:
        """The book's (name, index) as the diagram's ("w", (i, n)) / ("b", (i,)) / ("x", (n,))."""
        if selected is None:
            return None
        name, index = selected
        for kind in ("w", "b", "x"):
            if self.roles.get(kind) == name:
                if kind == "w" and len(index) == 1:
                    return "w", (0, index[0])
                if kind == "b" and len(index) == 0:
                    return "b", (0,)
                return kind, tuple(index)
        return None

    def book_selection(self, kind: str, index: Index,
                       parameters: Mapping[str, np.ndarray]) -> tuple[str, Index] | None:
        """The diagram's ("w", (i, n)) etc. as the book's (name, index into the stored value)."""
        name = self.roles.get(kind)
        if name is None or name not in parameters:
            return None
        ndim = np.ndim(parameters[name])
        return name, tuple(index[len(index) - ndim:]) if ndim else ()


def _one_based(prefix: str):
    return lambda k: f"{prefix}{k + 1}"


def _zero_based(prefix: str):
    return lambda k: f"{prefix}{k}"


SINGLE_NEURON = HandNotation(
    roles={"x": "inputs", "w": "weights", "b": "bias", "z": "linear_output", "a": "output",
           "loss": "loss", "dl_da": "dloss_doutput", "da_dz": "doutput_dlinear",
           "dl_dz": "dloss_dlinear", "dl_dw": "dloss_dweights", "dl_db": "dloss_dbias",
           "dl_dx": "dloss_dinputs"},
    aliases={"dlinear_dweights": "x", "dlinear_dbias": "b"},
    descriptions={
        "inputs": ParameterDescription("Inputs x", column=_zero_based("x")),
        "weights": ParameterDescription("Weights w", column=_zero_based("w")),
        "bias": ParameterDescription("Bias b"),
        "target_output": ParameterDescription("Target (loss = (output - target)²)", step=0.1),
        "learning_rate": ParameterDescription("Learning rate", step=None),
    },
    has_sum=False, loss_text="l = (a - target)²", first_index=0, first_iteration=1)

LAYER = HandNotation(
    roles={"x": "X", "w": "W", "b": "B", "z": "Z", "a": "A", "y": "y", "loss": "l",
           "dl_dy": "dL_dy", "da_dz": "dA_dZ", "dl_dz": "dl_dZ", "dl_dw": "dL_dW",
           "dl_db": "dL_dB", "dl_dx": "dl_dX"},
    aliases={"dy_dA": "dl_da"},
    descriptions={
        "X": ParameterDescription("Inputs X", column=_one_based("x")),
        "W": ParameterDescription(
            "Weights W", row=_one_based("neuron "), column=_one_based("x"),
            matrix_title="Weights W (as the seed writes it: one row per neuron, w_in)",
            stored_title="Layer_Dense.weights = W.T (one row per input, one column per neuron)"),
        "B": ParameterDescription("Biases B", column=_one_based("b")),
        "learning_rate": ParameterDescription("Learning rate", step=None),
    },
    dl_dw_transposed=True, dl_da_from=("dL_dy", "dy_dA"), first_iteration=0,
    printed="every 20th iteration, from iteration 0")

NOTATIONS = (SINGLE_NEURON, LAYER)


def notation_for(parameters: Mapping[str, np.ndarray]) -> HandNotation | None:
    """The notation whose weight, bias and input names the Trainable uses, if any."""
    for notation in NOTATIONS:
        if all(notation.roles[kind] in parameters for kind in ("x", "w", "b")):
            return notation
    return None


def input_name(parameters: Mapping[str, np.ndarray]) -> str | None:
    """The parameter that holds the example's inputs, for their dl/dx rules."""
    notation = notation_for(parameters)
    return None if notation is None else notation.roles["x"]
