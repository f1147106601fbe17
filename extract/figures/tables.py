"""Find tables of figures in a document's text, in the layouts the readers and exports give.

Every reader hands tables over as text (extract/readers/): HTML and PDF tables as one row a line
with cells joined by ' | ', web-page exports as markdown-like rows ('Lasten | 61.847 |
67.581 |', a '---|---' line under the header), as rows of label and figures set apart by
spaces ('Lasten € 53.077 € 53.000'), as cells glued together ('6.1 Samenkracht-12.075741'),
or one value a line (a label line, then its figures on the lines below). This module finds
them with their cells' offsets and says nothing yet about what they mean (reading.py does).

A table is found from its body: consecutive rows that each have a label and figures (pipe,
spaced or glued), or label lines each followed by value lines (vertical). Its header is the
run of lines right above the body made of header words ('Rekening 2022', 'LastenBatenSaldo'),
of pipe rows that are no figure rows, and of caption lines that state a scale; the captions
around it (a few lines above, scale lines right below) are kept for the scale and the sign.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..grammars.lines import RawLine, split_lines
from .headers import YEAR, is_header_text, row_label
from .numbers import NONE_CELLS, has_scale, is_amount, is_percentage

__all__ = ["Cell", "Row", "RawTable", "find_tables", "pipe_cells"]


@dataclass(frozen=True)
class Cell:
    """A cell as written, with its offsets in the document text (text == doc[start:end])."""

    text: str
    start: int
    end: int


@dataclass
class Row:
    """A row of figures: its label and its value cells (an empty cell has text '')."""

    label: Cell
    cells: list[Cell]
    start: int
    end: int
    layout: str  # pipe | spaced | glued | vertical
    run: Cell | None = None  # glued: the run of glued cells, split once the columns are known


@dataclass
class RawTable:
    """Rows of figures with the lines that head them, before anything is interpreted."""

    rows: list[Row]
    layout: str  # pipe | spaced | glued | vertical | mixed
    header_rows: list[list[Cell]] = field(default_factory=list)  # pipe header rows, all cells
    header_cells: list[Cell] = field(default_factory=list)  # other header lines (or blocks)
    captions: list[Cell] = field(default_factory=list)  # lines that may state scale or sign
    start: int = 0
    end: int = 0

    @property
    def header_start(self) -> int:
        starts = [r[0].start for r in self.header_rows if r] + [c.start for c in self.header_cells]
        return min(starts, default=self.start)


# -- cells of one line ----------------------------------------------------------------------


def pipe_cells(line: RawLine) -> list[Cell]:
    """The cells of a line laid out as a table row ('a | b |'), stripped, with offsets; the
    empty piece before a leading pipe and after a trailing one is no cell."""
    pieces: list[Cell] = []
    pos = 0
    text = line.text
    for part in text.split("|"):
        b, e = pos, pos + len(part)
        while b < e and text[b].isspace():
            b += 1
        while e > b and text[e - 1].isspace():
            e -= 1
        pieces.append(Cell(text[b:e], line.start + b, line.start + e))
        pos += len(part) + 1
    if text.startswith("|") and pieces and not pieces[0].text:
        pieces = pieces[1:]
    if text.endswith("|") and pieces and not pieces[-1].text:
        pieces = pieces[:-1]
    return pieces


def _is_pipe_line(text: str) -> bool:
    return text.count("|") >= 1 and (
        text.startswith("|") or text.endswith("|") or text.count("|") >= 2 or " | " in text
    )


_SEPARATOR = re.compile(r"[-|:\s]+")

# a figure as a cell may write it: sign, euro sign, parentheses, a footnote mark, a percentage
_FIGURE_LIKE = re.compile(
    r"[(]?\s*(?:€\s*)?(?:-/-\s*|[-–−+]\s*)?(?:€\s*)?\d[\d.,]*\s*[)]?\s*\**\s*(?:%|mln|miljoen)?"
)
_YEAR_CELL = re.compile(YEAR)


def _figure_like(text: str) -> bool:
    return text.lower() in NONE_CELLS or bool(_FIGURE_LIKE.fullmatch(text))


def _is_year(text: str) -> bool:
    return bool(_YEAR_CELL.fullmatch(text))


# spaced rows: a label, then figures each set apart by white space
_SPACED_FIGURE = r"(?:\(?(?:€\s?)?(?:-/-\s?|[-–−+]\s?)?(?:€\s?)?\d[\d.,]*\)?\**(?:\s?%)?|[-–—](?=\s|$)|n\.v\.t\.)"
_SPACED = re.compile(
    rf"^(?P<label>.*?[^\W\d_)\].:][)\]]?)(?P<figures>(?:\s+{_SPACED_FIGURE})+)\s*$"
)
_SPACED_ONE = re.compile(rf"\s+(?P<fig>{_SPACED_FIGURE})")
# glued rows: a label ending in a letter, then figures without any space between them
_GLUED = re.compile(r"^(?P<label>.*[^\W\d_)])(?P<run>[-–−]?\d[-–−\d.,]*\d)$")


def _data_row(line: RawLine) -> Row | None:
    """A row of figures on one line, or None."""
    text = line.text
    if _is_pipe_line(text):
        cells = pipe_cells(line)
        if len(cells) < 2:
            return None
        label, values = cells[0], cells[1:]
        if not all(_figure_like(c.text) for c in values):
            return None
        if not any(is_amount(c.text) for c in values) or _is_header_row(cells):
            return None
        return Row(label, values, line.start, line.end, "pipe")
    if m := _SPACED.match(text):
        label_text = m.group("label")
        values = [
            Cell(f.group("fig"), line.start + m.start("figures") + f.start("fig"),
                 line.start + m.start("figures") + f.end("fig"))
            for f in _SPACED_ONE.finditer(m.group("figures"))
        ]  # fmt: skip
        if any(is_amount(c.text) for c in values) and not all(_is_year(c.text) for c in values):
            label = Cell(label_text.strip(), line.start, line.start + len(label_text.rstrip()))
            return Row(label, values, line.start, line.end, "spaced")
        return None
    if m := _GLUED.match(text):
        run = Cell(m.group("run"), line.start + m.start("run"), line.start + m.end("run"))
        if not re.search(r"\d[-–−]\d|\.\d{3}\d", run.text):
            return None  # one figure (or a year) only: no glued cells
        label = Cell(
            m.group("label").strip(), line.start, line.start + len(m.group("label").rstrip())
        )
        return Row(label, [], line.start, line.end, "glued", run=run)
    return None


def _is_header_row(cells: list[Cell]) -> bool:
    """A pipe row of years ('2023 | 2024 | 2025 | |', 'Bedragen x € 1.000 | 2030 | 2031'): its
    cells after the first are years (an amount of two thousand is written '2.023')."""
    texts = [c.text for c in cells[1:] if c.text]
    return bool(texts) and all(_is_year(t) for t in texts)


def _value_line(text: str) -> bool:
    """A line that is one value of a table laid out one value a line ('21.041', '€ 43.023',
    '-', '2,1 %'); a year alone is a header, not a value."""
    if _is_year(text) or not text:
        return False
    return text.lower() in NONE_CELLS or is_percentage(text) or bool(_FIGURE_LIKE.fullmatch(text))


def _label_line(text: str) -> bool:
    """A line that can label a row of values below it: short, no sentence, not a figure."""
    if not text or _value_line(text) or _is_pipe_line(text):
        return False
    if has_scale(text) and row_label(text).kind != "measure":  # 'Lasten in €' labels a row
        return False
    if text.endswith((".", "?", "!", ":")) or len(text.split()) > 12:
        return False
    return any(c.isalpha() for c in text)


def _header_line(text: str) -> bool:
    if _is_pipe_line(text):
        return False
    return is_header_text(text) or _is_year(text)


# -- tables ---------------------------------------------------------------------------------


class _Finder:
    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = split_lines(text)
        self.used = [False] * len(self.lines)

    def run(self) -> list[RawTable]:
        tables: list[RawTable] = []
        i = 0
        while i < len(self.lines):
            found = self._horizontal(i) or self._vertical(i)
            if found is None:
                i += 1
                continue
            table, last = found
            tables.append(table)
            i = last + 1
        return tables

    # bodies

    def _horizontal(self, i: int) -> tuple[RawTable, int] | None:
        rows: list[Row] = []
        j = i
        while j < len(self.lines):
            line = self.lines[j]
            if line.text and _SEPARATOR.fullmatch(line.text) and rows:
                j += 1
                continue
            row = _data_row(line) if line.text else None
            if row is None:
                break
            rows.append(row)
            j += 1
        if not rows:
            return None
        layouts = {r.layout for r in rows}
        table = RawTable(rows, layouts.pop() if len(layouts) == 1 else "mixed")
        table.start, table.end = rows[0].start, rows[-1].end
        self._head(table, i)
        self._captions(table, i, j - 1)
        return table, j - 1

    def _vertical(self, i: int) -> tuple[RawTable, int] | None:
        rows: list[Row] = []
        captions: list[Cell] = []
        j = i
        while j < len(self.lines):
            line = self.lines[j]
            if not line.text:
                j += 1
                continue
            if not _label_line(line.text):
                break
            values: list[Cell] = []
            k = j + 1
            last = j
            while k < len(self.lines):
                nxt = self.lines[k]
                if not nxt.text:
                    k += 1
                    continue
                if _value_line(nxt.text):
                    values.append(Cell(nxt.text, nxt.start, nxt.end))
                elif has_scale(nxt.text) and len(nxt.text.split()) <= 6 and values:
                    captions.append(Cell(nxt.text, nxt.start, nxt.end))  # 'x €1.000' below
                else:
                    break
                last = k
                k += 1
            if not any(is_amount(v.text) for v in values):
                break
            rows.append(Row(Cell(line.text, line.start, line.end), values, line.start,
                            self.lines[last].end, "vertical"))  # fmt: skip
            j = last + 1
        if not rows:
            return None
        table = RawTable(rows, "vertical", captions=captions)
        table.start, table.end = rows[0].start, rows[-1].end
        self._head(table, i, vertical=True)
        self._captions(table, i, self._index_at(table.end))
        return table, self._index_at(table.end)

    def _index_at(self, end: int) -> int:
        for n, line in enumerate(self.lines):
            if line.start <= end <= line.end and line.text:
                return n
        return len(self.lines) - 1

    # header and captions

    def _head(self, table: RawTable, first: int, vertical: bool = False) -> None:
        """The header lines right above the body (blank lines allowed between them)."""
        lines: list[RawLine] = []
        blanks = 0
        j = first - 1
        while j >= 0 and len(lines) < 24:
            line = self.lines[j]
            if not line.text:
                blanks += 1
                if blanks > (1 if not vertical else 2):
                    break
                j -= 1
                continue
            blanks = 0
            text = line.text
            if _SEPARATOR.fullmatch(text) and "|" in text or re.fullmatch(r"-{3,}", text):
                lines.append(line)
            elif _is_pipe_line(text) and _data_row(line) is None:
                lines.append(line)
            elif _header_line(text) or has_scale(text) and len(text.split()) <= 16:
                lines.append(line)
            else:
                break
            j -= 1
        lines.reverse()
        blocks: list[list[RawLine]] = []
        previous_end = None
        for line in lines:
            text = line.text
            if _SEPARATOR.fullmatch(text) or re.fullmatch(r"-{3,}", text):
                continue
            if has_scale(text) and not _header_line(text) and not _is_pipe_line(text):
                table.captions.append(Cell(text, line.start, line.end))
                previous_end = None
                continue
            if _is_pipe_line(text):
                cells = pipe_cells(line)
                table.header_rows.append(cells)
                if any(has_scale(c.text) for c in cells):
                    table.captions.append(Cell(text, line.start, line.end))
                previous_end = None
                continue
            # vertical layouts: lines without a blank line between them are one header cell
            # ('2018' above 'saldo'), when the layout sets its cells apart by blank lines
            if (
                vertical
                and blocks
                and previous_end is not None
                and self.text[previous_end : line.start] == "\n"
                and _blank_separated(self.lines, first)
            ):
                blocks[-1].append(line)
            else:
                blocks.append([line])
            previous_end = line.end
        for block in blocks:
            start, end = block[0].start, block[-1].end
            table.header_cells.append(Cell(self.text[start:end], start, end))

    def _captions(self, table: RawTable, first: int, last: int) -> None:
        """A few lines above the header and the scale lines right below the body."""
        top = (
            self._index_at(table.header_start) if table.header_rows or table.header_cells else first
        )
        seen, j = 0, top - 1
        while j >= 0 and seen < 3:
            line = self.lines[j]
            if line.text:
                if _data_row(line) is not None or len(line.text.split()) > 30:
                    break
                table.captions.insert(0, Cell(line.text, line.start, line.end))
                seen += 1
            j -= 1
        j = last + 1
        while j < len(self.lines) and j <= last + 3:
            line = self.lines[j]
            if line.text:
                if has_scale(line.text) and len(line.text.split()) <= 6:
                    table.captions.append(Cell(line.text, line.start, line.end))
                else:
                    break
            j += 1


def _blank_separated(lines: list[RawLine], first: int) -> bool:
    """Whether the lines below `first` (a vertical body) are set apart by blank lines."""
    window = lines[first : first + 8]
    return sum(1 for line in window if not line.text) >= 2


def find_tables(text: str) -> list[RawTable]:
    """Every table of figures in `text`, in order, with offsets into `text`."""
    return _Finder(text).run()


def column_count(table: RawTable) -> tuple[int | None, list[Row]]:
    """The number of value cells most rows have (None for glued rows alone), and the rows
    whose count differs."""
    counts = Counter(len(r.cells) for r in table.rows if r.layout != "glued")
    if not counts:
        return None, []
    n = counts.most_common(1)[0][0]
    return n, [r for r in table.rows if r.layout != "glued" and len(r.cells) != n]
