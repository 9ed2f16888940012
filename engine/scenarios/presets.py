"""The app's starting points: the seed's two worked examples and the book's chapter-10 network.

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
    kind: str  # "hand" (the seed's worked examples) | "classification" (a Model)
    build: Callable[[], Trainable]


def chapter10_spec(data: str = "spiral") -> dict:
    """The book's chapter-10 network: 100 x 3 points, Dense 2-64 ReLU, Dense 64-3, softmax with
    cross-entropy, Adam(learning_rate=0.05, decay=5e-7), book numerics, seed 0."""
    return {"data": {"kind": data, "samples": 100, "classes": 3},
            "hidden": [{"neurons": 64, "activation": "relu"}],
            "optimizer": {"name": "adam", "learning_rate": 0.05, "decay": 5e-7},
            "seed": 0, "numerics": "book", "print_every": 100}


def _neuron() -> Trainable:
    return SingleNeuron("book")


def _layer() -> Trainable:
    return LayerOfThree("book")


def _model(data: str, title: str) -> Callable[[], Trainable]:
    def build() -> Trainable:
        return Model(chapter10_spec(data), title=title)
    return build


_SPIRAL_TITLE = "Spiral (book chapter 10, Adam)"

SCENARIOS: dict[str, Scenario] = {
    "neuron": Scenario("neuron", "Single neuron", "hand", _neuron),
    "layer": Scenario("layer", "Layer of 3 neurons", "hand", _layer),
    "spiral": Scenario("spiral", _SPIRAL_TITLE, "classification",
                       _model("spiral", _SPIRAL_TITLE)),
    "vertical": Scenario("vertical", "Vertical", "classification",
                         _model("vertical", "Vertical")),
}


def scenario_names() -> list[str]:
    return list(SCENARIOS)


def get_scenario(name: str) -> Scenario:
    """The scenario called `name`; a ValueError listing the names otherwise."""
    if name not in SCENARIOS:
        raise ValueError(f"unknown scenario {name!r}: choose one of {', '.join(SCENARIOS)}")
    return SCENARIOS[name]
