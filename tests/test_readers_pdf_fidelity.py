"""The bundled sample typeset as a budget book PDF reads back as the .txt and scores the same.

The PDF is made here (tests/typeset.py, reportlab): headings set larger and in bold, goals in
bold, a running header and a page number on every page, the prose of one task field on a page
in two columns (the column break inside a paragraph), and the two activities that the text gives
as 'sub-heading, no-break spaces, description' as a ruled table whose cells wrap. Both files
are built and scored by `beleidsgraaf evaluate` against the sample's gold key.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from beleidsgraaf.extract.reader import read_document

pytest.importorskip("reportlab")

from typeset import SAMPLE_HEADER, SAMPLE_HEADINGS, typeset_sample  # noqa: E402


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory, sample_path: Path) -> Path:
    pdf = tmp_path_factory.mktemp("pdf") / sample_path.with_suffix(".pdf").name
    pages = typeset_sample(sample_path, pdf)
    assert pages >= 6
    return pdf


def content_lines(text: str) -> list[str]:
    """Non-blank lines with their white space made single (no-break spaces too); a line of no
    letter or digit (the sample has a stray glyph) is not content."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return [line for line in lines if re.search(r"[^\W_]", line)]


def test_the_pdf_reads_back_line_for_line_as_the_txt(sample_pdf: Path, sample_path: Path):
    source = read_document(sample_pdf)
    txt = content_lines(sample_path.read_text(encoding="utf-8"))
    pdf = content_lines(source.text)
    # the table's two rows keep their cells apart, where the .txt has a run of no-break spaces
    rows = [line for line in pdf if " | " in line]
    assert [row.split(" | ")[0] for row in rows] == [
        "3.2 Inzet specialistische maatwerkvoorzieningen",
        "3.3 Cultuurspecifieke zorg",
    ]
    assert [line.replace(" | ", " ") for line in pdf] == txt
    assert SAMPLE_HEADER not in source.text
    headings = [source.text[b.start : b.end] for b in source.blocks if b.kind == "heading"]
    # every heading found by its font alone, in the sample's order, and nothing else
    assert headings == [line for line in txt if line in SAMPLE_HEADINGS]


def _figures(report: str) -> dict[str, tuple[float, float, float]]:
    """part -> (P, R, F1) from the table `beleidsgraaf evaluate --gold` prints."""
    out = {}
    for line in report.splitlines():
        m = re.match(r"^(\S.*?)\s+(\d\.\d{3})\s+(\d\.\d{3})\s+(\d\.\d{3})\s+\d+\s+\d+\s+\d+$", line)
        if m:
            out[m.group(1)] = tuple(float(m.group(i)) for i in (2, 3, 4))
    return out


def test_the_pdf_scores_within_002_of_the_txt_on_every_figure(
    sample_pdf: Path, sample_path: Path, gold_path: Path, tmp_path: Path, run_cli
):
    txt = run_cli("evaluate", "--gold", gold_path, sample_path, "--store", tmp_path / "txt")
    assert txt.code == 0, txt.err
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    gold["document"] = sample_pdf.name  # the key names the file it was written for
    pdf_gold = tmp_path / "pdf.gold.json"
    pdf_gold.write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    pdf = run_cli("evaluate", "--gold", pdf_gold, sample_pdf, "--store", tmp_path / "pdf")
    assert pdf.code == 0, pdf.err
    expected, got = _figures(txt.out), _figures(pdf.out)
    assert len(expected) >= 10 and set(got) == set(expected)
    assert expected["activities"][2] == 1.0  # the .txt itself is read as it should be
    for part, figures in expected.items():
        for name, want, have in zip(("P", "R", "F1"), figures, got[part], strict=True):
            assert abs(have - want) <= 0.02, f"{part} {name}: pdf {have} vs txt {want}\n{pdf.out}"
