"""The names a lesson highlights by (engine/files/lesson_terms.py) are the window's: each lab
has a dock for each of its panel keys, a widget for each plot, and the chain rule panel draws
the lines a lesson can point at in that order. Renaming a dock breaks this test, not the
lessons."""

import pytest
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QDockWidget

from engine.files.lesson_terms import CHAIN_RULE_LINES, LAB_PANELS, LAB_PLOTS
from engine.scenarios.presets import SCENARIOS
from gui.controller.snapshot import chain_rule_info
from gui.labs.classification.lab import install_classification_lab
from gui.labs.hand.lab import install_hand_lab
from gui.panels.chain_rule_panel import WORD_JOINER, rule_html
from gui.shell.main_window import MainWindow

# Each lab's central view, which lessons name beside its docks.
CENTRAL = {"hand": "diagram", "classification": "boundary"}


def plots_of(kind: str, lab) -> dict:
    if kind == "hand":
        return {"loss": lab.loss_plot, "loss_along_weight": lab.loss_along_weight}
    return {"boundary": lab.boundary, "regression": lab.outputs.regression,
            "loss": lab.curves.loss_plot,
            "accuracy": lab.curves.accuracy_plot, "learning_rate": lab.curves.rate_plot,
            "neuron_maps": lab.neuron_maps}


@pytest.mark.parametrize(("kind", "install", "scenario"), [
    ("hand", install_hand_lab, "neuron"), ("classification", install_classification_lab, "spiral")])
def test_every_panel_and_plot_a_lesson_names_is_in_its_lab(qtbot, kind, install, scenario):
    window = MainWindow(settings=None)
    qtbot.addWidget(window)
    lab = install(window, scenario)
    docked = [key for key in LAB_PANELS[kind] if key != CENTRAL[kind]]
    assert sorted(docked) == sorted(lab.docks)
    for key in docked:
        dock = window.findChild(QDockWidget, f"{kind}_{key}_dock")
        assert dock is lab.docks[key]
    assert set(plots_of(kind, lab)) == set(LAB_PLOTS[kind])
    assert window.centralWidget() is (lab.diagram if kind == "hand" else lab.view)


@pytest.mark.parametrize(("scenario", "name", "index", "lines"), [
    ("neuron", "weights", (0,), ["equation", "values", "product", "numerical"]),
    ("layer", "X", (1,), ["equation", "values", "largest_term", "product", "numerical"])])
def test_the_chain_rule_panel_draws_the_lines_a_lesson_names_in_order(qapp, scenario, name,
                                                                      index, lines):
    rule = chain_rule_info(SCENARIOS[scenario].build().chain_rule(name, index))
    text = plain_lines(rule_html(rule))
    # Where each line starts in the panel's text (the largest term takes two rows).
    marks = {"equation": "dl/d", "values": "= ", "largest_term": "its largest term",
             "product": "(backpropagation)", "numerical": "(central difference)"}
    first = {line: next((k for k, row in enumerate(text)
                         if (row.startswith(mark) if line in ("equation", "values")
                             else mark in row)), None)
             for line, mark in marks.items()}
    found = [line for line in CHAIN_RULE_LINES if first.get(line) is not None]
    assert found == lines
    assert [first[line] for line in found] == sorted(first[line] for line in found)


def plain_lines(html: str) -> list[str]:
    """The rows of the panel's rich text as read, unwrapped, one space between words."""
    document = QTextDocument()
    document.setHtml(html)
    read = document.toPlainText().replace(WORD_JOINER, "")
    return [" ".join(row.split()) for row in read.splitlines()]
