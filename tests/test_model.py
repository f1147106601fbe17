"""The project's Dutch spaCy pipeline: shipped model, tokenizer rules, sentence breaks,
loading errors, and a smoke test of the training code on a tiny embedded corpus."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import spacy
from beleidsgraaf.extract.language import (
    DEFAULT_MODEL_PATH,
    ModelNotFoundError,
    customize_tokenizer,
    load_nlp,
)

REPO = Path(__file__).resolve().parent.parent
TRAINING = REPO / "training"
SHARED_CORPORA = REPO.parent / "shared" / "corpora"

EXPECTED_PIPES = ["bg_sentence_breaks", "tok2vec", "ner", "morphologizer", "lemmatizer"]

# 20 sentences in CoNLL-2002 format (word POS IOB2), written for this test.
CONLL2002_FIXTURE = """\
-DOCSTART- -DOCSTART- O
De Art O
gemeente N O
Amersfoort N B-LOC
werkt V O
samen Adv O
met Prep O
het Art O
Nibud N B-ORG
. Punc O

Wethouder N O
Jan N B-PER
de Art I-PER
Vries N I-PER
bezocht V O
Utrecht N B-LOC
. Punc O

Het Art O
Wmo N B-MISC
- Punc O
loket N O
in Prep O
Leusden N B-LOC
is V O
open Adj O
. Punc O

GGZ N B-ORG
Centraal N I-ORG
helpt V O
inwoners N O
van Prep O
Amersfoort N B-LOC
. Punc O

Marie N B-PER
Jansen N I-PER
werkt V O
bij Prep O
Indebuurt033 N B-ORG
. Punc O
"""
# repeat to 20 sentences (5 distinct ones x 4)
CONLL2002_FIXTURE = CONLL2002_FIXTURE + "\n" + "\n".join([CONLL2002_FIXTURE.split("\n", 1)[1]] * 3)

CONLLU_FIXTURE = """\
# text = De kloosterorden doen mee.
1\tDe\tde\tDET\t_\tDefinite=Def\t2\tdet\t_\t_
2\tkloosterorden\tklooster_orde\tNOUN\t_\tNumber=Plur\t3\tnsubj\t_\t_
3\tdoen\tmee_doen\tVERB\t_\tTense=Pres\t0\troot\t_\t_
4\tmee\tmee\tADP\t_\t_\t3\tcompound:prt\t_\tSpaceAfter=No
5\t.\t.\tPUNCT\t_\t_\t3\tpunct\t_\t_

