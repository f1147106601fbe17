"""Entities and relations, one rule at a time, on short texts written for the test.

No name used here is in any list of the project: local organisations must be found by the
model and the generic rules, national laws and bodies by the gazetteer.
"""

from __future__ import annotations

import pytest
from beleidsgraaf.extract.annotations import Annotations, Entity
from beleidsgraaf.extract.entities import annotate
from beleidsgraaf.extract.structure import parse_structure

from beleidsgraaf.namespaces import BWB


def run(activity: str) -> tuple[str, Annotations]:
    text = f"3.4 Zorg\n\n1. Meer inwoners krijgen hulp.\n\n1.1 {activity}\n"
    return text, annotate(text, parse_structure(text))


def named(ann: Annotations, kind: str) -> dict[str, Entity]:
    return {e.name: e for e in ann.entities if e.kind == kind}


def labels(entity: Entity) -> set[str]:
    return {entity.name, *entity.aliases}


def find(ann: Annotations, kind: str, surface: str) -> Entity:
    for e in ann.entities:
        if e.kind == kind and surface in labels(e):
            return e
    raise AssertionError(
        f"no {kind} named {surface!r} in {[(e.kind, e.name) for e in ann.entities]}"
    )


def test_law_name_stops_where_the_sentence_goes_on():
    _, ann = run(
        "Uitvoering van de taken in de Wet verplichte GGZ en afstemming daarover met partners."
    )
    law = find(ann, "Law", "Wet verplichte GGZ")
    assert str(BWB["BWBR0040635"]) in law.same_as
    assert not any("afstemming" in label for e in ann.entities for label in labels(e))


def test_lower_case_wet_with_a_name_is_the_law_but_de_wet_alone_is_not():
    _, ann = run(
        "We zetten pilots in ter voorbereiding op de nieuwe wet Inburgering. Als de nieuwe wet "
        "ingaat, zijn we klaar."
    )
    laws = named(ann, "Law")
    assert len(laws) == 1
    law = next(iter(laws.values()))
    assert str(BWB["BWBR0044770"]) in law.same_as
    assert "wet Inburgering" in labels(law)


def test_wet_with_its_full_name_including_en():
    _, ann = run(
        "We geven uitvoering aan de verbeterde Wet meldcode huiselijk geweld en kindermishandeling."
    )
    find(ann, "Law", "Wet meldcode huiselijk geweld en kindermishandeling")


def test_compound_wet_words_and_abbreviations_inside_compounds():
    _, ann = run(
        "Bij de invoering van de omgevingswet werken we met partners uit het GGZ- en Wmo-domein."
    )
    find(ann, "Law", "omgevingswet")
    assert str(BWB["BWBR0035362"]) in find(ann, "Law", "Wmo").same_as


def test_slash_separated_laws_are_each_found():
    _, ann = run("Overgangen tussen de domeinen (GGZ/WLZ/Wmo) vragen aandacht.")
    for law in ("WLZ", "Wmo"):
        find(ann, "Law", law)


def test_abbreviation_defined_in_brackets_is_one_organisation_with_an_alias():
    _, ann = run(
        "Het Centrum voor Jeugd en Gezin Beekdal (CJGB) geeft opvoedadvies. Het CJGB werkt samen "
        "met de consultatiebureaus."
    )
    org = find(ann, "Organisation", "Centrum voor Jeugd en Gezin Beekdal")
    assert "CJGB" in org.aliases
    assert len(org.mentions) == 3  # the long form, "(CJGB)" and "CJGB"


def test_acronym_of_a_name_elsewhere_in_the_document_is_an_alias():
    _, ann = run(
        "Stichting Buurtwerk Oosterhout biedt ontmoeting in de wijk. SBO is aanwezig op scholen."
    )
    org = find(ann, "Organisation", "Stichting Buurtwerk Oosterhout")
    assert "SBO" in org.aliases


def test_spelling_variants_that_differ_in_case_merge():
    _, ann = run(
        "Wijkkracht012 organiseert activiteiten. Bij WijkKracht012 melden zich vrijwilligers."
    )
    org = find(ann, "Organisation", "Wijkkracht012")
    assert labels(org) == {"Wijkkracht012", "WijkKracht012"}


