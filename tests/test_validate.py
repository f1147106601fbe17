"""SHACL validation: the sample conforms, broken graphs fail with readable messages."""

from __future__ import annotations

from pathlib import Path

import pytest
from beleidsgraaf.extract.reader import read_document
from beleidsgraaf.graph.validate import Report, validate, validate_graph
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from beleidsgraaf.namespaces import BG, NIF, data_base
from beleidsgraaf.pipeline import document_meta, extract

NON_NEGATIVE = URIRef("http://www.w3.org/2001/XMLSchema#nonNegativeInteger")


def _graph(path: Path) -> Graph:
    source = read_document(path)
    graph, _ = extract(source, document_meta(source, None, None), entities=False)
    return graph


@pytest.fixture(scope="module")
def sample_graph(sample_path: Path) -> Graph:
    """The sample's graph as `build --no-entities` makes it (in memory, no store), with the
    task fields of its mapping file."""
    from beleidsgraaf.extract.taakvelden import mapping_for, taakveld_triples

    graph = _graph(sample_path)
    graph += taakveld_triples(graph, mapping_for(sample_path))
    return graph


@pytest.fixture(scope="module")
def sample_report(sample_graph: Graph) -> Report:
    return validate_graph(sample_graph)


@pytest.fixture(scope="module")
def small_graph(repo_root: Path) -> Graph:
    """A small structured document: each pyshacl run costs about a second, so the broken
    cases are built on this one instead of the sample."""
    return _graph(repo_root / "tests" / "data" / "lindeloo-programmabegroting-2022.txt")


def _copy(graph: Graph) -> Graph:
    out = Graph(identifier=graph.identifier)
    for t in graph:
        out.add(t)
    return out


def _messages(report: Report) -> str:
    return report.format(examples=50)


def test_sample_conforms(sample_graph, sample_report):
    assert sample_report.conforms, sample_report.format()
    assert sample_report.violations == []
    assert list(sample_graph.objects(None, URIRef("http://purl.org/dc/terms/subject")))


def test_sample_warns_about_goals_without_wording(sample_graph, sample_report):
    goals = sample_graph.subjects(RDF.type, BG.Goal)
    empty = [g for g in goals if not str(sample_graph.value(g, RDFS.label))]
    assert len(sample_report.warnings) == len(empty) > 0
    assert "without wording" in sample_report.format()


def test_small_document_conforms(small_graph):
    assert validate_graph(small_graph).conforms


def _context(g: Graph) -> tuple[URIRef, int]:
    context = next(g.subjects(RDF.type, NIF.Context))
    return context, len(str(g.value(context, NIF.isString)))


def _mention(g: Graph, context: URIRef, begin: int, end: int, anchor: str) -> URIRef:
    node = URIRef(f"{context}-test-{begin}-{end}")
    law = URIRef("https://w3id.org/beleidsgraaf/id/law/testwet")
    g.add((law, RDF.type, BG.Law))
    g.add((law, RDF.type, URIRef("http://data.europa.eu/eli/ontology#LegalResource")))
    g.add((law, SKOS.prefLabel, Literal("Testwet", lang="nl")))
    g.add((node, RDF.type, BG.Mention))
    g.add((node, RDF.type, NIF.OffsetBasedString))
    g.add((node, NIF.beginIndex, Literal(begin, datatype=NON_NEGATIVE)))
    g.add((node, NIF.endIndex, Literal(end, datatype=NON_NEGATIVE)))
    g.add((node, NIF.anchorOf, Literal(anchor)))
    g.add((node, NIF.referenceContext, context))
    g.add((node, URIRef("http://www.w3.org/2005/11/its/rdf#taIdentRef"), law))
    return node


def test_a_correct_mention_conforms(small_graph):
    g = _copy(small_graph)
    context, _ = _context(g)
    text = str(g.value(context, NIF.isString))
    _mention(g, context, 10, 20, text[10:20])
    assert validate_graph(g).conforms


