"""Lines of a document with exact offsets, and what every layout agrees a line of figures is."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["RawLine", "split_lines", "is_space", "is_table_row", "TERMINAL"]

TERMINAL = (".", "!", "?")
_NUMBER_TOKEN = re.compile(r"^[\d.,%€+\-–]+\**$")  # '653*': a figure with a footnote
_YEAR = re.compile(r"(19|20)\d\d")
_AMOUNT = re.compile(r"\d[.,]\d")


@dataclass
class RawLine:
    """One line without its surrounding (no-break) spaces; `start`/`end` index the text."""

    start: int
    end: int
    text: str


def is_space(ch: str) -> bool:
    return ch.isspace() or ch in "\u00a0\u2007\u202f\u200b\ufeff"


def split_lines(text: str) -> list[RawLine]:
    """Every line of `text`, blank ones included (text ""), trimmed but never re-based."""
    out: list[RawLine] = []
    pos = 0
    for raw in text.split("\n"):
        b, e = 0, len(raw)
        while b < e and is_space(raw[b]):
            b += 1
        while e > b and is_space(raw[e - 1]):
            e -= 1
        out.append(RawLine(pos + b, pos + e, raw[b:e]))
        pos += len(raw) + 1
    return out


def is_table_row(flat: str) -> bool:
    """A line of a table of figures: three or more numbers making up a good part of it, or a
    label and figures in cells set off by pipes ('Lasten | 31.450 | 33.020')."""
    if "|" in flat:
        label, *cells = [c.strip() for c in flat.strip().strip("|").split("|")]
        cells = [c.replace(" ", "") for c in cells]
        figures = [c for c in cells if any(ch.isdigit() for ch in c) and not _YEAR.fullmatch(c)]
        amounts = any(_AMOUNT.search(c) for c in figures)  # '31.450', '1,5'
        if (
            figures
            and all(not c or _NUMBER_TOKEN.match(c) for c in cells)
            and (amounts or not re.match(r"\d", label))  # '1.1 Buurthuis | 2023': an item
        ):
            return True
    words = [w for w in flat.split() if w not in {"|", "¦"}]  # cells may be set off by pipes
    numbers = sum(1 for w in words if _NUMBER_TOKEN.match(w) and any(c.isdigit() for c in w))
    return numbers >= 3 and numbers >= 0.3 * len(words) and not flat.endswith((".", ":"))
