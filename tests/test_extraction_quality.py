"""Extraction quality floors, measured by the project's own evaluate on gold files.

The sample's gold lives in ../shared/eval; the other documents are short texts in other
municipalities' styles with gold written by hand (tests/data/entities, and tests/data/heldout
heldout2, heldout3 and heldout4, written by people who did not look at the extractor, and
measured once before any rule was changed for them). The floors are the issue's bars; the figures
themselves are printed by `beleidsgraaf evaluate`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from beleidsgraaf.graph.store import opened

from beleidsgraaf.evaluate import evaluate, load_gold
from beleidsgraaf.pipeline import build

DATA = Path(__file__).parent / "data"
OWN = sorted((DATA / "entities").glob("*.gold.json"))
HELDOUT = [
    gold
    for batch in ("heldout", "heldout2", "heldout3", "heldout4")
    for gold in sorted((DATA / batch).glob("*.gold.json"))
]


def scores_for(doc: Path, gold: Path, store: Path) -> dict:
    [result] = build([doc], store=store, skip_duplicates=False, allow_unstructured=True)
    assert result.status == "ok", result.message
    with opened(store, read_only=True) as ds:
        return evaluate(ds, load_gold(gold))


@pytest.fixture(scope="module")
def sample_scores(tmp_path_factory, sample_path, gold_path):
    return scores_for(sample_path, gold_path, tmp_path_factory.mktemp("q") / "store")


@pytest.mark.parametrize(("part", "floor"), [("entities core", 0.90), ("relations", 0.85)])
def test_sample_entities_and_relations_meet_the_bar(sample_scores, part, floor):
    score = sample_scores[part]
    assert score.f1 >= floor, (part, score.f1, score.missed, score.spurious)


@pytest.mark.parametrize("gold", OWN, ids=lambda p: p.name.split(".")[0])
def test_documents_of_other_municipalities(gold, tmp_path):
    doc = gold.with_name(gold.name.replace(".gold.json", ".txt"))
    scores = scores_for(doc, gold, tmp_path / "store")
    assert scores["goals"].f1 == 1.0 and scores["activities"].f1 == 1.0
    assert scores["entities core"].f1 >= 0.85, (
        scores["entities core"].missed,
        scores["entities core"].spurious,
    )
    assert scores["relations"].f1 >= 0.8, (scores["relations"].missed, scores["relations"].spurious)


@pytest.mark.parametrize("gold", HELDOUT, ids=lambda p: p.name.split(".")[0])
def test_heldout_documents_written_blind(gold, tmp_path):
    doc = gold.with_name(gold.name.replace(".gold.json", ".txt"))
    scores = scores_for(doc, gold, tmp_path / "store")
    assert scores["goals"].f1 >= 0.9 and scores["activities"].f1 >= 0.9
    assert scores["entities core"].f1 >= 0.7, (
        scores["entities core"].missed,
        scores["entities core"].spurious,
    )
