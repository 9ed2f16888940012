"""A second run of a classifier from exactly where the first one stands, with settings changed.

The fork is a Model built from the changed spec, given the first run's state at an iteration
start: its weights, biases and random stream, its iteration count, printed lines and metric
history (so the curves continue the first run's), and, when the optimizer stays the same,
the optimizer's caches, count and decayed learning rate, changed afterwards as
Model.set_hyperparameters changes them. So a fork trains exactly as the first run would have
trained from that iteration on had the learner changed those settings there. What a fork may
change, and how:

- the optimizer's hyperparameters: applied as set_hyperparameters applies them (caches kept);
- the optimizer itself (SGD, Adagrad, RMSprop, Adam): a new one starts fresh, with no caches
  and a count of 0, as a new optimizer object of the book's would;
- activations, dropout and L1/L2 regularizers of any layer: the layers are the run's own, the
  weights carry over;
- numerics ("book" float32 or "native" float64): every array is converted to the fork's float
  dtype; the data are the same draws from the same seed in the fork's own precision.

The data (kind, samples, classes, seed, the points placed by hand) must be the first run's, and
the layers keep their sizes, so that the weights carry over: anything else is a ValueError.

The fork's Stepper stands at the fork's iteration with the first run's losses before it; like
a run loaded from a session, its reset goes back to iteration 0 of its own spec.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from engine.files import state as state_codec
from engine.training.model import Model
from engine.training.spec import HYPERPARAMETERS, normalize_spec
from engine.training.stepper import Stepper

SAME_DATA = ("data", "seed", "points")
_SHORT = {"learning_rate": "lr"}  # in a fork's name


@dataclass(frozen=True)
class RunStart:
    """A run's state at an iteration start, independent of the run it was taken from.

    spec: the run's spec as it stood then (hyperparameters included); state: Model.get_state()
    decoded (engine/files/state.py), the arrays the start's own copies; losses: the losses
    of the iterations before it as the run's Stepper kept them (Stepper.loss_record()).
    """

    spec: dict
    state: dict
    losses: dict

    @property
    def iteration(self) -> int:
        return int(self.state["iteration"])


def capture_start(stepper: Stepper) -> RunStart:
    """Where the stepper's Model stands, to start forks from (now or later). ValueError if it
    is not a Model or stands inside an iteration, where some parameters are already updated
    and others not yet: finish the iteration or step back to its start first."""
    model = stepper.trainable
    if not isinstance(model, Model):
        raise ValueError(f"runs are compared in the classification lab: {model.title} is not "
                         "a classifier Model")
    if stepper.position != 0:
        raise ValueError(f"the run stands inside iteration {stepper.iteration} (after "
                         f"{stepper.position} of its {len(stepper.operations)} operations): "
                         "finish it or step back to its start to compare from there")
    return RunStart(copy.deepcopy(model.spec), state_codec.decode(model.get_state()),
                    stepper.loss_record())


def check_fork_spec(base: dict, spec: dict) -> dict:
    """`spec`, normalized, if a fork of a run built from `base` may have it; ValueError
    naming the setting that may not change."""
    base, spec = normalize_spec(base), normalize_spec(spec)
    for key in SAME_DATA:
        if spec[key] != base[key]:
            raise ValueError(f"a compared run trains on the same data: its {key} must stay "
                             f"{base[key]!r}, got {spec[key]!r}")
    sizes = [layer["neurons"] for layer in base["hidden"]]
    wanted = [layer["neurons"] for layer in spec["hidden"]]
    if wanted != sizes:
        raise ValueError(f"a compared run starts from the same weights, so its hidden layers "
                         f"keep their sizes ({_sizes(sizes)}), got {_sizes(wanted)}; their "
                         "activations, dropout and regularizers may change")
    return spec


def fork_stepper(start: RunStart, spec: dict, title: str | None = None) -> Stepper:
    """A Stepper of a Model built from `spec` standing where `start` stands (see the
    module's rules). Like a run loaded from a session, its reset goes back to iteration 0
    of its own spec: the same seed's weights, trained with its settings from the start."""
    forked = Stepper(_forked_model(start, spec, title)).get_state()
    forked.update(iteration=start.iteration, losses=state_codec.encode(start.losses))
    stepper = Stepper(Model(spec, title=title))
    stepper.set_state(forked)
    return stepper


def _forked_model(start: RunStart, spec: dict, title: str | None) -> Model:
    spec = check_fork_spec(start.spec, spec)
    model = Model(spec, title=title)
    fresh = state_codec.decode(model.get_state())
    state = state_codec.copy_state(start.state)
    same_optimizer = spec["optimizer"]["name"] == start.spec["optimizer"]["name"]
    if not same_optimizer:
        state["optimizer"] = fresh["optimizer"]
    for name, layer in state["layers"].items():
        dtype = fresh["layers"][name]["weights"].dtype
        state["layers"][name] = {attribute: array.astype(dtype) for attribute, array
                                 in layer.items()
                                 if same_optimizer or attribute in ("weights", "biases")}
    model.set_state(state_codec.encode(state))
    changed = {key: value for key, value in spec["optimizer"].items()
               if key != "name" and same_optimizer and value != start.spec["optimizer"][key]}
    if changed:
        model.set_hyperparameters(**changed)
    return model


def _sizes(sizes: list[int]) -> str:
    return "no hidden layers" if not sizes else "-".join(str(size) for size in sizes) + \
        " neurons"


def settings_of(spec: dict) -> dict[str, str]:
    """{setting: value as shown} of a Model spec, for a table of runs side by side."""
    spec = normalize_spec(spec)
    optimizer = spec["optimizer"]
    settings = {"optimizer": optimizer["name"]}
    settings.update({key: f"{value:g}" for key, value in optimizer.items() if key != "name"})
    for number, layer in enumerate(spec["hidden"], start=1):
        settings[f"dense{number} activation"] = layer["activation"]
        settings[f"dense{number} dropout"] = f"{layer['dropout']:g}"
        settings.update({f"dense{number} {key}": f"{layer[key]:g}"
                         for key in ("weight_l1", "weight_l2", "bias_l1", "bias_l2")})
    last = f"dense{len(spec['hidden']) + 1}"
    settings.update({f"{last} {key}": f"{value:g}" for key, value in spec["output"].items()})
    settings["numerics"] = spec["numerics"]
    return settings


def settings_table(specs: list[dict]) -> list[tuple[str, list[str], bool]]:
    """(setting, its value in each spec ("-" where a spec has no such setting), whether they
    differ), in a stable order: what a table of compared runs shows, the differences bold."""
    columns = [settings_of(spec) for spec in specs]
    names = list(dict.fromkeys(name for column in columns for name in column))
    rows = []
    for name in names:
        values = [column.get(name, "-") for column in columns]
        rows.append((name, values, len(set(values)) > 1))
    return rows


def describe_changes(base: dict, spec: dict, limit: int = 40) -> str:
    """A short name for a fork: what it changes, e.g. "sgd, lr 0.5, momentum 0.9" (a new
    optimizer with its settings that are not the book's defaults), "dense1 dropout 0.2";
    "same" if nothing."""
    base, spec = normalize_spec(base), normalize_spec(spec)
    name = spec["optimizer"]["name"]
    reference = settings_of(base)
    parts = []
    if name != base["optimizer"]["name"]:
        parts.append(name)
        reference.update({key: f"{value:g}" for key, value in HYPERPARAMETERS[name].items()})
    parts += [f"{_SHORT.get(key, key)} {value}" for key, value in settings_of(spec).items()
              if key != "optimizer" and value != reference.get(key)]
    text = ", ".join(parts) or "same"
    return text if len(text) <= limit else text[:limit - 3].rstrip(", ") + "..."
