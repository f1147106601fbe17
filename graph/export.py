"""Serialise the store for harvesting: RDF formats, JSON-LD with the published context, CSV tables.

RDF goes through rdflib's own serialisers. JSON-LD is compacted with ontology/context.jsonld (the
context published with the project, short readable keys such as `label`, `partOf`, `involves`),
written inline so the file is self-contained. CSV is for spreadsheet users: four tables
(activities, entities, relations with the words and sentence that justify each relation, and the
budget figures with the cell each was read from).

Literals come out of the store as RDF 1.1 has them ("x" and "x"^^xsd:string are one term); the
exports write them the short way, so what parses back equals the store's graph.
"""

from __future__ import annotations

import csv
import json
from functools import cache
from importlib.resources import files
from pathlib import Path

from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDFS, SKOS, XSD
from rdflib.term import Node

from beleidsgraaf.namespaces import BG, BWB, ELI, ITSRDF, NIF, TOOI, WD, data_base

__all__ = [
    "RDF_FORMATS",
    "FORMAT_SUFFIX",
    "EXPORT_FORMATS",
    "CSV_TABLES",
    "PREFIXES",
    "bind_prefixes",
    "document_path",
    "memory_dataset",
    "union_graph",
    "jsonld_context",
    "serialize",
    "csv_tables",
    "write_csv",
]

# CLI name -> rdflib serializer name
RDF_FORMATS = {
    "turtle": "turtle",
    "trig": "trig",
    "nt": "nt",
    "nq": "nquads",
    "jsonld": "json-ld",
}
FORMAT_SUFFIX = {"turtle": ".ttl", "trig": ".trig", "nt": ".nt", "nq": ".nq", "jsonld": ".jsonld"}
EXPORT_FORMATS = [*RDF_FORMATS, "csv"]
_QUAD_FORMATS = {"trig", "nquads", "json-ld"}

PREFIXES: dict[str, Namespace] = {
    "bg": BG._NS,
    "skos": Namespace(str(SKOS)),
    "dcterms": Namespace(str(DCTERMS)),
    "rdfs": Namespace(str(RDFS)),
    "owl": Namespace(str(OWL)),
    "xsd": Namespace(str(XSD)),
    "prov": Namespace(str(PROV)),
    "org": Namespace(str(ORG)),
    "nif": NIF,
    "itsrdf": ITSRDF,
    "eli": ELI,
    "tooi": TOOI,
    "bwb": BWB,
    "wd": WD,
    "taakveld": Namespace("https://w3id.org/beleidsgraaf/taakveld/"),
}


def bind_prefixes(graph: Graph) -> Graph:
    """The project's prefixes (the store does not keep them)."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
    return graph


def _plain(term: Node) -> Node:
    """ "x"^^xsd:string -> "x": the same RDF 1.1 term, written the short way."""
    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term))
    return term


def document_path(document: URIRef) -> str:
    """Where a document's own files go, below the published folder: its IRI after the data
    base (`amersfoort/amersfoort-programmabegroting-2021-programma-2`)."""
    path = str(document).removeprefix(data_base())
    if "://" in path:  # an IRI under another base: its last two path segments
        path = "/".join(path.rstrip("/").split("/")[-2:])
    return path


def memory_dataset(ds: Dataset, document: URIRef | None = None) -> Dataset:
    """The store's named graphs (or one document's) copied into memory (for serialisers that
    walk graphs)."""
    out = Dataset()
    bind_prefixes(out)
    if document is None:
        quads = ds.quads((None, None, None, None))
    else:
        # a view on the named graph (ds.graph() would create it: no good on a read-only store)
        quads = ((s, p, o, document) for s, p, o in Graph(ds.store, identifier=document))
    for s, p, o, g in quads:
        name = getattr(g, "identifier", g)
        if name is None:
            name = DATASET_DEFAULT_GRAPH_ID
        out.graph(name).add((s, p, _plain(o)))
    return out


def union_graph(ds: Dataset) -> Graph:
    """All documents' triples in one graph (for formats without named graphs)."""
    g = bind_prefixes(Graph())
    for s, p, o, _ in ds.quads((None, None, None, None)):
        g.add((s, p, _plain(o)))
    return g


