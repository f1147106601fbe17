"""graph/frames.py: SPARQL results as DataFrames, the same from the store and from JSON/XML."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from beleidsgraaf.graph.frames import query_frame, to_dataframe
from beleidsgraaf.graph.sparql import QueryError
from beleidsgraaf.graph.store import opened, replace_graph
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from beleidsgraaf.namespaces import BG

EX = "https://example.org/"


@pytest.fixture
def ds() -> Dataset:
    """Two laws in one document graph of an in-memory dataset."""
    from rdflib.namespace import XSD  # not at module level: pytest's collection pokes at it

    d = Dataset(default_union=True)
    g = d.graph(URIRef(EX + "doc"))
    for name, uses in (("Jeugdwet", 2), ("Wmo", 5)):
        law = URIRef(EX + name)
        g.add((law, RDF.type, BG.Law))
        g.add((law, SKOS.prefLabel, Literal(name, lang="nl")))
        g.add((law, URIRef(EX + "uses"), Literal(uses)))
        g.add((law, URIRef(EX + "share"), Literal("0.5", datatype=XSD.decimal)))
        g.add((law, URIRef(EX + "since"), Literal("2015", datatype=XSD.gYear)))
    return d


SELECT = f"""
PREFIX skos: <{SKOS}>
SELECT ?name ?uses ?share ?since ?missing WHERE {{
  ?law skos:prefLabel ?name ; <{EX}uses> ?uses ; <{EX}share> ?share ; <{EX}since> ?since .
  OPTIONAL {{ ?law <{EX}nothing> ?missing }}
}} ORDER BY ?name
"""


def test_select_columns_types_and_missing(ds: Dataset) -> None:
    df = to_dataframe(ds.query(SELECT))
    assert list(df.columns) == ["name", "uses", "share", "since", "missing"]
    assert df["name"].tolist() == ["Jeugdwet", "Wmo"]
    assert df["uses"].tolist() == [2, 5] and pd.api.types.is_integer_dtype(df["uses"])
    assert df["share"].tolist() == [0.5, 0.5] and pd.api.types.is_float_dtype(df["share"])
    assert df["since"].tolist() == ["2015", "2015"]  # a year stays text
    assert df["missing"].isna().all()


def test_json_and_xml_results_give_the_same_frame(ds: Dataset) -> None:
    result = ds.query(SELECT)
    local = to_dataframe(result)
    for fmt in ("json", "xml"):
        buf = io.BytesIO()
        ds.query(SELECT).serialize(destination=buf, format=fmt)
        pd.testing.assert_frame_equal(to_dataframe(buf.getvalue().decode("utf-8")), local)


def test_ask_and_construct(ds: Dataset) -> None:
    assert to_dataframe(ds.query("ASK { ?s ?p ?o }"))["answer"].tolist() == [True]
    triples = to_dataframe(ds.query(f"CONSTRUCT {{ ?l a <{BG.Law}> }} WHERE {{ ?l a <{BG.Law}> }}"))
    assert list(triples.columns) == ["subject", "predicate", "object"]
    assert sorted(triples["subject"]) == [EX + "Jeugdwet", EX + "Wmo"]
    assert set(triples["predicate"]) == {str(RDF.type)}


def test_unreadable_results_are_a_query_error() -> None:
    with pytest.raises(QueryError, match="cannot read"):
        to_dataframe("{not json")


def test_query_frame_binds_parameters_on_the_store(tmp_path, ds: Dataset) -> None:
    store = tmp_path / "store"
    graph = Graph(identifier=URIRef(EX + "doc"))
    for triple in ds.triples((None, None, None)):
        graph.add(triple)
    with opened(store) as on_disk:
        replace_graph(on_disk, graph)
    with opened(store, read_only=True) as on_disk:
        text = (  # query text with a header, as a .rq file has
            "# param: uses (integer) - how often the law is used\n"
            f"SELECT ?name WHERE {{ ?law <{SKOS.prefLabel}> ?name ; <{EX}uses> ?uses }}"
        )
        assert query_frame(on_disk, text, uses="5")["name"].tolist() == ["Wmo"]
        assert sorted(query_frame(on_disk, text)["name"]) == ["Jeugdwet", "Wmo"]
        with pytest.raises(QueryError, match="no named query"):
            query_frame(on_disk, "no-such-query")
