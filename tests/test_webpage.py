"""The web-page grammar (extract/grammars/webpage.py) on page text written for these tests."""

from __future__ import annotations

from beleidsgraaf.extract.structure import detect_layout, parse_structure

# Two pages of an invented budget site, laid out the way such sites export their text.
PAGES = (
    "Begroting 2031\n"
    "Terug naar navigatie - Programma 4 - Samen leven\n"
    "\n"
    "Programma 4 | Samen leven\n"
    "\n"
    "PortefeuillehouderWethouder Pietersma\n"
    "\n"
    "Wat willen we bereiken?\n"
    "\n"
    "Mantelzorg\n"
    "Mantelzorgers in Veldhoven-Oost houden het vol en weten waar ze terecht kunnen.\n"
    "\n"
    "Inwoners met een laag inkomen doen mee aan sport en cultuur.\n"
    "\n"
    "Wat gaan we daarvoor doen?\n"
    "\n"
    "We breiden het minimabeleid uit. Daarvoor doen we het volgende:\n"
    "• een sportpas voor kinderen;\n"
    "• een bijdrage voor muziekles.\n"
    "\n"
    "Steunpunt\n"
    "Samen met Stichting Zorgzaam openen we een steunpunt in de bibliotheek.\n"
    "\n"
    "Wat mag het kosten?\n"
    "\n"
    "Bedragen x € 1.000\n"
    "LastenBatenSaldo\n"
    "Begroting 2031Begroting 2032\n"
    "-1.234567-667\n"
    "\n"
    "Lees meer\n"
    "\n"
    "Begroting 2031\n"
    "\n"
    "Taakveld 4.2 Wijkteams\n"
    "\n"
    "Doel: Elke inwoner vindt binnen een week hulp bij het wijkteam.\n"
    "\n"
    "Het wijkteam werkt vanaf dit jaar met een vaste contactpersoon per gezin.\n"
)


def test_web_page_layout_is_read():
    tree = parse_structure(PAGES)
    assert tree.layout == "webpage"
    assert [(s.notation, s.title) for s in tree.sections] == [
        ("4", "Samen leven"),
        ("4.2", "Wijkteams"),
    ]
    assert [(g.section.notation, g.notation, g.text) for g in tree.goals] == [
        (
            "4",
            None,
            "Mantelzorgers in Veldhoven-Oost houden het vol en weten waar ze terecht kunnen.",
        ),
        ("4", None, "Inwoners met een laag inkomen doen mee aan sport en cultuur."),
        ("4.2", None, "Elke inwoner vindt binnen een week hulp bij het wijkteam."),
    ]
    acts = [
        (a.section.notation, a.text, [g.section.notation for g in a.goals]) for a in tree.activities
    ]
    assert acts == [
        ("4", "We breiden het minimabeleid uit. Daarvoor doen we het volgende:", []),
        ("4", "Samen met Stichting Zorgzaam openen we een steunpunt in de bibliotheek.", []),
        (
            "4.2",
            "Het wijkteam werkt vanaf dit jaar met een vaste contactpersoon per gezin.",
            ["4.2"],
        ),
    ]


def test_offsets_stay_exact_and_furniture_is_not_read():
    tree = parse_structure(PAGES)
    for item in [*tree.goals, *tree.activities]:
        assert PAGES[item.start : item.end].strip()
    steunpunt = tree.activities[1]
    # the naming line belongs to the activity's span (its entities relate to it) ...
    assert PAGES[steunpunt.start :].startswith("Steunpunt\n")
    # ... the lead-in keeps its bullets
    assert PAGES[tree.activities[0].start : tree.activities[0].end].endswith("muziekles.")
    read = " ".join(PAGES[b:e] for b, e, _ in tree.reading_blocks(PAGES))
    for furniture in ("Terug naar navigatie", "Pietersma", "LastenBatenSaldo", "Lees meer"):
        assert furniture not in read


def test_numbered_budget_text_keeps_the_numbering_grammar():
    text = (
        "2.1 Zorg\n\n"
        "Wat willen we bereiken?\n\n"
        "1. Meer inwoners wonen langer zelfstandig thuis.\n\n"
        "1.1 We passen woningen aan met de corporaties.\n"
    )
    tree = parse_structure(text)
    assert detect_layout(text) == "numbered" and tree.layout == "numbered"
    assert [(g.notation, g.text) for g in tree.goals] == [
        ("1", "Meer inwoners wonen langer zelfstandig thuis.")
    ]
    assert [(a.notation, [g.notation for g in a.goals]) for a in tree.activities] == [
        ("1.1", ["1"])
    ]


