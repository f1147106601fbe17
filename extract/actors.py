"""The municipality as an actor: a registered spaCy component.

A municipality's name is a place ("in Veldhoven"), but policy text also names the municipality
as the one who acts: "de gemeente Veldhoven biedt ...", "Veldhoven neemt deel aan ...". The
annotation guide counts those as an Organisation, beside the Place (one entity per type). The
gazetteer knows the names; what makes a name an actor is where it stands, so the rules here
read the gazetteer's place spans and the morphologizer's finite verbs.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

__all__ = ["municipal_actors", "ACTOR_PREFIX"]

#: kb_id of the municipality as an actor: 'actor:' + the place's gazetteer id, so that its
#: mentions make one Organisation apart from the Place
ACTOR_PREFIX = "actor:"

#: what a territory follows: 'in de gemeente X', 'buiten X'
_LOCATIVE = {"in", "binnen", "buiten", "uit", "naar", "rond", "rondom"}
#: what a verb is, for the subject rule
_VERB_POS = {"VERB", "AUX"}
_LABEL = "ORG_SPECIFIC"  # the typer prefers it over the place the same words name


def _municipality(span: Span) -> bool:
    return span.label_ == "PLACE" and span.id_.startswith("place:gm")


#: 'X is een dorp': a copula says what the place is, not what it does
_COPULAS = {"is", "was", "wordt", "werd", "blijft", "bleef", "lijkt", "heet", "telt", "ligt"}


def _acts(doc: Doc, i: int) -> bool:
    """A finite verb, other than a copula, at token i."""
    if i >= len(doc) or doc[i].lower_ in _COPULAS:
        return False
    return doc[i].pos_ in _VERB_POS and "Fin" in doc[i].morph.get("VerbForm")


def _subject(doc: Doc, span: Span) -> bool:
    """The name opens its sentence ('X neemt deel'), or stands right after the finite verb of
    a sentence that opens with an adverbial ('In 2023 heeft X ...', 'Ook werkt X ...')."""
    if doc[span.start].is_sent_start:
        return True
    verb = span.start - 1
    if verb < 1 or not _acts(doc, verb):
        return False
    first = doc[verb].sent[0]
    return first.pos_ in {"ADP", "ADV", "NUM", "SCONJ"} and first.i < verb


def _acts_around(doc: Doc, span: Span) -> bool:
    return _acts(doc, span.end) if doc[span.start].is_sent_start else True


def _locative_before(doc: Doc, i: int) -> bool:
    """A preposition of place before the name, its article in between or not."""
    j = i - 1
    if j >= 0 and doc[j].lower_ in {"de", "het"}:
        j -= 1
    return j >= 0 and doc[j].lower_ in _LOCATIVE


def municipal_actors(doc: Doc, spans_key: str) -> list[Span]:
    """'de gemeente X' (not after 'in', 'binnen', ...) and 'X' as the subject that opens a
    sentence with its finite verb right after it ('X neemt deel', 'X heeft'); the place
    spans are read from ``doc.spans[spans_key]``."""
    out: list[Span] = []
    seen: set[tuple[int, int]] = set()
    places = sorted(
        {(s.start, s.end): s for s in doc.spans.get(spans_key, []) if _municipality(s)}.values(),
        key=lambda s: s.start,
    )
    listed = _listed_after_gemeenten(doc, places)
    for span in places:
        if (span.start, span.end) in seen:
            continue
        seen.add((span.start, span.end))
        if (span.start, span.end) in listed:
            out.append(
                Span(doc, span.start, span.end, label=_LABEL, span_id=ACTOR_PREFIX + span.id_)
            )
            continue
        before = span.start - 1
        if before >= 0 and doc[before].lower_ == "gemeente":
            if not _locative_before(doc, before):
                out.append(
                    Span(doc, before, span.end, label=_LABEL, span_id=ACTOR_PREFIX + span.id_)
                )
            continue
        if _subject(doc, span) and _acts_around(doc, span):
            out.append(
                Span(doc, span.start, span.end, label=_LABEL, span_id=ACTOR_PREFIX + span.id_)
            )
    return out


def _listed_after_gemeenten(doc: Doc, places: list[Span]) -> set[tuple[int, int]]:
    """'de gemeenten X, Y en Z gaan ...': municipalities named as the members of a group that
    acts (not after 'in de gemeenten')."""
    by_start = {s.start: s for s in places}
    out: set[tuple[int, int]] = set()
    for tok in doc:
        if tok.lower_ != "gemeenten" or _locative_before(doc, tok.i):
            continue
        i = tok.i + 1
        found = []
        while i in by_start:
            found.append(by_start[i])
            i = by_start[i].end
            if i < len(doc) and doc[i].text == "," or (i < len(doc) and doc[i].lower_ == "en"):
                i += 1
        if len(found) >= 2:
            out.update((s.start, s.end) for s in found)
    return out


@Language.factory(
    "bg_municipal_actors", default_config={"spans_key": "bg_rules"}, assigns=["doc.spans"]
)
def make_municipal_actors(nlp: Language, name: str, spans_key: str):
    """``spans_key``: the span group with the gazetteer's places, where the actors go too."""

    def component(doc: Doc) -> Doc:
        doc.spans[spans_key] = list(doc.spans.get(spans_key, [])) + municipal_actors(doc, spans_key)
        return doc

    return component
