"""The classification Model's spec as the learner changes it: network, data, added points.

A changed network or data builds the Model again from the same seed, so the same spec always
starts from the same weights; the functions here make the next spec and name it.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping

from engine.training.spec import REGRESSION_DATA, describe, losses_for, normalize_spec

NETWORK_KEYS = ("hidden", "output", "loss", "optimizer", "numerics")


def with_network(spec: dict, network: Mapping) -> dict:
    """`spec` with a new network shape, optimizer or numerics from `network` (a copy)."""
    spec = copy.deepcopy(spec)
    spec.update({key: copy.deepcopy(network[key]) for key in NETWORK_KEYS if key in network})
    return spec


def with_data(spec: dict, data_spec: Mapping) -> dict:
    """`spec` with new data (kind, samples per class, classes, and the seed if given); added
    points of classes that no longer exist are dropped, and so are all of them between class
    data and a regression, whose points are (x, target); a loss that does not fit the new data
    gives way to the one that fits by default (a copy)."""
    spec = copy.deepcopy(spec)
    was_regression = spec["data"]["kind"] in REGRESSION_DATA
    spec["data"] = dict(data_spec["data"])
    spec["seed"] = int(data_spec.get("seed", spec["seed"]))
    regression = spec["data"]["kind"] in REGRESSION_DATA
    if regression != was_regression:
        spec["points"] = []
    elif not regression:
        spec["points"] = [p for p in spec["points"] if p[2] < spec["data"]["classes"]]
    if spec.get("loss") not in losses_for(spec["data"]["kind"]):
        spec.pop("loss", None)
    return spec


def title_for(spec: dict, preset_spec: dict, preset_title: str | None) -> str:
    """The preset's title while the network and data are the preset's (optimizer settings and
    added points aside), else a description of the spec."""
    spec = normalize_spec(spec)

    def shape(each: dict) -> tuple:
        return ({k: v for k, v in each.items() if k not in ("optimizer", "points")},
                each["optimizer"]["name"])
    if preset_title is not None and shape(spec) == shape(preset_spec):
        return preset_title
    return describe(spec)
