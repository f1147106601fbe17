"""An invented budget website (the budget 2025 of the made-up municipality Vlietmond), as HTML
pages with their furniture and as the same content in plain text.

Every word here is invented for the tests. The pages have what municipal budget sites have
around their content: a cookie banner, a skip link, a header with a menu, breadcrumbs, a
sidebar, "Terug naar navigatie" and "Deel deze pagina" links and a footer. The content (one
page per programme, one task-field page, fixed headings, goals, activities, a finance table
on each programme page) is kept once, in `PAGES`, and written out both ways, so the site and
the text cannot drift apart. The gold key for it is tests/data/site/vlietmond-begroting-2025.gold.json.

Used by tests/test_site_fidelity.py; a module of its own (not test_*) so that benchmarks can
serve the same site.
"""

from __future__ import annotations

import html
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

GOLD = Path(__file__).parent / "data" / "site" / "vlietmond-begroting-2025.gold.json"
TEXT_NAME = "vlietmond-begroting-2025.txt"

FINANCE_HEAD = ("Bedragen x € 1.000", "Rekening 2023", "Begroting 2024", "Begroting 2025")

# (path, page title, blocks); a block is ("h2", text), ("p", text), ("ul", [items]) or
# ("table", [rows]). In the order of the site's menu (the order a breadth-first crawl finds).
PAGES: list[tuple[str, str, list]] = [
    (
        "/",
        "Begroting 2025",
        [
            ("h2", "Inleiding"),
            (
                "p",
                "In deze begroting leest u per programma wat de gemeente Vlietmond in 2025 wil "
                "bereiken, wat zij daarvoor gaat doen en wat dat kost.",
            ),
        ],
    ),
    (
        "/programma-1-bestuur",
        "Programma 1 Bestuur en dienstverlening",
        [
            ("h2", "Wat willen we bereiken?"),
            (
                "p",
                "Inwoners en ondernemers van Vlietmond worden snel en goed geholpen, aan de "
                "balie, aan de telefoon en online.",
            ),
            ("h2", "Wat gaan we doen?"),
            (
                "p",
                "Samen met het Klantcontactcentrum Vlietstreek openen we in 2025 een servicepunt "
                "in de bibliotheek van Oosterhaven.",
            ),
            (
                "p",
                "We voeren de Wet open overheid uit en maken alle besluiten van het college "
                "binnen twee weken openbaar.",
            ),
            ("h2", "Wat mag het kosten?"),
            (
                "table",
                [
                    FINANCE_HEAD,
                    ("Lasten", "12.340", "12.910", "13.275"),
                    ("Baten", "-1.205", "-1.180", "-1.150"),
                    ("Saldo", "11.135", "11.730", "12.125"),
                ],
            ),
        ],
    ),
    (
        "/programma-2-sociaal-domein",
        "Programma 2 Sociaal domein",
        [
            ("h2", "Wat willen we bereiken?"),
            ("p", "Meer inwoners doen mee in de samenleving en vinden werk dat bij hen past."),
            ("p", "Kinderen en jongeren in Vlietmond groeien veilig en gezond op."),
            ("h2", "Wat gaan we doen?"),
            (
                "ul",
                [
                    "Met Werkbedrijf Vlietstreek begeleiden we tweehonderd inwoners met een "
                    "uitkering uit de Participatiewet naar betaald werk.",
                    "Stichting Jeugdwerk Vlietmond opent een jongerencentrum in de wijk "
                    "Molenkwartier.",
                    "Samen met GGD Vlietland en de huisartsen voeren we de Jeugdwet uit in elke "
                    "wijk.",
                ],
            ),
            ("h2", "Wat mag het kosten?"),
            (
                "table",
                [
                    FINANCE_HEAD,
                    ("Lasten", "48.120", "49.870", "51.300"),
                    ("Baten", "-9.410", "-9.650", "-9.800"),
                    ("Saldo", "38.710", "40.220", "41.500"),
                ],
            ),
        ],
    ),
    (
        "/programma-3-ruimte",
        "Programma 3 Ruimte en wonen",
        [
            ("h2", "Wat willen we bereiken?"),
            ("p", "Tot 2030 komen er in Vlietmond twaalfhonderd betaalbare woningen bij."),
            ("h2", "Wat gaan we doen?"),
            (
                "p",
                "Met woningcorporatie Havenstaete bouwen we honderdtachtig sociale huurwoningen "
                "aan de Kadeweg.",
            ),
            (
                "p",
                "We stellen het omgevingsplan op volgens de Omgevingswet, met inspraak van "
                "bewoners in elke wijk.",
            ),
            ("h2", "Wat mag het kosten?"),
            (
                "table",
                [
                    FINANCE_HEAD,
                    ("Lasten", "21.560", "22.040", "22.790"),
                    ("Baten", "-6.330", "-6.410", "-6.520"),
                    ("Saldo", "15.230", "15.630", "16.270"),
                ],
            ),
        ],
    ),
    (
        "/programma-2-sociaal-domein/taakveld-6-1",
        "Taakveld 6.1 Samenkracht en burgerparticipatie",
        [
            (
                "p",
                "Met de Vrijwilligerscentrale Vlietmond ondersteunen we vrijwilligers en "
                "mantelzorgers in alle wijken.",
            ),
        ],
    ),
]

