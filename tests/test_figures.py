"""Finance tables read into RDF Data Cube observations (extract/figures/).

Every page and table here is invented (the made-up municipalities Vlietmond and Lindeloo, made-up
amounts); only the Iv3 task-field codes and names are the public list's. Each test reads a
table in one of the layouts the readers and exports give and checks every figure: value in
euros, year, kind, measure, section or task field, and that its offsets point at its cell.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from beleidsgraaf.extract.figures import figure_triples, read_figures
from beleidsgraaf.extract.figures.numbers import parse_amount
from beleidsgraaf.extract.reader import read_text
from beleidsgraaf.extract.structure import parse_structure
from beleidsgraaf.extract.taakvelden import TAAKVELD
from beleidsgraaf.graph.validate import validate_graph
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, QB, RDF, XSD
from test_site import site  # noqa: F401 - the test site (a fixture of tests/test_site.py)

from beleidsgraaf.namespaces import BG, FIG, NIF
from beleidsgraaf.pipeline import build, document_meta, extract

PAGE_START = (
    "Begroting 2031\n\n"
    "Programma 4 | Zorg en welzijn\n\n"
    "Wat willen we bereiken?\n"
    "Inwoners van Vlietmond wonen langer zelfstandig thuis, met hulp van buren en vrijwilligers.\n\n"
    "Wat gaan we doen?\n"
    "We openen in elke wijk van Vlietmond een buurtkamer waar ouderen elkaar ontmoeten.\n\n"
    "Wat mag het kosten?\n"
)


def reading(text: str):
    tree = parse_structure(text)
    return read_figures(text, tree), tree


def rows(text: str) -> list[tuple]:
    """(measure, year, kind, task field, euros) of every figure read, in table order."""
    found, _ = reading(text)
    return [(f.measure, f.year, f.kind, f.task_field, f.value) for f in found.figures]


def check_cells(text: str) -> None:
    """Every figure's cell is the text at its offsets and its value is that cell x scale."""
    found, _ = reading(text)
    for table in found.tables:
        for f in table.figures:
            assert text[f.cell.start : f.cell.end] == f.cell.text
            assert parse_amount(f.cell.text, True) * table.scale == f.value


# -- layouts ----------------------------------------------------------------------------------

HTML_PAGE = """<html><body><main>
<h1>Programma 4 Zorg en welzijn</h1>
<h2>Wat willen we bereiken?</h2><p>Inwoners van Vlietmond wonen langer zelfstandig thuis.</p>
<h2>Wat gaan we doen?</h2><p>We openen een buurtkamer in elke wijk van Vlietmond.</p>
<h2>Wat mag het kosten?</h2>
<table>
<thead><tr><th>Bedragen x € 1.000</th><th>Rekening 2029</th><th>Begroting 2030 na wijziging</th>
<th>Begroting 2031</th></tr></thead>
<tbody><tr><td>Lasten</td><td>41.380</td><td>43.905</td><td>44.012</td></tr>
<tr><td>Baten</td><td>-6.215</td><td>-6.480</td><td>-6.502</td></tr>
<tr><td>Saldo</td><td>35.165</td><td>37.425</td><td>37.510</td></tr></tbody>
</table></main></body></html>"""


def test_an_html_table_every_figure_with_year_kind_measure_and_scale():
    text = read_text(HTML_PAGE.encode(), "vlietmond-begroting-2031.html").text
    k = Decimal(1000)
    assert rows(text) == [
        ("lasten", 2029, "realisatie", None, 41380 * k),
        ("lasten", 2030, "begrotingNaWijziging", None, 43905 * k),
        ("lasten", 2031, "begroting", None, 44012 * k),
        ("baten", 2029, "realisatie", None, -6215 * k),
        ("baten", 2030, "begrotingNaWijziging", None, -6480 * k),
        ("baten", 2031, "begroting", None, -6502 * k),
        ("saldo", 2029, "realisatie", None, 35165 * k),
        ("saldo", 2030, "begrotingNaWijziging", None, 37425 * k),
        ("saldo", 2031, "begroting", None, 37510 * k),
    ]
    found, tree = reading(text)
    (table,) = found.tables
    assert table.section is not None and table.section.title == "Zorg en welzijn"
    assert table.scale == 1000 and not table.warnings
    check_cells(text)


