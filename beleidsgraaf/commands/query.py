"""`beleidsgraaf query`: run a named query, a .rq file or query text, locally or remotely."""

from __future__ import annotations

import argparse

from beleidsgraaf.graph.queries import parse_params, resolve_query
from beleidsgraaf.graph.sparql import (
    RESULT_FORMATS,
    bind_values,
    query_as_text,
    run_remote,
)
from beleidsgraaf.graph.store import opened

from .common import add_store_option, write_output


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "query",
        help="run a SPARQL query (named, from a file, or as text)",
        description="Run a SPARQL SELECT/ASK/CONSTRUCT query against all documents in the "
        "store, or against a SPARQL 1.1 endpoint with --endpoint. The query is the name of a "
        "shipped query (see `beleidsgraaf queries`), a .rq file, or the query text. "
        "SERVICE is refused.",
    )
    p.add_argument("query", metavar="NAME|FILE.rq|SPARQL", help="named query, file or text")
    p.add_argument(
        "-p",
        "--param",
        action="append",
        metavar="KEY=VALUE",
        help="bind a parameter (repeatable), e.g. --param law='Wet inburgering'; "
        "a value in <...> is an IRI",
    )
    add_store_option(p)
    p.add_argument(
        "--endpoint",
        metavar="URL",
        help="run on this SPARQL 1.1 endpoint instead of the local store (its default graph "
        "must be the union of the document graphs)",
    )
    p.add_argument("--format", default="table", choices=RESULT_FORMATS, help="result format")
    p.add_argument("-o", "--output", metavar="FILE", help="write results here (default: stdout)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    query = resolve_query(args.query)
    bindings = query.bindings(parse_params(args.param))
    if args.endpoint:
        output = run_remote(args.endpoint, bind_values(query.text, bindings), args.format)
    else:
        with opened(args.store, read_only=True) as ds:
            output = query_as_text(ds, query.text, bindings, args.format)
    write_output(output, args.output)
    return 0