def test_web_page_without_fixed_headings_under_a_domain_heading():
    text = (
        "Wat gaan we doen?\n\n"
        "Jeugd\n\n"
        "We openen twee jongerencentra in de wijken.\n\n"
        "Inleiding\n\n"
        "Dit programma omvat alle zorg voor jeugd.\n"
    )
    tree = parse_structure(text)
    assert [s.title for s in tree.sections] == ["Jeugd"]
    assert [a.text for a in tree.activities] == ["We openen twee jongerencentra in de wijken."]
    assert tree.prose  # the introduction is read for entities, but is neither goal nor activity


def test_page_without_structure_is_still_refused():
    tree = parse_structure("Cookies\n\nLees meer\n\nDeze pagina is gebouwd op 1 januari\n")
    assert not tree.has_structure


def test_a_paragraph_that_points_elsewhere_is_no_activity():
    text = (
        "Programma 5 | Wonen\n\n"
        "Wat gaan we doen?\n\n"
        "Het beheer van de openbare ruimte staat in programma 3b. Daarnaar verwijzen we u.\n\n"
        "We bouwen vierhonderd sociale huurwoningen (zie ook paragraaf 4.2 Grondbeleid).\n"
    )
    tree = parse_structure(text)
    # a reference inside brackets only adds to an activity; a pointer alone is none
    assert [a.text for a in tree.activities] == [
        "We bouwen vierhonderd sociale huurwoningen (zie ook paragraaf 4.2 Grondbeleid)."
    ]


def test_bullets_under_a_numbered_item_belong_to_it():
    text = (
        "Begroting 2031\n"
        "Terug naar navigatie - Programma 2 - Werk\n\n"
        "Programma 2 | Werk\n\n"
        "Wat gaan wij daarvoor doen?\n\n"
        "1. Begeleiden naar werk\n"
        "• We starten een leerwerkbedrijf met twintig plekken.\n\n"
        "• We bezoeken elk jaar honderd werkgevers.\n\n"
        "2. Armoede bestrijden\n"
        "• We verhogen de bijzondere bijstand.\n"
    )
    tree = parse_structure(text)
    assert [a.notation for a in tree.activities] == ["1", "2"]
    first = tree.activities[0]
    assert text[first.start : first.end].rstrip().endswith("honderd werkgevers.")


def test_a_domain_heading_that_heads_its_own_goal_heading_is_a_section():
    text = (
        "Begroting 2031\n"
        "Terug naar navigatie - Programma 3 - Leefbaar\n\n"
        "Programma 3 | Leefbaar\n\n"
        "Handhaving\n\n"
        "Het thema Handhaving richt zich op toezicht in de openbare ruimte.\n\n"
        "Doelen\n\n"
        "Inwoners ervaren minder overlast op straat.\n\n"
        "Wat gaan we doen?\n\n"
        "1. We zetten vier extra handhavers in.\n"
    )
    tree = parse_structure(text)
    assert [s.title for s in tree.sections] == ["Leefbaar", "Handhaving"]
    assert [(g.section.title, g.text) for g in tree.goals] == [
        ("Handhaving", "Inwoners ervaren minder overlast op straat.")
    ]
    assert [a.section.title for a in tree.activities] == ["Handhaving"]


def test_a_space_after_a_dot_in_a_number_keeps_the_number_whole():
    text = (
        "Begroting 2031\n"
        "Terug naar navigatie - Programma 8 - Jeugd\n\n"
        "Programma 8 | Jeugd\n\n"
        "Doel\n\n"
        "Prestatie\n\n"
        "8A1 Kinderen groeien veilig op\n\n"
        "8A1.1 Uitbreiden van het jongerenwerk\n\n"
        "8A1. 2 Ondersteunen van ouders\n\n"
        "8A2 Jongeren vinden werk\n\n"
        "8A2.1 Begeleiden van schoolverlaters\n"
    )
    tree = parse_structure(text)
    assert [g.notation for g in tree.goals] == ["8A1", "8A2"]
    assert [(a.notation, [g.notation for g in a.goals]) for a in tree.activities] == [
        ("8A1.1", ["8A1"]),
        ("8A1. 2", ["8A1"]),
        ("8A2.1", ["8A2"]),
    ]
    # a count after a list number is no part of the number
    other = parse_structure(text.replace("8A1. 2 Ondersteunen", "1. 3 gemeenten ondersteunen"))
    assert "1. 3" not in [a.notation for a in other.activities]


