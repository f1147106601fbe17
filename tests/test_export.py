"""Every export format parses back into the store's graph; JSON-LD with rdflib and pyld; CSV."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from beleidsgraaf.graph.export import (
    EXPORT_FORMATS,
    RDF_FORMATS,
    jsonld_context,
    memory_dataset,
    union_graph,
)
from beleidsgraaf.graph.store import opened, replace_graph
from pyld import jsonld
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from beleidsgraaf.namespaces import BG, ITSRDF, NIF

ONTOLOGY = Path(__file__).resolve().parent.parent / "ontology"

NNI = URIRef("http://www.w3.org/2001/XMLSchema#nonNegativeInteger")
OTHER = URIRef("https://w3id.org/beleidsgraaf/id/testgemeente/nota")
TEXT = "We werken samen met het UWV aan werk."


def _other_document() -> Graph:
    """A second, tiny document with one relation and its mention (entities made by hand)."""
    g = Graph(identifier=OTHER)
    context = URIRef(f"{OTHER}#offset_0_{len(TEXT)}")
    activity = URIRef(f"{OTHER}/a/p1")
    uwv = URIRef("https://w3id.org/beleidsgraaf/id/organisation/uwv")
    mention = URIRef(f"{OTHER}#offset_24_27")
    sentence = URIRef(f"{OTHER}#offset_0_{len(TEXT)}s")
    g.add((OTHER, RDF.type, BG.Document))
    g.add((OTHER, URIRef("http://purl.org/dc/terms/title"), Literal("Nota", lang="nl")))
    g.add((OTHER, URIRef("http://purl.org/dc/terms/source"), Literal("nota.txt")))
    g.add((OTHER, BG.sourceText, context))
    g.add((context, RDF.type, NIF.Context))
    g.add((context, NIF.isString, Literal(TEXT)))
    g.add((activity, RDF.type, BG.Activity))
    g.add((activity, RDFS.label, Literal(TEXT, lang="nl")))
    g.add((activity, URIRef("http://purl.org/dc/terms/isPartOf"), OTHER))
    g.add((activity, BG.involves, uwv))
    g.add((uwv, RDF.type, BG.Organisation))
    g.add((uwv, SKOS.prefLabel, Literal("UWV", lang="nl")))
    g.add((mention, RDF.type, BG.Mention))
    g.add((mention, NIF.beginIndex, Literal(24, datatype=NNI)))
    g.add((mention, NIF.endIndex, Literal(27, datatype=NNI)))
    g.add((mention, NIF.anchorOf, Literal("UWV")))
    g.add((mention, NIF.referenceContext, context))
    g.add((mention, ITSRDF.taIdentRef, uwv))
    g.add((mention, BG.mentionedIn, activity))
    g.add((mention, NIF.sentence, sentence))
    g.add((sentence, NIF.anchorOf, Literal(TEXT)))
    return g


@pytest.fixture(scope="module")
def store(tmp_path_factory, sample_path) -> Path:
    """The sample (structure only) and a tiny second document, each its own named graph."""
    from beleidsgraaf.pipeline import build

    path = tmp_path_factory.mktemp("export") / "store"
    [result] = build([sample_path], store=path, entities=False)
    assert result.status == "ok", result.message
    with opened(path) as ds:
        replace_graph(ds, _other_document())
    return path


@pytest.fixture(scope="module")
def expected(store) -> tuple[Dataset, Graph]:
    with opened(store) as ds:
        return memory_dataset(ds), union_graph(ds)


def _named(ds: Dataset) -> dict[URIRef, Graph]:
    return {URIRef(str(g.identifier)): g for g in ds.graphs() if len(g)}


def _same_dataset(actual: Dataset, wanted: Dataset) -> None:
    a, w = _named(actual), _named(wanted)
    assert set(a) == set(w)
    for name, graph in w.items():
        assert isomorphic(a[name], graph), name


def test_formats_offered():
    assert set(EXPORT_FORMATS) == {"turtle", "trig", "nt", "nq", "jsonld", "csv"}


@pytest.mark.parametrize("fmt", sorted(RDF_FORMATS))
def test_round_trip(fmt, store, expected, run_cli, tmp_path):
    out = tmp_path / f"graph.{fmt}"
    result = run_cli("export", "--store", store, "--format", fmt, "-o", out)
    assert result.code == 0, result.err
    name = RDF_FORMATS[fmt]
    wanted_ds, wanted_union = expected
    if name in {"trig", "nquads", "json-ld"}:
        back = Dataset()
        back.parse(out, format=name)
        _same_dataset(back, wanted_ds)
        assert len(_named(back)) == 2
    else:
        back = Graph().parse(out, format=name)
        assert isomorphic(back, wanted_union)


def test_jsonld_parses_with_pyld(store, expected, run_cli, tmp_path):
    out = tmp_path / "graph.jsonld"
    assert run_cli("export", "--store", store, "--format", "jsonld", "-o", out).code == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})
    back = Dataset()
    back.parse(data=nquads, format="nquads")
    _same_dataset(back, expected[0])


def test_jsonld_uses_the_published_context(store, run_cli, tmp_path):
    out = tmp_path / "graph.jsonld"
    assert run_cli("export", "--store", store, "--format", "jsonld", "-o", out).code == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["@context"] == jsonld_context()
    text = out.read_text(encoding="utf-8")
    for key in ('"partOf"', '"label"', '"involves"', '"anchorOf"', '"beginIndex"'):
        assert key in text
    assert "http://purl.org/dc/terms/isPartOf" not in text


def test_context_file_terms_are_distinct_and_resolve():
    context = jsonld_context()
    ids = {}
    for term, value in context.items():
        if term.startswith("@") or not isinstance(value, dict):
            continue
        ids.setdefault(value["@id"], []).append(term)
    assert all(len(terms) == 1 for terms in ids.values()), ids
    expanded = jsonld.expand({"@context": context, "@id": "urn:x", "involves": "urn:y"})
    assert expanded[0]["https://w3id.org/beleidsgraaf/def#involves"] == [{"@id": "urn:y"}]


def test_context_has_a_term_for_every_class_of_the_ontology():
    """A JSON-LD reader sees `"type": "Page"`, not a full IRI, for every class the data uses."""
    ontology = Graph()
    for name in ("beleidsgraaf.ttl", "figures.ttl"):
        ontology.parse(ONTOLOGY / name)
    context = jsonld_context()
    expanded = jsonld.expand(
        {"@context": context, "@id": "urn:x", "@type": [t for t in context if t[:1].isupper()]}
    )
    named = set(expanded[0]["@type"])
    classes = {str(c) for c in ontology.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
    assert classes - named == set()


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_csv_tables(store, expected, run_cli, tmp_path):
    folder = tmp_path / "tables"
    result = run_cli("export", "--store", store, "--format", "csv", "-o", folder)
    assert result.code == 0, result.err
    activities = _read_csv(folder / "activities.csv")
    union = expected[1]
    assert len(activities) == len(set(union.subjects(RDF.type, BG.Activity)))
    assert {"document", "activity", "notation", "section", "goals", "text"} <= set(activities[0])
    relations = _read_csv(folder / "relations.csv")
    [row] = [r for r in relations if r["document"] == str(OTHER)]
    assert row["relation"] == "involves"
    assert row["entity_label"] == "UWV"
    assert row["mention_text"] == "UWV"
    assert row["sentence"] == TEXT
    assert (row["begin"], row["end"]) == ("24", "27")
    assert TEXT[int(row["begin"]) : int(row["end"])] == row["mention_text"]
    entities = _read_csv(folder / "entities.csv")
    [uwv] = [e for e in entities if e["label"] == "UWV"]
    assert (uwv["type"], uwv["mentions"]) == ("Organisation", "1")


def test_csv_needs_a_folder(store, run_cli):
    result = run_cli("export", "--store", store, "--format", "csv")
    assert result.code == 2
    assert "-o DIR" in result.err


def test_export_needs_something_to_do(store, run_cli):
    result = run_cli("export", "--store", store)
    assert result.code == 2
    assert "--format" in result.err


def test_export_of_a_missing_store_is_a_clear_error(run_cli, tmp_path):
    result = run_cli("export", "--store", tmp_path / "nope", "--format", "turtle")
    assert result.code != 0
    assert "no store" in result.err
    assert not (tmp_path / "nope").exists()


def test_turtle_uses_project_prefixes(store, run_cli, tmp_path):
    out = tmp_path / "g.ttl"
    assert run_cli("export", "--store", store, "--format", "turtle", "-o", out).code == 0
    head = out.read_text(encoding="utf-8")[:2000]
    assert "@prefix bg: <https://w3id.org/beleidsgraaf/def#>" in head
    assert "ns1:" not in head
