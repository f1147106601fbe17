"""Scale-out: push the document graphs to a real SPARQL 1.1 server and query them there.

The server is Oxigraph's own (`oxigraph serve`, from the `oxigraph` package in the project's
dependencies), started on a free loopback port for this module and stopped at the end.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from beleidsgraaf.graph.push import default_graph_store, remote_counts
from beleidsgraaf.graph.queries import list_queries
from beleidsgraaf.graph.sparql import format_result, run_query
from beleidsgraaf.graph.store import document_graphs, opened

from beleidsgraaf.pipeline import build


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, oxigraph_server) -> Iterator[str]:
    """A read-write Oxigraph server whose default graph is the union of its named graphs."""
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph-server")) as url:
        yield url


@pytest.fixture(scope="module")
def store(sample_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("push") / "store"
    assert [r.status for r in build([sample_path], store=path, entities=False)] == ["ok"]
    return path


def _csv(text: str) -> list[str]:
    return sorted(text.replace("\r\n", "\n").splitlines())


def test_default_graph_store_follows_oxigraph_layout():
    assert default_graph_store("http://h:7878/query") == "http://h:7878/store"
    assert default_graph_store("http://h/ds/sparql/") == "http://h/ds/store"
    assert default_graph_store("http://h:7878") == "http://h:7878/store"


def test_push_and_remote_query_round_trip(run_cli, server: str, store: Path):
    endpoint = f"{server}/query"
    with opened(store, read_only=True) as ds:
        graphs = document_graphs(ds)
        local = {
            q.name: format_result(run_query(ds, q.text, q.bindings()), "csv")
            for q in list_queries()
        }
        sizes = {
            g: int(
                next(iter(ds.query(f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{g}> {{ ?s ?p ?o }} }}")))[0]
            )
            for g in graphs
        }

    first = run_cli("push", "--store", store, "--endpoint", endpoint)
    assert first.code == 0, first.err
    assert remote_counts(endpoint) == sizes

    again = run_cli("push", "--store", store, "--endpoint", endpoint)  # replaces, no doubles
    assert again.code == 0, again.err
    assert remote_counts(endpoint) == sizes

    for name, expected in local.items():
        got = run_cli("query", name, "--endpoint", endpoint, "--format", "csv")
        assert got.code == 0, (name, got.err)
        assert _csv(got.out) == _csv(expected), name
    assert any(len(_csv(text)) > 1 for text in local.values())

    searched = run_cli(
        "query", "search-activities", "--endpoint", endpoint, "--param", "text=wijkteams"
    )
    assert searched.code == 0 and "wijkteams" in searched.out.lower()


def test_push_to_a_graph_store_that_is_not_there_is_a_clear_error(
    run_cli, store: Path, free_port: int
):
    endpoint = f"http://127.0.0.1:{free_port}/query"
    got = run_cli("push", "--store", store, "--endpoint", endpoint)
    assert got.code != 0 and "cannot reach the graph store" in got.err
    assert "Traceback" not in got.err


def test_remote_query_of_an_unreachable_endpoint_is_a_clear_error(run_cli, free_port: int):
    got = run_cli("query", "documents", "--endpoint", f"http://127.0.0.1:{free_port}/query")
    assert got.code != 0 and "cannot reach the endpoint" in got.err


def test_push_of_an_empty_store_says_so(run_cli, server: str, tmp_path: Path):
    with opened(tmp_path / "empty"):
        pass
    got = run_cli("push", "--store", tmp_path / "empty", "--endpoint", f"{server}/query")
    assert got.code != 0 and "no documents" in got.err
