"""Reader -> structure -> nlp -> triples -> store, for one or many documents.

The only module that joins extract/ and graph/: extract/ hands over an rdflib Graph, graph/
stores it. Each document is its own transaction: one that fails leaves the store as it was.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef

from beleidsgraaf.extract.linking import municipality_slugs
from beleidsgraaf.extract.metadata import municipality_from_name, year_from_name
from beleidsgraaf.extract.reader import ReaderError, SourceText, read_document
from beleidsgraaf.extract.structure import parse_structure
from beleidsgraaf.extract.taakvelden import TaakveldError, mapping_for, taakveld_triples
from beleidsgraaf.extract.tree import DocumentTree
from beleidsgraaf.extract.triples import DocumentMeta, document_graph
from beleidsgraaf.graph.store import find_by_sha256, opened, replace_graph

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
    """Files as given, and the supported documents inside given folders (sorted)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(
                sorted(
                    f
                    for f in p.rglob("*")
                    if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES
                )
            )
        else:
            out.append(p)
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
) -> tuple[Graph, DocumentTree]:
    """The RDF graph of one document (pure: touches no store)."""
    tree = parse_structure(source.text)
    annotations = None
    if entities:
        from beleidsgraaf.extract.entities import annotate

        annotations = annotate(source.text, tree, spacy_model=spacy_model)
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
) -> list[BuildResult]:
    """Build each document into its own named graph of the store at `store`."""
    results: list[BuildResult] = []
    files = expand_paths(paths)
    with opened(store) as ds:
        for path in files:
            result = BuildResult(path, "failed")
            try:
                source = read_document(path)
                meta = document_meta(source, municipality, year)
                graph, tree = extract(source, meta, spacy_model, entities)
                graph += taakveld_triples(graph, mapping_for(path, taakvelden))  # Iv3 task fields
                previous = find_by_sha256(ds, source.sha256) if skip_duplicates else None
                if not tree.has_structure and not allow_unstructured:
                    result.message = (
                        f"{path.name}: no numbered goals found (is this a policy document with "
                        "'1. Meer ...' goals?); nothing stored. Use --allow-unstructured to build "
                        "it anyway, with each paragraph as an activity"
                    )
                elif previous is not None and previous != graph.identifier:
                    result.status = "skipped"
                    result.message = f"same content as {previous} (sha256 {source.sha256[:12]}…)"
                else:
                    result.triples = replace_graph(ds, graph)
                    result.status, result.graph = "ok", URIRef(str(graph.identifier))
                    result.warnings = tree.warnings
                    result.message = (
                        f"{len(tree.sections)} sections, {len(tree.goals)} goals, "
                        f"{len(tree.activities)} activities, {result.triples} triples"
                    )
                    if not tree.has_structure:
                        result.message += " (no numbered goals found)"
            except (ReaderError, TaakveldError) as err:
                result.message = str(err)
            results.append(result)
            if on_result is not None:
                on_result(result)
    return results
