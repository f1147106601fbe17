"""The named queries: headers, safe parameters, and the rows they give.

Structure queries (sections, goals, activities) are checked on the bundled sample against
counts computed here in Python from the same graph (the sample built in one process, and on a
Dask cluster); queries about entities are checked on a
small synthetic store of two documents (two municipalities, two years), so that they do not
depend on how well extraction does.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from beleidsgraaf.extract.annotations import RELATION_FOR_KIND
from beleidsgraaf.extract.derived import co_involvement_triples
from beleidsgraaf.extract.iris import document_iri, entity_iri, item_iri, mention_iri
from beleidsgraaf.graph.queries import list_queries, load_query, parse_query_file
from beleidsgraaf.graph.sparql import QueryError, bind_values, run_query
from beleidsgraaf.graph.store import opened, replace_graph
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from beleidsgraaf.namespaces import BG, ITSRDF, NIF
from beleidsgraaf.pipeline import build

QUERIES = list_queries()
NAMES = [q.name for q in QUERIES]


def rows(ds: Dataset, query_name: str, **params: str) -> list[dict[str, str]]:
    """A named query's rows as {column: str(value)} (unbound columns left out)."""
    q = load_query(query_name)
    result = run_query(ds, q.text, q.bindings(params))
    return [
        {str(var): str(row[var]) for var in result.vars if row[var] is not None} for row in result
    ]


# -- the sample ------------------------------------------------------------------------------


