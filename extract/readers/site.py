"""A budget website from its start address: its pages fetched, each read as HTML, one document.

The crawl stays on the start address's host and under its path (the folder of the start page:
`https://host/begroting-2024/` keeps to `/begroting-2024/...`), follows links breadth-first (so
pages come in the order of the site's menus), respects robots.txt (and its Crawl-delay), waits
between requests, and stops at a number of pages and a link depth. Fetched pages are kept in a
cache folder (URL, time, status, type, body), so a rerun or an interrupted crawl fetches only
what it does not have yet.

All pages of one site edition are one document: the main content of each page (see `html`),
one after another with a blank line between, and `SourceText.parts` saying which stretch of the
text came from which URL. A paragraph that stands on most pages (a disclaimer, "kies een
programma") is page furniture and is dropped; headings are kept, because every programme page
has its "Wat willen we bereiken?".

The network is touched only here, through `Fetcher`.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import urllib.robotparser
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

from .base import LayoutText, Part, ReaderError, SourceText, decode, tidy
from .html import page_text

__all__ = [
    "MEDIA_TYPE",
    "CrawlOptions",
    "Fetcher",
    "Page",
    "SiteAddress",
    "crawl",
    "is_site_address",
    "read",
]

MEDIA_TYPE = "text/html"
USER_AGENT = "beleidsgraaf/0.1 (policy-document research crawler)"
MAX_PAGE_BYTES = 20 * 1024 * 1024
REPEATED_SHARE = 0.6
"""A paragraph on at least this share of the pages (3 or more) is page furniture."""

# links to files that are not web pages: not fetched
_NOT_PAGES = re.compile(
    r"\.(?:pdf|docx?|xlsx?|pptx?|odt|ods|csv|zip|jpe?g|png|gif|svg|webp|mp[34]|css|js|ico|xml|json)$",
    re.I,
)


def is_site_address(text: str) -> bool:
    return text[:8].lower().startswith(("http://", "https://"))


@dataclass(frozen=True)
class CrawlOptions:
    max_pages: int = 300
    max_depth: int = 6
    delay: float = 1.0
    timeout: float = 20.0
    cache: Path | None = None
    refresh: bool = False


class SiteAddress(str):
    """A site's start address (the string), with how to crawl it and whom to tell progress."""

    options: CrawlOptions
    on_page: Callable[[str, int, int], None] | None

    def __new__(
        cls,
        url: str,
        options: CrawlOptions | None = None,
        on_page: Callable[[str, int, int], None] | None = None,
    ) -> SiteAddress:
        parts = urlsplit(url.strip())
        if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
            raise ReaderError(f"{url}: not a web address (expected https://host/...)")
        self = super().__new__(cls, urldefrag(parts.geturl())[0])
        self.options = options or CrawlOptions()
        self.on_page = on_page
        return self

    @property
    def name(self) -> str:
        """The document's name: host and path, so that municipality and year are read from it
        like from a file name ('vlietmond.begroting-2024.nl' -> Vlietmond, 2024)."""
        parts = urlsplit(self)
        host = (parts.hostname or "").removeprefix("www.")
        path = "_".join(p for p in _prefix(parts.path).split("/") if p)
        return f"{host}_{path}.html" if path else f"{host}.html"


@dataclass(frozen=True)
class Page:
    url: str
    status: int
    content_type: str
    body: bytes
    charset: str | None = None
    final_url: str = ""