def test_named_organisations_by_their_kind_word():
    _, ann = run(
        "We maken afspraken met woningcorporatie Woonstede Rijnmond en zorgaanbieder Kompaan "
        "over het Meldpunt Zorg en Overlast."
    )
    for name in ("Woonstede Rijnmond", "Kompaan", "Meldpunt Zorg en Overlast"):
        find(ann, "Organisation", name)


def test_people_are_not_partners():
    _, ann = run(
        "Wethouder Jan de Vries opende samen met Stichting Kleurrijk Dorp het nieuwe buurthuis."
    )
    assert not any("Vries" in e.name for e in ann.entities)
    find(ann, "Organisation", "Stichting Kleurrijk Dorp")


def test_council_motion_numbers_are_not_entities():
    """The model sometimes labels a motion number LOC; such a span is never taken as a name."""
    from beleidsgraaf.extract.components import _model_kind
    from spacy.tokens import Doc, Span
    from spacy.vocab import Vocab

    words = "Op verzoek van de Raad ( 212M ) en met Buurtkracht040 en Nijkerk .".split()
    doc = Doc(Vocab(), words=words)
    by_text = {t.text: t.i for t in doc}
    kind = {w: _model_kind(Span(doc, by_text[w], by_text[w] + 1, label="LOC"))
            for w in ("212M", "Buurtkracht040", "Nijkerk")}  # fmt: skip
    assert kind == {"212M": None, "Buurtkracht040": "Place", "Nijkerk": "Place"}


def test_national_organisation_from_the_gazetteer():
    _, ann = run("Samen met het Leger des Heils bieden we nachtopvang.")
    find(ann, "Organisation", "Leger des Heils")


def test_each_mention_says_which_step_found_it():
    _, ann = run(
        "Met Stichting Kleurrijk Dorp voeren we de Wet inburgering uit; Kleurrijk Dorp "
        "begeleidt nieuwkomers."
    )
    law = find(ann, "Law", "Wet inburgering")
    assert {m.extracted_by for m in law.mentions} == {"gazetteer"}
    org = find(ann, "Organisation", "Stichting Kleurrijk Dorp")
    assert org.mentions[0].extracted_by == "rule"
    assert {m.extracted_by for e in ann.entities for m in e.mentions} <= {
        "model", "gazetteer", "rule",
    }  # fmt: skip


def test_kinds_of_actors_are_actor_groups():
    _, ann = run("Het jongerenwerk werkt nauw samen met huisartsen, scholen en de politie.")
    groups = named(ann, "ActorGroup")
    assert {"huisartsen", "scholen", "politie"} <= {
        label for e in groups.values() for label in labels(e)
    }
    assert not named(ann, "Organisation")


def test_neighbourhoods_after_wijk_are_places():
    _, ann = run("De aanpak loopt in de wijken Noordhoek en Zuidpolder.")
    find(ann, "Place", "Noordhoek")
    find(ann, "Place", "Zuidpolder")


def test_quoted_programme_and_website_are_instruments():
    _, ann = run(
        "Met het programma ‘Samen Thuis’ en de website www.hulpwijzer-beekdal.nl bereiken we ouderen."
    )
    find(ann, "Instrument", "Samen Thuis")
    find(ann, "Instrument", "www.hulpwijzer-beekdal.nl")


def test_council_and_college_are_organisations():
    _, ann = run("De raad heeft het college verzocht (112M) om een voorstel.")
    find(ann, "Organisation", "raad")
    find(ann, "Organisation", "college")


def test_a_board_of_an_organisation_is_not_the_council():
    _, ann = run("De raad van toezicht van Stichting Zorgzaam keurt het jaarplan goed.")
    assert not [e for e in ann.entities if e.name.lower() in {"raad", "de raad"}]
    find(ann, "Organisation", "Stichting Zorgzaam")


def test_relations_point_at_words_inside_their_activity():
    text, ann = run(
        "Samen met Stichting Overstag en het UWV voeren we de Participatiewet uit. Huisartsen "
        "verwijzen door."
    )
    tree = parse_structure(text)
    activity = tree.activities[0]
    assert {(r.predicate, r.entity.kind) for r in ann.relations} >= {
        ("involves", "Organisation"),
        ("concernsLaw", "Law"),
        ("involves", "ActorGroup"),
    }
    for rel in ann.relations:
        m = rel.mention
        assert rel.activity_key == activity.key
        assert activity.start <= m.start < m.end <= activity.end
        assert text[m.start : m.end] == m.text
        assert m.sentence_start <= m.start and m.end <= m.sentence_end
        assert text[m.sentence_start : m.sentence_end].strip()