MARKDOWN = PAGE_START + (
    "Inclusief mutaties in reserves, bedragen x € 1.000 | |||||\n"
    "Zorg en welzijn | Realisatie | Begroting | |||\n"
    "---|---|---|---|---|---|\n"
    "2029 | 2030 | 2031 | 2032 | 2033 | |\n"
    "Lasten | 48.210 | 51.377 | 52.004 | 50.918 | 49.330 |\n"
    "Baten | 7.106 | 7.250 | 6.993 | 6.993 | 6.870 |\n"
    "Saldo | 41.104 | 44.127 | 45.011 | 43.925 | 42.460 |\n"
)


def test_a_markdown_table_with_a_header_over_several_columns():
    """'Realisatie' heads one column, 'Begroting' (followed by empty cells) the rest; the year
    row lacks the label cell and ends with an empty one."""
    found = rows(MARKDOWN)
    assert len(found) == 15
    kinds = {year: kind for _, year, kind, _, _ in found}
    assert kinds == {
        2029: "realisatie",
        2030: "begroting",
        2031: "begroting",
        2032: "begroting",
        2033: "begroting",
    }
    assert ("baten", 2033, "begroting", None, Decimal(6870000)) in found
    check_cells(MARKDOWN)


VERTICAL = PAGE_START + (
    "bedragen x € 1.000\n\n"
    "Begroting 2030\n\n"
    "Begroting 2031\n\n"
    "Raming 2032\n\n"
    "Lasten\n\n"
    "12.640\n\n"
    "13.002\n\n"
    "13.115\n\n"
    "Baten\n\n"
    "€ 2.013\n\n"
    "-\n\n"
    "1.998,5\n"
)


def test_one_value_a_line():
    k = Decimal(1000)
    assert rows(VERTICAL) == [
        ("lasten", 2030, "begroting", None, 12640 * k),
        ("lasten", 2031, "begroting", None, 13002 * k),
        ("lasten", 2032, "raming", None, 13115 * k),
        ("baten", 2030, "begroting", None, 2013 * k),
        # '-': no figure for 2031
        ("baten", 2032, "raming", None, Decimal("1998500")),
    ]
    check_cells(VERTICAL)


SPACED = PAGE_START + (
    "Bedragen x € 1.000 Begroting 2030 na wijziging Realisatie 2030 Verschil\n"
    "Lasten € 9.412 € 9.118 € 294\n"
    "Baten € 1.207 € 1.315 € -108\n"
)


def test_rows_set_apart_by_spaces_and_a_column_of_differences():
    k = Decimal(1000)
    assert rows(SPACED) == [
        ("lasten", 2030, "begrotingNaWijziging", None, 9412 * k),
        ("lasten", 2030, "realisatie", None, 9118 * k),
        ("baten", 2030, "begrotingNaWijziging", None, 1207 * k),
        ("baten", 2030, "realisatie", None, 1315 * k),
    ]  # the 'Verschil' column holds no figure of ours
    check_cells(SPACED)


GLUED = PAGE_START + (
    "Programma 4 Sociaal domein (bedragen x 1.000)\n"
    " LastenBatenSaldo\n"
    "TaakveldBegroting 2031Begroting 2031Begroting 2031Begroting 2032\n"
    "6.3 Inkomensregelingen-21.406532-20.874-20.910\n"
    "6.5 Arbeidsparticipatie-3.120410-2.710-2.650\n"
)


def test_glued_cells_are_split_where_certain_and_rows_name_task_fields():
    k = Decimal(1000)
    found, tree = reading(GLUED)
    (table,) = found.tables
    assert [(f.measure, f.year, f.task_field, f.value) for f in table.figures] == [
        ("lasten", 2031, "6.3", -21406 * k),
        ("baten", 2031, "6.3", 532 * k),
        ("saldo", 2031, "6.3", -20874 * k),
        ("lasten", 2031, "6.5", -3120 * k),
        ("baten", 2031, "6.5", 410 * k),
        ("saldo", 2031, "6.5", -2710 * k),
    ]
    # the fourth column (Begroting 2032) has no measure over it: left out, and said so
    assert any("neither the row nor its columns name" in w for w in table.warnings)
    check_cells(GLUED)


