"""Statements derived at build time (extract/derived.py): partner pairs per document."""

from __future__ import annotations

from pathlib import Path

import pytest
from beleidsgraaf.extract.derived import co_involvement_iri, co_involvement_triples
from beleidsgraaf.extract.reader import read_document
from beleidsgraaf.graph.validate import validate_graph
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, SKOS

from beleidsgraaf.namespaces import BG
from beleidsgraaf.pipeline import document_meta, extract

DOC = URIRef("https://example.org/id/gemeente/begroting")
A1, A2, A3 = (URIRef(f"{DOC}/a/{i}") for i in (1, 2, 3))
ORG_B, ORG_A, GROUP = (
    URIRef("https://example.org/id/org/b"),
    URIRef("https://example.org/id/org/a"),
    URIRef("https://example.org/id/actorgroup/scholen"),
)


def _involves(partners_of: dict) -> list:
    """Activity -> partners as bg:involves statements, with one that is not (ignored)."""
    triples = [(act, BG.involves, p) for act, ps in partners_of.items() for p in ps]
    return triples + [(A1, BG.concernsLaw, URIRef("https://example.org/id/law/x"))]


def _graph(triples) -> Graph:
    g = Graph()
    for t in triples:
        g.add(t)
    return g


def test_one_node_per_pair_with_count_and_activities():
    g = _graph(
        co_involvement_triples(DOC, _involves({A1: [ORG_B, ORG_A], A2: [ORG_A, ORG_B, GROUP]}))
    )
    pairs = {
        (g.value(n, BG.firstPartner), g.value(n, BG.secondPartner)): n
        for n in g.subjects(RDF.type, BG.CoInvolvement)
    }
    # first/second follow IRI order, whatever order the activity named them in
    assert set(pairs) == {(ORG_A, ORG_B), (GROUP, ORG_A), (GROUP, ORG_B)}
    both = pairs[(ORG_A, ORG_B)]
    assert both == co_involvement_iri(DOC, ORG_A, ORG_B)
    assert g.value(both, BG.activityCount) == Literal(2)
    assert set(g.objects(both, PROV.wasDerivedFrom)) == {A1, A2}
    assert g.value(pairs[(GROUP, ORG_A)], BG.activityCount) == Literal(1)


def test_single_partners_and_repeats_make_no_pair():
    assert co_involvement_triples(DOC, _involves({A1: [ORG_A], A2: [ORG_B, ORG_B], A3: []})) == []


def test_nodes_belong_to_their_document():
    other = URIRef("https://example.org/id/andere-gemeente/begroting")
    assert co_involvement_iri(DOC, ORG_A, ORG_B) != co_involvement_iri(other, ORG_A, ORG_B)
    assert str(co_involvement_iri(DOC, ORG_A, ORG_B)).startswith(f"{DOC}#")


def test_shapes_reject_a_broken_co_involvement():
    g = _graph(co_involvement_triples(DOC, _involves({A1: [ORG_A, ORG_B]})))
    for node, kind in ((ORG_A, BG.Organisation), (ORG_B, BG.Organisation), (A1, BG.Activity)):
        g.add((node, RDF.type, kind))
    g.add((ORG_A, SKOS.prefLabel, Literal("A", lang="nl")))
    g.add((ORG_B, SKOS.prefLabel, Literal("B", lang="nl")))
    bad = URIRef(f"{DOC}#co-involvement-broken")
    g.add((bad, RDF.type, BG.CoInvolvement))
    g.add((bad, BG.firstPartner, ORG_A))
    g.add((bad, BG.secondPartner, ORG_A))
    g.add((bad, BG.activityCount, Literal(0)))
    results = [r for r in validate_graph(g).violations if "co-involvement" in r.message]
    assert {r.focus for r in results} == {bad.n3()}
    text = " ".join(r.message for r in results)
    assert "different" in text and "at least 1" in text and "prov:wasDerivedFrom" in text


@pytest.fixture(scope="module")
def built(sample_path: Path) -> Graph:
    source = read_document(sample_path)
    graph, _ = extract(source, document_meta(source, None, None), entities=True)
    return graph


def test_built_pairs_agree_with_the_activities(built: Graph):
    """The derived counts equal a self-join of bg:involves on the same graph."""
    joined = {
        (str(a), str(b)): int(n)
        for a, b, n in built.query(
            """SELECT ?a ?b (COUNT(DISTINCT ?act) AS ?n) WHERE {
                 ?act bg:involves ?a, ?b FILTER(STR(?a) < STR(?b)) } GROUP BY ?a ?b""",
            initNs={"bg": BG},
        )
    }
    derived = {
        (str(a), str(b)): int(n)
        for a, b, n in built.query(
            """SELECT ?a ?b ?n WHERE {
                 ?c a bg:CoInvolvement ; bg:firstPartner ?a ; bg:secondPartner ?b ;
                    bg:activityCount ?n }""",
            initNs={"bg": BG},
        )
    }
    assert joined, "the document names no two partners together: pick another test document"
    assert derived == joined
