"""The PDF reader: layout kept (headings, columns, tables), running lines and page numbers gone.

The PDFs are drawn here with reportlab, with invented text of the made-up municipality Vlietmond.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from beleidsgraaf.extract.reader import ReaderError, read_document

pytest.importorskip("reportlab")

from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.pdfbase.pdfmetrics import stringWidth  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

W, H = A4
RUNNING = "Programmabegroting 2024 Gemeente Vlietmond"


class Drawing:
    """A few pages drawn line by line: each call draws lines and moves down."""

    def __init__(self, path: Path) -> None:
        self.c = canvas.Canvas(str(path), pagesize=A4)
        self.page = 0
        self.new_page()

    def new_page(self) -> None:
        if self.page:
            self.c.showPage()
        self.page += 1
        self.c.setFont("Helvetica", 8)
        self.c.drawString(56, H - 30, RUNNING)
        self.c.drawRightString(W - 56, 30, f"Pagina {self.page} van 4")
        self.y = H - 80

    def lines(self, *lines: str, font="Helvetica", size=10, x=56.0, space_before=8.0) -> None:
        self.y -= space_before
        self.c.setFont(font, size)
        for line in lines:
            self.c.drawString(x, self.y, line)
            self.y -= size * 1.3

    def heading(self, text: str, size: float = 14) -> None:
        self.lines(text, font="Helvetica-Bold", size=size, space_before=10)

    def save(self) -> None:
        self.c.showPage()
        self.c.save()


@pytest.fixture
def budget_pdf(tmp_path: Path) -> Path:
    path = tmp_path / "vlietmond-begroting-2024.pdf"
    d = Drawing(path)
    d.heading("2 Zorg en welzijn", 18)
    d.heading("Ouderen", 13)  # no number: a heading by its font alone
    d.lines(
        "Dit programma gaat over de zorg die inwoners thuis en in de wijk krijgen, en ook over het",
        "welzijn van jong en oud. We werken samen met Stichting Welzijn Vlietmond en met de werk-",
        "zoekenden van het Werkbedrijf Vlietstreek in Noord-",
        "Holland, en we voorkomen met de GGD elk auto-",
        "ongeluk met ouderen in het verkeer.",
    )
    d.lines("1. Meer ouderen wonen langer zelfstandig thuis.")
    d.lines(
        "1.1 We sluiten een overeenkomst met woningcorporatie Havenstaete over veertig woningen",
        "voor ouderen in de wijk Oosterhaven.",
        "1.2 We breiden de zorg- en welzijnsteams uit.",
        space_before=4,
    )
    d.new_page()
    d.heading("Wat gaan we doen?", 13)
    top = d.y
    d.lines(
        "We openen twee buurtteams in de",
        "wijken Oosterhaven en Molenkwar-",
        "tier, met de wijkverpleging en de",
        "huisartsen uit de buurt.",
    )
    d.y = top
    d.lines(
        "Met de Kredietbank Vlietstreek",
        "breiden we de schuldhulpverlening",
        "uit, zodat inwoners sneller hulp",
        "krijgen bij geldzorgen.",
        x=W / 2 + 10,
    )
    d.lines(
        "Deze regel loopt weer over de hele breedte van de bladzijde, onder beide kolommen door."
    )
    d.new_page()
    d.heading("Wat mag het kosten?", 13)
    rows = [("Bedragen x € 1.000", "2023", "2024"), ("Lasten", "31.450", "33.020")]
    rows.append(("Baten", "-4.120", "-4.300"))
    c, y = d.c, d.y - 20
    c.setFont("Helvetica", 10)
    for label, a, b in rows:  # a ruled table
        c.drawString(56, y, label)
        c.drawRightString(300, y, a)
        c.drawRightString(400, y, b)
        c.line(50, y - 4, 410, y - 4)
        y -= 18
    c.line(50, d.y - 6, 410, d.y - 6)
    for x in (50, 200, 310, 410):
        c.line(x, d.y - 6, x, y + 14)
    d.y = y - 10
    d.lines("Na de tabel volgt weer gewone tekst over de begroting van dit programma.")
    d.new_page()
    d.heading("Investeringen", 13)
    c, y = d.c, d.y - 16
    for label, a, b in [
        ("Sporthal De Meent", "2.400", "1.200"),
        ("Brede school Noord", "5.100", "900"),
    ]:
        c.setFont("Helvetica", 10)  # a table without rules: cells stand apart
        c.drawString(56, y, label)
        c.drawRightString(300, y, a)
        c.drawRightString(400, y, b)
        y -= 14
    d.save()
    return path


def nonblank(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def test_running_header_and_page_numbers_are_gone(budget_pdf: Path):
    text = read_document(budget_pdf).text
    assert RUNNING not in text
    assert "Pagina" not in text


def test_headings_stand_alone_with_their_level(budget_pdf: Path):
    source = read_document(budget_pdf)
    headings = [
        (source.text[b.start : b.end], b.level) for b in source.blocks if b.kind == "heading"
    ]
    assert headings == [
        ("2 Zorg en welzijn", 1),
        ("Ouderen", 2),
        ("Wat gaan we doen?", 2),
        ("Wat mag het kosten?", 2),
        ("Investeringen", 2),
    ]
    assert nonblank(source.text)[:2] == ["2 Zorg en welzijn", "Ouderen"]


def test_paragraph_lines_are_joined_and_hyphens_repaired_where_safe(budget_pdf: Path):
    lines = nonblank(read_document(budget_pdf).text)
    assert lines[2] == (
        "Dit programma gaat over de zorg die inwoners thuis en in de wijk krijgen, en ook over het "
        "welzijn van jong en oud. We werken samen met Stichting Welzijn Vlietmond en met de "
        "werkzoekenden van het Werkbedrijf Vlietstreek in Noord-Holland, en we voorkomen met de "
        "GGD elk auto-ongeluk met ouderen in het verkeer."
    )
    assert lines[3:6] == [
        "1. Meer ouderen wonen langer zelfstandig thuis.",
        "1.1 We sluiten een overeenkomst met woningcorporatie Havenstaete over veertig woningen "
        "voor ouderen in de wijk Oosterhaven.",
        "1.2 We breiden de zorg- en welzijnsteams uit.",
    ]


def test_two_columns_are_read_one_after_the_other(budget_pdf: Path):
    lines = nonblank(read_document(budget_pdf).text)
    at = lines.index("Wat gaan we doen?")
    assert lines[at + 1 : at + 4] == [
        "We openen twee buurtteams in de wijken Oosterhaven en Molenkwartier, met de "
        "wijkverpleging en de huisartsen uit de buurt.",
        "Met de Kredietbank Vlietstreek breiden we de schuldhulpverlening uit, zodat inwoners "
        "sneller hulp krijgen bij geldzorgen.",
        "Deze regel loopt weer over de hele breedte van de bladzijde, onder beide kolommen door.",
    ]


def test_tables_are_rows_of_cells_kept_out_of_the_prose(budget_pdf: Path):
    source = read_document(budget_pdf)
    lines = nonblank(source.text)
    at = lines.index("Wat mag het kosten?")
    assert lines[at + 1 : at + 5] == [
        "Bedragen x € 1.000 | 2023 | 2024",
        "Lasten | 31.450 | 33.020",
        "Baten | -4.120 | -4.300",
        "Na de tabel volgt weer gewone tekst over de begroting van dit programma.",
    ]
    assert lines[-2:] == ["Sporthal De Meent | 2.400 | 1.200", "Brede school Noord | 5.100 | 900"]
    assert "33.020\nBaten" in source.text  # the rows of one table stand on consecutive lines
    assert sum(b.kind == "row" for b in source.blocks) == 5


def test_pdf_from_memory_reads_the_same(budget_pdf: Path):
    from beleidsgraaf.extract.reader import read_text

    data = budget_pdf.read_bytes()
    assert read_text(data, budget_pdf.name).text == read_document(budget_pdf).text


def test_pdf_of_only_drawings_asks_for_ocr(tmp_path: Path):
    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.rect(100, 100, 300, 400, fill=1)  # a 'scanned' page: no text at all
    c.showPage()
    c.save()
    with pytest.raises(ReaderError, match="no text layer.*OCR"):
        read_document(path)


def test_truncated_pdf_is_a_clear_error(budget_pdf: Path, tmp_path: Path):
    path = tmp_path / "half.pdf"
    path.write_bytes(budget_pdf.read_bytes()[:300])
    with pytest.raises(ReaderError, match="half.pdf: (cannot read PDF|the PDF has no text layer)"):
        read_document(path)


def test_a_heading_or_bold_goal_wrapped_over_two_lines_stays_one(tmp_path: Path):
    path = tmp_path / "wrapped.pdf"
    d = Drawing(path)
    wide = "Programma 3 Ruimte, wonen, bereikbaarheid en duurzaamheid"  # the widest line
    d.lines(wide, "van de stad en de dorpen", font="Helvetica-Bold", size=16)
    d.lines(
        "1. Meer inwoners van Vlietmond vinden een betaalbare en passende woning in hun eigen "
        "wijk of in",
        "een dorp in de buurt.",
        font="Helvetica-Bold",
    )
    d.lines("1.1 We bouwen met Havenstaete zestig sociale huurwoningen in Oosterhaven.")
    d.save()
    source = read_document(path)
    headings = [source.text[b.start : b.end] for b in source.blocks if b.kind == "heading"]
    assert headings == [wide + " van de stad en de dorpen"]
    assert nonblank(source.text)[1:] == [
        headings[0],
        "1. Meer inwoners van Vlietmond vinden een betaalbare en passende woning in hun eigen "
        "wijk of in een dorp in de buurt.",
        "1.1 We bouwen met Havenstaete zestig sociale huurwoningen in Oosterhaven.",
    ]


def test_columns_are_split_in_the_middle_of_the_white_between_them(tmp_path: Path):
    path = tmp_path / "full-columns.pdf"
    d = Drawing(path)
    d.heading("Wat gaan we doen?", 13)
    top = d.y
    # the left column's last line reaches further right than the rows beside the right column:
    # a gutter taken at the left edge of the white channel would be crossed by it
    left = [
        "Met de buurtteams gaan",
        "samen de wijken in, en",
        "luisteren naar wat er nu",
        "overal in wijk en dorp speelt.",
    ]
    d.lines(*left)
    d.y = top
    right = ["De bibliotheek helpt ouderen", "met hun digitale zaken, in", "alle wijkcentra."]
    d.lines(*right, x=56 + max(stringWidth(t, "Helvetica", 10) for t in left) + 20)
    d.save()
    lines = nonblank(read_document(path).text)
    assert lines[lines.index("Wat gaan we doen?") + 1 :] == [" ".join(left), " ".join(right)]


def test_building_a_pdf_without_text_is_one_line_a_nonzero_exit_and_the_store_as_it_was(
    tmp_path: Path, sample_path: Path, run_cli, store_dump
):
    store = tmp_path / "store"
    assert run_cli("build", sample_path, "--store", store, "--no-entities").code == 0
    before = store_dump(store)
    scan = tmp_path / "vlietmond-begroting-2024-scan.pdf"
    c = canvas.Canvas(str(scan), pagesize=A4)
    c.rect(100, 100, 300, 400, fill=1)
    c.showPage()
    c.save()
    result = run_cli("build", scan, "--store", store, "--no-entities")
    assert result.code == 1
    said = [line for line in result.err.splitlines() if "no text layer" in line]
    assert len(said) == 1 and "OCR" in said[0] and "Traceback" not in result.err
    assert store_dump(store) == before
