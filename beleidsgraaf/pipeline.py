"""Reader -> structure -> nlp -> triples -> store, for one or many documents.

The only module that joins extract/ and graph/: extract/ hands over an rdflib Graph, graph/
stores it. Each document is its own transaction: one that fails leaves the store as it was.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

from beleidsgraaf.extract.iris import document_iri
from beleidsgraaf.extract.linking import municipality_slugs
from beleidsgraaf.extract.metadata import municipality_from_name, year_from_name
from beleidsgraaf.extract.reader import (
    ReaderError,
    SiteAddress,
    SourceText,
    is_site_address,
    read_document,
)
from beleidsgraaf.extract.structure import parse_structure
from beleidsgraaf.extract.taakvelden import TaakveldError, mapping_for, taakveld_triples
from beleidsgraaf.extract.tree import DocumentTree
from beleidsgraaf.extract.triples import (
    DocumentMeta,
    DocumentTriples,
    document_graph,
    document_triples,
)
from beleidsgraaf.graph.store import (
    GraphData,
    StoreError,
    compact,
    document_graphs,
    find_by_sha256,
    opened,
    raw_store,
    replace_graph,
    serialize_graph,
    worth_compacting,
)
from beleidsgraaf.inflight import in_order

__all__ = ["BuildResult", "extract", "build", "expand_paths", "SUPPORTED_SUFFIXES"]

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = {".txt", ".text", ".md", ".html", ".htm", ".xhtml", ".pdf"}


@dataclass
class BuildResult:
    path: Path
    status: str  # ok | skipped | failed
    message: str = ""
    graph: URIRef | None = None
    triples: int = 0
    warnings: list[str] = field(default_factory=list)


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, and the supported documents inside given folders (sorted); a site
    address (https://...) stays a `SiteAddress` (a str), which the reader crawls.

    Inside folders, hidden files and folders are passed over (editor lock files, macOS '._'
    resource forks, a store kept next to the documents); a file named explicitly is kept
    whatever it is, so that the reader can say what is wrong with it.
    """
    out: list[Path] = []
    for given in paths:
        if isinstance(given, str) and is_site_address(given):  # kept as an address, not a Path
            out.append(given if isinstance(given, SiteAddress) else SiteAddress(given))
            continue
        p = Path(given)
        if not p.is_dir():
            out.append(p)
            continue
        try:
            found = [
                f
                for f in p.rglob("*")
                if f.suffix.lower() in SUPPORTED_SUFFIXES
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
                and f.is_file()
            ]
        except OSError as err:
            raise ReaderError(f"{p}: cannot list the folder ({err.strerror or err})") from None
        out.extend(sorted(found))
    return out


def document_meta(source: SourceText, municipality: str | None, year: int | None) -> DocumentMeta:
    stem = source.name.rsplit(".", 1)[0]
    return DocumentMeta(
        municipality=municipality or municipality_from_name(stem, municipality_slugs()),
        year=year or year_from_name(stem),
    )


def extract(
    source: SourceText,
    meta: DocumentMeta,
    spacy_model: str | None = None,
    entities: bool = True,
    n_process: int = 1,
    tree: DocumentTree | None = None,
) -> tuple[Graph, DocumentTree]:
    """The RDF graph of one document (pure: touches no store)."""
    if tree is None:
        tree = parse_structure(source.text)
    annotations = None
    if entities:
        from beleidsgraaf.extract.entities import annotate

        annotations = annotate(source.text, tree, spacy_model=spacy_model, n_process=n_process)
    return document_graph(source, tree, meta, annotations), tree


