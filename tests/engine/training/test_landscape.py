"""Loss landscapes hold the engine's own losses, put the current point and paths where they
are, and refuse a bad choice of axes with the reason."""

import numpy as np
import pytest

from engine.scenarios.presets import chapter10_spec
from engine.scenarios.seed import LayerOfThree, SingleNeuron
from engine.training.coordinates import ParameterLayout, TrajectoryRecorder
from engine.training.landscape import (
    RESOLUTION,
    hand_landscape,
    plane_landscape,
    weights_landscape,
)
from engine.training.model import Model
from engine.training.stepper import Stepper

HAND = {"neuron": (SingleNeuron, ("weights", (0,)), ("bias", ())),
        "layer": (LayerOfThree, ("W", (1, 2)), ("B", (0,)))}
SMALL = {"data": {"kind": "spiral", "samples": 30, "classes": 3},
         "hidden": [{"neurons": 8, "activation": "relu", "weight_l2": 5e-4}],
         "optimizer": {"name": "adam", "learning_rate": 0.05}}


def clone(trainable):
    if isinstance(trainable, Model):
        copied = Model(trainable.spec)
    else:
        copied = type(trainable)(trainable.numerics.name)
    copied.set_state(trainable.get_state())
    return copied


def notebook(example, values: dict) -> object:
    """A copy of a hand example with `values` set, after its notebook lines up to the updates:
    its loss and gradients are the notebook's own."""
    copied = clone(example)
    for (name, index), value in values.items():
        copied.set_value(name, index, value)
    for number, operation in enumerate(copied.operations()):
        if operation.phase == "update":
            break
        copied.run_operation(number)
    return copied


def notebook_gradient(ran, name: str, index: tuple) -> float:
    """dl/d(name[index]) as the notebook's backward lines computed it."""
    if name == "W":
        return float(ran.value("dL_dW")[index[1], index[0]])  # W -= lr * dL_dW.T
    source = {"weights": "dloss_dweights", "bias": "dloss_dbias", "B": "dL_dB"}[name]
    return float(np.asarray(ran.value(source))[index])


def trained(trainable, iterations: int) -> tuple[Stepper, TrajectoryRecorder]:
    stepper = Stepper(trainable)
    path = TrajectoryRecorder(trainable)
    path.record(stepper)
    for _ in range(iterations):
        stepper.run_iterations(1)
        path.record(stepper)
    return stepper, path


@pytest.mark.parametrize("numerics", ["book", "native"])
@pytest.mark.parametrize("case", HAND)
def test_a_hand_landscape_holds_the_notebooks_losses(case, numerics):
    kind, first, second = HAND[case]
    stepper, path = trained(kind(numerics), 30)
    example = stepper.trainable
    landscape = hand_landscape(example, first, second, paths={"run": path}).run()
    assert landscape.losses.shape == (RESOLUTION, RESOLUTION)
    for row, column in ((0, 0), (7, 33), (40, 40), (20, 3)):
        x, y = landscape.xs[column], landscape.ys[row]
        ran = notebook(example, {first: x, second: y})
        assert landscape.losses[row, column] == float(ran.value(example.loss_name))
    current = [float(np.asarray(example.parameters()[name])[index]) for name, index in
               (first, second)]
    assert landscape.current.tolist() == current
    ran = notebook(example, {})
    assert landscape.current_loss == float(ran.value(example.loss_name))
    assert landscape.descent.tolist() == [-notebook_gradient(ran, *first),
                                          -notebook_gradient(ran, *second)]
    points = landscape.paths["run"]
    assert len(points) == 31 and points[-1].tolist() == current
    assert points[0].tolist() == [float(np.asarray(kind(numerics).parameters()[name])[index])
                                  for name, index in (first, second)]


