"""PDF with its layout, read with pdfplumber (MIT, over pdfminer.six).

A page's words are taken with their font size and weight and put back together as a reader sees
them:

- running headers and footers (a line repeated in the top or bottom margin of many pages, page
  numbers counted as the same line) and lone page numbers are dropped;
- a page set in two columns is read column by column (a full-width line, such as a heading
  above the columns, stays where it is);
- ruled tables (pdfplumber's table finder) and rows whose words stand apart in three or more
  cells become one line per row, cells joined by " | ", kept out of the prose;
- a line in a larger font than the body, or all bold, is a heading on its own line;
- the lines of a paragraph are joined into one line (as the project's .txt documents have
  them); a word hyphenated at a line end is joined, except where Dutch keeps the hyphen
  ("auto-ongeluk", "Noord-Holland", "zorg- en welzijn").

The text made is what the document is stored with, so offsets point into it.
"""

from __future__ import annotations

import hashlib
import io
import re
import statistics
from collections import Counter
from dataclasses import dataclass

from .base import LayoutText, RawInput, ReaderError, SourceText, tidy

__all__ = ["MEDIA_TYPE", "recognises", "read"]

MEDIA_TYPE = "application/pdf"
CELL_SEPARATOR = " | "

MARGIN = 0.1
"""Top and bottom share of a page where running headers, footers and page numbers live."""
REPEATED_SHARE = 0.4
"""A margin line on at least this share of the pages (and on 2 or more) is a running line."""

_PAGE_NUMBER = re.compile(
    r"^(?:pagina|blz\.?|bladzijde|page|p\.)?\s*\d{1,4}(?:\s*(?:van|/|of)\s*\d{1,4})?$", re.I
)
_MARKER = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[a-z][.)]|[•\-–—*·▪●■◦])\s")
_BOLD = re.compile(r"bold|black|heavy|semibold|demi|,b\b", re.I)
# a glyph the font does not map to a character, opening a line: a bullet from a symbol font
_UNMAPPED_BULLET = re.compile(r"^\(cid:\d+\)\s*")
_NUMERIC = re.compile(r"^[-–+€%()\d.,\s]+$")
_KEEP_SPACE_AFTER_HYPHEN = {"en", "of", "tot", "noch", "als"}
_VOWELS = set("aeiouyëïöüéèáóú")


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    page: int
    region: tuple[float, float]  # x range of the column (or page) the line stands in
    row: bool = False  # a table row: cells joined by CELL_SEPARATOR
    first_width: float = 0.0  # how wide its first word is (would it have fit on the line above?)


def recognises(raw: RawInput) -> bool:
    if raw.data.startswith(b"%PDF"):
        return True
    suffix = raw.path.suffix if raw.path is not None else "." + raw.name.rsplit(".", 1)[-1]
    return suffix.lower() == ".pdf"


def read(raw: RawInput) -> SourceText:
    pages = _read_pages(raw)
    lines = _drop_running_lines(pages)
    layout = _compose(lines)
    if not layout.blocks:
        raise ReaderError(
            f"{raw.name}: the PDF has no text layer (scanned pages?); run OCR first, "
            "e.g. ocrmypdf, and build the OCR'd file"
        )
    text = tidy(layout.text(), raw.name)
    sha = hashlib.sha256(raw.data).hexdigest()
    return SourceText(text, raw.name, sha, MEDIA_TYPE, raw.path, blocks=tuple(layout.blocks))


# --- pages -> lines ---------------------------------------------------------------------------


def _read_pages(raw: RawInput) -> list[tuple[float, list[_Line]]]:
    """(page height, lines in reading order) per page; each page is freed once read."""
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException
    from pdfplumber.utils.exceptions import PdfminerException

    source = raw.path if raw.path is not None else io.BytesIO(raw.data)
    pages: list[tuple[float, list[_Line]]] = []
    try:
        with pdfplumber.open(source) as pdf:
            for number, page in enumerate(pdf.pages):
                pages.append((float(page.height), _page_lines(page, number)))
                page.close()  # drop the page's cached layout objects: memory stays per page
    except (PdfminerException, PSException, PDFSyntaxError, ValueError, KeyError, OSError) as err:
        raise ReaderError(f"{raw.name}: cannot read PDF ({_short(err)})") from None
    return pages