def test_a_glued_row_that_does_not_add_up_or_splits_two_ways_is_left_out():
    # 6.5: lasten -3.120 and baten 410 do not give saldo -2.910; 6.3: without its last cell,
    # '-21.406532' holds three cells, as '5' and '32' or as '53' and '2'
    text = GLUED.replace("-3.120410-2.710", "-3.120410-2.910").replace(
        "-21.406532-20.874-20.910", "-21.406532-20.874"
    )
    found, _ = reading(text)
    (table,) = found.tables
    assert not table.figures
    assert sum("glued cells" in w for w in table.warnings) == 2
    assert table.left_out["glued row without a certain split"] == 2


# -- what is left out, and why ------------------------------------------------------------------


def _only_table(text: str):
    found, _ = reading(text)
    assert len(found.tables) == 1, found.tables
    return found.tables[0]


def test_parentheses_are_negative_only_when_the_table_says_so():
    table = (
        "bedragen x € 1.000; bedragen tussen haakjes zijn negatief\n"
        "Bedragen x € 1.000 | Begroting 2031 | Begroting 2032\n"
        "Lasten | 5.104 | 5.220\n"
        "Saldo | (1.310) | (1.402)\n"
    )
    assert [f.value for f in _only_table(PAGE_START + table).figures][2:] == [
        Decimal(-1310000),
        Decimal(-1402000),
    ]
    silent = table.replace("; bedragen tussen haakjes zijn negatief", "")
    t = _only_table(PAGE_START + silent)
    assert len(t.figures) == 2 and t.left_out["unreadable cell"] == 2
    assert all("parentheses" in w for w in t.warnings)


def test_a_table_without_a_scale_line_is_left_out():
    t = _only_table(PAGE_START + "Rekening 2029 | Begroting 2030\nLasten | 5.104 | 5.220\n")
    assert not t.figures and "no scale line" in t.skipped


def test_a_table_without_years_is_left_out():
    t = _only_table(PAGE_START + "bedragen x € 1.000\nLasten € 5.104 € 5.220\nBaten € 310 € 298\n")
    assert not t.figures and "year" in t.skipped


def test_kinds_that_do_not_say_which_columns_they_cover_leave_the_table_out():
    text = PAGE_START + (
        "bedragen x € 1.000\n\nRekening\n\nBegroting\n\n2029\n\n2030\n\n2031\n\n"
        "Lasten\n\n5.104\n\n5.220\n\n5.301\n"
    )
    t = _only_table(text)
    assert not t.figures and "which columns" in t.skipped


def test_bare_years_give_figures_whose_kind_is_not_stated():
    text = PAGE_START + "Bedragen x € 1.000 | 2030 | 2031\nLasten | 5.104 | 5.220\n"
    assert [(f.year, f.kind) for f in _only_table(text).figures] == [
        (2030, "kindNotStated"),
        (2031, "kindNotStated"),
    ]


def test_a_row_with_another_number_of_cells_is_left_out():
    text = PAGE_START + (
        "Bedragen x € 1.000 | Begroting 2030 | Begroting 2031\n"
        "Lasten | 5.104 | 5.220\n"
        "Baten | 310\n"  # an export that dropped an empty cell: which year is it?
    )
    t = _only_table(text)
    assert [f.measure for f in t.figures] == ["lasten", "lasten"]
    assert any("has 1 figures, the others 2" in w for w in t.warnings)


def test_unknown_task_fields_and_unnamed_items_are_left_out_with_a_warning():
    text = PAGE_START + (
        "Bedragen x € 1.000 | Begroting 2031\n"
        "Taakveld | Lasten\n"
        "6.1 Samenkracht en burgerparticipatie | 3.310\n"
        "6.9 Iets anders | 1.200\n"  # no task field 6.9 in the Iv3 list
        "Buurtkamers | 800\n"  # names no task field, measure or section
        "Totaal | 5.310\n"  # a total of the rows above: left out
    )
    t = _only_table(text)
    assert [(f.task_field, f.measure, f.value) for f in t.figures] == [
        ("6.1", "lasten", Decimal(3310000))
    ]
    assert any("6.9 is no Iv3 task field" in w for w in t.warnings)
    assert any("'Buurtkamers' left out" in w for w in t.warnings)
    assert t.left_out["total of the rows above"] == 1


