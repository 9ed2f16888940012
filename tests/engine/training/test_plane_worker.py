"""engine.training.plane_worker.serve: the helper process's loop, run here in-process over
a real pipe."""

import multiprocessing

import numpy as np

from engine.scenarios.presets import chapter10_spec
from engine.training.model import Model
from engine.training.plane_worker import serve


def request(model: Model) -> tuple:
    xs, ys = np.linspace(-1, 1, 5), np.linspace(-1, 1, 4)
    return ("key", model.spec, model.parameters(), xs, ys)


def test_the_helper_answers_with_the_models_plane_and_stops_when_told():
    model = Model(chapter10_spec())
    window, helper = multiprocessing.Pipe()
    window.send(request(model))
    window.send(None)
    serve(helper)
    assert window.recv() == "ready"
    _, _, _, xs, ys = request(model)
    assert np.array_equal(window.recv(), model.predict_grid(xs, ys))


def test_the_helper_ends_quietly_when_the_window_has_gone_mid_request(capfd):
    model = Model(chapter10_spec())
    window, helper = multiprocessing.Pipe()
    window.send(request(model))
    window.close()  # the window closed (or was killed) before the plane was sent back
    serve(helper)
    assert capfd.readouterr().err == ""