@pytest.mark.parametrize("model", ["no-such-model-xyz", "/no/such/folder"])
def test_unknown_spacy_model_is_a_clear_error(model):
    from beleidsgraaf.extract.language import ModelNotFoundError

    text = "1. Meer hulp.\n\n1.1 Tekst.\n"
    with pytest.raises(ModelNotFoundError):
        annotate(text, parse_structure(text), spacy_model=model)


def test_cue_phrases_give_roles_to_the_parties_they_introduce():
    _, ann = run(
        "Stichting Dorpskracht heeft de opdracht om vrijwilligers te werven. Dit doen we in "
        "samenwerking met Woonstichting Lindelaan."
    )
    roles = {r.entity.name: r.role for r in ann.relations}
    assert roles["Stichting Dorpskracht"] == "opdrachtnemer"
    assert roles["Woonstichting Lindelaan"] == "partner"


# One sentence each, from error classes seen in blind documents (names invented here):
# (id, activity text, names that must be found as (kind, name), names that must not be)
BOUNDARIES = [
    (
        "a-capitalised-plan-word-opens-the-name-and-a-particle-closes-the-clause",
        "Het college stelt het Beleidsplan Wonen 2023-2026 vast.",
        [("Instrument", "Beleidsplan Wonen 2023-2026")],
        [("Instrument", "Wonen 2023-2026 vast"), ("Instrument", "Beleidsplan")],
    ),
    (
        "a-year-range-in-one-token-is-the-plans-edition",
        "We werken met het Veiligheidsplan Oosterdam 2025-2028 en de wijkteams.",
        [("Instrument", "Veiligheidsplan Oosterdam 2025-2028")],
        [],
    ),
    (
        "law-stops-before-particle-and-preposition",
        "We voeren de Wet gemeentelijke schuldhulpverlening uit via het team Geldzorg.",
        [("Law", "Wet gemeentelijke schuldhulpverlening")],
        [("Law", "Wet gemeentelijke schuldhulpverlening uit via")],
    ),
    (
        "a-number-that-counts-is-no-part-of-the-name",
        "Met Stichting Dakwerk bouwt Woonstichting Kade 24 tijdelijke woningen.",
        [("Organisation", "Woonstichting Kade")],
        [("Organisation", "Woonstichting Kade 24")],
    ),
    (
        "an-area-code-stays-part-of-the-name",
        "Samen met Speelhuis 013 organiseren we activiteiten in de zomer.",
        [("Organisation", "Speelhuis 013")],
        [],
    ),
    (
        "a-description-before-stichting-is-no-part-of-the-name",
        "Zorgaanbieder Stichting Polder Herstel opende een nieuwe locatie.",
        [("Organisation", "Stichting Polder Herstel")],
        [("Organisation", "Zorgaanbieder Stichting Polder Herstel")],
    ),
    (
        "a-compass-word-after-a-region-belongs-to-the-name",
        "In het Zorg- en Veiligheidshuis Noord-Brabant Oost bespraken we de aanpak.",
        [("Organisation", "Zorg- en Veiligheidshuis Noord-Brabant Oost")],
        [],
    ),
    (
        "compounds-that-share-a-tail-are-one-name",
        "Het Regionaal Meld- en Coördinatiepunt Dijkland benadert jongeren; het Sport-, "
        "Cultuur- en Jeugdfonds Rijnstad betaalt de contributie.",
        [
            ("Organisation", "Regionaal Meld- en Coördinatiepunt Dijkland"),
            ("Organisation", "Sport-, Cultuur- en Jeugdfonds Rijnstad"),
        ],
        [],
    ),
    (
        "a-compound-kind-word-introduces-an-organisation",
        "Met UWV en leerwerkbedrijf Dijkwerk ontwikkelen we extra leerwerkplekken.",
        [("Organisation", "Dijkwerk")],
        [],
    ),
    (
        "a-team-is-an-organisation-where-the-model-reads-a-place",
        "We werken samen met de Voedselbank Noord-Drenthe en het Sociaal Team Veenwolde.",
        [("Organisation", "Sociaal Team Veenwolde")],
        [("Place", "Sociaal Team Veenwolde")],
    ),
    (
        "names-listed-after-a-kind-of-organisation",
        "Met de woningcorporaties Rivierwonen en Woonstichting Kade maken we afspraken.",
        [("Organisation", "Rivierwonen"), ("Organisation", "Woonstichting Kade")],
        [],
    ),
    (
        "a-name-ending-in-stichting-is-an-organisation",
        "De gezinsvoogden van de Anna Veldkamp Stichting begeleiden de kinderen.",
        [("Organisation", "Anna Veldkamp Stichting")],
        [("Place", "Anna Veldkamp Stichting")],
    ),
    (
        "a-department-keeps-its-second-task",
        "Buurtbewoners lopen samen met het team Toezicht en Handhaving vaste rondes.",
        [("Organisation", "team Toezicht en Handhaving")],
        [],
    ),
    (
        "but-not-a-municipality",
        "Het team Noord en Utrecht werken samen aan de aanpak.",
        [],
        [("Organisation", "team Noord en Utrecht")],
    ),
    (
        "names-after-kerkdorpen-are-places",
        "In de kerkdorpen Oldenhove en Wierum doen we dit samen met vrijwilligers.",
        [("Place", "Oldenhove"), ("Place", "Wierum")],
        [],
    ),
    (
        "a-short-law-name-after-de",
        "Schuldhulp voor inwoners die in de Wzvp terechtkomen, langs de Waal.",
        [("Law", "Wzvp")],
        [("Law", "Waal")],
    ),
    (
        "a-year-closes-a-law-name",
        "Sinds 1 januari is de nieuwe Wet inburgering 2021 van kracht.",
        [("Law", "Wet inburgering 2021")],
        [("Law", "Wet inburgering 2021 van kracht")],
    ),
    (
        "a-fonds-is-an-organisation",
        "Met een bijdrage van het Veenkoloniaal Fonds en het Anna Polak Fonds, dat kinderen helpt.",
        [("Organisation", "Veenkoloniaal Fonds"), ("Organisation", "Anna Polak Fonds")],
        [("Instrument", "Veenkoloniaal Fonds"), ("Place", "Anna Polak Fonds")],
    ),
    (
        "a-department-and-the-next-organisation-are-two-names",
        "Met de afdeling Dijkland en Zorggroep Weidezicht onderzoeken we de zorg.",
        [("Organisation", "afdeling Dijkland"), ("Organisation", "Zorggroep Weidezicht")],
        [("Organisation", "afdeling Dijkland en Zorggroep")],
    ),
    (
        "a-national-body-and-its-local-branch-are-one-name",
        "Met Parkinson Vereniging afdeling Dijkland onderzoeken we de zorg.",
        [("Organisation", "Parkinson Vereniging afdeling Dijkland")],
        [("Organisation", "afdeling Dijkland")],
    ),
    (
        "names-listed-after-a-kind-and-a-comma",
        "Met de grootste aanbieders, Jeugdhulp Dijkzoom en Stichting Kompas, maken we afspraken.",
        [("Organisation", "Jeugdhulp Dijkzoom"), ("Organisation", "Stichting Kompas")],
        [],
    ),
    (
        "a-region-with-a-compass-word",
        "We maken afspraken met de gemeenten in de regio Midden Dijkland over woonvormen.",
        [("Place", "regio Midden Dijkland")],
        [("Place", "regio Midden")],
    ),
    (
        "a-capitalised-regio-is-the-public-body",
        "Samen met Regio Veenland verdelen we de plaatsen in de regio Zandland.",
        [("Organisation", "Regio Veenland"), ("Place", "regio Zandland")],
        [("Place", "Regio Veenland")],
    ),
]