def test_a_code_is_a_task_field_only_when_the_table_or_the_name_says_so():
    table = "Bedragen x € 1.000 | Begroting 2031 | Begroting 2032\n{}| 3.310 | 3.402\n"
    named = _only_table(PAGE_START + table.format("6.4 Begeleide participatie "))
    assert {f.task_field for f in named.figures} == set()  # no measure: nothing read
    with_measure = table.replace("Begroting 2031 | Begroting 2032", "Lasten 2031 | Lasten 2032")
    agrees = _only_table(PAGE_START + with_measure.format("6.4 Begeleide participatie "))
    assert {f.task_field for f in agrees.figures} == {"6.4"}
    other = _only_table(PAGE_START + with_measure.format("6.4 Jongerenwerk "))
    assert not other.figures and any("may be a task field" in w for w in other.warnings)


def test_a_section_heading_that_names_a_task_field_gives_its_figures_that_task_field():
    text = (
        "Begroting 2031\n\nTaakveld 6.3 Inkomensregelingen\n\n"
        "Wat willen we bereiken?\nMinder huishoudens in Lindeloo hebben problematische schulden.\n\n"
        "Wat mag het kosten?\n"
        "Bedragen x € 1.000 | Begroting 2031\nLasten | 17.250\n"
    )
    (f,) = _only_table(text).figures
    assert f.task_field == "6.3"


def test_figures_given_twice_are_both_left_out():
    text = PAGE_START + (
        "Bedragen x € 1.000 | Begroting 2031\nLasten | 5.104\nTotaal lasten | 5.140\n"
    )
    t = _only_table(text)
    assert not t.figures and t.left_out["figure given twice"] == 2


def test_two_scales_leave_the_table_out():
    text = PAGE_START + (
        "bedragen x € 1.000.000\nBedragen x € 1.000 | Begroting 2031\nLasten | 5.104\n"
    )
    assert "more than one scale" in _only_table(text).skipped


def test_tables_of_other_figures_are_no_finance_tables():
    text = PAGE_START + (
        "Investeringen\nBedragen x € 1.000 | 2031 | 2032\n"
        "Sporthal De Meent | 2.400 | 1.200\nBrede school Noord | 5.100 | 900\n"
    )
    found, _ = reading(text)
    assert found.tables == []


def test_prose_with_numbers_is_no_table():
    text = PAGE_START + (
        "In 2031 ondersteunen we 1.200 mantelzorgers; de lasten stijgen met 310.\n"
        "Het aantal deelnemers steeg naar 1.450\n"
    )
    found, _ = reading(text)
    assert found.figures == []


# -- the graph ----------------------------------------------------------------------------------


def graph_of(text: str, name: str = "vlietmond-begroting-2031.txt") -> Graph:
    source = read_text(text.encode("utf-8"), name)
    graph, _ = extract(source, document_meta(source, None, None), entities=False)
    return graph


def test_observations_in_the_graph_point_at_their_cells_and_validate():
    g = graph_of(MARKDOWN)
    observations = set(g.subjects(RDF.type, QB.Observation))
    assert len(observations) == 15
    text = str(next(g.objects(None, NIF.isString)))
    for obs in observations:
        measure = g.value(obs, QB.measureType)
        value = g.value(obs, measure)
        assert value.datatype == XSD.decimal
        cell = g.value(obs, PROV.wasDerivedFrom)
        begin, end = int(g.value(cell, NIF.beginIndex)), int(g.value(cell, NIF.endIndex))
        assert str(g.value(cell, NIF.anchorOf)) == text[begin:end]
        table = g.value(obs, QB.dataSet)
        assert parse_amount(text[begin:end]) * int(g.value(table, BG.scale)) == value.toPython()
        assert g.value(obs, BG.refTaskField) == FIG.noTaskField
        assert (g.value(obs, BG.refSection), RDF.type, BG.Section) in g
    report = validate_graph(g)
    assert report.conforms, report.format()


