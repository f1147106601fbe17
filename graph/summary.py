"""Short numbers about what the store holds: counts per class and the busiest partners."""

from __future__ import annotations

from rdflib import Dataset

__all__ = ["class_counts", "top_partners"]

_PREFIX = "PREFIX bg: <https://w3id.org/beleidsgraaf/def#>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"


def class_counts(ds: Dataset) -> dict[str, int]:
    rows = ds.query(
        _PREFIX + "SELECT ?c (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?c "
        "FILTER(STRSTARTS(STR(?c), STR(bg:))) } GROUP BY ?c ORDER BY ?c"
    )
    return {str(r[0]).rsplit("#", 1)[1]: int(r[1]) for r in rows}


def top_partners(ds: Dataset, limit: int = 10) -> list[tuple[str, str, int]]:
    """(name, kind, number of activities) for organisations and actor groups."""
    rows = ds.query(
        _PREFIX + "SELECT ?name ?kind (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a bg:involves ?e . "
        "?e a ?kind ; skos:prefLabel ?name . VALUES ?kind { bg:Organisation bg:ActorGroup } } "
        f"GROUP BY ?name ?kind ORDER BY DESC(?n) ?name LIMIT {int(limit)}"
    )
    return [(str(r[0]), str(r[1]).rsplit("#", 1)[1], int(r[2])) for r in rows]
