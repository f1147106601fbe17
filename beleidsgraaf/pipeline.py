"""Reader -> structure -> nlp -> triples -> store, for one or many documents.

The only module that joins extract/ and graph/: extract/ hands over an rdflib Graph, graph/
stores it. Each document is its own transaction: one that fails leaves the store as it was.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
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
from beleidsgraaf.extract.triples import DocumentMeta, document_graph
from beleidsgraaf.graph.store import (
    StoreError,
    compact,
    document_graphs,
    find_by_sha256,
    opened,
    raw_store,
    replace_graph,
    worth_compacting,
)

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
) -> list[BuildResult]:
    """Build each document into its own named graph of the store at `store`.

    Documents are done one at a time, each in its own transaction, and nothing of one is kept
    in memory while the next is read: memory follows the largest document, not their number.
    An interrupt (Ctrl-C) between or during documents leaves every finished one in the store.
    When the run wrote a good part of the store, it is compacted at the end (faster queries).
    """
    options = _Options(
        municipality, year, spacy_model, entities, skip_duplicates, allow_unstructured,
        taakvelden, n_process,
    )  # fmt: skip
    results: list[BuildResult] = []
    files = expand_paths(paths)
    with opened(store) as ds:
        for path in files:
            result = _build_one(ds, path, options)
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


def _build_one(ds: Dataset, path: Path, opt: _Options) -> BuildResult:
    """Read, extract and store one document; its text and graph are freed on return."""
    result = BuildResult(path, "failed")
    try:
        source = read_document(path)
        _check_storable(source)
        meta = document_meta(source, opt.municipality, opt.year)
        # cheap checks first: a duplicate or an unstructured text never reaches the NLP step
        previous = find_by_sha256(ds, source.sha256) if opt.skip_duplicates else None
        if previous is not None and previous != document_iri(meta.municipality, _stem(source)):
            result.status = "skipped"
            result.message = f"same content as {previous} (sha256 {source.sha256[:12]}…)"
            return result
        tree = parse_structure(source.text)
        if not tree.has_structure and not opt.allow_unstructured:
            result.message = (
                f"{path.name}: no structure found: neither numbered goals ('1. Meer ...') nor "
                "the headings of budget web pages ('Wat willen we bereiken?'); nothing stored. "
                "Use --allow-unstructured to build it anyway, with each paragraph as an activity"
            )
            return result
        graph, tree = extract(source, meta, opt.spacy_model, opt.entities, opt.n_process, tree)
        graph += taakveld_triples(graph, mapping_for(path, opt.taakvelden))  # Iv3 task fields
        del source  # the text lives on in the graph (nif:isString); one copy is enough
        try:
            result.triples = replace_graph(ds, graph)
            # flush RocksDB's write buffers to disk: otherwise they grow with every document
            # (about 4 MB per sample-sized one) and a long build's memory follows the store size
            raw_store(ds).flush()
        except OSError as err:  # disk full, I/O error: the store keeps its previous state
            raise StoreError(f"cannot write {path.name} to the store: {err}") from None
    except (ReaderError, TaakveldError) as err:
        result.message = str(err)
        return result
    result.status, result.graph = "ok", URIRef(str(graph.identifier))
    result.warnings = tree.warnings
    result.message = (
        f"{len(tree.sections)} sections, {len(tree.goals)} goals, "
        f"{len(tree.activities)} activities, {result.triples} triples"
    )
    if not tree.has_structure:
        result.message += " (no numbered goals found)"
    return result


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
