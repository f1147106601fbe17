"""The store contract: stable IRIs, one named graph per document, rebuilds replace, failures
leave the store as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from beleidsgraaf.extract.reader import read_document
from beleidsgraaf.graph import store as store_mod
from beleidsgraaf.graph.store import StoreError, document_graphs, opened
from rdflib.compare import isomorphic

from beleidsgraaf.pipeline import build, document_meta, extract


def build_ok(paths: list[Path], store: Path) -> None:
    results = build(paths, store=store, entities=False)
    assert [r.status for r in results] == ["ok"] * len(paths), [r.message for r in results]


def test_same_input_gives_the_same_iris_and_isomorphic_graphs(sample_path: Path):
    source = read_document(sample_path)
    meta = document_meta(source, None, None)
    first, _ = extract(source, meta, entities=False)
    second, _ = extract(read_document(sample_path), meta, entities=False)
    assert first.identifier == second.identifier
    assert set(first.all_nodes()) == set(second.all_nodes())
    assert isomorphic(first, second)


def test_two_runs_into_two_stores_give_identical_quads(
    sample_path: Path, tmp_path: Path, store_dump
):
    build_ok([sample_path], tmp_path / "a")
    build_ok([sample_path], tmp_path / "b")
    a, b = store_dump(tmp_path / "a"), store_dump(tmp_path / "b")
    assert a and a == b


def test_rebuild_replaces_the_named_graph(sample_path: Path, store_path: Path, store_dump):
    build_ok([sample_path], store_path)
    before = store_dump(store_path)
    build_ok([sample_path], store_path)
    after = store_dump(store_path)
    assert len(after) == len(before)
    assert after == before
    with opened(store_path, read_only=True) as ds:
        assert len(document_graphs(ds)) == 1


def test_rebuild_of_changed_text_replaces_old_triples(
    sample_path: Path, tmp_path: Path, store_path: Path
):
    doc = tmp_path / "vlietmond-begroting-2022.txt"
    doc.write_text("1.1 Groen\n\n1. Meer bomen.\n\n1.1 We planten eiken.\n", encoding="utf-8")
    build_ok([doc], store_path)
    doc.write_text("1.1 Groen\n\n1. Meer bomen.\n\n1.1 We planten beuken.\n", encoding="utf-8")
    build_ok([doc], store_path)
    with opened(store_path, read_only=True) as ds:
        labels = {str(o) for o in ds.objects(None, None) if "planten" in str(o)}
        assert len(document_graphs(ds)) == 1
    assert any("beuken" in label for label in labels)
    assert not any("eiken" in label for label in labels)


def test_documents_get_one_named_graph_each(sample_path: Path, tmp_path: Path, store_path: Path):
    other = tmp_path / "vlietmond-programmabegroting-2021.txt"
    other.write_text("2.1 Zorg\n\n1. Meer hulp.\n\n1.1 We openen een loket.\n", encoding="utf-8")
    build_ok([sample_path, other], store_path)
    with opened(store_path, read_only=True) as ds:
        graphs = document_graphs(ds)
    assert len(graphs) == 2
    assert any(str(g).endswith("/vlietmond-programmabegroting-2021") for g in graphs)


class _FailingUpdates:
    """Wraps an Oxigraph store so that the update that swaps the graph in fails."""

    def __init__(self, inner: ox.Store) -> None:
        self._inner = inner

    def __getattr__(self, name: str):
        return getattr(self._inner, name)

    def update(self, *args, **kwargs):
        raise OSError("simulated disk failure during the swap")


def test_failed_write_leaves_the_store_as_it_was(
    sample_path: Path, tmp_path: Path, store_path: Path, store_dump, monkeypatch
):
    build_ok([sample_path], store_path)
    before = store_dump(store_path)
    changed = tmp_path / sample_path.name
    shutil.copy(sample_path, changed)
    with changed.open("a", encoding="utf-8") as fh:
        fh.write("\n9. Meer extra doelen.\n\n9.1 Een extra activiteit.\n")

    real_raw_store = store_mod.raw_store
    monkeypatch.setattr(store_mod, "raw_store", lambda ds: _FailingUpdates(real_raw_store(ds)))
    with pytest.raises(StoreError, match="cannot write .* simulated disk failure"):
        build([changed], store=store_path, entities=False)
    monkeypatch.undo()

    # the half-loaded temporary graph is dropped when the store is next opened for writing
    with opened(store_path):
        pass
    assert store_dump(store_path) == before


def test_stale_temporary_graphs_are_dropped_on_open(store_path: Path, store_dump):
    raw = ox.Store(str(store_path))
    tmp = ox.NamedNode("urn:beleidsgraaf:tmp:left-over")
    raw.add(ox.Quad(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.Literal("o"), tmp))
    raw.flush()
    del raw
    assert store_dump(store_path)
    with opened(store_path):
        pass
    assert store_dump(store_path) == []


def test_read_only_open_of_a_missing_store_is_a_clear_error(tmp_path: Path):
    with pytest.raises(StoreError, match="no store at"):
        with opened(tmp_path / "nowhere", read_only=True):
            pass
    assert not (tmp_path / "nowhere").exists()


def test_build_compacts_the_store_only_after_writing(
    sample_path: Path, store_path: Path, store_dump
):
    calls: list[str] = []
    results = build(
        [sample_path], store=store_path, entities=False, on_compact=lambda: calls.append("x")
    )
    assert [r.status for r in results] == ["ok"] and calls == ["x"]
    before = store_dump(store_path)
    empty = store_path.parent / "leeg.txt"
    empty.write_text("", encoding="utf-8")
    results = build([empty], store=store_path, entities=False, on_compact=lambda: calls.append("y"))
    assert [r.status for r in results] == ["failed"] and calls == ["x"]
    assert store_dump(store_path) == before


@pytest.mark.parametrize(
    ("written", "graphs", "expected"),
    [(0, 0, False), (1, 1, True), (12, 100, True), (1, 11, False), (1, 1000, False)],
)
def test_compaction_only_when_the_run_wrote_a_good_part_of_the_store(written, graphs, expected):
    assert store_mod.worth_compacting(written, graphs) is expected
