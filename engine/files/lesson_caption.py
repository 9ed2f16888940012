"""Captions: the short Markdown a lesson step shows, with live numbers filled in.

The Markdown is a deliberately small subset: paragraphs (separated by a blank line), lists
("- " or "* " for bullets, "1. " for numbers), **bold** and `inline code`, nothing else. Full
Markdown would turn the seed's notation into formatting: a single `*` or `_` starts emphasis in
CommonMark, so "dl/da*da/dz" or "dl_dZ" would lose characters; here every character but `**`
and backticks shows as written. There are no links, images or HTML: a caption cannot load or
open anything, and its text is escaped when drawn.

A placeholder `{{ QUANTITY }}` or `{{ QUANTITY : FORMAT }}` (engine/files/lesson_terms.py)
stands for a number or line of the step's state, so a caption always quotes what the learner
sees: "the loss is {{ loss }}", "dl/dw0 = {{ gradient weights[0] : .2f }}". It may appear in
bold and code too.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass

from engine.files.lesson_terms import Quantity, TermError, parse_format, parse_quantity

MAX_CAPTION = 4000  # characters; a caption is read in seconds, not minutes
MAX_PLACEHOLDERS = 40
_TOKENS = re.compile(r"\{\{|\}\}|`|\*\*")
_BULLET = re.compile(r"[-*] +")
_NUMBERED = re.compile(r"\d{1,3}\. +")


class CaptionError(ValueError):
    """Text that is not a caption in the lesson Markdown, and why."""


@dataclass(frozen=True)
class Placeholder:
    """`{{ quantity : format }}`; `source` is what stood between the braces, stripped, the
    key a step's filled values are looked up by."""

    source: str
    quantity: Quantity
    format: str | None = None


@dataclass(frozen=True)
class Span:
    """A run of text (or a placeholder) in one style."""

    text: str = ""
    placeholder: Placeholder | None = None
    bold: bool = False
    code: bool = False

    def filled(self, values: Mapping[str, str]) -> str:
        if self.placeholder is None:
            return self.text
        return values.get(self.placeholder.source, "?")


@dataclass(frozen=True)
class Block:
    """A paragraph (one item) or a list (kind "bullets" or "numbers", an item each)."""

    kind: str
    items: tuple[tuple[Span, ...], ...]


@dataclass(frozen=True)
class Caption:
    source: str
    blocks: tuple[Block, ...]

    @property
    def placeholders(self) -> tuple[Placeholder, ...]:
        found = {span.placeholder.source: span.placeholder for block in self.blocks
                 for item in block.items for span in item if span.placeholder is not None}
        return tuple(found.values())

    def html(self, values: Mapping[str, str]) -> str:
        """Rich text for a Qt label (<p>, <ul>/<ol>, <b>, <code>); every text escaped."""
        parts = []
        for block in self.blocks:
            if block.kind == "paragraph":
                parts.append(f"<p>{_html_spans(block.items[0], values)}</p>")
            else:
                tag = "ul" if block.kind == "bullets" else "ol"
                items = "".join(f"<li>{_html_spans(item, values)}</li>" for item in block.items)
                parts.append(f"<{tag}>{items}</{tag}>")
        return "".join(parts)

    def plain(self, values: Mapping[str, str]) -> str:
        """The caption as it reads aloud: no markers, list items on lines of their own,
        paragraphs separated by a blank line (for subtitles and a narration script)."""
        blocks = []
        for block in self.blocks:
            texts = ["".join(span.filled(values) for span in item) for item in block.items]
            if block.kind == "bullets":
                texts = [f"- {text}" for text in texts]
            elif block.kind == "numbers":
                texts = [f"{number}. {text}" for number, text in enumerate(texts, start=1)]
            blocks.append("\n".join(texts))
        return "\n\n".join(blocks)