def build(
    paths: Iterable[str | Path],
    store: str | Path | None = None,
    municipality: str | None = None,
    year: int | None = None,
    spacy_model: str | None = None,
    entities: bool = True,
    skip_duplicates: bool = True,
    allow_unstructured: bool = False,
    on_result: Callable[[BuildResult], None] | None = None,
    taakvelden: str | Path | None = None,
    n_process: int = 1,
    on_compact: Callable[[], None] | None = None,
    cluster: str | None = None,
    skip_stored: bool = False,
) -> list[BuildResult]:
    """Build each document into its own named graph of the store at `store`.

    Each document is written in its own transaction, in the order given, and nothing of it
    is kept once it is written: memory follows the largest document, not their number. The
    NLP step reads the blocks of all documents as one stream (one `nlp.pipe`, so batches are
    full whatever the size of a document). With `n_process` > 1, documents are read and
    extracted in that many worker processes; this process alone writes the store, each
    document still in one transaction and in the given order. An interrupt (Ctrl-C) between
    or during documents leaves every finished one in the store. When the run wrote a good
    part of the store, it is compacted at the end (faster queries). With `cluster` (`local:N`
    or a Dask scheduler's address, beleidsgraaf/cluster.py) the workers are those of a Dask
    cluster instead, and `n_process` is not used; the store is written here as above. With
    `skip_stored`, a document whose own graph already holds this very content (same sha256) is
    passed over instead of built again: a rerun does only what an interrupted one left.
    """
    options = _Options(
        municipality, year, spacy_model, entities, skip_duplicates, allow_unstructured,
        taakvelden, n_process, skip_stored,
    )  # fmt: skip
    results: list[BuildResult] = []
    files = expand_paths(paths)
    # worker processes are started before the store is opened: they never touch it
    if cluster:
        from beleidsgraaf import cluster as dask_cluster

        workers = dask_cluster.connected(cluster)
    else:
        workers = _workers(options, n_process if len(files) > 1 else 1)
    with workers as pool, opened(store) as ds:
        if cluster:
            stream = _on_cluster(ds, files, options, pool)
        elif pool:
            stream = _parallel(ds, files, options, pool)
        else:
            stream = _stream(ds, files, options)
        for result in stream:
            results.append(result)
            if on_result is not None:
                on_result(result)
        if worth_compacting(sum(r.status == "ok" for r in results), len(document_graphs(ds))):
            if on_compact is not None:
                on_compact()
            compact(ds)
    return results


@dataclass(frozen=True)
class _Options:
    municipality: str | None
    year: int | None
    spacy_model: str | None
    entities: bool
    skip_duplicates: bool
    allow_unstructured: bool
    taakvelden: str | Path | None
    n_process: int
    skip_stored: bool = False

    def passes_over(self, previous: URIRef | None, iri: URIRef | None) -> bool:
        """Whether a document is not built because graph `previous` holds its content:
        another document's (a duplicate), or its own (with `skip_stored`)."""
        if previous is None:
            return False
        return self.skip_duplicates if previous != iri else self.skip_stored


@dataclass
class _Job:
    """One document on its way from the reader to the store."""

    path: Path
    message: str = ""  # set: the document failed (or `failed_early`: before the duplicate check)
    failed_early: bool = False  # unreadable or too long: failed whatever the store holds
    sha256: str = ""
    iri: URIRef | None = None
    maybe_duplicate: bool = False  # the store held its content when it was read: not extracted
    source: SourceText | None = None
    meta: DocumentMeta | None = None
    tree: DocumentTree | None = None
    blocks: list = field(default_factory=list)  # what the NLP step reads (ReadingText)
    findings: object = None  # entities.Findings, filled as the docs of the blocks come
    received: int = 0
    data: GraphData | None = None  # from a worker: the graph, serialised
    summary: str = ""  # sections, goals and activities found, for the report
    note: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.received == len(self.blocks)


def _prepare(path: Path, opt: _Options, previous_of: Callable[[str], URIRef | None]) -> _Job:
    """Read, check and parse one document, and list what the NLP step will read of it.

    `previous_of(sha256)` says which graph already holds this content: a duplicate is then
    not parsed or extracted (the cheap checks come first). That is a hint only: whether the
    document is skipped is decided again against the store when its turn comes to be written
    (`_finish`), so the result is the same as building the documents one after the other."""
    job = _Job(path)
    try:
        source = read_document(path)
        _check_storable(source)
    except (ReaderError, TaakveldError) as err:
        job.message, job.failed_early = str(err), True
        return job
    job.meta = document_meta(source, opt.municipality, opt.year)
    job.sha256, job.iri = source.sha256, document_iri(job.meta.municipality, _stem(source))
    previous = previous_of(source.sha256) if opt.skip_duplicates or opt.skip_stored else None
    if opt.passes_over(previous, job.iri):
        job.maybe_duplicate = True
        return job
    try:
        tree = parse_structure(source.text)
    except (ReaderError, TaakveldError) as err:
        job.message = str(err)
        return job
    if not tree.has_structure and not opt.allow_unstructured:
        job.message = (
            f"{path.name}: no structure found: neither numbered goals ('1. Meer ...') nor "
            "the headings of budget web pages ('Wat willen we bereiken?'); nothing stored. "
            "Use --allow-unstructured to build it anyway, with each paragraph as an activity"
        )
        return job
    job.source, job.tree = source, tree
    if opt.entities:
        from beleidsgraaf.extract.entities import Findings, reading_texts

        job.blocks, job.findings = reading_texts(source.text, tree), Findings(source.text)
    return job


