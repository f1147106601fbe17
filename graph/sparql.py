"""Run SPARQL on the store and write results in the SPARQL 1.1 result formats."""

from __future__ import annotations

import io
import re
from pathlib import Path

from pyparsing import ParseException, ParseResults
from rdflib import Dataset, Graph
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.query import Result
from rdflib.term import Identifier

__all__ = [
    "QueryError",
    "bind_values",
    "check_query",
    "run_query",
    "query_as_text",
    "format_result",
    "read_query_argument",
    "run_remote",
    "ACCEPT",
]

RESULT_FORMATS = ("table", "csv", "tsv", "json", "xml")

# Media types of the SPARQL 1.1 results formats (and Turtle for CONSTRUCT/DESCRIBE).
ACCEPT = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}


class QueryError(ValueError):
    """The query is malformed or not allowed; the message says where and why."""


def _walk(node):
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list | tuple | ParseResults):
        for value in node:
            yield from _walk(value)


def check_query(text: str) -> str:
    """Refuse what must not run here: unparsable queries and SERVICE (no outside fetches).
    Returns the query form: 'SelectQuery', 'AskQuery', 'ConstructQuery' or 'DescribeQuery'."""
    try:
        parsed = parseQuery(text)
    except ParseException as err:
        raise QueryError(
            f"malformed SPARQL at line {err.lineno}, column {err.col}: {err.msg}\n  {err.line}"
        ) from None
    for node in _walk(parsed):
        if getattr(node, "name", None) == "ServiceGraphPattern":
            raise QueryError("SERVICE is not allowed: beleidsgraaf never queries other endpoints")
    return parsed[-1].name


def read_query_argument(arg: str) -> str:
    """A query given as a path to a .rq file, or as the query text itself."""
    if arg.endswith((".rq", ".sparql")) or (
        len(arg) < 256 and "\n" not in arg and Path(arg).is_file()
    ):
        path = Path(arg)
        if not path.is_file():
            raise QueryError(f"{arg}: no such query file")
        return path.read_text(encoding="utf-8")
    return arg


_WHERE_BRACE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def bind_values(text: str, bindings: dict[str, Identifier] | None) -> str:
    """Bind variables safely: a VALUES block (terms written by rdflib's N3 serialiser) placed
    first inside the WHERE clause, so the bound variable is in scope everywhere.

    (Oxigraph only substitutes variables that are projected, so initBindings would not do.)
    """
    if not bindings:
        return text
    # Blank out whole-line comments with spaces of the same length, so that offsets found in
    # `stripped` are offsets in `text` (a header comment may well say "where").
    stripped = "".join(
        re.sub(r"[^\n]", " ", ln) if ln.lstrip().startswith("#") else ln
        for ln in text.splitlines(keepends=True)
    )
    match = _WHERE_BRACE.search(stripped)
    brace = match.end() if match else stripped.find("{") + 1
    if brace <= 0:
        raise QueryError("cannot bind parameters: the query has no WHERE clause")
    block = " ".join(f"VALUES ?{name} {{ {term.n3()} }}" for name, term in bindings.items())
    return text[:brace] + f" {block} " + text[brace:]


def run_query(ds: Dataset, text: str, bindings: dict[str, Identifier] | None = None) -> Result:
    check_query(text)
    text = bind_values(text, bindings)
    try:
        return ds.query(text)
    except SyntaxError as err:  # pyoxigraph reports query errors as SyntaxError
        raise QueryError(f"malformed SPARQL: {err}") from None


_SOLUTION_FORMS = {"SelectQuery", "AskQuery"}


