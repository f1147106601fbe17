"""What the words of a finance table say: column headers (kind of figure, year, measure) and
row labels (a measure, an Iv3 task field, a total, a row of another kind).

A column header names some of: the kind of figure ('Begroting', 'Begroting na wijziging',
'Realisatie', 'Rekening', 'Raming'), a year, a measure ('lasten', 'baten', 'saldo'); or it is a
column that holds no figure of ours ('Verschil', '%'). Each is read from the words as written,
glued or not ('Rekening2017', 'LastenBatenSaldo', 'TaakveldBegroting 2019Begroting 2019').
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "HeaderItem",
    "header_items",
    "is_header_text",
    "KINDS",
    "MEASURES",
    "RowLabel",
    "row_label",
    "YEAR",
]

# kind of figure -> words that say it (longest first where one contains another)
KINDS = ("begroting", "begrotingNaWijziging", "realisatie", "raming")
MEASURES = ("lasten", "baten", "saldo")

_AMENDED = (
    r"(?:gewijzigde|actuele|bijgestelde|geactualiseerde)\s+begroting|begroting\s+(?:\(?\s*na\s+"
    r"(?:wijziging(?:en)?|amendering)\s*\)?|\(?gewijzigd\)?|incl(?:\.|usief)?\s+wijzigingen|bijgesteld)"
)
_PRIMARY = r"(?:primitieve|primaire|oorspronkelijke|vastgestelde)\s+begroting|begroting\s+primitief|(?:programma)?begroting"
_REALISED = r"jaarrekening|rekening|realisatie|gerealiseerd|werkelijk(?:e)?"
_ESTIMATE = r"meerjarenraming|raming"
_IGNORED = r"verschil(?:len)?|afwijking|mutatie|%|v\s*/\s*n|toelichting|index"

YEAR = r"(?:19|20)\d{2}"

_ITEM = re.compile(
    rf"(?P<year2>(?<!\d){YEAR}(?!\d))\s+(?P<kind2>{_AMENDED}|{_PRIMARY}|{_REALISED}|{_ESTIMATE})\b"
    rf"|(?P<measure2>lasten|baten|saldo)\s+(?P<year3>(?<!\d){YEAR}(?!\d))"
    rf"|(?P<kind>{_AMENDED}|{_PRIMARY}|{_REALISED}|{_ESTIMATE})?\s*"
    rf"(?P<year>(?<!\d){YEAR}(?!\d))?"
    rf"(?:\s*(?P<amended>\(?\s*na\s+wijziging(?:en)?\s*\)?|\(?\s*gewijzigd\s*\)?|"
    rf"incl(?:\.|usief)?\s+wijzigingen))?"
    rf"(?:\s*(?P<measure>lasten|baten|saldo))?"
    rf"|(?P<ignored>{_IGNORED})",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class HeaderItem:
    """One column header, or a header over several columns (a group header)."""

    start: int  # offsets in the document text
    end: int
    kind: str | None = None  # one of KINDS
    year: int | None = None
    measure: str | None = None  # one of MEASURES
    ignored: bool = False  # a column of differences or percentages: no figure of ours

    @property
    def is_column(self) -> bool:
        """Names one column (a year, or a column of no figure) rather than a group."""
        return self.year is not None or self.ignored


def _kind_of(words: str) -> str:
    low = " ".join(words.lower().split())
    if re.fullmatch(_AMENDED, low, re.IGNORECASE):
        return "begrotingNaWijziging"
    if re.fullmatch(_REALISED, low, re.IGNORECASE):
        return "realisatie"
    if re.fullmatch(_ESTIMATE, low, re.IGNORECASE):
        return "raming"
    return "begroting"


def header_items(text: str, offset: int = 0) -> list[HeaderItem]:
    """The header items in `text` (a cell, a line or a block of lines), in order; `offset` is
    where `text` starts in the document."""
    out: list[HeaderItem] = []
    for m in _ITEM.finditer(text):
        if m.start() == m.end():
            continue
        if m.group("ignored"):
            if m.group("ignored") == "%" or _word_at(text, m.start(), m.end()):
                out.append(HeaderItem(offset + m.start(), offset + m.end(), ignored=True))
            continue
        groups = m.groupdict()
        kind_words = groups["kind"] or groups["kind2"]
        kind_at = m.start("kind") if groups["kind"] else m.start("kind2") if groups["kind2"] else 0
        kind_end = kind_at + len(kind_words or "")
        glued = kind_end < len(text) and (text[kind_end].isupper() or text[kind_end].isdigit())
        if kind_words and not (_word_start(text, kind_at) and (_word_end(text, kind_end) or glued)):
            continue  # 'begroting' inside another word ('programmabegrotingen')
        measure = groups["measure"] or groups["measure2"]
        if groups["measure"] and not _word_end(text, m.end("measure")):
            if not (m.end("measure") < len(text) and text[m.end("measure")].isupper()):
                continue  # 'lastendekking'; but 'LastenBatenSaldo' is glued cells
        kind = _kind_of(kind_words) if kind_words else None
        if groups["amended"] and kind in (None, "begroting"):
            kind = "begrotingNaWijziging"
        year = groups["year"] or groups["year2"] or groups["year3"]
        if kind is None and year is None and measure is None:
            continue
        out.append(
            HeaderItem(
                offset + m.start(),
                offset + m.end(),
                kind=kind,
                year=int(year) if year else None,
                measure=measure.lower() if measure else None,
            )
        )
    return out


def _word_start(text: str, i: int) -> bool:
    return i == 0 or not text[i - 1].isalpha() or text[i].isupper()


def _word_end(text: str, i: int) -> bool:
    return i >= len(text) or not text[i].isalpha()


def _word_at(text: str, b: int, e: int) -> bool:
    return _word_start(text, b) and _word_end(text, e)


# words a header line may carry besides its items: the label column's own header, a scale
_HEADER_FILLER = re.compile(
    r"\b(taakveld(en)?|sub(taakveld)?|omschrijving|product(en)?|programma('?s)?|onderdeel|"
    r"bedragen|cijfers|x|in|euro|duizend(en)?|mln|miljoen|totaal|en|van|de|het|nr|code)\b|"
    r"[€*×x()\[\]|:,.;\-–/]|\d",
    re.IGNORECASE,
)


def is_header_text(text: str) -> bool:
    """A line or cell that is made of header items (and the words around them), no sentence."""
    if text.rstrip().endswith((".", "?", "!")) or len(text.split()) > 24:
        return False
    items = header_items(text)
    if not any(i.kind or i.year or i.measure for i in items):
        return False
    rest = list(text)
    for m in _ITEM.finditer(text):
        for i in range(m.start(), m.end()):
            rest[i] = " "
    left = _HEADER_FILLER.sub(" ", "".join(rest))
    return len(left.split()) <= 2


# -- row labels -----------------------------------------------------------------------------

_MEASURE_LABEL = re.compile(
    r"^(?:totaal\s+)?(?P<measure>lasten|baten|saldo)"
    r"(?:\s+(?:in\s+(?:€|euro)|programma\b.*|van\s+(?:de\s+)?(?:baten\s+en\s+lasten|lasten\s+en\s+baten)|"
    r"voor\s+(?:bestemming|mutaties|reserves|resultaatbestemming)\b.*|\(?[a-z]\)?|"
    r"\(?(?:[a-c]|[a-c]\s*[-+]\s*[a-c])\)?))?"
    r"\s*[:*]?$",
    re.IGNORECASE,
)
_TOTAL = re.compile(r"^(?:totaal|subtotaal|generaal totaal|programma totaal)\b", re.IGNORECASE)
# rows of the table that hold other figures than lasten, baten and saldo
_OTHER = re.compile(
    r"(reserve|resultaat|bestemming|mutatie|toevoeging|onttrekking|investering|kapitaallast|"
    r"overhead|dekking|percentage|aandeel|fte|formatie|verschil|afwijking|bijdrage uit)",
    re.IGNORECASE,
)
_CODE = re.compile(
    r"^(?:(?P<kw>taakveld)\s+)?(?P<code>\d{1,2}\.\d{1,2}[a-z]?)\.?(?:\s*[:\-–|]\s*|\s+)(?P<name>\S.*)$",
    re.IGNORECASE,
)
_CODE_AFTER = re.compile(r"^(?P<name>\S.*?)\s*\((?P<code>\d{1,2}\.\d{1,2}[a-z]?)\)$")
_CODE_ONLY = re.compile(r"^(?P<kw>taakveld)\s+(?P<code>\d{1,2}\.\d{1,2}[a-z]?)\.?$", re.IGNORECASE)


@dataclass(frozen=True)
class RowLabel:
    """What a row's label says it holds."""

    kind: str  # measure | taskfield | total | other | item
    measure: str | None = None
    code: str | None = None  # a task field code as written ('6.1')
    name: str = ""  # the words after or before the code
    keyword: bool = False  # the label says 'Taakveld'


def row_label(text: str) -> RowLabel:
    """Read a row label: 'Lasten', 'Totaal baten', 'Saldo van baten en lasten' (a measure);
    '6.1 Samenkracht', 'Taakveld 6.4 ...', 'Wijkteams (6.2)' (a task field); 'Totaal
    programma' (a total); 'Toevoegingen aan reserves' (other figures); anything else an item."""
    low = " ".join(text.split()).strip(" :")
    if m := _MEASURE_LABEL.match(low):
        return RowLabel("measure", measure=m.group("measure").lower())
    if m := (_CODE.match(low) or _CODE_ONLY.match(low)):
        name = m.groupdict().get("name") or ""
        return RowLabel("taskfield", code=m.group("code"), name=name, keyword=bool(m.group("kw")))
    if m := _CODE_AFTER.match(low):
        return RowLabel("taskfield", code=m.group("code"), name=m.group("name"))
    if _TOTAL.match(low):
        measure = re.search(r"\b(lasten|baten|saldo)\b", low, re.IGNORECASE)
        if measure and not _OTHER.search(low):
            return RowLabel("measure", measure=measure.group(1).lower())
        return RowLabel("total")
    if _OTHER.search(low):
        return RowLabel("other")
    return RowLabel("item", name=low)
