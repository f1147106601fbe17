"""Dutch amounts as budget tables write them, read safely or not at all.

`parse_amount` reads one cell: '12.075', '-12.075', '-/- 12.075', '1.234,5', '€ 55.222',
'(1.234)' (negative only where the table says that parentheses mean a negative amount), and
'-', '–' or an empty cell for "no figure" (None). Anything else, a percentage, '1,2 mln', a
thousands group of the wrong length ('12.07'), raises `Unreadable` with the reason: a figure
that cannot be read safely is left out, never guessed.

`split_glued` cuts a run of cells that a text export glued together ('-12.075741-11.334') into
a given number of amounts, only when exactly one way to do so exists.

`scale_of` finds the scale of a table in its caption or header ('bedragen x € 1.000',
'x 1.000 euro', '(bedragen * 1.000)', 'Lasten in €').
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache

__all__ = [
    "Unreadable",
    "parse_amount",
    "is_amount",
    "is_percentage",
    "split_glued",
    "scale_of",
    "parentheses_negative",
    "sign_note",
    "NONE_CELLS",
]


class Unreadable(ValueError):
    """A cell that looks like a figure but cannot be read safely; the message says why."""


_SPACES = "\u00a0\u2007\u202f\u2009\u200a\u200b\u2060\ufeff"
_SPACE_TABLE = {ord(ch): " " for ch in _SPACES}

NONE_CELLS = {"", "-", "–", "—", "−", "--", "n.v.t.", "nvt", "n.v.t", "nihil", "p.m.", "pm"}

_MINUS = "-–−"  # hyphen-minus, en dash, minus sign
_GROUPED = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?")  # 12.075, 1.234.567, 1.234,5
_PLAIN = re.compile(r"(?:0|[1-9]\d*)(?:,\d+)?")  # 979, 21041, 0,5 (no leading zeros)
_PERCENT = re.compile(r"^[-+–−]?\s*\d[\d.,]*\s*%")


def _clean(text: str) -> str:
    return " ".join(text.translate(_SPACE_TABLE).split())


def is_percentage(text: str) -> bool:
    """'2,1 %', '45%': a share, never an amount."""
    return bool(_PERCENT.match(_clean(text)))


def parse_amount(text: str, parentheses_negative: bool = False) -> Decimal | None:
    """The amount a cell states, as written (no scale applied); None for "no figure".

    Raises Unreadable when the cell is not one amount that can be read without guessing."""
    cell = _clean(text)
    if cell.lower() in NONE_CELLS:
        return None
    body = cell.rstrip("*").rstrip()  # '653*': a footnote mark
    negative = False
    if body.startswith("(") or body.endswith(")"):
        if not (body.startswith("(") and body.endswith(")")):
            raise Unreadable(f"{cell!r}: an unbalanced parenthesis")
        if not parentheses_negative:
            raise Unreadable(
                f"{cell!r}: an amount in parentheses, and the table does not say that "
                "parentheses mean a negative amount"
            )
        body, negative = body[1:-1].strip(), True
    body = re.sub(r"^(€|eur|euro)\s*", "", body, flags=re.IGNORECASE)
    if body.startswith("-/-"):
        body, sign = body[3:].strip(), True
    elif body[:1] in _MINUS:
        body, sign = body[1:].strip(), True
    elif body.startswith("+"):
        body, sign = body[1:].strip(), False
    else:
        sign = False
    if sign and negative:
        raise Unreadable(f"{cell!r}: both a minus sign and parentheses")
    negative = negative or sign
    body = re.sub(r"^(€|eur|euro)\s*", "", body, flags=re.IGNORECASE)
    if _PERCENT.match(body) or body.endswith("%"):
        raise Unreadable(f"{cell!r}: a percentage, not an amount")
    if _GROUPED.fullmatch(body) or _PLAIN.fullmatch(body):
        value = Decimal(body.replace(".", "").replace(",", "."))
        return -value if negative and value else value
    if re.fullmatch(r"[\d.,]+", body):
        raise Unreadable(
            f"{cell!r}: not a Dutch amount (thousands in groups of three, decimal comma)"
        )
    raise Unreadable(f"{cell!r}: not one amount")


def is_amount(text: str, parentheses_negative: bool = True) -> bool:
    """Whether a cell reads as an amount (not as "no figure", not unreadable)."""
    try:
        return parse_amount(text, parentheses_negative) is not None
    except Unreadable:
        return False


# -- cells glued together by a text export ---------------------------------------------------

# inside a glued run every amount of four digits or more carries its thousands dots (that is
# what tells where one ends); a decimal part is kept short
_GLUED_AMOUNT = re.compile(r"[-–−]?(?:0|[1-9]\d{0,2}(?:\.\d{3})*)(?:,\d{1,2})?")


def split_glued(run: str, count: int) -> list[tuple[int, int]] | None:
    """Spans (start, end) within `run` of exactly `count` amounts that together make up the
    whole run, when there is exactly one such split; otherwise None (not certain)."""
    if count < 1 or not run or not re.fullmatch(r"[-–−\d.,]+", run):
        return None

    @cache
    def ways(pos: int, left: int) -> tuple[int, tuple[tuple[int, int], ...]]:
        """(number of splits of run[pos:] into `left` amounts, capped at 2; one of them)"""
        if pos == len(run):
            return (1, ()) if left == 0 else (0, ())
        if left == 0:
            return 0, ()
        total, found = 0, ()
        for end in range(pos + 1, len(run) + 1):
            piece = run[pos:end]
            if not _GLUED_AMOUNT.fullmatch(piece):
                continue
            if end < len(run) and run[end] in ".,":
                continue  # a number never ends right before its own separator
            n, rest = ways(end, left - 1)
            if n:
                total += n
                found = ((pos, end), *rest)
                if total > 1:
                    return 2, found
        return total, found

    n, spans = ways(0, count)
    ways.cache_clear()
    return list(spans) if n == 1 else None


# -- scale and sign conventions of a table ---------------------------------------------------

_THOUSANDS = re.compile(
    r"(?:\b[x×]|\*|×)\s*(?:€|eur(?:o)?\b)?\s*1(?P<groups>(?:[.,]000){1,2})(?![\d])"
    r"|(?:\b[x×]|\*|×)\s*(?:€|eur(?:o)?\b)?\s*1\s*(?P<million>mln|miljoen)\b"
    r"|\bin\s+(?P<k>duizend(?:en|tallen)?|miljoenen)\s+(?:euro|€)",
    re.IGNORECASE,
)
_IN_EUROS = re.compile(
    r"\b(?:bedragen|lasten|baten|saldo|cijfers)\s+in\s+(?:€|euro(?:'?s)?\b)(?!\s*[x×*]?\s*1[.,]?0)",
    re.IGNORECASE,
)


def scale_of(text: str) -> int | None:
    """The multiplier a caption or header states (1000 for 'bedragen x € 1.000'), or None.
    Two different scales in one text are no scale (None): not certain."""
    found = set()
    for m in _THOUSANDS.finditer(text):
        if m.group("groups"):
            found.add(1000 ** (len(m.group("groups")) // 4))
        elif m.group("million") or (m.group("k") or "").lower() == "miljoenen":
            found.add(1_000_000)
        else:
            found.add(1000)
    if _IN_EUROS.search(text):
        found.add(1)
    return found.pop() if len(found) == 1 else None


def has_scale(text: str) -> bool:
    return bool(_THOUSANDS.search(text) or _IN_EUROS.search(text))


_PARENS_NEGATIVE = re.compile(
    r"tussen haakjes|\(\s*(?:x|\.\.\.|…)?\s*\)\s*=\s*(?:negatief|nadeel|min)|"
    r"haakjes\s*=\s*(?:negatief|nadeel)",
    re.IGNORECASE,
)
_SIGN_NOTE = re.compile(
    r"(?:-/-|[-–−+]|\(\s*(?:x|\.\.\.|…)?\s*\)|negatief|positief)\s*=\s*(?:nadeel|voordeel|negatief|"
    r"positief|lasten|baten)|(?:bedragen )?tussen haakjes(?: zijn)? (?:negatief|nadelig)",
    re.IGNORECASE,
)


def parentheses_negative(text: str) -> bool:
    """Whether a caption says that amounts in parentheses are negative."""
    return bool(_PARENS_NEGATIVE.search(text))


def sign_note(text: str) -> str | None:
    """The sign convention a caption states ('- = nadeel'), as written."""
    m = _SIGN_NOTE.search(text)
    return _clean(m.group(0)) if m else None
