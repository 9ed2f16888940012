"""Where each lab's panels are: remembered per lab, named by the user, repaired when broken.

Each lab has its own arrangement. When a lab steps aside, the window's arrangement is kept for
it (Qt's saveState); when it comes back, that arrangement is put back, or, the first time, the
lab's default for the window's size. So the layout never depends on which lab ran before. On
close every lab's arrangement goes to the settings, and the next run starts from them.

An arrangement that would leave the lab without a visible panel, or a floating panel off every
screen, is repaired when it is applied: the panels go back to the lab's default (a floating one
is docked again). A teacher can also keep arrangements under names (View > Layouts): those are
kept in the settings and, for the one in use, in a saved session.
"""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QObject, QSettings, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDockWidget, QMainWindow

from gui.shell.settings import LAYOUT_VERSION

if TYPE_CHECKING:
    from gui.shell.lab import Lab

LAB_LAYOUT_KEY = "layout/{kind}"  # a lab's arrangement as it was last left
NAMED_LAYOUTS_KEY = "layouts/{kind}"  # JSON: {name: arrangement in base64}
DEFAULT = "Default"  # the lab's own arrangement for the window's size (View > Reset layout)
FOCUS = "Focus"  # the lab's central view with only its focus panels


def encode(state: QByteArray) -> str:
    """An arrangement as text, for JSON (a session file, the named layouts)."""
    return base64.b64encode(bytes(state)).decode("ascii")


def decode(text: Any) -> QByteArray | None:
    """The arrangement `text` holds, None if it holds none."""
    if not isinstance(text, str):
        return None
    try:
        return QByteArray(base64.b64decode(text.encode("ascii"), validate=True))
    except ValueError:
        return None


def off_screen(dock: QDockWidget) -> bool:
    """Whether a floating dock lies outside every screen (a monitor unplugged since)."""
    if not dock.isFloating():
        return False
    centre = dock.geometry().center()
    return not any(screen.availableGeometry().contains(centre)
                   for screen in QGuiApplication.screens())


