"""Points CSVs as spreadsheets save them, read like the files the app writes.

Excel's "CSV UTF-8" starts the file with a byte-order mark, which would otherwise be an
invisible part of the first header name. A spreadsheet in a locale whose decimal mark is a
comma (German, French, ...) separates the fields with semicolons and writes 0,5 for 0.5. The
separator is read from the header line, whose names are fixed, so nothing is guessed from the
data; in a semicolon file a number's one comma is its decimal mark, and a number that also
holds a point (1.000,5) is left as written, to be refused as not a number.
"""

from __future__ import annotations

from dataclasses import dataclass

BYTE_ORDER_MARK = "\ufeff"


@dataclass(frozen=True)
class Dialect:
    delimiter: str
    decimal_comma: bool


COMMAS = Dialect(",", decimal_comma=False)
SEMICOLONS = Dialect(";", decimal_comma=True)


def without_byte_order_mark(text: str) -> str:
    return text[1:] if text.startswith(BYTE_ORDER_MARK) else text


def dialect_of(text: str) -> Dialect:
    """Semicolons if the first line that holds anything separates by them, commas otherwise."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    return SEMICOLONS if ";" in first and "," not in first else COMMAS


def number_text(field: str, dialect: Dialect) -> str:
    """`field` with its decimal comma written as a point, where the dialect has one."""
    if dialect.decimal_comma and field.count(",") == 1 and "." not in field:
        return field.replace(",", ".")
    return field
