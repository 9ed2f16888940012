"""Compare runs and the loss landscape (issue 17): what training two runs side by side costs,
and how long a landscape takes.

- Two chapter-10 runs compared (the book's Adam run and a fork of it with another learning
  rate, so both do the work of the run alone, trained in lockstep by Comparison.run_iterations)
  against one run alone (Stepper.run_iterations), in turn each round
  (common.interleaved_rates): each compared run should train at >= 0.45 of the speed of the
  run alone. For the record: Adam beside SGD (the issue's example; SGD's update is cheaper),
  and with a watched weight, whose optimizer state is sampled after every epoch for the first
  512 and ever more rarely after (engine/training/series.py).
- A 41 x 41 landscape of the chapter-10 network after 300 iterations: the filter-normalized
  plane and two chosen weights; the hand lab's 41 x 41 and its optimizer race (200 steps of
  four optimizers), for the record.
"""

from __future__ import annotations

import copy
import os
import sys
import time
from collections.abc import Callable

from common import Row, at_least, emit, interleaved_rates, median_time, use_repo_imports

use_repo_imports()

from engine.scenarios.presets import chapter10_spec  # noqa: E402
from engine.scenarios.seed import SingleNeuron  # noqa: E402
from engine.training.comparison import Comparison  # noqa: E402
from engine.training.landscape import (  # noqa: E402
    hand_landscape,
    plane_landscape,
    weights_landscape,
)
from engine.training.model import Model  # noqa: E402
from engine.training.race import optimizer_race  # noqa: E402
from engine.training.stepper import Stepper  # noqa: E402

TARGET = 0.45  # each of two compared runs, against one run alone
STEPS = 50  # iterations per call, about what the window's run loop asks for in one slice
TRAINED = 300
WATCHED_LATER = 5000  # the optimizer state is sampled every 16th epoch by then


def fork_spec(name: str, learning_rate: float) -> dict:
    spec = copy.deepcopy(chapter10_spec())
    spec["optimizer"] = {"name": name, "learning_rate": learning_rate}
    return spec


def compared(fork: dict, watch: bool = False, trained: int = 0) -> Comparison:
    comparison = Comparison(Stepper(Model(chapter10_spec())))
    comparison.add_run(fork)
    if watch:
        comparison.watch("dense1.weights", (0, 0))
    while comparison.epoch < trained:
        comparison.run_iterations(500)
    return comparison


def speed_rows(repeats: int) -> list[Row]:
    alone = Stepper(Model(chapter10_spec()))
    adam = fork_spec("adam", 0.02)  # the same work per iteration as the run alone
    runs = {"alone": alone, "compared": compared(adam), "sgd": compared(fork_spec("sgd", 1.0)),
            "watched early": compared(adam, watch=True),
            "watched later": compared(adam, watch=True, trained=WATCHED_LATER)}
    cpu = {name: [0, 0.0] for name in runs}  # iterations a run, CPU seconds, per candidate

    def timed(name: str) -> Callable[[int], None]:
        def run(n: int) -> None:
            began = time.process_time()
            runs[name].run_iterations(n)
            cpu[name][0] += n
            cpu[name][1] += time.process_time() - began
        return run

    rates = interleaved_rates({name: timed(name) for name in runs}, STEPS, repeats)
    ratio = rates["compared"] / rates["alone"]
    cpu_ratio = (cpu["compared"][0] / cpu["compared"][1]) / (cpu["alone"][0] / cpu["alone"][1])
    return [Row("compare ch10: one run alone (Adam)", f"{rates['alone']:.0f} steps/s"),
            Row("compare ch10: each of two compared Adam runs",
                f"{rates['compared']:.0f} steps/s"),
            Row("compare ch10: each compared run / one run alone", f"{ratio:.2f}",
                f">= {TARGET:.2f}", at_least(ratio, TARGET)),
            Row("compare ch10: each compared run / one run alone, per CPU second",
                f"{cpu_ratio:.2f}"),
            Row("compare ch10: Adam beside SGD, each / alone",
                f"{rates['sgd'] / rates['alone']:.2f}"),
            Row("compare ch10: with a watched weight, first 512 epochs, each / alone",
                f"{rates['watched early'] / rates['alone']:.2f}"),
            Row(f"compare ch10: with a watched weight, after {WATCHED_LATER:,} epochs, "
                "each / alone", f"{rates['watched later'] / rates['alone']:.2f}")]


def landscape_rows(repeats: int) -> list[Row]:
    stepper = Stepper(Model(chapter10_spec()))
    stepper.run_iterations(TRAINED)
    model = stepper.trainable
    plane = median_time(lambda: plane_landscape(model).run(), repeats)
    chosen = median_time(lambda: weights_landscape(model, ("dense1.weights", (0, 0)),
                                                   ("dense2.biases", (0, 1))).run(), repeats)
    job = plane_landscape(model)
    slice_time = median_time(lambda: job.advance(41) if not job.done else None, repeats)
    neuron = SingleNeuron()
    pair = (("weights", (0,)), ("bias", ()))
    hand = median_time(lambda: hand_landscape(neuron, *pair).run(), repeats)
    race = median_time(lambda: optimizer_race(neuron, *pair), repeats)
    return [Row("landscape ch10 41x41: filter-normalized plane", f"{plane:.2f} s"),
            Row("landscape ch10 41x41: two chosen weights", f"{chosen:.2f} s"),
            Row("landscape ch10: one slice of 41 points (advance)", f"{slice_time * 1e3:.1f} ms"),
            Row("landscape hand 41x41: single neuron", f"{hand * 1e3:.0f} ms"),
            Row("race hand: 4 optimizers x 200 steps, single neuron", f"{race * 1e3:.0f} ms")]


def main() -> None:
    quick = "--quick" in sys.argv[1:]
    rows = speed_rows(5 if quick else 15) + landscape_rows(3 if quick else 5)
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    emit(rows, [f"Load average {load}; {STEPS} iterations a call, each candidate in turn.",
                f"Landscapes after {TRAINED} iterations of the chapter-10 network, book numerics."])


if __name__ == "__main__":
    main()