def parse_caption(text: object) -> Caption:
    """The caption `text` written in the subset above; CaptionError for anything else."""
    if not isinstance(text, str):
        raise CaptionError(f"expected Markdown text, got {type(text).__name__}")
    if len(text) > MAX_CAPTION:
        raise CaptionError(f"{len(text)} characters; a caption has at most {MAX_CAPTION}")
    blocks = tuple(Block(kind, tuple(_spans(item) for item in items))
                   for kind, items in _blocks(text))
    caption = Caption(text, blocks)
    count = sum(span.placeholder is not None for block in blocks for item in block.items
                for span in item)
    if count > MAX_PLACEHOLDERS:
        raise CaptionError(f"{count} placeholders; a caption has at most {MAX_PLACEHOLDERS}")
    return caption


def _blocks(text: str) -> list[tuple[str, list[str]]]:
    """(kind, item texts) per block: lines of one paragraph or list item joined by spaces."""
    blocks: list[tuple[str, list[str]]] = []
    current: tuple[str, list[str]] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            current = None
            continue
        for kind, marker in (("bullets", _BULLET), ("numbers", _NUMBERED)):
            match = marker.match(line)
            if match:
                if current is None or current[0] != kind:
                    current = (kind, [])
                    blocks.append(current)
                current[1].append(line[match.end():])
                break
        else:
            if current is None:
                current = ("paragraph", [line])
                blocks.append(current)
            else:  # a paragraph's next line, or a list item's continuation
                current[1][-1] += " " + line
    return blocks


def _spans(text: str) -> tuple[Span, ...]:
    spans: list[Span] = []
    bold = code = False
    position = 0
    while True:
        match = _TOKENS.search(text, position)
        end = len(text) if match is None else match.start()
        if end > position:
            spans.append(Span(text[position:end], bold=bold, code=code))
        if match is None:
            break
        token = match.group()
        position = match.end()
        if token == "{{":
            close = text.find("}}", position)
            if close < 0:
                raise CaptionError(f"{_near(text, match.start())}: '{{{{' opens a placeholder "
                                   "that no '}}' closes")
            spans.append(Span(placeholder=_placeholder(text[position:close]), bold=bold,
                              code=code))
            position = close + 2
        elif token == "`":
            code = not code
        elif token == "**" and not code:
            bold = not bold
        else:  # "}}" outside a placeholder, or "**" inside code: shown as written
            spans.append(Span(token, bold=bold, code=code))
    if code:
        raise CaptionError(f"{_near(text, text.rfind('`'))}: a ` opens code that no ` closes")
    if bold:
        raise CaptionError(f"{_near(text, text.rfind('**'))}: ** opens bold text that no ** "
                           "closes")
    return tuple(spans)


def _placeholder(inside: str) -> Placeholder:
    source = inside.strip()
    quantity_text, colon, format_text = source.partition(":")
    try:
        quantity = parse_quantity(quantity_text.strip())
        fmt = parse_format(format_text.strip()) if colon else None
    except TermError as error:
        raise CaptionError(f"placeholder {{{{ {source} }}}}: {error}") from None
    if fmt is not None and not quantity.is_number:
        raise CaptionError(f"placeholder {{{{ {source} }}}}: {quantity} is text, it takes no "
                           "number format")
    return Placeholder(source, quantity, fmt)


def _html_spans(spans: tuple[Span, ...], values: Mapping[str, str]) -> str:
    """Runs of one style as one element, so a placeholder inside code stays in the same box."""
    out = []
    for (bold, code), run in itertools.groupby(spans, key=lambda span: (span.bold, span.code)):
        text = html.escape("".join(span.filled(values) for span in run), quote=False)
        if code:
            text = f"<code>{text}</code>"
        if bold:
            text = f"<b>{text}</b>"
        out.append(text)
    return "".join(out)


def _near(text: str, position: int) -> str:
    snippet = text[max(0, position - 10):position + 20]
    return f"near {snippet!r}"
