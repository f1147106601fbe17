"""What the tables of a document say: each figure with its section or task field, year, kind
and measure, in euros; and, for every table or figure left out, why.

A table found by tables.py is a finance table when a row or a header names lasten, baten or
saldo (or its rows name Iv3 task fields). It is read when every column of figures has a year
and the table states its scale; the kind of figure (begroting, begroting na wijziging,
realisatie, raming) comes from the column or from one header over all columns, else it is
'not stated'. Nothing is guessed: a header that cannot be lined up with the columns, a second
scale, a row whose glued cells can be split in more than one way, a cell that is no Dutch
amount: each is left out with a warning that says what and why.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from rdflib.namespace import SKOS

from ..grammars.lines import split_lines
from ..taakvelden import SCHEME, scheme_graph
from ..tree import DocumentTree, Section, normalise_space
from .headers import MEASURES, HeaderItem, RowLabel, header_items, row_label
from .numbers import (
    Unreadable,
    parentheses_negative,
    parse_amount,
    scale_of,
    sign_note,
    split_glued,
)
from .tables import Cell, RawTable, Row, column_count, find_tables

__all__ = ["Figure", "Table", "Reading", "read_figures", "KIND_NOT_STATED"]

KIND_NOT_STATED = "kindNotStated"


@dataclass(frozen=True)
class Figure:
    """One figure of a table: an observation."""

    measure: str  # lasten | baten | saldo
    year: int
    kind: str  # begroting | begrotingNaWijziging | realisatie | raming | kindNotStated
    section: Section | None  # None: the table stands before the first section
    task_field: str | None  # Iv3 code ('6.1') when the row or the section names one
    amount: Decimal  # as written in the cell
    value: Decimal  # in euros: amount x scale
    cell: Cell
    row: int  # 1-based position in the table
    column: int


@dataclass
class Table:
    """A finance table: read (figures), or skipped with the reason."""

    number: int  # 1-based, in document order over the finance tables
    start: int
    end: int
    layout: str
    section: Section | None = None
    scale: int | None = None
    sign: str | None = None
    figures: list[Figure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: str = ""  # why the whole table was left out ('' when read)
    left_out: Counter = field(default_factory=Counter)  # rows/cells left out, by reason

    @property
    def read(self) -> bool:
        return not self.skipped and bool(self.figures)


@dataclass
class Reading:
    """The finance tables of one document."""

    tables: list[Table]
    # scale lines ('bedragen x € 1.000') that head no rows of figures: a table cut off where a
    # page excerpt ends, or laid out in a way this reader does not know
    headless: list[Cell] = field(default_factory=list)

    @property
    def figures(self) -> list[Figure]:
        return [f for t in self.tables for f in t.figures]

    @property
    def warnings(self) -> list[str]:
        out = []
        for t in self.tables:
            where = f"table {t.number} ({t.layout}, offset {t.start})"
            if t.skipped:
                out.append(f"figures: {where} left out: {t.skipped}")
            out += [f"figures: {where}: {w}" for w in t.warnings]
        out += [
            f"figures: the scale line {c.text!r} (offset {c.start}) heads no rows of figures: "
            "nothing read there"
            for c in self.headless
        ]
        return out


# -- columns ----------------------------------------------------------------------------------


@dataclass
class _Column:
    year: int | None = None
    kind: str | None = None
    measure: str | None = None
    ignored: bool = False


class _HeaderError(ValueError):
    pass


def _set(col: _Column, item: HeaderItem, where: str) -> None:
    for name in ("year", "kind", "measure"):
        value = getattr(item, name)
        if value is None:
            continue
        old = getattr(col, name)
        if old is not None and old != value:
            raise _HeaderError(f"{where}: the header gives a column both {old} and {value}")
        setattr(col, name, value)
    if item.ignored:
        col.ignored = True


def _columns(table: RawTable, text: str, n: int) -> list[_Column]:
    """Year, kind and measure of each of the n columns, from the header; _HeaderError when
    the header cannot be lined up with them."""
    cols = [_Column() for _ in range(n)]
    groups: list[list[HeaderItem]] = []  # runs of header items without positions
    pending: list[HeaderItem] = []
    parts: list[tuple[int, str, object]] = [(r[0].start, "row", r) for r in table.header_rows if r]
    parts += [(c.start, "cell", c) for c in table.header_cells]
    for _, what, part in sorted(parts, key=lambda p: p[0]):
        if what == "cell":
            pending += header_items(part.text, part.start)
            continue
        if pending:
            groups.append(pending)
            pending = []
        flat = _pipe_header_row(part, n, cols)
        if flat:
            groups.append(flat)
    if pending:
        groups.append(pending)
    for items in groups:
        _flat(items, cols)
    return cols


def _items_of(cell: Cell) -> list[HeaderItem]:
    return header_items(cell.text, cell.start)


def _pipe_header_row(cells: list[Cell], n: int, cols: list[_Column]) -> list[HeaderItem]:
    """Apply one pipe header row by position where it lines up with the n columns; returns its
    items when it does not (to be applied as a group), [] when done or nothing to do."""
    cells = list(cells)
    if not any(_items_of(c) for c in cells):
        return []  # a caption row ('bedragen x € 1.000 | | |')
    first_is_item = bool(_items_of(cells[0]))
    while len(cells) > (n if first_is_item else n + 1) and not cells[-1].text:
        cells.pop()  # empty cells after the last column
    if len(cells) == n + 1:
        placed = cells[1:]
    elif len(cells) == n and first_is_item:
        placed = cells
    elif len(cells) > n + 1:
        raise _HeaderError(
            f"a header row has {len(cells) - 1} cells after its label, the rows {n} figures"
        )
    else:
        return [i for c in (cells if first_is_item else cells[1:]) for i in _items_of(c)]
    items = [_items_of(c) for c in placed]
    spanning = not any(i.year is not None for row in items for i in row)
    current: list[HeaderItem] = []
    for k, (cell, found) in enumerate(zip(placed, items, strict=True)):
        if len(found) > 1:
            raise _HeaderError(f"header cell {cell.text!r} names more than one column")
        if found:
            current = found
        elif cell.text or not spanning:
            current = []  # a cell of other words, or a hole in a row of columns
        for item in current:
            _set(cols[k], item, f"column {k + 1}")
    return []


def _flat(items: list[HeaderItem], cols: list[_Column]) -> None:
    """Header items without positions (lines above the rows, one value a line): the items
    that name a column (a year, 'Verschil') in order, and the items over several columns."""
    n = len(cols)
    named = [i for i in items if i.is_column]
    over = [i for i in items if not i.is_column]
    if named:
        if len(named) != n:
            raise _HeaderError(f"the header names {len(named)} columns, the rows have {n} figures")
        for k, item in enumerate(named):
            _set(cols[k], item, f"column {k + 1}")
    kinds = [i.kind for i in over if i.kind]
    if kinds:
        if len(set(kinds)) > 1:
            words = ", ".join(dict.fromkeys(kinds))
            raise _HeaderError(
                f"headers over several columns ({words}) do not say which columns each covers"
            )
        for col in cols:
            if col.kind is None and not col.ignored:
                col.kind = kinds[0]
    measures = [i.measure for i in over if i.measure and not i.kind]
    if not measures:
        return
    open_cols = [k for k, c in enumerate(cols) if c.measure is None and not c.ignored]
    if len(set(measures)) == 1:
        for k in open_cols:
            cols[k].measure = measures[0]
        return
    k = len(measures)
    first = open_cols[:k]
    same = {(cols[j].year, cols[j].kind) for j in first}
    after = open_cols[k] if len(open_cols) > k else None
    if (
        len(first) == k
        and len(same) == 1
        and first == list(range(first[0], first[0] + k))
        and (after is None or (cols[after].year, cols[after].kind) not in same)
    ):
        # 'LastenBatenSaldo' over three columns of one year ('Begroting 2019' three times)
        for j, measure in zip(first, measures, strict=True):
            cols[j].measure = measure
        return
    raise _HeaderError(
        f"the measures {', '.join(measures)} stand over the columns without saying which"
    )


# -- task fields --------------------------------------------------------------------------------


@cache
def _task_field_names() -> dict[str, set[str]]:
    g = scheme_graph()
    out: dict[str, set[str]] = {}
    for concept in g.subjects(SKOS.inScheme, SCHEME):
        code = str(g.value(concept, SKOS.notation))
        names = {str(o) for p in (SKOS.prefLabel, SKOS.altLabel) for o in g.objects(concept, p)}
        out[code] = {_name_key(n) for n in names}
    return out


def _name_key(name: str) -> str:
    return " ".join(re.sub(r"[^\w ]+", " ", name.lower()).split())


def _names_agree(code: str, name: str) -> bool:
    key = _name_key(name)
    if not key:
        return False
    known = _task_field_names().get(code, set())
    return any(key == k or key.startswith(k) or k.startswith(key) for k in known if k)


def _task_field(label: RowLabel, context_says: bool) -> tuple[str | None, str]:
    """The Iv3 code a label names, or None with the reason."""
    code = label.code or ""
    if code not in _task_field_names():
        return None, f"{code} is no Iv3 task field of ontology/taakvelden.ttl"
    if label.keyword or context_says or _names_agree(code, label.name):
        return code, ""
    return None, (
        f"{code} {label.name} may be a task field, but neither the label nor the table says "
        "'taakveld' and the name is not the task field's"
    )


def _section_task_field(section: Section | None, text: str) -> str | None:
    """The task field a section's heading names ('Taakveld 6.4 ...', 'Wijkteams (6.2)')."""
    if section is None:
        return None
    heading = normalise_space(text[section.start : section.end])
    label = row_label(heading)
    if label.kind != "taskfield":
        return None
    explicit = label.keyword or heading.rstrip().endswith(")")
    code, _ = _task_field(label, explicit)
    return code