@pytest.mark.parametrize(
    ("activity", "found", "not_found"), [b[1:] for b in BOUNDARIES], ids=[b[0] for b in BOUNDARIES]
)
def test_name_boundaries_and_kinds(activity, found, not_found):
    _, ann = run(activity)
    for kind, name in found:
        find(ann, kind, name)
    for kind, name in not_found:
        assert name not in named(ann, kind), (kind, name)


def _activities(*texts: str) -> Annotations:
    body = "\n".join(f"1.{i} {t}" for i, t in enumerate(texts, 1))
    text = f"3.4 Zorg\n\n1. Meer inwoners krijgen hulp.\n\n{body}\n"
    return annotate(text, parse_structure(text))


def test_a_brand_alone_refers_back_to_its_one_regional_organisation():
    ann = _activities(
        "Samen met GGD Dijkland zetten we de aanpak voort.",
        "De GGD houdt toezicht op de kwaliteit van de opvang.",
    )
    ggd = find(ann, "Organisation", "GGD Dijkland")
    assert [m.activity_key for m in ggd.mentions] == ["a/s/3.4/1.1", "a/s/3.4/1.2"]
    ann = _activities(
        "Met GGD Dijkland en GGD Polderland zetten we de aanpak voort.",
        "De GGD houdt toezicht op de kwaliteit van de opvang.",
    )
    for name in ("GGD Dijkland", "GGD Polderland"):  # two branches: 'de GGD' is neither
        assert len(find(ann, "Organisation", name).mentions) == 1


