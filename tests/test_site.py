"""A budget website from its start address: crawled on loopback, read as one document.

The site is invented for the test (the budget 2024 of the made-up municipality Vlietmond) and
served by a local http.server on 127.0.0.1; nothing is fetched from outside.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from beleidsgraaf.extract.reader import ReaderError, read_document
from beleidsgraaf.extract.readers.site import CrawlOptions, SiteAddress, crawl
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, FOAF, PROV, RDF

from beleidsgraaf.namespaces import BG

GM0307 = "https://identifier.overheid.nl/tooi/id/gemeente/gm0307"

MENU = """<header><a href="/">Begroting 2024 Vlietmond</a><nav><ul>
<li><a href="/p1/bestuur">Programma 1 Bestuur</a></li>
<li><a href="/p2/zorg">Programma 2 Zorg en welzijn</a></li>
<li><a href="/intern/concept">Concept</a></li>
<li><a href="https://elders.example/">Rijksoverheid</a></li>
<li><a href="/downloads/begroting.pdf">Download PDF</a></li>
<li><a href="/bestaat-niet">Oude pagina</a></li>
</ul></nav></header>
<div class="cookiebar"><p>Deze site gebruikt functionele cookies. Lees ons cookiebeleid.</p></div>
<nav class="breadcrumbs"><a href="/">Home</a> &gt; Programmaplan</nav>"""

FOOTER = """<p class="disclaimer">Deze begroting is vastgesteld door de gemeenteraad van Vlietmond
op 7 november 2023.</p></main><footer>Gemeente Vlietmond | Postbus 1 | Proclaimer</footer>"""


def page(title: str, body: str) -> bytes:
    return (
        f"<!DOCTYPE html><html lang='nl'><head><title>{title}</title></head><body>{MENU}"
        f"<main><h1>{title}</h1>{body}{FOOTER}</body></html>"
    ).encode()


ROUTES: dict[str, tuple[int, str, bytes]] = {
    "/robots.txt": (200, "text/plain", b"User-agent: *\nDisallow: /intern/\n"),
    "/": (
        200,
        "text/html; charset=utf-8",
        page(
            "Begroting 2024",
            "<p>Welkom bij de begroting 2024 van Vlietmond. Hier leest u per programma wat de "
            "gemeente wil bereiken en wat zij daarvoor doet.</p>",
        ),
    ),
    "/p1/bestuur": (
        200,
        "text/html; charset=utf-8",
        page(
            "Programma 1 Bestuur",
            "<h2>Wat willen we bereiken?</h2><p>Inwoners vertrouwen het gemeentebestuur en doen "
            "mee aan besluiten over hun wijk.</p><h2>Wat gaan we doen?</h2><ul><li>We houden "
            "wijkavonden met de Vereniging Dorpsbelang Oosterhaven.</li></ul>"
            "<p><a href='/p1/bestuur/taakveld-0-1'>Taakveld 0.1 Bestuur</a></p>",
        ),
    ),
    "/p1/bestuur/taakveld-0-1": (
        200,
        "text/html; charset=utf-8",
        page(
            "Taakveld 0.1 Bestuur",
            "<p>Dit taakveld omvat de raad, het college en de griffie van Vlietmond.</p>",
        ),
    ),
    "/p2/zorg": (
        200,
        "text/html; charset=utf-8",
        page(
            "Programma 2 Zorg en welzijn",
            "<h2>Wat willen we bereiken?</h2><p>Ouderen wonen langer zelfstandig thuis, met "
            "steun uit hun buurt.</p><h2>Wat gaan we doen?</h2><ul><li>Met Stichting Welzijn "
            "Vlietmond openen we twee nieuwe buurtkamers.</li></ul><h2>Wat mag het kosten?</h2>"
            "<table><tr><th>Bedragen x € 1.000</th><th>2023</th><th>2024</th></tr>"
            "<tr><td>Lasten</td><td>31.450</td><td>33.020</td></tr></table>",
        ),
    ),
    "/intern/concept": (200, "text/html", page("Concept", "<p>Niet voor publicatie.</p>")),
    "/downloads/begroting.pdf": (200, "application/pdf", b"%PDF-1.7 not fetched"),
    "/verslag.pdf": (200, "application/pdf", b"%PDF-1.7 a start page that is no page"),
}


class Site:
    """The test site: its address, and how often each path was asked for."""

    def __init__(self, port: int) -> None:
        self.url = f"http://127.0.0.1:{port}/"
        self.port = port
        self.hits: Counter[str] = Counter()
        self.redirects: dict[str, str] = {}


@pytest.fixture
def site() -> Iterator[Site]:
    holder: dict[str, Site] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            current = holder["site"]
            current.hits[self.path] += 1
            if self.path in current.redirects:
                self.send_response(302)
                self.send_header("Location", current.redirects[self.path])
                self.end_headers()
                return
            status, kind, body = ROUTES.get(self.path, (404, "text/html", b"<p>Niet gevonden</p>"))
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    holder["site"] = Site(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield holder["site"]
    finally:
        server.shutdown()
        server.server_close()


def address(url: str, **options) -> SiteAddress:
    return SiteAddress(url, CrawlOptions(delay=0.0, timeout=5.0, **options))


def test_crawl_stays_on_the_site_and_follows_the_menu_order(site: Site):
    pages = [url for url, _ in crawl(address(site.url))]
    assert pages == [
        site.url,
        site.url + "p1/bestuur",
        site.url + "p2/zorg",
        site.url + "p1/bestuur/taakveld-0-1",
    ]
    assert site.hits["/intern/concept"] == 0  # robots.txt says no
    assert site.hits["/downloads/begroting.pdf"] == 0  # not a web page
    assert site.hits["/bestaat-niet"] == 1  # asked for, answered 404, passed over


def test_site_reads_as_one_document_of_main_content(site: Site):
    source = read_document(address(site.url))
    assert source.media_type == "text/html"
    assert source.url == site.url
    assert source.name == "127.0.0.1.html"
    lines = [line for line in source.text.splitlines() if line.strip()]
    assert lines[:2] == ["Begroting 2024", lines[1]]
    assert "Programma 2 Zorg en welzijn" in lines
    assert "• Met Stichting Welzijn Vlietmond openen we twee nieuwe buurtkamers." in lines
    assert "Bedragen x € 1.000 | 2023 | 2024" in lines
    assert lines.count("Wat willen we bereiken?") == 2  # fixed headings stay on every page
    for noise in ("cookie", "Home", "Postbus", "Rijksoverheid", "Download PDF", "vastgesteld"):
        assert noise not in source.text, noise  # the disclaimer stood on every page
    # each stretch of the text says which page it came from
    assert [p.url for p in source.parts][1] == site.url + "p1/bestuur"
    for part in source.parts:
        assert source.text[part.start : part.end].strip()
    zorg = next(p for p in source.parts if p.url.endswith("/p2/zorg"))
    assert source.text[zorg.start :].startswith("Programma 2 Zorg en welzijn")


def test_pages_and_depth_are_bounded(site: Site):
    assert len(crawl(address(site.url, max_pages=2))) == 2
    shallow = [url for url, _ in crawl(address(site.url, max_depth=1))]
    assert site.url + "p1/bestuur/taakveld-0-1" not in shallow


def test_crawl_keeps_under_the_start_folder(site: Site):
    start = site.url + "p1/bestuur/taakveld-0-1"
    # the folder of the start page is /p1/bestuur/: the menu's other pages lie outside it
    assert [url for url, _ in crawl(address(start))] == [start]


def test_a_rerun_reads_from_the_cache_and_an_interrupted_crawl_resumes(site: Site, tmp_path):
    cache = tmp_path / "cache"
    first = crawl(address(site.url, cache=cache, max_pages=2))  # "interrupted" after 2 pages
    assert len(first) == 2 and site.hits["/"] == 1
    full = crawl(address(site.url, cache=cache))
    assert len(full) == 4
    assert site.hits["/"] == 1 and site.hits["/p1/bestuur"] == 1  # not fetched again
    again = crawl(address(site.url, cache=cache))
    assert again == full and site.hits["/p2/zorg"] == 1
    crawl(address(site.url, cache=cache, refresh=True))
    assert site.hits["/p2/zorg"] == 2


@pytest.mark.parametrize(
    "path, redirect, message",
    [
        ("nergens/", None, "start page answered HTTP 404"),
        ("verslag.pdf", None, "answered application/pdf, not an HTML page"),
        ("weg/", "http://localhost:{port}/", "redirects to http://localhost:.*off the site"),
        ("intern/concept", None, "robots.txt .* does not allow"),
    ],
)
def test_bad_start_pages_are_one_line_errors(site: Site, path, redirect, message):
    if redirect:
        site.redirects["/" + path] = redirect.format(port=site.port)
    with pytest.raises(ReaderError, match=message) as err:
        read_document(address(site.url + path))
    assert "\n" not in str(err.value)


def test_unreachable_site(free_port: int):
    with pytest.raises(ReaderError, match="cannot reach the site"):
        read_document(address(f"http://127.0.0.1:{free_port}/"))


def test_build_from_a_site_address(site: Site, tmp_path: Path, run_cli, store_dump):
    store = tmp_path / "store"
    args = ["build", site.url, "--store", store, "--delay", "0", "--cache", tmp_path / "c"]
    result = run_cli(*args, "--no-entities", "--allow-unstructured")
    assert result.code == 0, result.err
    assert "1 built" in result.err
    dump = store_dump(store)
    assert any("127.0.0.1.html" in line for line in dump)
    # the address it was read from: the DCAT description's source document points there
    assert any(f"dcat#landingPage> <{site.url}>" in line for line in dump)
    out = tmp_path / "dcat.ttl"
    assert run_cli("export", "--store", store, "--dcat", out, "--publisher", GM0307).code == 0
    g = Graph().parse(out, format="turtle")
    [source] = g.subjects(RDF.type, BG.SourceDocument)
    assert g.value(source, DCAT.landingPage) == URIRef(site.url)
    assert (URIRef(site.url), RDF.type, FOAF.Document) in g
    # an unreachable site afterwards: one line, exit 1, the store as it was
    result = run_cli(
        "build", "http://127.0.0.1:9/", "--store", store, "--delay", "0", "--timeout", "2",
        "--cache", tmp_path / "c", "--no-entities",
    )  # fmt: skip
    assert result.code == 1
    assert "cannot reach the site" in result.err and "Traceback" not in result.err
    assert store_dump(store) == dump


def test_bad_crawl_options_are_usage_errors(run_cli, tmp_path: Path):
    result = run_cli("build", "https://vlietmond.example/", "--max-pages", "0")
    assert result.code == 2 and "--max-pages" in result.err


@pytest.fixture(scope="module")
def built_store(tmp_path_factory, sample_path: Path) -> Path:
    """A store that already holds a document (the sample, structure only)."""
    from beleidsgraaf.pipeline import build

    store = tmp_path_factory.mktemp("site-failures") / "store"
    [result] = build([sample_path], store=store, entities=False)
    assert result.status == "ok"
    return store


@pytest.mark.parametrize(
    "case, message",
    [
        ("unreachable host", "cannot reach the site"),
        ("404 start page", "the start page answered HTTP 404"),
        ("redirect off the site", "redirects to http://localhost:.*, off the site"),
        ("not HTML", "answered application/pdf, not an HTML page"),
        ("robots.txt forbids", "robots.txt of .* does not allow fetching it"),
    ],
)
def test_each_failure_is_one_line_a_nonzero_exit_and_the_store_as_it_was(
    case, message, site: Site, built_store: Path, free_port: int, tmp_path: Path, run_cli,
    store_dump,
):  # fmt: skip
    import shutil

    store = tmp_path / "store"
    shutil.copytree(built_store, store)
    before = store_dump(store)
    assert before
    url = {
        "unreachable host": f"http://127.0.0.1:{free_port}/",
        "404 start page": site.url + "nergens/",
        "redirect off the site": site.url + "weg/",
        "not HTML": site.url + "verslag.pdf",
        "robots.txt forbids": site.url + "intern/concept",
    }[case]
    site.redirects["/weg/"] = f"http://localhost:{site.port}/"
    result = run_cli(
        "build", url, "--store", store, "--delay", "0", "--timeout", "5",
        "--cache", tmp_path / "cache", "--no-entities",
    )  # fmt: skip
    assert result.code == 1
    said = [line for line in result.err.splitlines() if re.search(message, line)]
    assert len(said) == 1 and said[0].lstrip().startswith("failed"), result.err
    assert "Traceback" not in result.err
    assert "0 built, 0 skipped, 1 failed" in result.err
    assert store_dump(store) == before


def test_each_page_of_a_site_is_in_the_graph_with_its_address(site: Site):
    from beleidsgraaf.extract.structure import parse_structure
    from beleidsgraaf.extract.triples import DocumentMeta, document_graph
    from rdflib.namespace import DCTERMS

    from beleidsgraaf.namespaces import NIF

    source = read_document(address(site.url))
    tree = parse_structure(source.text)
    g = document_graph(source, tree, DocumentMeta(None, None))
    pages = {g.value(p, DCTERMS.source): p for p in g.subjects(RDF.type, BG.Page)}
    assert set(pages) == {URIRef(p.url) for p in source.parts}
    for part in source.parts:
        page = pages[URIRef(part.url)]
        assert int(g.value(page, NIF.beginIndex)) == part.start
        assert int(g.value(page, NIF.endIndex)) == part.end
    # every activity names the page its text starts on
    zorg = next(p for p in source.parts if p.url.endswith("/p2/zorg"))
    acts = list(g.subjects(RDF.type, BG.Activity))
    assert acts
    for act in acts:
        [url] = [o for o in g.objects(act, DCTERMS.source)]
        part = next(p for p in source.parts if URIRef(p.url) == url)
        start = int(g.value(g.value(act, PROV.wasDerivedFrom), NIF.beginIndex))
        assert part.start <= start < part.end
    assert any(g.value(a, DCTERMS.source) == URIRef(zorg.url) for a in acts)
    from beleidsgraaf.graph.validate import validate_graph

    report = validate_graph(g)
    assert report.conforms, str(report)


def test_entity_provenance_names_the_page_of_a_mention(site: Site, tmp_path: Path, run_cli):
    store = tmp_path / "store"
    args = ["build", site.url, "--store", store, "--delay", "0", "--cache", tmp_path / "c"]
    assert run_cli(*args, "--allow-unstructured").code == 0
    out = tmp_path / "rows.csv"
    result = run_cli(
        "query", "entity-provenance", "--store", store, "-p", "name=Stichting Welzijn Vlietmond",
        "--format", "csv", "-o", out,
    )  # fmt: skip
    assert result.code == 0, result.err
    import csv

    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows and all(r["page"].startswith(site.url) for r in rows)
    source = read_document(address(site.url))
    for r in rows:
        part = next(p for p in source.parts if p.url == r["page"])
        assert part.start <= int(r["start"]) < part.end