def query_as_text(ds: Dataset, text: str, bindings: dict[str, Identifier] | None, fmt: str) -> str:
    """Run a SELECT/ASK and write it in `fmt` with Oxigraph's own result writers when the
    store is Oxigraph: at national scale, turning every term into an rdflib term costs more
    than the query itself (measured in docs/performance.md). CONSTRUCT/DESCRIBE and other
    stores take the rdflib way (`run_query` + `format_result`)."""
    import pyoxigraph as ox
    from oxrdflib import OxigraphStore

    from .store import raw_store

    if not isinstance(ds.store, OxigraphStore) or check_query(text) not in _SOLUTION_FORMS:
        return format_result(run_query(ds, text, bindings), fmt)
    try:
        result = raw_store(ds).query(bind_values(text, bindings), use_default_graph_as_union=True)
    except SyntaxError as err:  # pyoxigraph reports query errors as SyntaxError
        raise QueryError(f"malformed SPARQL: {err}") from None
    if fmt != "table":
        return result.serialize(format=getattr(ox.QueryResultsFormat, fmt.upper())).decode()
    if isinstance(result, ox.QueryBoolean):
        return "true" if bool(result) else "false"
    columns = [v.value for v in result.variables]
    return _draw_table(columns, ([None if t is None else t.value for t in row] for row in result))


def format_result(result: Result, fmt: str) -> str:
    """SELECT/ASK as table/csv/tsv/json/xml; CONSTRUCT/DESCRIBE as Turtle."""
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        g = result.graph if isinstance(result.graph, Graph) else Graph()
        return g.serialize(format="turtle")
    if fmt == "table":
        return _table(result)
    if fmt == "tsv":  # rdflib has a TSV parser but no serialiser
        return _tsv(result)
    buf = io.BytesIO()
    result.serialize(destination=buf, format=fmt, encoding="utf-8")
    return buf.getvalue().decode("utf-8")


def _table(result: Result) -> str:
    if result.type == "ASK":
        return "true" if result.askAnswer else "false"
    rows = ([None if value is None else str(value) for value in row] for row in result)
    return _draw_table([str(v) for v in result.vars], rows)


def _draw_table(columns: list[str], rows) -> str:
    from rich.console import Console
    from rich.table import Table

    table = Table(*columns, show_lines=False)
    count = 0
    for row in rows:
        table.add_row(*["" if value is None else value for value in row])
        count += 1
    console = Console(file=io.StringIO(), width=200, highlight=False)
    console.print(table)
    console.print(f"{count} row{'s' if count != 1 else ''}")
    return console.file.getvalue()


def _tsv(result: Result) -> str:
    """SPARQL 1.1 TSV: a header of ?vars, then terms in N-Triples syntax, tab-separated."""
    if result.type == "ASK":
        return "true\n" if result.askAnswer else "false\n"
    lines = ["\t".join(f"?{v}" for v in result.vars)]
    for row in result:
        lines.append("\t".join("" if value is None else value.n3() for value in row))
    return "\n".join(lines) + "\n"


def run_remote(endpoint: str, text: str, fmt: str, timeout: float = 60.0) -> str:
    """Run a query on a SPARQL 1.1 Protocol endpoint (POST, form-encoded) and return it in
    `fmt`; `table` asks for JSON and draws it here. CONSTRUCT/DESCRIBE come back as Turtle."""
    import requests
    from rdflib.query import Result as ParsedResult

    check_query(text)
    accept = ACCEPT["json" if fmt == "table" else fmt]
    accept += ", text/turtle;q=0.9, application/n-triples;q=0.8"
    try:
        response = requests.post(
            endpoint, data={"query": text}, headers={"Accept": accept}, timeout=timeout
        )
    except requests.RequestException as err:
        raise QueryError(f"cannot reach the endpoint {endpoint}: {err}") from None
    if response.status_code != 200:
        raise QueryError(
            f"the endpoint {endpoint} answered {response.status_code}: {response.text.strip()[:500]}"
        )
    media = response.headers.get("Content-Type", "").split(";")[0].strip()
    if fmt != "table" or "turtle" in media or "n-triples" in media:
        return response.content.decode("utf-8")
    return _table(ParsedResult.parse(io.BytesIO(response.content), format="json"))