def _stream(ds: Dataset, files: list[Path], opt: _Options) -> Iterator[BuildResult]:
    """The documents in one process: the blocks of all of them through one nlp.pipe."""
    flush = _Flush()

    def previous_of(sha256: str) -> URIRef | None:
        return find_by_sha256(ds, sha256)

    if not opt.entities:
        for path in files:
            yield _finish(ds, _prepare(path, opt, previous_of), opt, flush)
        return
    from beleidsgraaf.extract.entities import _BATCH, pipeline

    nlp = pipeline(opt.spacy_model)
    pending: deque[_Job] = deque()  # read, not yet written; the head is the next to write

    def blocks() -> Iterator[tuple[str, tuple[_Job, object]]]:
        for path in files:
            job = _prepare(path, opt, previous_of)
            pending.append(job)
            for block in job.blocks:
                yield block.text, (job, block)

    for doc, (job, block) in nlp.pipe(blocks(), as_tuples=True, batch_size=_BATCH):
        job.findings.add(block, doc)
        job.received += 1
        while pending and pending[0].complete:
            yield _finish(ds, pending.popleft(), opt, flush)
    while pending:
        yield _finish(ds, pending.popleft(), opt, flush)


class _Flush:
    """Flush RocksDB's write buffers after every FLUSH_BYTES of N-Triples written: without it
    they grow with every document (about 4 MB per sample-sized one) until the store is
    closed, so a long build's memory would follow the store's size. Not after every document:
    each flush writes a small file per index, and the merging of many small files makes
    every later write slower (100 sample-sized documents on one core: 126 ms of CPU per
    document flushing after each, 92 ms after every eight; docs/performance.md)."""

    def __init__(self) -> None:
        self.unflushed = 0

    def written(self, ds: Dataset, size: int) -> None:
        self.unflushed += size
        if self.unflushed >= FLUSH_BYTES:
            raw_store(ds).flush()
            self.unflushed = 0


FLUSH_BYTES = 10 * 2**20  # about eight sample-sized documents


def _finish(ds: Dataset, job: _Job, opt: _Options, flush: _Flush) -> BuildResult:
    """Decide, extract what is left and write one document: its turn in the given order."""
    result = BuildResult(job.path, "failed", job.message)
    if job.failed_early:
        return result
    if opt.skip_duplicates or opt.skip_stored:
        previous = find_by_sha256(ds, job.sha256)
        if opt.passes_over(previous, job.iri):
            result.status = "skipped"
            same = "already stored as" if previous == job.iri else "same content as"
            result.message = f"{same} {previous} (sha256 {job.sha256[:12]}…)"
            return result
    if job.maybe_duplicate:  # it was when it was read, no longer: build it now, on its own
        job = _extracted(_prepare(job.path, opt, lambda sha256: None), opt)
        result.message = job.message
    if job.message:
        return result
    try:
        data = job.data if job.data is not None else _graph_data(job, opt)
    except TaakveldError as err:
        result.message = str(err)
        return result
    try:
        data = data if isinstance(data, GraphData) else serialize_graph(data)
        result.triples = replace_graph(ds, data)
        flush.written(ds, len(data.ntriples))
    except OSError as err:  # disk full, I/O error: the store keeps its previous state
        raise StoreError(f"cannot write {job.path.name} to the store: {err}") from None
    name = data.name if isinstance(data, GraphData) else str(data.identifier)
    result.status, result.graph = "ok", URIRef(name)
    result.warnings = job.warnings
    result.message = f"{job.summary}, {result.triples} triples{job.note}"
    return result


def _graph_data(job: _Job, opt: _Options) -> DocumentTriples | GraphData:
    """The document's triples (annotations from the findings of its blocks, if any), with
    its task fields; sets the summary for the report and frees the text."""
    tree = job.tree
    try:
        annotations = job.findings.annotations(job.blocks) if job.findings is not None else None
        triples = document_triples(job.source, tree, job.meta, annotations)
        triples += taakveld_triples(triples, mapping_for(job.path, opt.taakvelden))  # Iv3
    finally:
        job.source = job.tree = job.findings = None  # the text lives on in the triples
        job.blocks = []
    job.summary = (
        f"{len(tree.sections)} sections, {len(tree.goals)} goals, {len(tree.activities)} activities"
    )
    job.note = "" if tree.has_structure else " (no numbered goals found)"
    job.warnings = tree.warnings
    return triples


def _extracted(job: _Job, opt: _Options) -> _Job:
    """Run the NLP step on one prepared document by itself (not in the stream)."""
    if job.findings is not None and job.blocks:
        from beleidsgraaf.extract.entities import _BATCH, pipeline

        docs = pipeline(opt.spacy_model).pipe((b.text for b in job.blocks), batch_size=_BATCH)
        for block, doc in zip(job.blocks, docs, strict=True):
            job.findings.add(block, doc)
            job.received += 1
    return job


# --- worker processes (--n-process) ----------------------------------------------------------

_WORKER: dict = {}  # in a worker process: its options, and the error its set-up met