def test_broken_graph_fails_with_readable_messages(small_graph):
    g = _copy(small_graph)
    dcterms_part = URIRef("http://purl.org/dc/terms/isPartOf")
    first, second = sorted(g.subjects(RDF.type, BG.Activity))[:2]
    g.remove((first, RDFS.label, None))  # an activity without label
    g.remove((second, dcterms_part, None))  # an activity outside any section
    g.add((second, BG.contributesTo, next(g.subjects(RDF.type, BG.Section))))
    context, length = _context(g)
    past = _mention(g, context, length - 2, length + 5, "xx")  # past the end of the text
    _mention(g, context, 30, 20, "")  # begin after end
    _mention(g, context, 0, 4, "Wmo!")  # anchor that is not the text
    nameless = URIRef("https://w3id.org/beleidsgraaf/id/law/naamloos")
    g.add((nameless, RDF.type, BG.Law))  # a law without prefLabel
    section = next(g.subjects(RDF.type, BG.Section))
    g.add((section, URIRef("http://purl.org/dc/terms/subject"), nameless))  # not a task field
    report = validate_graph(g)
    assert not report.conforms
    text = _messages(report)
    for message in (
        "an activity needs its text as rdfs:label in Dutch",
        "an activity is dcterms:isPartOf exactly one section or document",
        "bg:contributesTo must point at a bg:Goal",
        "an offset string lies outside the document text",
        f"{length - 2}..{length + 5}, text length {length}",
        "nif:beginIndex must be one integer >= 0 and <= nif:endIndex",
        "nif:anchorOf is not the text at its offsets",
        "anchorOf 'Wmo!'",
        "a named entity needs a skos:prefLabel",
        "a bg:Law is also typed eli:LegalResource",
        "dcterms:subject of a section must be a SKOS concept",
    ):
        assert message in text, message
    assert str(past).rsplit("#", 1)[-1] in text
    label = [r for r in report.violations if r.message.startswith("an activity needs")]
    assert [r.focus for r in label] == [str(first).removeprefix(data_base())]
    assert label[0].path == "rdfs:label"


def test_report_groups_and_counts(small_graph):
    g = _copy(small_graph)
    activities = sorted(g.subjects(RDF.type, BG.Activity))[:5]
    for a in activities:
        g.remove((a, RDFS.label, None))
    report = validate_graph(g)
    groups = [grp for grp in report.grouped() if grp[0] == "Violation"]
    assert len(groups) == 1
    severity, path, message, results = groups[0]
    assert (severity, path, len(results)) == ("Violation", "rdfs:label", 5)
    assert "x5" in report.format(examples=2)
    assert "... and 3 more" in report.format(examples=2)


def test_cli_validate_exit_codes(run_cli, repo_root, store_path, store_dump):
    small = repo_root / "tests" / "data" / "lindeloo-programmabegroting-2022.txt"
    assert run_cli("build", small, "--store", store_path, "--no-entities").code == 0
    before = store_dump(store_path)
    ok = run_cli("validate", "--store", store_path)
    assert ok.code == 0, ok.out + ok.err
    assert "conforms" in ok.out
    assert store_dump(store_path) == before  # read-only

    from beleidsgraaf.graph.store import opened, replace_graph

    with opened(store_path) as ds:
        graph = _copy(ds.graph(next(iter(_document_graphs(ds)))))
        name = next(iter(_document_graphs(ds)))
        broken = Graph(identifier=name)
        for t in graph:
            broken.add(t)
        activity = sorted(broken.subjects(RDF.type, BG.Activity))[0]
        broken.remove((activity, RDFS.label, None))
        replace_graph(ds, broken)
    bad = run_cli("validate", "--store", store_path)
    assert bad.code == 1
    assert "does NOT conform" in bad.out
    assert "an activity needs its text as rdfs:label" in bad.out
    assert "Traceback" not in bad.out + bad.err


def _document_graphs(ds):
    from beleidsgraaf.graph.store import document_graphs

    return document_graphs(ds)


def test_cli_validate_bad_shapes_file(run_cli, store_path, tmp_path):
    missing = run_cli("validate", "--store", store_path, "--shapes", tmp_path / "nope.ttl")
    assert missing.code == 2 and "no such file" in missing.err
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle", encoding="utf-8")
    broken = run_cli("validate", "--store", store_path, "--shapes", bad)
    assert broken.code == 2 and "not valid Turtle" in broken.err


def test_validate_accepts_a_dataset(small_graph, store_path):
    from beleidsgraaf.graph.store import opened, replace_graph

    with opened(store_path) as ds:
        replace_graph(ds, small_graph)
        assert validate(ds).conforms


def test_sample_with_entities_conforms_and_links(sample_path):
    """The whole pipeline (NLP included): the graph conforms, the Wet inburgering node is
    owl:sameAs its BWB IRI and the document points at Amersfoort's TOOI IRI."""
    from rdflib.namespace import DCTERMS, OWL

    source = read_document(sample_path)
    graph, _ = extract(source, document_meta(source, None, None), entities=True)
    report = validate_graph(graph)
    assert report.conforms, report.format()
    assert report.violations == []
    bwb = URIRef("https://wetten.overheid.nl/BWBR0044770")
    laws = [s for s in graph.subjects(OWL.sameAs, bwb) if (s, RDF.type, BG.Law) in graph]
    assert len(laws) == 1
    labels = {str(o) for p in (SKOS.prefLabel, SKOS.altLabel) for o in graph.objects(laws[0], p)}
    assert any("inburgering" in label.lower() for label in labels)
    [document] = graph.subjects(RDF.type, BG.Document)
    tooi = URIRef("https://identifier.overheid.nl/tooi/id/gemeente/gm0307")
    assert graph.value(document, DCTERMS.publisher) == tooi
