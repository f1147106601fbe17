"""Budget figures as linked data: the finance tables of a document as RDF Data Cube observations.

    numbers.py   Dutch amounts ('12.075', '-/- 1.234', '1.234,5', '€ 55.222', '(1.234)'),
                 glued cells, scale lines ('bedragen x € 1.000'), sign notes
    headers.py   column headers (kind of figure, year, measure) and row labels
    tables.py    tables of figures in the text: pipe rows, spaced rows, glued rows, one value
                 a line; cells with their offsets
    reading.py   what each table says: figures with section or task field, year, kind and
                 measure in euros; what was left out and why
    rdf.py       qb:DataSet / qb:Observation triples with NIF provenance per cell

The one entry point for a build is `figure_triples(text, tree, document)`.
"""

from __future__ import annotations

from rdflib import Literal, URIRef

from ..tree import DocumentTree
from .rdf import reading_triples
from .reading import Figure, Reading, Table, read_figures

__all__ = ["figure_triples", "read_figures", "Figure", "Reading", "Table"]


def figure_triples(
    text: str, tree: DocumentTree, document: URIRef
) -> list[tuple[URIRef, URIRef, URIRef | Literal]]:
    """The observation triples of a document's finance tables. What was left out, and why,
    is added to `tree.warnings` (a build reports those)."""
    reading = read_figures(text, tree)
    tree.warnings.extend(reading.warnings)
    return reading_triples(document, text, reading)
