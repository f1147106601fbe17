"""The DCAT-AP description: what it says, and that it conforms to the DCAT-AP shapes."""

from __future__ import annotations

from datetime import date
from importlib.resources import files
from pathlib import Path

import pytest
from beleidsgraaf.graph.dcat import DcatError, DcatOptions, dcat_description
from beleidsgraaf.graph.store import opened, replace_graph
from beleidsgraaf.graph.validate import validate_graph
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from beleidsgraaf.namespaces import data_base

AMERSFOORT = URIRef("https://identifier.overheid.nl/tooi/id/gemeente/gm0307")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    text = files("beleidsgraaf.ontology").joinpath("dcat-ap-shapes.ttl").read_text("utf-8")
    return Graph().parse(data=text, format="turtle")


@pytest.fixture(scope="module")
def store(tmp_path_factory, sample_path) -> Path:
    from beleidsgraaf.pipeline import build

    path = tmp_path_factory.mktemp("dcat") / "store"
    [result] = build([sample_path], store=path, entities=False)
    assert result.status == "ok", result.message
    return path


@pytest.fixture(scope="module")
def description(store) -> Graph:
    with opened(store) as ds:
        return dcat_description(
            ds,
            DcatOptions(
                access_url="https://data.example.org/beleidsgraaf/",
                issued=date(2026, 1, 1),
                contact_email="open-data@example.org",
            ),
        )


def _one(g: Graph, kind: URIRef) -> URIRef:
    if kind == DCAT.Dataset:  # the whole graph's dataset; each document has one of its own too
        node = URIRef(f"{data_base()}dataset")
        assert (node, RDF.type, DCAT.Dataset) in g
        return node
    [node] = list(g.subjects(RDF.type, kind))
    return node


def test_publisher_is_the_municipality(description):
    catalog, dataset = _one(description, DCAT.Catalog), _one(description, DCAT.Dataset)
    assert description.value(catalog, DCTERMS.publisher) == AMERSFOORT
    assert description.value(dataset, DCTERMS.publisher) == AMERSFOORT
    assert (AMERSFOORT, RDF.type, FOAF.Agent) in description
    assert "Amersfoort" in str(description.value(AMERSFOORT, FOAF.name))


def test_coverage_licence_and_distributions(description):
    dataset = _one(description, DCAT.Dataset)
    assert description.value(dataset, DCTERMS.spatial) == AMERSFOORT
    period = description.value(dataset, DCTERMS.temporal)
    assert description.value(period, DCAT.startDate) == Literal("2021-01-01", datatype=XSD.date)
    assert description.value(period, DCAT.endDate) == Literal("2021-12-31", datatype=XSD.date)
    distributions = set(description.objects(dataset, DCAT.distribution))
    assert len(distributions) == 4
    formats = {
        str(description.value(d, DCTERMS["format"])).rsplit("/", 1)[-1] for d in distributions
    }
    assert formats == {"RDF_TURTLE", "RDF_TRIG", "JSON_LD", "CSV"}
    for d in distributions:
        assert str(description.value(d, DCAT.accessURL)) == "https://data.example.org/beleidsgraaf/"
        assert str(description.value(d, DCAT.downloadURL)).startswith(
            "https://data.example.org/beleidsgraaf/"
        )
        assert description.value(d, DCTERMS.license) == URIRef(
            "http://publications.europa.eu/resource/authority/licence/CC0"
        )


def test_conforms_to_dcat_ap_shapes(description, shapes):
    report = validate_graph(description, shapes)
    assert report.conforms, report.format()


def test_shapes_catch_a_broken_description(description, shapes):
    broken = Graph()
    for t in description:
        broken.add(t)
    dataset = _one(broken, DCAT.Dataset)
    broken.remove((dataset, DCTERMS.description, None))
    dist = next(broken.objects(dataset, DCAT.distribution))
    broken.remove((dist, DCAT.accessURL, None))
    [part] = broken.subjects(DCTERMS.isPartOf, dataset)
    broken.remove((part, DCTERMS.source, None))
    part_dist = next(broken.objects(part, DCAT.distribution))
    broken.remove((part_dist, DCTERMS.license, None))
    text = validate_graph(broken, shapes).format(examples=10)
    assert "dcat:Dataset: dcterms:description is mandatory" in text
    assert "dcat:Distribution: dcat:accessURL is mandatory" in text
    assert "a document's dataset has one dcterms:source, a bg:SourceDocument" in text
    assert "dcat:Distribution: one dcterms:license" in text


def test_two_municipalities_need_an_explicit_publisher(store, tmp_path):
    path = tmp_path / "two"
    other = Graph(identifier=URIRef("https://w3id.org/beleidsgraaf/id/utrecht/nota"))
    doc = URIRef(str(other.identifier))
    utrecht = URIRef("https://identifier.overheid.nl/tooi/id/gemeente/gm0344")
    other.add((doc, RDF.type, URIRef("https://w3id.org/beleidsgraaf/def#Document")))
    other.add((doc, DCTERMS.publisher, utrecht))
    with opened(store) as ds, opened(path) as two:
        for s, p, o, g in ds.quads((None, None, None, None)):
            two.graph(g.identifier if hasattr(g, "identifier") else g).add((s, p, o))
        replace_graph(two, other)
        with pytest.raises(DcatError, match="2 publishers"):
            dcat_description(two)
        chosen = dcat_description(two, DcatOptions(publisher=str(utrecht)))
        assert chosen.value(_one(chosen, DCAT.Catalog), DCTERMS.publisher) == utrecht


def test_cli_writes_dcat(store, run_cli, tmp_path, shapes):
    out = tmp_path / "dcat.ttl"
    result = run_cli(
        "export", "--store", store, "--dcat", out, "--licence", "CC_BY_4_0", "--distributions", "nq"
    )
    assert result.code == 0, result.err
    g = Graph().parse(out, format="turtle")
    [dist] = g.objects(_one(g, DCAT.Dataset), DCAT.distribution)
    assert str(g.value(dist, DCTERMS.license)).endswith("/licence/CC_BY_4_0")
    # one title, the one CKAN's licence register has, so the harvester finds the licence
    assert list(g.objects(g.value(dist, DCTERMS.license), DCTERMS.title)) == [
        Literal("Creative Commons Attribution", lang="en")
    ]
    assert validate_graph(g, shapes).conforms
    bad = run_cli("export", "--store", store, "--dcat", out, "--distributions", "xls")
    assert bad.code == 2 and "unknown format" in bad.err