@cache
def _context_text() -> str:
    return files("beleidsgraaf.ontology").joinpath("context.jsonld").read_text("utf-8")


def jsonld_context() -> dict:
    """The published JSON-LD @context (ontology/context.jsonld), as a dict."""
    return json.loads(_context_text())["@context"]


def serialize(ds: Dataset, fmt: str, document: URIRef | None = None) -> str:
    """The store (or one document's named graph) as text in `fmt` (one of RDF_FORMATS)."""
    name = RDF_FORMATS[fmt]
    if document is not None:
        ds = memory_dataset(ds, document)
    if name == "json-ld":
        return memory_dataset(ds).serialize(
            format="json-ld", context=jsonld_context(), auto_compact=True
        )
    if name in _QUAD_FORMATS:
        return memory_dataset(ds).serialize(format=name)
    return union_graph(ds).serialize(format=name)


# --- CSV tables ------------------------------------------------------------------------------

_PREFIX_LINES = "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items()) + "\n"

_ACTIVITIES = (
    _PREFIX_LINES
    + """
SELECT ?document ?activity ?notation ?section ?section_title ?goal ?text
WHERE {
  GRAPH ?document {
    ?activity a bg:Activity ; rdfs:label ?text .
    OPTIONAL { ?activity skos:notation ?notation }
    OPTIONAL { ?activity bg:position ?position }
    OPTIONAL { ?activity dcterms:isPartOf ?s . ?s a bg:Section ; skos:notation ?section ;
               rdfs:label ?section_title }
    OPTIONAL { ?activity bg:contributesTo ?g . ?g skos:notation ?goal_notation .
               OPTIONAL { ?g rdfs:label ?goal_label }
               BIND (CONCAT(STR(?goal_notation), " ", COALESCE(STR(?goal_label), "")) AS ?goal) }
  }
}
ORDER BY ?document ?position ?activity ?goal
"""
)

_ENTITIES = (
    _PREFIX_LINES
    + """
SELECT ?entity ?type ?label ?alt_labels ?same_as ?mention
WHERE {
  VALUES ?type { bg:Organisation bg:Law bg:Place bg:Instrument bg:ActorGroup }
  GRAPH ?document {
    ?entity a ?type ; skos:prefLabel ?label .
    OPTIONAL { ?entity skos:altLabel ?alt_labels }
    OPTIONAL { ?entity owl:sameAs ?same_as }
    OPTIONAL { ?mention itsrdf:taIdentRef ?entity }
  }
}
ORDER BY ?type ?label ?entity
"""
)

_RELATIONS = (
    _PREFIX_LINES
    + """
SELECT ?document ?activity ?activity_notation ?relation ?entity ?entity_type ?entity_label
       ?mention_text ?sentence ?begin ?end
WHERE {
  VALUES ?relation { bg:involves bg:concernsLaw bg:usesInstrument bg:concernsPlace }
  VALUES ?entity_type { bg:Organisation bg:Law bg:Place bg:Instrument bg:ActorGroup }
  GRAPH ?document {
    ?activity ?relation ?entity .
    ?entity a ?entity_type ; skos:prefLabel ?entity_label .
    OPTIONAL { ?activity skos:notation ?activity_notation }
    OPTIONAL {
      ?mention itsrdf:taIdentRef ?entity ; bg:mentionedIn ?activity ;
               nif:anchorOf ?mention_text ; nif:beginIndex ?begin ; nif:endIndex ?end .
      OPTIONAL { ?mention nif:sentence ?s . ?s nif:anchorOf ?sentence }
    }
  }
}
ORDER BY ?document ?activity ?relation ?entity ?begin
"""
)

