"""Doing a lesson step's actions on a Stepper, and checking that what it highlights exists.

The actions are the ones a learner has in the window, with the same engine calls the window's
controller makes (gui/controller/lab_controller.py): an edit is Stepper.edit, a hyperparameter
Stepper.set_hyperparameters, a new spec a Model rebuilt from its seed, "finish_iteration" one
whole iteration as the Enter key runs. So a GUI that plays the same actions through its
controller arrives at the same state, number for number.

Nothing here raises for a lesson's content: an action the network cannot do (a weight it does
not have, a training run that diverges) and a highlight of something the window does not show
become warnings for the step, and the lesson goes on.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np

from engine.files.lesson_steps import Action
from engine.files.lesson_terms import LAB_PANELS, LAB_PLOTS, Highlight, SpecPath, Target
from engine.scenarios.seed import LayerOfThree, SingleNeuron
from engine.training.model import Model
from engine.training.stepper import Divergence, Stepper


@dataclass
class Stage:
    """A step while it is being played: the stepper and what the window is asked to show."""

    stepper: Stepper
    scenario: str
    title: str
    selection: Target | None = None
    panels: list[str] = field(default_factory=list)
    layout: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def lab(self) -> str:
        """"classification" for a Model, "hand" for the seed's worked examples."""
        return "classification" if isinstance(self.stepper.trainable, Model) else "hand"


def apply_actions(stage: Stage, actions: tuple[Action, ...], where: str) -> None:
    """Do `actions` in order; each problem becomes a warning starting with `where`."""
    for number, action in enumerate(actions):
        problem = _apply(stage, action)
        if problem:
            stage.warnings.append(f"{where}[{number}] ({action}): {problem}")


def _apply(stage: Stage, action: Action) -> str | None:
    stepper = stage.stepper
    kind = action.kind
    try:
        if kind == "set":
            return _set(stage, action.target, action.value)
        if kind == "step":
            for _ in range(action.count):
                stepper.step()
        elif kind == "step_back":
            for done in range(action.count):
                if not stepper.step_back():
                    return f"only {done} operations could be undone"
        elif kind == "finish_iteration":
            stepper.run_iterations(1)
        elif kind == "run":
            stepper.run_iterations(action.count)
        elif kind == "run_to":
            if stepper.iteration > action.count:
                return f"the network is already at iteration {stepper.iteration}"
            stepper.run_iterations(action.count - stepper.iteration)
        elif kind == "reset":
            stepper.reset()
        elif kind == "select":
            return _select(stage, action.target)
        elif kind == "open":
            if action.name not in LAB_PANELS[stage.lab]:
                return f"the {stage.lab} lab has no panel {action.name!r}"
            stage.panels.append(action.name)
        elif kind == "layout":
            stage.layout = action.name
    except Divergence as divergence:
        stepper.restore_last_good()
        return f"{divergence}; the last good state is kept"
    return None


def _set(stage: Stage, target: Target | SpecPath, value) -> str | None:
    if isinstance(target, SpecPath):
        return _set_spec(stage, target, value)
    trainable = stage.stepper.trainable
    if isinstance(value, (str, dict)):
        return f"{target} takes a number"
    parameters = trainable.parameters()
    if target.name in parameters:
        shape = np.shape(parameters[target.name])
        if target.index is None and shape:
            return f"{target.name} has shape {shape}: name one element, e.g. " \
                   f"{target.name}[{', '.join('0' * len(shape))}]"
        try:
            stage.stepper.edit(target.name, target.index or (), value)
        except ValueError as error:
            return str(error)
        return None
    if isinstance(trainable, Model) and target.name in trainable.hyperparameters() \
            and target.index is None:
        try:
            stage.stepper.set_hyperparameters(**{target.name: value})
        except ValueError as error:
            return str(error)
        return None
    settable = list(parameters)
    if isinstance(trainable, Model):
        settable += list(trainable.hyperparameters())
    return f"{target.name} is not a parameter or hyperparameter here: expected one of " \
           f"{', '.join(settable)}"


