"""training/convert_realdev.py on a tiny invented document and key (no realdev text here)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from spacy.tokens import DocBin

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "training"))
import callbacks  # noqa: E402, F401  (the tokenizer callback of the policy NER configs)
import convert_realdev as cr  # noqa: E402

TEXT = """Programma 9 Zorg in Westerdam

Wat gaan we doen?

Met Stichting Welzijn Westerdam (SWW) en de gemeente voeren we de Wet Voorbeeld uit. In Westerdam
helpt wethouder Van Berkel de huisartsen. De SWW werkt in de wijk Oosthoek met het Plan Samen.
Westerdam neemt deel aan het netwerk van de stichting welzijn westerdam.
"""

GOLD = {
    "document": "westerdam-begroting-2030.txt",
    "entities": [
        {
            "name": "Stichting Welzijn Westerdam",
            "type": "Organisation",
            "aliases": ["SWW"],
            "required": True,
        },
        {"name": "Westerdam", "type": "Place", "aliases": [], "required": True},
        {"name": "Westerdam", "type": "Organisation", "aliases": [], "required": True},
        {"name": "Oosthoek", "type": "Place", "aliases": [], "required": True},
        {"name": "Wet Voorbeeld", "type": "Law", "aliases": [], "required": True},
        {"name": "Plan Samen", "type": "Instrument", "aliases": [], "required": True},
        {"name": "gemeente", "type": "Organisation", "aliases": [], "required": False},
        {"name": "huisartsen", "type": "ActorGroup", "aliases": [], "required": False},
        {"name": "Raad van Nergens", "type": "Organisation", "aliases": [], "required": True},
    ],
}


@pytest.fixture(scope="module")
def converted():
    from beleidsgraaf.extract.components import common_words
    from beleidsgraaf.extract.language import load_nlp

    docs, report = cr.convert_document(
        load_nlp(), TEXT, GOLD, "westerdam-begroting-2030", common=common_words()
    )
    return docs, report


def _ents(docs):
    return [(e.text, e.label_) for d in docs for e in d.ents]


def test_municipality_from_file_name():
    assert cr.municipality("westerdam-begroting-jaarverslag-2020-2024") == "westerdam"
    assert cr.municipality("oost-west-jaarverslag-2015") == "oost-west"


def test_longest_match_first_and_labels(converted):
    ents = _ents(converted[0])
    assert ("Stichting Welzijn Westerdam", "ORG") in ents
    assert ("Westerdam", "PLACE") not in [e for e in ents if e[0] == "Stichting Welzijn Westerdam"]
    assert ("SWW", "ORG") in ents
    assert ("Wet Voorbeeld", "LAW") in ents
    assert ("Plan Samen", "INSTRUMENT") in ents
    assert ("Oosthoek", "PLACE") in ents
    # no overlaps: the name inside the organisation's name is not a span of its own
    for doc in converted[0]:
        tokens = [i for e in doc.ents for i in range(e.start, e.end)]
        assert len(tokens) == len(set(tokens))


def test_case_insensitive_fallback_for_long_names(converted):
    assert ("stichting welzijn westerdam", "ORG") in _ents(converted[0])


def test_optional_and_actor_groups_are_missing_not_outside(converted):
    for doc in converted[0]:
        for tok in doc:
            if tok.text in {"gemeente", "huisartsen"}:
                assert tok.ent_iob == 0  # missing annotation, not O (ent_iob 2)
            if tok.text == "werkt":
                assert tok.ent_iob == 2


def test_two_types_of_one_name(converted):
    ents = _ents(converted[0])
    # 'In Westerdam' is the place; 'Westerdam neemt deel' is left open (no O, no guess)
    assert ("Westerdam", "PLACE") in ents
    tokens = [t for d in converted[0] for t in d if t.text == "Westerdam" and t.ent_iob == 0]
    assert tokens


def test_person_after_title(converted):
    assert ("Van Berkel", "PER") in _ents(converted[0])
    assert converted[1].persons == 1


def test_report_names_what_was_not_found(converted):
    report = converted[1]
    assert report.not_in_text == ["Raad van Nergens"]
    assert report.overlaps >= 1
    assert not report.lost


def test_name_inside_a_token_is_left_missing():
    from beleidsgraaf.extract.language import load_nlp

    text = "Programma 1\n\nWat gaan we doen?\n\nWe betalen de corona-Regelingx uit.\n"
    gold = {"entities": [{"name": "Regelingx", "type": "Law", "aliases": [], "required": True}]}
    docs, report = cr.convert_document(load_nlp(), text, gold, "x")
    assert not _ents(docs)  # the token is 'corona-Regelingx': no exact span
    assert report.lost == ["Regelingx"]
    assert all(t.ent_iob == 0 for d in docs for t in d if "Regelingx" in t.text)


def test_convert_all_writes_one_docbin_per_municipality(tmp_path: Path):
    (tmp_path / "westerdam-begroting-2030.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "westerdam-begroting-2030.gold.json").write_text(json.dumps(GOLD), encoding="utf-8")
    out = tmp_path / "out"
    reports = cr.convert_all(tmp_path, out, quiet=True)
    assert [r.base for r in reports] == ["westerdam-begroting-2030"]
    from spacy.vocab import Vocab

    docs = list(DocBin().from_disk(out / "westerdam.spacy").get_docs(Vocab()))
    assert any(e.label_ == "LAW" for d in docs for e in d.ents)
    assert "total:" in cr.summary(reports)


@pytest.mark.parametrize("config", ["config_realdev.cfg", "config_realdev_finetune.cfg"])
def test_policy_ner_config_trains_a_few_steps(tmp_path: Path, converted, config):
    """Both policy NER configs start from the shipped tok2vec and learn the contract's labels."""
    import spacy
    from beleidsgraaf.extract.language import DEFAULT_MODEL_PATH
    from spacy.cli.train import train

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    DocBin(docs=converted[0]).to_disk(corpus / "westerdam.spacy")
    train(
        Path(cr.TRAINING) / config,
        tmp_path / "out",
        overrides={
            "paths.train": str(corpus),
            "paths.dev": str(corpus),
            "paths.base_model": str(DEFAULT_MODEL_PATH),
            "training.max_steps": 4,
            "training.eval_frequency": 2,
        },
    )
    trained = spacy.load(tmp_path / "out" / "model-last")
    assert {"ORG", "LAW", "PLACE", "INSTRUMENT", "PER"} <= set(trained.get_pipe("ner").labels)
    # the policy tokenizer rules came along: 'i.s.m.' stays one token
    assert len(trained.make_doc("i.s.m. de wijk")) == 3