@contextmanager
def _workers(opt: _Options, n: int) -> Iterator[ProcessPoolExecutor | None]:
    if n <= 1:
        yield None
        return
    if opt.entities:  # imported here, so that the forked workers need not import spaCy again
        import beleidsgraaf.extract.entities  # noqa: F401
    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(n, mp_context=context, initializer=_worker_init, initargs=(opt,))
    try:
        pool.submit(int).result()  # forks all workers now, before the store is opened
        yield pool
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def _worker_init(opt: _Options) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the writing process
    _WORKER["options"] = opt
    if opt.entities:
        try:
            from beleidsgraaf.extract.entities import pipeline

            pipeline(opt.spacy_model)  # once per worker, before its first document
        except Exception as err:  # noqa: BLE001 - raised with the first document instead
            _WORKER["error"] = err


def _worker_job(path: Path, previous: URIRef | None) -> _Job:
    """In a worker: one document read, extracted and serialised (what `_finish` writes)."""
    if "error" in _WORKER:
        raise _WORKER["error"]
    opt: _Options = _WORKER["options"]
    job = _extracted(_prepare(path, opt, lambda sha256: previous), opt)
    if not job.message and not job.maybe_duplicate and not job.failed_early:
        try:
            triples = _graph_data(job, opt)
            job.data = serialize_graph(triples)
        except TaakveldError as err:
            job.message = str(err)
    return job


def _parallel(
    ds: Dataset, files: list[Path], opt: _Options, pool: ProcessPoolExecutor
) -> Iterator[BuildResult]:
    """Documents extracted in worker processes, written here in the given order."""
    flush = _Flush()
    window = 2 * opt.n_process  # documents in flight: enough to keep every worker busy

    def submit(path: Path):
        return pool.submit(_worker_job, path, _stored_as(ds, path))

    for path, future in in_order(files, submit, window):
        try:
            job = future.result()
        except BrokenProcessPool:
            raise StoreError(
                f"a worker process stopped while building {Path(path).name} (out of memory?); "
                "the documents before it are stored, build again for the rest"
            ) from None
        yield _finish(ds, job, opt, flush)


def _on_cluster(ds: Dataset, files: list[Path], opt: _Options, client) -> Iterator[BuildResult]:
    """Documents extracted on the Dask workers of `client`, written here in the given order."""
    from beleidsgraaf import cluster

    flush = _Flush()
    for path, got in cluster.results(
        client, files, lambda path: (path, _stored_as(ds, path), opt), _cluster_job
    ):
        if isinstance(got, BaseException):  # lost on the way: this document only
            yield BuildResult(Path(path), "failed", _one_line(path, got))
        else:
            yield _finish(ds, got, opt, flush)


def _cluster_job(path: Path, previous: URIRef | None, opt: _Options) -> _Job:
    """On a Dask worker (no initializer there, so the options come along): one document as
    for `--n-process`; an exception becomes its one-line failure, so the build goes on."""
    _WORKER["options"] = opt
    try:
        return _worker_job(path, previous)
    except Exception as err:  # noqa: BLE001 - reported per document, never fatal
        return _Job(Path(path), _one_line(path, err), failed_early=True)


def _one_line(path: Path, err: BaseException) -> str:
    first = (str(err).strip().splitlines() or [""])[0]
    return f"{Path(path).name}: {type(err).__name__}" + (f": {first}" if first else "")


def _stored_as(ds: Dataset, path: Path) -> URIRef | None:
    """The graph that holds a local file's content already (the readers' sha256 is that of
    the file's bytes), so that its worker can pass over a duplicate; None when unknown."""
    if isinstance(path, SiteAddress):
        return None
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    return find_by_sha256(ds, hashlib.sha256(data).hexdigest())


STORE_VALUE_LIMIT = 16 * 1024 * 1024 - 4096
"""Largest document text (bytes) that is built in one piece.

A document's graph is made in memory before it is stored in one transaction (so that a failed
build never leaves half a document); that costs about 60 times the text's size, so a 50 MB
text would need some 3 GB. Above this size, say so before spending minutes on it."""


def _check_storable(source: SourceText) -> None:
    text = source.text
    size = len(text.encode("utf-8")) + sum(text.count(ch) for ch in '\n\r"\\')  # + escapes
    if size > STORE_VALUE_LIMIT:
        raise ReaderError(
            f"{source.name}: the text is {size / 2**20:.0f} MiB; documents up to "
            f"{STORE_VALUE_LIMIT / 2**20:.0f} MiB are built in one piece (one transaction, held in "
            "memory). Split it into parts (e.g. one file per programme) and build those"
        )


def _stem(source: SourceText) -> str:
    return source.name.rsplit(".", 1)[0]