def test_hand_ranges_cover_the_path_and_can_be_chosen():
    stepper, path = trained(SingleNeuron(), 200)
    example = stepper.trainable
    landscape = hand_landscape(example, ("weights", (0,)), ("weights", (2,)),
                               paths={"run": path}).run()
    points = landscape.paths["run"]
    assert landscape.xs[0] < points[:, 0].min() and points[:, 0].max() < landscape.xs[-1]
    assert landscape.ys[0] < points[:, 1].min() and points[:, 1].max() < landscape.ys[-1]
    chosen = hand_landscape(example, ("weights", (0,)), ("bias", ()),
                            ranges=((-1, 1), (0, 2)), resolution=5).run()
    assert chosen.xs.tolist() == [-1, -0.5, 0, 0.5, 1] and chosen.ys.tolist() == [0, 0.5, 1,
                                                                                 1.5, 2]


@pytest.mark.parametrize("first, second, message", [
    (("weights", (0,)), ("weights", (0,)), r"both axes are weights\[0\]: choose two different"),
    (("weights", (3,)), ("bias", ()), r"index \(3,\) is outside weights, whose shape is \(3,\)"),
    (("weights", (0, 1)), ("bias", ()), r"index \(0, 1\) is outside weights"),
    (("weight", (0,)), ("bias", ()), "Single neuron has no parameter 'weight': choose one of "
                                     "weights, bias"),
    (("inputs", (0,)), ("bias", ()), "'inputs' is fixed, not trained: training changes only "
                                     "weights, bias"),
    (("bias", ()), ("learning_rate", ()), "'learning_rate' is fixed, not trained"),
    (("weights", (0,)), ("dloss_dbias", ()), "'dloss_dbias' is not a trainable parameter of "
                                             "Single neuron .the training computes it."),
])
def test_a_bad_choice_of_hand_axes_says_what_is_wrong(first, second, message):
    with pytest.raises(ValueError, match=message):
        hand_landscape(SingleNeuron(), first, second)


@pytest.mark.parametrize("first, second, message", [
    (("dense1.weights", (0, 0)), ("dense1.weights", (0, 0)), "both axes are"),
    (("dense1.weights", (2, 0)), ("dense1.biases", (0, 0)),
     r"index \(2, 0\) is outside dense1.weights, whose shape is \(2, 8\)"),
    (("dense3.weights", (0, 0)), ("dense1.biases", (0, 0)), "has no parameter 'dense3.weights'"),
    (("dense1.weight_momentums", (0, 0)), ("dense1.biases", (0, 0)),
     "'dense1.weight_momentums' is not a trainable parameter"),
    (("X", (0, 0)), ("dense1.biases", (0, 0)), "has no parameter 'X'"),
])
def test_a_bad_choice_of_model_axes_says_what_is_wrong(first, second, message):
    with pytest.raises(ValueError, match=message):
        weights_landscape(Model(SMALL), first, second)


def test_a_model_is_not_a_hand_example():
    with pytest.raises(ValueError, match="is not one of the seed's worked examples"):
        hand_landscape(Model(SMALL), ("dense1.weights", (0, 0)), ("dense1.biases", (0, 0)))


@pytest.mark.parametrize("dropout", [0.0, 0.25])
def test_a_weights_landscape_holds_the_models_own_losses(dropout):
    spec = {**SMALL, "hidden": [{**SMALL["hidden"][0], "dropout": dropout}]}
    stepper, path = trained(Model(spec), 25)
    model = stepper.trainable
    first, second = ("dense1.weights", (1, 4)), ("dense2.biases", (0, 2))
    landscape = weights_landscape(model, first, second, paths={"run": path}).run()
    for row, column in ((0, 0), (12, 30), (40, 40)):
        x, y = landscape.xs[column], landscape.ys[row]
        changed = Model(spec)
        changed.set_state(model.get_state())
        changed.set_value(*first, x)
        if dropout:  # the model's own masks: ask the model itself
            expected = _loss_with_two(model, first, x, second, y)
        else:
            expected = changed.loss_with(*second, y)
        assert landscape.losses[row, column] == expected
    assert landscape.current.tolist() == [float(model.parameters()[name][index])
                                          for name, index in (first, second)]
    assert landscape.current_loss == model.loss_with(*first, landscape.current[0])
    assert landscape.descent.tolist() == [-model.chain_rule(*first).product,
                                          -model.chain_rule(*second).product]
    assert landscape.paths["run"][-1].tolist() == landscape.current.tolist()


