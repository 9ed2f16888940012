"""The cost of an iteration, estimated from a spec before anything is built, is near what an
iteration takes, and what costs too much is refused with the estimate."""

import tracemalloc

import pytest

from engine.limits import ITERATION_BYTES
from engine.scenarios.presets import chapter10_spec
from engine.training.cost import check_iteration_cost, iteration_cost, size_text
from engine.training.model import Model
from engine.training.stepper import Stepper

DEEP = {"data": {"samples": 66_666, "classes": 3}, "hidden": [{"neurons": 100}] * 32}


def test_the_network_the_issue_found_is_refused_with_its_size():
    cost = iteration_cost(DEEP)
    assert 8 * 2**30 < cost.bytes < 12 * 2**30 and cost.refused  # 10 GB was measured
    with pytest.raises(ValueError, match=r"needs about 9\.7 GB per iteration, more than the "
                                         r"2\.0 GB allowed"):
        check_iteration_cost(DEEP)


def test_the_chapter_10_network_costs_next_to_nothing():
    assert check_iteration_cost(chapter10_spec()) is None
    assert iteration_cost(chapter10_spec()).bytes < 2**20


def test_the_largest_network_the_window_offers_is_trained_with_a_warning():
    spec = {"data": {"samples": 1000, "classes": 6}, "hidden": [{"neurons": 256}] * 4}
    assert check_iteration_cost(spec) == "this network takes about 0.7 s per iteration"
    assert iteration_cost(spec).bytes < ITERATION_BYTES


@pytest.mark.parametrize("spec", [
    {"data": {"samples": 2000, "classes": 3}, "hidden": [{"neurons": 128}] * 2},
    {"data": {"samples": 1000, "classes": 5}, "hidden": [{"neurons": 64, "dropout": 0.1}] * 3,
     "numerics": "native"},
])
def test_the_memory_estimate_is_within_a_factor_of_two_of_an_iteration(spec):
    stepper = Stepper(Model(spec))
    stepper.run_iterations(1)
    tracemalloc.start()
    stepper.run_iterations(1)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    estimate = iteration_cost(spec).bytes
    assert peak / 2 < estimate < peak * 2, (size_text(peak), size_text(estimate))


def test_sizes_read_as_a_person_reads_them():
    assert [size_text(n) for n in (512, 12 * 2**10, 340 * 2**20, 10.4 * 2**30)] == [
        "512 bytes", "12 KB", "340 MB", "10 GB"]
