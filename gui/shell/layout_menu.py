"""View > Layouts: arrangements of panels a teacher picks per take, each a key away.

Focus (Ctrl+Alt+F) shows the lab's central view with only its focus panels; "Save layout as…"
(Ctrl+Alt+S) keeps the arrangement now under a name, which then gets Ctrl+Alt+1.. in the order
saved; Ctrl+Alt+L steps to the next of Default, Focus and the saved ones; Ctrl+Alt+D forgets the
saved one shown. The entries are the active lab's: each lab has its own saved arrangements.
The name is asked for through the module-level `ask_layout_name`, so a test can answer it.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMenu, QWidget

from gui.shell.lab import Lab
from gui.shell.layouts import DEFAULT, FOCUS
from gui.shell.main_window import MainWindow

MAX_NUMBERED = 9  # saved layouts with a Ctrl+Alt+digit key
STATUS_MS = 5_000


def ask_layout_name(parent: QWidget, suggestion: str) -> str | None:
    """The name to keep the arrangement under, None if the user cancels."""
    name, ok = QInputDialog.getText(parent, "Save layout", "Name of this layout:",
                                    QLineEdit.EchoMode.Normal, suggestion)
    return name.strip() if ok and name.strip() else None


class LayoutMenu(QObject):
    """View > Layouts of one window."""

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window
        self.menu = QMenu("&Layouts", window)
        window.menu("View").addMenu(self.menu)
        self.menu.setEnabled(False)  # the start page has no panels to arrange
        self._group = QActionGroup(self)
        self.save_action = self._action("&Save layout as…", "Ctrl+Alt+S", self._on_save_triggered)
        self.focus_action = self._action(FOCUS, "Ctrl+Alt+F", lambda: self.show(FOCUS))
        self.next_action = self._action("&Next layout", "Ctrl+Alt+L", self._on_next_triggered)
        self.delete_action = self._action("&Delete this layout", "Ctrl+Alt+D",
                                          self._on_delete_triggered)
        self._named: list[QAction] = []
        window.lab_activated.connect(self._on_window_lab_activated)
        window.layouts.current_changed.connect(self._on_layouts_current_changed)

    def show(self, name: str) -> None:
        """Arrange the active lab's panels as `name`."""
        lab = self.window.active_lab()
        if lab is not None and not self.window.layouts.show_named(lab, name):
            self.window.statusBar().showMessage(
                f"The layout {name} could not be used here: the default is shown", STATUS_MS)

    def names(self) -> list[str]:
        """Default, Focus and the active lab's saved layouts: what Next steps through."""
        lab = self.window.active_lab()
        return [DEFAULT, FOCUS, *(self.window.layouts.names(lab.kind) if lab else [])]

    def _action(self, text: str, keys: str, slot) -> QAction:
        action = QAction(text, self.window)
        action.setShortcut(QKeySequence(keys))
        action.triggered.connect(slot)
        self.menu.addAction(action)
        return action

    def _rebuild(self, lab: Lab | None) -> None:
        """The saved layouts' entries for `lab`, each with its key."""
        for action in self._named:
            self.menu.removeAction(action)
            self._group.removeAction(action)
            action.deleteLater()
        self._named = []
        names = self.window.layouts.names(lab.kind) if lab is not None else []
        for number, name in enumerate(names, start=1):
            action = QAction(name, self.window)
            action.setCheckable(True)
            if number <= MAX_NUMBERED:
                action.setShortcut(QKeySequence(f"Ctrl+Alt+{number}"))
            action.triggered.connect(lambda _checked=False, name=name: self.show(name))
            self._group.addAction(action)
            self.menu.insertAction(self.next_action, action)
            self._named.append(action)
        self._show_current(self.window.layouts.current)

    def _show_current(self, name: str) -> None:
        for action in self._named:
            action.setChecked(action.text() == name)
        self.delete_action.setEnabled(name not in (DEFAULT, FOCUS, ""))

    def _on_window_lab_activated(self, lab: Lab) -> None:
        """Another lab on screen: its saved layouts."""
        self.menu.setEnabled(True)
        self._rebuild(lab)

    def _on_layouts_current_changed(self, name: str) -> None:
        """Tick the layout shown."""
        self._show_current(name)

    def _on_save_triggered(self) -> None:
        """Keep the arrangement now under a name the user gives."""
        lab = self.window.active_lab()
        if lab is None:
            return
        taken = self.window.layouts.names(lab.kind)
        name = ask_layout_name(self.window, f"Layout {len(taken) + 1}")
        if name is None:
            return
        if name in (DEFAULT, FOCUS):
            self.window.statusBar().showMessage(
                f"{name} is the name of a built-in layout: choose another", STATUS_MS)
            return
        self.window.layouts.save_named(lab, name)
        self._rebuild(lab)
        self.window.statusBar().showMessage(f"Layout {name} saved", STATUS_MS)

    def _on_next_triggered(self) -> None:
        """The layout after the one shown, round the list."""
        names = self.names()
        current = self.window.layouts.current
        after = names[(names.index(current) + 1) % len(names)] if current in names else DEFAULT
        self.show(after)

    def _on_delete_triggered(self) -> None:
        """Forget the saved layout shown (the panels stay where they are)."""
        lab = self.window.active_lab()
        name = self.window.layouts.current
        if lab is None or name in (DEFAULT, FOCUS, ""):
            return
        self.window.layouts.delete_named(lab.kind, name)
        self._rebuild(lab)
        self.window.statusBar().showMessage(f"Layout {name} deleted", STATUS_MS)