# --- config switches of the rule components (training/ablation.py) and model labels ---------


def _assembled(ablate):
    from beleidsgraaf.extract.components import assemble
    from beleidsgraaf.extract.language import load_nlp

    return assemble(load_nlp(fresh=True), ablate=ablate)


def test_rule_groups_are_config_switches():
    nlp = _assembled(["names", "abbreviations", "model_org"])
    assert "bg_abbreviations" not in nlp.pipe_names
    assert nlp.get_pipe_config("bg_name_rules")["disabled"] == ["names"]
    labels = nlp.get_pipe_config("bg_entity_typer")["model_labels"]
    assert "ORG" not in labels and "PLACE" in labels
    full = _assembled([])
    assert full.get_pipe_config("bg_name_rules")["disabled"] == []
    assert "bg_abbreviations" in full.pipe_names


def test_unknown_rule_group_is_an_error():
    with pytest.raises(ValueError, match="unknown ablation"):
        _assembled(["no-such-rules"])


def test_without_the_gazetteer_patterns_national_bodies_are_not_linked():
    nlp = _assembled(["patterns"])
    doc = nlp("Het UWV helpt inwoners aan werk.")
    assert not any(s.kb_id_ for s in doc.spans["bg_entities"])


def test_entity_typer_reads_the_policy_labels_of_a_model():
    from beleidsgraaf.extract.components import _model_kind
    from beleidsgraaf.extract.language import load_nlp
    from spacy.tokens import Span

    doc = load_nlp().make_doc("Wethouder Pieterszoon bespreekt de Wet Voorbeeldzorg in Oosterdam.")
    assert _model_kind(Span(doc, 1, 2, label="PER")) is None
    assert _model_kind(Span(doc, 4, 6, label="LAW")) == "Law"
    assert _model_kind(Span(doc, 7, 8, label="PLACE")) == "Place"
    assert _model_kind(Span(doc, 7, 8, label="LOC")) == "Place"


def test_the_national_government_is_an_organisation_but_the_adjective_is_nothing():
    _, ann = run("Het Rijk en het kabinet betalen mee; de wijk is rijk aan groen.")
    assert find(ann, "Organisation", "Rijk")
    assert find(ann, "Organisation", "kabinet")
    assert not [e for e in ann.entities if e.name.lower() == "rijk" and e.kind != "Organisation"]
    _, plain = run("Een wijk die rijk is aan groen en water.")
    assert not [e for e in plain.entities if e.name.lower() == "rijk"]


def test_national_schemes_and_agreements_are_instruments_from_the_gazetteer():
    _, ann = run(
        "Met middelen uit het Integraal Zorgakkoord en een tekort op de BUIG "
        "vragen we de Vangnetregeling aan; zelfstandigen kregen Tozo."
    )
    iza = find(ann, "Instrument", "Integraal Zorgakkoord")
    assert iza.national
    assert find(ann, "Instrument", "Gebundelde uitkering").aliases >= {"BUIG"}
    find(ann, "Instrument", "Vangnetregeling")
    find(ann, "Law", "Tijdelijke overbruggingsregeling zelfstandig ondernemers")
    assert not named(ann, "Organisation")


def test_the_municipality_that_acts_is_an_organisation_beside_the_place():
    _, ann = run(
        "De gemeente Veldhoven opent een loket. Veldhoven neemt deel aan de aanpak. "
        "In Veldhoven wonen veel ouderen."
    )
    find(ann, "Organisation", "gemeente Veldhoven")
    actor = find(ann, "Organisation", "Veldhoven")
    place = find(ann, "Place", "Veldhoven")
    assert actor is not place and not actor.national
    _, territory = run("In de gemeente Veldhoven wonen veel ouderen. Veldhoven is een dorp.")
    assert not named(territory, "Organisation")
    find(territory, "Place", "Veldhoven")


