"""The first-run welcome: a small card naming the four things to try first.

It floats over the bottom of the window, under the lab's central view, where the loss curve
and the printed log are still empty on a first run. So the diagram, the weights, the controls
and the chain rule stay in sight at any window size or text size while it is read.
"Don't show again" is remembered in the settings; "Close" only hides it for this run.
"""

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsDropShadowEffect,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
)

from gui.shell.theme import Theme, current_theme

DISMISSED_KEY = "welcome/dont_show_again"
MARGIN = 12
MAX_WIDTH = 760

TRY_FIRST = (
    ("Edit a weight", "click a cell under <i>Weights w</i>, type a number, press Enter"),
    ("Step (Right)", "run the next line of the pass"),
    ("Step back (Left)", "undo that line, exactly"),
    ("Run (Space)", "train on and watch the loss fall"),
)


def welcome_wanted(settings: QSettings) -> bool:
    """True until the user has asked never to see the welcome again."""
    return not settings.value(DISMISSED_KEY, False, type=bool)


def style_sheet(theme: Theme) -> str:
    return f"""
        #welcomePanel {{
            background: {theme.panel}; border: 1px solid {theme.accent}; border-radius: 8px;
        }}
        #welcomeTitle {{ font-weight: 600; color: {theme.text}; }}
        #welcomeItem {{ color: {theme.text}; }}
        #welcomeNumber {{
            color: {theme.accent_text}; background: {theme.accent}; border-radius: 10px;
            font-weight: 600;
        }}
    """


class WelcomePanel(QFrame):
    """The card; it keeps its place under the central view as the window or panels resize."""

    dismissed = Signal(bool)  # True when "Don't show again" closed it

    def __init__(self, window: QMainWindow, settings: QSettings | None = None) -> None:
        """settings: where "Don't show again" is kept (None: nowhere, as in a screenshot)."""
        super().__init__(window)
        self._window = window
        self._settings = settings
        self.setObjectName("welcomePanel")
        self.setStyleSheet(style_sheet(current_theme()))
        shadow = QGraphicsDropShadowEffect(self)
        shadow.setBlurRadius(18)
        shadow.setOffset(0, 3)
        shadow.setColor(QColor(0, 0, 0, 70))
        self.setGraphicsEffect(shadow)

        title = QLabel("Welcome! Four things to try first")
        title.setObjectName("welcomeTitle")
        font = title.font()  # a size relative to the app's, so --large-text enlarges it too
        font.setPointSizeF(font.pointSizeF() * 1.3)
        title.setFont(font)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.never_button = QPushButton("Don't show again")
        self.close_button = QPushButton("Close")
        buttons.addWidget(self.never_button)
        buttons.addWidget(self.close_button)
        things = QGridLayout()
        things.setHorizontalSpacing(24)
        things.setVerticalSpacing(8)
        for number, (action, how) in enumerate(TRY_FIRST):
            things.addLayout(self._item(number + 1, action, how), number // 2, number % 2,
                            Qt.AlignmentFlag.AlignTop)
        things.setColumnStretch(0, 1)
        things.setColumnStretch(1, 1)
        column = QVBoxLayout(self)
        column.setContentsMargins(18, 12, 18, 14)
        column.setSpacing(10)
        column.addWidget(title)
        column.addLayout(things)
        column.addLayout(buttons)
        self.never_button.clicked.connect(self._on_never_button_clicked)
        self.close_button.clicked.connect(self._on_close_button_clicked)

        window.installEventFilter(self)
        self._watched_central = None
        self._place()
        self.raise_()

    def _item(self, number: int, action: str, how: str) -> QHBoxLayout:
        badge = QLabel(str(number))
        badge.setObjectName("welcomeNumber")
        badge.setFixedSize(20, 20)
        badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text = QLabel(f"<b>{action}</b>: {how}")
        text.setObjectName("welcomeItem")
        text.setWordWrap(True)
        row = QHBoxLayout()
        row.setSpacing(10)
        row.addWidget(badge, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(text, 1)
        return row

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Follow the window's and the central view's size, so the card keeps its place."""
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Move, QEvent.Type.LayoutRequest):
            self._place()
        return False

    def _place(self) -> None:
        """Centred under the central view, its bottom just above the status bar."""
        central = self._window.centralWidget()
        if central is not None and central is not self._watched_central:
            central.installEventFilter(self)  # dock splitters resize it, not the window
            self._watched_central = central
        span = central.geometry() if central is not None else self._window.rect()
        width = min(span.width() - 2 * MARGIN, MAX_WIDTH)
        self.setFixedWidth(max(width, self.minimumSizeHint().width()))
        height = self.heightForWidth(self.width())
        self.setFixedHeight(height if height > 0 else self.sizeHint().height())
        status = self._window.statusBar()
        bottom = status.geometry().top() if status.isVisible() else self._window.height()
        self.move(span.center().x() - self.width() // 2, bottom - self.height() - MARGIN)

    def _on_never_button_clicked(self) -> None:
        """Remember the choice, then close."""
        if self._settings is not None:
            self._settings.setValue(DISMISSED_KEY, True)
            self._settings.sync()
        self._dismiss(True)

    def _on_close_button_clicked(self) -> None:
        """Close for this run only; the welcome returns next time."""
        self._dismiss(False)

    def _dismiss(self, for_good: bool) -> None:
        self._window.removeEventFilter(self)
        if self._watched_central is not None:
            self._watched_central.removeEventFilter(self)
        self.hide()
        self.dismissed.emit(for_good)
        self.deleteLater()


def show_welcome(window: QMainWindow, settings: QSettings | None) -> WelcomePanel:
    """The welcome card over the bottom of `window`."""
    panel = WelcomePanel(window, settings)
    panel.show()
    return panel
