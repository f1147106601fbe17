"""The figures of a document as RDF Data Cube triples (structure: ontology/figures.ttl).

One qb:DataSet per table read, one qb:Observation per figure, each with its five dimensions
(bg:refSection, bg:refTaskField, bg:refYear, bg:figureKind, qb:measureType), its one measure
(bg:lasten, bg:baten or bg:saldo, in euros, xsd:decimal) and prov:wasDerivedFrom the cell: a
nif:OffsetBasedString with the same shape and IRI scheme as the spans of mentions
(extract/triples.py), so that its nif:anchorOf is the cell's text at its offsets.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from importlib.resources import files

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, QB, RDF, RDFS, SKOS, XSD

from beleidsgraaf.namespaces import BG, FIG, NIF

from ..iris import item_iri, mention_iri
from ..taakvelden import SCHEME, scheme_graph, taakveld_iri
from .reading import KIND_NOT_STATED, Figure, Reading, Table

__all__ = ["structure_triples", "reading_triples", "table_iri", "observation_iri", "KIND_IRI"]

Triple = tuple[URIRef, URIRef, URIRef | Literal]

KIND_IRI = {
    "begroting": FIG.begroting,
    "begrotingNaWijziging": FIG.begrotingNaWijziging,
    "realisatie": FIG.realisatie,
    "raming": FIG.raming,
    KIND_NOT_STATED: FIG.kindNotStated,
}
MEASURE_IRI = {"lasten": BG.lasten, "baten": BG.baten, "saldo": BG.saldo}


@cache
def structure_triples() -> tuple[Triple, ...]:
    """The data structure definition and code lists (ontology/figures.ttl)."""
    text = files("beleidsgraaf.ontology").joinpath("figures.ttl").read_text("utf-8")
    return tuple(Graph().parse(data=text, format="turtle"))


def table_iri(document: URIRef, table: Table) -> URIRef:
    return item_iri(document, f"tabel/{table.number}")


def observation_iri(document: URIRef, table: Table, figure: Figure) -> URIRef:
    return item_iri(document, f"tabel/{table.number}/{figure.row}.{figure.column}")


def _decimal(value: Decimal) -> Literal:
    if value == value.to_integral_value():
        value = value.quantize(Decimal(1))
    return Literal(format(value, "f"), datatype=XSD.decimal)


def _span(document: URIRef, context: URIRef, text: str, start: int, end: int) -> list[Triple]:
    node = mention_iri(document, start, end)
    return [
        (node, RDF.type, NIF.OffsetBasedString),
        (node, NIF.beginIndex, Literal(start, datatype=XSD.nonNegativeInteger)),
        (node, NIF.endIndex, Literal(end, datatype=XSD.nonNegativeInteger)),
        (node, NIF.anchorOf, Literal(text[start:end])),
        (node, NIF.referenceContext, context),
    ]


def _concept(code: str) -> list[Triple]:
    """A task field concept with what a graph needs to show it on its own."""
    concept = taakveld_iri(code)
    g = scheme_graph()
    out: list[Triple] = [
        (concept, RDF.type, SKOS.Concept),
        (concept, SKOS.inScheme, SCHEME),
        (concept, SKOS.notation, Literal(code)),
    ]
    out += [(concept, SKOS.prefLabel, label) for label in g.objects(concept, SKOS.prefLabel)]
    out += [(concept, SKOS.broader, broader) for broader in g.objects(concept, SKOS.broader)]
    return out


def reading_triples(document: URIRef, text: str, reading: Reading) -> list[Triple]:
    """The triples of every table read; none (not even the structure) when none was read."""
    tables = [t for t in reading.tables if t.read]
    if not tables:
        return []
    context = mention_iri(document, 0, len(text))
    out: list[Triple] = list(structure_triples())
    concepts: set[str] = set()
    for table in tables:
        ds = table_iri(document, table)
        section = item_iri(document, table.section.key) if table.section else document
        title = table.section.title if table.section else "document"
        out += [
            (ds, RDF.type, QB.DataSet),
            (ds, QB.structure, FIG.structure),
            (ds, RDFS.label, Literal(f"{title}: tabel {table.number}", lang="nl")),
            (ds, DCTERMS.isPartOf, section),
            (ds, BG.scale, Literal(table.scale, datatype=XSD.integer)),
            (ds, PROV.wasDerivedFrom, mention_iri(document, table.start, table.end)),
        ]
        out += _span(document, context, text, table.start, table.end)
        if table.sign:
            out.append((ds, BG.signNote, Literal(table.sign)))
        for f in table.figures:
            obs = observation_iri(document, table, f)
            where = item_iri(document, f.section.key) if f.section else document
            field = taakveld_iri(f.task_field) if f.task_field else FIG.noTaskField
            if f.task_field:
                concepts.add(f.task_field)
            out += [
                (obs, RDF.type, QB.Observation),
                (obs, QB.dataSet, ds),
                (obs, BG.refSection, where),
                (obs, BG.refTaskField, field),
                (obs, BG.refYear, Literal(str(f.year), datatype=XSD.gYear)),
                (obs, BG.figureKind, KIND_IRI[f.kind]),
                (obs, QB.measureType, MEASURE_IRI[f.measure]),
                (obs, MEASURE_IRI[f.measure], _decimal(f.value)),
                (obs, PROV.wasDerivedFrom, mention_iri(document, f.cell.start, f.cell.end)),
            ]
            out += _span(document, context, text, f.cell.start, f.cell.end)
    for code in sorted(concepts):
        out += _concept(code)
    return out
