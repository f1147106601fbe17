"""A document text longer than what Oxigraph's parser takes in one value still goes in whole."""

from beleidsgraaf.graph.store import opened, replace_graph
from rdflib import Graph, Literal, URIRef


def test_a_value_over_16_mib_is_stored_whole(tmp_path):
    doc = URIRef("https://example.org/id/x/doc")
    g = Graph(identifier=doc)
    text = "Meer inwoners doen mee. " * 800_000  # ~19 MB
    g.add((URIRef(f"{doc}#context"), URIRef("https://example.org/isString"), Literal(text)))
    g.add((doc, URIRef("https://example.org/title"), Literal("Begroting", lang="nl")))
    with opened(tmp_path / "store") as ds:
        assert replace_graph(ds, g) == 2
    with opened(tmp_path / "store", read_only=True) as ds:
        values = {str(row[0]) for row in ds.query("SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }")}
    assert values == {text, "Begroting"}


def test_a_folder_with_other_files_is_not_made_into_a_store(tmp_path, run_cli, sample_path):
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "notes.txt").write_text("mijn aantekeningen", encoding="utf-8")
    result = run_cli("build", sample_path, "--store", folder, "--no-entities")
    assert result.code != 0
    assert "not a beleidsgraaf store" in result.err
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]