# text = Jan en Piet zien het huis.
1\tJan\tJan\tPROPN\t_\t_\t4\tnsubj\t_\t_
2\ten\ten\tCONJ\t_\t_\t3\tcc\t_\t_
3\tPiet\tPiet\tPROPN\t_\t_\t1\tconj\t_\t_
4\tzien\tzien\tVERB\t_\t_\t0\troot\t_\t_
5\thet\thet\tDET\t_\t_\t6\tdet\t_\t_
6\thuis\thuis\tNOUN\t_\t_\t4\tdobj\t_\tSpaceAfter=No
7\t.\t.\tPUNCT\t_\t_\t4\tpunct\t_\t_
"""


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


@pytest.fixture(scope="module")
def convert_module():
    sys.path.insert(0, str(TRAINING))
    try:
        import convert
    finally:
        sys.path.remove(str(TRAINING))
    return convert


def texts(nlp, text: str) -> list[str]:
    return [t.text for t in nlp.make_doc(text)]


# --- shipped model -------------------------------------------------------------------------


def test_shipped_model_loads_with_expected_components(nlp):
    assert DEFAULT_MODEL_PATH.is_dir()
    assert nlp.pipe_names == EXPECTED_PIPES
    assert nlp.pipe_names[0] == "bg_sentence_breaks"


def test_ner_labels(nlp):
    assert set(nlp.get_pipe("ner").labels) == {"PER", "ORG", "LOC", "MISC"}


def test_meta_has_measured_performance():
    meta = json.loads((DEFAULT_MODEL_PATH / "meta.json").read_text(encoding="utf-8"))
    perf = meta["performance"]
    for key in ("ents_f", "ents_p", "ents_r", "pos_acc", "morph_acc", "lemma_acc"):
        assert isinstance(perf[key], float) and 0.0 < perf[key] <= 1.0, key
    assert (DEFAULT_MODEL_PATH / "README.md").is_file()


def test_tags_a_dutch_sentence(nlp):
    doc = nlp("De gemeente Amersfoort werkt samen met de bewoners van Utrecht.")
    assert [t.pos_ for t in doc][:3] == ["DET", "NOUN", "PROPN"]
    assert doc[3].pos_ in {"VERB", "AUX"}
    assert doc[3].lemma_ == "werken"
    assert all(t.lemma_ for t in doc)
    assert any(ent.label_ == "LOC" and ent.text in {"Amersfoort", "Utrecht"} for ent in doc.ents)


def test_load_nlp_is_cached(nlp):
    assert load_nlp() is nlp
    assert load_nlp(str(DEFAULT_MODEL_PATH)) is load_nlp(DEFAULT_MODEL_PATH)


def test_unknown_model_raises_clear_error():
    with pytest.raises(ModelNotFoundError, match="nl_bestaat_niet_sm"):
        load_nlp("nl_bestaat_niet_sm")
    with pytest.raises(ModelNotFoundError, match="does not exist"):
        load_nlp("/nonexistent/folder/nl_model")
    assert issubclass(ModelNotFoundError, ValueError)


# --- tokenizer rules (each its own assertion) -----------------------------------------------


def test_numbered_items_stay_one_token(nlp):
    assert texts(nlp, "1.1 Binnen de SBI")[0] == "1.1"
    assert texts(nlp, "2.1.3. Basisinfrastructuur")[0] == "2.1.3."
    assert texts(nlp, "Zie programma 1.3 Wonen.")[2] == "1.3"


def test_abbreviations_are_one_token(nlp):
    toks = texts(nlp, "Dit gebeurt o.a. i.s.m. de wijken, m.b.t. zorg, bijv. thuis, incl. btw.")
    for abbr in ("o.a.", "i.s.m.", "m.b.t.", "bijv.", "incl."):
        assert abbr in toks, abbr


def test_url_is_one_token(nlp):
    assert "www.geldcheck033.nl" in texts(nlp, "Kijk op www.geldcheck033.nl.")


def test_hashtag_name_is_one_token(nlp):
    assert "Projecten#Indebuurt" in texts(nlp, "de Subsidieregeling Projecten#Indebuurt.")


def test_motion_reference_is_one_token(nlp):
    toks = texts(nlp, "Motie 094M en motie 095M.")
    assert "094M" in toks
    assert "095M" in toks


def test_hyphen_after_capitalised_part_is_split(nlp):
    assert texts(nlp, "het Nibud-onderzoek")[1:] == ["Nibud", "-", "onderzoek"]
    assert texts(nlp, "GGZ-domein")[0] == "GGZ"
    assert texts(nlp, "Wmo-domein")[0] == "Wmo"


def test_lowercase_compounds_stay_together(nlp):
    assert "corona-periode" in texts(nlp, "De corona-periode toont aan")
    assert "jeugd-" in texts(nlp, "het jeugd- en gezinsbeleid")


def test_tokenizer_rules_are_saved_with_the_model():
    """The model folder's tokenizer reproduces the rules without our module's help."""
    plain = spacy.blank("nl").tokenizer.from_disk(DEFAULT_MODEL_PATH / "tokenizer")
    text = "1.1 o.a. www.geldcheck033.nl Projecten#Indebuurt 094M Nibud-onderzoek 2.1.3."
    assert [t.text for t in plain(text)] == [
        "1.1", "o.a.", "www.geldcheck033.nl", "Projecten#Indebuurt", "094M",
        "Nibud", "-", "onderzoek", "2.1.3.",
    ]  # fmt: skip


def test_customize_tokenizer_matches_shipped_tokenizer(nlp):
    custom = customize_tokenizer(spacy.blank("nl"))
    text = "Zie 2.1.3. en o.a. het Wmo-domein (motie 095M.) op www.geldcheck033.nl, bijv. nu."
    assert [t.text for t in custom(text)] == texts(nlp, text)


# --- sentence breaks -----------------------------------------------------------------------


def test_blank_lines_and_headings_break_sentences(nlp):
    text = (
        "2.1 Sociaal Domein\n\nBeleidsdoelen\n\n1. Meer mensen doen mee.\n"
        "1.1 Wij doen o.a. dit. Daarna komt dat\nBuurtnetwerkers helpen."
    )
    sents = [s.text.strip() for s in nlp(text).sents]
    assert sents[0] == "2.1 Sociaal Domein"
    assert sents[1] == "Beleidsdoelen"
    assert sents[2] == "1. Meer mensen doen mee."
    assert sents[3] == "1.1 Wij doen o.a. dit."
    assert sents[4] == "Daarna komt dat"
    assert sents[5] == "Buurtnetwerkers helpen."


def test_sentence_component_registered_for_spacy_load():
    from spacy.language import Language

    assert Language.has_factory("bg_sentence_breaks")


# --- training code smoke test --------------------------------------------------------------


def test_convert_conll2002_and_conllu(tmp_path, convert_module):
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    ner_src = tmp_path / "tiny.conll"
    ner_src.write_text(CONLL2002_FIXTURE, encoding="utf-8")
    n = convert_module.convert(ner_src, tmp_path / "ner.spacy", "ner", n_sents=5)
    assert n == 4
    docs = list(DocBin().from_disk(tmp_path / "ner.spacy").get_docs(Vocab()))
    assert sum(len(list(d.sents)) for d in docs) == 20
    ents = [(e.text, e.label_) for e in docs[0].ents]
    assert ("Jan de Vries", "PER") in ents and ("GGZ Centraal", "ORG") in ents

    ud_src = tmp_path / "tiny.conllu"
    ud_src.write_text(CONLLU_FIXTURE, encoding="utf-8")
    convert_module.convert(ud_src, tmp_path / "ud.spacy", "ud", n_sents=10)
    (doc,) = DocBin().from_disk(tmp_path / "ud.spacy").get_docs(Vocab())
    assert doc[1].lemma_ == "kloosterorde"  # UD compound underscore stripped
    assert doc[2].lemma_ == "meedoen"
    assert doc[6].pos_ == "CCONJ"  # UD v1 CONJ mapped to v2
    assert doc[10].dep_ == "obj"  # UD v1 dobj mapped to v2


def test_training_runs_a_few_steps(tmp_path, convert_module):
    """The joint config trains on a folder holding NER docs and UD docs side by side."""
    from spacy.cli.train import train

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (tmp_path / "tiny.conll").write_text(CONLL2002_FIXTURE, encoding="utf-8")
    (tmp_path / "tiny.conllu").write_text(CONLLU_FIXTURE, encoding="utf-8")
    convert_module.convert(tmp_path / "tiny.conll", corpus / "ner.spacy", "ner", n_sents=2)
    convert_module.convert(tmp_path / "tiny.conllu", corpus / "ud.spacy", "ud", n_sents=1)
    out = tmp_path / "out"
    train(
        TRAINING / "config_joint.cfg",
        out,
        overrides={
            "paths.train": str(corpus),
            "paths.dev": str(corpus),
            "training.max_steps": 6,
            "training.eval_frequency": 3,
            "components.tok2vec.model.encode.width": 32,
            "components.tok2vec.model.embed.rows": [500, 200, 200, 100],
        },
    )
    trained = spacy.load(out / "model-last")
    assert trained.pipe_names == ["tok2vec", "ner", "morphologizer", "trainable_lemmatizer"]
    assert set(trained.get_pipe("ner").labels) == {"PER", "ORG", "LOC", "MISC"}
    assert "POS=CCONJ" in trained.get_pipe("morphologizer").labels
    doc = trained("De gemeente Amersfoort.")
    assert all(t.pos_ for t in doc)


def test_convert_shared_corpus_slice(tmp_path, convert_module):
    """Converts the real CoNLL-2002 dev file when the shared corpora are on this machine."""
    src = SHARED_CORPORA / "conll2002-nl" / "ned.testa"
    if not src.is_file():
        pytest.skip(f"shared corpora not available at {src} (only on the project machine)")
    sents = convert_module.read_conll2002(src)
    assert len(sents) > 2000
    assert {iob[2:] for s in sents for _, _, iob in s if iob != "O"} == {
        "PER", "ORG", "LOC", "MISC",
    }  # fmt: skip
