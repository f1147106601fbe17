"""`beleidsgraaf export`: the store as Turtle, TriG, N-Triples, N-Quads or JSON-LD."""

from __future__ import annotations

import argparse

from beleidsgraaf.graph.export import RDF_FORMATS, serialize
from beleidsgraaf.graph.store import opened

from .common import add_store_option, console, write_output


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export",
        help="write the graph in an RDF format",
        description="Serialise every document graph in the store.",
    )
    add_store_option(p)
    p.add_argument("--format", required=True, choices=sorted(RDF_FORMATS), help="output format")
    p.add_argument("-o", "--output", metavar="FILE", help="output file (default: stdout)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with opened(args.store, read_only=True) as ds:
        text = serialize(ds, args.format)
    write_output(text, args.output)
    if args.output:
        console.print(f"wrote {args.output}")
    return 0
