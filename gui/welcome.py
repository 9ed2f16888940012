"""The first-run welcome: a small card over the lab naming the four things to try first.

It floats in the lower right of the lab's central view, where the single neuron's diagram
leaves room, so the weights, the controls and the chain rule stay in sight while it is read.
"Don't show again" is remembered in the settings; "Close" only hides it for this run.
"""

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsDropShadowEffect,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gui.theme import Theme, current_theme

DISMISSED_KEY = "welcome/dont_show_again"
MARGIN = 16
BOTTOM_MARGIN = 36  # clear of the one-line caption under the single neuron's diagram
WIDTH = 390

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
        #welcomeTitle {{ font-size: 13pt; font-weight: 600; color: {theme.text}; }}
        #welcomeItem {{ color: {theme.text}; }}
        #welcomeNumber {{
            color: {theme.accent_text}; background: {theme.accent}; border-radius: 10px;
            font-weight: 600;
        }}
    """


class WelcomePanel(QFrame):
    """The card; it keeps itself in the corner of the widget it is shown over."""

    dismissed = Signal(bool)  # True when "Don't show again" closed it

    def __init__(self, over: QWidget, settings: QSettings | None = None) -> None:
        """over: the lab's central view; settings: where "Don't show again" is kept (None:
        nowhere, as in a screenshot)."""
        super().__init__(over)
        self._settings = settings
        self.setObjectName("welcomePanel")
        self.setStyleSheet(style_sheet(current_theme()))
        self.setFixedWidth(WIDTH)
        shadow = QGraphicsDropShadowEffect(self)
        shadow.setBlurRadius(18)
        shadow.setOffset(0, 3)
        shadow.setColor(QColor(0, 0, 0, 70))
        self.setGraphicsEffect(shadow)

        column = QVBoxLayout(self)
        column.setContentsMargins(18, 14, 18, 14)
        column.setSpacing(8)
        title = QLabel("Welcome! Four things to try first")
        title.setObjectName("welcomeTitle")
        column.addWidget(title)
        for number, (action, how) in enumerate(TRY_FIRST, start=1):
            column.addLayout(self._item(number, action, how))
        column.addSpacing(4)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.never_button = QPushButton("Don't show again")
        self.close_button = QPushButton("Close")
        self.close_button.setDefault(True)
        buttons.addWidget(self.never_button)
        buttons.addWidget(self.close_button)
        column.addLayout(buttons)
        self.never_button.clicked.connect(self._on_never_button_clicked)
        self.close_button.clicked.connect(self._on_close_button_clicked)

        over.installEventFilter(self)
        self.adjustSize()
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
        """Follow the view's size, so the card stays in its corner as panels are resized."""
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self._place()
        return False

    def _place(self) -> None:
        over = self.parentWidget()
        self.move(
            max(0, over.width() - self.width() - MARGIN),
            max(0, over.height() - self.height() - BOTTOM_MARGIN),
        )

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
        self.hide()
        self.dismissed.emit(for_good)
        self.deleteLater()


def show_welcome(window: QMainWindow, settings: QSettings | None) -> WelcomePanel:
    """The welcome card over the window's current central view."""
    panel = WelcomePanel(window.centralWidget(), settings)
    panel.show()
    return panel
