"""The first thing a learner sees: what the app is, and the scenarios to start from."""

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gui import APP_NAME
from gui.shell.theme import Theme, current_theme, text_scale

TAGLINE = (
    "Learn backpropagation by touching it: the networks of “Neural Networks from Scratch”, "
    "one operation at a time."
)
CARD_COLUMNS = 2
KIND_SUMMARIES = {
    "hand": "Follow one training step by hand, every multiplication on screen",
    "classification": "Train a small network on a data set and watch it learn",
}


def style_sheet(theme: Theme, scale: float = 1.0) -> str:
    """Card-like scenario buttons in the theme's colours, the headings' sizes for the text
    scale `scale`."""
    return f"""
        #startTitle {{ font-size: {26 * scale:g}pt; font-weight: 600; color: {theme.text}; }}
        #startTagline {{ font-size: {12 * scale:g}pt; color: {theme.muted_text}; }}
        #startHeading {{ font-size: {11 * scale:g}pt; font-weight: 600; color: {theme.text}; }}
        #startHint {{ color: {theme.muted_text}; }}
        QPushButton[scenarioCard="true"] {{
            background: {theme.panel}; border: 1px solid {theme.border}; border-radius: 8px;
        }}
        QPushButton[scenarioCard="true"] #cardTitle {{
            font-size: {12 * scale:g}pt; font-weight: 600; color: {theme.text};
        }}
        QPushButton[scenarioCard="true"] #cardSummary {{ color: {theme.muted_text}; }}
        QPushButton[scenarioCard="true"]:hover, QPushButton[scenarioCard="true"]:focus {{
            border: 2px solid {theme.accent};
        }}
        QPushButton[scenarioCard="true"]:checked {{
            background: {theme.accent}; border-color: {theme.accent};
        }}
        QPushButton[scenarioCard="true"] #cardTitle[selected="true"],
        QPushButton[scenarioCard="true"] #cardSummary[selected="true"] {{
            color: {theme.accent_text};
        }}
    """


class StartPage(QWidget):
    """Scenario cards; choosing one emits `scenario_chosen`, the window decides what follows."""

    scenario_chosen = Signal(str)  # the scenario's name, e.g. "neuron"

    def __init__(
        self,
        scenarios: Iterable[tuple[str, str, str]],
        icon: QIcon | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """scenarios: (name, title, kind) for each, in the order to show them."""
        super().__init__(parent)
        self.setObjectName("startPage")
        # The page takes the first focus, so no card looks chosen before the user picks;
        # Tab still walks the cards.
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setStyleSheet(style_sheet(current_theme(), text_scale()))
        self.buttons: dict[str, QPushButton] = {}
        self._group = QButtonGroup(self)
        column = QVBoxLayout()
        column.setSpacing(10)
        if icon is not None and not icon.isNull():
            logo = QLabel()
            logo.setPixmap(icon.pixmap(72, 72))
            column.addWidget(logo)
        column.addWidget(self._label(APP_NAME, "startTitle"))
        column.addWidget(self._label(TAGLINE, "startTagline", wrap=True))
        column.addSpacing(18)
        column.addWidget(self._label("Choose a scenario to begin", "startHeading"))
        # Two cards a row, so every scenario fits a laptop screen's height.
        cards = QGridLayout()
        cards.setSpacing(10)
        for position, (name, title, kind) in enumerate(scenarios):
            cards.addWidget(self._card(name, title, kind), position // CARD_COLUMNS,
                            position % CARD_COLUMNS)
        column.addLayout(cards)
        column.addSpacing(12)
        column.addWidget(self._label("Press F1 for the keyboard shortcuts.", "startHint"))

        content = QFrame()
        content.setLayout(column)
        content.setMaximumWidth(860)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(content, 4)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

    def changeEvent(self, event: QEvent) -> None:
        """The application's text size changed: the headings' sizes follow."""
        if event.type() == QEvent.Type.FontChange:
            sheet = style_sheet(current_theme(), text_scale())
            if sheet != self.styleSheet():
                self.setStyleSheet(sheet)
        super().changeEvent(event)

    def set_current(self, name: str) -> None:
        """Mark the scenario that is loaded, without emitting `scenario_chosen`."""
        self.buttons[name].setChecked(True)

    def _label(self, text: str, object_name: str, wrap: bool = False) -> QLabel:
        label = QLabel(text)
        label.setObjectName(object_name)
        label.setWordWrap(wrap)
        return label

    def _card(self, name: str, title: str, kind: str) -> QPushButton:
        button = ScenarioCard(title, KIND_SUMMARIES.get(kind, ""))
        button.setObjectName(f"scenario_{name}")
        button.clicked.connect(lambda: self.scenario_chosen.emit(name))
        self._group.addButton(button)
        self.buttons[name] = button
        return button


class ScenarioCard(QPushButton):
    """A checkable button showing a bold title over a one-line summary."""

    def __init__(self, title: str, summary: str) -> None:
        super().__init__()
        self.setAccessibleName(title)
        self.setProperty("scenarioCard", True)
        self.setCheckable(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        text = QVBoxLayout(self)
        text.setContentsMargins(16, 10, 16, 10)
        text.setSpacing(2)
        for content, object_name in ((title, "cardTitle"), (summary, "cardSummary")):
            if content:
                label = QLabel(content)
                label.setObjectName(object_name)
                label.setWordWrap(True)
                # Clicks on the text belong to the button.
                label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
                text.addWidget(label)
        self.toggled.connect(self._on_card_toggled)

    def _on_card_toggled(self, checked: bool) -> None:
        """Recolour the labels; style sheets cannot see the button's state from its children."""
        for label in self.findChildren(QLabel):
            label.setProperty("selected", checked)
            self.style().unpolish(label)
            self.style().polish(label)

    def sizeHint(self) -> QSize:
        """As tall as the labels inside need, once the style sheet has set their fonts."""
        return self.layout().sizeHint()

    def minimumSizeHint(self) -> QSize:
        return self.layout().minimumSize()
