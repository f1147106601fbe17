"""Statements derived at build time from a document's own relations.

Counting partner pairs over all documents is a self-join of `bg:involves` with itself, the
slowest thing a researcher asks of the store (docs/performance.md). Each document already knows
its pairs when it is built, so it states them once: one `bg:CoInvolvement` per pair of
partners named together in its activities, with the count and the activities it rests on.
Derived from the same graph in the same transaction, they can never disagree with it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from itertools import combinations

from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF

from beleidsgraaf.namespaces import BG

__all__ = ["co_involvement_iri", "co_involvement_triples"]

Triple = tuple[URIRef, URIRef, URIRef | Literal]


def co_involvement_iri(document: URIRef, first: URIRef, second: URIRef) -> URIRef:
    """One node per document and pair; the hash keeps the IRI short and stable."""
    key = hashlib.sha1(f"{first} {second}".encode()).hexdigest()[:16]
    return URIRef(f"{document}#co-involvement-{key}")


def co_involvement_triples(document: URIRef, statements: Iterable[Triple]) -> list[Triple]:
    """The pairs in a document's `bg:involves` statements (a Graph or any triples).

    The two partners of a pair are stated in the order of their IRIs (bg:firstPartner,
    bg:secondPartner), so the same pair is always one node with the same two roles, and a
    query can group pairs without comparing strings."""
    partners_of: dict[URIRef, set[URIRef]] = {}
    for activity, predicate, partner in statements:
        if predicate == BG.involves:
            partners_of.setdefault(activity, set()).add(partner)
    activities: dict[tuple[URIRef, URIRef], set[URIRef]] = {}
    for activity, partners in partners_of.items():
        for pair in combinations(sorted(partners, key=str), 2):
            activities.setdefault(pair, set()).add(activity)
    triples: list[Triple] = []
    for (first, second), acts in sorted(activities.items()):
        node = co_involvement_iri(document, first, second)
        triples += [
            (node, RDF.type, BG.CoInvolvement),
            (node, BG.firstPartner, first),
            (node, BG.secondPartner, second),
            (node, BG.activityCount, Literal(len(acts))),
        ]
        triples += [(node, PROV.wasDerivedFrom, act) for act in sorted(acts)]
    return triples
