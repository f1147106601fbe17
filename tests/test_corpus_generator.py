"""benchmarks/corpus_generator.py: N distinct documents, the same for the same seed, of both
layouts, that the build reads as structured documents of different municipalities."""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

import pytest

from beleidsgraaf.pipeline import build

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import corpus_generator  # noqa: E402


def digest(paths: list[Path]) -> list[str]:
    return [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths]


def test_same_seed_same_files_other_seed_other_files(tmp_path):
    a = corpus_generator.write_corpus(tmp_path / "a", 5, seed=3, tokens=800)
    b = corpus_generator.write_corpus(tmp_path / "b", 5, seed=3, tokens=800)
    c = corpus_generator.write_corpus(tmp_path / "c", 5, seed=4, tokens=800)
    assert [p.name for p in a] == [p.name for p in b] and digest(a) == digest(b)
    assert digest(a) != digest(c)


def test_sizes_follow_the_mean():
    sizes = [len(corpus_generator.document(i, tokens=2000)[1].split()) for i in range(30)]
    assert 1000 <= min(sizes) and max(sizes) <= 3500
    assert 1600 <= sum(sizes) / len(sizes) <= 2400


def test_only_the_projects_own_texts_are_used():
    sources = {p.resolve() for p in corpus_generator.SOURCES.rglob("*.txt")}
    assert sources and all("shared" not in p.parts for p in sources)
    assert all(corpus_generator.SOURCES in p.parents for p in sources)


@pytest.mark.parametrize("n", [8])
def test_n_distinct_documents_that_the_build_reads(n, tmp_path, store_dump):
    paths = corpus_generator.write_corpus(tmp_path / "docs", n, seed=1, tokens=600)
    assert len(paths) == n and len(set(digest(paths))) == n
    municipalities = {p.name.split("-")[0] for p in paths}
    assert len(municipalities) == n
    layouts = {corpus_generator.LAYOUTS[i % 2] for i in range(n)}
    assert layouts == {"numbered", "webpage"}
    results = build(paths, store=tmp_path / "store", entities=False)
    assert [r.status for r in results] == ["ok"] * n, [r.message for r in results]
    for result in results:
        sections, goals, activities = map(
            int, re.findall(r"(\d+) (?:sections|goals|activ)", result.message)
        )
        assert sections and goals and activities, result.message
    graphs = {line.rsplit(" ", 2)[-2] for line in store_dump(tmp_path / "store")}
    assert len(graphs) == n


def _intro_words(text: str) -> int:
    """Words between each 'Inleiding' heading and the goals that follow it (web-page layout)."""
    parts = text.split("\nInleiding\n")[1:]
    return sum(len(p.split("Wat willen we bereiken?")[0].split()) for p in parts)


def test_introductions_take_the_share_of_words_asked_for():
    web = [i for i in range(40) if corpus_generator.LAYOUTS[i % 2] == "webpage"]
    for prose in (0.2, 0.4):
        texts = [corpus_generator.document(i, tokens=3000, prose=prose)[1] for i in web]
        intro = sum(map(_intro_words, texts))
        listed = sum(len(t.split()) for t in texts)
        assert 0.6 * prose <= intro / listed <= prose, (prose, intro / listed)
    plain = corpus_generator.document(web[0], tokens=3000, prose=0)[1]
    assert "\nInleiding\n" not in plain and _intro_words(plain) == 0
