"""The pages of a site edition in the graph: one bg:Page per page the site reader joined into
the document, with its own address, and the page each section, goal and activity stands on.

A site edition is one bg:Document whose text is its pages one after another
(`SourceText.parts`). A mention's offsets already say where it stands in that text; the page
nodes carry the same offsets (nif:beginIndex / nif:endIndex in the document's context), so
any offset finds its page, and each structure item also names its page by `dcterms:source`.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from beleidsgraaf.namespaces import BG, NIF

from .iris import item_iri
from .readers.base import Part

__all__ = ["page_triples"]

Triple = tuple


def _offset(n: int) -> Literal:
    return Literal(n, datatype=XSD.nonNegativeInteger)


def page_triples(
    doc: URIRef,
    context: URIRef,
    parts: tuple[Part, ...],
    items: Iterable[tuple[URIRef, int]],
) -> Iterator[Triple]:
    """Triples for the pages of a document read from a site, and `dcterms:source` of each
    (node, start offset) in `items` on the page it starts on. Nothing for other documents."""
    if not parts:
        return
    ordered = sorted(parts, key=lambda p: p.start)
    starts = [p.start for p in ordered]
    for n, part in enumerate(ordered, start=1):
        node = item_iri(doc, f"page/{n}")
        yield node, RDF.type, BG.Page
        yield node, DCTERMS.isPartOf, doc
        yield node, DCTERMS.source, URIRef(part.url)
        yield node, NIF.referenceContext, context
        yield node, NIF.beginIndex, _offset(part.start)
        yield node, NIF.endIndex, _offset(part.end)
    for node, start in items:
        i = bisect_right(starts, start) - 1
        if i >= 0 and start < ordered[i].end:
            yield node, DCTERMS.source, URIRef(ordered[i].url)