# furniture: every word of it is one that the content does not use, so a test can look for it
COOKIE_WORDS = ("cookies", "Accepteren", "Weigeren", "Cookie-instellingen")
MENU_WORDS = ("Menu", "Zoeken", "Paragrafen", "Rijksoverheid")
BREADCRUMB_WORDS = ("Home", "Programma's")
OTHER_FURNITURE = (
    "Ga direct naar de inhoud",
    "Terug naar navigatie",
    "Deel deze pagina",
    "In dit programma",
    "Stadhuisplein",
    "Postbus",
    "Privacyverklaring",
    "Toegankelijkheidsverklaring",
    "Colofon",
)
FURNITURE_WORDS = COOKIE_WORDS + MENU_WORDS + BREADCRUMB_WORDS + OTHER_FURNITURE


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _menu(current: str) -> str:
    items = "".join(
        f'<li><a href="{path}"{" aria-current=page" if path == current else ""}>{_e(title)}</a></li>'
        for path, title, _ in PAGES[1:4]
    )
    return (
        '<div id="cookie-consent" class="cookie-banner" role="dialog"><p>Deze website gebruikt '
        "cookies om het gebruik te meten en de site te verbeteren. Kies Accepteren of Weigeren, of "
        "pas uw keuze aan in de Cookie-instellingen.</p><button>Accepteren</button>"
        "<button>Weigeren</button></div>"
        '<a class="skiplink" href="#inhoud">Ga direct naar de inhoud</a>'
        '<header><a class="logo" href="/">Gemeente Vlietmond</a>'
        '<nav aria-label="Hoofdmenu"><button>Menu</button><ul>'
        f'<li><a href="/">Home</a></li>{items}'
        '<li><a href="/paragrafen">Paragrafen</a></li>'
        '<li><a href="/zoeken">Zoeken</a></li>'
        '<li><a href="https://www.rijksoverheid.example/">Rijksoverheid</a></li>'
        "</ul></nav></header>"
    )


def _breadcrumb(path: str, title: str) -> str:
    if path == "/":
        return ""
    return (
        '<nav class="breadcrumb" aria-label="Kruimelpad"><ol><li><a href="/">Home</a></li>'
        f'<li><a href="/">Programma\'s</a></li><li>{_e(title)}</li></ol></nav>'
    )


