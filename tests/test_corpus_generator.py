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
