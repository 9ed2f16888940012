"""The chain-rule panel in a narrow dock: every line whole, wrapped before its operators."""

from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QScrollArea

from gui.controller.snapshot import ChainRuleInfo, GradientFactor
from gui.panels.chain_rule_panel import OPERATORS, WORD_JOINER, ChainRulePanel, rule_html
from tests.gui.panels.test_panels import snapshot
from tests.gui.text_fit import offenders, report

LAYER_RULE = ChainRuleInfo(
    target="dl/dw_11", equation="dl/dw_11 = dl/dy * dy/da_1 * da_1/dz_1 * dz_1/dw_11",
    factors=(GradientFactor("dl/dy", 43.2), GradientFactor("dy/da_1", 1.0),
             GradientFactor("da_1/dz_1", 1.0), GradientFactor("dz_1/dw_11", -1.0)),
    terms=(), product=-43.2, numerical=-43.2000001, relative_error=1.3e-12)
INPUT_RULE = ChainRuleInfo(
    target="dl/dx_1", equation="dl/dx_1 = dl/dz_1 * w_11 + dl/dz_2 * w_21 + dl/dz_3 * w_31",
    factors=(GradientFactor("dl/dz_3", 43.2), GradientFactor("dz_3/dx_1", 0.9)),
    terms=(GradientFactor("dl/dz_1 * w_11", 4.32), GradientFactor("dl/dz_2 * w_21", 21.6),
           GradientFactor("dl/dz_3 * w_31", 38.88)),
    product=64.8, numerical=64.8, relative_error=2.4e-12)


def wrapped_lines(html: str, width: float) -> list[str]:
    """The lines `html` takes at `width` pixels, as Qt lays them out."""
    document = QTextDocument()
    document.setHtml(html)
    document.setTextWidth(width)
    document.size()  # lays the blocks out
    lines = []
    block = document.begin()
    while block.isValid():
        layout = block.layout()
        for k in range(layout.lineCount()):
            line = layout.lineAt(k)
            lines.append(block.text()[line.textStart():line.textStart() + line.textLength()])
        block = block.next()
    return [line.replace(WORD_JOINER, "").replace("\xa0", " ").strip() for line in lines]


def test_a_long_rule_wraps_only_before_an_operator(qapp):
    for rule in (LAYER_RULE, INPUT_RULE):
        lines = wrapped_lines(rule_html(rule), 200)
        values = lines.index(next(line for line in lines if line.startswith("= ")))
        equation, rest = lines[:values], lines[values:]
        assert len(equation) > 1, lines  # it did wrap
        assert equation[0].startswith(rule.target + " = ")
        for line in equation[1:]:
            assert line.split(" ")[0] in OPERATORS, lines
        terms = rule.equation.split(" = ")[1].replace(" + ", " * ").split(" * ")
        for term in terms:  # none split across lines
            assert any(term in line for line in equation), (term, lines)
        assert any(line.endswith("e-12: agree") for line in rest), lines


def test_the_panel_in_a_narrow_dock_cuts_no_line(qtbot):
    panel = ChainRulePanel()
    qtbot.addWidget(panel)
    panel.resize(260, 700)
    panel.show()
    qtbot.waitExposed(panel)
    panel.set_snapshot(snapshot(chain_rule=LAYER_RULE, input_chain_rules=(INPUT_RULE,)))
    qtbot.wait(20)
    assert offenders(panel) == [], report(offenders(panel))
    scroll = panel.findChild(QScrollArea)
    assert not scroll.horizontalScrollBar().isVisible()  # wrapped, not scrolled sideways
    assert "dl/dw_11 = dl/dy * dy/da_1 * da_1/dz_1 * dz_1/dw_11" in panel.text()
    assert "relative error 1.3e-12: agree" in panel.text()


def test_a_term_wider_than_the_panel_scrolls_with_a_visible_bar(qtbot):
    panel = ChainRulePanel()
    qtbot.addWidget(panel)
    panel.resize(200, 400)
    panel.show()
    qtbot.waitExposed(panel)
    name = "dl/d(dense2.weights_of_a_very_long_layer_name[4, 1])"
    rule = ChainRuleInfo(name, f"{name} = dl/dz * dz/dw", (GradientFactor("dl/dz", 1.0),),
                         (), 1.0, 1.0, 0.0)
    panel.set_snapshot(snapshot(chain_rule=rule))
    qtbot.wait(20)
    assert panel.findChild(QScrollArea).horizontalScrollBar().isVisible()
    assert offenders(panel) == [], report(offenders(panel))

