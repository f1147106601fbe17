"""The HTML reader: main content only, one heading, paragraph, item or table row a line.

Every page here is invented for the test (a budget page of the made-up municipality Vlietmond).
"""

from __future__ import annotations

from pathlib import Path

from beleidsgraaf.extract.reader import read_document, read_text
from beleidsgraaf.extract.readers.html import page_text

PAGE = """<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8">
<title>Programma 2 Zorg en welzijn - Begroting 2024 Vlietmond</title>
<style>.cookie{position:fixed}</style><script>window.dataLayer=[];</script></head>
<body>
<div id="cookie-consent" class="cookie"><p>Wij gebruiken cookies om deze website te verbeteren.
Kies Accepteren of stel uw voorkeuren in.</p><button>Accepteren</button></div>
<a class="skiplink" href="#inhoud">Ga direct naar de inhoud</a>
<header><a href="/">Begroting 2024 Vlietmond</a>
<nav><ul><li><a href="/p1/bestuur">Programma 1 Bestuur</a></li>
<li><a href="/p2/zorg">Programma 2 Zorg en welzijn</a></li>
<li><a href="/p3/ruimte">Programma 3 Ruimte en wonen</a></li></ul></nav></header>
<nav class="breadcrumb"><ol><li><a href="/">Home</a></li><li><a href="/programmas">Programmaplan</a></li>
<li>Zorg en welzijn</li></ol></nav>
<main id="inhoud"><article>
<h1>Programma 2 Zorg en welzijn</h1>
<p>Dit programma gaat over de zorg die inwoners thuis en in de wijk krijgen, en over
welzijn voor jong en oud.</p>
<h2>Wat willen we bereiken?</h2>
<p><strong>Inwoners wonen langer thuis</strong></p>
<p>We willen dat ouderen in Vlietmond zo lang als zij dat willen zelfstandig thuis kunnen wonen,
met hulp van buren, vrijwilligers en de wijkverpleging.</p>
<h2>Wat gaan we doen?</h2>
<ul>
<li>We sluiten een nieuwe overeenkomst met Stichting Welzijn Vlietmond over het ouderenwerk.</li>
<li>Samen met woningcorporatie Havenstaete bouwen we veertig levensloopbestendige woningen.</li>
<li>1.3 We voeren de Wet maatschappelijke ondersteuning 2015 uit met de buurtteams.</li>
</ul>
<p>Voor mantelzorgers:<br>een steunpunt in elke wijk<br>een jaarlijkse waarderingsdag</p>
<h2>Wat mag het kosten?</h2>
<table>
<thead><tr><th>Bedragen x € 1.000</th><th>Rekening 2022</th><th>Begroting 2023</th><th>Begroting 2024</th></tr></thead>
<tbody><tr><td>Lasten</td><td>31.450</td><td>33.020</td><td>34.610</td></tr>
<tr><td>Baten</td><td>-4.120</td><td>-4.300</td><td>-4.410</td></tr>
<tr><td>Saldo</td><td>27.330</td><td>28.720</td><td>30.200</td></tr></tbody>
</table>
<p><a href="#top">Terug naar navigatie</a></p>
</article></main>
<aside><h3>Zie ook</h3><ul><li><a href="/p4">Programma 4 Economie</a></li></ul></aside>
<footer><p>Gemeente Vlietmond | Postbus 1 | Privacyverklaring | Toegankelijkheidsverklaring</p></footer>
</body></html>
"""

NOISE = (
    "cookie",
    "Accepteren",
    "Ga direct",
    "Home",
    "Programmaplan",
    "Programma 1 Bestuur",
    "Programma 3",
    "Terug naar navigatie",
    "Zie ook",
    "Postbus",
    "Privacyverklaring",
    "dataLayer",
    "position:fixed",
)