class WindowLayouts(QObject):
    """The arrangements of one window's labs: the last one of each, and the named ones."""

    # (str) the name of the arrangement now shown: DEFAULT, FOCUS, a saved name, or "" for
    # one the user has moved panels in since
    current_changed = Signal(str)

    def __init__(self, window: QMainWindow, settings: QSettings | None = None):
        super().__init__(window)
        self.window = window
        self.settings = settings
        self._last: dict[str, QByteArray] = {}
        # Named arrangements of a window without settings (a test's, a screenshot's)
        self._unsaved_named: dict[str, dict[str, str]] = {}
        self.current = DEFAULT

    # --- a lab's turn --------------------------------------------------------------------------

    def lab_leaving(self, lab: Lab) -> None:
        """Keep the arrangement `lab` had, for its return."""
        self._last[lab.kind] = self.window.saveState(LAYOUT_VERSION)

    def lab_arriving(self, lab: Lab) -> None:
        """Give `lab` the arrangement it had, or its default."""
        state = self._last.get(lab.kind)
        if state is None and self.settings is not None:
            stored = self.settings.value(LAB_LAYOUT_KEY.format(kind=lab.kind))
            state = QByteArray(stored) if isinstance(stored, (bytes, QByteArray)) else None
        if state is None or not self.apply(lab, state):
            lab.arrange_docks()
        self._set_current(DEFAULT)

    def apply(self, lab: Lab, state: QByteArray) -> bool:
        """Put `state` back for `lab`, repaired; False (and the lab's default arrangement)
        when it cannot be used."""
        if not self.window.restoreState(state, LAYOUT_VERSION):
            return False
        docks = list(lab.docks.values())
        if not any(not dock.isHidden() for dock in docks):
            lab.arrange_docks()  # every panel would be hidden: nothing to work with
            return False
        for dock in docks:
            if off_screen(dock):
                dock.setFloating(False)
        lab.forget_arrangement()
        return True

    def remember(self, active: Lab | None) -> None:
        """Write every lab's last arrangement (the active lab's as it is now) to the settings."""
        if active is not None:
            self.lab_leaving(active)
        if self.settings is None:
            return
        for kind, state in self._last.items():
            self.settings.setValue(LAB_LAYOUT_KEY.format(kind=kind), state)

    def panels_moved(self) -> None:
        """The user moved a panel: the arrangement shown is no longer the one named (whoever
        puts a named one in place says its name after placing it)."""
        if self.current:
            self._set_current("")

    def text_size_changed(self) -> None:
        """The text got larger or smaller: the active lab's default arrangement is made again
        for it (an arrangement the user chose by name is left as it is)."""
        lab = self.window.active_lab()
        if lab is not None and self.current == DEFAULT:
            lab.arrange_docks()

    def keep(self) -> tuple[str | None, str, QByteArray]:
        """The arrangement now, to put back later with `put_back`."""
        lab = self.window.active_lab()
        return (lab.kind if lab else None, self.current,
                self.window.saveState(LAYOUT_VERSION))

    def put_back(self, kept: tuple[str | None, str, QByteArray]) -> None:
        """The arrangement `keep` gave, if its lab is still the one on screen."""
        kind, name, state = kept
        lab = self.window.active_lab()
        if lab is not None and lab.kind == kind and self.apply(lab, state):
            self._set_current(name)

    # --- named arrangements --------------------------------------------------------------------

    def names(self, kind: str) -> list[str]:
        """The names of `kind`'s saved arrangements, in the order they were saved."""
        return list(self._named(kind))

    def save_named(self, lab: Lab, name: str) -> None:
        """Keep the window's arrangement now as `name` for `lab`'s kind."""
        named = self._named(lab.kind)
        named[name] = encode(self.window.saveState(LAYOUT_VERSION))
        self._store_named(lab.kind, named)
        self._set_current(name)

    def delete_named(self, kind: str, name: str) -> None:
        """Forget the arrangement `name` of `kind`."""
        named = self._named(kind)
        if named.pop(name, None) is not None:
            self._store_named(kind, named)
            if self.current == name:
                self._set_current("")

    def show_named(self, lab: Lab, name: str) -> bool:
        """Arrange `lab`'s panels as `name` (DEFAULT, FOCUS or a saved one); False if there is
        no such arrangement or it could not be used (the default is shown then)."""
        if name in (DEFAULT, FOCUS):
            lab.arrange_docks(focus=name == FOCUS)
            self._set_current(name)
            return True
        state = decode(self._named(lab.kind).get(name))
        shown = state is not None and self.apply(lab, state)
        self._set_current(name if shown else DEFAULT)
        return shown

    def view_settings(self) -> dict[str, Any]:
        """What a session keeps of the arrangement: its name and the arrangement itself."""
        return {"layout": {"name": self.current,
                           "state": encode(self.window.saveState(LAYOUT_VERSION))}}

    def apply_view_settings(self, lab: Lab, view: dict[str, Any]) -> None:
        """Arrange `lab` as a session's view settings say (anything unusable is ignored)."""
        layout = view.get("layout")
        if not isinstance(layout, dict):
            return
        state = decode(layout.get("state"))
        if state is not None and self.apply(lab, state):
            name = layout.get("name")
            self._set_current(name if isinstance(name, str) else "")

    def _named(self, kind: str) -> dict[str, str]:
        if self.settings is None:
            return dict(self._unsaved_named.get(kind, {}))
        try:
            stored = json.loads(str(self.settings.value(NAMED_LAYOUTS_KEY.format(kind=kind),
                                                        "{}")))
        except ValueError:
            return {}
        if not isinstance(stored, dict):
            return {}
        return {name: text for name, text in stored.items()
                if isinstance(name, str) and isinstance(text, str)}

    def _store_named(self, kind: str, named: dict[str, str]) -> None:
        if self.settings is None:
            self._unsaved_named[kind] = dict(named)
            return
        self.settings.setValue(NAMED_LAYOUTS_KEY.format(kind=kind), json.dumps(named))
        self.settings.sync()

    def _set_current(self, name: str) -> None:
        self.current = name
        self.current_changed.emit(name)