def test_without_the_actor_rule_the_municipality_is_only_a_place():
    nlp = _assembled(["actors"])
    doc = nlp("De gemeente Veldhoven opent een loket.")
    assert [(s.text, s.label_) for s in doc.spans["bg_entities"]] == [("Veldhoven", "Place")]


def test_a_name_whose_words_say_it_is_a_report_or_plan_is_an_instrument():
    _, ann = run("In de Derde Voortgangsrapportage 2031 staat wat Stichting Zorgzaam deed.")
    find(ann, "Instrument", "Derde Voortgangsrapportage 2031")
    find(ann, "Organisation", "Stichting Zorgzaam")


def test_two_capitals_used_once_are_no_partner_but_a_longer_acronym_is():
    _, ann = run("Samen met ZORGA en het team van PX ondersteunen we mantelzorgers.")
    find(ann, "Organisation", "ZORGA")
    assert "PX" not in named(ann, "Organisation")
    _, twice = run("PX en Stichting Zorgzaam werken samen; PX levert de coaches.")
    find(twice, "Organisation", "PX")


def test_a_common_word_glued_to_a_year_is_no_name():
    _, ann = run("Begroting2031 Rekening2030 Samen met Buurtwerk033 helpen we gezinnen.")
    names = {e.name for e in ann.entities}
    assert not names & {"Begroting2031", "Rekening2030"}
    assert "Buurtwerk033" in names


def test_abstract_nouns_inhabitants_and_plans_are_no_places():
    _, ann = run(
        "Met dit programma wil de gemeente Veldhovenaren ondersteunen; in het "
        "Uitvoeringsplannen Zorgzaam staat hoe we in Veldhoven-Oost werken."
    )
    places = named(ann, "Place")
    assert "Veldhovenaren" not in places
    assert "Uitvoeringsplannen Zorgzaam" not in places
    find(ann, "Place", "Veldhoven-Oost")


def test_a_kind_of_actor_with_a_capital_is_the_local_organisation():
    _, ann = run("Samen met de Voedselbank en de huisartsen helpen we gezinnen.")
    find(ann, "Organisation", "Voedselbank")
    find(ann, "ActorGroup", "huisartsen")


def test_a_plan_keeps_its_edition_in_its_name():
    _, ann = run("We voeren het Preventieakkoord II uit en vragen de Vangnetregeling 2031 aan.")
    find(ann, "Instrument", "Preventieakkoord II")
    find(ann, "Instrument", "Vangnetregeling 2031")


def test_a_cued_name_ends_before_the_verb_of_its_clause():
    _, ann = run("Het bestemmingsplan Stadspark Noord is onherroepelijk geworden.")
    find(ann, "Instrument", "bestemmingsplan Stadspark Noord")


def test_an_exclamation_mark_written_onto_a_name_is_part_of_it():
    _, ann = run("Samen met Veldkracht Werkt! en Stichting Veldwerk helpen we inwoners. Mooi!")
    find(ann, "Organisation", "Veldkracht Werkt!")
    find(ann, "Organisation", "Stichting Veldwerk")


def test_a_name_one_deals_with_is_no_place():
    _, ann = run("We maken afspraken met Kwintara over de dagbesteding in Veldhoven-Oost.")
    find(ann, "Organisation", "Kwintara")
    find(ann, "Place", "Veldhoven-Oost")


def test_municipalities_listed_as_members_of_a_group_that_acts_are_organisations():
    _, ann = run("Daarvoor zijn de gemeenten Veldhoven, Eersel en Bergeijk gestart met een aanpak.")
    for name in ("Veldhoven", "Eersel", "Bergeijk"):
        find(ann, "Organisation", name)
    _, places = run("In de gemeenten Veldhoven en Eersel wonen veel ouderen.")
    assert not named(places, "Organisation")


def test_a_plan_named_after_its_municipality_is_an_instrument():
    _, ann = run("Het Integraal Veiligheidsplan Veldhoven is vastgesteld.")
    find(ann, "Instrument", "Integraal Veiligheidsplan Veldhoven")


def test_a_one_word_law_is_found_in_lower_case_too():
    _, ann = run("Op grond van de jeugdwet bieden we hulp.")
    find(ann, "Law", "Jeugdwet")