# -- sections -----------------------------------------------------------------------------------


def _heading_key(text: str) -> str:
    return normalise_space(text).lower().strip(" :|-–")


class _Sections:
    """Which section a position of the text stands in: the last heading line above it (a
    section's heading may be repeated on later pages; the tree keeps its first place)."""

    def __init__(self, tree: DocumentTree, text: str, tables: list[RawTable]) -> None:
        by_heading: dict[str, Section] = {}
        by_title: dict[str, Section] = {}
        for s in tree.sections:
            by_heading.setdefault(_heading_key(text[s.start : s.end]), s)
            by_title.setdefault(_heading_key(s.title), s)
            if s.notation:
                by_title.setdefault(_heading_key(f"{s.notation} {s.title}"), s)
        self.by_title = by_title
        inside = [(t.header_start, t.end) for t in tables]
        marks = [(s.start, s) for s in tree.sections]
        for line in split_lines(text):
            key = _heading_key(line.text) if line.text else ""
            s = by_heading.get(key) or by_title.get(key)
            if s is not None and not any(b <= line.start < e for b, e in inside):
                marks.append((line.start, s))
        self.marks = sorted(marks, key=lambda m: m[0])

    def at(self, position: int) -> Section | None:
        found = None
        for start, s in self.marks:
            if start > position:
                break
            found = s
        return found

    def named(self, label: str) -> Section | None:
        return self.by_title.get(_heading_key(label))


