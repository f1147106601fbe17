"""Networks from a small synthetic graph written to a real store, and their exports."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest
from beleidsgraaf.graph.network import (
    NetworkError,
    filter_network,
    law_network,
    legend_for,
    network_summary,
    organisation_network,
    partner_network,
)
from beleidsgraaf.graph.pictures import to_png, to_pyvis, write_gexf, write_graphml
from beleidsgraaf.graph.store import opened, replace_graph
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from beleidsgraaf.cli import main
from beleidsgraaf.namespaces import BG, BWB, ITSRDF, NIF, WD

D = Namespace("https://example.org/id/test/doc")
S1, S2 = D["/s/2.1.1"], D["/s/2.1.2"]
G1, G2 = D["/g/2.1.1/1"], D["/g/2.1.2/1"]
A1, A2, A3, A4 = (D[f"/a/{i}"] for i in (1, 2, 3, 4))
GGD = URIRef("https://example.org/id/organisation/ggd-regio-utrecht")
BUURT = URIRef("https://example.org/id/test/organisation/indebuurt033")
HUISARTSEN = URIRef("https://example.org/id/actorgroup/huisartsen")
WMO = URIRef("https://example.org/id/law/wmo-2015")
WMO_BWB = BWB["BWBR0035362"]
GGD_WD = WD["Q2320640"]
TASKFIELD = URIRef("https://example.org/taakveld/6.2")
SENTENCE_A1 = "Samen met de GGD en Indebuurt033 werken we aan de Wmo-toegang."


def synthetic_graph() -> Graph:
    """Two sections, two goals, four activities, two organisations, one actor group, one law:
    small enough to know every node, edge and weight by heart."""
    g = Graph(identifier=URIRef(str(D)))
    doc = URIRef(str(D))
    g.add((doc, RDF.type, BG.Document))
    for s, n, title in ((S1, "2.1.1", "Basisinfrastructuur"), (S2, "2.1.2", "Zorg")):
        g.add((s, RDF.type, BG.Section))
        g.add((s, SKOS.notation, Literal(n)))
        g.add((s, RDFS.label, Literal(title, lang="nl")))
        g.add((s, DCTERMS.isPartOf, doc))
    g.add((S2, DCTERMS.subject, TASKFIELD))  # an Iv3 task field, as a concept
    g.add((TASKFIELD, SKOS.notation, Literal("6.2")))
    g.add((TASKFIELD, SKOS.prefLabel, Literal("Toegang en eerstelijnsvoorzieningen", lang="nl")))
    for goal, s, text in ((G1, S1, "Meer mensen doen mee."), (G2, S2, "Goede zorg.")):
        g.add((goal, RDF.type, BG.Goal))
        g.add((goal, SKOS.notation, Literal("1")))
        g.add((goal, RDFS.label, Literal(text, lang="nl")))
        g.add((goal, DCTERMS.isPartOf, s))
    for act, n, s, goal in ((A1, "1.1", S1, G1), (A2, "1.2", S1, G1), (A3, "1.1", S2, G2)):
        g.add((act, RDF.type, BG.Activity))
        g.add((act, SKOS.notation, Literal(n)))
        g.add((act, RDFS.label, Literal(f"Activiteit {n}", lang="nl")))
        g.add((act, DCTERMS.isPartOf, s))
        g.add((act, BG.contributesTo, goal))
    g.add((A4, RDF.type, BG.Activity))
    g.add((A4, RDFS.label, Literal("Zonder nummer", lang="nl")))
    g.add((A4, DCTERMS.isPartOf, S2))
    g.add((A4, BG.contributesTo, G2))
    for e, kind, name, alts, same in (
        (GGD, BG.Organisation, "GGD regio Utrecht", ["GGD"], GGD_WD),
        (BUURT, BG.Organisation, "Indebuurt033", [], None),
        (HUISARTSEN, BG.ActorGroup, "huisartsen", [], None),
        (WMO, BG.Law, "Wet maatschappelijke ondersteuning 2015", ["Wmo"], WMO_BWB),
    ):
        g.add((e, RDF.type, kind))
        g.add((e, SKOS.prefLabel, Literal(name, lang="nl")))
        for alt in alts:
            g.add((e, SKOS.altLabel, Literal(alt, lang="nl")))
        if same is not None:
            g.add((e, OWL.sameAs, same))
    for act, partners in ((A1, [GGD, BUURT]), (A2, [GGD, BUURT, HUISARTSEN]), (A3, [BUURT])):
        for p in partners:
            g.add((act, BG.involves, p))
    g.add((A1, BG.concernsLaw, WMO))
    g.add((A4, BG.concernsLaw, WMO))
    # NIF provenance: the GGD and the Wmo are named in one sentence of activity 1.1
    sentence = D["#offset_0_61"]
    g.add((sentence, RDF.type, NIF.Sentence))
    g.add((sentence, NIF.anchorOf, Literal(SENTENCE_A1)))
    for i, entity in enumerate((GGD, WMO)):
        m = D[f"#offset_{i}_{i + 3}"]
        g.add((m, RDF.type, BG.Mention))
        g.add((m, ITSRDF.taIdentRef, entity))
        g.add((m, NIF.sentence, sentence))
        g.add((m, BG.mentionedIn, A1))
    return g


def make_store(path: Path) -> Path:
    with opened(path) as ds:
        replace_graph(ds, synthetic_graph())
    return path


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    return make_store(tmp_path_factory.mktemp("network") / "store")


@pytest.fixture(scope="module")
def networks(store):
    with opened(store, read_only=True) as ds:
        return partner_network(ds), organisation_network(ds), law_network(ds)


def test_partner_network_nodes_edges_and_attributes(networks):
    P, _, _ = networks
    assert set(P) == {str(x) for x in (GGD, BUURT, HUISARTSEN, A1, A2, A3, G1, G2)}
    assert P.number_of_edges() == 9
    assert P.has_edge(str(GGD), str(A1)) and P.has_edge(str(A3), str(G2))
    assert not P.has_edge(str(GGD), str(A3))
    ggd = P.nodes[str(GGD)]
    assert ggd["kind"] == "Organisation" and ggd["names"] == ["GGD regio Utrecht", "GGD"]
    assert ggd["identifiers"] == [str(GGD_WD)]
    assert ggd["sentences"] == [SENTENCE_A1]
    assert ggd["color"] != P.nodes[str(HUISARTSEN)]["color"]  # coloured by kind
    act = P.nodes[str(A1)]
    assert act["section"] == "2.1.1 Basisinfrastructuur"
    assert act["laws"] == ["Wet maatschappelijke ondersteuning 2015"]
    assert P.edges[str(GGD), str(A1)]["sentences"] == SENTENCE_A1
    # facets spread to neighbours, so a partner can be found by the sections it works in
    assert P.nodes[str(BUURT)]["sections"] == ["2.1.1 Basisinfrastructuur", "2.1.2 Zorg"]
    assert P.nodes[str(HUISARTSEN)]["sections"] == ["2.1.1 Basisinfrastructuur"]
    # the Iv3 task field of section 2.1.2 reaches its activity, goal and partner
    field = ["6.2 Toegang en eerstelijnsvoorzieningen"]
    assert P.nodes[str(A3)]["taskfields"] == field == P.nodes[str(BUURT)]["taskfields"]
    assert P.nodes[str(G2)]["taskfields"] == field
    assert P.nodes[str(GGD)]["taskfields"] == []


def test_metrics_are_networkx_metrics(networks):
    P, _, _ = networks
    between = nx.betweenness_centrality(P)
    for n, d in P.nodes(data=True):
        assert d["degree"] == P.degree(n)
        assert d["betweenness"] == pytest.approx(between[n], abs=1e-4)
    communities = {d["community"] for _, d in P.nodes(data=True)}
    assert communities == set(range(P.graph["communities"]))
    # A2 with three partners and a goal is the busiest activity
    assert P.nodes[str(A2)]["degree"] == 4


def test_organisation_network_is_weighted_projection(networks):
    _, orgs, _ = networks
    assert set(orgs) == {str(GGD), str(BUURT), str(HUISARTSEN)}
    assert orgs.edges[str(GGD), str(BUURT)]["weight"] == 2
    assert orgs.edges[str(GGD), str(HUISARTSEN)]["weight"] == 1
    assert orgs.edges[str(BUURT), str(HUISARTSEN)]["weight"] == 1
    assert orgs.nodes[str(BUURT)]["activity_count"] == 3
    assert orgs.nodes[str(BUURT)]["weighted_degree"] == 3


def test_law_network_reaches_goals_and_sections(networks):
    _, _, L = networks
    assert set(L) == {str(x) for x in (WMO, A1, A4, G1, G2, S1, S2)}
    assert {frozenset(e) for e in L.edges()} == {
        frozenset(map(str, e))
        for e in ((WMO, A1), (WMO, A4), (A1, G1), (A4, G2), (G1, S1), (G2, S2))
    }
    wmo = L.nodes[str(WMO)]
    assert wmo["names"] == ["Wet maatschappelijke ondersteuning 2015", "Wmo"]
    assert wmo["identifiers"] == [str(WMO_BWB)]
    assert L.nodes[str(A1)]["organisations"] == ["GGD regio Utrecht", "Indebuurt033"]


def test_filter_keeps_matches_and_neighbours(networks):
    P, _, _ = networks
    H = filter_network(P, "zorg")  # section 2.1.2 Zorg: A3, G2 and everything touching them
    assert str(A3) in H and str(G2) in H and str(BUURT) in H
    assert str(HUISARTSEN) not in H
    assert H.nodes[str(A3)]["degree"] == H.degree(str(A3))
    with pytest.raises(NetworkError, match="matches"):
        filter_network(P, "no such thing")


def test_summary_rows_most_central_first(networks):
    P, _, _ = networks
    rows = network_summary(P)
    assert len(rows) == P.number_of_nodes()
    assert rows[0]["betweenness"] == max(d["betweenness"] for _, d in P.nodes(data=True))
    assert set(rows[0]) >= {"name", "kind", "degree", "betweenness", "community"}


class _Refs(HTMLParser):
    """Every URL a browser would fetch: src/href of script, link, img, iframe, etc."""

    def __init__(self):
        super().__init__()
        self.fetched: list[str] = []
        self.anchors: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if tag == "a":
            self.anchors.append(attrs.get("href") or "")
        for key in ("src", "href", "data", "srcset", "poster"):
            if key in attrs and tag != "a":
                self.fetched.append(attrs[key] or "")


def test_html_is_self_contained(networks):
    P, _, _ = networks
    html = to_pyvis(P, legend_for(P), title="Partners")
    refs = _Refs()
    refs.feed(html)
    assert refs.scripts >= 2
    assert refs.fetched == []  # nothing loaded by src/href: no CDN, no local lib/ folder
    assert not re.search(r"""(?:@import|url\(\s*['"]?)\s*(?:https?:)?//""", html)
    assert "vis.Network" in html and "Content-Security-Policy" in html
    assert "cdnjs" not in html and "jsdelivr" not in html and "bootstrap" not in html.lower()
    # the data travels with the page: names, identifier links and source sentences
    assert "GGD regio Utrecht" in html and str(GGD_WD) in html and SENTENCE_A1 in html
    for label in legend_for(P):
        assert label in html


def test_html_escapes_hostile_text():
    G = nx.Graph()
    G.add_node("x", kind="Organisation", label="</script><script>alert(1)</script>", degree=0)
    html = to_pyvis(G, {"Organisation": "#0072B2"})
    assert "</script><script>alert(1)" not in html


@pytest.mark.parametrize(
    "writer,reader", [(write_graphml, nx.read_graphml), (write_gexf, nx.read_gexf)]
)
def test_graphml_and_gexf_round_trip(networks, tmp_path, writer, reader):
    _, orgs, _ = networks
    path = writer(orgs, tmp_path / f"o.{writer.__name__.split('_')[1]}")
    back = reader(path)
    assert set(back) == set(orgs)
    assert {frozenset(e) for e in back.edges()} == {frozenset(e) for e in orgs.edges()}
    assert int(back.edges[str(GGD), str(BUURT)]["weight"]) == 2
    assert back.nodes[str(GGD)]["names"] == "GGD regio Utrecht | GGD"
    assert back.nodes[str(GGD)]["kind"] == "Organisation"


def test_png_and_svg(networks, tmp_path):
    P, _, _ = networks
    png = to_png(P, tmp_path / "p.png", legend_for(P))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = to_png(P, tmp_path / "p.svg", legend_for(P))
    assert b"<svg" in svg.read_bytes()[:2000]


def test_cli_writes_each_format(store, tmp_path, capsys):
    for kind, fmt in (("partners", "html"), ("organisations", "graphml"), ("laws", "gexf")):
        out = tmp_path / f"{kind}.{fmt}"
        assert main(["network", "--kind", kind, "--store", str(store), "-o", str(out)]) == 0
        assert out.stat().st_size > 0
    back = nx.read_graphml(tmp_path / "organisations.graphml")
    assert back.number_of_nodes() == 3
    out = tmp_path / "f.graphml"
    assert main(["network", "--store", str(store), "--filter", "huisartsen", "-o", str(out)]) == 0
    assert str(HUISARTSEN) in nx.read_graphml(out)


def test_cli_errors_are_messages(store, tmp_path, capsys):
    out = tmp_path / "x.html"
    assert (
        main(["network", "--store", str(store), "--filter", "nothing like it", "-o", str(out)]) != 0
    )
    assert "matches" in capsys.readouterr().err and not out.exists()
    assert main(["network", "--store", str(tmp_path / "missing"), "-o", str(out)]) != 0
    assert "no store" in capsys.readouterr().err
    assert main(["network", "--store", str(store), "-o", str(tmp_path / "x.doc")]) != 0
    assert "format" in capsys.readouterr().err


def test_png_refuses_networks_too_big_to_lay_out(tmp_path):
    from beleidsgraaf.graph.pictures import PNG_LIMIT

    G = nx.path_graph(PNG_LIMIT + 1)
    with pytest.raises(NetworkError, match="--filter"):
        to_png(G, tmp_path / "big.png")
    assert not (tmp_path / "big.png").exists()


def test_big_networks_start_from_community_discs():
    from beleidsgraaf.graph.network import add_metrics
    from beleidsgraaf.graph.pictures import LARGE

    G = nx.relabel_nodes(nx.connected_caveman_graph(LARGE // 10 + 1, 10), str)
    add_metrics(G)
    html = to_pyvis(G, {})
    assert html.count('"x":') == G.number_of_nodes()
    small = to_pyvis(G.subgraph(list(G)[:20]).copy(), {})
    assert '"x":' not in small


def test_network_command_leaves_the_store_as_it_was(store, tmp_path, store_dump):
    before = store_dump(store)
    assert before
    assert (
        main(["network", "--kind", "laws", "--store", str(store), "-o", str(tmp_path / "l.html")])
        == 0
    )
    assert store_dump(store) == before
