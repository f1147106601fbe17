"""`beleidsgraaf query`: run SPARQL on the store."""

from __future__ import annotations

import argparse

from beleidsgraaf.graph.sparql import RESULT_FORMATS, format_result, read_query_argument, run_query
from beleidsgraaf.graph.store import opened

from .common import add_store_option, write_output


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "query",
        help="run a SPARQL query",
        description="Run a SPARQL SELECT/ASK/CONSTRUCT query (a .rq file or the query text) "
        "against all documents in the store. SERVICE is refused.",
    )
    p.add_argument("query", metavar="FILE.rq|SPARQL", help="query file or query text")
    add_store_option(p)
    p.add_argument("--format", default="table", choices=RESULT_FORMATS, help="result format")
    p.add_argument("-o", "--output", metavar="FILE", help="write results here (default: stdout)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    text = read_query_argument(args.query)
    with opened(args.store, read_only=True) as ds:
        output = format_result(run_query(ds, text), args.format)
    write_output(output, args.output)
    return 0