# -- one table ----------------------------------------------------------------------------------


def _is_finance(table: RawTable, labels: list[RowLabel]) -> bool:
    if any(lab.kind in ("measure", "taskfield") for lab in labels):
        return True
    cells = [c for r in table.header_rows for c in r] + table.header_cells
    return any(i.measure for c in cells for i in header_items(c.text))


def _context(table: RawTable) -> str:
    parts = [c.text for c in table.captions] + [c.text for c in table.header_cells]
    parts += [c.text for r in table.header_rows for c in r]
    return "\n".join(parts)


def _scales(table: RawTable) -> set[int]:
    found = set()
    texts = [c.text for c in table.captions] + [c.text for c in table.header_cells]
    texts += [c.text for r in table.header_rows for c in r]
    texts += [r.label.text for r in table.rows]
    for t in texts:
        for piece in re.split(r"\s*\|\s*", t):
            s = scale_of(piece)
            if s is not None:
                found.add(s)
    return found


def _read_table(
    raw: RawTable, number: int, text: str, sections: _Sections, labels: list[RowLabel]
) -> Table:
    table = Table(number, raw.header_start, raw.end, raw.layout)
    table.section = sections.at(raw.header_start)
    context = _context(raw)
    n, odd_rows = column_count(raw)
    if n is None:  # glued rows only: the header says how many columns there are
        named = [i for c in raw.header_cells for i in header_items(c.text) if i.is_column]
        n = len(named) or None
    if not n:
        table.skipped = "glued cells without a header that says how many columns there are"
        return table
    try:
        cols = _columns(raw, text, n)
    except _HeaderError as err:
        table.skipped = str(err)
        return table
    if not any(c.year is not None for c in cols if not c.ignored):
        table.skipped = "no column says its year (no header of years or 'Begroting 2024' above it)"
        return table
    scales = _scales(raw)
    if not scales:
        table.skipped = "no scale line ('bedragen x € 1.000', 'x 1.000 euro', 'in €')"
        return table
    if len(scales) > 1:
        table.skipped = f"more than one scale ({', '.join(str(s) for s in sorted(scales))})"
        return table
    table.scale = scales.pop()
    table.sign = sign_note(context)
    negative_parens = parentheses_negative(context)
    says_taskfield = "taakveld" in context.lower()
    section_field = _section_task_field(table.section, text)
    line_items = any(lab.kind in ("taskfield", "item") for lab in labels)
    missing_year = [k + 1 for k, c in enumerate(cols) if c.year is None and not c.ignored]
    if missing_year:
        table.warnings.append(f"columns {missing_year} give no year: their figures are left out")
    for r, (row, label) in enumerate(zip(raw.rows, labels, strict=True), 1):
        where = f"row {r} {row.label.text!r}"
        if row in odd_rows:
            table.warnings.append(f"{where} has {len(row.cells)} figures, the others {n}: left out")
            table.left_out["row with another number of cells"] += 1
            continue
        section, task_field, measure = table.section, section_field, None
        if label.kind == "measure":
            measure = label.measure
        elif label.kind == "taskfield":
            task_field, why = _task_field(label, says_taskfield)
            if task_field is None:
                table.warnings.append(f"{where} left out: {why}")
                table.left_out["row naming an unknown task field"] += 1
                continue
        elif label.kind == "total":
            if line_items:
                table.left_out["total of the rows above"] += 1
                continue
        elif label.kind == "other":
            table.left_out["row of other figures (reserves, result)"] += 1
            continue
        else:
            section = sections.named(row.label.text)
            if section is None:
                table.warnings.append(
                    f"{where} left out: the label names no measure, task field or section"
                )
                table.left_out["row naming no measure, task field or section"] += 1
                continue
            task_field = _section_task_field(section, text)
        cells = row.cells
        if row.layout == "glued":
            cells = _split(row, n, cols, measure, table, where)
            if cells is None:
                continue
        figures = _row_figures(
            row, r, cells, cols, measure, section, task_field, table, negative_parens, where
        )
        table.figures += figures
    _drop_duplicates(table)
    return table