def _loss_with_two(model: Model, first, x: float, second, y: float) -> float:
    """The model's loss_with for `second`, with `first` set on the model and set back."""
    name, index = first
    kept = float(model.parameters()[name][index])
    model.set_value(name, index, x)
    try:
        return model.loss_with(*second, y)
    finally:
        model.set_value(name, index, kept)


def test_the_plane_holds_the_models_own_losses_through_the_current_weights():
    stepper, path = trained(Model(SMALL), 30)
    model = stepper.trainable
    stream = model.numerics.random.get_state()[1].copy()
    landscape = plane_landscape(model, seed=4, paths={"run": path}).run()
    assert np.array_equal(model.numerics.random.get_state()[1], stream)  # its stream untouched
    layout = ParameterLayout(model.parameters())
    center = layout.flatten(model.parameters())
    middle = RESOLUTION // 2
    assert (landscape.xs[middle], landscape.ys[middle]) == (0, 0)
    assert landscape.losses[middle, middle] == landscape.current_loss \
        == model.training_metrics()["loss"]
    for row, column in ((0, 0), (5, 37), (40, 11)):
        a, b = landscape.xs[column], landscape.ys[row]
        point = (center.astype(np.float64) + a * landscape.directions[0]
                 + b * landscape.directions[1]).astype(center.dtype)
        changed = clone(model)
        for name, values in layout.unflatten(point).items():
            for index in np.ndindex(values.shape):
                changed.set_value(name, index, float(values[index]))
        assert landscape.losses[row, column] == changed.training_metrics()["loss"]
    points = landscape.paths["run"]
    assert points[-1].tolist() == [0.0, 0.0] and landscape.distances["run"][-1] == 0.0
    assert landscape.path_iterations["run"].tolist() == list(range(31))


def test_the_directions_are_filter_normalized_and_the_biases_still():
    stepper, _ = trained(Model(SMALL), 10)
    model = stepper.trainable
    landscape = plane_landscape(model, resolution=2).run()
    layout = ParameterLayout(model.parameters())
    for direction in landscape.directions:
        parts = layout.unflatten(direction)
        for name, weights in model.parameters().items():
            if name.endswith(".biases"):
                assert not parts[name].any()
                continue
            for neuron in range(weights.shape[1]):  # a filter: one neuron's incoming weights
                assert np.linalg.norm(parts[name][:, neuron]) == pytest.approx(
                    np.linalg.norm(weights[:, neuron].astype(np.float64)), rel=1e-12)
    cosine = landscape.directions[0] @ landscape.directions[1] / np.prod(
        np.linalg.norm(landscape.directions, axis=1))
    assert abs(cosine) < 0.5
    again = plane_landscape(model, resolution=2).run()
    assert np.array_equal(again.directions, landscape.directions)


def test_a_path_is_projected_by_least_squares_onto_the_plane():
    stepper, _ = trained(Model(SMALL), 10)
    model = stepper.trainable
    first = plane_landscape(model, resolution=2).run()
    layout = ParameterLayout(model.parameters())
    center = layout.flatten(model.parameters()).astype(np.float64)
    off = np.ones(layout.size)
    off -= first.directions.T @ np.linalg.lstsq(first.directions.T, off, rcond=None)[0]
    on_plane = center + 0.3 * first.directions[0] - 0.2 * first.directions[1]
    path = [layout.unflatten(on_plane), layout.unflatten(on_plane + off)]
    landscape = plane_landscape(model, resolution=2, paths={"made": path}).run()
    np.testing.assert_allclose(landscape.paths["made"], [[0.3, -0.2], [0.3, -0.2]], atol=1e-12)
    np.testing.assert_allclose(landscape.distances["made"], [0, np.linalg.norm(off)],
                               atol=1e-9)
    gradient = -model.chain_rule("dense1.weights", (0, 0)).product
    assert np.isfinite(landscape.descent).all() and np.isfinite(gradient)


