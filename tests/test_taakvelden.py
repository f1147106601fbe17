"""Iv3 task fields: the SKOS scheme, mapping files, and dcterms:subject on sections."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from beleidsgraaf.extract.taakvelden import (
    SCHEME,
    TAAKVELD,
    TaakveldError,
    mapping_file_for,
    mapping_for,
    read_mapping,
    scheme_graph,
    taakveld_triples,
    taakvelden,
)
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from beleidsgraaf.namespaces import BG

DOC = URIRef("https://w3id.org/beleidsgraaf/id/x/doc")


def _document(*notations: str) -> Graph:
    g = Graph()
    for n in notations:
        node = URIRef(f"{DOC}/s/{n}")
        g.add((node, RDF.type, BG.Section))
        g.add((node, SKOS.notation, Literal(n)))
    return g


def test_scheme_has_the_social_domain_fields():
    fields = taakvelden()
    assert fields["6.1"] == "Samenkracht en burgerparticipatie"
    assert fields["6.2"] == "Toegang en eerstelijnsvoorzieningen"
    assert fields["6.6"] == "Maatwerkvoorzieningen (WMO)"
    assert fields["6.82"] == "Geëscaleerde zorg 18-"
    assert {"0", "1", "2", "3", "4", "5", "6", "7", "8"} <= set(fields)
    assert len(fields) == 9 + 53


def test_scheme_is_well_formed_skos():
    g = scheme_graph()
    assert (SCHEME, RDF.type, SKOS.ConceptScheme) in g
    tops = set(g.objects(SCHEME, SKOS.hasTopConcept))
    assert len(tops) == 9
    for concept in g.subjects(SKOS.inScheme, SCHEME):
        assert (concept, RDF.type, SKOS.Concept) in g
        notation = str(g.value(concept, SKOS.notation))
        assert concept == TAAKVELD[notation]
        assert g.value(concept, SKOS.prefLabel).language == "nl"
        if concept not in tops:
            parent = g.value(concept, SKOS.broader)
            assert parent in tops and notation.startswith(str(g.value(parent, SKOS.notation)) + ".")
            assert (parent, SKOS.narrower, concept) in g


def test_read_csv_mapping(tmp_path: Path):
    path = tmp_path / "doc.taakvelden.csv"
    path.write_text(
        "# comment\nsection,taakveld,note\n2.1.1.,6.1,a note\n2.1.1,7.1,\n2.1.3,6.71,x\n",
        encoding="utf-8",
    )
    assert read_mapping(path) == {"2.1.1": ("6.1", "7.1"), "2.1.3": ("6.71",)}


def test_read_json_mapping(tmp_path: Path):
    path = tmp_path / "doc.taakvelden.json"
    path.write_text(json.dumps({"2.1.1": ["6.1", "7.1"], "2.1.3": "6.71"}), encoding="utf-8")
    assert read_mapping(path) == {"2.1.1": ("6.1", "7.1"), "2.1.3": ("6.71",)}


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("m.csv", "section,taakveld\n2.1.1,6.9\n", "unknown Iv3 task field '6.9'"),
        ("m.csv", "sectie,veld\n2.1.1,6.1\n", "expected a CSV header"),
        ("m.csv", "section,taakveld\n,6.1\n", "empty section notation"),
        ("m.json", "[1, 2]", "expected an object"),
        ("m.json", "{not json", "not valid JSON"),
        ("m.json", '{"2.1": 6.1}', "expected a code or a list of codes"),
    ],
)
def test_bad_mapping_files_fail_clearly(tmp_path: Path, name, text, message):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TaakveldError, match=message.replace("(", r"\(")):
        read_mapping(path)


def test_missing_mapping_file(tmp_path: Path):
    with pytest.raises(TaakveldError, match="no such task-field mapping file"):
        read_mapping(tmp_path / "nope.csv")


def test_mapping_file_next_to_the_document(tmp_path: Path):
    document = tmp_path / "gemeente-begroting-2021.txt"
    document.write_text("x", encoding="utf-8")
    assert mapping_file_for(document) is None
    assert mapping_for(document) == {}
    sidecar = tmp_path / "gemeente-begroting-2021.taakvelden.csv"
    sidecar.write_text("section,taakveld\n1,6.3\n", encoding="utf-8")
    assert mapping_file_for(document) == sidecar
    assert mapping_for(document) == {"1": ("6.3",)}
    explicit = tmp_path / "other.json"
    explicit.write_text('{"2": ["6.5"]}', encoding="utf-8")
    assert mapping_for(document, explicit) == {"2": ("6.5",)}


def test_triples_point_sections_at_concepts():
    g = _document("2.1", "2.1.1", "2.1.3")
    triples = taakveld_triples(g, {"2.1.1": ("6.1", "7.1"), "2.1.3": ("6.71",)})
    out = Graph()
    for t in triples:
        out.add(t)
    section = URIRef(f"{DOC}/s/2.1.1")
    assert set(out.objects(section, DCTERMS.subject)) == {TAAKVELD["6.1"], TAAKVELD["7.1"]}
    assert (TAAKVELD["6.71"], RDF.type, SKOS.Concept) in out
    assert out.value(TAAKVELD["6.1"], SKOS.prefLabel) == Literal(
        "Samenkracht en burgerparticipatie", lang="nl"
    )
    assert not list(out.objects(URIRef(f"{DOC}/s/2.1"), DCTERMS.subject))  # not inherited


def test_unknown_section_is_an_error_not_a_skip():
    g = _document("2.1", "2.1.1")
    with pytest.raises(TaakveldError, match="section 9.9.*no section"):
        taakveld_triples(g, {"9.9": ("6.1",)})


def test_ambiguous_section_is_an_error():
    g = _document("1")
    g.add((URIRef(f"{DOC}/other/1"), RDF.type, BG.Section))
    g.add((URIRef(f"{DOC}/other/1"), SKOS.notation, Literal("1")))
    with pytest.raises(TaakveldError, match="2 sections"):
        taakveld_triples(g, {"1": ("6.1",)})


def test_sample_mapping_file_matches_the_sample(repo_root: Path, sample_path: Path):
    from beleidsgraaf.extract.reader import read_document

    from beleidsgraaf.pipeline import document_meta, extract

    mapping = mapping_for(sample_path)
    assert mapping["2.1.1"][0] == "6.1"
    source = read_document(sample_path)
    graph, _ = extract(source, document_meta(source, None, None), entities=False)
    subjects = {
        (str(s).rsplit("/s/", 1)[-1], str(o))
        for s, _, o in taakveld_triples(graph, mapping)
        if _ == DCTERMS.subject
    }
    assert ("2.1.1", str(TAAKVELD["6.1"])) in subjects
    assert ("2.1.2", str(TAAKVELD["6.2"])) in subjects


def test_build_applies_sidecar_and_option(run_cli, tmp_path: Path, repo_root: Path, store_path):
    small = repo_root / "tests" / "data" / "lindeloo-programmabegroting-2022.txt"
    document = tmp_path / small.name
    document.write_text(small.read_text(encoding="utf-8"), encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("section,taakveld\n99,6.1\n", encoding="utf-8")
    failed = run_cli("build", document, "--store", store_path, "--no-entities", "--taakvelden", bad)
    assert failed.code == 1
    assert "no section" in failed.out + failed.err
    assert "Traceback" not in failed.out + failed.err

    first = _first_section_notation(document)
    good = tmp_path / "good.csv"
    good.write_text(f"section,taakveld\n{first},4.3\n", encoding="utf-8")
    ok = run_cli("build", document, "--store", store_path, "--no-entities", "--taakvelden", good)
    assert ok.code == 0, ok.out + ok.err
    rows = run_cli(
        "query",
        "--store",
        store_path,
        "--format",
        "csv",
        "SELECT ?t WHERE { ?s <http://purl.org/dc/terms/subject> ?t }",
    )
    assert str(TAAKVELD["4.3"]) in rows.out


def _first_section_notation(document: Path) -> str:
    from beleidsgraaf.extract.structure import parse_structure

    tree = parse_structure(document.read_text(encoding="utf-8"))
    return tree.sections[0].notation
