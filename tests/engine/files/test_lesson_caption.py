"""Captions in the lesson Markdown: the seed's notation shown as written, the few formats a
caption has, placeholders filled in, everything escaped; and the term languages inside."""

import pytest

from engine.files.lesson_caption import CaptionError, parse_caption
from engine.files.lesson_terms import (
    SpecPath,
    Target,
    TermError,
    parse_change,
    parse_highlight,
    parse_quantity,
)


def test_paragraphs_lists_bold_and_code_become_rich_text_and_plain_text():
    caption = parse_caption("First **bold** and `np.dot(W, X)`,\nstill the first.\n\n"
                            "- one\n- two\n  continued\n\n1. first\n2. second")
    assert caption.html({}) == (
        "<p>First <b>bold</b> and <code>np.dot(W, X)</code>, still the first.</p>"
        "<ul><li>one</li><li>two continued</li></ul><ol><li>first</li><li>second</li></ol>")
    assert caption.plain({}) == ("First bold and np.dot(W, X), still the first.\n\n"
                                 "- one\n- two continued\n\n1. first\n2. second")


@pytest.mark.parametrize("notation", [
    "dl/dw0 = dl/da * da/dz * dz/dw0", "dl_dZ and dL_dW.T", "2 * (output - target)",
    "w_in = x_n * dl/dz_i", "# not a heading", "[not](a link)", "a <b>tag</b> & more",
])
def test_the_seeds_notation_and_anything_else_show_exactly_as_written(notation):
    caption = parse_caption(notation)
    assert caption.plain({}) == notation
    escaped = notation.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert caption.html({}) == f"<p>{escaped}</p>"


def test_placeholders_are_filled_in_bold_and_code_too_and_unknown_ones_show_a_question_mark():
    caption = parse_caption("loss **{{ loss }}**, `z = {{value linear_output: .2f}}`, "
                            "{{ line -1 }} {{ gradient weights[0] }}")
    assert [p.source for p in caption.placeholders] == [
        "loss", "value linear_output: .2f", "line -1", "gradient weights[0]"]
    assert caption.placeholders[1].format == ".2f"
    values = {"loss": "36.0", "value linear_output: .2f": "6.00", "line -1": "<end>"}
    assert caption.html(values) == ("<p>loss <b>36.0</b>, <code>z = 6.00</code>, &lt;end&gt; "
                                    "?</p>")


def test_stray_markers_inside_code_and_closing_braces_are_literal():
    assert parse_caption("`a ** b` and }} alone").plain({}) == "a ** b and }} alone"


@pytest.mark.parametrize(("text", "message"), [
    ("**open", "** opens bold text that no ** closes"),
    ("`open", "a ` opens code that no ` closes"),
    ("{{ loss", "no '}}' closes"),
    ("{{ }}", "a quantity is empty"),
    ("{{ value }}", "value needs a value name"),
    ("{{ loss 3 }}", "loss takes nothing after it"),
    ("{{ line last }}", "line needs a whole number"),
    ("{{ setting }}", "setting needs a name"),
    ("{{ validation_line : .2f }}", "it takes no number format"),
    ("{{ loss : {0.__class__} }}", "is not a number format"),
    ("{{ loss }}" * 41, "41 placeholders"),
])
def test_malformed_captions_are_refused_saying_why(text, message):
    with pytest.raises(CaptionError, match=message.replace("*", r"\*").replace("{", r"\{")
                       .replace("}", r"\}").replace("(", r"\(").replace(")", r"\)")):
        parse_caption(text)


def test_targets_spec_places_quantities_and_highlights_parse_as_written():
    assert parse_change("dense1.weights[0, 1]") == Target("dense1.weights", (0, 1))
    assert str(parse_change(" dense1.weights [ 0,1 ] ")) == "dense1.weights[0, 1]"
    assert parse_change("spec.hidden[2].dropout") == SpecPath(("hidden", 2, "dropout"))
    assert str(parse_change("spec.optimizer")) == "spec.optimizer"
    assert SpecPath(("optimizer",)).covers(SpecPath(("optimizer", "momentum")))
    assert not SpecPath(("optimizer", "decay")).covers(SpecPath(("optimizer", "momentum")))
    assert str(parse_quantity("numerical  W[1, 2]")) == "numerical W[1, 2]"
    assert parse_quantity("line -3").line == -3
    assert str(parse_highlight("diagram", "relu[2]")) == "diagram relu[2]"
    assert parse_highlight("cell", "bias").target == Target("bias")
    for bad in ("weights[-1]", "weights[0, 1, 2, 3, 4]", "1weights", "spec.hidden.dropout",
                "weights[" + "9" * 8 + "]", "x" * 201):
        with pytest.raises(TermError):
            parse_change(bad)