_FIGURES = (
    _PREFIX_LINES
    + """
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX figures: <https://w3id.org/beleidsgraaf/figures#>
SELECT ?document ?municipality ?table ?section ?section_title ?task_field ?task_field_name
       ?year ?kind ?measure ?euros ?scale ?cell ?begin ?end ?observation
WHERE {
  GRAPH ?document {
    ?observation a qb:Observation ; qb:dataSet ?table ; bg:refSection ?s ;
                 bg:refTaskField ?field ; bg:refYear ?refYear ; bg:figureKind ?kindNode ;
                 qb:measureType ?measureNode ; ?measureNode ?euros ;
                 prov:wasDerivedFrom ?span .
    ?table bg:scale ?scale .
    ?kindNode skos:notation ?kind .
    ?span nif:anchorOf ?cell ; nif:beginIndex ?begin ; nif:endIndex ?end .
    OPTIONAL { ?document bg:municipality ?municipality }
    OPTIONAL { ?s skos:notation ?section }
    OPTIONAL { ?s rdfs:label ?section_title }
    OPTIONAL { FILTER(?field != figures:noTaskField)
               ?field skos:notation ?task_field . OPTIONAL { ?field skos:prefLabel ?task_field_name } }
  }
  BIND (STR(?refYear) AS ?year)
  BIND (STRAFTER(STR(?measureNode), STR(bg:)) AS ?measure)
}
ORDER BY ?document ?table ?begin
"""
)

CSV_TABLES = {
    "activities": _ACTIVITIES,
    "entities": _ENTITIES,
    "relations": _RELATIONS,
    "figures": _FIGURES,  # one row per budget figure (extract/figures/), with its cell
}
# Columns whose values are joined with " | " when a row has several; `mention` is counted.
_JOINED = {"activities": ("goal",), "entities": ("alt_labels", "same_as")}
_RENAMED = {"goal": "goals", "mention": "mentions"}


def _cell(value: Node | None) -> str:
    if value is None:
        return ""
    text = str(value)
    if not isinstance(value, Literal) and text.startswith(str(BG._NS)):
        return text[len(str(BG._NS)) :]  # bg:involves -> involves, bg:Law -> Law
    return text


def _grouped(name: str, header: list[str], rows: list[list[str]]) -> list[list[str]]:
    """One row per activity / entity: several goals, labels or IRIs joined with ' | '."""
    joined = [header.index(c) for c in _JOINED.get(name, ())]
    counted = [header.index(c) for c in ("mention",) if c in header]
    if not joined and not counted:
        return rows
    keep = [i for i in range(len(header)) if i not in joined and i not in counted]
    groups: dict[tuple[str, ...], list[list[str]]] = {}
    for row in rows:
        groups.setdefault(tuple(row[i] for i in keep), []).append(row)
    out = []
    for key, members in groups.items():
        row = dict(zip(keep, key, strict=True))
        for i in joined:
            row[i] = " | ".join(sorted({m[i] for m in members if m[i]}))
        for i in counted:
            row[i] = str(len({m[i] for m in members if m[i]}))
        out.append([row[i] for i in range(len(header))])
    return out


def csv_tables(ds: Dataset) -> dict[str, tuple[list[str], list[list[str]]]]:
    """Table name -> (header, rows) for the CSV tables."""
    out = {}
    for name, query in CSV_TABLES.items():
        result = ds.query(query)
        header = [str(v) for v in result.vars]
        rows = [[_cell(row[v]) for v in result.vars] for row in result]
        out[name] = ([_RENAMED.get(h, h) for h in header], _grouped(name, header, rows))
    return out


def write_csv(ds: Dataset, folder: str | Path, document: URIRef | None = None) -> list[Path]:
    """Write activities.csv, entities.csv, relations.csv and figures.csv of the store (or one
    document) into `folder` (UTF-8, with header)."""
    if document is not None:
        ds = memory_dataset(ds, document)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (header, rows) in csv_tables(ds).items():
        path = folder / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            writer.writerows(rows)
        written.append(path)
    return written