def test_task_fields_link_to_the_iv3_concepts():
    g = graph_of(GLUED)
    fields = set(g.objects(None, BG.refTaskField))
    assert fields == {TAAKVELD["6.3"], TAAKVELD["6.5"]}
    assert (TAAKVELD["6.3"], RDF.type, URIRef("http://www.w3.org/2004/02/skos/core#Concept")) in g
    assert validate_graph(g).conforms


def test_a_build_reports_what_it_left_out():
    source = read_text(
        (PAGE_START + "Rekening 2029 | Begroting 2030\nLasten | 5 | 6\n").encode(), "x.txt"
    )
    tree = parse_structure(source.text)
    assert figure_triples(source.text, tree, URIRef("urn:x:doc")) == []
    assert any(w.startswith("figures: table 1") and "no scale line" in w for w in tree.warnings)


def _broken(g: Graph, drop=(), add=()) -> Graph:
    out = Graph()
    for t in g:
        if t not in drop:
            out.add(t)
    for t in add:
        out.add(t)
    return out


@pytest.fixture(scope="module")
def cube() -> Graph:
    return graph_of(HTML_PAGE_AS_TEXT)


HTML_PAGE_AS_TEXT = read_text(HTML_PAGE.encode(), "vlietmond-begroting-2031.html").text


@pytest.fixture(scope="module")
def shapes() -> Graph:
    from beleidsgraaf.graph.validate import shapes_graph

    return shapes_graph()


def _messages(g: Graph, shapes: Graph) -> str:
    report = validate_graph(g, shapes)
    assert not report.conforms
    return report.format()


def test_shapes_catch_a_second_observation_with_the_same_dimensions(cube, shapes):
    obs = sorted(cube.subjects(RDF.type, QB.Observation))[0]
    twin = URIRef(str(obs) + "-twin")
    add = [(twin, p, o) for p, o in cube.predicate_objects(obs)]
    assert "IC-12" in _messages(_broken(cube, add=add), shapes)


def test_shapes_catch_a_missing_or_second_dimension_value(cube, shapes):
    obs = sorted(cube.subjects(RDF.type, QB.Observation))[0]
    year = cube.value(obs, BG.refYear)
    assert "IC-11" in _messages(_broken(cube, drop=[(obs, BG.refYear, year)]), shapes)
    other = Literal("2001", datatype=XSD.gYear)
    assert "IC-11" in _messages(_broken(cube, add=[(obs, BG.refYear, other)]), shapes)


def test_shapes_catch_a_measure_that_is_not_the_one_named(cube, shapes):
    obs = next(o for o in cube.subjects(RDF.type, QB.Observation) if cube.value(o, BG.lasten))
    value = cube.value(obs, BG.lasten)
    g = _broken(cube, drop=[(obs, BG.lasten, value)], add=[(obs, BG.baten, value)])
    assert "IC-15/16" in _messages(g, shapes)


def test_shapes_catch_a_kind_outside_the_code_list_and_a_table_without_scale(cube, shapes):
    obs = sorted(cube.subjects(RDF.type, QB.Observation))[0]
    kind = cube.value(obs, BG.figureKind)
    g = _broken(
        cube,
        drop=[(obs, BG.figureKind, kind)],
        add=[(obs, BG.figureKind, URIRef(str(FIG.begroting) + "X"))],
    )
    assert "figureKind" in _messages(g, shapes)
    table = cube.value(obs, QB.dataSet)
    scale = cube.value(table, BG.scale)
    assert "scale" in _messages(_broken(cube, drop=[(table, BG.scale, scale)]), shapes)


