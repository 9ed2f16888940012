"""A Model's state at an iteration start: captured in memory for the Stepper's checkpoints,
restored from one, and encoded as exact JSON for session files (engine/files/state.py).

The state is what the next iteration reads: each Dense layer's weights, biases and optimizer
caches, the optimizer's iteration count, current learning rate and settings, the random stream
(dropout's masks come from it), the iteration and how many lines were printed. Values computed
inside an iteration (outputs, gradients, the loss) are not part of it: a restore forgets them.
"""

from __future__ import annotations

from engine.book.layers import Layer_Dense
from engine.files import state as state_codec
from engine.training.spec import CACHES_ALL

HISTORY_KEYS = ("loss", "data_loss", "reg_loss", "accuracy", "learning_rate")
INTERMEDIATES = ("inputs", "output", "dweights", "dbiases", "dinputs", "binary_mask")
SCALARS = ("loss", "data_loss", "regularization_loss", "accuracy", "predictions")


class ModelState:
    """The state half of engine.training.model.Model (its layers, optimizer, numerics, log and
    history are the Model's)."""

    def capture_state(self) -> dict:
        """The state as arrays and numbers (copies), for Stepper checkpoints and restore()."""
        layers = {}
        for name, layer in zip(self.dense_names, self.dense, strict=True):
            layers[name] = {attribute: getattr(layer, attribute).copy()
                            for attribute in ("weights", "biases", *CACHES_ALL)
                            if hasattr(layer, attribute)}
        optimizer = self.optimizer
        return {"layers": layers,
                "optimizer": {"iterations": optimizer.iterations,
                              "current_learning_rate": optimizer.current_learning_rate,
                              **self.hyperparameters()},
                "random": self._stream_state(),
                "iteration": self.iteration, "log_length": self._log.count}

    def _stream_state(self) -> tuple:
        """The random stream only moves when dropout draws a mask; without dropout the state
        read once is reused (RandomState.get_state() is most of a capture's cost)."""
        if self._draws or self._random_state is None:
            self._random_state = self.numerics.random.get_state()
        return self._random_state

    def restore(self, state: dict) -> None:
        """Back to an iteration start; values computed inside iterations are forgotten."""
        for name, layer in zip(self.dense_names, self.dense, strict=True):
            saved = state["layers"][name]
            for attribute in ("weights", "biases"):
                if saved[attribute].shape != getattr(layer, attribute).shape:
                    raise ValueError(f"{name}.{attribute} has shape {saved[attribute].shape}, "
                                     f"this model needs {getattr(layer, attribute).shape}")
        self._forget_computed()
        for name, layer in zip(self.dense_names, self.dense, strict=True):
            for attribute, array in state["layers"][name].items():
                setattr(layer, attribute, array)
        saved = dict(state["optimizer"])
        self.optimizer.iterations = saved.pop("iterations")
        self.optimizer.current_learning_rate = saved.pop("current_learning_rate")
        for key, value in saved.items():
            setattr(self.optimizer, key, value)
            self.spec["optimizer"][key] = value
        self.numerics.random.set_state(state["random"])
        self._random_state = None
        self.iteration = state["iteration"]
        self._log.truncate(state["log_length"])
        self._history.truncate(self.iteration)
        self._changed_from_outside()

    def _forget_computed(self) -> None:
        """Drop the caches and every value an iteration computes, from every layer and the loss."""
        for _, layer in self.layers:
            dense = isinstance(layer, Layer_Dense)
            for attribute in (*CACHES_ALL, *INTERMEDIATES) if dense else INTERMEDIATES:
                if hasattr(layer, attribute):
                    delattr(layer, attribute)
        for attribute in ("output", "dinputs"):
            if hasattr(self.loss_object, attribute):
                delattr(self.loss_object, attribute)
        for attribute in SCALARS:
            if hasattr(self, attribute):
                delattr(self, attribute)

    def get_state(self) -> dict:
        """JSON-able and exact: parameters, optimizer caches and settings, random stream,
        iteration, the printed lines kept (log_length counts all printed) and the metric
        history (engine/training/history.py's state)."""
        return state_codec.encode(self.copy_state())

    def copy_state(self) -> dict:
        """get_state() before its encoding: arrays and numbers, copies (a save copies this on
        the window's thread and encodes it on another)."""
        return {**self.capture_state(), "log": self._log.lines(),
                "history": self._history.get_state()}

    def set_state(self, state: dict) -> None:
        """Continue from a get_state() result."""
        decoded = state_codec.decode(state)
        self._log.replace(list(decoded["log"]), decoded["log_length"])
        self._history.set_state(decoded["history"])
        self.restore(decoded)
