"""Scale-out: copy each document's named graph to a SPARQL 1.1 server.

Uses the SPARQL 1.1 Graph Store HTTP Protocol: one `PUT ?graph=<document IRI>` per document,
which replaces that graph on the server, so pushing again after a rebuild leaves exactly one
copy. Works with Oxigraph server (`/store`), Apache Jena Fuseki (`/DATASET/data`), GraphDB
(`/repositories/ID/rdf-graphs/service`) and others that implement the protocol.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import pyoxigraph as ox
from rdflib import Dataset, URIRef

from .sparql import QueryError
from .store import document_graphs, raw_store

__all__ = ["PushError", "Pushed", "default_graph_store", "push_documents", "remote_counts"]


class PushError(RuntimeError):
    """The server refused a graph or cannot be reached; the message says which and why."""


@dataclass(frozen=True)
class Pushed:
    graph: URIRef
    triples: int
    status: int


def default_graph_store(endpoint: str) -> str:
    """Oxigraph's layout: the query endpoint `.../query` has its graph store at `.../store`."""
    parts = urlsplit(endpoint)
    path = parts.path.rstrip("/")
    head, _, last = path.rpartition("/")
    path = f"{head}/store" if last in ("query", "sparql") else f"{path}/store"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def push_documents(
    dataset: Dataset,
    graph_store: str,
    graphs: list[URIRef] | None = None,
    timeout: float = 120.0,
    progress: Callable[[Pushed], None] | None = None,
) -> list[Pushed]:
    """PUT every document graph (or the given ones) to the graph store; returns what was sent."""
    import requests

    store = raw_store(dataset)
    names = graphs if graphs is not None else document_graphs(dataset)
    done = []
    with requests.Session() as session:
        for name in names:
            data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(str(name)))
            try:
                response = session.put(
                    graph_store,
                    params={"graph": str(name)},
                    data=data,
                    headers={"Content-Type": "application/n-triples"},
                    timeout=timeout,
                )
            except requests.RequestException as err:
                raise PushError(f"cannot reach the graph store {graph_store}: {err}") from None
            if response.status_code not in (200, 201, 204):
                raise PushError(
                    f"the graph store {graph_store} refused {name}: {response.status_code} "
                    f"{response.text.strip()[:300]}"
                )
            item = Pushed(name, data.count(b"\n"), response.status_code)
            done.append(item)
            if progress:
                progress(item)
    return done


def remote_counts(endpoint: str, timeout: float = 60.0) -> dict[URIRef, int]:
    """Triples per named graph on a SPARQL endpoint (to check a push)."""
    import requests

    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    try:
        response = requests.post(
            endpoint,
            data={"query": query},
            headers={"Accept": "application/sparql-results+json"},
            timeout=timeout,
        )
    except requests.RequestException as err:
        raise QueryError(f"cannot reach the endpoint {endpoint}: {err}") from None
    if response.status_code != 200:
        raise QueryError(f"the endpoint {endpoint} answered {response.status_code}")
    rows = response.json()["results"]["bindings"]
    return {URIRef(row["g"]["value"]): int(row["n"]["value"]) for row in rows}
