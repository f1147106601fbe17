"""National identifiers: the tables in ontology/ and the triples extract/linking.py makes of them."""

from __future__ import annotations

import re

import pytest
from beleidsgraaf.extract import linking
from beleidsgraaf.extract.metadata import municipality_from_name
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, OWL, RDF, SKOS

from beleidsgraaf.namespaces import BG

DOC = URIRef("https://w3id.org/beleidsgraaf/id/amersfoort/doc")


def test_municipality_table_is_complete_and_well_formed():
    table = linking.gemeenten()
    assert len(table) == 342  # CBS list of 1 January 2023 (see docs/open-data.md)
    assert all(re.fullmatch(r"gm\d{4}", code) for code in table)
    assert len(set(table.values())) == len(table)
    assert table["gm0307"] == "Amersfoort"
    assert len(linking.provincies()) == 12
    assert linking.provincies()["pv26"] == "Utrecht"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Amersfoort", "gm0307"),
        ("gemeente Amersfoort", "gm0307"),
        ("AMERSFOORT", "gm0307"),
        ("Den Haag", "gm0518"),
        ("'s-Gravenhage", "gm0518"),
        ("Den Bosch", "gm0796"),
        ("Súdwest-Fryslân", "gm1900"),
        ("Sudwest-Fryslan", "gm1900"),
        ("Hengelo", "gm0164"),
    ],
)
def test_municipality_code(name, code):
    assert linking.municipality_code(name) == code


@pytest.mark.parametrize("name", ["Bergen", "Lindeloo", "", None, "Utrechtse Heuvelrugge"])
def test_unknown_or_ambiguous_municipality_gets_no_code(name):
    assert linking.municipality_code(name) is None
    assert linking.municipality_iri(name) is None
    assert linking.municipality_triples(DOC, name) == []


def test_municipality_iri_is_tooi():
    assert linking.municipality_iri("Amersfoort") == URIRef(
        "https://identifier.overheid.nl/tooi/id/gemeente/gm0307"
    )


def test_municipality_triples_publisher_and_label():
    g = Graph()
    for t in linking.municipality_triples(DOC, "Amersfoort"):
        g.add(t)
    tooi = URIRef("https://identifier.overheid.nl/tooi/id/gemeente/gm0307")
    assert (DOC, DCTERMS.publisher, tooi) in g
    assert (DOC, DCTERMS.spatial, tooi) in g
    assert (tooi, RDF.type, ORG.Organization) in g
    assert (tooi, SKOS.prefLabel, Literal("gemeente Amersfoort", lang="nl")) in g


@pytest.mark.parametrize(
    ("stem", "expected"),
    [
        ("amersfoort-programmabegroting-2021-programma-2", "Amersfoort"),
        ("den-haag-begroting-2022", "'s-Gravenhage"),
        ("s-hertogenbosch-jaarverslag", "'s-Hertogenbosch"),
        ("bergen-op-zoom-kadernota-2020", "Bergen op Zoom"),
        ("bergen-nh-begroting", "Bergen (NH.)"),
        ("programmabegroting-2021", None),
        ("lindeloo-programmabegroting-2022", None),
    ],
)
def test_known_table_for_file_names(stem, expected):
    assert municipality_from_name(stem, linking.municipality_slugs()) == expected


def _rows(name):
    return linking.read_table(name)


def test_laws_csv_keeps_its_columns_and_ids_are_well_formed():
    rows = _rows("laws.csv")
    assert list(rows[0]) == ["label", "aliases", "bwb_id", "wikidata_id", "note"]
    for row in rows:
        assert row["label"]
        assert row["note"], f"{row['label']}: every row says where its id was verified"
        assert not row["bwb_id"] or re.fullmatch(r"BWBR\d{7}", row["bwb_id"]), row
        assert not row["wikidata_id"] or re.fullmatch(r"Q\d+", row["wikidata_id"]), row
    owners: dict[str, set[str]] = {}
    for r in rows:
        for n in [r["label"], *r["aliases"].split("|")]:
            owners.setdefault(n.lower(), set()).add(r["label"]) if n else None
    assert all(len(v) == 1 for v in owners.values()), "a name may point at one law only"


def test_organisations_csv_is_national_and_well_formed():
    rows = _rows("organisations.csv")
    assert list(rows[0]) == ["label", "aliases", "wikidata_id", "other_id", "note"]
    for row in rows:
        assert row["label"] and row["note"]
        assert not row["wikidata_id"] or re.fullmatch(r"Q\d+", row["wikidata_id"]), row
        assert not row["other_id"] or row["other_id"].startswith("https://"), row
        assert not row["label"].lower().startswith("gemeente "), "no local organisations"


def test_law_ids():
    ids = linking.law_ids()
    bwb = URIRef("https://wetten.overheid.nl/BWBR0044770")
    assert ids["wet inburgering"] == (bwb,)
    assert ids["wet inburgering 2021"] == (bwb,)
    assert ids["wmo"] == (URIRef("https://wetten.overheid.nl/BWBR0035362"),)
    # the meldcode act is deliberately left without an id (see its note)
    assert "wet meldcode huiselijk geweld en kindermishandeling" not in ids


def _entity(g: Graph, kind, iri: str, pref: str, *alt: str) -> URIRef:
    node = URIRef(iri)
    g.add((node, RDF.type, kind))
    g.add((node, SKOS.prefLabel, Literal(pref, lang="nl")))
    for a in alt:
        g.add((node, SKOS.altLabel, Literal(a, lang="nl")))
    return node


def test_entity_links_for_laws_and_organisations():
    g = Graph()
    law = _entity(g, BG.Law, "https://x/law/wet-inburgering", "wet Inburgering")
    alt_only = _entity(g, BG.Law, "https://x/law/wmo", "de Wmo-wet", "Wmo 2015")
    unknown = _entity(g, BG.Law, "https://x/law/fantasiewet", "Fantasiewet")
    cbs = _entity(g, BG.Organisation, "https://x/org/cbs", "CBS")
    place = _entity(g, BG.Place, "https://x/place/cbs", "CBS")
    links = set(linking.entity_links(g))
    assert (law, OWL.sameAs, URIRef("https://wetten.overheid.nl/BWBR0044770")) in links
    assert (alt_only, OWL.sameAs, URIRef("https://wetten.overheid.nl/BWBR0035362")) in links
    assert (cbs, OWL.sameAs, URIRef("http://www.wikidata.org/entity/Q167086")) in links
    assert not any(s in (unknown, place) for s, _, _ in links)


def test_conflicting_alt_labels_link_to_nothing():
    g = Graph()
    node = _entity(g, BG.Law, "https://x/law/mix", "de wetten", "Jeugdwet", "Participatiewet")
    assert linking.entity_links(g) == []
    assert node is not None
