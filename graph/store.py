"""The embedded on-disk store: Oxigraph (RocksDB) behind rdflib's Dataset API.

Chosen for speed (see docs/performance.md); this module is the only place that knows the
backend. Everything else gets an `rdflib.Dataset`. One named graph per document; replacing a
document's graph happens in a single Oxigraph transaction, so a reader never sees half a
document and a failed build leaves the previous version in place.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.plugins.serializers.nt import _quoteLiteral

__all__ = [
    "StoreError",
    "StoreLockedError",
    "default_store_path",
    "open_dataset",
    "opened",
    "replace_graph",
    "GraphData",
    "serialize_graph",
    "document_graphs",
    "find_by_sha256",
    "raw_store",
    "compact",
    "worth_compacting",
]

_TMP_GRAPH = "urn:beleidsgraaf:tmp:"
_BIG_LITERAL = 4 * 1024 * 1024  # characters; Oxigraph's parser stops at 16 MiB per value


class StoreError(RuntimeError):
    """The store cannot be opened or written; the message says why, for the user."""


class StoreLockedError(StoreError):
    pass


def default_store_path() -> Path:
    """`$BELEIDSGRAAF_STORE`, else `./.beleidsgraaf/store` in the working directory."""
    env = os.environ.get("BELEIDSGRAAF_STORE")
    return Path(env) if env else Path.cwd() / ".beleidsgraaf" / "store"


def _open_ox(path: Path, read_only: bool) -> ox.Store:
    if path.exists() and not path.is_dir():
        raise StoreError(f"{path} is a file, not a store folder")
    if not read_only and path.is_dir() and any(path.iterdir()) and not (path / "CURRENT").exists():
        raise StoreError(
            f"{path} is a folder with other files in it, not a beleidsgraaf store; "
            "give --store an empty or new folder"
        )
    try:
        if read_only:
            if not path.exists():
                raise StoreError(f"no store at {path}: build a document first (beleidsgraaf build)")
            return ox.Store.read_only(str(path))
        path.mkdir(parents=True, exist_ok=True)
        return ox.Store(str(path))
    except (OSError, RuntimeError) as err:  # RocksDB reports damage as RuntimeError
        message = str(err)
        if message.startswith("Corruption"):
            message += " (the store is damaged: move the folder aside and build again)"
        if "lock" in message.lower():
            raise StoreLockedError(
                f"the store at {path} is in use by another process (locked); wait for it to "
                "finish or use another --store"
            ) from None
        raise StoreError(f"cannot open the store at {path}: {message}") from None


def raw_store(dataset: Dataset) -> ox.Store:
    """The Oxigraph store under a dataset opened here (for bulk and transactional work)."""
    return dataset.store._inner  # noqa: SLF001 - oxrdflib exposes no public accessor


def open_dataset(path: str | Path | None = None, read_only: bool = False) -> Dataset:
    """Open (creating if needed) the store at `path` as an rdflib Dataset."""
    path = Path(path) if path is not None else default_store_path()
    store = _open_ox(path, read_only)
    if not read_only:
        for name in list(store.named_graphs()):
            if isinstance(name, ox.NamedNode) and name.value.startswith(_TMP_GRAPH):
                store.remove_graph(name)  # left over by an interrupted build
    ds = Dataset(store=OxigraphStore(store=store))
    ds.default_union = True
    return ds


@contextmanager
def opened(path: str | Path | None = None, read_only: bool = False) -> Iterator[Dataset]:
    ds = open_dataset(path, read_only)
    try:
        yield ds
    finally:
        if not read_only:
            raw_store(ds).flush()
        ds.close()


@dataclass
class GraphData:
    """A document's graph serialised for the store (N-Triples, as rdflib writes them): what a
    build hands over, from this process or from a worker process (it pickles small)."""

    name: str
    ntriples: bytes
    count: int
    big: list[tuple] = field(default_factory=list)  # (s, p, o) whose literal is too long to parse


def serialize_graph(graph: Graph | Iterable, name: str | None = None) -> GraphData:
    """The triples of `graph` (an rdflib Graph, or any iterable of triples with an
    `identifier`) as N-Triples; literals over Oxigraph's parser limit are kept aside."""
    n3: dict = {}  # IRIs repeat (every mention names its document, predicates everywhere)
    lines: list[str] = []
    big: list[tuple] = []
    for s, p, o in graph:
        if isinstance(o, Literal):
            if len(o) > _BIG_LITERAL:
                big.append((s, p, o))
                continue
            obj = _quoteLiteral(o)
        else:
            obj = n3.get(o) or n3.setdefault(o, o.n3())
        subj = n3.get(s) or n3.setdefault(s, s.n3())
        pred = n3.get(p) or n3.setdefault(p, p.n3())
        lines.append(f"{subj} {pred} {obj} .\n")
    data = "".join(lines).encode("utf-8")
    return GraphData(str(name or graph.identifier), data, len(lines) + len(big), big)


