"""Word tests compiled into lexeme flags match exactly what the patterns as written match."""

from __future__ import annotations

import json

import pytest
import spacy
import srsly
from beleidsgraaf.extract.components import PATTERNS_DIR
from beleidsgraaf.extract.pattern_flags import compile_patterns, flag_for
from spacy.matcher import Matcher

PATTERNS = [
    {"label": "ORG", "pattern": [{"TEXT": {"REGEX": "^[A-Z]{2,}$"}, "LENGTH": {"<=": 4}}]},
    {"label": "ORG", "pattern": [{"LOWER": "de"}, {"TEXT": {"REGEX": "^W[a-z]{1,3}$"}}]},
    {"label": "X", "pattern": [{"LOWER": {"IN": ["dag", "week"]}, "IS_TITLE": True}]},
    {"label": "Y", "pattern": [{"TEXT": {"REGEX": "wet$"}, "IS_SENT_START": False}]},
    {"label": "Z", "pattern": [{"LOWER": {"NOT_IN": ["en", "of"]}, "LENGTH": {">": 9}}]},
    {"label": "P", "pattern": "Wet inburgering"},
]
TEXT = (
    "De GGD en het UWV werken met de Wmo en de Wsnp. Dag van de Zorg is in de week van de "
    "Jeugdwet; de Omgevingswet geldt. ABCDEF telt niet, Participatiewet wel. Week van het "
    "Geld. wet en regelgeving en arbeidsmarktregio's of onderwijsinstellingen."
)


def _matches(nlp, patterns, text: str = TEXT) -> list[tuple[str, int, int]]:
    matcher = Matcher(nlp.vocab, validate=False)
    for i, p in enumerate(patterns):
        if not isinstance(p["pattern"], str):
            matcher.add(f"{i}-{p['label']}", [p["pattern"]])
    doc = nlp(text)
    return sorted((nlp.vocab.strings[m], s, e) for m, s, e in matcher(doc))


def test_compiled_patterns_match_what_the_written_ones_match():
    nlp = spacy.blank("nl")
    nlp.add_pipe("sentencizer")
    written = _matches(nlp, PATTERNS)
    compiled = compile_patterns(nlp.vocab, PATTERNS)
    assert len(written) >= 8  # the text exercises every pattern above
    assert {label.split("-")[1] for label, _, _ in written} == {"ORG", "X", "Y", "Z"}
    assert _matches(nlp, compiled) == written
    # the word tests became flags; what depends on context stayed
    assert all("REGEX" not in json.dumps(p) and "IN" not in json.dumps(p) for p in compiled)
    assert compiled[3]["pattern"][0]["IS_SENT_START"] is False
    assert compiled[1]["pattern"][0] == {"LOWER": "de"}  # plain equality is left alone
    assert compiled[5] == PATTERNS[5]  # phrase patterns pass through


def test_the_project_rules_match_the_same_when_compiled():
    nlp = spacy.blank("nl")
    nlp.add_pipe("sentencizer")
    rules = list(srsly.read_jsonl(PATTERNS_DIR / "rules.jsonl"))
    text = TEXT + " Team-IJssel en MDA++ en de A12 en Stationswijk, Zorgpunt en Sportfonds."
    written = _matches(nlp, rules, text)
    assert _matches(nlp, compile_patterns(nlp.vocab, rules), text) == written
    assert len(written) >= 5


def test_one_flag_per_distinct_test_also_when_compiled_again():
    nlp = spacy.blank("nl")
    first = compile_patterns(nlp.vocab, PATTERNS)
    again = compile_patterns(nlp.vocab, PATTERNS)
    assert first == again
    spec = {"TEXT": {"REGEX": "^[A-Z]{2,}$"}, "LENGTH": {"<=": 4}}
    assert flag_for(nlp.vocab, spec) == flag_for(nlp.vocab, dict(reversed(spec.items())))


def test_words_first_seen_after_compiling_get_the_flag():
    nlp = spacy.blank("nl")
    compiled = compile_patterns(nlp.vocab, [PATTERNS[0]])
    matcher = Matcher(nlp.vocab, validate=False)
    matcher.add("ORG", [compiled[0]["pattern"]])
    assert len(matcher(nlp("De QWXZ komt."))) == 1  # a word the vocabulary did not hold


def test_an_invalid_pattern_is_refused_as_written():
    nlp = spacy.blank("nl")
    with pytest.raises(ValueError, match="invalid token pattern"):
        compile_patterns(nlp.vocab, [{"label": "ORG", "pattern": [{"TXET": "x"}]}])
