"""Registered spaCy components that add policy-text knowledge to the statistical model.

Order in the pipeline (see `assemble`): the model's `ner`, then spaCy's own `span_ruler`
("bg_patterns": gazetteer + extract/patterns/*.jsonl, the council and the college among
them, into doc.spans["bg_rules"]), then `bg_name_rules` (rules that need more than a token
pattern: law names, quoted and cue-word instrument names, names after a kind word),
`bg_abbreviations` ("Long Form (LF)" pairs), `bg_municipal_actors` (extract/actors.py: the
municipality that acts) and `bg_entity_typer`, which decides per span which kind of thing it
names and writes the result to doc.spans["bg_entities"] (label = a bg: class name, kb_id =
gazetteer id).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from . import gazetteer
from .actors import make_municipal_actors  # noqa: F401 - registers bg_municipal_actors
from .lexicon import common_words, endings, word_list, words
from .pattern_flags import compile_patterns

__all__ = ["assemble", "RULES_KEY", "ENTITIES_KEY", "common_words"]

RULES_KEY = "bg_rules"
ENTITIES_KEY = "bg_entities"
PATTERNS_DIR = Path(__file__).parent / "patterns"

for _ext in ("bg_abbreviations", "bg_name_variants"):
    if not Doc.has_extension(_ext):
        Doc.set_extension(_ext, default=None)


@lru_cache(maxsize=1)
def actor_words() -> frozenset[str]:
    """Single-word forms of the kinds of actors (extract/patterns/actor_groups.jsonl)."""
    rows = srsly.read_jsonl(PATTERNS_DIR / "actor_groups.jsonl")
    return frozenset(
        r["pattern"] for r in rows if isinstance(r["pattern"], str) and " " not in r["pattern"]
    )


@lru_cache(maxsize=1)
def acronym_stoplist() -> frozenset[str]:
    lines = word_list("acronym_stoplist.txt").splitlines()
    return frozenset(ln.strip() for ln in lines if ln.strip() and not ln.startswith("#"))


# --------------------------------------------------------------------------------------------
# bg_name_rules
# --------------------------------------------------------------------------------------------

_LAW_STOP = words("law_stop")
_LAW_LINK = {"op", "inzake", "tot", "betreffende", "van"}
# separable verb particles, which close a clause: 'voeren ... uit', 'sluiten ... aan'
_PARTICLES = {"uit", "af", "mee", "toe", "op", "over", "na", "vast", "voort", "terug", "tegen"}
_INSTRUMENT_CUES = words("instrument_cues")
_QUOTES = {"‘": "’", "'": "'", "“": "”", '"': '"', "„": "”"}
_CONNECT = words("connect")
_ORG_PREFIXES = words("org_prefixes")
# words that make a name an organisation whatever the model says ('huis', 'centrum', 'raad'
# also name places and districts: 'Huis ter Heide', 'Centrum'; 'fonds': 'Oranje Fonds')
_NAMING_PREFIXES = (
    _ORG_PREFIXES - {"huis", "centrum", "raad", "netwerk", "platform", "academie"}
) | {"fonds"}
# compounds only ('Werkgeversservicepunt'); bare heads are _ORG_PREFIXES
_ORG_HEAD = endings("org_head_endings")
_INSTRUMENT_HEAD = endings("instrument_head_endings")
# compounds that say what kind of organisation the name after them is: 'leerwerkbedrijf X'
_APPOSITION_HEAD = endings("apposition_head_endings")
# lower-case words that introduce the name of an organisation: 'zorgaanbieder Lindenhout'
_ORG_APPOSITION = words("org_apposition")


_YEAR = re.compile(r"(19|20)\d\d")
_YEARS = re.compile(r"(19|20)\d\d([-–/](19|20)\d\d)?")  # '2031', '2023-2026' in one token


def _law_spans(doc: Doc) -> list[Span]:
    """'Wet verplichte GGZ', 'wet Inburgering', 'Wet meldcode huiselijk geweld en
    kindermishandeling': the word Wet plus the words of its name, up to where the sentence
    goes on."""
    spans = []
    for tok in doc:
        if tok.lower_ != "wet":
            continue
        nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
        if nxt is None or nxt.is_punct or nxt.is_space:
            continue
        if tok.text == "wet" and not nxt.is_title:
            continue  # 'de wet ingaat': the word, not a name
        end = tok.i + 1
        while end < len(doc) and end - tok.i <= 8:
            t = doc[end]
            if t.is_punct or t.is_space or t.like_num and end > tok.i + 1 and not t.text.isdigit():
                break
            low = t.lower_
            if low in _LAW_LINK and end == tok.i + 1:
                end += 1
                continue
            if low == "en":
                after = doc[end + 1] if end + 1 < len(doc) else None
                closing = doc[end + 2] if end + 2 < len(doc) else None
                if (
                    after is not None
                    and after.is_lower
                    and (closing is None or closing.is_punct or closing.is_space)
                ):
                    end += 2  # '... huiselijk geweld en kindermishandeling.'
                break
            if low in _LAW_STOP or (t.pos_ == "VERB" and end > tok.i + 1):
                break
            after = doc[end + 1] if end + 1 < len(doc) else None
            if low in _PARTICLES and (
                after is None
                or after.is_punct
                or after.is_space
                or (low not in _LAW_LINK and after.pos_ in {"ADP", "DET"})
            ):
                # 'we voeren de Wet inburgering uit.', '... uit via het team': the verb's
                # particle ('op' before 'de' may still be part of the name: 'Wet op de ...')
                break
            end += 1
            if end > tok.i + 2 and _YEAR.fullmatch(t.text):
                break  # 'de Wet inburgering 2021 van kracht': a year closes the name
        if end > tok.i + 1:
            spans.append(Span(doc, tok.i, end, label="LAW"))
    return spans


_NAME_STARTERS = {"stichting", "vereniging", "coöperatie", "cooperatie"}
_NAME_LINKS = {"van", "voor", "met", "de", "het", "een", "des", "der", "den", "ter", "&", "en"}


def _capitalised(tok: Token) -> bool:
    return tok.text[:1].isupper() and (tok.is_alpha or "-" in tok.text) and not _compound_head(tok)


def _compound_head(tok: Token) -> bool:
    """'Re' of 'Re-integratie': a capitalised piece the tokenizer cut off a word with a hyphen,
    not a name (acronyms such as 'Wmo-' or 'GGD-' are not meant: they have capitals inside or
    are more than a syllable)."""
    doc = tok.doc
    i = tok.i
    return (
        len(tok) <= 3
        and tok.text[1:].islower()
        and i + 2 < len(doc)
        and not tok.whitespace_
        and doc[i + 1].text == "-"
        and not doc[i + 1].whitespace_
        and doc[i + 2].is_lower
    )


def _opens_name(doc: Doc, i: int) -> bool:
    """'Stichting X': a new name starts here, whatever came before ('Zorgaanbieder Stichting
    X'); not at the last word of a name ('Anna Veldkamp Stichting')."""
    nxt = doc[i + 1] if i + 1 < len(doc) else None
    return (
        doc[i].lower_ in _NAME_STARTERS
        and doc[i].text[:1].isupper()
        and nxt is not None
        and nxt.is_title
    )


def _inner_capitals(tok: Token) -> bool:
    """'StopNu', 'ZoRA': a brand with capitals inside, after its first capital."""
    t = tok.text
    return (
        tok.is_alpha
        and t[:1].isupper()
        and any(c.islower() for c in t)
        and any(c.isupper() for c in t[1:])
    )


def _name_run(doc: Doc, start: int, lists: bool = True) -> int:
    """End of the capitalised words (and the small words between them) from `start`.

    'en' joins a one-word tail only when `lists` ('Centrum voor Jeugd en Gezin', 'Meldpunt Zorg
    en Overlast'); 'X en Y Z' and, without `lists`, 'Utrecht en Amersfoort' are two names. A
    number right after the name belongs to it ('Speelwerk 013')."""
    end = start
    while end < len(doc):
        tok = doc[end]
        if end > start and tok.is_sent_start:
            break
        if _capitalised(tok):
            if end > start and _opens_name(doc, end):
                break
            end += 1
            continue
        nxt = doc[end + 1] if end + 1 < len(doc) else None
        if tok.lower_ in _NAME_LINKS and nxt is not None and _capitalised(nxt):
            if tok.lower_ in {"van", "voor"} and nxt.lower_ in _ORG_PREFIXES and end > start:
                break  # 'Jongerenwerkers van Stichting X': the name starts at Stichting
            if tok.lower_ in {"en", "&"} and (
                not lists or _is_head(nxt) or nxt.lower_ not in common_words()
            ):
                break  # 'Woonstichting IJsselwaard en Salland Woonpartners' are two names
            end += 1
            continue
        break
    while end > start + 1 and doc[end - 1].lower_ in _NAME_LINKS:
        end -= 1
    if (
        end > start
        and end < len(doc)
        and doc[end].is_digit
        and 2 <= len(doc[end]) <= 4
        and doc[end - 1].is_alpha
        and not _counts_something(doc, end)
    ):
        end += 1
    return end


def _counts_something(doc: Doc, i: int) -> bool:
    """'Woonstichting Kade 24 tijdelijke woningen': the number counts what follows, it is no part of
    the name (unlike 'Speelwerk 013': an area code, with its leading zero)."""
    nxt = doc[i + 1] if i + 1 < len(doc) else None
    return (
        not doc[i].text.startswith("0")
        and nxt is not None
        and nxt.is_lower
        and nxt.pos_ in {"ADJ", "NOUN"}
    )


def _is_head(tok: Token) -> bool:
    low = tok.lower_
    return low in _ORG_PREFIXES or bool(_ORG_HEAD.match(low)) or bool(_INSTRUMENT_HEAD.match(low))


def _one_word_tail(doc: Doc, i: int) -> bool:
    """'en' and one capitalised word that ends the name: a department's second task."""
    if i + 1 >= len(doc) or doc[i].lower_ != "en":
        return False
    tail = doc[i + 1]
    after = doc[i + 2] if i + 2 < len(doc) else None
    places = {sp.start for sp in doc.spans.get(RULES_KEY, []) if sp.label_ == "PLACE"}
    return (
        tail.is_title
        and tail.is_alpha
        and not tail.is_sent_start
        and not _is_head(tail)
        and tail.i not in places  # 'team Noord en Utrecht': a municipality is a name of its own
        and (after is None or not after.text[:1].isupper())
    )


#: words between a head and its name: 'Centrum voor X', 'Alliantie tegen X', 'Huis naar X'
_HEAD_LINKS = {"voor", "van", "des", "der", "tegen", "naar", "zonder"}


def _named_heads(doc: Doc) -> list[Span]:
    """'Stichting Jongerenwerk Waalkant', 'Centrum voor Jeugd en Gezin', 'Meldpunt Zorg en
    Overlast', 'Werkgeversservicepunt regio X', 'Convenant Wonen met Zorg': a word that says
    what kind of thing follows, and the capitalised words of its name."""
    spans = []
    for tok in doc:
        low = tok.lower_
        if not tok.text[:1].isupper() or not tok.is_alpha:
            continue
        is_org = low in _ORG_PREFIXES or bool(_ORG_HEAD.match(low))
        is_instrument = not is_org and bool(_INSTRUMENT_HEAD.match(low))
        if not (is_org or is_instrument):
            continue
        i = tok.i + 1
        if i < len(doc) and doc[i].lower_ in _HEAD_LINKS and i + 1 < len(doc):
            i += 1
            if doc[i].lower_ in {"de", "het"} and i + 1 < len(doc):
                i += 1
        if is_org and i < len(doc) and doc[i].lower_ in {"regio", "arbeidsmarktregio"}:
            i += 1
        end = (
            _name_run(doc, i)
            if i < len(doc) and doc[i].text[:1].isupper() and not doc[i].is_sent_start
            else tok.i + 1
        )
        if end == tok.i + 1 and low in _ORG_PREFIXES and not _ORG_HEAD.match(low):
            continue  # 'Stichting' alone names nothing
        start = _truncated_start(doc, tok.i)
        spans.append(Span(doc, start, end, label="ORG" if is_org else "INSTRUMENT"))
    return spans


def _truncated_start(doc: Doc, i: int) -> int:
    """Where a head's name starts when compounds before it share its tail: 'Regionaal Meld-
    en Coördinatiepunt', 'Jeugd- en Gezinsteam', 'Sport-, Cultuur- en Jeugdfonds'."""
    start = i
    while start >= 2 and doc[start - 1].lower_ in {"en", "of"} and _truncated(doc[start - 2]):
        start -= 2
        while start >= 2 and doc[start - 1].text == "," and _truncated(doc[start - 2]):
            start -= 2
    before = doc[start - 1] if start > 0 else None
    if start < i and before is not None and before.is_title and before.is_alpha:
        if not before.is_sent_start:
            start -= 1  # 'Regionaal Meld- en ...'
    return start


def _truncated(tok: Token) -> bool:
    return len(tok) > 2 and tok.text.endswith("-") and tok.text[:1].isupper()


_PLURAL_CUES = words("plural_cues")


def _listed_names(doc: Doc) -> list[Span]:
    """'de woningcorporaties Elkien en WoonFriesland'; 'vrijwilligers van Humanitas en de
    Formulierenbrigade': names listed after a kind of organisation, or after 'van' following a
    kind of actor, are organisations."""
    spans = []
    for tok in doc:
        i = tok.i + 1
        if tok.lower_ in _PLURAL_CUES and tok.is_lower:
            if i + 1 < len(doc) and doc[i].text in {",", ":"}:
                i += 1  # 'de grootste aanbieders, X en Y'
        elif tok.lower_ in actor_words() and i < len(doc) and doc[i].lower_ == "van":
            i += 1
        else:
            continue
        while i < len(doc):
            if doc[i].lower_ in {"de", "het"} and i + 1 < len(doc) and _capitalised(doc[i + 1]):
                i += 1
            if not (_capitalised(doc[i]) and not doc[i].is_sent_start):
                break
            end = max(_name_run(doc, i, lists=False), i + 1)
            spans.append(Span(doc, i, end, label="ORG"))
            if end + 1 < len(doc) and doc[end].lower_ in {"en", ","}:
                i = end + 1
            else:
                break
    return spans


#: lower-case words that are the first word of a unit's or group's name: 'team Toezicht',
#: 'werkgroep Mantelzorg', 'meldpunt Kinderopvangtoeslag', 'dorpsbelangen X'
_UNIT_WORDS = words("unit_words")


def _appositions(doc: Doc) -> list[Span]:
    """'zorgaanbieder Lindenhout', 'woningcorporatie Woonbron Veluwezoom'; 'team Toezicht en
    Handhaving' keeps its first word, which is part of the name."""
    spans = []
    for tok in doc:
        if tok.lower_ in _UNIT_WORDS and tok.is_lower and tok.i + 1 < len(doc):
            nxt = doc[tok.i + 1]
            if _capitalised(nxt) and not nxt.is_sent_start:
                end = _name_run(doc, tok.i + 1)
                while end + 1 < len(doc) and doc[end].text == "," and _capitalised(doc[end + 1]):
                    end = _name_run(doc, end + 1)
                if _one_word_tail(doc, end):
                    end += 2  # 'team Toezicht en Handhaving', 'afdeling Werk en Inkomen'
                spans.append(Span(doc, tok.i, end, label="ORG_SPECIFIC"))
            continue
        if (
            (tok.lower_ in _ORG_APPOSITION or _APPOSITION_HEAD.match(tok.lower_))
            and tok.is_lower
            and tok.i + 1 < len(doc)
        ):
            nxt = doc[tok.i + 1]
            if nxt.text[:1].isupper() and not nxt.is_sent_start:
                end = _name_run(doc, tok.i + 1, lists=False)
                if end > tok.i + 1:
                    spans.append(Span(doc, tok.i + 1, end, label="ORG"))
    return spans


def _proper_runs(doc: Doc) -> list[Span]:
    """Two or more capitalised words in mid-sentence, one of them not a common word: a proper
    name whose kind the typer decides ('Tactus Verslavingszorg', 'Leger des Heils')."""
    spans, words, i = [], common_words(), 0
    while i < len(doc):
        opens = doc[i].is_sent_start or _at_line_start(doc[i])
        if doc[i].lower_ in _ORG_APPOSITION or doc[i].lower_ in actor_words():
            i += 1  # 'Zorgaanbieder X', 'Jongerenwerkers van X': the kind is not the name
            continue
        if doc[i].text[:1].isupper() and (not opens or doc[i].lower_ not in words):
            end = _name_run(doc, i, lists=False)
            names = [t for t in doc[i:end] if t.lower_ not in _CONNECT]
            if len(names) >= 2 and any(t.lower_ not in words for t in names):
                spans.append(Span(doc, i, end, label="NAME"))
            i = max(end, i + 1)
        else:
            i += 1
    return spans


def _finite_or_participle(tok: Token) -> bool:
    """'luidt', 'is', 'vastgesteld': the clause goes on about the name; the name has ended."""
    return bool({"Fin", "Part"} & set(tok.morph.get("VerbForm")))


def _title_run(doc: Doc, start: int, limit: int = 7) -> int:
    """End of a name that starts with a capitalised word at `start`: capitalised words and
    connectors; a short all-lower tail is kept when the clause ends right after it (a finite
    verb or a participle ends it too)."""
    end = start
    while end < len(doc) and (
        doc[end].is_title
        or doc[end].is_upper
        or _inner_capitals(doc[end])
        or doc[end].lower_ in _CONNECT
    ):
        end += 1
    while end > start + 1 and doc[end - 1].lower_ in _CONNECT:
        end -= 1
    clause_end = start
    while clause_end < len(doc) and not (
        doc[clause_end].is_punct
        or doc[clause_end].is_space
        or (clause_end >= end and _finite_or_participle(doc[clause_end]))
        or (clause_end >= end and _coordinates(doc, clause_end))
    ):
        clause_end += 1
    while clause_end > end and doc[clause_end - 1].lower_ in _PARTICLES:
        clause_end -= 1  # 'stelt het plan X vast': the verb's particle closes the clause
    if clause_end - start <= limit and clause_end > end:
        return clause_end
    return end


def _coordinates(doc: Doc, i: int) -> bool:
    """'en de ...', 'of het ...': a second noun phrase starts; the name has ended."""
    nxt = doc[i + 1] if i + 1 < len(doc) else None
    return doc[i].lower_ in {"en", "of"} and nxt is not None and nxt.pos_ == "DET"


def _instrument_spans(doc: Doc) -> list[Span]:
    """Quoted names after a cue ('programma ‘Wonen en zorg’') and cue word + capitalised name;
    (bare name, name with cue) pairs go to doc._.bg_name_variants."""
    spans = []
    for tok in doc:
        # a quoted name: programma 'Wonen en zorg', de zogeheten 'doorbraakaanpak'
        if tok.text in _QUOTES:
            close = _QUOTES[tok.text]
            end = tok.i + 1
            while (
                end < len(doc)
                and doc[end].text != close
                and end - tok.i <= 12
                and "\n" not in doc[end].text
            ):
                end += 1
            if end >= len(doc) or doc[end].text != close or end == tok.i + 1:
                continue
            inner = doc[tok.i + 1 : end]
            before = {t.lower_ for t in doc[max(0, tok.i - 3) : tok.i]}
            cued = bool(before & _INSTRUMENT_CUES) or any(
                t.lower_.endswith(tuple(_INSTRUMENT_CUES)) for t in doc[max(0, tok.i - 2) : tok.i]
            )
            capitalised_name = inner[0].is_title and len(inner) >= 2
            if cued or capitalised_name:
                spans.append(Span(doc, inner.start, inner.end, label="INSTRUMENT"))
            continue
        # cue word + capitalised name: beleidskader Opvang en Bescherming, aanpak Vreedzame wijken
        if tok.lower_.endswith(tuple(_INSTRUMENT_CUES)) and tok.i + 1 < len(doc):
            nxt = doc[tok.i + 1]
            if (
                (nxt.is_title or _inner_capitals(nxt))
                and not nxt.is_sent_start
                and nxt.text not in _QUOTES
            ):
                end = _title_run(doc, tok.i + 1)
                if end <= tok.i + 1:
                    continue
                if tok.is_lower:  # 'beleidskader Opvang en Bescherming'; the bare name is a variant
                    spans.append(Span(doc, tok.i, end, label="INSTRUMENT"))
                    doc._.bg_name_variants.append((doc[tok.i + 1 : end], doc[tok.i : end]))
                else:  # 'Beleidsplan Wonen': the capitalised cue is the name's first word
                    spans.append(Span(doc, tok.i, end, label="INSTRUMENT"))
    return spans


def _slash_pairs(doc: Doc, spans: list[Span]) -> list[Span]:
    """'RWA/Amfors': a name, a slash and a capitalised word is a second name of the same kind."""
    out = []
    for span in spans:
        i = span.end
        if span.label_ == "ORG" and i + 1 < len(doc) and doc[i].text == "/" and doc[i + 1].is_title:
            out.append(Span(doc, i + 1, i + 2, label="ORG"))
    return out


_PLACE_CUES = words("place_cues")


def _place_spans(doc: Doc) -> list[Span]:
    """Names after 'wijk(en)', 'buurt(en)', 'kern(en)': 'de wijken (Liendert en Schuilenburg)'."""
    spans = []
    for tok in doc:
        if tok.lower_ not in _PLACE_CUES:
            continue
        i = tok.i + 1
        if i < len(doc) and doc[i].text == "(":
            i += 1
        while i < len(doc) and doc[i].is_title and doc[i].lower_ not in common_words():
            spans.append(Span(doc, i, i + 1, label="PLACE"))
            i += 1
            if i + 1 < len(doc) and doc[i].lower_ in {"en", ","} and doc[i + 1].is_title:
                i += 1
    return spans


#: last words of the names of municipal units and teams ('Sociale Zaken', 'Sociaal Plein')
_UNIT_HEADS = {"zaken", "plein", "loket", "team", "teams", "dienst", "wijkteam", "wijkteams"}


def _concept_spans(doc: Doc) -> list[Span]:
    """Capitalised common words in mid-sentence, two or more: 'Positieve Gezondheid' is the
    name of an approach. (Proper names of organisations and places are left to the model.)"""
    spans = []
    i = 0
    words = common_words()
    while i < len(doc):
        j = i
        while j < len(doc) and not doc[j].is_sent_start and not _at_line_start(doc[j]):
            if doc[j].is_title:
                j += 1
            elif (
                j > i
                and doc[j].lower_ in {"en", "&"}
                and j + 1 < len(doc)
                and doc[j + 1].is_title
                and not _at_line_start(doc[j + 1])
            ):
                j += 2  # 'Werk en Inkomen'
            else:
                break
        if j - i >= 2 and all(t.lower_ in words or t.lower_ == "&" for t in doc[i:j]):
            org = any(t.lower_ in _ORG_PREFIXES or _ORG_HEAD.match(t.lower_) for t in doc[i:j]) or (
                doc[j - 1].lower_ in _UNIT_HEADS
            )
            spans.append(Span(doc, i, j, label="ORG" if org else "CONCEPT"))
        i = max(j, i + 1)
    return spans


def _regional_branches(doc: Doc, spans: list[Span]) -> list[Span]:
    """A national name followed by a region is a regional organisation: 'Veilig Thuis
    Groningen', 'GGD Drenthe' (the national brand keeps its own entity elsewhere); so is a
    name of a kind of service followed by a region written with a hyphen ('Zorg- en
    Veiligheidshuis Gelderland-Midden'); and a name followed by 'afdeling' and a place."""
    places = {sp.start for sp in spans if sp.label_ == "PLACE" and sp.id_}
    out = []
    for span in spans:
        if span.label_ not in {"ORG", "NAME"} or span.end + 1 >= len(doc):
            continue
        nxt = doc[span.end]
        if nxt.text == "afdeling" and _capitalised(doc[span.end + 1]):
            # 'Parkinson Vereniging afdeling Dijkland': a national body's local branch
            out.append(Span(doc, span.start, span.end + 2, label="ORG_SPECIFIC"))
            continue
        if span.label_ != "ORG" or not _capitalised(nxt) or nxt.is_sent_start or _is_head(nxt):
            continue
        if span.id_:
            out.append(
                Span(doc, span.start, _name_run(doc, span.end, lists=False), label="ORG_SPECIFIC")
            )
        elif "-" in nxt.text[1:] or span.end in places:
            end = span.end + 1
            if end < len(doc) and doc[end].lower_ in _COMPASS and doc[end].text[:1].isupper():
                end += 1  # 'Zuid-Holland Zuid': a part of the region
            out.append(Span(doc, span.start, end, label="ORG"))
    return out


_COMPASS = {
    *("noord", "oost", "zuid", "west", "midden", "centraal"),
    *("noordoost", "noordwest", "zuidoost", "zuidwest"),
}


def _named_with_article(doc: Doc, i: int) -> bool:
    """'De Weide' in mid-sentence: the capital says the article is part of the name."""
    nxt = doc[i + 1] if i + 1 < len(doc) else None
    after = doc[i + 2] if i + 2 < len(doc) else None
    return (
        doc[i].text in {"De", "Het"}
        and not doc[i].is_sent_start
        and nxt is not None
        and _capitalised(nxt)
        and (after is None or not _capitalised(after))
    )


#: The rule groups of `bg_name_rules`, in the order they run; each can be switched off in the
#: component's config (``disabled``), which is how the ablation in docs/quality.md measures
#: what each earns. A group's rules get the doc and the spans found so far.
_NAME_RULES: dict[str, Callable[[Doc, list[Span]], list[Span]]] = {
    # 'Wet ...' and the words of its name
    "laws": lambda doc, found: _law_spans(doc),
    # quoted and cue-word instrument names, their variants
    "instruments": lambda doc, found: _instrument_spans(doc),
    # place cues: 'de wijken X en Y'
    "places": lambda doc, found: _place_spans(doc),
    # capitalised common words: 'Positieve Gezondheid'
    "concepts": lambda doc, found: _concept_spans(doc),
    # named heads, appositions, proper-name runs, listed names
    "names": lambda doc, found: (
        _named_heads(doc) + _appositions(doc) + _proper_runs(doc) + _listed_names(doc)
    ),
    # regional branches and slash pairs (read the spans above)
    "groups": lambda doc, found: _regional_branches(doc, found) + _slash_pairs(doc, found),
}
NAME_RULE_GROUPS = tuple(_NAME_RULES)


class NameRules:
    """Rules that need more than a token pattern; results go to doc.spans[RULES_KEY]."""

    def __init__(self, disabled: list[str]) -> None:
        unknown = set(disabled) - set(NAME_RULE_GROUPS)
        if unknown:
            raise ValueError(f"unknown rule groups {sorted(unknown)}; known: {NAME_RULE_GROUPS}")
        self.rules = [rules for g, rules in _NAME_RULES.items() if g not in disabled]

    def __call__(self, doc: Doc) -> Doc:
        found = list(doc.spans.get(RULES_KEY, []))
        doc._.bg_name_variants = []
        for rules in self.rules:
            found += rules(doc, found)
        doc.spans[RULES_KEY] = found
        return doc


@Language.factory("bg_name_rules", default_config={"disabled": []}, assigns=["doc.spans"])
def make_name_rules(nlp: Language, name: str, disabled: list[str]) -> NameRules:
    return NameRules(disabled)


# --------------------------------------------------------------------------------------------
# bg_abbreviations: Schwartz & Hearst (2003) on "Long Form (SF)"
# --------------------------------------------------------------------------------------------


def _long_form_start(words: list[str], short: str) -> int | None:
    """Index into `words` where the long form of `short` begins, or None."""
    letters = [c.lower() for c in short if c.isalnum()]
    if len(letters) < 2:
        return None
    text = " ".join(words)
    s, li = len(letters) - 1, len(text) - 1
    while s >= 0:
        c = letters[s]
        while li >= 0 and (text[li].lower() != c or (s == 0 and li > 0 and text[li - 1].isalnum())):
            li -= 1
        if li < 0:
            return None
        li -= 1
        s -= 1
    start_char = li + 1
    return text[:start_char].count(" ")


@Language.component("bg_abbreviations", assigns=["doc._.bg_abbreviations"])
def bg_abbreviations(doc: Doc) -> Doc:
    """Record (long form, short form) pairs written as 'Long Form (LF)' or 'LF (Long Form)'."""
    pairs: list[tuple[Span, Span]] = []
    for tok in doc:
        if tok.text != "(":
            continue
        close = next((t.i for t in doc[tok.i + 1 : tok.i + 5] if t.text == ")"), None)
        if close is None or close == tok.i + 1:
            continue
        inner = doc[tok.i + 1 : close]
        if not inner[0].text[:1].isupper() or not any(
            c.isupper() for c in inner[0].text[1:] + inner[0].text[:1]
        ):
            continue
        if len(inner) > 2 or len(inner[0].text) > 10 or not inner[0].text[0].isalpha():
            continue
        short_letters = inner[0].text  # 'WSP' of 'WSP Amersfoort'
        max_words = min(len(short_letters) + 5, 2 * len(short_letters))
        window_start = tok.i
        while window_start > 0 and tok.i - window_start < max_words:
            prev = doc[window_start - 1]
            if prev.is_punct or prev.is_space or prev.is_sent_end:
                break
            window_start -= 1
        words = [t.text for t in doc[window_start : tok.i]]
        offset = _long_form_start(words, short_letters) if words else None
        if offset is None:
            continue
        long_span = doc[window_start + offset : tok.i]
        while len(long_span) > 1 and long_span[0].lower_ in {"de", "het", "een", "van"}:
            long_span = long_span[1:]
        if len(long_span) == 1 and long_span[0].text.lower() == short_letters.lower():
            continue
        pairs.append((long_span, inner))
    doc._.bg_abbreviations = pairs
    group = list(doc.spans.get(RULES_KEY, []))
    for long_span, _ in pairs:
        label = _long_form_label(long_span)
        if label:
            group.append(Span(doc, long_span.start, long_span.end, label=label))
    doc.spans[RULES_KEY] = group
    return doc


def _long_form_label(span: Span) -> str | None:
    """What an abbreviated name names, from its words: 'Wet schuldsanering natuurlijke personen
    (Wsnp)', 'Gezond en Actief Leven Akkoord (GALA)', 'Centrum voor Veiligheid en Zorg (CVZ)'."""
    if not span[0].text[:1].isupper():
        return None
    if span[0].lower_ == "wet" or span[-1].lower_.endswith("wet"):
        return "LAW"
    if _instrument_headed(span):
        return "INSTRUMENT"  # 'Uitvoeringsprogramma Samen 2031 (USP)'
    if any(_is_head(t) for t in span) or any(
        t.lower_ not in common_words() for t in span if t.is_alpha
    ):
        return "ORG"
    return None  # 'Sociale Basis Infrastructuur': common words; the other rules decide


# --------------------------------------------------------------------------------------------
# bg_entity_typer
# --------------------------------------------------------------------------------------------

_KIND = {
    "ORG_SPECIFIC": "Organisation",
    "CONCEPT": "Instrument",
    "LAW": "Law",
    "ORG": "Organisation",
    "PLACE": "Place",
    "INSTRUMENT": "Instrument",
    "ACTORGROUP": "ActorGroup",
}
_ARTICLES = {"de", "het", "een", "'s"}
_VERBAL_ENDINGS = ("en", "ing", "heid", "tie", "ie", "eren")
_PRIORITY = {
    "ORG_SPECIFIC": 5,
    "CONCEPT": 2,
    "gazetteer": 5,
    "ACTORGROUP": 4,
    "LAW": 4,
    "INSTRUMENT": 3,
    "ORG": 3,
    "PLACE": 3,
    "model": 1,
}


def _clean(span: Span) -> Span | None:
    doc = span.doc
    start, end = span.start, span.end
    place = span.label_ in {"PLACE", "LOC"}  # 'De Weide', 'De Bilt'
    while start < end and (
        doc[start].is_space
        or doc[start].is_punct
        or (doc[start].lower_ in _ARTICLES and not (place and _named_with_article(doc, start)))
        or not doc[start].text.strip()
    ):
        start += 1
    while end > start and (
        doc[end - 1].is_space or (doc[end - 1].is_punct and doc[end - 1].text not in {"+"})
    ):
        if doc[end - 1].text in {"!", "?"} and end < len(doc) and doc[end].text in _QUOTES.values():
            break  # 'Ede Gezond!' in quotes keeps its exclamation mark
        end -= 1
    if start >= end:
        return None
    return Span(doc, start, end, label=span.label, kb_id=span.kb_id, span_id=span.id)


def _at_line_start(tok: Token) -> bool:
    """Only bullets, numbers, punctuation or white space before it on its line/sentence."""
    return _line_starts(tok.doc)[tok.i]


_LINE_STARTS = "bg_line_starts"
_BULLETS = frozenset({"•", "-", "*", "·", "▪"})


def _line_starts(doc: Doc) -> list[bool]:
    """`_at_line_start` of every token, in one pass (the rules ask it of nearly every token;
    walking back from each was a tenth of the rule components' time). Kept in the doc's
    user data: the sentence breaks it depends on are set before the rules run."""
    found = doc.user_data.get(_LINE_STARTS)
    if found is not None and len(found) == len(doc):
        return found
    found, start = [], True  # the first token, and a token after a sentence's end
    for tok in doc:
        found.append(start)
        if tok.is_sent_end or "\n" in tok.whitespace_ or "\n" in tok.text:
            start = True
        elif not (tok.is_punct or tok.is_space or tok.like_num or tok.text in _BULLETS):
            start = False
    doc.user_data[_LINE_STARTS] = found
    return found


def _trim_to_name(span: Span) -> Span | None:
    """A model span ends where the words stop being a name: 'Raad de antidiscriminatienota ter
    goedkeuring voor' -> 'Raad' (lower-case words other than 'van', 'de', ... end a name); and
    starts at a word such as 'Stichting' inside it ('Zorgaanbieder Stichting X' -> 'Stichting
    X', as `_name_run` does for the rules)."""
    starters = [t.i for t in span[1:-1] if _opens_name(span.doc, t.i)]
    if starters:
        span = Span(span.doc, starters[0], span.end, label=span.label)
    end = span.start
    while end < span.end:
        tok = span.doc[end]
        if tok.is_alpha and tok.is_lower and tok.lower_ not in _NAME_LINKS:
            break
        end += 1
    while end > span.start and (
        span.doc[end - 1].lower_ in _NAME_LINKS or span.doc[end - 1].is_punct
    ):
        end -= 1
    if end <= span.start:
        return None
    return Span(span.doc, span.start, end, label=span.label)


_REFERENCE = re.compile(r"\d{1,4}[A-Z]")


def _is_name_like(span: Span) -> bool:
    """Not a capitalised common word at the start of a sentence ('Inzet', 'Wonen')."""
    words = common_words()
    if all(_REFERENCE.fullmatch(t.text) or t.is_punct for t in span):
        return False  # a council-motion or item number ('112M'), not a name
    if any(t.is_upper and len(t) > 1 for t in span):
        return True
    if any(any(c.isdigit() for c in t.text) and any(c.isalpha() for c in t.text) for t in span):
        return True  # Indebuurt033, not 'Per 1'
    if all(t.like_num or t.is_punct or t.lower_ in common_words() for t in span):
        return False
    tokens = [t for t in span if not t.is_punct]
    if not tokens or not tokens[0].text[:1].isupper():
        return False
    uncommon = [t for t in tokens if t.lower_ not in words]
    if len(tokens) == 1 and uncommon and _at_line_start(tokens[0]):
        # 'Continueren ...' after a bullet: a verb or noun opening the line, not a name
        return not tokens[0].lower_.endswith(_VERBAL_ENDINGS)
    return bool(uncommon)


_PLACE_LABELS = {"LOC", "PLACE"}  # CoNLL-2002's LOC; PLACE of the model trained on policy text


def _model_kind(span: Span) -> str | None:
    """The bg: class of a model entity. The policy-text model labels ORG, PLACE, LAW,
    INSTRUMENT, PER and MISC; a CoNLL-only model ORG, LOC, PER, MISC. Persons are no entities."""
    label = span.label_
    if label == "PER" or _word_and_year(span):
        return None
    if len(span) == 1 and (len(span.text) == 1 or _compound_head(span[0])):
        return None  # 'deel B', 'Re' of 'Re-integratie'
    name_like = _is_name_like(span)
    if label == "LAW" and any(t.is_alpha for t in span):
        return "Law"
    if label == "INSTRUMENT" and (name_like or len(span) >= 2):
        return "Instrument"
    if (
        label in {"ORG", "MISC"}
        and name_like
        and (_instrument_headed(span) or _common_phrase(span))
    ):
        return "Instrument"  # 'Derde Voortgangsrapportage 2031': its words say it is a report
    if label in {"ORG"} | _PLACE_LABELS and name_like:
        if label in _PLACE_LABELS and not _says_organisation(span):
            if _instrument_headed(span):
                return "Instrument"  # 'Uitvoeringsplannen Wonen' is no place
            if _partner_context(span):
                return "Organisation"  # 'afspraken met Kwintara': one works with a party
            return None if _no_place_word(span) else "Place"
        return "Organisation"  # 'Anna Veldkamp Stichting' is no place, whatever the model says
    multi_title = len(span) >= 2 and all(t.is_title or t.lower_ in _CONNECT for t in span)
    if multi_title and not span[0].is_sent_start and not name_like:
        return "Instrument"  # 'Positieve Gezondheid': a capitalised concept in mid-sentence
    return None


_PERSON_TITLES = words("person_titles")


#: words after which a name is a party one deals with, not a place one is in
_PARTNER_BEFORE = {"met", "door", "aan"}


def _partner_context(span: Span) -> bool:
    """'afspraken met X', 'gezien door X', 'verplichtingen aan X' (an article or adjective in
    between or not); the gazetteer's places are decided before this (they win the overlap)."""
    i = span.start - 1
    doc = span.doc
    while i >= 0 and (doc[i].lower_ in _ARTICLES or (doc[i].pos_ == "ADJ" and doc[i].is_lower)):
        i -= 1
    return i >= 0 and doc[i].lower_ in _PARTNER_BEFORE


#: endings of one word that no place name has: abstract nouns ('Bestaanszekerheid',
#: 'Schuldhulpverlening', 'Inclusie') and inhabitants ('Zwollenaren', 'Veldhovenaren')
_NO_PLACE_ENDING = ("heid", "ing", "tie", "sie", "isme", "iteit", "aars", "aren", "ers")


def _no_place_word(span: Span) -> bool:
    return len(span) == 1 and span[0].lower_.endswith(_NO_PLACE_ENDING)


def _instrument_headed(span: Span) -> bool:
    """A word of the name says it is a plan, a report, a scheme ... ('Integraal
    Veiligheidsplan Zwolle'); and no word says it is an organisation."""
    return any(_INSTRUMENT_HEAD.match(t.lower_) for t in span if t.is_alpha) and not (
        _says_organisation(span)
    )


def _says_organisation(span: Span) -> bool:
    """A word of the name says it is an organisation: 'Team', 'Stichting', '...punt', and
    'Regio' written with a capital in mid-sentence ('Regio Twente', the public body; 'de regio
    Twente' is the area)."""
    return any(
        _ORG_HEAD.match(t.lower_)
        or t.lower_ in _NAMING_PREFIXES
        or (t.text == "Regio" and not t.is_sent_start)
        for t in span
    )


def _name_kind(span: Span) -> str | None:
    """A proper name found by its shape: the model's label where it has one, else an
    organisation (what policy texts mostly name)."""
    before = span.doc[span.start - 1].lower_.rstrip(".") if span.start else ""
    if span[0].lower_.rstrip(".") in _PERSON_TITLES or before in _PERSON_TITLES:
        return None
    if _instrument_headed(span):
        return "Instrument"  # 'Gezond en Actief Leven Akkoord', 'Veiligheidsplan Zwolle'
    if _says_organisation(span) or any(t.is_upper and len(t) > 1 for t in span):
        return "Organisation"  # 'Sociaal Team X' even where the model reads a place
    for ent in span.doc.ents:
        if ent.start < span.end and span.start < ent.end:
            if ent.label_ in _PLACE_LABELS and ent.start <= span.start and ent.end >= span.end:
                return "Place"
            if ent.label_ == "PER" and (
                ent.start <= span.start and ent.end >= span.end or len(ent) >= 2
            ):
                return None  # a person's name: policy texts name officials, not partners
    if _common_phrase(span):
        return "Instrument"  # 'Lichte Ondersteuning Thuis': capitalised words, no proper name
    return "Organisation"


def _common_phrase(span: Span) -> bool:
    """Two or more words that the tagger reads as adjectives and nouns, none as a proper name,
    and none that says organisation: the name of an approach or a service."""
    words = [t for t in span if t.is_alpha]
    return (
        len(words) >= 2
        and all(t.pos_ in {"ADJ", "NOUN"} for t in words)
        and not _says_organisation(span)
    )


_WORD_YEAR = re.compile(r"([A-Za-zà-ÿ]+)((19|20)\d\d)")


def _word_and_year(span: Span) -> bool:
    """'Begroting2019', 'Rekening 2030': a common word and a year, glued by a page export or
    not; a column header, not a name ('Indebuurt033' has no year and no common word)."""
    text = span.text.replace(" ", "")
    m = _WORD_YEAR.fullmatch(text)
    return bool(m) and m.group(1).lower() in common_words()


def _capitalised_kind(span: Span) -> bool:
    """One word of the actor lexicon written with a capital in mid-sentence ('de Voedselbank',
    not 'Voedselbanken' at a sentence start)."""
    tok = span[0]
    return (
        len(span) == 1
        and tok.is_title
        and not tok.is_sent_start
        and not _at_line_start(tok)
        and not tok.lower_.endswith(("en", "s"))
    )


def _rule_ok(span: Span) -> bool:
    label = span.label_
    text = span.text
    if len(span) == 1 and not span.id_ and (len(text) == 1 or _compound_head(span[0])):
        return False  # 'deel B', 'Re' of 'Re-integratie' (a law's 'Wmo-' still counts)
    if label in {"ORG", "PLACE", "INSTRUMENT"} and not span.id_ and _word_and_year(span):
        return False
    if label == "PLACE" and not span.id_ and _no_place_word(span):
        return False  # 'voor Zwollenaren': inhabitants, not a place
    after = span.doc[span.end].lower_ if span.end < len(span.doc) else ""
    if text == "raad" and after == "van":
        return False  # 'de raad van toezicht' of an organisation is not the council
    if label == "ORG" and len(span) == 1 and text in acronym_stoplist():
        return False
    if label in {"ORG", "INSTRUMENT", "PLACE"} and not span.id_ and span[0].is_sent_start:
        # a capitalised word at a sentence start must be more than a common word
        if len(span) == 1 and span[0].lower_ in common_words():
            return False
    return True


def _rank(source: str, span: Span) -> tuple[int, int, int]:
    """Which of two overlapping candidates wins: national names and law names first, then
    the longer span, then the kind of evidence."""
    strong = source == "ORG_SPECIFIC" or (
        source in {"gazetteer", "LAW"}
        and span.label_ in {"Law", "Organisation", "Instrument"}
        and not (span.text.islower() and span.label_ == "Organisation")
    )
    priority = _PRIORITY[source]
    if source == "ACTORGROUP" and span.text.islower():
        priority = (
            6  # 'politie', 'scholen': a kind of actor, even when a national body shares the word
        )
    return (1 if strong else 0, len(span), priority)


#: Model labels whose entities are candidates by default (CoNLL's LOC is PLACE).
MODEL_LABELS = ("ORG", "PLACE", "LOC", "LAW", "INSTRUMENT", "MISC")


@Language.factory(
    "bg_entity_typer",
    default_config={"model_labels": list(MODEL_LABELS)},
    assigns=["doc.spans"],
)
def make_entity_typer(nlp: Language, name: str, model_labels: list[str]):
    """``model_labels``: the model's entities with these labels are candidates (the rest
    still informs the rules: a PER or PLACE entity decides what a rule's NAME span is)."""
    labels = frozenset(model_labels)

    def typer(doc: Doc) -> Doc:
        return bg_entity_typer(doc, labels)

    return typer


def bg_entity_typer(doc: Doc, model_labels: frozenset[str] = frozenset(MODEL_LABELS)) -> Doc:
    candidates: list[tuple[tuple[int, int, int], Span]] = []
    for span in doc.spans.get(RULES_KEY, []):
        span = _clean(span)
        if span is None or not _rule_ok(span):
            continue
        if span.label_ == "NAME":
            kind = _name_kind(span)
            if kind is None:
                continue
            typed = Span(doc, span.start, span.end, label=kind, span_id="rule")
            candidates.append((_rank("model", typed), typed))
            continue
        if span.label_ == "PLACE" and span[0].lower_ == "regio" and _partner_context(span):
            # 'samen met de regio X en Y': the region's municipalities together, acting (guide)
            span = Span(doc, span.start, span.end, label="ORG_SPECIFIC")
        if span.label_ == "ACTORGROUP" and _capitalised_kind(span):
            # 'de Voedselbank': the capital makes the kind of actor the local organisation
            span = Span(doc, span.start, span.end, label="ORG")
        linked = span.id_ and span.label_ not in {"ACTORGROUP", "ORG_SPECIFIC"}
        source = "gazetteer" if linked else span.label_
        kind = _KIND[span.label_]
        if span.label_ == "CONCEPT" and (_says_organisation(span) or _partner_context(span)):
            # 'Oranje Fonds': capitalised common words naming a body; 'samen met Werk en
            # Inkomen': a unit one works with (guide: capitalised units are organisations)
            kind = "Organisation"
        typed = Span(
            doc,
            span.start,
            span.end,
            label=kind,
            kb_id=span.id_,
            span_id="gazetteer" if source == "gazetteer" else "rule",
        )
        candidates.append((_rank(source, typed), typed))
    for ent in doc.ents:
        if ent.label_ not in model_labels:
            continue
        span = _clean(ent)
        span = _trim_to_name(span) if span is not None else None
        if span is None or (len(span) == 1 and span.text in acronym_stoplist()):
            continue
        kind = _model_kind(span)
        if kind is not None:
            typed = Span(doc, span.start, span.end, label=kind, span_id="model")
            candidates.append((_rank("model", typed), typed))
    candidates = _around_national_schemes(candidates)
    candidates.sort(key=lambda c: (tuple(-x for x in c[0]), c[1].start))
    taken: set[int] = set()
    chosen: list[Span] = []
    for _, span in candidates:
        if taken.intersection(range(span.start, span.end)):
            continue
        taken.update(range(span.start, span.end))
        chosen.append(span)
    for i, span in enumerate(chosen):
        end = span.end
        if span.label_ == "Instrument":
            end = _edition_end(doc, span.end, taken)
        if (
            span.label_ in {"Organisation", "Instrument"}
            and end < len(doc)
            and end not in taken
            and doc[end].text == "!"
            and not doc[end - 1].whitespace_
        ):
            end += 1  # 'Veldkracht Werkt!': the exclamation mark is part of the brand
        if end > span.end:
            taken.update(range(span.end, end))
            chosen[i] = Span(
                doc, span.start, end, label=span.label, kb_id=span.kb_id, span_id=span.id
            )
    doc.spans[ENTITIES_KEY] = sorted(chosen, key=lambda sp: sp.start)
    return doc


def _around_national_schemes(
    candidates: list[tuple[tuple[int, int, int], Span]],
) -> list[tuple[tuple[int, int, int], Span]]:
    """'SPUK Sport', 'Kempen Regiodeal', 'NPO Veldhoven': a name around a national scheme of the
    gazetteer is that scheme's local form, an Instrument, and outranks the bare scheme; unless
    a word says it is an organisation ('meldpunt Huurtoeslag')."""
    schemes = [sp for _, sp in candidates if sp.label_ == "Instrument" and sp.kb_id_]
    out = []
    for rank, span in candidates:
        if (
            span.label_ == "Organisation"
            and not rank[0]
            and not _says_organisation(span)
            and span[0].lower_ not in _UNIT_WORDS
            and any(
                span.start <= s.start and s.end <= span.end and len(s) < len(span) for s in schemes
            )
        ):
            span = Span(span.doc, span.start, span.end, label="Instrument", span_id=span.id)
            rank = (1, rank[1], rank[2])
        out.append((rank, span))
    return out


_ROMAN = {"II", "III", "IV", "V", "VI"}


def _edition_end(doc: Doc, end: int, taken: set[int]) -> int:
    """Where a plan's name ends with its edition: 'Preventieakkoord II', 'Vangnetregeling 2031',
    'Integraal Veiligheidsplan Zandvoort 2023-2026' (a place of the gazetteer, then years)."""

    def free(i: int) -> bool:
        return i < len(doc) and i not in taken

    i = end
    if free(i) and doc[i].text in _ROMAN:
        return i + 1
    place = [s for s in doc.spans.get(RULES_KEY, []) if s.start == i and s.id_.startswith("place:")]
    if place and all(free(k) for k in range(place[0].start, place[0].end)):
        i = place[0].end
    if not (free(i) and _YEARS.fullmatch(doc[i].text)):
        return end
    i += 1
    if free(i + 1) and doc[i].text in {"-", "–", "/"} and _YEAR.fullmatch(doc[i + 1].text):
        i += 2
    return i


# --------------------------------------------------------------------------------------------


#: What `assemble(..., ablate=...)` can leave out: the pattern rulers (gazetteer, rules.jsonl,
#: actor groups), the abbreviation pairs, the model's entities as candidates, and each group of
#: `bg_name_rules`. For measuring only (training/ablation.py); the build uses everything.
_MODEL_ABLATIONS = {
    "model": set(MODEL_LABELS),
    "model_org": {"ORG"},
    "model_place": {"PLACE", "LOC"},
    "model_law": {"LAW"},
    "model_instrument": {"INSTRUMENT", "MISC"},
}
ABLATIONS = ("patterns", "abbreviations", "actors", *_MODEL_ABLATIONS, *NAME_RULE_GROUPS)
ABLATE_ENV = "BELEIDSGRAAF_ABLATE"


def assemble(nlp: Language, ablate: Iterable[str] | None = None) -> Language:
    """Add the rule components to a loaded pipeline (in place), once. ``ablate`` (default:
    the comma-separated names in $BELEIDSGRAAF_ABLATE, normally unset) leaves parts out."""
    if "bg_entity_typer" in nlp.pipe_names:
        return nlp
    if ablate is None:
        ablate = [a for a in os.environ.get(ABLATE_ENV, "").split(",") if a]
    ablate = set(ablate)
    if ablate - set(ABLATIONS):
        raise ValueError(f"unknown ablation {sorted(ablate - set(ABLATIONS))}; known: {ABLATIONS}")
    patterns = gazetteer.span_ruler_patterns()
    for name in ("rules.jsonl", "actor_groups.jsonl"):
        patterns.extend(srsly.read_jsonl(PATTERNS_DIR / name))
    # Two rulers fill one span group: phrases matched on LOWER (names) and on ORTH (places and
    # abbreviations, whose case matters), so that neither needs a slow token pattern.
    cased = [
        {**p, "pattern": " ".join(t["ORTH"] for t in p["pattern"])}
        for p in patterns
        if isinstance(p["pattern"], list) and all(set(t) == {"ORTH"} for t in p["pattern"])
    ]
    rest = [
        p
        for p in patterns
        if not (isinstance(p["pattern"], list) and all(set(t) == {"ORTH"} for t in p["pattern"]))
    ]
    first = "bg_sentence_breaks" in nlp.pipe_names
    if "patterns" in ablate:
        cased, rest = [], []
    for name, attr, group, overwrite in (
        ("bg_patterns", "LOWER", rest, True),
        ("bg_patterns_cased", "ORTH", cased, False),
    ):
        where = {"after": "bg_sentence_breaks" if name == "bg_patterns" else "bg_patterns"}
        if name == "bg_patterns" and not first:
            where = {"first": True}
        ruler = nlp.add_pipe(
            "span_ruler",
            name=name,
            config={
                "spans_key": RULES_KEY,
                "phrase_matcher_attr": attr,
                "validate": False,  # compile_patterns validates them as written
                "overwrite": overwrite,
            },
            **where,
        )
        ruler.add_patterns(compile_patterns(nlp.vocab, group))
    disabled = [g for g in NAME_RULE_GROUPS if g in ablate]
    nlp.add_pipe("bg_name_rules", config={"disabled": disabled})
    if "abbreviations" not in ablate:
        nlp.add_pipe("bg_abbreviations")
    if "actors" not in ablate:
        nlp.add_pipe("bg_municipal_actors", config={"spans_key": RULES_KEY})
    off = set().union(*(_MODEL_ABLATIONS[a] for a in ablate if a in _MODEL_ABLATIONS))
    labels = [label for label in MODEL_LABELS if label not in off]
    nlp.add_pipe("bg_entity_typer", config={"model_labels": labels})
    return nlp