def _short(err: Exception) -> str:
    text = str(err).strip() or type(err).__name__
    return text.splitlines()[0][:200]


def _page_lines(page, number: int) -> list[_Line]:
    width = float(page.width)
    tables = [t for t in page.find_tables() if len(t.rows) >= 2]
    boxes = [t.bbox for t in tables]
    words = [
        w
        for w in page.extract_words(
            extra_attrs=["size", "fontname"], x_tolerance=1.5, y_tolerance=2, use_text_flow=False
        )
        if not any(_inside(w, box) for box in boxes)
    ]
    rows = _rows(words)
    lines: list[_Line] = []
    for band, gutter in _bands(rows, width):
        if gutter is None:
            for row in band:
                lines.extend(_segment_lines(row, number, (0.0, width)))
        else:
            for side, region in ((0, (0.0, gutter)), (1, (gutter, width))):
                for row in band:
                    part = [w for w in row if (w["x1"] <= gutter) == (side == 0)]
                    if part:
                        lines.extend(_segment_lines(part, number, region))
    for table in tables:
        for row, cells in zip(table.rows, table.extract(), strict=False):
            values = [" ".join((c or "").split()) for c in cells]
            values = [v for v in values if v]
            if values:
                x0, top, x1, bottom = row.bbox
                lines.append(
                    _Line(
                        CELL_SEPARATOR.join(values),
                        x0,
                        x1,
                        top,
                        bottom,
                        0.0,
                        False,
                        number,
                        (0.0, width),
                        row=True,
                    )  # fmt: skip
                )
    # tables go where they stand on the page: before the first line below their top
    if tables:
        lines = _place_rows(lines)
    return lines


def _place_rows(lines: list[_Line]) -> list[_Line]:
    text = [ln for ln in lines if not ln.row]
    out: list[_Line] = []
    for row in sorted((ln for ln in lines if ln.row), key=lambda ln: ln.top):
        while text and text[0].top < row.top:
            out.append(text.pop(0))
        out.append(row)
    return out + text


