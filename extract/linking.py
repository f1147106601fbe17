"""Links to national identifiers: TOOI for municipalities, BWB and Wikidata for laws and bodies.

The identifiers are facts kept in ontology/*.csv (each row says where it was verified); this
module only reads those tables and turns them into triples. Nothing here guesses: a name that is
not in a table gets no link.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, OWL, RDF, SKOS

from beleidsgraaf.namespaces import BG, BWB, TOOI, WD

__all__ = [
    "Identified",
    "read_table",
    "gemeenten",
    "provincies",
    "municipality_slugs",
    "municipality_code",
    "municipality_iri",
    "municipality_triples",
    "law_ids",
    "organisation_ids",
    "entity_links",
]

Triple = tuple[URIRef, URIRef, URIRef | Literal]


@dataclass(frozen=True)
class Identified:
    """One row of laws.csv or organisations.csv: a preferred name, other names, external IRIs."""

    label: str
    aliases: tuple[str, ...]
    same_as: tuple[URIRef, ...]
    note: str = ""


def read_table(name: str) -> list[dict[str, str]]:
    """The rows of ontology/<name> (a CSV file shipped in the package)."""
    text = files("beleidsgraaf.ontology").joinpath(name).read_text(encoding="utf-8")
    return [
        {k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(text.splitlines())
    ]


def _fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key: "'s-Hertogenbosch" -> 's hertogenbosch'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.findall(r"[a-z0-9]+", ascii_text.lower()))


# --- municipalities and provinces -----------------------------------------------------------


@cache
def gemeenten() -> dict[str, str]:
    """CBS municipality code ('gm0307') -> official CBS name ('Amersfoort')."""
    return {row["code"]: row["name"] for row in read_table("gemeenten.csv")}


@cache
def provincies() -> dict[str, str]:
    """CBS province code ('pv26') -> name ('Utrecht')."""
    return {row["code"]: row["name"] for row in read_table("provincies.csv")}


@cache
def _municipality_index() -> dict[str, str]:
    """Folded name or alias -> code; a folded form shared by two municipalities is left out."""
    index: dict[str, set[str]] = {}
    for row in read_table("gemeenten.csv"):
        names = [row["name"], *filter(None, row.get("aliases", "").split("|"))]
        for name in names:
            index.setdefault(_fold(name), set()).add(row["code"])
    return {key: next(iter(codes)) for key, codes in index.items() if len(codes) == 1}


@cache
def municipality_slugs() -> dict[str, str]:
    """File-name key -> official name, the `known` table of metadata.municipality_from_name.

    Keys are written the way that function splits a file name: lower case, words joined by
    '-' ('amersfoort', 's-hertogenbosch', 'den-haag', 'bergen-nh', 'sudwest-fryslan').
    """
    names = gemeenten()
    out = {key.replace(" ", "-"): names[code] for key, code in _municipality_index().items()}
    for name in names.values():  # also as written, with accents and apostrophes: "'s-hertogenbosch"
        key = "-".join(w for w in re.split(r"[-_ .]+", name.lower()) if w)
        if re.fullmatch(r"[\w'-]+", key) and municipality_code(name):
            out.setdefault(key, name)
    out.pop("", None)
    return out


def municipality_code(name: str | None) -> str | None:
    """The CBS code of a municipality named as in the national table (or a listed alias)."""
    if not name:
        return None
    folded = _fold(re.sub(r"^\s*gemeente\s+", "", name, flags=re.IGNORECASE))
    return _municipality_index().get(folded)


def municipality_iri(name: str | None) -> URIRef | None:
    """The TOOI IRI of the municipality (https://identifier.overheid.nl/tooi/id/gemeente/gmNNNN)."""
    code = municipality_code(name)
    return TOOI[f"gemeente/{code}"] if code else None


def municipality_triples(document: URIRef, name: str | None) -> list[Triple]:
    """The document was published by, and is about, its municipality (TOOI IRI)."""
    iri = municipality_iri(name)
    if iri is None:
        return []
    code = str(iri).rsplit("/", 1)[-1]
    return [
        (document, DCTERMS.publisher, iri),
        (document, DCTERMS.spatial, iri),
        (iri, RDF.type, ORG.Organization),
        (iri, RDF.type, DCTERMS.Location),
        (iri, SKOS.prefLabel, Literal(f"gemeente {gemeenten()[code]}", lang="nl")),
        (iri, DCTERMS.identifier, Literal(code)),
    ]


# --- laws and national organisations --------------------------------------------------------


def _identified(rows: Iterable[dict[str, str]], iris) -> list[Identified]:
    return [
        Identified(
            label=row["label"],
            aliases=tuple(a for a in row.get("aliases", "").split("|") if a),
            same_as=tuple(iris(row)),
            note=row.get("note", ""),
        )
        for row in rows
    ]


def _law_iris(row: dict[str, str]) -> Iterable[URIRef]:
    if row.get("bwb_id"):
        yield BWB[row["bwb_id"]]
    if row.get("wikidata_id"):
        yield WD[row["wikidata_id"]]


def _organisation_iris(row: dict[str, str]) -> Iterable[URIRef]:
    if row.get("wikidata_id"):
        yield WD[row["wikidata_id"]]
    if row.get("other_id"):
        yield URIRef(row["other_id"])


@cache
def laws() -> tuple[Identified, ...]:
    """The rows of ontology/laws.csv."""
    return tuple(_identified(read_table("laws.csv"), _law_iris))


@cache
def organisations() -> tuple[Identified, ...]:
    """The rows of ontology/organisations.csv (national bodies only)."""
    return tuple(_identified(read_table("organisations.csv"), _organisation_iris))


def _by_name(records: Iterable[Identified]) -> dict[str, tuple[URIRef, ...]]:
    out: dict[str, tuple[URIRef, ...]] = {}
    for record in records:
        if not record.same_as:
            continue
        for name in (record.label, *record.aliases):
            out.setdefault(_fold(name), record.same_as)
    return out


@cache
def law_ids() -> dict[str, tuple[URIRef, ...]]:
    """Folded law name or alias -> its external IRIs (BWB on wetten.overheid.nl, Wikidata)."""
    return _by_name(laws())


@cache
def organisation_ids() -> dict[str, tuple[URIRef, ...]]:
    """Folded organisation name or alias -> its external IRIs (Wikidata, TOOI)."""
    return _by_name(organisations())


def _lookup(table: dict[str, tuple[URIRef, ...]], graph: Graph, node: URIRef) -> set[URIRef]:
    """IRIs for the node's preferred label; its other labels only when they agree on one law."""
    for label in graph.objects(node, SKOS.prefLabel):
        found = table.get(_fold(str(label)))
        if found:
            return set(found)
    candidates = {table.get(_fold(str(label))) for label in graph.objects(node, SKOS.altLabel)}
    candidates.discard(None)
    return set(next(iter(candidates))) if len(candidates) == 1 else set()


def entity_links(graph: Graph) -> list[Triple]:
    """owl:sameAs from every bg:Law / bg:Organisation node whose name is in the tables."""
    out: list[Triple] = []
    for kind, table in ((BG.Law, law_ids()), (BG.Organisation, organisation_ids())):
        for node in sorted(set(graph.subjects(RDF.type, kind))):
            if isinstance(node, URIRef):
                out.extend((node, OWL.sameAs, iri) for iri in sorted(_lookup(table, graph, node)))
    return out
