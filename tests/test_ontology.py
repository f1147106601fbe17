"""ontology/beleidsgraaf.ttl is a real OWL ontology, and BG in namespaces.py mirrors it."""

from __future__ import annotations

from importlib.resources import files

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from beleidsgraaf.namespaces import BG

ONTOLOGY = URIRef("https://w3id.org/beleidsgraaf/def")
KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    text = files("beleidsgraaf.ontology").joinpath("beleidsgraaf.ttl").read_text("utf-8")
    return Graph().parse(data=text, format="turtle")


def _defined(g: Graph) -> set[str]:
    ns = str(BG._NS)
    return {
        str(s)[len(ns) :]
        for kind in KINDS
        for s in g.subjects(RDF.type, kind)
        if isinstance(s, URIRef) and str(s).startswith(ns)
    }


def _in_code() -> set[str]:
    return {name for name in BG.__annotations__ if not name.startswith("_")}


def test_bg_and_ttl_define_the_same_terms(ontology):
    in_ttl, in_code = _defined(ontology), _in_code()
    assert in_ttl - in_code == set(), "terms in the .ttl missing from BG"
    assert in_code - in_ttl == set(), "terms in BG missing from the .ttl"


def test_every_bg_term_used_in_the_ttl_is_declared(ontology):
    ns = str(BG._NS)
    used = {
        str(t)[len(ns) :]
        for triple in ontology
        for t in triple
        if isinstance(t, URIRef) and str(t).startswith(ns)
    }
    assert used <= _defined(ontology)


def test_ontology_header(ontology):
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(ONTOLOGY, OWL.versionInfo) is not None
    assert ontology.value(ONTOLOGY, OWL.versionIRI) is not None


@pytest.mark.parametrize("predicate", [RDFS.label, RDFS.comment, SKOS.definition])
def test_every_term_has_dutch_and_english_text(ontology, predicate):
    for name in sorted(_defined(ontology)):
        langs = {o.language for o in ontology.objects(BG[name], predicate)}
        assert {"nl", "en"} <= langs, f"bg:{name} lacks {predicate.n3()} in nl or en"


def test_every_term_is_defined_by_the_ontology(ontology):
    for name in _defined(ontology):
        assert (BG[name], RDFS.isDefinedBy, ONTOLOGY) in ontology, name


def test_reuses_standard_vocabularies(ontology):
    parents = {str(o) for o in ontology.objects(None, RDFS.subClassOf)}
    for ns in (
        "http://www.w3.org/ns/org#",
        "http://www.w3.org/ns/prov#",
        "http://data.europa.eu/eli/ontology#",
        "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#",
        "http://purl.org/dc/terms/",
    ):
        assert any(p.startswith(ns) for p in parents), ns


def test_bg_rejects_unknown_terms():
    with pytest.raises(AttributeError):
        BG.Activty  # noqa: B018 - a typo must fail loudly
