"""How `build` moves documents: one NLP stream in one process, or worker processes
(--n-process), with the store written by one process, one transaction per document, in the given
order. The graphs must be those of building the documents one after the other. (Speed is
measured in benchmarks/bench_throughput.py, never asserted here.)"""

from __future__ import annotations

import os
import random
import re
from pathlib import Path

import pytest
from beleidsgraaf.extract.entities import _FirstWords
from beleidsgraaf.graph.store import StoreError

from beleidsgraaf.pipeline import build

MUNICIPALITIES = ["amersfoort", "utrecht", "zwolle", "leiden", "delft", "breda"]


def variants(sample: Path, folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    text = sample.read_text(encoding="utf-8")
    out = []
    for i in range(n):
        path = folder / f"{MUNICIPALITIES[i % len(MUNICIPALITIES)]}-begroting-{2000 + i}.txt"
        path.write_text(text + f"\nKenmerk {i}.\n", encoding="utf-8")
        out.append(path)
    return out


def dump(store: Path) -> list[str]:
    import pyoxigraph as ox

    raw = ox.Store(str(store))
    try:
        return sorted(raw.dump(format=ox.RdfFormat.N_QUADS).decode("utf-8").splitlines())
    finally:
        del raw


def statuses(results) -> list[tuple[str, str]]:
    return [(r.path.name, r.status) for r in results]


def test_first_word_offsets_are_those_of_the_regular_expression():
    # str.find stands in for re.search only where both give the same offsets: the Kelvin
    # sign, the long s and the Turkish i's match ASCII letters when case is ignored
    rnd = random.Random(7)
    letters = "aAkKsSiIıİſ\u212a éÉ-.(#"
    for _ in range(3000):
        text = "".join(rnd.choice(letters) for _ in range(rnd.randint(0, 40)))
        word = "".join(rnd.choice("aAkKsSiI.(é") for _ in range(rnd.randint(1, 3)))
        for flags in (0, re.IGNORECASE):
            first = re.compile(re.escape(word), flags)
            expected, match = [], first.search(text)
            while match is not None:
                expected.append(match.start())
                match = first.search(text, match.start() + 1)
            assert _FirstWords(text).starts(word, flags) == expected, (text, word, flags)


@pytest.fixture(scope="module")
def four(sample_path: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return variants(sample_path, tmp_path_factory.mktemp("four"), 4)


@pytest.fixture(scope="module")
def one_process_dump(four: list[Path], tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    store = tmp_path_factory.mktemp("one") / "store"
    results = build(four, store=store)
    assert [r.status for r in results] == ["ok"] * 4
    return dump(store)


def test_two_processes_give_the_same_quads_as_one(four, one_process_dump, store_path, store_dump):
    results = build(four, store=store_path, n_process=2)
    assert statuses(results) == [(p.name, "ok") for p in four]  # reported in the given order
    assert store_dump(store_path) == one_process_dump


def test_one_by_one_gives_the_same_quads_as_the_stream(four, one_process_dump, tmp_path):
    store = tmp_path / "store"
    for path in four:
        [result] = build([path], store=store)
        assert result.status == "ok"
    assert dump(store) == one_process_dump


@pytest.mark.parametrize("n_process", [1, 2])
def test_a_failing_document_leaves_the_others(n_process, sample_path, tmp_path, store_dump):
    docs = variants(sample_path, tmp_path / "docs", 3)
    docs[1].write_text("Een tekst zonder doelen of kopjes.\n", encoding="utf-8")
    store = tmp_path / "store"
    results = build(docs, store=store, entities=False, n_process=n_process)
    assert [r.status for r in results] == ["ok", "failed", "ok"]
    assert "no structure found" in results[1].message
    graphs = {line.rsplit(" ", 2)[-2] for line in store_dump(store)}
    assert len(graphs) == 2 and not any("begroting-2001" in g for g in graphs)


@pytest.mark.parametrize("n_process", [1, 2])
def test_duplicates_are_decided_at_each_documents_turn(n_process, sample_path, tmp_path):
    # the second copy is read (and its duplicate check hinted) before the first is written
    docs = variants(sample_path, tmp_path / "docs", 1)
    copy = tmp_path / "docs" / "zwolle-begroting-2000.txt"
    copy.write_bytes(docs[0].read_bytes())
    results = build([docs[0], copy], store=tmp_path / "store", n_process=n_process)
    assert [r.status for r in results] == ["ok", "skipped"]
    assert "same content as" in results[1].message


@pytest.mark.parametrize("n_process", [1, 2])
def test_a_rebuild_that_changes_a_graph_frees_its_old_content(n_process, sample_path, tmp_path):
    # X held content c1; this run rebuilds X with c2, then builds Y with c1: one after the
    # other, Y is no duplicate any more when its turn comes, though it was when it was read
    store = tmp_path / "store"
    [x] = variants(sample_path, tmp_path / "docs", 1)
    assert build([x], store=store, entities=False)[0].status == "ok"
    y = tmp_path / "docs" / "zwolle-begroting-2099.txt"
    y.write_bytes(x.read_bytes())
    x.write_text(x.read_text(encoding="utf-8") + "\nKenmerk c2.\n", encoding="utf-8")
    results = build([x, y], store=store, entities=False, n_process=n_process)
    assert [r.status for r in results] == ["ok", "ok"]


def _dies_on_the_second(path, previous):  # replaces the worker function in forked workers
    if "2001" in Path(path).name:
        os._exit(3)
    from beleidsgraaf import pipeline

    return pipeline._real_worker_job(path, previous)


def test_a_worker_that_dies_stops_the_build_with_whole_documents_only(
    sample_path, tmp_path, monkeypatch, store_dump
):
    from beleidsgraaf import pipeline

    docs = variants(sample_path, tmp_path / "docs", 4)
    store = tmp_path / "store"
    monkeypatch.setattr(pipeline, "_real_worker_job", pipeline._worker_job, raising=False)
    monkeypatch.setattr(pipeline, "_worker_job", _dies_on_the_second)
    with pytest.raises(StoreError, match="worker process stopped"):
        build(docs, store=store, entities=False, n_process=2)
    monkeypatch.undo()
    graphs = {line.rsplit(" ", 2)[-2] for line in store_dump(store)}
    assert len(graphs) <= 1  # only the first can have been written, whole
    results = build(docs, store=store, entities=False, n_process=2)
    assert [r.status for r in results] == ["ok"] * 4
    assert len({line.rsplit(" ", 2)[-2] for line in store_dump(store)}) == 4


@pytest.mark.parametrize("n_process", [1, 2])
def test_skip_stored_passes_over_what_the_store_holds(n_process, sample_path, tmp_path, store_dump):
    # an interrupted run, then a rerun over all: only what is not yet stored is built
    docs = variants(sample_path, tmp_path / "docs", 3)
    store = tmp_path / "store"
    assert build(docs[:1], store=store, entities=False)[0].status == "ok"
    before = store_dump(store)
    results = build(docs, store=store, entities=False, n_process=n_process, skip_stored=True)
    assert [r.status for r in results] == ["skipped", "ok", "ok"]
    assert results[0].message.startswith("already stored as ")
    assert set(before) <= set(store_dump(store))
    again = build(docs[:1], store=store, entities=False)  # without it: built again, as before
    assert again[0].status == "ok"