class Fetcher:
    """GET with a timeout, a size limit, a polite delay between requests and a cache folder."""

    def __init__(self, options: CrawlOptions) -> None:
        import requests

        self.options = options
        self.delay = options.delay
        self._session = requests.Session()
        self._session.headers["User-Agent"] = USER_AGENT
        self._last = 0.0
        self.fetched = 0

    def get(self, url: str) -> Page:
        cached = None if self.options.refresh else self._cached(url)
        if cached is not None:
            return cached
        import requests

        wait = self._last + self.delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        try:
            with self._session.get(url, timeout=self.options.timeout, stream=True) as resp:
                body = resp.raw.read(MAX_PAGE_BYTES + 1, decode_content=True)
                page = Page(
                    url,
                    resp.status_code,
                    resp.headers.get("Content-Type", "").split(";")[0].strip().lower(),
                    body[:MAX_PAGE_BYTES],
                    _charset(resp.headers.get("Content-Type", "")),
                    resp.url,
                )
        except requests.Timeout:
            raise ReaderError(
                f"{url}: no answer within {self.options.timeout:g} s; try again later"
            ) from None
        except requests.RequestException as err:
            raise ReaderError(f"{url}: cannot reach the site ({_reason(err)})") from None
        finally:
            self._last = time.monotonic()
        self.fetched += 1
        self._store(page)
        return page

    # the cache: <cache>/<sha1 of the URL>.json (what was answered) and .body (the bytes)
    def _paths(self, url: str) -> tuple[Path, Path] | None:
        if self.options.cache is None:
            return None
        key = hashlib.sha1(url.encode("utf-8")).hexdigest()
        return self.options.cache / f"{key}.json", self.options.cache / f"{key}.body"

    def _cached(self, url: str) -> Page | None:
        paths = self._paths(url)
        if paths is None or not paths[0].is_file() or not paths[1].is_file():
            return None
        try:
            meta = json.loads(paths[0].read_text("utf-8"))
            body = paths[1].read_bytes()
        except (OSError, ValueError):
            return None  # a half-written entry: fetch again
        return Page(
            url, meta["status"], meta["content_type"], body, meta.get("charset"),
            meta.get("final_url", url),
        )  # fmt: skip

    def _store(self, page: Page) -> None:
        paths = self._paths(page.url)
        if paths is None or page.status >= 500:
            return
        meta = {
            "url": page.url,
            "final_url": page.final_url,
            "status": page.status,
            "content_type": page.content_type,
            "charset": page.charset,
            "fetched": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        try:
            paths[0].parent.mkdir(parents=True, exist_ok=True)
            paths[1].write_bytes(page.body)  # body first: an entry counts once its .json exists
            paths[0].write_text(json.dumps(meta), "utf-8")
        except OSError:
            pass  # no cache is no reason to stop the crawl


def _charset(content_type: str) -> str | None:
    match = re.search(r"charset=([\w-]+)", content_type, re.I)
    return match.group(1).lower() if match else None


def _reason(err: Exception) -> str:
    text = str(err)
    for pattern in (r"Name or service not known", r"Connection refused", r"No route to host",
                    r"Temporary failure in name resolution", r"certificate verify failed"):  # fmt: skip
        if re.search(pattern, text):
            return pattern.lower()
    return text.splitlines()[0][:160] if text else type(err).__name__


def _prefix(path: str) -> str:
    """The folder of a path: '/a/b/' -> '/a/b/', '/a/b' -> '/a/', '' -> '/'."""
    if not path:
        return "/"
    return path if path.endswith("/") else path[: path.rfind("/") + 1]


def _same_site(url: str, host: str, prefix: str) -> bool:
    parts = urlsplit(url)
    return (
        parts.scheme in {"http", "https"}
        and (parts.hostname or "").removeprefix("www.") == host
        and (parts.path or "/").startswith(prefix)
    )


def _links(markup: str, base: str) -> list[str]:
    import lxml.html
    from lxml.etree import ParserError

    try:
        doc = lxml.html.document_fromstring(markup)
    except (ParserError, ValueError):
        return []
    for href in doc.xpath("//base/@href")[:1]:
        base = urljoin(base, href.strip())
    out = []
    for href in doc.xpath("//a[@href]/@href"):
        href = href.strip()
        if not href or href.startswith(("mailto:", "tel:", "javascript:", "#")):
            continue
        url = urldefrag(urljoin(base, href))[0]
        if not _NOT_PAGES.search(urlsplit(url).path):
            out.append(url)
    return out


def _robots(fetcher: Fetcher, root: str) -> urllib.robotparser.RobotFileParser:
    robots = urllib.robotparser.RobotFileParser(root + "/robots.txt")
    try:
        page = fetcher.get(root + "/robots.txt")
    except ReaderError:
        robots.parse([])  # no robots.txt to be had: the start page will say what is wrong
        return robots
    if page.status in (401, 403):
        robots.disallow_all = True
    elif page.status >= 400:
        robots.allow_all = True
    else:
        robots.parse(page.body.decode("utf-8", "replace").splitlines())
    return robots


def _html(page: Page) -> str:
    if page.charset:
        try:
            return page.body.decode(page.charset, "replace")
        except LookupError:
            pass
    return decode(page.body, page.url)


def crawl(address: SiteAddress, fetcher: Fetcher | None = None) -> list[tuple[str, str]]:
    """(url, html) of the site's pages, breadth-first from the start address."""
    options = address.options
    fetcher = fetcher or Fetcher(options)
    start = str(address)
    parts = urlsplit(start)
    host = (parts.hostname or "").removeprefix("www.")
    root = f"{parts.scheme}://{parts.netloc}"
    robots = _robots(fetcher, root)
    fetcher.delay = max(options.delay, float(robots.crawl_delay(USER_AGENT) or 0))
    if not robots.can_fetch(USER_AGENT, start):
        raise ReaderError(f"{start}: robots.txt of {parts.netloc} does not allow fetching it")

    first = fetcher.get(start)
    final = urldefrag(first.final_url or start)[0]
    if not _same_site(final, host, "/"):
        raise ReaderError(
            f"{start}: the start page redirects to {final}, off the site; build that address"
        )
    if first.status >= 400:
        raise ReaderError(f"{start}: the start page answered HTTP {first.status}")
    if first.content_type not in {"text/html", "application/xhtml+xml"}:
        kind = first.content_type or "no content type"
        raise ReaderError(f"{start}: answered {kind}, not an HTML page")
    prefix = _prefix(urlsplit(final).path)

    pages: list[tuple[str, str]] = []
    seen = {start, final}
    queue: deque[tuple[str, int, Page | None]] = deque([(final, 0, first)])
    while queue and len(pages) < options.max_pages:
        url, depth, page = queue.popleft()
        if page is None:
            try:
                page = fetcher.get(url)
            except ReaderError:
                continue  # one unreachable page does not stop the crawl
        landed = urldefrag(page.final_url or url)[0]
        if (
            page.status >= 400
            or page.content_type not in {"text/html", "application/xhtml+xml"}
            or not _same_site(landed, host, prefix)
        ):
            continue
        markup = _html(page)
        pages.append((landed, markup))
        if address.on_page is not None:
            address.on_page(landed, len(pages), len(pages) + len(queue))
        if depth >= options.max_depth:
            continue
        for link in _links(markup, landed):
            if link not in seen and _same_site(link, host, prefix):
                seen.add(link)
                if robots.can_fetch(USER_AGENT, link):
                    queue.append((link, depth + 1, None))
    return pages


def read(address: SiteAddress, fetcher: Fetcher | None = None) -> SourceText:
    """Crawl the site and read its pages as one document."""
    pages = crawl(address, fetcher)
    layouts: list[tuple[str, LayoutText]] = []
    seen_text: set[str] = set()
    for url, markup in pages:
        layout = page_text(markup, fallback=False)
        key = layout.text()
        if key and key not in seen_text:  # the same page under a second address
            seen_text.add(key)
            layouts.append((url, layout))
    if not layouts:
        raise ReaderError(f"{address}: no page of the site has readable main content")
    furniture = _repeated_paragraphs([layout for _, layout in layouts])
    site = LayoutText()
    spans: list[Part] = []
    for url, layout in layouts:
        kept = LayoutText()
        for kind, text, level, tight in layout.records():
            if not (kind == "paragraph" and text in furniture):
                kept.add(kind, text, level, tight)
        start, end = site.extend(kept)
        if end > start:
            spans.append(Part(url, start, end))
    text = tidy(site.text(), address.name)
    return SourceText(
        text,
        address.name,
        hashlib.sha256(text.encode("utf-8")).hexdigest(),
        MEDIA_TYPE,
        None,
        blocks=tuple(site.blocks),
        parts=tuple(spans),
        url=str(address),
    )


def _repeated_paragraphs(layouts: list[LayoutText]) -> set[str]:
    if len(layouts) < 3:
        return set()
    counts: Counter[str] = Counter()
    for layout in layouts:
        counts.update({text for kind, text, _, _ in layout.records() if kind == "paragraph"})
    needed = REPEATED_SHARE * len(layouts)
    return {text for text, n in counts.items() if n >= needed}
