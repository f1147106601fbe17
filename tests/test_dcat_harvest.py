"""The DCAT-AP description as a portal takes it: the official DCAT-AP 3.0.1 shapes
(../shared/dcat-ap, pyshacl with RDFS inference) and what CKAN's DCAT harvester reads.

ckanext-dcat's own parser is not used: it imports CKAN at import time, and CKAN's package names
its run-time dependencies only in an extra with exact pins that would downgrade a dozen packages
of this project's environment (lxml, click, certifi, packaging, pluggy, python-dateutil, ...)
and build psycopg2. `harvested` below reads the same fields by SPARQL, the way ckanext-dcat
2.4's euro_dcat_ap_3 profile does (ckanext/dcat/profiles/euro_dcat_ap_base.py, base.py):
every subject typed dcat:Dataset (no inference) is a package; its licence is the first of its
distributions' dct:license that CKAN's licence register knows, by IRI or else by the licence's
dct:title.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from beleidsgraaf.graph.dcat import (
    BG_ONTOLOGY,
    EU_LANGUAGE,
    EU_THEME,
    DcatOptions,
    dcat_description,
)
from beleidsgraaf.graph.store import opened
from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, SH, XSD

from beleidsgraaf.namespaces import BG, data_base

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
ALMERE = "https://identifier.overheid.nl/tooi/id/gemeente/gm0034"
OPTIONS = dict(access_url="https://data.example.org/bg/", issued=date(2026, 1, 1))

# CKAN 2.12's default licence register (ckan/model/license.py): (id, url, title), open ones.
CKAN_LICENCES = [
    ("odc-pddl", "http://www.opendefinition.org/licenses/odc-pddl",
     "Open Data Commons Public Domain Dedication and License (PDDL)"),
    ("odc-odbl", "http://www.opendefinition.org/licenses/odc-odbl",
     "Open Data Commons Open Database License (ODbL)"),
    ("odc-by", "http://www.opendefinition.org/licenses/odc-by",
     "Open Data Commons Attribution License"),
    ("cc-zero", "http://www.opendefinition.org/licenses/cc-zero", "Creative Commons CCZero"),
    ("cc-by", "http://www.opendefinition.org/licenses/cc-by", "Creative Commons Attribution"),
    ("cc-by-sa", "http://www.opendefinition.org/licenses/cc-by-sa",
     "Creative Commons Attribution Share-Alike"),
]  # fmt: skip


@pytest.fixture(scope="module")
def official() -> Graph:
    """The official DCAT-AP 3.0.1 shapes, read from ../shared (never copied into the project)."""
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent (the official shapes live outside the repository)")
    path = SHARED / "dcat-ap" / "dcat-ap-SHACL.ttl"
    assert path.is_file(), f"{SHARED} exists but the DCAT-AP shapes are missing: {path}"
    return Graph().parse(path, format="turtle")


def violations(description: Graph, shapes: Graph) -> list[tuple[str, str, str]]:
    """(focus, path, message) of every violation, pyshacl with RDFS inference as portals run it."""
    _, report, _ = validate(description, shacl_graph=shapes, inference="rdfs")
    return sorted(
        (str(report.value(r, SH.focusNode)), str(report.value(r, SH.resultPath)),
         str(report.value(r, SH.resultMessage)))
        for r in report.subjects(SH.resultSeverity, SH.Violation)
    )  # fmt: skip


@pytest.fixture(scope="module")
def sample_description(tmp_path_factory, sample_path) -> Graph:
    from beleidsgraaf.pipeline import build

    path = tmp_path_factory.mktemp("dcat-sample") / "store"
    [result] = build([sample_path], store=path, entities=False)
    assert result.status == "ok", result.message
    with opened(path) as ds:
        return dcat_description(ds, DcatOptions(**OPTIONS))


@pytest.fixture(scope="module")
def ten_store(tmp_path_factory) -> Path:
    """Ten realdev documents (ten municipalities, two of them not recognised from the file name:
    no publisher, so the catalogue's)."""
    folder = SHARED / "realdev"
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent (the realdev corpus lives outside the repository)")
    from beleidsgraaf.pipeline import build

    files = sorted(folder.glob("*.txt"))[:10]
    assert len(files) == 10
    path = tmp_path_factory.mktemp("dcat-ten") / "store"
    results = build(files, store=path, entities=False)
    assert [r.status for r in results] == ["ok"] * 10, [r.message for r in results]
    return path


@pytest.fixture(scope="module")
def ten_description(ten_store) -> Graph:
    with opened(ten_store) as ds:
        return dcat_description(ds, DcatOptions(publisher=ALMERE, **OPTIONS))


def test_sample_conforms_to_the_official_shapes(sample_description, official):
    assert violations(sample_description, official) == []


def test_ten_documents_conform_to_the_official_shapes(ten_description, official):
    assert violations(ten_description, official) == []


def test_official_shapes_want_the_vocabulary_declared(sample_description, official):
    """Without the class declarations the official shapes fail the way the issue found."""
    bare = Graph()
    for t in sample_description:
        bare.add(t)
    for node in (EU_LANGUAGE.NLD, EU_THEME.GOVE, EU_THEME.SOCI, BG_ONTOLOGY):
        bare.remove((node, RDF.type, None))
    paths = {
        path.rsplit("/", 1)[-1].rsplit("#", 1)[-1] for _, path, _ in violations(bare, official)
    }
    assert paths == {"language", "theme", "conformsTo"}


def test_source_must_be_a_dataset_for_the_official_shapes(sample_description, official):
    """DCAT-AP gives dct:source the range dcat:Dataset: bg:SourceDocument is one by RDFS."""
    bare = Graph()
    for t in sample_description:
        bare.add(t)
    bare.remove((BG.SourceDocument, None, None))
    assert {path for _, path, _ in violations(bare, official)} == {str(DCTERMS.source)}


# --- what the harvester reads -------------------------------------------------------------

_LICENCES = " ".join(f'(<{url}> "{title}"@en)' for _, url, title in CKAN_LICENCES)
DATASETS = f"""
SELECT ?d (SAMPLE(?title) AS ?t) (SAMPLE(?notes) AS ?n) (SAMPLE(?publisher) AS ?p)
       (SAMPLE(?name) AS ?pn) (SAMPLE(?licence) AS ?l) (SAMPLE(?start) AS ?s) (SAMPLE(?end) AS ?e)
       (SAMPLE(?source) AS ?src) (COUNT(DISTINCT ?dist) AS ?dists)
WHERE {{
  ?d a dcat:Dataset .
  OPTIONAL {{ ?d dcterms:title ?title }}
  OPTIONAL {{ ?d dcterms:description ?notes }}
  OPTIONAL {{ ?d dcterms:publisher ?publisher . OPTIONAL {{ ?publisher foaf:name ?name }} }}
  OPTIONAL {{ ?d dcterms:temporal ?period . ?period dcat:startDate ?start ; dcat:endDate ?end }}
  OPTIONAL {{ ?d dcterms:source ?source }}
  OPTIONAL {{ ?d dcat:distribution ?dist }}
  OPTIONAL {{
    VALUES (?url ?register_title) {{ {_LICENCES} }}
    ?d dcat:distribution/dcterms:license ?licence .
    OPTIONAL {{ ?licence dcterms:title ?licence_title }}
    FILTER (?licence = ?url || STR(?licence_title) = STR(?register_title))
  }}
}}
GROUP BY ?d ORDER BY ?d
"""
DISTRIBUTIONS = """
SELECT ?d ?dist ?format ?licence ?access WHERE {
  ?d a dcat:Dataset ; dcat:distribution ?dist .
  OPTIONAL { ?dist dcterms:format ?format }
  OPTIONAL { ?dist dcterms:license ?licence }
  OPTIONAL { ?dist dcat:accessURL ?access }
}
"""
_NS = {"dcat": DCAT, "dcterms": DCTERMS, "foaf": URIRef("http://xmlns.com/foaf/0.1/")}


def harvested(g: Graph) -> dict[URIRef, dict]:
    """Dataset -> the fields CKAN's harvester fills from it (None where it finds nothing)."""
    out = {}
    for d, t, n, p, pn, licence, s, e, src, dists in g.query(DATASETS, initNs=_NS):
        out[d] = dict(
            title=t, notes=n, publisher=p, publisher_name=pn, licence=licence,
            temporal=(s, e) if s and e else None, source=src, distributions=int(dists),
        )  # fmt: skip
    return out


def missing(g: Graph) -> list[str]:
    """What a harvester misses: per dataset and per distribution, the fields it cannot fill."""
    problems = []
    for d, fields in harvested(g).items():
        for key in ("title", "notes", "publisher", "publisher_name", "licence", "temporal"):
            if fields[key] is None:
                problems.append(f"{d}: {key}")
        if not fields["distributions"]:
            problems.append(f"{d}: no distribution")
    for d, dist, fmt, licence, access in g.query(DISTRIBUTIONS, initNs=_NS):
        for key, value in (("format", fmt), ("licence", licence), ("access URL", access)):
            if value is None:
                problems.append(f"{dist} of {d}: {key}")
    return problems


@pytest.mark.parametrize("which", ["sample_description", "ten_description"])
def test_harvester_finds_every_field(which, request):
    g = request.getfixturevalue(which)
    assert missing(g) == []


def test_one_dataset_per_document_and_one_for_the_whole(ten_description, ten_store):
    datasets = harvested(ten_description)
    assert len(datasets) == 11  # the source documents are no packages (typed by inference only)
    whole = URIRef(f"{data_base()}dataset")
    assert datasets[whole]["temporal"] == (
        Literal("2015-01-01", datatype=XSD.date),
        Literal("2022-12-31", datatype=XSD.date),
    )
    parts = {d for d in datasets if d != whole}
    assert all((d, DCTERMS.isPartOf, whole) in ten_description for d in parts)
    catalog = URIRef(f"{data_base()}catalog")
    assert set(ten_description.objects(catalog, DCAT.dataset)) == set(datasets)


def test_document_dataset_says_municipality_year_and_source(ten_description, ten_store):
    with opened(ten_store) as ds:
        rows = list(
            ds.query(
                "PREFIX bg: <https://w3id.org/beleidsgraaf/def#>"
                " PREFIX dcterms: <http://purl.org/dc/terms/>"
                " SELECT ?d ?file ?year ?p WHERE { GRAPH ?g { ?d a bg:Document ;"
                " dcterms:source ?file ; bg:year ?year OPTIONAL { ?d dcterms:publisher ?p } } }"
            )
        )
    assert len(rows) == 10
    datasets = harvested(ten_description)
    unknown = 0
    for doc, file, year, municipality in rows:
        part = URIRef(str(doc).replace(data_base(), f"{data_base()}dataset/", 1))
        fields = datasets[part]
        start, end = fields["temporal"]
        assert (str(start), str(end)) == (f"{year}-01-01", f"{year}-12-31")
        if municipality is None:  # not recognised: the catalogue's publisher, not named
            unknown += 1
            assert fields["publisher"] == URIRef(ALMERE)
            assert "Almere" not in str(fields["title"])
        else:
            assert fields["publisher"] == municipality
            assert str(fields["publisher_name"]).removeprefix("gemeente ") in str(fields["title"])
        source = fields["source"]
        assert (source, RDF.type, BG.SourceDocument) in ten_description
        assert (source, RDF.type, DCAT.Dataset) not in ten_description
        assert ten_description.value(source, DCTERMS.identifier) == Literal(str(file))
        for dist in ten_description.objects(part, DCAT.distribution):
            url = str(ten_description.value(dist, DCAT.downloadURL))
            path = str(doc).removeprefix(data_base())
            assert url.startswith(f"https://data.example.org/bg/{path}/")
    assert unknown == 2  # capelleaandenijssel-..., denhaag-...


def test_harvester_misses_a_licence_without_its_title(sample_description):
    """The check can fail: an EU licence IRI alone is unknown to CKAN's default register."""
    bare = Graph()
    for t in sample_description:
        bare.add(t)
    bare.remove((None, DCTERMS.title, Literal("Creative Commons CCZero", lang="en")))
    problems = missing(bare)
    assert len(problems) == 2 and all(p.endswith(": licence") for p in problems)


def test_per_document_files_are_where_the_description_points(ten_store, run_cli, tmp_path):
    out = tmp_path / "publish"
    dcat = tmp_path / "dcat.ttl"
    args = ["--store", ten_store, "--publisher", ALMERE]
    assert run_cli("export", *args, "--format", "turtle", "--per-document", "-o", out).code == 0
    assert run_cli("export", *args, "--format", "csv", "--per-document", "-o", out).code == 0
    access = "https://data.example.org/bg/"
    assert run_cli("export", *args, "--dcat", dcat, "--access-url", access).code == 0
    g = Graph().parse(dcat, format="turtle")
    whole = URIRef(f"{data_base()}dataset")
    checked = 0
    for part in g.subjects(DCTERMS.isPartOf, whole):
        for dist in g.objects(part, DCAT.distribution):
            url = str(g.value(dist, DCAT.downloadURL))
            local = out / url.removeprefix(access)
            if url.endswith(".ttl"):
                doc = Graph().parse(local, format="turtle")
                documents = set(doc.subjects(RDF.type, BG.Document))
                assert len(documents) == 1 and len(doc) > 50
                checked += 1
            elif url.endswith("/csv/"):
                assert (local / "activities.csv").is_file()
                checked += 1
    assert checked == 20
    bad = run_cli("export", *args, "--format", "turtle", "--per-document")
    assert bad.code == 2 and "--per-document" in bad.err
