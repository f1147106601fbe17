"""A small typesetter for test PDFs: headings by font, wrapped paragraphs, two columns, ruled
tables, a running header and page numbers, drawn with reportlab.

Used by tests/test_readers_pdf_fidelity.py (the bundled sample typeset as a budget book) and by
benchmarks/bench_inputs.py (a 300-page book for speed and memory). Not a test module itself.

The layout is what a municipality's budget PDF looks like: headings set larger and in bold with
no reliance on their numbers, body text ragged right, a running header on top and the page
number below, one page set in two columns, a ruled table whose cells wrap. Lines are broken at
spaces only, as a text in a word processor without hyphenation is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

REGULAR, BOLD = "Helvetica", "Helvetica-Bold"
BODY = 10.0
LEADING = 1.3  # line height / font size


@dataclass(frozen=True)
class Style:
    size: float = BODY
    bold: bool = False
    space_before: float = 8.0
    indent: float = 0.0
    bullet: str | None = None

    @property
    def font(self) -> str:
        return BOLD if self.bold else REGULAR


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Break `text` at spaces into lines no wider than `width` (a longer word stands alone)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        trial = f"{line} {word}" if line else word
        if line and stringWidth(trial, font, size) > width:
            lines.append(line)
            line = word
        else:
            line = trial
    if line:
        lines.append(line)
    return lines


class Book:
    """Pages drawn top to bottom; a new page starts when the next line does not fit."""

    def __init__(self, path: Path, running_header: str, pagesize=A4, margin: float = 56.0):
        self.width, self.height = pagesize
        self.margin = margin
        self.top = self.height - 72
        self.bottom = 64.0
        self.running_header = running_header
        self.c = canvas.Canvas(str(path), pagesize=pagesize, invariant=1)
        self.pages = 0
        self._open_page()

    # --- pages ---------------------------------------------------------------------------

    def _open_page(self) -> None:
        self.pages += 1
        self.c.setFont(REGULAR, 8)
        self.c.drawString(self.margin, self.height - 36, self.running_header)
        self.c.drawCentredString(self.width / 2, 32, str(self.pages))
        self.y = self.top

    def new_page(self) -> None:
        self.c.showPage()
        self._open_page()

    def _room(self, height: float) -> None:
        if self.y - height < self.bottom:
            self.new_page()

    def save(self) -> int:
        self.c.showPage()
        self.c.save()
        return self.pages

    # --- text ------------------------------------------------------------------------------

    @property
    def text_width(self) -> float:
        return self.width - 2 * self.margin

    def block(self, text: str, style: Style = Style()) -> None:
        """A heading or paragraph over the full width, wrapped, moved to the next page as
        needed (a paragraph may go on over a page break)."""
        if self.y < self.top:
            self.y -= style.space_before
        x = self.margin + style.indent
        width = self.text_width - style.indent
        lines = wrap(text, style.font, style.size, width)
        step = style.size * LEADING
        for n, line in enumerate(lines):
            self._room(step)
            self.y -= style.size
            self.c.setFont(style.font, style.size)
            if n == 0 and style.bullet:
                self.c.drawString(x - 10, self.y, style.bullet)
            self.c.drawString(x, self.y, line)
            self.y -= step - style.size

    def columns(self, paragraphs: list[str], gutter: float = 22.0, space: float = 6.0) -> None:
        """Paragraphs set in two columns, balanced, filling the left column first; the break
        between the columns falls inside a paragraph when it falls there."""
        width = (self.text_width - gutter) / 2
        step = BODY * LEADING
        lines: list[str | None] = []  # None: the space between two paragraphs
        for paragraph in paragraphs:
            if lines:
                lines.append(None)
            lines.extend(wrap(paragraph, REGULAR, BODY, width))
        height = sum(step if ln is not None else space for ln in lines)
        half, split = height / 2, 0
        run = 0.0
        for split, line in enumerate(lines):  # noqa: B007 (split is used after the loop)
            run += step if line is not None else space
            if run >= half:
                break
        left, right = lines[: split + 1], lines[split + 1 :]
        while right and right[0] is None:
            right.pop(0)
        self.y -= 10
        self._room(max(len(left), len(right)) * step)
        top = self.y
        self.c.setFont(REGULAR, BODY)
        for column, x in ((left, self.margin), (right, self.margin + width + gutter)):
            y = top
            for line in column:
                if line is None:
                    y -= space
                    continue
                y -= BODY
                self.c.drawString(x, y, line)
                y -= step - BODY
            self.y = min(self.y, y)

    def table(self, rows: list[tuple[str, ...]], widths: tuple[float, ...], pad: float = 4.0):
        """A ruled table: a frame, a rule under every row, a line between the columns, cells
        wrapped in their column."""
        step = BODY * LEADING
        wrapped = [
            [wrap(cell, REGULAR, BODY, w - 2 * pad) for cell, w in zip(row, widths, strict=True)]
            for row in rows
        ]
        heights = [max(len(c) for c in row) * step + 2 * pad for row in wrapped]
        self.y -= 12
        self._room(sum(heights))
        x0 = self.margin
        xs = [x0]
        for w in widths:
            xs.append(xs[-1] + w)
        top = self.y
        self.c.setLineWidth(0.5)
        self.c.setFont(REGULAR, BODY)
        y = top
        self.c.line(xs[0], y, xs[-1], y)
        for row, height in zip(wrapped, heights, strict=True):
            for cell, x in zip(row, xs, strict=False):
                cy = y - pad
                for line in cell:
                    cy -= BODY
                    self.c.drawString(x + pad, cy, line)
                    cy -= step - BODY
            y -= height
            self.c.line(xs[0], y, xs[-1], y)
        for x in xs:
            self.c.line(x, top, x, y)
        self.y = y - 4


# --- the bundled sample as a budget book -------------------------------------------------------

SAMPLE_HEADER = "Programmabegroting 2021 - Programma 2 Inclusieve en veilige stad"
SAMPLE_HEADINGS = {  # the sample's heading lines and their size; set in bold
    "2. Inclusieve en veilige stad": 18.0,
    "2.1 Sociaal Domein": 15.0,
    "2.1.1. Basisinfrastructuur": 12.5,
    "2.1.2 Ambulante zorg en ondersteuning, inclusief wijkteams": 12.5,
    "2.1.3. Specialistische zorg en ondersteuning": 12.5,
    "2.1.4. Bescherming en veiligheid:": 12.5,
    "1.1.5. Diversiteit, integratie en toegankelijkheid": 12.5,
    "1.16. Werk en Inkomen": 12.5,
    "Beleidsdoelen": BODY,
    "Activiteiten": BODY,
}
_GOAL = re.compile(r"^\d+\.?(?:\s|$)")  # '1. Meer ...', '7 Meer ...', '1' alone: set in bold
_BULLET = re.compile(r"^\s*•\s*")
_CELLS = re.compile(r"\s*(?:\xa0\s*){3,}")  # a run of no-break spaces: an inline sub-heading cell
TWO_COLUMN_AFTER = "2.1.2 Ambulante zorg en ondersteuning, inclusief wijkteams"
"""The prose of this task field is set in two columns, on a page of its own."""


def typeset_sample(txt: Path, pdf: Path, repeat: int = 1) -> int:
    """The bundled sample as a budget book: headings by font, goals in bold, prose ragged
    right, the prose of one task field in two columns, the two activities that the text gives as
    'sub-heading + no-break spaces + description' as a ruled table, a running header and page
    numbers. `repeat` sets the whole text that many times (a long book for benchmarks).
    Returns the number of pages."""
    book = Book(pdf, SAMPLE_HEADER)
    lines = txt.read_text(encoding="utf-8").splitlines()
    for _ in range(repeat):
        _typeset_lines(book, lines)
    return book.save()


def _typeset_lines(book: Book, lines: list[str]) -> None:
    n = 0
    while n < len(lines):
        line = lines[n].strip()
        n += 1
        if not re.search(r"[^\W_]", line):  # blank, or a stray glyph with no letter or digit
            continue
        if line in SAMPLE_HEADINGS:
            size = SAMPLE_HEADINGS[line]
            if line == TWO_COLUMN_AFTER:
                book.new_page()
            book.block(line, Style(size=size, bold=True, space_before=14 if size > BODY else 10))
            continue
        if _CELLS.search(line):  # '3.2 Inzet ...<nbsp run>Inwoners die ...' and the next
            rows = []
            while _CELLS.search(line):
                rows.append(tuple(_CELLS.split(line, maxsplit=1)))
                line = lines[n].strip() if n < len(lines) else ""
                n += 1
            n -= 1
            book.table(rows, (170.0, book.text_width - 170.0))
            continue
        if lines[n - 2].strip() == "" and _two_column_start(lines, n - 1):
            paragraphs, n = _prose_until_heading(lines, n - 1)
            book.columns(paragraphs)
            continue
        if _BULLET.match(lines[n - 1]):
            text = _BULLET.sub("", line)
            book.block(text, Style(space_before=3, indent=24, bullet="•"))
            continue
        bold = bool(_GOAL.match(line)) and not re.match(r"^\d+\.\d", line)
        book.block(line, Style(bold=bold, space_before=7))


def _two_column_start(lines: list[str], at: int) -> bool:
    """The first prose line after the goals of TWO_COLUMN_AFTER."""
    for back in range(at - 1, -1, -1):
        text = lines[back].strip()
        if text in SAMPLE_HEADINGS:
            return text == TWO_COLUMN_AFTER and not _GOAL.match(lines[at].strip())
    return False


def _prose_until_heading(lines: list[str], at: int) -> tuple[list[str], int]:
    paragraphs = []
    while at < len(lines) and lines[at].strip() not in SAMPLE_HEADINGS:
        if lines[at].strip():
            paragraphs.append(lines[at].strip())
        at += 1
    return paragraphs, at
