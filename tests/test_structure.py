"""The structure parser, one quirk of real exports at a time, on small synthetic texts.

Each text is written here (not cut from the sample) so a failure names the rule that broke.
The sample itself is scored against its gold file at the end.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from beleidsgraaf.extract.structure import parse_structure
from beleidsgraaf.extract.tree import DocumentTree, normalise_space

NBSP = "\u00a0"


def parse(text: str) -> DocumentTree:
    tree = parse_structure(text)
    assert_offsets(text, tree)
    return tree


def assert_offsets(text: str, tree: DocumentTree) -> None:
    """Every goal/activity's span lies inside the text and its words are the label's."""
    for item in [*tree.goals, *tree.activities]:
        assert 0 <= item.start <= item.end <= len(text), item
        span = normalise_space(text[item.start : item.end])
        assert span == item.text or span.endswith(item.text), (span, item.text)
    for section in tree.sections:
        assert 0 <= section.start <= section.end <= len(text)
        assert section.title in normalise_space(text[section.start : section.end])


def goals(tree: DocumentTree) -> list[tuple[str, str, str]]:
    return [(g.section.notation if g.section else "", g.notation, g.text) for g in tree.goals]


def acts(tree: DocumentTree) -> list[tuple[str, str | None, list[str], str]]:
    return [
        (
            a.section.notation if a.section else "",
            a.notation,
            [g.notation for g in a.goals],
            a.text,
        )
        for a in tree.activities
    ]


def sections(tree: DocumentTree) -> list[tuple[str, str, str | None]]:
    return [(s.notation, s.title, s.parent.notation if s.parent else None) for s in tree.sections]


# --- goal wording -----------------------------------------------------------------------------


def test_goal_wording_broken_over_lines_and_a_blank_line():
    text = (
        "4.2 Bereikbaarheid\n\n"
        "1. Meer inwoners reizen met de fiets\nof met het openbaar vervoer.\n\n"
        "2. Minder verkeersslachtoffers op\n\nde wegen buiten de kernen.\n\n"
        "1.1 We leggen fietspaden aan.\n"
        "2.1 We verlagen de snelheid op dorpswegen.\n"
    )
    tree = parse(text)
    assert goals(tree) == [
        ("4.2", "1", "Meer inwoners reizen met de fiets of met het openbaar vervoer."),
        ("4.2", "2", "Minder verkeersslachtoffers op de wegen buiten de kernen."),
    ]
    assert [a[:3] for a in acts(tree)] == [("4.2", "1.1", ["1"]), ("4.2", "2.1", ["2"])]


def test_runs_of_spaces_and_no_break_spaces_are_collapsed_in_labels_not_in_offsets():
    text = (
        f"7.1.1.{NBSP} Sport{NBSP} {NBSP} {NBSP} {NBSP}\n\n"
        f"1.{NBSP} Meer{NBSP}{NBSP}kinderen      sporten wekelijks.{NBSP} {NBSP} \n\n"
        f"1.1 We   openen{NBSP}een tweede sporthal.{NBSP} {NBSP}\n"
    )
    tree = parse(text)
    assert sections(tree) == [("7.1.1", "Sport", None)]
    assert goals(tree) == [("7.1.1", "1", "Meer kinderen sporten wekelijks.")]
    assert acts(tree) == [("7.1.1", "1.1", ["1"], "We openen een tweede sporthal.")]
    goal = tree.goals[0]
    assert text[goal.start : goal.end] == f"Meer{NBSP}{NBSP}kinderen      sporten wekelijks."


def test_goal_number_alone_is_a_goal_without_wording():
    text = (
        "5.3 Cultuur\n\n"
        "1\n\n"
        "1.1 We ondersteunen het poppodium.\n\n"
        "1.2 We houden de bibliotheek open.\n\n"
        "2. Meer inwoners bezoeken een museum.\n\n"
        "2.1 We geven museumkaarten aan minima.\n"
    )
    tree = parse(text)
    assert goals(tree) == [("5.3", "1", ""), ("5.3", "2", "Meer inwoners bezoeken een museum.")]
    assert [a[:3] for a in acts(tree)] == [
        ("5.3", "1.1", ["1"]),
        ("5.3", "1.2", ["1"]),
        ("5.3", "2.1", ["2"]),
    ]
    assert any("has no wording" in w for w in tree.warnings)


def test_goal_number_with_dot_alone_then_numbered_activities():
    text = "6.2 Onderwijs\n\n1.\n\n1.1 We bouwen twee scholen.\n"
    tree = parse(text)
    assert goals(tree) == [("6.2", "1", "")]
    assert acts(tree) == [("6.2", "1.1", ["1"], "We bouwen twee scholen.")]


# --- unnumbered activities ----------------------------------------------------------------------


def test_goals_listed_first_then_prose_paragraphs_are_activities_of_all_goals():
    text = (
        "8.4 Wijkteams\n\n"
        "1. Meer inwoners krijgen op tijd hulp.\n\n"
        "2. Minder jongeren vallen tussen wal en schip.\n\n"
        "Het wijkteam Noorderlicht is er voor alle inwoners met een hulpvraag.\n"
        "De medewerkers komen bij de mensen thuis.\n\n"
        "Daarnaast werken we samen met huisartsen en scholen:\n"
        "\u2022 spreekuren op de basisschool;\n"
        "\u2022 een vaste contactpersoon per praktijk.\n\n"
        "Tot slot evalueren we de aanpak in het najaar.\n"
    )
    tree = parse(text)
    assert [g[1] for g in goals(tree)] == ["1", "2"]
    assert acts(tree) == [
        (
            "8.4",
            None,
            ["1", "2"],
            "Het wijkteam Noorderlicht is er voor alle inwoners met een hulpvraag.",
        ),
        ("8.4", None, ["1", "2"], "De medewerkers komen bij de mensen thuis."),
        (
            "8.4",
            None,
            ["1", "2"],
            "Daarnaast werken we samen met huisartsen en scholen: \u2022 spreekuren op de "
            "basisschool; \u2022 een vaste contactpersoon per praktijk.",
        ),
        ("8.4", None, ["1", "2"], "Tot slot evalueren we de aanpak in het najaar."),
    ]


def test_an_introduction_in_a_section_with_numbered_activities_is_no_activity():
    text = (
        "3 Werk en inkomen\n\n"
        "Inleiding\n\n"
        "Dit programma beschrijft wat we willen bereiken en wat dat kost.\n\n"
        "Wat willen we bereiken?\n\n"
        "3.1 Meer inwoners hebben betaald werk.\n\n"
        "Wat gaan we daarvoor doen?\n\n"
        "3.1.1 Het werkgeversservicepunt bemiddelt naar vacatures.\n"
        "Daarbij letten we op wat inwoners zelf kunnen.\n\n"
        "4 Wonen\n\n"
        "1. Meer betaalbare woningen.\n\n"
        "We bouwen samen met de corporaties.\n"
    )
    tree = parse(text)
    assert [g[1] for g in goals(tree)] == ["3.1", "1"]
    assert acts(tree) == [
        (
            "3",
            "3.1.1",
            ["3.1"],
            "Het werkgeversservicepunt bemiddelt naar vacatures. Daarbij letten we op wat "
            "inwoners zelf kunnen.",
        ),
        ("4", None, ["1"], "We bouwen samen met de corporaties."),  # no numbered ones here
    ]
    # the introduction is still read for the names it holds
    assert [text[b:e] for b, e in tree.prose] == [
        "Inleiding",
        "Dit programma beschrijft wat we willen bereiken en wat dat kost.",
    ]


def test_prose_paragraph_wrapped_over_lines_is_one_activity():
    text = (
        "8.5 Jeugd\n\n"
        "1. Meer jeugdigen groeien veilig op.\n\n"
        "Het jongerenwerk van stichting Kompasroos is in elke wijk te vinden en\n"
        "zoekt jongeren op straat op.\n\n"
        "We breiden de openingstijden uit.\n"
    )
    tree = parse(text)
    assert [a[3] for a in acts(tree)] == [
        "Het jongerenwerk van stichting Kompasroos is in elke wijk te vinden en zoekt "
        "jongeren op straat op.",
        "We breiden de openingstijden uit.",
    ]


# --- numbering quirks ------------------------------------------------------------------------


def test_two_goals_listed_together_and_their_activities_later():
    text = (
        "9.1 Veiligheid\n\n"
        "1. Meer inwoners voelen zich veilig.\n\n"
        "1.1 We zetten wijkboa's in.\n\n"
        "2. Minder woninginbraken.\n"
        "3. Minder overlast van drugs.\n\n"
        "2.1 We geven inbraakpreventie-advies.\n"
        "2.2 We plaatsen camera's bij winkelcentra.\n"
        "3.1 We sluiten drugspanden.\n"
    )
    tree = parse(text)
    assert [g[1] for g in goals(tree)] == ["1", "2", "3"]
    assert [a[:3] for a in acts(tree)] == [
        ("9.1", "1.1", ["1"]),
        ("9.1", "2.1", ["2"]),
        ("9.1", "2.2", ["2"]),
        ("9.1", "3.1", ["3"]),
    ]


def test_activity_numbered_like_its_goal_is_an_activity_not_a_second_goal():
    text = (
        "2.3 Integratie\n\n"
        "3. Meer inwoners zijn sociaal weerbaar.\n\n"
        "3.1 We organiseren dialoogavonden.\n\n"
        "4. Meer nieuwkomers spreken Nederlands.\n\n"
        "4. In 2021 starten we taalcafés in de bibliotheek.\n"
    )
    tree = parse(text)
    assert goals(tree) == [
        ("2.3", "3", "Meer inwoners zijn sociaal weerbaar."),
        ("2.3", "4", "Meer nieuwkomers spreken Nederlands."),
    ]
    assert acts(tree)[-1] == (
        "2.3",
        "4",
        ["4"],
        "In 2021 starten we taalcafés in de bibliotheek.",
    )


def test_numbered_sub_items_continuing_an_activity_are_their_own_activities():
    text = (
        "2.4 Opvang\n\n"
        "1. Meer dak- en thuislozen vinden een woonplek.\n\n"
        "1.1 We verdelen het budget regionaal.\n"
        "1.2 Met de regiogemeenten maken we afspraken over:\n"
        "1.3 Welke opvanglocaties er nodig zijn na 2025.\n"
        "1.4 Hoe de kosten worden verdeeld.\n"
        "1.5 We openen een tweede nachtopvang.\n"
    )
    tree = parse(text)
    assert [(a[1], a[3]) for a in acts(tree)] == [
        ("1.1", "We verdelen het budget regionaal."),
        ("1.2", "Met de regiogemeenten maken we afspraken over:"),
        ("1.3", "Welke opvanglocaties er nodig zijn na 2025."),
        ("1.4", "Hoe de kosten worden verdeeld."),
        ("1.5", "We openen een tweede nachtopvang."),
    ]
    assert tree.sections[0].notation == "2.4" and len(tree.sections) == 1


def test_bullets_and_follow_up_lines_belong_to_the_activity_above():
    text = (
        "2.5 Zorg\n\n"
        "1. Meer mensen met verward gedrag krijgen passende hulp.\n\n"
        "1.1 We werken met partners aan een sluitende aanpak, onder andere door:\n\n"
        "  \u2022 een meldpunt dat dag en nacht bereikbaar is;\n"
        "  \u2022 samenwerking met Zorggroep Heidelicht.\n\n"
        "Dit evalueren we in 2022.\n\n"
        "1.2 We versterken de mantelzorg.\n"
        "- een respijtregeling;\n"
        "- een mantelzorgcompliment.\n"
    )
    tree = parse(text)
    assert acts(tree) == [
        (
            "2.5",
            "1.1",
            ["1"],
            "We werken met partners aan een sluitende aanpak, onder andere door: \u2022 een "
            "meldpunt dat dag en nacht bereikbaar is; \u2022 samenwerking met Zorggroep "
            "Heidelicht. Dit evalueren we in 2022.",
        ),
        (
            "2.5",
            "1.2",
            ["1"],
            "We versterken de mantelzorg. - een respijtregeling; - een mantelzorgcompliment.",
        ),
    ]


def test_activity_heading_with_colon_and_prose_below_is_one_activity():
    text = (
        "3.2 Wonen\n\n"
        "3. Meer ouderen wonen langer zelfstandig.\n\n"
        "3.1 Zelfstandig wonen:\n\n"
        "Samen met corporaties bouwen we levensloopbestendige woningen.\n"
        "3.2 Woningaanpassingen\n"
    )
    tree = parse(text)
    assert [s[0] for s in sections(tree)] == ["3.2"]
    assert [(a[1], a[3]) for a in acts(tree)] == [
        (
            "3.1",
            "Zelfstandig wonen: Samen met corporaties bouwen we levensloopbestendige woningen.",
        ),
        ("3.2", "Woningaanpassingen"),
    ]


def test_heading_numbers_with_typos_become_sections_with_a_warning():
    text = (
        "2. Zorgzame stad\n\n"
        "2.1 Welzijn\n\n"
        "2.1.4. Veiligheid\n\n"
        "1. Meer volwassenen leven veilig thuis.\n\n"
        "1.1 We werken aan een veilige thuissituatie.\n\n"
        "1.1.5. Inclusie en toegankelijkheid\n\n"
        "1. Minder discriminatie.\n\n"
        "1.1 We voeren campagne tegen discriminatie.\n\n"
        "1.16. Werk en Inkomen\n\n"
        "1 Minder huishoudens hebben schulden.\n\n"
        "1.1 We breiden de schuldhulp uit.\n"
    )
    tree = parse(text)
    assert [s[0] for s in sections(tree)] == ["2", "2.1", "2.1.4", "1.1.5", "1.16"]
    notations = [s.notation for s in tree.sections]
    assert notations.count("1.1.5") == 1 and notations.count("1.16") == 1
    # the typo'd headings are siblings of the heading before them, not new top-level trees
    parents = {s.notation: s.parent.notation if s.parent else None for s in tree.sections}
    assert parents["1.1.5"] == "2.1" and parents["1.16"] == "2.1"
    assert goals(tree) == [
        ("2.1.4", "1", "Meer volwassenen leven veilig thuis."),
        ("1.1.5", "1", "Minder discriminatie."),
        ("1.16", "1", "Minder huishoudens hebben schulden."),
    ]
    assert [a[:3] for a in acts(tree)] == [
        ("2.1.4", "1.1", ["1"]),
        ("1.1.5", "1.1", ["1"]),
        ("1.16", "1.1", ["1"]),
    ]
    assert sum("does not continue the numbering" in w for w in tree.warnings) == 2


def test_same_goal_number_in_two_sections_gives_two_goals_with_distinct_keys():
    text = (
        "1.1 Sport\n\n1. Meer inwoners bewegen.\n\n1.1 We bouwen een sporthal.\n\n"
        "1.2 Cultuur\n\n1. Meer inwoners bewegen.\n\n1.1 We subsidiëren dansles.\n"
    )
    tree = parse(text)
    assert [g[:2] for g in goals(tree)] == [("1.1", "1"), ("1.2", "1")]
    keys = [x.key for x in [*tree.sections, *tree.goals, *tree.activities]]
    assert len(keys) == len(set(keys))


# --- lines that are not content ----------------------------------------------------------------


def test_table_headers_and_export_footer_are_skipped():
    text = (
        "4. Leefbare wijken\n\n"
        "4.1 Openbare ruimte\n\n"
        "Beleidsdoelen\n\n"
        "Activiteiten\n\n"
        "Wat willen we bereiken?\n\n"
        "1. Meer groen in de wijken.\n\n"
        "Wat gaan we daarvoor doen?\n\n"
        "1.1 We planten duizend bomen.\n\n"
        "Beleidsdoelen      Activiteiten\n\n"
        "Pagina 3 van 12\n\n"
        "Deze pagina is gebouwd op 01/02/2021 10:00:00 met de export van 01/01/2021 09:00:00\n"
    )
    tree = parse(text)
    assert goals(tree) == [("4.1", "1", "Meer groen in de wijken.")]
    assert acts(tree) == [("4.1", "1.1", ["1"], "We planten duizend bomen.")]
    everything = " ".join(x.text for x in [*tree.goals, *tree.activities])
    everything += " ".join(s.title for s in tree.sections)
    for furniture in ("Beleidsdoelen", "Activiteiten", "bereiken", "gebouwd", "Pagina"):
        assert furniture not in everything


def test_an_acties_heading_and_a_table_with_pipes_are_no_activities():
    text = (
        "2 Werk en inkomen\n\n"
        "2.1 Participatie\n\n"
        "Indicator | 2020 | 2021 | 2022\n"
        "Aantal huishoudens met een uitkering | 4.940 | 4.610 | 4.215\n\n"
        "Doelen\n"
        "1) Meer inwoners hebben betaald werk.\n\n"
        "Acties\n"
        "Actie 1.1 We begeleiden werkzoekenden naar werk.\n"
    )
    tree = parse(text)
    assert acts(tree) == [("2.1", "1.1", ["1"], "We begeleiden werkzoekenden naar werk.")]


def test_text_without_numbered_goals_keeps_paragraphs_and_warns():
    text = "Inleiding\n\nDe gemeente werkt aan een groene stad.\n\nWe planten bomen.\n"
    tree = parse(text)
    assert not tree.has_structure
    assert tree.goals == [] and tree.sections == []
    assert [a.text for a in tree.activities] == [
        "Inleiding",
        "De gemeente werkt aan een groene stad.",
        "We planten bomen.",
    ]
    assert any("no numbered goals" in w for w in tree.warnings)


def test_crlf_text_is_not_the_parsers_business_but_still_gives_inside_offsets():
    text = "1.2 Groen\r\n\r\n1. Meer bomen.\r\n\r\n1.1 We planten bomen.\r\n"
    tree = parse(text)
    assert goals(tree) == [("1.2", "1", "Meer bomen.")]
    assert acts(tree) == [("1.2", "1.1", ["1"], "We planten bomen.")]


# --- offsets ------------------------------------------------------------------------------------


def test_offsets_point_at_the_words_of_every_goal_and_activity(sample_path: Path):
    text = sample_path.read_text(encoding="utf-8")
    tree = parse_structure(text)
    assert tree.goals and tree.activities
    assert_offsets(text, tree)
    for item in [*tree.goals, *tree.activities]:
        if item.text:
            # a span starts at the label's first word, not at its number
            assert normalise_space(text[item.start : item.end]) == item.text


# --- the sample against its gold ---------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_scores(sample_path: Path, gold_path: Path, tmp_path_factory: pytest.TempPathFactory):
    from beleidsgraaf.graph.store import opened

    from beleidsgraaf.evaluate import evaluate, load_gold
    from beleidsgraaf.pipeline import build

    store = tmp_path_factory.mktemp("gold") / "store"
    [result] = build([sample_path], store=store, entities=False)
    assert result.status == "ok", result.message
    with opened(store, read_only=True) as ds:
        return evaluate(ds, load_gold(gold_path))


@pytest.mark.parametrize("part", ["sections", "goals", "goal texts", "activities"])
def test_sample_structure_matches_gold(sample_scores, part: str):
    score = sample_scores[part]
    assert score.f1 >= 0.97, (part, score.missed[:5], score.spurious[:5])


# --- other municipalities' numbering styles (tests/data, organisations invented) ---------------

DATA = Path(__file__).parent / "data"


def parse_file(name: str) -> DocumentTree:
    return parse((DATA / name).read_text(encoding="utf-8"))


def test_programma_taakveld_doel_style():
    tree = parse_file("lindeloo-programmabegroting-2022.txt")
    assert sections(tree) == [
        ("3", "Economie en werk", None),
        ("3.1", "Economische ontwikkeling", "3"),
        ("3.2", "Arbeidsparticipatie", "3"),
    ]
    assert goals(tree) == [
        ("3.1", "3.1.1", "Meer bedrijven vestigen zich op het bedrijventerrein De Kraanvogel."),
        ("3.1", "3.1.2", "Minder leegstand in de binnenstad."),
        ("3.2", "3.2.1", "Meer inwoners met een uitkering vinden betaald werk."),
    ]
    assert [a[:3] for a in acts(tree)] == [
        ("3.1", "3.1.1.1", ["3.1.1"]),
        ("3.1", "3.1.1.2", ["3.1.1"]),
        ("3.1", "3.1.2.1", ["3.1.2"]),
        ("3.2", "3.2.1.1", ["3.2.1"]),
        ("3.2", "3.2.1.2", ["3.2.1"]),
    ]
    # the bullets stay with their activity; the page number is furniture
    assert acts(tree)[1][3].endswith("• een fietsroute vanaf het station.")
    assert "Pagina" not in acts(tree)[-1][3]
    assert tree.warnings == []


def test_doelstelling_actie_style_with_chapters():
    tree = parse_file("zuiderhaven-beleidsplan-duurzaamheid-2023.txt")
    assert sections(tree) == [("1", "Energie", None), ("2", "Klimaatadaptatie", None)]
    assert goals(tree) == [
        ("1", "1", "Minder CO2-uitstoot door woningen."),
        ("1", "2", "Meer opgewekte zonne-energie."),
        ("2", "1", "Minder wateroverlast bij hevige buien."),
    ]
    assert [a[:3] for a in acts(tree)] == [
        ("1", "1.1", ["1"]),
        ("1", "1.2", ["1"]),
        ("1", "2.1", ["2"]),
        ("1", "2.2", ["2"]),
        ("2", "1.1", ["1"]),
    ]
    assert acts(tree)[3][3] == "Coöperatie Zonnedorp ontwikkelt een zonnepark langs de A-weg."
    # chapter 2 follows chapter 1: nothing to warn about
    assert tree.warnings == []


def test_wat_willen_we_bereiken_style_with_two_part_goals():
    tree = parse_file("rietland-begroting-2024.txt")
    assert sections(tree) == [("1", "Onderwijs en jeugd", None)]
    assert goals(tree) == [
        ("1", "1.1", "Meer kinderen halen een startkwalificatie."),
        ("1", "1.2", "Minder kinderen groeien op in armoede."),
    ]
    assert acts(tree) == [
        (
            "1",
            "1.1.1",
            ["1.1"],
            "We financieren de schoolmaatschappelijk werkers van Stichting Overstap.",
        ),
        ("1", "1.1.2", ["1.1"], "We bestrijden verzuim samen met de leerplichtambtenaren."),
        ("1", "1.2.1", ["1.2"], "Het kindpakket wordt uitgebreid met sportkleding."),
    ]
    assert tree.warnings == []
