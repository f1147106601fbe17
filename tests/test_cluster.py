"""`build --cluster`: Dask workers extract, this process writes. The store must end up as after
a one-process build, also when a worker dies midway or a document raises; the named queries
answer on it as on the one-process store. (Speed: benchmarks/bench_throughput.py --cluster,
never here.)"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

import cloudpickle
import pytest
from beleidsgraaf.graph.queries import list_queries, load_query
from beleidsgraaf.graph.sparql import run_query
from beleidsgraaf.graph.store import opened

from beleidsgraaf import cluster
from beleidsgraaf.pipeline import build

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import corpus_generator  # noqa: E402

distributed = pytest.importorskip("distributed")
cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the plugins below, to workers


def graphs(dump: list[str]) -> list[str]:
    """The named graph of every quad that types a document: one per stored document."""
    return sorted(q.rsplit(" ", 2)[-2] for q in dump if "beleidsgraaf/def#Document>" in q)


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return corpus_generator.write_corpus(tmp_path_factory.mktemp("docs"), 20, seed=5, tokens=500)


@pytest.fixture(scope="module")
def one_process(docs, tmp_path_factory) -> Path:
    store = tmp_path_factory.mktemp("one") / "store"
    assert [r.status for r in build(docs, store=store)] == ["ok"] * len(docs)
    return store


@pytest.fixture(scope="module")
def local_cluster():
    """A LocalCluster of two worker processes, shared by the tests that pass its address."""
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    ) as lc:
        yield lc


@pytest.fixture(scope="module")
def cluster_built(docs, tmp_path_factory, run_cli_module) -> Path:
    """The documents built by the command, on a LocalCluster it starts (`--cluster local:2`)."""
    store = tmp_path_factory.mktemp("cluster") / "store"
    code, out = run_cli_module("build", *docs, "--store", store, "--cluster", "local:2")
    assert code == 0, out
    assert out.count("     ok ") == len(docs), out
    return store


@pytest.fixture(scope="module")
def run_cli_module():
    """The CLI in-process, its console captured (module scope: capsys is per test)."""
    from beleidsgraaf.cli import main
    from beleidsgraaf.commands.common import console

    def run(*args) -> tuple[int, str]:
        with console.capture() as captured:
            code = main([str(a) for a in args])
        return code, captured.get()

    return run


def test_a_local_cluster_gives_the_same_quads_as_one_process(
    cluster_built, one_process, store_dump
):
    quads = store_dump(cluster_built)
    assert quads == store_dump(one_process)
    assert len(graphs(quads)) == 20


def test_the_named_queries_answer_on_a_cluster_built_store_as_on_the_one_process_store(
    cluster_built, one_process
):
    def answers(store: Path) -> dict[str, list]:
        out = {}
        with opened(store, read_only=True) as ds:
            for q in list_queries():
                params = {"search-activities": {"text": "gemeente"}}.get(q.name, {})
                result = run_query(ds, load_query(q.name).text, q.bindings(params))
                out[q.name] = sorted(tuple(str(v) for v in row) for row in result)
        return out

    one, other = answers(one_process), answers(cluster_built)
    assert one == other
    assert sum(bool(rows) for rows in one.values()) >= len(one) // 2  # most have rows here


class DieOnce(distributed.WorkerPlugin):
    """On every worker (also the one started in place of a dead one): the worker process
    exits, without a word, at the start of document `victim`, the first time only."""

    def __init__(self, victim: str, marker: str) -> None:
        self.victim, self.marker = victim, marker

    def setup(self, worker) -> None:
        from beleidsgraaf import pipeline

        real = self.real = pipeline._worker_job
        victim, marker = self.victim, self.marker

        def dying(path, previous):
            if Path(path).name == victim and not os.path.exists(marker):
                Path(marker).write_text(str(os.getpid()))
                os._exit(9)
            return real(path, previous)

        pipeline._worker_job = dying

    def teardown(self, worker) -> None:
        from beleidsgraaf import pipeline

        pipeline._worker_job = self.real


class RaiseOn(distributed.WorkerPlugin):
    """On every worker: document `victim` raises, every time."""

    def __init__(self, victim: str) -> None:
        self.victim = victim

    def setup(self, worker) -> None:
        from beleidsgraaf import pipeline

        real = self.real = pipeline._worker_job
        victim = self.victim

        def raising(path, previous):
            if Path(path).name == victim:
                raise ValueError("an unexpected value\nwith a second line")
            return real(path, previous)

        pipeline._worker_job = raising

    def teardown(self, worker) -> None:
        from beleidsgraaf import pipeline

        pipeline._worker_job = self.real


def test_a_worker_that_dies_midway_still_leaves_every_document_once(
    docs, one_process, local_cluster, tmp_path, store_dump
):
    marker = tmp_path / "died"
    with distributed.Client(local_cluster) as client:
        client.register_plugin(DieOnce(docs[7].name, str(marker)), name="die-once")
        try:
            results = build(
                docs,
                store=tmp_path / "store",
                entities=True,
                cluster=local_cluster.scheduler_address,
            )
        finally:
            client.unregister_worker_plugin("die-once")
    assert marker.exists(), "no worker died"
    assert [(r.path.name, r.status) for r in results] == [(p.name, "ok") for p in docs]
    quads = store_dump(tmp_path / "store")
    assert graphs(quads) == sorted(set(graphs(quads))) and len(graphs(quads)) == len(docs)
    assert quads == store_dump(one_process)


def test_a_document_that_raises_is_reported_and_the_rest_go_on(
    docs, local_cluster, tmp_path, store_dump
):
    with distributed.Client(local_cluster) as client:
        client.register_plugin(RaiseOn(docs[3].name), name="raise-on")
        try:
            results = build(
                docs[:6], store=tmp_path / "store", entities=False,
                cluster=local_cluster.scheduler_address,
            )  # fmt: skip
        finally:
            client.unregister_worker_plugin("raise-on")
    assert [r.status for r in results] == ["ok"] * 3 + ["failed"] + ["ok"] * 2
    assert results[3].message == f"{docs[3].name}: ValueError: an unexpected value"
    assert len(graphs(store_dump(tmp_path / "store"))) == 5


def test_a_rerun_skips_what_is_stored(docs, local_cluster, tmp_path, store_dump):
    store = tmp_path / "store"
    first = build(docs[:4], store=store, entities=False, cluster=local_cluster.scheduler_address)
    assert [r.status for r in first] == ["ok"] * 4
    before = store_dump(store)
    again = build(
        docs[:5], store=store, entities=False, skip_stored=True,
        cluster=local_cluster.scheduler_address,
    )  # fmt: skip
    assert [r.status for r in again] == ["skipped"] * 4 + ["ok"]
    assert "already stored" in again[0].message
    assert len(graphs(store_dump(store))) == 5 and set(before) <= set(store_dump(store))


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("local:0", "expected local:N with N 1 or more"),
        ("somewhere", "expected local:N (N worker processes here) or tcp://host:port"),
    ],
)
def test_a_bad_cluster_address_is_one_line(run_cli, tmp_path, address, message, docs):
    result = run_cli("build", docs[0], "--store", tmp_path / "s", "--cluster", address)
    assert result.code == 2 and message in result.err
    assert "Traceback" not in result.err and len(result.err.strip().splitlines()) == 1


def test_an_unreachable_scheduler_is_one_line(run_cli, tmp_path, docs, free_port, monkeypatch):
    monkeypatch.setattr(cluster, "_CONNECT_TIMEOUT", "2s")
    address = f"tcp://127.0.0.1:{free_port}"
    result = run_cli("build", docs[0], "--store", tmp_path / "s", "--cluster", address)
    assert result.code != 0 and f"cannot reach the Dask scheduler at {address}" in result.err
    assert "Traceback" not in result.err


def test_cluster_and_n_process_are_not_given_together(run_cli, tmp_path, docs):
    args = ("--cluster", "local:2", "--n-process", "2")
    result = run_cli("build", docs[0], "--store", tmp_path / "s", *args)
    assert result.code == 2 and "give one of them" in result.err


def _profiling(dask_worker) -> tuple[bool, int]:
    import dask

    return dask.config.get("distributed.worker.profile.enabled"), len(dask_worker.profile_history)


def test_the_local_cluster_workers_keep_no_profile_of_their_stacks():
    """`--cluster local:N` workers run without Dask's statistical profiler, whose call trees
    made their memory grow through a long build (docs/performance.md), also after a task."""
    from beleidsgraaf import cluster

    with cluster.connected("local:1") as client:
        assert client.submit(time.sleep, 1.2, pure=False).result() is None
        assert list(client.run(_profiling).values()) == [(False, 0)]
