"""Web pages (.html): the main content only, one heading, paragraph, list item or table row a line.

trafilatura finds the main content (menus, breadcrumbs, cookie banners, footers and sidebars
are left out) and hands it over as a small XML tree (`head`, `p`, `list/item`, `table/row/cell`).
That tree is written out as lines: a heading alone on its line, a list item as "• ..." (unless
it carries its own number, like "1.1 ..."), a table row as its cells joined by " | ", and a blank
line between blocks. When trafilatura finds nothing (a very short page), the page is read with
BeautifulSoup instead: tags stripped, navigation elements dropped.
"""

from __future__ import annotations

import functools
import hashlib
import re

from .base import LayoutText, RawInput, SourceText, decode, tidy

__all__ = ["MEDIA_TYPE", "recognises", "read", "page_text", "CELL_SEPARATOR", "BULLET"]

MEDIA_TYPE = "text/html"
CELL_SEPARATOR = " | "
BULLET = "• "

_SUFFIXES = {".html", ".htm", ".xhtml"}
# a list item that already says what it is: "1.", "1.1", "2.1.3.", "a)", "a.", or a bullet sign
_OWN_MARK = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[a-z][.)]|[•\-–—*·▪●■◦])\s")
# page furniture that survives some extractors: links back to the menu, "share this page"
_CHROME = re.compile(
    r"^(?:terug naar (?:de )?(?:navigatie|boven|inhoud|overzicht)|naar boven|"
    r"ga (?:direct )?naar (?:de )?(?:hoofd)?(?:inhoud|navigatie)|deel deze pagina|"
    r"print(?:en)? deze pagina|lees voor|skip to (?:main )?content)\W*$",
    re.IGNORECASE,
)
_BLOCK_TAGS = {"head", "p", "list", "table", "quote", "code"}


def recognises(raw: RawInput) -> bool:
    if raw.path is not None and raw.path.suffix.lower() in _SUFFIXES:
        return True
    if raw.path is None and "." + raw.name.rsplit(".", 1)[-1].lower() in _SUFFIXES:
        return True
    low = raw.data[:512].lstrip().lower()
    return low.startswith((b"<!doctype html", b"<html"))


def read(raw: RawInput) -> SourceText:
    layout = page_text(decode(raw.data, raw.name))
    text = tidy(layout.text(), raw.name)
    sha = hashlib.sha256(raw.data).hexdigest()
    return SourceText(text, raw.name, sha, MEDIA_TYPE, raw.path, blocks=tuple(layout.blocks))


def page_text(markup: str, fallback: bool = True) -> LayoutText:
    """The main content of one page as layout text (see the module's docstring); with
    `fallback`, a page where no main content is found is read with its tags stripped."""
    layout = LayoutText()
    tree = _main_content(markup)
    if tree is not None:
        for element in tree:
            _render(element, layout)
    if not layout.blocks and fallback:
        _soup_text(markup, layout)
    return layout


@functools.cache
def _config():
    from trafilatura.settings import use_config

    config = use_config()
    # trafilatura replaces a main content under 250 characters by its fallbacks, the last of
    # which is the whole body (menus included); a short task-field page is a page, not a miss
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")
    config.set("DEFAULT", "MIN_OUTPUT_SIZE", "1")
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")  # no SIGALRM: we may run in a thread
    return config


def _main_content(markup: str):
    import trafilatura
    from lxml import etree

    xml = trafilatura.extract(
        markup,
        config=_config(),
        output_format="xml",
        include_tables=True,
        include_formatting=True,
        include_links=False,
        include_images=False,
        include_comments=False,
        deduplicate=False,
        with_metadata=False,
    )
    if not xml:
        return None
    root = etree.fromstring(xml.encode("utf-8"))
    return root.find("main")


def _render(element, layout: LayoutText) -> None:
    tag = element.tag
    if tag == "head":
        rend = element.get("rend", "")
        level = int(rend[1]) if re.fullmatch(r"h[1-6]", rend) else 2
        _add(layout, "heading", _inline(element), level)
    elif tag == "list":
        _render_list(element, layout, first=True)
    elif tag == "table":
        for n, row in enumerate(element.iter("row")):
            cells = [_inline(cell, breaks=False) for cell in row.iter("cell")]
            cells = [c for c in cells if c]
            if cells:
                _add(layout, "row", CELL_SEPARATOR.join(cells), tight=n > 0)
    elif any(child.tag in _BLOCK_TAGS for child in element):
        if (element.text or "").strip():
            _add(layout, "paragraph", _clean(element.text))
        for child in element:
            _render(child, layout)
            if (child.tail or "").strip():
                _add(layout, "paragraph", _clean(child.tail))
    else:
        text = _inline(element)
        if tag == "p" and _is_bold_line(element, text):
            _add(layout, "heading", text, 4)
        else:
            _add(layout, "paragraph", text)


def _render_list(element, layout: LayoutText, first: bool) -> None:
    for item in element.iterchildren("item"):
        own = _inline(item, skip=("list",))
        if own:
            mark = "" if _OWN_MARK.match(own) else BULLET
            _add(layout, "item", mark + own, tight=not first)
            first = False
        for sub in item.iterchildren("list"):
            _render_list(sub, layout, first=first)
            first = False


def _add(layout: LayoutText, kind: str, text: str, level: int = 0, tight: bool = False) -> None:
    if text and not _CHROME.match(text):
        layout.add(kind, text, level, tight)


def _inline(element, breaks: bool = True, skip: tuple[str, ...] = ()) -> str:
    """An element's text with runs of white space made one space; `lb` is a line break."""
    parts: list[str] = []

    def walk(el, top: bool) -> None:
        if not top and el.tag in skip:
            parts.append(el.tail or "")
            return
        if el.tag == "lb":
            parts.append("\n" if breaks else " ")
        else:
            parts.append(el.text or "")
            for child in el:
                walk(child, False)
        if not top:
            parts.append(el.tail or "")

    walk(element, True)
    lines = (_clean(line) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _clean(text: str) -> str:
    return " ".join(text.split())


def _is_bold_line(element, text: str) -> bool:
    """A paragraph that is all bold and short is a heading in many page editors' output."""
    if not text or len(text) > 120 or "\n" in text or (element.text or "").strip():
        return False
    children = list(element)
    return (
        len(children) == 1
        and children[0].tag == "hi"
        and "#b" in children[0].get("rend", "")
        and not (children[0].tail or "").strip()
    )


_SOUP_BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "br", "section"}


def _soup_text(markup: str, layout: LayoutText) -> None:
    """The fallback: tags stripped, navigation dropped, one block per non-empty line."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup(["script", "style", "nav", "header", "footer", "aside", "noscript", "form"]):
        tag.decompose()
    root = soup.find("main") or soup.find("article") or soup.body or soup
    for tag in root.find_all(_SOUP_BLOCKS | {"article"}):
        tag.insert_before("\n")
        tag.insert_after("\n")
    for line in root.get_text().splitlines():
        _add(layout, "paragraph", _clean(line))
