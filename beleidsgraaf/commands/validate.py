"""`beleidsgraaf validate`: check the store against the SHACL shapes of the data contract."""

from __future__ import annotations

import argparse
from pathlib import Path

from rdflib import Graph
from rdflib.plugins.parsers.notation3 import BadSyntax
from rich.console import Console

from beleidsgraaf.graph.store import opened

from .common import CommandError, add_store_option


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "validate",
        help="check the graph against the SHACL shapes of the data contract",
        description="Validate every document graph in the store with pyshacl against "
        "ontology/shapes.ttl (or --shapes FILE). Prints the findings grouped by rule with counts "
        "and example nodes. Exits 0 when the graph conforms (warnings allowed), 1 when not.",
    )
    add_store_option(p)
    p.add_argument("--shapes", metavar="FILE", help="other SHACL shapes (Turtle) to validate with")
    p.add_argument(
        "--examples", type=int, default=3, metavar="N", help="example nodes shown per rule"
    )
    p.set_defaults(func=run)


def _load_shapes(path: str | None) -> Graph | None:
    if path is None:
        return None
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"--shapes {path}: no such file")
    try:
        return Graph().parse(file, format="turtle")
    except (BadSyntax, ValueError) as err:
        raise CommandError(f"--shapes {path}: not valid Turtle ({err})") from None


def run(args: argparse.Namespace) -> int:
    from beleidsgraaf.graph.validate import validate

    shapes = _load_shapes(args.shapes)
    with opened(args.store, read_only=True) as ds:
        report = validate(ds, shapes)
    out = Console(highlight=False, soft_wrap=True)  # the report goes to stdout
    style = "green" if report.conforms else "red"
    lines = report.format(examples=max(args.examples, 0)).split("\n")
    out.print(f"[{style}]{lines[0]}[/{style}]", markup=True)
    for line in lines[1:]:
        out.print(line, markup=False)
    return 0 if report.conforms else 1
