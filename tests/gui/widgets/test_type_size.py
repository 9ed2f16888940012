"""Texts follow the application's type size both ways (large text, presentation mode): a style
sheet froze a label's size, and the step counter had a fixed point size."""

import pytest
from PySide6.QtWidgets import QApplication

from gui.panels.chain_rule_panel import ChainRulePanel
from gui.panels.controls_panel import ControlsPanel
from gui.shell.theme import LARGE_TEXT_SCALE, LIGHT, apply_theme
from gui.widgets.array_editor import ArrayEditor
from gui.widgets.live_text import LiveText


@pytest.fixture
def type_size():
    app = QApplication.instance()
    apply_theme(app, LIGHT)
    yield lambda large: apply_theme(app, LIGHT, LARGE_TEXT_SCALE if large else 1.0)
    apply_theme(app, LIGHT)


def test_labels_counters_and_messages_grow_and_shrink_with_the_type(qtbot, type_size):
    chain, controls, editor = ChainRulePanel(), ControlsPanel(), ArrayEditor()
    counter = LiveText("epoch: 0", point_size=12, bold=True, monospace=True)
    for widget in (chain, controls, editor, counter):
        qtbot.addWidget(widget)
        widget.show()
    texts = [chain.heading, chain.inputs_heading, chain.note, chain.rule_label,
             controls.notice_label, controls.speed_message, controls.iteration_label,
             editor.message, counter]
    normal = sizes(texts)
    assert normal[-1] == 12 and normal[-3] == 14  # the counters' asked sizes, at normal type
    type_size(True)
    qtbot.waitUntil(lambda: sizes(texts) == pytest.approx([size * 1.25 for size in normal]))
    assert chain.heading.font().bold() and counter.drawn_font().bold()
    type_size(False)
    qtbot.waitUntil(lambda: sizes(texts) == pytest.approx(normal))


def sizes(texts) -> list[float]:
    """The point size each text is drawn in."""
    return [(text.drawn_font() if isinstance(text, LiveText) else text.font()).pointSizeF()
            for text in texts]