def _block_html(block) -> str:
    kind, value = block
    if kind == "h2":
        return f"<h2>{_e(value)}</h2>"
    if kind == "p":
        return f"<p>{_e(value)}</p>"
    if kind == "ul":
        return "<ul>" + "".join(f"<li>{_e(item)}</li>" for item in value) + "</ul>"
    if kind == "table":
        head, *rows = value
        cells = "".join(f"<th>{_e(c)}</th>" for c in head)
        body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
        return f"<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"
    raise ValueError(kind)


def page_html(path: str) -> bytes:
    """One page of the site, with all its furniture."""
    [(title, blocks)] = [(t, b) for p, t, b in PAGES if p == path]
    sidebar = ""
    children = [(p, t) for p, t, _ in PAGES if p.startswith(path + "/")] if path != "/" else []
    if children:
        links = "".join(f'<li><a href="{p}">{_e(t)}</a></li>' for p, t in children)
        sidebar = f"<aside><h3>In dit programma</h3><ul>{links}</ul></aside>"
    content = "".join(_block_html(b) for b in blocks)
    return (
        "<!DOCTYPE html><html lang='nl'><head><meta charset='utf-8'>"
        f"<title>{_e(title)} - Begroting 2025 - Gemeente Vlietmond</title>"
        "<style>.cookie-banner{position:fixed;bottom:0}</style>"
        "<script>window.dataLayer=window.dataLayer||[];</script></head><body>"
        f"{_menu(path)}{_breadcrumb(path, title)}"
        f'<main id="inhoud"><article><h1>{_e(title)}</h1>{content}'
        '<p><a href="#top">Terug naar navigatie</a></p>'
        '<p><a href="#delen">Deel deze pagina</a></p></article></main>'
        f"{sidebar}<footer><p>Gemeente Vlietmond | Stadhuisplein 1 | Postbus 100</p>"
        '<ul><li><a href="/privacy">Privacyverklaring</a></li>'
        '<li><a href="/toegankelijkheid">Toegankelijkheidsverklaring</a></li>'
        '<li><a href="/colofon">Colofon</a></li></ul></footer></body></html>'
    ).encode()


def plain_text() -> str:
    """The same content as a plain text file, as someone would save it from the site: the page
    titles and headings on their own lines, bullets as '•', table cells apart by tabs, a blank
    line between blocks and between pages."""
    blocks: list[str] = []
    for _path, title, content in PAGES:
        blocks.append(title)
        for kind, value in content:
            if kind in ("h2", "p"):
                blocks.append(value)
            elif kind == "ul":
                blocks.append("\n".join(f"• {item}" for item in value))
            else:
                blocks.append("\n".join("\t".join(row) for row in value))
    return "\n\n".join(blocks) + "\n"


@dataclass
class Site:
    """The site as served: its start address, how often each path was asked for, and a page
    that answers only once `release` is set (`stalled` is set when it is asked for): a crawl
    can be caught half-way."""

    url: str
    hits: Counter[str] = field(default_factory=Counter)
    stall: str | None = None
    stalled: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)


@contextmanager
def serving(stall: str | None = None) -> Iterator[Site]:
    """The site on a free port of 127.0.0.1, for as long as the block runs; with `stall`, the
    page at that path waits for `site.release` before it answers."""
    routes = {path: page_html(path) for path, _, _ in PAGES}
    holder: dict[str, Site] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            site = holder["site"]
            site.hits[self.path] += 1
            if self.path == site.stall and not site.release.is_set():
                site.stalled.set()
                site.release.wait(60)
            body = routes.get(self.path)
            if self.path == "/robots.txt":
                status, kind, body = 200, "text/plain", b"User-agent: *\nAllow: /\n"
            elif body is None:
                status, kind, body = 404, "text/html", b"<p>Pagina niet gevonden</p>"
            else:
                status, kind = 200, "text/html; charset=utf-8"
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    holder["site"] = Site(f"http://127.0.0.1:{server.server_address[1]}/", stall=stall)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield holder["site"]
    finally:
        holder["site"].release.set()
        server.shutdown()
        server.server_close()
