"""SPARQL results as pandas DataFrames: from a query to a table to sort, plot and join in one call.

Numbers stay numbers (xsd:integer -> int, xsd:decimal/double -> float, xsd:boolean -> bool),
IRIs and every other literal (names, texts, years as xsd:gYear, dates) become strings, and an
unbound variable is missing (pd.NA). Columns follow the query's SELECT order. Results from a
remote endpoint (SPARQL 1.1 JSON or XML, as `sparql.run_remote` returns them) convert the same
way, so a notebook reads the same table from the local store and from a server.
"""

from __future__ import annotations

import io

import pandas as pd
from rdflib import BNode, Dataset, Literal
from rdflib.namespace import XSD
from rdflib.query import Result
from rdflib.term import Node

from .queries import resolve_query
from .sparql import QueryError, bind_values, run_query, run_remote

__all__ = ["to_dataframe", "query_frame"]

_INTEGERS = {
    XSD.integer, XSD.int, XSD.long, XSD.short, XSD.byte, XSD.nonNegativeInteger,
    XSD.positiveInteger, XSD.nonPositiveInteger, XSD.negativeInteger, XSD.unsignedLong,
    XSD.unsignedInt, XSD.unsignedShort, XSD.unsignedByte,
}  # fmt: skip
_FLOATS = {XSD.decimal, XSD.double, XSD.float}


def _value(term: Node | None) -> object:
    """A plain Python value for one cell."""
    if term is None:
        return None
    if isinstance(term, Literal):
        try:
            if term.datatype in _INTEGERS:
                return int(term)
            if term.datatype in _FLOATS:
                return float(term)
            if term.datatype == XSD.boolean:
                return bool(term.toPython())
        except (TypeError, ValueError):  # an ill-typed literal ("abc"^^xsd:integer) stays text
            return str(term)
        return str(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _parse(data: str | bytes) -> Result:
    """SPARQL 1.1 results in JSON or XML (what a remote endpoint sends back)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fmt = "json" if raw.lstrip()[:1] == b"{" else "xml"
    try:
        return Result.parse(io.BytesIO(raw), format=fmt)
    except Exception as err:  # the parsers raise whatever their backend raises
        raise QueryError(f"cannot read these SPARQL results as {fmt.upper()}: {err}") from None


def to_dataframe(result: Result | str | bytes) -> pd.DataFrame:
    """A SELECT result as one row per solution; ASK as one cell `answer`; CONSTRUCT/DESCRIBE as
    `subject`, `predicate`, `object` rows. Accepts an rdflib Result or SPARQL JSON/XML text."""
    if isinstance(result, str | bytes):
        result = _parse(result)
    if result.type == "ASK":
        return pd.DataFrame({"answer": [bool(result.askAnswer)]})
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        rows = [tuple(map(_value, triple)) for triple in result.graph or ()]
        return pd.DataFrame(rows, columns=["subject", "predicate", "object"]).convert_dtypes()
    columns = [str(v) for v in result.vars or ()]
    rows = [[_value(term) for term in row] for row in result]
    return pd.DataFrame(rows, columns=columns).convert_dtypes()


def query_frame(where: Dataset | str, query: str, **params: str) -> pd.DataFrame:
    """Run a query and return its table, on the local store (a Dataset) or on a SPARQL 1.1
    endpoint (its URL, as `beleidsgraaf query --endpoint URL`).

    `query` is a named query (`beleidsgraaf queries` lists them), a .rq file or SPARQL text;
    `params` bind its parameters as `--param key=value` does (defaults apply, a value in <...>
    is an IRI).
    """
    named = resolve_query(query)
    bindings = named.bindings(params)
    if isinstance(where, str):
        return to_dataframe(run_remote(where, bind_values(named.text, bindings), "json"))
    return to_dataframe(run_query(where, named.text, bindings))