def test_capitalised_units_are_organisations_and_concepts_instruments():
    _, ann = run(
        "Samen met Werk en Inkomen en de consulenten van Sociale Zaken werken we "
        "volgens Positieve Gezondheid."
    )
    find(ann, "Organisation", "Werk en Inkomen")
    find(ann, "Organisation", "Sociale Zaken")
    find(ann, "Instrument", "Positieve Gezondheid")


def test_a_club_is_an_organisation_and_a_province_without_its_hyphen_a_place():
    _, ann = run("De Sportclub Veldwijk organiseert toernooien in Noord Brabant.")
    find(ann, "Organisation", "Sportclub Veldwijk")
    assert find(ann, "Place", "Noord Brabant").national


def test_units_keep_their_first_word_and_local_forms_of_national_schemes_are_instruments():
    _, ann = run(
        "Met de werkgroep Mantelzorg richten we een meldpunt Huurtoeslag in; "
        "we zetten de SPUK Sport in."
    )
    find(ann, "Organisation", "werkgroep Mantelzorg")
    find(ann, "Organisation", "meldpunt Huurtoeslag")
    find(ann, "Instrument", "SPUK Sport")


def test_pieces_cut_off_a_word_and_single_letters_are_no_names():
    _, ann = run(
        "Wij betalen Stichting Zorgzaam voor Re-integratie, deel B van programma 6 en "
        "de Wmo-ondersteuning."
    )
    assert {e.name for e in named(ann, "Organisation").values()} == {"Stichting Zorgzaam"}
    find(ann, "Law", "Wet maatschappelijke ondersteuning 2015")


def test_the_municipality_after_the_verb_of_an_inverted_sentence_acts():
    _, ann = run("In 2031 heeft Veldhoven de aanpak uitgebreid. De minister bezoekt Eersel.")
    find(ann, "Organisation", "Veldhoven")
    assert "Eersel" not in named(ann, "Organisation")
    _, by = run("Dit past in de doelstelling van de gemeente Veldhoven.")
    find(by, "Organisation", "gemeente Veldhoven")


def test_a_brand_with_inner_capitals_after_a_cue_word_is_an_instrument():
    _, ann = run("Jongeren doen mee aan de campagne StopNu, samen met de scholen.")
    find(ann, "Instrument", "campagne StopNu")


def test_an_ampersand_joins_the_words_of_a_compound_name():
    _, ann = run("Samen met het Zorg & Veiligheidshuis bieden we hulp.")
    find(ann, "Organisation", "Zorg & Veiligheidshuis")


def test_a_municipality_is_known_by_its_common_name_too():
    _, ann = run("Den Haag wil dat iedere inwoner meedoet, ook in Den Bosch.")
    assert find(ann, "Organisation", "Den Haag")
    assert find(ann, "Place", "Den Bosch").national


def test_capitalised_common_words_without_a_proper_name_name_an_approach():
    _, ann = run("We werken volgens de Lichte Ondersteuning Thuis met Stichting Zorgzaam.")
    find(ann, "Instrument", "Lichte Ondersteuning Thuis")
    find(ann, "Organisation", "Stichting Zorgzaam")


def test_streets_squares_and_roads_are_places():
    _, ann = run("Het Sociaal Plein aan het Lindeplein werkt langs de Veldkade en de N279.")
    for name in ("Lindeplein", "Veldkade", "N279"):
        find(ann, "Place", name)
    find(ann, "Organisation", "Sociaal Plein")


def test_a_region_one_works_with_is_an_organisation_a_region_one_lives_in_a_place():
    _, ann = run("Samen met de regio Kempen en Dommel zetten we voorzieningen in.")
    find(ann, "Organisation", "regio Kempen en Dommel")
    _, lives = run(
        "In de arbeidsmarktregio Zuidoost-Brabant wonen veel ouderen; de Veiligheidsregio "
        "Kempenland oefent."
    )
    find(lives, "Place", "arbeidsmarktregio Zuidoost-Brabant")
    assert "Veiligheidsregio Kempenland" not in named(lives, "Place")


def test_a_head_word_takes_its_name_across_tegen_and_naar():
    _, ann = run("Samen met de Coalitie tegen Armoede en Huis naar Zorg helpen we inwoners.")
    find(ann, "Organisation", "Coalitie tegen Armoede")
    find(ann, "Organisation", "Huis naar Zorg")
