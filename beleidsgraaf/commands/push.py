"""`beleidsgraaf push`: copy the documents' graphs to a SPARQL 1.1 server."""

from __future__ import annotations

import argparse

from beleidsgraaf.graph.push import PushError, default_graph_store, push_documents, remote_counts
from beleidsgraaf.graph.store import opened

from .common import CommandError, add_store_option, console


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "push",
        help="send each document's graph to a SPARQL 1.1 server (Graph Store Protocol)",
        description="Send each document's named graph to a SPARQL 1.1 server with the Graph "
        "Store Protocol (HTTP PUT per graph, so pushing again replaces), then check the "
        "triple counts through the query endpoint. Query it with `beleidsgraaf query NAME "
        "--endpoint URL`.",
    )
    add_store_option(p)
    p.add_argument(
        "--endpoint",
        required=True,
        metavar="URL",
        help="the server's SPARQL query endpoint, e.g. http://localhost:7878/query",
    )
    p.add_argument(
        "--graph-store",
        metavar="URL",
        help="its Graph Store Protocol endpoint (default: the endpoint's .../store, as in "
        "Oxigraph; Fuseki: http://host:3030/DATASET/data)",
    )
    p.add_argument("--no-check", action="store_true", help="skip the count check afterwards")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    graph_store = args.graph_store or default_graph_store(args.endpoint)
    with opened(args.store, read_only=True) as ds:
        try:
            pushed = push_documents(
                ds,
                graph_store,
                progress=lambda p: console.print(f"pushed {p.graph} ({p.triples} triples)"),
            )
        except PushError as err:
            raise CommandError(str(err)) from None
    if not pushed:
        raise CommandError("the store holds no documents: build some first")
    if not args.no_check:
        counts = remote_counts(args.endpoint)
        wrong = [p for p in pushed if counts.get(p.graph) != p.triples]
        if wrong:
            raise CommandError(
                "after the push the server holds a different number of triples for "
                + ", ".join(f"{p.graph} ({counts.get(p.graph, 0)} != {p.triples})" for p in wrong)
            )
    console.print(f"{len(pushed)} document graph(s) on {graph_store}")
    return 0
