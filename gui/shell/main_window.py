"""The window shell: menus, status bar and dock areas that the panels plug into, and the
labs it hosts.

It holds no training logic. Panels arrive through `add_dock`, `set_central` and
`add_menu_action`, so whoever writes a panel never has to edit this file. What others register
has a declared place here: the labs (`add_lab`, one of each kind, one of them active), the
Scenario menu's entries, the title's pieces (`title`) and the tutorial toolkit (`tools`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence, QResizeEvent
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QWidget

from gui import APP_NAME, RESOURCES
from gui.shell.about import AboutDialog, ShortcutsDialog, plain_text
from gui.shell.lab import Lab
from gui.shell.layouts import DEFAULT, WindowLayouts
from gui.shell.panel_dock import PanelScroll
from gui.shell.screen_fit import fit_to_screen
from gui.shell.settings import restore_window_layout, save_window_layout
from gui.shell.window_title import WindowTitle

if TYPE_CHECKING:
    from gui.tutorial.tools import TutorialTools

DEFAULT_SIZE = (1600, 1000)
RESIZE_SETTLE_MS = 50  # a resize being dragged re-arranges the panels once it pauses


def app_icon() -> QIcon:
    """The app's icon at every rendered size, so each place that shows it gets a sharp one."""
    icon = QIcon()
    for png in sorted((RESOURCES / "icons").glob("backprop-playground-*.png")):
        icon.addFile(str(png))
    return icon