@pytest.fixture(scope="session", params=["one process", "cluster"])
def sample_store(
    request: pytest.FixtureRequest, sample_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The sample built in this process, and built on a Dask LocalCluster (`--cluster`): the
    sample's tests run against both stores."""
    store = tmp_path_factory.mktemp("sample-store") / "store"
    cluster = "local:1" if request.param == "cluster" else None
    results = build([sample_path], store=store, entities=False, cluster=cluster)
    assert [r.status for r in results] == ["ok"], [r.message for r in results]
    return store


@pytest.fixture(scope="session")
def sample(sample_store: Path):
    with opened(sample_store, read_only=True) as ds:
        yield ds


@pytest.fixture(scope="session")
def sample_graph(sample: Dataset) -> Graph:
    """The sample's triples in plain rdflib, to compute expected answers independently."""
    g = Graph()
    for s, p, o, _ in sample.quads((None, None, None, None)):
        g.add((s, p, o))
    return g


def _label(g: Graph, node) -> str:
    return str(g.value(node, RDFS.label))


def _notation(g: Graph, node) -> str:
    return str(g.value(node, SKOS.notation))


def test_there_are_at_least_twelve_named_queries_each_with_a_header():
    assert len(QUERIES) >= 12
    for q in QUERIES:
        assert q.title and q.question and q.example, f"{q.name}: header incomplete"
        assert q.text.lstrip().startswith("# title:"), q.name


@pytest.mark.parametrize("name", NAMES)
def test_every_named_query_runs_on_the_sample(sample: Dataset, name: str):
    rows(sample, name)  # raises on a malformed query or a failed binding


def test_documents_on_the_sample(sample: Dataset, sample_graph: Graph):
    (row,) = rows(sample, "documents")
    count = {k: len(set(sample_graph.subjects(RDF.type, k))) for k in (BG.Section, BG.Goal)}
    assert row["sections"] == str(count[BG.Section])
    assert row["goals"] == str(count[BG.Goal])
    assert row["activities"] == str(len(set(sample_graph.subjects(RDF.type, BG.Activity))))
    assert row["municipality"] == "Amersfoort" and row["year"] == "2021"


def test_section_overview_counts_goals_and_activities_per_section(sample, sample_graph):
    expected = {}
    for s in sample_graph.subjects(RDF.type, BG.Section):
        parts = set(sample_graph.subjects(DCTERMS.isPartOf, s))
        goals = [p for p in parts if (p, RDF.type, BG.Goal) in sample_graph]
        acts = [p for p in parts if (p, RDF.type, BG.Activity) in sample_graph]
        expected[_notation(sample_graph, s)] = (str(len(goals)), str(len(acts)))
    got = {r["section"]: (r["goals"], r["activities"]) for r in rows(sample, "section-overview")}
    assert got == expected
    assert any(int(a) > 0 for _, a in got.values())


def test_activities_per_goal_on_the_sample(sample: Dataset, sample_graph: Graph):
    result = rows(sample, "activities-per-goal")
    assert len(result) == len(set(sample_graph.subjects(RDF.type, BG.Goal)))
    contributions = Counter(sample_graph.objects(None, BG.contributesTo))
    expected = sorted(contributions[g] for g in sample_graph.subjects(RDF.type, BG.Goal))
    assert [int(r["activities"]) for r in result] == expected  # fewest first


def test_shared_goal_wording_on_the_sample(sample: Dataset, sample_graph: Graph):
    sections = defaultdict(set)
    for goal in sample_graph.subjects(RDF.type, BG.Goal):
        wording = re.sub(r"\s+", " ", _label(sample_graph, goal)).lower()
        if wording:
            sections[wording].add(sample_graph.value(goal, DCTERMS.isPartOf))
    expected = {w: len(s) for w, s in sections.items() if len(s) > 1}
    got = {r["wording"]: int(r["sections"]) for r in rows(sample, "shared-goal-wording")}
    assert got == expected and got


def test_activities_with_deadline_on_the_sample(sample: Dataset, sample_graph: Graph):
    result = rows(sample, "activities-with-deadline")
    found = {r["activity"] for r in result}
    with_year = {
        _label(sample_graph, a)
        for a in sample_graph.subjects(RDF.type, BG.Activity)
        if re.search(r"\b20\d\d\b", _label(sample_graph, a))
    }
    assert with_year and with_year <= found
    for r in result:
        assert r["when"] in r["activity"].lower()
    whens = {r["when"] for r in result}
    assert "in 2021" in whens


def test_search_activities_binds_its_parameter(sample: Dataset, sample_graph: Graph):
    word = "wijkteams"
    expected = sorted(
        _label(sample_graph, n)
        for kind in (BG.Activity, BG.Goal)
        for n in sample_graph.subjects(RDF.type, kind)
        if word in _label(sample_graph, n).lower()
    )
    got = sorted(r["label"] for r in rows(sample, "search-activities", text=word.upper()))
    assert got == expected and got


def test_parameters_are_bound_as_values_never_pasted(sample: Dataset):
    hostile = 'x")) } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o FILTER(("'
    assert rows(sample, "search-activities", text=hostile) == []
    text = bind_values(load_query("search-activities").text, {"text": Literal(hostile)})
    assert 'VALUES ?text { "x\\")) } ; DROP ALL' in text


def test_unknown_parameter_is_a_clear_error():
    with pytest.raises(QueryError, match="no parameter colour.*text"):
        load_query("search-activities").bindings({"colour": "red"})


def test_empty_value_leaves_a_defaulted_parameter_unbound():
    q = load_query("entity-provenance")
    assert "inName" in q.bindings()
    assert "inName" not in q.bindings({"name": ""})


def test_header_parsing():
    q = parse_query_file(
        "# title: T\n# question: Q one\n#   two\n"
        '# param: law (literal) default "Wet x" - the law\n#   or its alias\n'
        "# param: year (year) as ?inYear - a year\n"
        "# example:\n#   a  b\n#   1  2\nSELECT * WHERE { ?s ?p ?o }\n",
        "t",
    )
    assert (q.title, q.question, q.example) == ("T", "Q one two", "a  b\n1  2")
    assert [(p.name, p.var, p.kind, p.default, p.description) for p in q.params] == [
        ("law", "law", "literal", "Wet x", "the law or its alias"),
        ("year", "inYear", "year", None, "a year"),
    ]
    assert q.bindings({"year": "2021"})["inYear"] == Literal("2021", datatype=XSD.gYear)
    with pytest.raises(QueryError, match="not a year"):
        q.bindings({"year": "twenty"})
    with pytest.raises(QueryError, match="cannot read the parameter"):
        parse_query_file("# param: law default x\nSELECT * {}", "bad")


# -- a synthetic store with entities ----------------------------------------------------------

WI = ("Wet inburgering", "Wi2021", "https://wetten.overheid.nl/BWBR0044770")
WMO = ("Wet maatschappelijke ondersteuning 2015", "Wmo", "https://wetten.overheid.nl/BWBR0035362")


def _doc_graph(municipality: str, year: int, sections: dict) -> Graph:
    """sections: {notation: {goal notation: (wording, [(activity text, [(kind, name)])])}}"""
    doc = document_iri(municipality, f"begroting-{year}")
    g = Graph(identifier=doc)
    g.add((doc, RDF.type, BG.Document))
    g.add((doc, DCTERMS.title, Literal(f"Begroting {year}", lang="nl")))
    g.add((doc, BG.municipality, Literal(municipality)))
    g.add((doc, BG.year, Literal(str(year), datatype=XSD.gYear)))
    text = ""
    for sn, goals in sections.items():
        section = item_iri(doc, f"s/{sn}")
        g.add((section, RDF.type, BG.Section))
        g.add((section, SKOS.notation, Literal(sn)))
        g.add((section, RDFS.label, Literal(f"Sectie {sn}", lang="nl")))
        g.add((section, DCTERMS.isPartOf, doc))
        for gn, (wording, activities) in goals.items():
            goal = item_iri(doc, f"g/s/{sn}/{gn}")
            g.add((goal, RDF.type, BG.Goal))
            g.add((goal, SKOS.notation, Literal(gn)))
            g.add((goal, RDFS.label, Literal(wording, lang="nl")))
            g.add((goal, DCTERMS.isPartOf, section))
            for i, (sentence_text, named) in enumerate(activities, 1):
                act = item_iri(doc, f"a/s/{sn}/{gn}.{i}")
                g.add((act, RDF.type, BG.Activity))
                g.add((act, RDFS.label, Literal(sentence_text, lang="nl")))
                g.add((act, DCTERMS.isPartOf, section))
                g.add((act, BG.contributesTo, goal))
                start = len(text)
                text += sentence_text + " "
                sentence = mention_iri(doc, start, start + len(sentence_text))
                g.add((sentence, RDF.type, NIF.Sentence))
                g.add((sentence, NIF.anchorOf, Literal(sentence_text)))
                for kind, name in named:
                    _entity(g, doc, act, sentence, start, sentence_text, kind, name, municipality)
    for triple in co_involvement_triples(doc, list(g)):  # as a build states them
        g.add(triple)
    for triple in _figures(doc, year, next(iter(sections))):
        g.add(triple)
    return g


def _figures(doc: URIRef, year: int, section: str) -> list:
    """A table of figures for the first section, as extract/figures/ states it (invented)."""
    from beleidsgraaf.extract.figures import figure_triples
    from beleidsgraaf.extract.tree import DocumentTree, Section

    heading = f"Sectie {section}"
    text = (
        f"{heading}\nBedragen x € 1.000 | Begroting {year} lasten | Begroting {year} baten\n"
        f"6.1 Samenkracht en burgerparticipatie | 1.{year % 100:03d} | 300\n"
        f"6.2 Toegang en eerstelijnsvoorzieningen | 2.400 | 120\n"
    )
    tree = DocumentTree(sections=[Section(section, heading, 0, len(heading), key=f"s/{section}")])
    return figure_triples(text, tree, doc)


def _entity(g, doc, act, sentence, start, sentence_text, kind, name, municipality) -> None:
    label, alias, bwb = name if kind == "Law" else (name, None, None)
    scope = None if kind in ("Law", "Place", "ActorGroup") or name == "GGD" else municipality
    node = entity_iri(kind, label, scope)
    g.add((node, RDF.type, getattr(BG, kind)))
    g.add((node, SKOS.prefLabel, Literal(label, lang="nl")))
    if alias:
        g.add((node, SKOS.altLabel, Literal(alias, lang="nl")))
    if bwb:
        g.add((node, OWL.sameAs, URIRef(bwb)))
    g.add((act, getattr(BG, RELATION_FOR_KIND[kind]), node))
    surface = alias if alias and alias in sentence_text else label
    offset = start + sentence_text.index(surface)
    mention = mention_iri(doc, offset, offset + len(surface))
    g.add((mention, RDF.type, BG.Mention))
    g.add((mention, NIF.beginIndex, Literal(offset, datatype=XSD.nonNegativeInteger)))
    g.add((mention, NIF.endIndex, Literal(offset + len(surface), datatype=XSD.nonNegativeInteger)))
    g.add((mention, NIF.anchorOf, Literal(surface)))
    g.add((mention, ITSRDF.taIdentRef, node))
    g.add((mention, NIF.sentence, sentence))
    g.add((mention, BG.mentionedIn, act))


SAME_GOAL = "Meer mensen doen mee."
AMERSFOORT = {
    "2.1": {
        "1": (
            SAME_GOAL,
            [
                (
                    "In 2021 voeren we de Wet inburgering uit met Indebuurt033 en huisartsen.",
                    [("Law", WI), ("Organisation", "Indebuurt033"), ("ActorGroup", "huisartsen")],
                ),
                (
                    "Met Indebuurt033 en de GGD starten we in Vathorst het Actieplan Eenzaamheid.",
                    [
                        ("Organisation", "Indebuurt033"),
                        ("Organisation", "GGD"),
                        ("Place", "Vathorst"),
                        ("Instrument", "Actieplan Eenzaamheid"),
                    ],
                ),
            ],
        )
    },
    "2.2": {
        "1": (
            "meer  mensen doen MEE.",
            [
                (
                    "Voor eind 2021 evalueren we de Wmo met de GGD en huisartsen.",
                    [("Law", WMO), ("Organisation", "GGD"), ("ActorGroup", "huisartsen")],
                ),
                (
                    "De GGD en huisartsen werken samen.",
                    [("Organisation", "GGD"), ("ActorGroup", "huisartsen")],
                ),
            ],
        )
    },
}
UTRECHT = {
    "3.1": {
        "1": (
            SAME_GOAL,
            [
                (
                    "Per 1 juli 2022 gaat de Wet inburgering in; de GGD helpt.",
                    [("Law", WI), ("Organisation", "GGD")],
                )
            ],
        )
    }
}


@pytest.fixture(scope="session")
def synthetic_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("synthetic-store") / "store"
    with opened(store) as ds:
        replace_graph(ds, _doc_graph("Amersfoort", 2021, AMERSFOORT))
        replace_graph(ds, _doc_graph("Utrecht", 2022, UTRECHT))
    return store


@pytest.fixture(scope="session")
def synthetic(synthetic_store: Path):
    with opened(synthetic_store, read_only=True) as ds:
        yield ds


@pytest.mark.parametrize("name", NAMES)
def test_every_named_query_has_rows_on_the_synthetic_store(synthetic: Dataset, name: str):
    params = {"search-activities": {"text": "ggd"}}.get(name, {})
    assert rows(synthetic, name, **params), f"{name} gave no rows"


def test_partners_by_activities(synthetic: Dataset):
    got = [
        (r["partner"], r["kind"], r["activities"], r["documents"], r["municipalities"])
        for r in rows(synthetic, "partners-by-activities")
    ]
    assert got[0] == ("GGD", "Organisation", "4", "2", "2")
    assert sorted(got[1:]) == [
        ("Indebuurt033", "Organisation", "2", "1", "1"),
        ("huisartsen", "ActorGroup", "3", "1", "1"),
    ]


def test_partners_by_activities_filters_on_municipality_and_year(synthetic: Dataset):
    only_utrecht = rows(synthetic, "partners-by-activities", municipality="UTRECHT")
    assert [(r["partner"], r["activities"]) for r in only_utrecht] == [("GGD", "1")]
    in_2021 = rows(synthetic, "partners-by-activities", year="2021")
    assert {r["partner"]: r["activities"] for r in in_2021} == {
        "GGD": "3",
        "huisartsen": "3",
        "Indebuurt033": "2",
    }


def test_co_involved_partners(synthetic: Dataset):
    got = {
        (frozenset((r["partnerA"], r["partnerB"])), r["activities"])
        for r in rows(synthetic, "co-involved-partners")
    }
    assert got == {
        (frozenset(("GGD", "huisartsen")), "2"),
        (frozenset(("GGD", "Indebuurt033")), "1"),
        (frozenset(("Indebuurt033", "huisartsen")), "1"),
    }


@pytest.mark.parametrize("law", ["Wet inburgering", "wet INBURGERING", "wi2021"])
def test_activities_on_law_matches_name_or_alias_in_any_case(synthetic: Dataset, law: str):
    got = rows(synthetic, "activities-on-law", law=law)
    assert [(r["municipality"], r["year"], r["section"], r["goal"]) for r in got] == [
        ("Amersfoort", "2021", "2.1", SAME_GOAL),
        ("Utrecht", "2022", "3.1", SAME_GOAL),
    ]
    assert got[0]["activity"].startswith("In 2021 voeren we de Wet inburgering")


def test_compare_on_law(synthetic: Dataset):
    got = [
        (r["municipality"], r["year"], r["activities"], r["goals"], r["partners"])
        for r in rows(synthetic, "compare-on-law")
    ]
    assert got == [("Amersfoort", "2021", "1", "1", "2"), ("Utrecht", "2022", "1", "1", "1")]
    assert [r["municipality"] for r in rows(synthetic, "compare-on-law", law="wmo")] == [
        "Amersfoort"
    ]


def test_laws_per_section_and_overview(synthetic: Dataset):
    got = {
        (r["municipality"], r["section"], r["law"], r["activities"])
        for r in rows(synthetic, "laws-per-section")
    }
    assert got == {
        ("Amersfoort", "2.1", WI[0], "1"),
        ("Amersfoort", "2.2", WMO[0], "1"),
        ("Utrecht", "3.1", WI[0], "1"),
    }
    overview = {r["law"]: r for r in rows(synthetic, "laws-overview")}
    assert overview[WI[0]]["identifier"] == WI[2]
    assert (overview[WI[0]]["activities"], overview[WI[0]]["municipalities"]) == ("2", "2")
    assert overview[WMO[0]]["activities"] == "1"


def test_activities_in_place(synthetic: Dataset):
    got = rows(synthetic, "activities-in-place", place="VATHORST")
    assert [(r["place"], r["section"]) for r in got] == [("Vathorst", "2.1")]
    assert rows(synthetic, "activities-in-place", place="Kattenbroek") == []


def test_entity_provenance_gives_words_sentence_and_activity(synthetic: Dataset):
    got = rows(synthetic, "entity-provenance", name="indebuurt033")
    assert len(got) == 2
    for r in got:
        assert r["surface"] == "Indebuurt033" and r["surface"] in r["sentence"]
        assert int(r["end"]) - int(r["start"]) == len("Indebuurt033")
        assert "/a/" in r["activity"]
    by_alias = rows(synthetic, "entity-provenance", name="WMO")
    assert [(r["entity"], r["surface"]) for r in by_alias] == [(WMO[0], "Wmo")]
    assert rows(synthetic, "entity-provenance", name="GGD", kind="Law") == []
    assert len(rows(synthetic, "entity-provenance", name="GGD", kind="organisation")) == 4
    assert rows(synthetic, "entity-provenance", name="") == []  # the name is required


def test_instruments_and_partners_per_goal(synthetic: Dataset):
    assert [(r["instrument"], r["activities"]) for r in rows(synthetic, "instruments-by-use")] == [
        ("Actieplan Eenzaamheid", "1")
    ]
    got = {
        (r["municipality"], r["section"], r["partners"])
        for r in rows(synthetic, "partners-per-goal")
    }
    assert got == {("Amersfoort", "2.1", "3"), ("Amersfoort", "2.2", "2"), ("Utrecht", "3.1", "1")}


def test_shared_goal_wording_across_documents(synthetic: Dataset):
    (row,) = rows(synthetic, "shared-goal-wording")
    assert (row["wording"], row["sections"], row["documents"]) == (SAME_GOAL.lower(), "3", "2")


def test_deadlines_on_the_synthetic_store(synthetic: Dataset):
    got = {r["when"] for r in rows(synthetic, "activities-with-deadline")}
    assert got == {"in 2021", "voor eind 2021", "per 1 juli 2022"}


# -- the command line --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "json", "table"])
def test_oxigraph_writers_give_the_rows_rdflib_gives(synthetic: Dataset, fmt: str):
    """`query` writes results with Oxigraph's own writers; same rows as the rdflib way."""
    import csv as csvlib
    import io

    from beleidsgraaf.graph.sparql import format_result, query_as_text

    for name in ("partners-by-activities", "activities-with-deadline", "documents"):
        q = load_query(name)
        fast = query_as_text(synthetic, q.text, q.bindings(), fmt)
        slow = format_result(run_query(synthetic, q.text, q.bindings()), fmt)
        if fmt == "csv":
            assert list(csvlib.reader(io.StringIO(fast))) == list(csvlib.reader(io.StringIO(slow)))
        elif fmt == "json":
            a, b = json.loads(fast), json.loads(slow)
            assert a["head"] == b["head"]
            values = [{k: v["value"] for k, v in row.items()} for row in a["results"]["bindings"]]
            assert values == [
                {k: v["value"] for k, v in row.items()} for row in b["results"]["bindings"]
            ]
        else:
            assert fast == slow


def test_query_command_formats(run_cli, synthetic_store: Path):
    args = ("query", "partners-by-activities", "--store", synthetic_store)
    csv = run_cli(*args, "--format", "csv")
    assert (
        csv.code == 0
        and csv.out.splitlines()[0] == "partner,kind,activities,documents,municipalities"
    )
    assert csv.out.splitlines()[1].startswith("GGD,Organisation,4")
    tsv = run_cli(*args, "--format", "tsv")
    assert tsv.out.splitlines()[0].startswith("?partner\t?kind")
    data = json.loads(run_cli(*args, "--format", "json").out)
    assert data["results"]["bindings"][0]["partner"]["value"] == "GGD"
    assert "<sparql" in run_cli(*args, "--format", "xml").out
    table = run_cli(*args, "--param", "municipality=utrecht")
    assert table.code == 0 and "GGD" in table.out and "1 row" in table.out


def test_query_command_reads_files_and_text(run_cli, synthetic_store: Path, tmp_path: Path):
    path = tmp_path / "count.rq"
    path.write_text(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?d a <{BG.Document}> }}")
    got = run_cli("query", path, "--store", synthetic_store, "--format", "csv")
    assert got.out.split() == ["n", "2"]
    ask = run_cli("query", f"ASK {{ ?d a <{BG.Document}> }}", "--store", synthetic_store)
    assert ask.out.strip() == "true"


@pytest.mark.parametrize(
    "args, message",
    [
        (("no-such-query",), "no named query"),
        (("SELEC * WHERE { ?s ?p ?o }",), "malformed SPARQL"),
        (("SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }",), "SERVICE"),
        (("search-activities", "--param", "colour=red"), "no parameter colour"),
        (("search-activities", "--param", "text"), "NAME=VALUE"),
    ],
)
def test_query_command_errors_are_clear(run_cli, synthetic_store: Path, args, message):
    got = run_cli("query", *args, "--store", synthetic_store)
    assert got.code != 0 and message in got.err and "Traceback" not in got.err


def test_queries_command_lists_every_query(run_cli):
    got = run_cli("queries")
    assert got.code == 0
    for q in QUERIES:
        assert f"{q.name}: {q.title}" in got.out
    assert "--param law=..." in got.out
    assert run_cli("queries", "--names").out.split() == NAMES
    shown = run_cli("queries", "documents")
    assert shown.out.startswith("# title:")