def lines_of(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def test_page_reads_as_one_block_a_line(tmp_path: Path):
    path = tmp_path / "programma-2.html"
    path.write_text(PAGE, encoding="utf-8")
    source = read_document(path)
    assert source.media_type == "text/html"
    assert lines_of(source.text) == [
        "Programma 2 Zorg en welzijn",
        "Dit programma gaat over de zorg die inwoners thuis en in de wijk krijgen, en over "
        "welzijn voor jong en oud.",
        "Wat willen we bereiken?",
        "Inwoners wonen langer thuis",
        "We willen dat ouderen in Vlietmond zo lang als zij dat willen zelfstandig thuis kunnen "
        "wonen, met hulp van buren, vrijwilligers en de wijkverpleging.",
        "Wat gaan we doen?",
        "• We sluiten een nieuwe overeenkomst met Stichting Welzijn Vlietmond over het ouderenwerk.",
        "• Samen met woningcorporatie Havenstaete bouwen we veertig levensloopbestendige woningen.",
        "1.3 We voeren de Wet maatschappelijke ondersteuning 2015 uit met de buurtteams.",
        "Voor mantelzorgers:",
        "een steunpunt in elke wijk",
        "een jaarlijkse waarderingsdag",
        "Wat mag het kosten?",
        "Bedragen x € 1.000 | Rekening 2022 | Begroting 2023 | Begroting 2024",
        "Lasten | 31.450 | 33.020 | 34.610",
        "Baten | -4.120 | -4.300 | -4.410",
        "Saldo | 27.330 | 28.720 | 30.200",
    ]
    for noise in NOISE:
        assert noise not in source.text, noise


def test_blocks_are_separated_by_a_blank_line_and_rows_are_tight():
    text = page_text(PAGE).text()
    assert "Wat gaan we doen?\n\n• We sluiten" in text
    assert "ouderenwerk.\n• Samen met" in text  # items of one list: one per line
    assert "34.610\nBaten | -4.120" in text  # rows of one table: one per line
    assert text.endswith("30.200\n")


def test_blocks_point_into_the_text_with_kind_and_level():
    source = read_text(PAGE.encode(), "programma-2.html")
    kinds = {}
    for block in source.blocks:
        piece = source.text[block.start : block.end]
        assert piece == piece.strip() and "\n\n" not in piece
        kinds.setdefault(block.kind, []).append((piece, block.level))
    assert ("Programma 2 Zorg en welzijn", 1) in kinds["heading"]
    assert ("Wat willen we bereiken?", 2) in kinds["heading"]
    assert ("Inwoners wonen langer thuis", 4) in kinds["heading"]  # a bold-only paragraph
    assert len(kinds["row"]) == 4 and len(kinds["item"]) == 3


def test_ordered_list_items_and_nested_lists_are_bullets():
    page = (
        "<html><body><main><h2>Wat gaan we doen?</h2><ol><li>We openen een jongerencentrum.</li>"
        "<li>We bouwen een sporthal:<ul><li>met een klimwand</li></ul></li></ol>"
        "<p>Zo werken we aan een actieve gemeente voor iedereen die hier woont.</p></main></body></html>"
    )
    assert lines_of(page_text(page).text()) == [
        "Wat gaan we doen?",
        "• We openen een jongerencentrum.",
        "• We bouwen een sporthal:",
        "• met een klimwand",
        "Zo werken we aan een actieve gemeente voor iedereen die hier woont.",
    ]


def test_page_without_main_content_falls_back_to_stripped_tags():
    page = b"<html><body><div><span>1. Meer groen in de wijk.</span></div></body></html>"
    source = read_text(page, "kort.html")
    assert source.text.strip() == "1. Meer groen in de wijk."


def test_windows_1252_page_is_read():
    page = "<html><body><main><h2>Financiën</h2><p>Een overzicht van de baten en lasten.</p></main></body></html>"
    source = read_text(page.encode("cp1252"), "oud.html")
    assert lines_of(source.text) == ["Financiën", "Een overzicht van de baten en lasten."]
