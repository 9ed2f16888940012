"""The app's starting points: the seed's two worked examples and the book's networks of chapter
10 (softmax classifier), 16 (binary logistic regression) and 17 (sine regression).

Each `build()` returns a fresh Trainable at its starting values, so opening a scenario twice
gives the same numbers both times.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from engine.scenarios.seed import LayerOfThree, SingleNeuron
from engine.training.model import Model
from engine.training.stepper import Trainable


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    kind: str  # "hand" (the seed's worked examples) | "classification" (a Model, regression too)
    build: Callable[[], Trainable]


def chapter10_spec(data: str = "spiral") -> dict:
    """The book's chapter-10 network: 100 x 3 points, Dense 2-64 ReLU, Dense 64-3, softmax with
    cross-entropy, Adam(learning_rate=0.05, decay=5e-7), book numerics, seed 0."""
    return {"data": {"kind": data, "samples": 100, "classes": 3},
            "hidden": [{"neurons": 64, "activation": "relu"}],
            "optimizer": {"name": "adam", "learning_rate": 0.05, "decay": 5e-7},
            "seed": 0, "numerics": "book", "print_every": 100}


def chapter16_spec() -> dict:
    """The book's chapter-16 binary logistic regression: spiral 100 x 2, Dense 2-64 with L2
    5e-4 on weights and biases, ReLU, Dense 64-1, Sigmoid, binary cross-entropy,
    Adam(decay=5e-7), book numerics, seed 0."""
    return {"data": {"kind": "spiral", "samples": 100, "classes": 2},
            "hidden": [{"neurons": 64, "activation": "relu", "weight_l2": 5e-4,
                        "bias_l2": 5e-4}],
            "loss": "binary_crossentropy",
            "optimizer": {"name": "adam", "decay": 5e-7},
            "seed": 0, "numerics": "book", "print_every": 100}


def chapter17_spec() -> dict:
    """The book's chapter-17 regression: sine_data() (1000 points), Dense 1-64, ReLU, Dense
    64-64, ReLU, Dense 64-1, Linear, mean squared error, Adam(learning_rate=0.005,
    decay=1e-3), weights drawn as 0.1 * randn, book numerics, seed 0."""
    return {"data": {"kind": "sine", "samples": 1000},
            "hidden": [{"neurons": 64, "activation": "relu"},
                       {"neurons": 64, "activation": "relu"}],
            "loss": "mean_squared_error",
            "optimizer": {"name": "adam", "learning_rate": 0.005, "decay": 1e-3},
            "weight_scale": 0.1, "seed": 0, "numerics": "book", "print_every": 100}


def preset_spec(name: str) -> dict:
    """The spec a Model scenario starts from (a fresh copy)."""
    specs = {"spiral": lambda: chapter10_spec("spiral"),
             "vertical": lambda: chapter10_spec("vertical"),
             "binary": chapter16_spec, "sine": chapter17_spec}
    if name not in specs:
        raise ValueError(f"{name!r} is not a network scenario: choose one of "
                         f"{', '.join(specs)}")
    return specs[name]()


def _neuron() -> Trainable:
    return SingleNeuron("book")


def _layer() -> Trainable:
    return LayerOfThree("book")


def _model(name: str, title: str) -> Callable[[], Trainable]:
    def build() -> Trainable:
        return Model(preset_spec(name), title=title)
    return build


_SPIRAL_TITLE = "Spiral (book chapter 10, Adam)"
_BINARY_TITLE = "Binary logistic regression (book chapter 16)"
_SINE_TITLE = "Sine regression (book chapter 17)"

SCENARIOS: dict[str, Scenario] = {
    "neuron": Scenario("neuron", "Single neuron", "hand", _neuron),
    "layer": Scenario("layer", "Layer of 3 neurons", "hand", _layer),
    "spiral": Scenario("spiral", _SPIRAL_TITLE, "classification",
                       _model("spiral", _SPIRAL_TITLE)),
    "vertical": Scenario("vertical", "Vertical", "classification",
                         _model("vertical", "Vertical")),
    "binary": Scenario("binary", _BINARY_TITLE, "classification",
                       _model("binary", _BINARY_TITLE)),
    "sine": Scenario("sine", _SINE_TITLE, "classification", _model("sine", _SINE_TITLE)),
}


def scenario_names() -> list[str]:
    return list(SCENARIOS)


def get_scenario(name: str) -> Scenario:
    """The scenario called `name`; a ValueError listing the names otherwise."""
    if name not in SCENARIOS:
        raise ValueError(f"unknown scenario {name!r}: choose one of {', '.join(SCENARIOS)}")
    return SCENARIOS[name]