def _inside(word: dict, box: tuple[float, float, float, float]) -> bool:
    x = (word["x0"] + word["x1"]) / 2
    y = (word["top"] + word["bottom"]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _rows(words: list[dict]) -> list[list[dict]]:
    """Words on one baseline (across the whole page width), top to bottom, left to right."""
    rows: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if rows:
            last = rows[-1]
            ref = last[0]
            if abs(word["top"] - ref["top"]) <= 0.5 * min(word["size"], ref["size"]):
                last.append(word)
                continue
        rows.append([word])
    for row in rows:
        row.sort(key=lambda w: w["x0"])
    rows.sort(key=lambda r: min(w["top"] for w in r))
    return rows


def _bands(rows: list[list[dict]], width: float):
    """Runs of rows that are one column, or two columns split at a gutter (x)."""
    gutter = _gutter(rows, width)
    if gutter is None:
        yield rows, None
        return
    band: list[list[dict]] = []
    for row in rows:
        if _crosses(row, gutter):
            if band:
                yield band, (gutter if _split_count(band, gutter) >= 2 else None)
                band = []
            yield [row], None
        else:
            band.append(row)
    if band:
        yield band, (gutter if _split_count(band, gutter) >= 2 else None)


def _crosses(row: list[dict], x: float) -> bool:
    return any(w["x0"] - 2 < x < w["x1"] + 2 for w in row)


def _split_count(rows: list[list[dict]], x: float) -> int:
    return sum(
        1
        for row in rows
        if any(w["x1"] < x for w in row) and any(w["x0"] > x for w in row) and not _crosses(row, x)
    )


def _gutter(rows: list[list[dict]], width: float) -> float | None:
    """The x of a gutter between two columns of prose, when the page has one."""
    xs = [0.3 * width + 2.0 * n for n in range(int(0.4 * width / 2.0) + 1)]
    counts = [_split_count(rows, x) for x in xs]
    best_count = max(counts, default=0)
    if best_count < 3:
        return None
    # the middle of the widest run of positions that split the most rows: the centre of the
    # white channel between the columns, not its edge (where a full left line nearly touches)
    runs: list[list[float]] = []
    for x, count in zip(xs, counts, strict=True):
        if count == best_count:
            if runs and x - runs[-1][-1] <= 2.0 + 1e-6:
                runs[-1].append(x)
            else:
                runs.append([x])
    widest = max(runs, key=len)
    best = (widest[0] + widest[-1]) / 2
    # both sides must read as prose, not as a label column beside a column of figures
    left = [" ".join(w["text"] for w in r if w["x1"] < best) for r in rows if not _crosses(r, best)]
    right = [
        " ".join(w["text"] for w in r if w["x0"] > best) for r in rows if not _crosses(r, best)
    ]
    left, right = [t for t in left if t], [t for t in right if t]
    if not left or not right:
        return None
    if statistics.mean(map(len, left)) < 15 or statistics.mean(map(len, right)) < 15:
        return None
    if sum(bool(_NUMERIC.match(t)) for t in right) > len(right) / 3:
        return None
    return best


def _segment_lines(words: list[dict], page: int, region: tuple[float, float]) -> list[_Line]:
    """One line of words, or a table row when its words stand apart in cells."""
    size = statistics.median(w["size"] for w in words)
    cells: list[list[dict]] = [[words[0]]]
    for prev, word in zip(words, words[1:], strict=False):
        if word["x0"] - prev["x1"] > 2.0 * size:
            cells.append([word])
        else:
            cells[-1].append(word)
    texts = [_join_words(c) for c in cells]
    texts[0] = _UNMAPPED_BULLET.sub("• ", texts[0])
    is_row = len(cells) >= 3 or (len(cells) == 2 and any(_NUMERIC.match(t) for t in texts))
    text = CELL_SEPARATOR.join(texts) if is_row else " ".join(texts)
    bold = all(_BOLD.search(w["fontname"] or "") for w in words)
    return [
        _Line(
            text,
            words[0]["x0"],
            max(w["x1"] for w in words),
            min(w["top"] for w in words),
            max(w["bottom"] for w in words),
            size,
            bold,
            page,
            region,
            row=is_row,
            first_width=words[0]["x1"] - words[0]["x0"],
        )
    ]


def _join_words(words: list[dict]) -> str:
    """Words split by a change of font (a bold letter) are glued back without a space."""
    out = words[0]["text"]
    for prev, word in zip(words, words[1:], strict=False):
        gap = word["x0"] - prev["x1"]
        out += ("" if gap < 0.12 * word["size"] else " ") + word["text"]
    return out


# --- across pages -----------------------------------------------------------------------------


def _running_key(line: _Line) -> str:
    return re.sub(r"\d+", "#", " ".join(line.text.lower().split()))


def _in_margin(line: _Line, height: float) -> bool:
    return line.bottom < MARGIN * height or line.top > (1 - MARGIN) * height


def _drop_running_lines(pages: list[tuple[float, list[_Line]]]) -> list[_Line]:
    """Every line in reading order, less running headers, footers and page numbers."""
    seen: Counter[str] = Counter()
    for height, lines in pages:
        seen.update({_running_key(ln) for ln in lines if _in_margin(ln, height)})
    needed = max(2, REPEATED_SHARE * len(pages))
    out: list[_Line] = []
    for height, lines in pages:
        for line in lines:
            if _in_margin(line, height) and (
                seen[_running_key(line)] >= needed or _PAGE_NUMBER.match(line.text.strip())
            ):
                continue
            out.append(line)
    return out


def _compose(lines: list[_Line]) -> LayoutText:
    """Headings, paragraphs (their lines joined), list items and table rows as layout text."""
    layout = LayoutText()
    prose = [ln for ln in lines if not ln.row]
    if not prose and not lines:
        return layout
    body = _body_size(prose)
    levels = _heading_levels(prose, body)
    right_edges = _right_edges(prose)
    block: list[_Line] = []  # the lines of the heading or paragraph being read
    heading: list[int | None] = [None]  # its level, None for a paragraph
    previous_row = False

    def flush() -> None:
        if block:
            text = _join_lines(block)
            if heading[0] is not None:
                layout.add("heading", text, heading[0])
            else:
                layout.add("item" if _MARKER.match(text) else "paragraph", text)
            block.clear()

    for line in lines:
        if line.row:
            flush()
            layout.add("row", line.text, tight=previous_row)
            previous_row = True
            continue
        previous_row = False
        level = levels.get(id(line))
        if block:
            goes_on = not _starts_new_paragraph(block[-1], line, right_edges)
            if level is not None:
                # a heading or a bold paragraph wrapped over two lines: the second line is set
                # like the first and was broken because the first was full
                goes_on = goes_on and _same_style(block[-1], line)
            elif heading[0] is not None:
                goes_on = False  # body text below a heading
            if goes_on:
                block.append(line)
                continue
            flush()
        block.append(line)
        heading[0] = level
    flush()
    return layout


def _same_style(a: _Line, b: _Line) -> bool:
    return round(a.size, 1) == round(b.size, 1) and a.bold == b.bold


def _body_size(lines: list[_Line]) -> float:
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[round(line.size, 1)] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _heading_levels(lines: list[_Line], body: float) -> dict[int, int]:
    """id(line) -> heading level: larger fonts first, then bold lines in the body size."""
    big = sorted({round(ln.size, 1) for ln in lines if ln.size >= 1.15 * body}, reverse=True)
    rank = {size: n + 1 for n, size in enumerate(big)}
    out: dict[int, int] = {}
    for line in lines:
        text = line.text.strip()
        if len(text) > 150 or not re.search(r"[^\W\d_]", text):
            continue
        size = round(line.size, 1)
        if size in rank:
            out[id(line)] = rank[size]
        elif line.bold and not _MARKER.match(text):
            out[id(line)] = len(big) + 1
    return out


def _right_edges(lines: list[_Line]) -> dict[tuple[int, tuple[float, float]], float]:
    """Where full lines end, per page and column: a line ending well before it ends a paragraph."""
    edges: dict[tuple[int, tuple[float, float]], list[float]] = {}
    for line in lines:
        edges.setdefault((line.page, line.region), []).append(line.x1)
    return {key: max(values) for key, values in edges.items()}


def _starts_new_paragraph(prev: _Line, line: _Line, right_edges) -> bool:
    if _MARKER.match(line.text):
        return True
    gap = line.top - prev.bottom
    if line.page == prev.page and line.region == prev.region and gap > 0.6 * max(prev.size, 1):
        return True  # white space between them
    text = prev.text.rstrip()
    if text.endswith("-") and len(text) >= 2 and text[-2].isalpha():
        return False  # a word broken at the line end goes on below
    # in ragged as in justified text, a line breaks early only where its paragraph ends: when
    # the next line's first word would have fitted behind it, the break was meant
    edge = right_edges.get((prev.page, prev.region), prev.x1)
    if prev.x1 + 0.3 * prev.size + line.first_width < edge - 0.5 * prev.size:
        return True
    if line.page != prev.page or line.region != prev.region:
        # over a page or column break: go on only with a lower-case continuation
        return not line.text[:1].islower()
    return False


def _join_lines(lines: list[_Line]) -> str:
    text = lines[0].text.strip()
    for line in lines[1:]:
        nxt = line.text.strip()
        if not nxt:
            continue
        if text.endswith("-") and len(text) >= 2 and text[-2].isalpha():
            first_word = re.split(r"\W", nxt, maxsplit=1)[0]
            if first_word.lower() in _KEEP_SPACE_AFTER_HYPHEN:
                text += " " + nxt  # 'zorg- en welzijn'
            elif not nxt[:1].islower():
                text += nxt  # 'Noord-Holland', 'COVID-19': the hyphen is part of the name
            elif text[-2].lower() in _VOWELS and nxt[0] in _VOWELS:
                text += nxt  # 'auto-ongeluk', 'zee-egel': Dutch keeps this hyphen
            else:
                text = text[:-1] + nxt  # 'werk-' + 'zoekenden'
        else:
            text += " " + nxt
    return text
