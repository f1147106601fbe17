"""`beleidsgraaf network`: the partner, organisation or law network as HTML, GraphML, GEXF,
PNG or SVG, with a table of its most central nodes."""

from __future__ import annotations

import argparse
from pathlib import Path

from beleidsgraaf.graph.network import (
    KINDS,
    NetworkError,
    build_network,
    filter_network,
    legend_for,
    network_summary,
)
from beleidsgraaf.graph.store import opened

from .common import CommandError, add_store_option, console, write_output

FORMATS = ("html", "graphml", "gexf", "png", "svg")
TITLES = {
    "partners": "Partner network",
    "organisations": "Organisations sharing activities",
    "laws": "Laws, activities, goals and sections",
}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "network",
        help="draw the partner, organisation or law network",
        description="Build a network from the store and write it as an interactive HTML page "
        "(works offline), GraphML or GEXF (Gephi), or a PNG/SVG picture. partners: "
        "organisations and actor groups with their activities and goals; organisations: "
        "organisations linked by shared activities (weighted); laws: laws, the activities that "
        "concern them, their goals and sections.",
    )
    add_store_option(p)
    p.add_argument("--kind", choices=KINDS, default="partners", help="which network")
    p.add_argument(
        "--filter",
        metavar="TEXT",
        help="keep nodes whose name, section, law or organisation contains TEXT, and their "
        "neighbours",
    )
    p.add_argument(
        "--format", choices=FORMATS, help="output format (default: from the file's suffix)"
    )
    p.add_argument("-o", "--output", metavar="FILE", required=True, help="output file")
    p.add_argument("--top", type=int, default=10, metavar="N", help="rows in the printed summary")
    p.set_defaults(func=run)


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return args.format
    suffix = Path(args.output).suffix.lstrip(".").lower()
    if suffix in ("htm", "html"):
        return "html"
    if suffix not in FORMATS:
        raise CommandError(
            f"cannot tell the format from {args.output!r}: use a suffix or --format "
            f"({', '.join(FORMATS)})"
        )
    return suffix


def run(args: argparse.Namespace) -> int:
    from beleidsgraaf.graph.pictures import to_png, to_pyvis, write_gexf, write_graphml

    fmt = _format(args)
    with opened(args.store, read_only=True) as ds:
        try:
            G = build_network(ds, args.kind)
            if args.filter:
                G = filter_network(G, args.filter)
        except NetworkError as err:
            raise CommandError(str(err)) from None
    legend = legend_for(G)
    if fmt == "html":
        write_output(to_pyvis(G, legend, title=TITLES[args.kind]), args.output)
    elif fmt == "graphml":
        write_graphml(G, args.output)
    elif fmt == "gexf":
        write_gexf(G, args.output)
    else:
        try:
            to_png(G, args.output, legend, fmt=fmt)
        except NetworkError as err:
            raise CommandError(str(err)) from None
    _print_summary(G, args.top)
    console.print(f"wrote {args.output}")
    return 0


def _print_summary(G, top: int) -> None:
    from rich.table import Table

    console.print(
        f"{G.number_of_nodes()} nodes, {G.number_of_edges()} edges, "
        f"{G.graph.get('communities', 0)} communities"
    )
    rows = network_summary(G, limit=top)
    if not rows:
        return
    table = Table("name", "kind", "degree", "betweenness", "community")
    for r in rows:
        table.add_row(
            r["name"][:60],
            r["kind"],
            str(r["degree"]),
            f"{r['betweenness']:.3f}",
            str(r["community"]),
        )
    console.print(table)