def replace_graph(dataset: Dataset, graph: Graph | GraphData | Iterable) -> int:
    """Put `graph` into the store as the named graph `graph.identifier`, replacing what was
    there, atomically (one transaction). Returns the number of triples written.

    A new graph is loaded straight into its name (one load is one transaction). An existing
    one is loaded into a temporary graph first, then one update drops the old graph and
    moves the new one in; that move copies every quad, so it is kept for rebuilds."""
    data = graph if isinstance(graph, GraphData) else serialize_graph(graph)
    store = raw_store(dataset)
    name = ox.NamedNode(data.name)
    if not data.big and next(iter(store.quads_for_pattern(None, None, None, name)), None) is None:
        store.load(data.ntriples, format=ox.RdfFormat.N_TRIPLES, to_graph=name)
        return data.count
    tmp = ox.NamedNode(f"{_TMP_GRAPH}{uuid.uuid4()}")
    # Oxigraph's parser takes no single value over 16 MiB; a long document's full text
    # (nif:isString) is such a value, so large literals go in directly, the rest is parsed.
    store.load(data.ntriples, format=ox.RdfFormat.N_TRIPLES, to_graph=tmp)
    for s, p, o in data.big:
        literal = (
            ox.Literal(str(o), language=o.language)
            if o.language
            else ox.Literal(str(o), datatype=ox.NamedNode(str(o.datatype)) if o.datatype else None)
        )
        store.add(ox.Quad(ox.NamedNode(str(s)), ox.NamedNode(str(p)), literal, tmp))
    # One update request is one transaction in Oxigraph: drop + move happen together.
    store.update(f"DROP SILENT GRAPH <{name.value}> ; MOVE SILENT <{tmp.value}> TO <{name.value}>")
    return data.count


def compact(dataset: Dataset) -> None:
    """Merge RocksDB's files after writing: queries on a compacted store run about 1.3x
    faster (1M triples, docs/performance.md), at a cost of about 4 s per million triples."""
    raw_store(dataset).optimize()


def worth_compacting(written: int, graphs: int) -> bool:
    """After a run that wrote at least a tenth of the store's document graphs (a folder into
    a new store): yes. After one document into a large store: no - a full compaction would
    cost seconds per million triples each time, and RocksDB compacts in the background."""
    return written > 0 and written * 10 >= graphs


def document_graphs(dataset: Dataset) -> list[URIRef]:
    """Named graphs that hold a document."""
    rows = dataset.query(
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?d a <https://w3id.org/beleidsgraaf/def#Document> } }"
        " ORDER BY ?g"
    )
    return [row[0] for row in rows]


def find_by_sha256(dataset: Dataset, sha256: str) -> URIRef | None:
    """The named graph already built from a file with this content hash, if any."""
    # list(): a half-read result keeps the Oxigraph store (and its lock) alive after close
    rows = list(
        dataset.query(
            "SELECT ?g WHERE { GRAPH ?g { ?d <https://w3id.org/beleidsgraaf/def#sha256> "
            f"{Literal(sha256).n3()} }} }} LIMIT 1"
        )
    )
    return rows[0][0] if rows else None
