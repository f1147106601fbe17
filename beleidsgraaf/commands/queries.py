"""`beleidsgraaf queries`: list the named queries and what they answer."""

from __future__ import annotations

import argparse

from beleidsgraaf.graph.queries import list_queries, load_query

from .common import write_output


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "queries",
        help="list the named SPARQL queries",
        description="List the shipped named queries (queries/*.rq) with the question each "
        "answers and its parameters; with a NAME, show that query in full.",
    )
    p.add_argument("name", nargs="?", metavar="NAME", help="show this query's text")
    p.add_argument("--names", action="store_true", help="only the names, one a line")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.name:
        write_output(load_query(args.name).text, None)
        return 0
    queries = list_queries()
    if args.names:
        write_output("\n".join(q.name for q in queries), None)
        return 0
    lines = []
    for q in queries:
        lines.append(f"{q.name}: {q.title}")
        lines.append(f"    {q.question}")
        for p in q.params:
            default = f' (default "{p.default}")' if p.default is not None else " (optional)"
            lines.append(f"    --param {p.name}=...{default}  {p.description}")
    lines.append(f"\n{len(queries)} queries; run one with: beleidsgraaf query NAME [--param k=v]")
    write_output("\n".join(lines), None)
    return 0