def _split(row: Row, n: int, cols, measure, table: Table, where: str) -> list[Cell] | None:
    assert row.run is not None
    spans = split_glued(row.run.text, n)
    if spans is None:
        table.warnings.append(
            f"{where}: the glued cells {row.run.text!r} can be split into {n} amounts in more "
            "than one way (or none): row left out"
        )
        table.left_out["glued row without a certain split"] += 1
        return None
    cells = [Cell(row.run.text[b:e], row.run.start + b, row.run.start + e) for b, e in spans]
    # where the row gives lasten, baten and saldo of one year, they must add up
    by_key: dict[tuple, dict[str, Decimal]] = {}
    for col, cell in zip(cols, cells, strict=True):
        m = measure or col.measure
        try:
            value = parse_amount(cell.text)
        except Unreadable:
            continue
        if m and value is not None:
            by_key.setdefault((col.year, col.kind), {})[m] = value
    for values in by_key.values():
        if set(MEASURES) <= set(values):
            lasten, baten, saldo = (abs(values[m]) for m in MEASURES)
            if min(abs(abs(lasten - baten) - saldo), abs(lasten + baten - saldo)) > 1:
                table.warnings.append(
                    f"{where}: the split of the glued cells {row.run.text!r} does not add up "
                    "(lasten, baten, saldo): row left out"
                )
                table.left_out["glued row without a certain split"] += 1
                return None
    return cells