def test_a_job_runs_in_slices_can_be_cancelled_and_ignores_later_training():
    stepper, _ = trained(Model(SMALL), 5)
    model = stepper.trainable
    whole = plane_landscape(model, resolution=11).run()
    job = plane_landscape(model, resolution=11)
    stepper.run_iterations(20)  # training on while the job computes changes nothing it reads
    assert job.advance(50) == pytest.approx(50 / 121)
    partial = job.partial()
    assert np.array_equal(partial.ravel()[:50], whole.losses.ravel()[:50])
    assert np.isnan(partial.ravel()[50:]).all()
    with pytest.raises(RuntimeError, match="is 41% done"):
        job.result()
    while not job.done:
        job.advance(7)
    assert np.array_equal(job.result().losses, whole.losses)
    cancelled = plane_landscape(model, resolution=11)
    cancelled.advance(3)
    cancelled.cancel()
    assert cancelled.advance(100) == pytest.approx(3 / 121)
    with pytest.raises(RuntimeError, match="was cancelled"):
        cancelled.result()


@pytest.mark.parametrize("arguments, message", [
    ({"resolution": 1}, "resolution must be a whole number of at least 2"),
    ({"span": 0.0}, "span must be a positive number"),
])
def test_bad_grid_settings_are_refused(arguments, message):
    with pytest.raises(ValueError, match=message):
        plane_landscape(Model(SMALL), **arguments)
    with pytest.raises(ValueError, match="the y range must be two finite numbers"):
        hand_landscape(SingleNeuron(), ("weights", (0,)), ("bias", ()),
                       ranges=((0, 1), (2, 2)))


def test_the_chapter_10_plane_at_41_by_41():
    stepper = Stepper(Model(chapter10_spec()))
    stepper.run_iterations(100)
    landscape = plane_landscape(stepper.trainable).run()
    assert landscape.losses.shape == (41, 41) and np.isfinite(landscape.losses).all()
    assert landscape.current_loss == landscape.losses[20, 20]
    assert f"{landscape.current_loss:.3f}" == "0.705"  # the book's line for epoch 100
    assert landscape.losses.max() > landscape.current_loss


def test_the_paths_own_plane_holds_the_path_and_the_models_losses():
    stepper, path = trained(Model(SMALL), 40)
    model = stepper.trainable
    landscape = plane_landscape(model, resolution=9, paths={"run": path},
                                directions="path").run()
    np.testing.assert_allclose(landscape.directions @ landscape.directions.T, np.eye(2),
                               atol=1e-12)
    points = landscape.paths["run"]
    assert points[-1].tolist() == [0.0, 0.0]
    assert landscape.xs[0] < points[:, 0].min() and points[:, 0].max() < landscape.xs[-1]
    assert landscape.ys[0] < points[:, 1].min() and points[:, 1].max() < landscape.ys[-1]
    offsets = path.vectors().astype(np.float64) - path.vectors()[-1]
    # The two principal directions hold most of the path (a random plane holds almost none).
    assert np.linalg.norm(points @ landscape.directions) ** 2 > 0.9 * np.linalg.norm(offsets) ** 2
    layout = ParameterLayout(model.parameters())
    center = layout.flatten(model.parameters())
    a, b = landscape.xs[2], landscape.ys[7]
    point = (center.astype(np.float64) + a * landscape.directions[0]
             + b * landscape.directions[1]).astype(center.dtype)
    changed = clone(model)
    for name, values in layout.unflatten(point).items():
        for index in np.ndindex(values.shape):
            changed.set_value(name, index, float(values[index]))
    assert landscape.losses[7, 2] == changed.training_metrics()["loss"]
    with pytest.raises(ValueError, match="needs a path of at least 2 points"):
        plane_landscape(model, directions="path")
    with pytest.raises(ValueError, match="directions must be 'random' or 'path'"):
        plane_landscape(model, directions="pca")