# -- tables inside the project's own documents --------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "data/amersfoort-programmabegroting-2021-programma-2.txt",
        "tests/data/lindeloo-programmabegroting-2022.txt",
        "tests/data/heldout4/arnhem-programmabegroting-2024.txt",
    ],
)
def test_a_table_under_each_section_keeps_the_structure_and_belongs_to_its_section(name):
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / name).read_text(encoding="utf-8")
    tree = parse_structure(text)
    table = (
        "\nWat mag het kosten?\nBedragen x € 1.000 | Rekening 2020 | Begroting 2021\n"
        "Lasten | 12.345 | 13.210\nBaten | 1.234 | 1.300\n\n"
    )
    out, pos, under = [], 0, []
    for section in sorted(tree.sections, key=lambda s: s.start):
        eol = text.find("\n", section.end)
        out += [text[pos : eol + 1], table]
        pos = eol + 1
        under.append(section.key)
    with_tables = "".join(out) + text[pos:]
    found, after = reading(with_tables)
    shape = [(len(t.sections), len(t.goals), len(t.activities)) for t in (tree, after)]
    assert shape[0] == shape[1]  # no table line became a goal or an activity
    assert [t.section.key for t in found.tables] == under
    assert all(len(t.figures) == 4 for t in found.tables)
    check_cells(with_tables)


# -- the test site and a PDF ----------------------------------------------------------------------


def _figures_in_store(store) -> list[tuple]:
    from beleidsgraaf.graph.store import opened

    query = """
        PREFIX bg: <https://w3id.org/beleidsgraaf/def#>
        PREFIX qb: <http://purl.org/linked-data/cube#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?title ?year ?kind ?measure ?value WHERE {
          ?o a qb:Observation ; bg:refSection ?s ; bg:refYear ?year ; bg:figureKind ?kind ;
             qb:measureType ?measure ; ?measure ?value .
          ?s rdfs:label ?title .
        } ORDER BY ?year"""
    with opened(store, read_only=True) as ds:
        return [
            (str(r.title), str(r.year), r.kind, r.measure, r.value.toPython())
            for r in ds.query(query)
        ]


def test_the_test_site_table_is_in_the_graph(site, tmp_path, run_cli):  # noqa: F811
    """The table of the test site (tests/test_site.py), crawled and built."""
    store = tmp_path / "store"
    args = ["build", site.url, "--store", store, "--delay", "0", "--cache", tmp_path / "c"]
    assert run_cli(*args, "--no-entities").code == 0
    assert _figures_in_store(store) == [
        ("Zorg en welzijn", "2023", FIG.kindNotStated, BG.lasten, Decimal(31450000)),
        ("Zorg en welzijn", "2024", FIG.kindNotStated, BG.lasten, Decimal(33020000)),
    ]  # 'Bedragen x € 1.000 | 2023 | 2024': years without a kind
    assert run_cli("validate", "--store", store).code == 0


def test_a_pdf_table_is_in_the_graph(tmp_path):
    pytest.importorskip("reportlab")
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path = tmp_path / "lindeloo-begroting-2031.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    y = A4[1] - 80
    for text, font, size in [
        ("3 Werk en inkomen", "Helvetica-Bold", 16),
        ("Wat willen we bereiken?", "Helvetica-Bold", 12),
        ("Meer inwoners van Lindeloo hebben betaald werk.", "Helvetica", 10),
        ("Wat mag het kosten?", "Helvetica-Bold", 12),
    ]:
        c.setFont(font, size)
        c.drawString(56, y, text)
        y -= 24
    rows = [
        ("Bedragen x € 1.000", "Realisatie 2029", "Begroting 2031"),
        ("Lasten", "18.240", "19.115"),
        ("Baten", "3.905", "4.020"),
    ]
    c.setFont("Helvetica", 10)
    for label, a, b in rows:  # a table without rules: cells stand apart
        c.drawString(56, y, label)
        c.drawRightString(330, y, a)
        c.drawRightString(450, y, b)
        y -= 16
    c.save()
    results = build([path], store=tmp_path / "store", entities=False)
    assert [r.status for r in results] == ["ok"], [r.message for r in results]
    expected = [
        ("Werk en inkomen", "2029", FIG.realisatie, BG.lasten, Decimal(18240000)),
        ("Werk en inkomen", "2029", FIG.realisatie, BG.baten, Decimal(3905000)),
        ("Werk en inkomen", "2031", FIG.begroting, BG.lasten, Decimal(19115000)),
        ("Werk en inkomen", "2031", FIG.begroting, BG.baten, Decimal(4020000)),
    ]
    assert sorted(_figures_in_store(tmp_path / "store"), key=str) == sorted(expected, key=str)