def _row_figures(
    row: Row,
    r: int,
    cells: list[Cell],
    cols: list[_Column],
    measure: str | None,
    section: Section | None,
    task_field: str | None,
    table: Table,
    negative_parens: bool,
    where: str,
) -> list[Figure]:
    out = []
    no_measure = False
    for k, (col, cell) in enumerate(zip(cols, cells, strict=True), 1):
        if col.ignored or col.year is None:
            continue
        m = measure
        if col.measure and m and col.measure != m:
            table.warnings.append(
                f"{where}, column {k}: the row says {m}, the column {col.measure}: left out"
            )
            table.left_out["cell whose row and column name different measures"] += 1
            continue
        m = m or col.measure
        if m is None:
            no_measure = True
            continue
        try:
            amount = parse_amount(cell.text, negative_parens)
        except Unreadable as err:
            table.warnings.append(f"{where}, column {k}: {err}: left out")
            table.left_out["unreadable cell"] += 1
            continue
        if amount is None:
            table.left_out["empty cell ('-')"] += 1
            continue
        out.append(
            Figure(
                measure=m,
                year=col.year,
                kind=col.kind or KIND_NOT_STATED,
                section=section,
                task_field=task_field,
                amount=amount,
                value=amount * table.scale,
                cell=cell,
                row=r,
                column=k,
            )
        )
    if no_measure:
        table.warnings.append(
            f"{where}: neither the row nor its columns name lasten, baten or saldo"
        )
        table.left_out["cells without a measure"] += 1
    return out


def _drop_duplicates(table: Table) -> None:
    """Two figures with the same dimensions are both left out: which one is meant is not
    certain."""
    keys = Counter(_key(f) for f in table.figures)
    twice = {k for k, c in keys.items() if c > 1}
    if not twice:
        return
    for f in table.figures:
        if _key(f) in twice:
            table.left_out["figure given twice"] += 1
    table.warnings.append(
        f"{sum(keys[k] for k in twice)} figures name the same section, task field, year, kind "
        "and measure as another: left out"
    )
    table.figures = [f for f in table.figures if _key(f) not in twice]


def _key(f: Figure) -> tuple:
    return (id(f.section), f.task_field, f.year, f.kind, f.measure)


# -- a document ---------------------------------------------------------------------------------


def read_figures(text: str, tree: DocumentTree) -> Reading:
    """The finance tables of a document text, read (see the module docstring)."""
    raws = find_tables(text)
    finance: list[tuple[RawTable, list[RowLabel]]] = []
    for raw in raws:
        labels = [row_label(r.label.text) for r in raw.rows]
        if _is_finance(raw, labels):
            finance.append((raw, labels))
    sections = _Sections(tree, text, [raw for raw, _ in finance])
    tables = [
        _read_table(raw, number, text, sections, labels)
        for number, (raw, labels) in enumerate(finance, 1)
    ]
    return Reading(tables, _headless(text, raws))


def _headless(text: str, raws: list[RawTable]) -> list[Cell]:
    """Short lines that state a scale outside every table found (its header and captions)."""
    used = [(r.header_start, r.end) for r in raws]
    used += [(c.start, c.end) for r in raws for c in r.captions]
    out = []
    for line in split_lines(text):
        if not line.text or len(line.text.split()) > 16 or scale_of(line.text) is None:
            continue
        if not any(b <= line.start < e or b < line.end <= e for b, e in used):
            out.append(Cell(line.text, line.start, line.end))
    return out
