"""engine.training.chain_rule's verdict: a gradient that is 0 as far as the arithmetic can tell
is "both ~0", never "differ"; a real disagreement still says so."""

import numpy as np
import pytest

from engine.scenarios.seed import LayerOfThree, SingleNeuron
from engine.training.chain_rule import AGREEMENT, make_chain_rule, verdict
from engine.training.gradcheck import relative_error, zero_floor


def test_relative_error_with_a_floor_stops_the_denominator_shrinking():
    assert relative_error(0.0, 3.6e-15) == 1.0  # without a floor: "completely different"
    assert relative_error(0.0, 3.6e-15, floor=1e-10) == pytest.approx(3.6e-5)
    # Above the floor the floor changes nothing.
    assert relative_error(2.0, 1.0, floor=1e-10) == pytest.approx(1 / 3)
    with pytest.raises(ValueError, match="floor"):
        relative_error(1.0, 1.0, floor=float("nan"))


def test_zero_floor_grows_with_the_loss_and_the_analytic_precision():
    eps64, eps32 = np.finfo(np.float64).eps, np.finfo(np.float32).eps
    assert zero_floor(36.0, 1e-4) == pytest.approx(36 * eps64 + 36 * eps64 / 1e-4)
    assert zero_floor(36.0, 1e-4, np.float32) == pytest.approx(36 * eps32 + 36 * eps64 / 1e-4)
    assert zero_floor(1e-9, 1e-4) == zero_floor(1.0, 1e-4)  # a tiny loss still rounds at 1
    assert zero_floor(float("inf"), 1e-4) == 0.0


@pytest.mark.parametrize("numerics", ["book", "native"])
def test_an_exact_zero_against_rounding_noise_is_both_zero(numerics):
    # Target = the output: dl/da = 0 exactly, while the central difference of the float64 loss
    # rounds to 3.6e-15 for w_2 (a relative error of 1 without the floor).
    neuron = SingleNeuron(numerics)
    neuron.set_value("target_output", (), 6.0)
    rule = neuron.chain_rule("weights", (2,))
    assert rule.product == 0.0 and 0 < abs(rule.numerical) < 1e-13
    assert rule.verdict == "both ~0"
    assert rule.relative_error < AGREEMENT


def test_a_real_gradient_agrees_and_a_wrong_one_differs():
    neuron = SingleNeuron("native")
    assert neuron.chain_rule("weights", (0,)).verdict == "agree"
    loss_at = neuron._native_loss_at("weights", (0,))
    wrong = make_chain_rule("dl/dw_0", [("dl/da", 12.0)], 11.0, loss_at, -3.0)
    assert wrong.verdict == "differ" and wrong.relative_error > AGREEMENT


def test_book_numerics_count_float32_rounding_as_zero_where_float64_does_not():
    book, native = LayerOfThree("book"), LayerOfThree("native")
    assert book.chain_rule("W", (0, 0)).zero_floor > 1e4 * native.chain_rule("W", (0, 0)).zero_floor
    # A value under float32's floor but over float64's: "both ~0" only where float32 computed it.
    floor32 = book.chain_rule("W", (0, 0)).zero_floor
    floor64 = native.chain_rule("W", (0, 0)).zero_floor
    small = floor32 / 10
    assert small > 10 * floor64
    assert verdict(small, 0.0, 1.0, floor32) == "both ~0"
    assert verdict(small, 0.0, 1.0, floor64) == "differ"