class MainWindow(QMainWindow):
    """Backprop Playground's main window."""

    # (str) a scenario name the user asked to load
    scenario_requested = Signal(str)
    # (Lab) a lab was installed: once per kind, before it first takes the window over
    lab_added = Signal(object)
    # (Lab) a lab took the window over: its view, panels and keys are the ones shown
    lab_activated = Signal(object)

    def __init__(self, settings: QSettings | None = None) -> None:
        """settings: where to remember the layout on close; None remembers nothing."""
        super().__init__()
        self._settings = settings
        self._menus: dict[str, QMenu] = {}
        self._docks: list[tuple[QDockWidget, Qt.DockWidgetArea, QDockWidget | None]] = []
        self._labs: dict[str, Lab] = {}
        self._active_lab: Lab | None = None
        self._scenario_actions: dict[str, QAction] = {}
        self.title = WindowTitle(self)
        self.layouts = WindowLayouts(self, settings)
        # Whether closing writes the size and the arrangements to the settings: not after a
        # start whose command line chose them for one run (--size, --large-text).
        self.remembers_layout = settings is not None
        # Whether the window keeps itself on its screen (the app's window does; a screenshot's
        # or a test's may be larger than the offscreen platform's screen).
        self.keeps_on_screen = False
        # File > Export, Record, Tools > Record actions, View > Presentation mode...: set once
        # by gui.shell.app.build_window (a bare window, as in a panel's test, has none).
        self.tools: TutorialTools | None = None
        self.setWindowIcon(app_icon())
        self.setObjectName("mainWindow")
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks
            | QMainWindow.DockOption.AllowNestedDocks
            | QMainWindow.DockOption.AllowTabbedDocks
            | QMainWindow.DockOption.GroupedDragging
        )
        # Side panels run the full height; a bottom panel sits under the central view only.
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        # The active lab's panels fit the new size once a resize pauses (Lab.fit_room).
        self._resize_timer = QTimer(self)
        self._resize_timer.setSingleShot(True)
        self._resize_timer.setInterval(RESIZE_SETTLE_MS)
        self._resize_timer.timeout.connect(self._on_resize_timer_timeout)
        self.resize(*DEFAULT_SIZE)
        self._build_menus()
        self.statusBar().showMessage("Ready")

    def menu(self, title: str) -> QMenu:
        """The menu of that title ("File", "View", "Help", or one added by a panel)."""
        return self._menus[title]

    def add_menu_action(self, title: str, action: QAction) -> None:
        """Put `action` in the menu `title`, creating that menu if it is new.

        New menus go before Help, except Edit, which goes in its customary place before View.
        In File, actions go above Quit, where Open and Save belong.
        """
        if title not in self._menus:
            menu = QMenu(f"&{title}", self)
            before = self._menus["View" if title == "Edit" else "Help"]
            self.menuBar().insertMenu(before.menuAction(), menu)
            self._menus[title] = menu
        if title == "File":
            self._menus[title].insertAction(self._quit_separator, action)
        else:
            self._menus[title].addAction(action)

    def add_dock(
        self,
        dock: QDockWidget,
        area: Qt.DockWidgetArea = Qt.DockWidgetArea.RightDockWidgetArea,
        tabify_with: QDockWidget | None = None,
    ) -> None:
        """Show a panel in a dock area (as a tab beside `tabify_with` if given).

        Its show/hide toggle joins View > Panels. The dock needs an objectName for the layout
        to be remembered; one is derived from its title when missing. A panel added after the
        remembered layout was restored (a lab opened later) goes where the user last had it.
        The panel goes into a PanelScroll, so it scrolls rather than widen the window.
        """
        if dock.widget() is not None and not isinstance(dock.widget(), PanelScroll):
            dock.setWidget(PanelScroll(dock.widget()))
        if not dock.objectName():
            dock.setObjectName(plain_text(dock.windowTitle()).lower().replace(" ", "_") + "_dock")
        if not self.restoreDockWidget(dock):
            self._place(dock, area, tabify_with)
        self._docks.append((dock, area, tabify_with))
        self._panels_menu.addAction(dock.toggleViewAction())
        self._panels_menu.setEnabled(True)

    def add_lab(self, lab: Lab) -> None:
        """Host `lab` for the window's life; it takes the window over with `set_active_lab`."""
        if lab.kind in self._labs:
            raise ValueError(f"this window has a {lab.kind} lab already")
        self._labs[lab.kind] = lab
        self.lab_added.emit(lab)

    @property
    def labs(self) -> Mapping[str, Lab]:
        """Kind -> installed lab; a live view that later installs show up in."""
        return MappingProxyType(self._labs)

    def active_lab(self) -> Lab | None:
        """The lab on screen, None while the start page is."""
        return self._active_lab

    def set_active_lab(self, lab: Lab) -> None:
        """Give the window to `lab`: the lab that had it steps aside first (it no longer counts
        as active while it pauses), then `lab` shows its view, panels and keys."""
        previous, self._active_lab = self._active_lab, lab
        if previous is not lab:
            if previous is not None:
                self.layouts.lab_leaving(previous)
                previous.deactivate()
            lab.activate()
            self.layouts.lab_arriving(lab)
        else:
            lab.activate()
        if self.keeps_on_screen:
            fit_to_screen(self)
        self.lab_activated.emit(lab)

    def scenario_actions(self, titles: Mapping[str, str]) -> dict[str, QAction]:
        """The Scenario menu's entries (name -> action), made from `titles` (name -> title)
        when the first lab asks; every lab shares them, each asks for its scenario."""
        if not self._scenario_actions:
            for name, title in titles.items():
                action = QAction(title, self)
                action.triggered.connect(
                    lambda _checked=False, name=name: self.scenario_requested.emit(name))
                self.add_menu_action("Scenario", action)
                self._scenario_actions[name] = action
        return dict(self._scenario_actions)

    def docks(self) -> list[QDockWidget]:
        """The panels added so far, in the order they were added."""
        return [dock for dock, _, _ in self._docks]

    def set_central(self, widget: QWidget) -> None:
        """Replace the central view (the start page, until a scenario's main view arrives)."""
        previous = self.takeCentralWidget()
        self.setCentralWidget(widget)
        if previous is not None:
            previous.deleteLater()

    def restore_layout(self) -> bool:
        """Apply the geometry and dock arrangement remembered from the last run, if any (each
        lab's own arrangement is put back when it takes the window: WindowLayouts)."""
        restored = self._settings is not None and restore_window_layout(self, self._settings)
        if self.keeps_on_screen:
            fit_to_screen(self)
        return restored

    def reset_layout(self) -> None:
        """Every panel back in its first place, docked and visible: the active lab's default
        arrangement for the window's size.

        Panels whose View > Panels entry is hidden (those of a lab not in use) stay hidden.
        """
        if self._active_lab is not None:
            self.layouts.show_named(self._active_lab, DEFAULT)
            return
        for dock, _, _ in self._docks:
            dock.setFloating(False)
            self.removeDockWidget(dock)
        for dock, area, tabify_with in self._docks:
            self._place(dock, area, tabify_with)
            dock.setVisible(dock.toggleViewAction().isVisible())

    def show_shortcuts(self) -> None:
        """Open the keyboard-shortcut table, built from the actions present right now."""
        dialog = ShortcutsDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def show_about(self) -> None:
        """Open the About dialog."""
        dialog = AboutDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._resize_timer.start()

    def _on_resize_timer_timeout(self) -> None:
        if self._active_lab is not None:
            self._active_lab.fit_room()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._settings is not None and self.remembers_layout:
            self.layouts.remember(self._active_lab)
            save_window_layout(self, self._settings)
        super().closeEvent(event)

    def _place(
        self, dock: QDockWidget, area: Qt.DockWidgetArea, tabify_with: QDockWidget | None
    ) -> None:
        self.addDockWidget(area, dock)
        if tabify_with is not None:
            self.tabifyDockWidget(tabify_with, dock)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        for title in ("File", "View", "Help"):
            self._menus[title] = bar.addMenu(f"&{title}")

        self._quit_separator = self._menus["File"].addSeparator()
        self._action("File", "&Quit", self.close, QKeySequence("Ctrl+Q"))

        self._panels_menu = self._menus["View"].addMenu("&Panels")
        self._panels_menu.setEnabled(False)
        self._action("View", "&Reset layout", self.reset_layout, QKeySequence("Ctrl+Shift+L"))

        self._action("Help", "&Keyboard shortcuts", self.show_shortcuts, QKeySequence("F1"))
        self._action("Help", f"&About {APP_NAME}", self.show_about, QKeySequence("Shift+F1"))

    def _action(
        self,
        menu: str,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        self._menus[menu].addAction(action)
        return action