def test_the_next_task_field_number_is_a_section_even_below_a_heading():
    text = (
        "Begroting 2031\n"
        "Terug naar navigatie - Programma 5 - Opgroeien\n\n"
        "Programma 5 Opgroeien\n\n"
        "5.1. Onderwijs\n\n"
        "Wat willen we bereiken?\n\n"
        "Elk kind gaat met plezier naar school.\n\n"
        "Wat hebben we daarvoor gedaan?\n\n"
        "5.2. Jeugdhulp\n\n"
        "Wat willen we bereiken?\n\n"
        "Gezinnen krijgen snel passende hulp.\n"
    )
    tree = parse_structure(text)
    assert [s.notation for s in tree.sections] == ["5", "5.1", "5.2"]
    assert [g.section.notation for g in tree.goals] == ["5.1", "5.2"]
    assert not tree.activities


def test_a_list_that_opens_a_page_excerpt_is_one_activity_per_item():
    text = (
        "• We openen in 2031 een tweede jongerencentrum in de wijk.\n"
        "• We verlengen de schoolmaaltijden met twee jaar tot de zomer.\n\n"
        "Lees meer\n"
        "Begroting 2031\n\n"
        "Programma 1 | Jeugd\n\n"
        "Wat gaan we doen?\n\n"
        "We bouwen een speeltuin.\n"
    )
    tree = parse_structure(text)
    assert [a.section.notation if a.section else "doc" for a in tree.activities] == [
        "doc",
        "doc",
        "1",
    ]


def test_a_domain_heading_above_a_naming_line_heads_it():
    text = (
        "Begroting 2031\n"
        "Terug naar navigatie - Programma 6 - Zorg\n\n"
        "6. Zorg\n\n"
        "Zorg\n\n"
        "Mantelzorg\n\n"
        "Respijtzorg\n\n"
        "We breiden de respijtzorg uit met een logeerhuis voor mantelzorgers.\n"
    )
    tree = parse_structure(text)
    # the repeated page title is no second section; 'Mantelzorg' heads the named paragraph
    assert [(s.notation, s.title) for s in tree.sections] == [("6", "Zorg"), (None, "Mantelzorg")]
    (act,) = tree.activities
    assert act.section.title == "Mantelzorg"
    assert text[act.start :].startswith("Respijtzorg")


def test_a_text_cell_between_the_figures_of_a_table_is_no_activity():
    text = (
        "Begroting 2031\n"
        "Terug naar navigatie - Programma 2 - Jeugd\n\n"
        "Programma 2 | Jeugd\n\n"
        "Wat gaan we daarvoor doen?\n\n"
        "Lasten\n\n"
        "Baten\n\n"
        "Het bieden van opvoedondersteuning aan ouders, ook in de wijken.\n\n"
        "1.234\n\n"
        "We openen een opvoedsteunpunt in elke wijk.\n"
    )
    tree = parse_structure(text)
    assert [a.text for a in tree.activities] == ["We openen een opvoedsteunpunt in elke wijk."]


def test_a_page_laid_out_as_one_column_table_keeps_its_numbered_items():
    text = (
        "Begroting 2031\n"
        "Terug naar navigatie - Programma 1 - Veilig\n\n"
        "Programma 1 | Veilig\n\n"
        "Doelstelling | ||\n"
        "1.1 De stad is veilig | ||\n"
        "| Wij willen dat inwoners zich veilig voelen in hun buurt en\n"
        "|\n"
        "---|\n"
        "Prestaties\n"
        "1.1.1 Het aantal woninginbraken daalt tot onder de 300 (2030: 340) per jaar |\n"
        "---|\n"
        "We zetten buurtpreventie in met 12 teams en 4.500 deelnemers in 2031, in 9 wijken |\n"
    )
    tree = parse_structure(text)
    assert [g.notation for g in tree.goals] == ["1.1"]
    assert [(a.notation, [g.notation for g in a.goals]) for a in tree.activities][:1] == [
        ("1.1.1", ["1.1"])
    ]
    # a row is never joined with the next row into one sentence
    assert tree.goals[0].text.startswith("De stad is veilig")
    assert "Wij willen" not in tree.goals[0].text


def test_a_goals_page_title_starts_a_page_of_its_own():
    text = (
        "Begroting 2031\n"
        "Terug naar navigatie - Programma 3 - Werk\n\n"
        "Programma 3 | Werk\n\n"
        "Re-integratie\n\n"
        "We bemiddelden vorig jaar vierhonderd inwoners naar werk.\n\n"
        "Doelen en prestaties\n\n"
        "3.1 Meer inwoners hebben betaald werk\n\n"
        "Prestatie\n\n"
        "3.1.1 Tweehonderd inwoners vinden een baan.\n"
    )
    tree = parse_structure(text)
    assert [(g.section, g.notation) for g in tree.goals] == [(None, "3.1")]
    assert [a.section.title if a.section else "doc" for a in tree.activities] == [
        "Re-integratie",
        "doc",
    ]
