"""What a line of budget web-page text is: furniture, a page title, a table line, a fixed
heading, a section heading, a numbered item, a bullet, a short title-like line or prose; and
the paragraphs those lines make. The walk over them is in webpage.py."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..tree import normalise_space
from .lines import TERMINAL, is_table_row, split_lines

__all__ = ["Unit", "paragraphs", "fixed_kind", "title_like", "BULLET", "CHAPTER", "FINITE"]

# fixed headings, matched against the whole line in lower case without ':' or '?' at the end;
# the first pattern that matches decides the kind
_FIXED: list[tuple[str, re.Pattern[str]]] = [
    (
        "finance",
        re.compile(
            r"(wat (mag|mocht|gaat|zal) (het|dit) (ons )?kosten|wat (heeft|kost|kostte) (het|dit)"
            r"( ons)?( gekost)?|financi(eel|ële|ele) (overzicht|informatie|toelichting|"
            r"analyse)( programma)?|financiën|toelichting per taakveld|analyse (van )?"
            r"afwijkingen|lasten (en|&) baten|baten (en|&) lasten|overzicht (van )?(baten en "
            r"lasten|lasten en baten)|verschillenanalyse|investeringen|"
            r"wat gaat het kosten.*|wat heeft het gekost.*)\b.*"
        ),
    ),
    (
        "indicator",
        re.compile(
            r"((beleids|prestatie-?|effect)?indicatoren|indicatoren en streefwaarden|"
            r"verplichte beleidsindicatoren|kengetallen|hoeveelheidsgegevens|kerngegevens)\b.*"
        ),
    ),
    ("doing", re.compile(r"wat (willen|wil) .{1,40} en wat (gaan|doen|hebben) .{1,40}")),
    (
        "goal",
        re.compile(
            r"(wat (willen|wil|wilden|wilde) (we|wij|\w+( \w+)?) (bereiken|bereikt hebben|"
            r"realiseren)( in \d{4})?|wat is (het|ons) doel|wat is beoogd.*|"
            r"(algemene |hoofd|beleids|sub)?doel(en|stelling|stellingen)?( \d{4}| \d{1,2}(\.\d{1,2})*)?|"
            r"beoogd(e)? maatschappelijk(e)? effect(en)?|maatschappelijk(e)? effect(en)?|"
            r"beoogde resultaten|resultaat|resultaten|toelichting op (het )?beleidsdoel(en)?)"
        ),
    ),
    (
        "doing",
        re.compile(
            r"(wat (gaan|gingen|ga|gaat|hebben|heeft|deden|doen|hadden) (we|wij|de gemeente|"
            r"\w+)\b.{0,60}\b(doen|gedaan|bereikt|gerealiseerd|ondernomen|uitgevoerd|behaald)"
            r"\b.*|(wat zijn )?(onze )?(belangrijkste )?(uitdagingen|opgaven)|"
            r"waar stonden we.*|terugblik.*|(relevante |actuele |belangrijke )?"
            r"(beleids)?ontwikkelingen.*|trends( en ontwikkelingen)?|(\w+ )?activiteiten.*|acties|"
            r"actiepunten|maatregelen|prestaties?\b.*|speerpunten.*|toelichting|"
            r"beleidsuitvoering.*|wat hebben we (daarvoor |ervoor )?gedaan.*)"
        ),
    ),
    (
        "intro",
        re.compile(
            r"(inleiding|programma inleiding|samenvatting|bestuurlijke (samenvatting|"
            r"hoofdlijnen)|leeswijzer|voorwoord|waar staat (het|dit) programma voor|"
            r"omschrijving( van het)?( programma)?|wat is het|algemeen|"
            r".{3,60}: wat is het)"
        ),
    ),
    ("goal", re.compile(r"doelen (en|&) (prestaties|resultaten).*")),
    (
        "ambition",
        re.compile(r"((onze )?ambitie(s)?|missie|visie)( van (het|dit) programma)?"),
    ),
    (
        "other",
        re.compile(
            r"(.{0,40}verbonden partijen|risico'?s|risico’s|weerstandsvermogen|"
            r"(overzicht )?reserves( en voorzieningen)?)"
        ),
    ),
]

# chapter headings of the budget book: no sections (an optional number in front)
CHAPTER = re.compile(
    r"^(\d+(\.\d+)*\.?\s+)?(beleidsprogramma[’'`]?s|programma[’'`]?s|programma overzicht|"
    r"programmaoverzicht|algemeen beeld|algemene financi(ële|ele) toelichting|"
    r"doelenboom|beleidsvelden|paragrafen|bijlagen|beleidsverantwoording.*|"
    r"financi(ële|ele) begroting|jaarverslag|jaarrekening|programmaplan)$"
)

# a page or site title: a new page starts
_PAGE_TITLE = re.compile(
    r"^((concept[- ])?(programma)?begroting(en)?|jaarstukken|jaarverslag|jaarrekening|"
    r"programmarekening|bestuursrapportage|voorjaarsnota|najaarsnota|kadernota|"
    r"perspectiefnota|(tweede |eerste )?(tussen|berap|burap)\w*)"
    r"( en \w+)?\s*\d{4}(\s*[-–/]\s*\d{2,4})?$"
)

_FURNITURE = re.compile(
    r"^(terug naar (navigatie|boven|overzicht)|naar boven|lees (meer|verder|minder)|verder lezen|"
    r"bekijk\b|portal$|home$|menu$|zoeken$|print$|delen$|deel deze pagina|"
    r"deze pagina is gebouwd|(coördinerend |verantwoordelijk )?portefeuillehouder|"
    r"aanspreekpunt|betrokken (afdeling|sector|portefeuillehouder)|(\(deel\))?budgethouder|"
    r"financieel adviseur|verantwoordelijk(e)? (wethouder|bestuurder)|wethouder(s)?\b.{0,60}$|"
    r"naam/omschrijving$|planning$|toon (meer|alles)|klik (hier|op)|"
    r"(niet |deels |grotendeels |gedeeltelijk )?(behaald|gerealiseerd|afgerond)\s*:|"
    r"status\s*:|.*\bcookies?\b|klik op|"
    # help text of the site itself: it speaks of screens, buttons and clicks
    r".{0,60}(\bdit scherm|\bhet scherm|\bklik(t|ken)?\b|\baanklikken|\buitklappen|\bknop(pen)?\b|"
    r"\btabblad|\+ ?-?teken))",
)

# labels of a page's metadata block; the short lines after them are their values
_META_LABEL = re.compile(
    r"^(programma ?nummer|commissie|portefeuille(s|\(s\))?|portefeuillehouder(s|\(s\))?|"
    r"wethouder(s|\(s\))?|verantwoordelijk(e)? (wethouder|bestuurder)(s)?|programmamanager|"
    r"(ambtelijk|bestuurlijk) (opdrachtgever|aanspreekpunt|verantwoordelijke)|"
    r"aanspreekpunt(en)?|contactpersoon|portefeuillehouders?)\s*:?$"
)

_CODE = re.compile(r"^[A-Z]{1,4}\d+(\.\d+)*$")  # 'HD2', 'SD2.1': codes of a goal tree

_DATE = re.compile(r"^\d{1,2}[-/]\d{1,2}[-/]\d{2,4}$")

_BREADCRUMB = re.compile(r"^\S.{0,60}(\s(>|»|›)\s.{1,60}){2,}$")

# finance table lines: labels of figures, headers of amounts, figures, glued cells
_TABLE_WORDS = re.compile(
    r"^((totaal )?(lasten|baten|saldo)( in €)?|totaal.{0,40}|rekening|begroting|realisatie|"
    r"raming|toevoegingen( aan)? reserves|onttrekkingen( aan)? reserves|mutaties reserves|"
    r"gerealiseerd resultaat|percentage van (de )?totale (uitgaven|lasten|begroting)|"
    r"(bedragen|cijfers) (x|\*|in) .*|.*\(bedragen (x|\*|in) .*|"
    r"\d{4}( (lasten|baten|saldo|begroting|rekening|realisatie))?|"
    r"(begroting|rekening|realisatie|raming) \d{4}.*|taakveld|programma totaal|"
    r"voordeel|nadeel|v|n|uitgaven|inkomsten|begroting (vs\.?|versus|en) realisatie|"
    r"realisatie (vs\.?|versus|en) begroting|x ?€ ?1[.,]000.*)$"
)

_FIGURE = re.compile(r"^[€\s]*[-+–]?\s*[\d.,]+\s*(%|n|v|mln|miljoen)?\s*$", re.IGNORECASE)

_GLUED = re.compile(r"[a-zé)][A-Z][a-z]|\d[A-Z][a-z]|[a-z]-?\d{1,3}\.\d{3}")

_FIGURES = re.compile(r"[-–]?\d[\d.,]*")

BULLET = re.compile(r"^([\u2022\u00b7\u25aa\u25e6\u2023\u2219\u25cf\u25a0\u2013\u2014*-]|o)\s+")

_NUMBERED = re.compile(
    r"^(?P<kw>(?:programma|taakveld|thema|deelprogramma|beleidsveld|beleidsterrein|pakket|"
    r"product|programmaonderdeel|onderdeel)\s+)?"
    # a number, its parts after dots; an export may put a space after a dot ('8A1. 2 Ouders')
    r"(?P<num>\d{1,2}(?:[A-Z]{1,2}\d{0,2})?(?:\.(?: (?=\d{1,2} (?-i:[A-Z])))?\d{1,2})*)(?![\d\w])"
    r"(?P<dot>\.)?"
    r"(?:\s*[:|\-–]\s*|\s+|(?=[A-Z])|$)(?P<rest>\S.*)?$",
    re.IGNORECASE,
)

# 'Spoor 1: Samen sterker', 'Thema 2 - Wonen': a word, a number, then the title
_LABELLED_SECTION = re.compile(
    r"^(?P<kw>[A-Z][a-zé]{3,20})\s+(?P<num>\d{1,2}(?:\.\d{1,2})*)\s*[:|\-–]\s*(?P<rest>[A-Z].*)$"
)

# 'Wijkteams (6.2)': a task field with its number after the title
_TRAILING_NUMBER = re.compile(
    r"^(?P<rest>[A-Z][^()]*(?:\([^()]*\)[^()]*)?)\s+\((?P<num>\d{1,2}(?:\.\d{1,2})+)\)$"
)

_KEYWORD_SECTION = re.compile(
    r"^(?P<kw>(?i:programma|taakveld|thema|deelprogramma|beleidsveld))\s*[:|\-–]?\s+"
    r"(?P<rest>[A-ZÀ-Ý].*)$"
)

_INLINE_GOAL = re.compile(
    r"^(?P<kw>(?:hoofd|beleids|sub)?doel(?:stelling)?|resultaat|beoogd(?:e)? "
    r"(?:maatschappelijk(?:e)? )?(?:effect|resultaat))"
    r"(?:\s+(?P<num>[A-Z0-9]{1,3}(?:\.\d{1,2})*))?\s*:\s*(?P<rest>\S.*)$",
    re.IGNORECASE,
)

FINITE = re.compile(
    r"\b(is|zijn|was|waren|wordt|worden|werd|werden|kan|kunnen|kon|heeft|hebben|had|"
    r"krijgt|krijgen|gaat|gaan|blijft|blijven|moet|moeten|wil|willen|zal|zullen|"
    r"groeit|groeien|staat|staan|doet|doen|komt|komen|voelen|voelt|leven|leeft|wonen|woont)\b"
)


def _low(text: str) -> str:
    return normalise_space(text).lower().rstrip(" :?.").strip()


def fixed_kind(text: str) -> str | None:
    """The kind of a fixed heading ('goal', 'doing', 'finance', ...), or None."""
    low = _low(text)
    if not low or len(low.split()) > 14:
        return None
    for kind, pattern in _FIXED:
        if pattern.fullmatch(low):
            return kind
    head, colon, tail = low.partition(": ")
    if colon and len(head.split()) <= 2:  # 'Rekening: toelichting op beleidsdoel'
        return fixed_kind(tail)
    return None


def _is_pipe_row(text: str) -> bool:
    return text.count("|") >= 1 and (
        text.startswith("|") or text.rstrip().endswith("|") or text.count("|") >= 2
    )


def _is_table(flat: str, low: str) -> bool:
    if re.match(r"[-+]?\d[\d.,]*\s*%", flat) and len(flat.split()) <= 4:
        return True  # '12,5% gereed': a percentage cell with its label
    if sum(c.isalpha() for c in flat) <= 1 and sum(c.isdigit() for c in flat) >= 3:
        return True  # '1,2E+15%': a figure in any notation
    if re.search(r"\b(bedragen|cijfers) (x|\*|in) ?(€|euro|\d)|\bx ?€ ?1[.,]000\b", low):
        return True  # '(bedragen x € 1.000)' heads a table of figures
    if re.match(r"(totaal )?(lasten|baten|saldo|totaal)\b[^a-z]*\d[^a-z]*$", low):
        return True  # 'Lasten € 1.234 € 5.678'

    if _FIGURE.match(flat) and any(c.isdigit() for c in flat):
        return True
    if _TABLE_WORDS.match(low) or is_table_row(flat):
        return True
    figures = _FIGURES.findall(flat)
    if len(figures) >= 4 and not flat.endswith((".", ":", ";")):
        digits = sum(len(f) for f in figures)
        if digits >= 0.25 * len(flat.replace(" ", "")):
            return True
    glued = _GLUED.findall(flat)
    return len(glued) >= 2 and (any(c.isdigit() for c in flat) or len(flat.split()) <= 3)


@dataclass
class Unit:
    """A paragraph-level piece: a heading, a bullet, a numbered item or a paragraph."""

    kind: str  # furniture page chapter table fixed section numbered bullet short prose
    start: int
    end: int
    text: str  # normalised
    fixed: str = ""  # kind of a fixed heading
    after_furniture: bool = False  # a furniture line stood right above it
    notation: str | None = None
    rest: str = ""
    rest_start: int = 0
    blank_before: bool = False
    cell: bool = False  # the one cell of a line laid out as a table row


def title_like(text: str, max_words: int = 10) -> bool:
    words = text.split()
    if not words or len(words) > max_words or text.endswith((".", ";", ",", "!")):
        return False
    first = re.sub(r"^\([^()]{1,20}\)\s*", "", text).lstrip("‘'\"“(")[:1]  # '(nieuw) Buurtwerk ...'
    return first.isupper() or first.isdigit()


def _classify(raw_text: str, start: int, end: int) -> Unit:
    flat = normalise_space(raw_text)
    low = flat.lower().strip()
    bare = low.rstrip(" :?")
    unit = Unit("prose", start, end, flat)
    if re.fullmatch(r"[a-z]{3,20}", flat):
        unit.kind = "table"  # one lower-case word on a line: a table's column header
        return unit
    if not any(c.isalnum() for c in flat) and not re.fullmatch(r"[-|:\s]+", flat):
        unit.kind = "furniture"  # a lone full stop or dash left by the export
        return unit
    if _is_pipe_row(flat) and len(cells := [c for c in raw_text.split("|") if c.strip()]) == 1:
        return _one_cell(raw_text, cells[0], start)  # a line of the page laid out as a table
    debulleted = BULLET.sub("", low, count=1)
    if (
        _FURNITURE.match(low)
        or (debulleted != low and _FURNITURE.match(debulleted))  # '• Home' in a menu
        or _CODE.match(flat)
        or _DATE.match(flat)
        or _BREADCRUMB.match(flat)
    ):
        unit.kind = "furniture"
    elif re.fullmatch(r"[-|:\s]+", flat):
        unit.kind = "table"
    elif _PAGE_TITLE.match(bare):
        unit.kind = "page"
    elif CHAPTER.match(bare):
        unit.kind = "chapter"
    elif kind := fixed_kind(flat):
        unit.kind, unit.fixed = "fixed", kind
    elif _is_table(flat, low):
        unit.kind = "table"
    elif m := _INLINE_GOAL.match(flat):
        unit.kind, unit.fixed = "fixed", "goal"
        unit.notation = m.group("num")
        unit.rest = m.group("rest")
        unit.rest_start = start + _offset_of(raw_text, m.start("rest"))
    elif (m := _TRAILING_NUMBER.match(flat)) and title_like(m.group("rest"), 10):
        unit.kind, unit.notation, unit.rest = "section", m.group("num"), m.group("rest").strip()
    elif (m := _LABELLED_SECTION.match(flat)) and title_like(m.group("rest"), 12):
        unit.kind, unit.notation, unit.rest = "section", m.group("num"), m.group("rest").strip()
    elif (m := _KEYWORD_SECTION.match(flat)) and not _NUMBERED.match(flat):
        # without a number the keyword is part of the name ('Programma Samen Sterk')
        unit.kind, unit.rest = "section", flat.replace("|", " ").strip()
    elif (m := _NUMBERED.match(flat)) and (m.group("rest") or m.group("kw")):
        rest = (m.group("rest") or "").strip()
        unit.notation = m.group("num")
        unit.rest = rest
        unit.rest_start = start + _offset_of(raw_text, m.start("rest") if rest else len(flat))
        if m.group("kw"):
            unit.kind = "section"
        elif (
            "." not in m.group("num")
            and not m.group("dot")
            and not re.match(r"[:|\-–]", flat[len(m.group("num")) :].lstrip())
            and rest[:1].islower()
        ):
            unit.kind, unit.notation, unit.rest = "prose", None, ""  # '3 gemeenten ...'
        else:
            unit.kind = "numbered"
    elif BULLET.match(flat):
        unit.kind = "bullet"
    elif _is_pipe_row(flat):
        cells = [c for c in raw_text.split("|") if c.strip()]
        words = [len(c.split()) for c in cells]
        if len(cells) > 1 and max(words) >= 8 and not any(ch.isdigit() for ch in cells[0]):
            # a row of a table of texts ('name | description | task field'): the description
            # is the paragraph, the name cell names it
            unit.text = normalise_space(cells[words.index(max(words))])
            unit.kind = "prose"
            return unit
        unit.kind = "table"
        return unit
    elif title_like(flat.rstrip("!’'\"”"), 25) and not flat.endswith(":"):
        unit.kind = "short"
    return unit


def _one_cell(raw_text: str, cell: str, start: int) -> Unit:
    """A line with one cell between pipes ('| Doelstelling | |'): the cell is the line."""
    offset = raw_text.index(cell) + len(cell) - len(cell.lstrip())
    cell = cell.strip()
    unit = _classify(cell, start + offset, start + offset + len(cell))
    unit.cell = True
    return unit


def _offset_of(raw: str, index_in_flat: int) -> int:
    """Index in the raw (trimmed) line of the character at `index_in_flat` of its normalised
    form: runs of spaces count once there."""
    seen, i = 0, 0
    prev_space = False
    while i < len(raw) and seen < index_in_flat:
        ch = raw[i]
        space = ch.isspace() or ch in "\u00a0\u2007\u202f\u200b\u2060\ufeff"
        if not (space and prev_space):
            seen += 1
        prev_space = space
        i += 1
    while i < len(raw) and raw[i].isspace():
        i += 1
    return i


def paragraphs(text: str) -> list[Unit]:
    """Lines classified, and prose lines broken mid-sentence joined into paragraphs."""
    out: list[Unit] = []
    blank = True
    furniture = False  # bullets right after furniture are furniture: a site's help text
    meta = False  # in a page's metadata block
    for raw in split_lines(text):
        if not raw.text:
            blank = True
            continue
        unit = _classify(raw.text, raw.start, raw.end)
        unit.blank_before = blank
        if (
            unit.kind == "table"
            and re.fullmatch(r"[-|:\s]+", unit.text)
            and out
            and not (out[-1].cell and out[-1].kind == "numbered")  # a numbered row: an item
        ):
            out[-1].kind = "table"  # the row above a '---|---' line is the table's header
        if unit.kind == "bullet" and furniture:
            unit.kind = "furniture"
        unit.after_furniture = furniture
        low = unit.text.lower()
        if _META_LABEL.match(low):
            unit.kind, meta = "furniture", True
        elif meta and unit.kind in ("short", "table", "prose", "numbered") and _value_like(unit):
            unit.kind = "furniture"
        else:
            meta = False
        furniture = unit.kind == "furniture"
        prev = out[-1] if out else None
        if (
            prev is not None
            and not blank
            and not (prev.cell or unit.cell)  # rows of a table are never one sentence
            and prev.kind in ("prose", "bullet", "numbered")
            and unit.kind in ("prose", "short")
            and _continues(prev, unit)
        ):
            prev.text = normalise_space(f"{prev.text} {unit.text}")
            prev.end = unit.end
            if prev.kind == "numbered":
                prev.rest = normalise_space(f"{prev.rest} {unit.text}")
        elif (
            prev is not None
            and prev.kind == "short"
            and not blank
            and unit.kind in ("prose", "short", "table")
            and (unit.text[:1].islower() or unit.text[:1] in "€(%" or unit.text[:1].isdigit())
        ):
            prev.kind = "prose"  # a title-like start whose sentence goes on below
            prev.text = normalise_space(f"{prev.text} {unit.text}")
            prev.end = unit.end
        else:
            out.append(unit)
        blank = False
    return out


def _value_like(unit: Unit) -> bool:
    """A value in a metadata block: a name, a number, a committee; no sentence."""
    return len(unit.text.split()) <= 8 and not unit.text.endswith(TERMINAL + (":",))


def _continues(prev: Unit, unit: Unit) -> bool:
    """Whether `unit` carries on the sentence that `prev` broke off."""
    if prev.text.endswith(TERMINAL + (":", ";")):
        return False
    first = unit.text[:1]
    if first.islower() or first in "€(%–-" or first.isdigit():
        return True
    return len(prev.text.split()) >= 8 and not prev.text.endswith("|")
