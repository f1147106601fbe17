"""Serialise the store for harvesting: RDF formats through rdflib's own serialisers."""

from __future__ import annotations

from rdflib import Dataset, Graph

__all__ = ["RDF_FORMATS", "FORMAT_SUFFIX", "serialize"]

# CLI name -> rdflib serializer name
RDF_FORMATS = {
    "turtle": "turtle",
    "trig": "trig",
    "nt": "nt",
    "nq": "nquads",
    "jsonld": "json-ld",
}
FORMAT_SUFFIX = {"turtle": ".ttl", "trig": ".trig", "nt": ".nt", "nq": ".nq", "jsonld": ".jsonld"}
_QUAD_FORMATS = {"trig", "nquads"}


def union_graph(ds: Dataset) -> Graph:
    """All documents' triples in one graph (for formats without named graphs)."""
    g = Graph()
    for prefix, ns in ds.namespaces():
        g.bind(prefix, ns, override=False)
    for s, p, o, _ in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    return g


def serialize(ds: Dataset, fmt: str) -> str:
    """The store as text in `fmt` (one of RDF_FORMATS)."""
    name = RDF_FORMATS[fmt]
    if name in _QUAD_FORMATS:
        return ds.serialize(format=name)
    return union_graph(ds).serialize(format=name)
