"""Text from a file or a learner, put inside the app's own messages so it stays what it is.

A session's title, a file's name, a scenario name: any of them may hold characters that change
how the text around them is shown. A right-to-left override (U+202E) in a title reversed the
rest of the status line it was quoted in, so "Spiral: opened at epoch 40" could read as
something the app never said; a newline or an escape in a file name breaks a line or a
terminal. So user text in a message is wrapped in Unicode's directional isolates (U+2068 FIRST
STRONG ISOLATE ... U+2069 POP DIRECTIONAL ISOLATE), which confine its direction to itself (the
Unicode Bidirectional Algorithm, UAX #9), whenever it holds anything that has a direction of
its own, and every control character in it, and every bidirectional embedding, override or
isolate (which could close the isolate early), is shown as a visible symbol instead of acting.
Plain left-to-right text is returned as it was.
"""

from __future__ import annotations

import unicodedata

FIRST_STRONG_ISOLATE = "\u2068"
POP_DIRECTIONAL_ISOLATE = "\u2069"
# Embeddings, overrides and isolates: inside user text they would act on the message around it.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Characters whose direction (or lack of one, for numbers) reorders the text around them.
_DIRECTED = frozenset(("R", "AL", "AN", "RLE", "RLO", "LRE", "LRO", "PDF", "RLI", "LRI",
                       "FSI", "PDI"))


def visible(text: str) -> str:
    """`text` with control characters and bidirectional controls shown as symbols: C0
    controls as their Control Pictures (U+2400...), DEL as U+2421, the others as <U+XXXX>."""
    shown = []
    for character in text:
        code = ord(character)
        if code < 0x20:
            shown.append(chr(0x2400 + code))
        elif code == 0x7F:
            shown.append("\u2421")
        elif character in _BIDI_CONTROLS or unicodedata.category(character) == "Cc":
            shown.append(f"<U+{code:04X}>")
        else:
            shown.append(character)
    return "".join(shown)


def isolated(text: str) -> str:
    """`text` made safe to quote in a message: controls made visible, and wrapped in
    directional isolates if anything in it has a direction that could reorder the message."""
    text = visible(str(text))
    if any(unicodedata.bidirectional(character) in _DIRECTED for character in text):
        return f"{FIRST_STRONG_ISOLATE}{text}{POP_DIRECTIONAL_ISOLATE}"
    return text