def spec_with(spec: dict, path: SpecPath, value) -> dict | str:
    """A copy of a Model's `spec` with `value` at `path`, or why there is no such place (a
    window's controller rebuilds its network from the same changed spec)."""
    spec = copy.deepcopy(spec)
    keys = path.keys
    if keys[0] == "hidden":
        if keys[1] >= len(spec["hidden"]):
            return f"the network has {len(spec['hidden'])} hidden layers"
        spec["hidden"][keys[1]][keys[2]] = value
    elif len(keys) == 1:
        spec[keys[0]] = value
    else:
        spec[keys[0]][keys[1]] = value
    return spec


def _set_spec(stage: Stage, path: SpecPath, value) -> str | None:
    """A new network from the changed spec, from its seed (training starts again), as the
    window's network panel rebuilds it."""
    model = stage.stepper.trainable
    if not isinstance(model, Model):
        return f"{model.title} has no spec; {path} is for the classification networks"
    spec = spec_with(model.spec, path, value)
    if isinstance(spec, str):
        return spec
    try:
        rebuilt = Model(spec, title=stage.title)
    except (ValueError, TypeError) as error:
        return f"the network cannot be built so: {error}"
    stage.stepper = Stepper(rebuilt)
    return None


def _select(stage: Stage, target: Target) -> str | None:
    try:
        stage.stepper.trainable.chain_rule(target.name, target.index or ())
    except (ValueError, KeyError, IndexError) as error:
        return f"no chain rule for {target}: {error}"
    stage.selection = target
    return None


# -- highlights -----------------------------------------------------------------------------------


def highlight_problem(stage: Stage, highlight: Highlight) -> str | None:
    """Why `highlight` points at nothing in the window this step shows, or None."""
    lab = stage.lab
    kind = highlight.kind
    if kind == "panel" and highlight.name not in LAB_PANELS[lab]:
        return f"the {lab} lab has no panel {highlight.name!r}"
    if kind == "plot" and highlight.name not in LAB_PLOTS[lab]:
        return f"the {lab} lab has no plot {highlight.name!r}"
    if kind == "cell":
        return _cell_problem(stage, highlight.target)
    if kind == "diagram":
        return _diagram_problem(stage, highlight)
    if kind == "chain_rule":
        return _chain_rule_problem(stage, highlight.name)
    return None


def _cell_problem(stage: Stage, target: Target) -> str | None:
    trainable = stage.stepper.trainable
    # The hand lab's tables are its parameters; the layer inspector shows every layer's arrays.
    tables = trainable.parameters() if stage.lab == "hand" else trainable.values()
    if target.name not in tables:
        return f"there is no table {target.name!r} here"
    shape = np.shape(tables[target.name])
    index = target.index or ()
    if len(index) != len(shape) or any(i >= n for i, n in zip(index, shape, strict=True)):
        return f"{target} does not exist: {target.name} has shape {shape}"
    return None


def _diagram_problem(stage: Stage, highlight: Highlight) -> str | None:
    trainable = stage.stepper.trainable
    if isinstance(trainable, SingleNeuron):
        inputs, neurons, has_sum = len(trainable.value("inputs")), 1, False
    elif isinstance(trainable, LayerOfThree):
        inputs, neurons, has_sum = len(trainable.value("X")), len(trainable.value("B")), True
    else:
        return "only the hand lab draws the diagram"
    part, index = highlight.name, highlight.index
    limits = {"input": (inputs,), "edge": (neurons, inputs), "neuron": (neurons,),
              "relu": (neurons,)}.get(part, ())
    if part == "sum" and not has_sum:
        return "the single neuron's diagram has no sum"
    if any(i >= n for i, n in zip(index, limits, strict=True)):
        return f"{highlight} does not exist: the diagram has {inputs} inputs and {neurons} " \
               f"neuron{'s' if neurons > 1 else ''}"
    return None


def _chain_rule_problem(stage: Stage, line: str) -> str | None:
    if line == "inputs":
        return None if stage.lab == "hand" else "only the hand lab shows the inputs' gradients"
    if stage.selection is None:
        return "nothing is selected: a select action names the value whose chain rule to show"
    if line == "largest_term":
        selected = stage.selection
        rule = stage.stepper.trainable.chain_rule(selected.name, selected.index or ())
        if not (rule.terms and rule.factors):
            return f"the chain rule of {stage.selection} is one product, it has no largest term"
    return None
