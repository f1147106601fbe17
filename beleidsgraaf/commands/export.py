"""`beleidsgraaf export`: the store as Turtle, TriG, N-Triples, N-Quads, JSON-LD or CSV tables,
and a DCAT-AP description of it for open-data portals."""

from __future__ import annotations

import argparse
from pathlib import Path

from beleidsgraaf.graph.dcat import DISTRIBUTIONS, DcatError, DcatOptions, dcat_description
from beleidsgraaf.graph.export import EXPORT_FORMATS, document_path, serialize, write_csv
from beleidsgraaf.graph.store import document_graphs, opened

from .common import CommandError, add_store_option, console, write_output


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export",
        help="write the graph as RDF, JSON-LD or CSV, and/or a DCAT-AP description",
        description="Serialise every document graph in the store. JSON-LD is compacted with the "
        "published context (ontology/context.jsonld); csv writes activities.csv, entities.csv, "
        "relations.csv and figures.csv (budget figures) into the folder given with -o. --dcat writes a DCAT-AP description "
        "(Turtle) of the dataset and its distributions.",
    )
    add_store_option(p)
    p.add_argument("--format", choices=EXPORT_FORMATS, help="output format")
    p.add_argument(
        "-o", "--output", metavar="FILE|DIR", help="output file (default: stdout); a folder for csv"
    )
    p.add_argument(
        "--per-document",
        action="store_true",
        help="write each document's graph on its own: -o DIR is the folder published at "
        "--access-url, files go to DIR/<municipality>/<document>/graph.ttl (csv/ for csv), where "
        "the DCAT description's per-document distributions point",
    )
    dcat = p.add_argument_group("DCAT-AP description")
    dcat.add_argument(
        "--dcat", metavar="FILE", help="write a DCAT-AP description here ('-': stdout)"
    )
    dcat.add_argument(
        "--access-url",
        metavar="URL",
        help="where the exports are published (a folder URL; default: {base}download/)",
    )
    dcat.add_argument(
        "--licence",
        default="CC0",
        metavar="ID|IRI",
        help="licence: an id of the EU licence table (CC0, CC_BY_4_0, ...) or an IRI (default CC0)",
    )
    dcat.add_argument(
        "--publisher", metavar="IRI", help="publisher (default: the documents' municipality)"
    )
    dcat.add_argument("--contact", metavar="EMAIL", help="contact point e-mail address")
    dcat.add_argument(
        "--distributions",
        default="turtle,trig,jsonld,csv",
        metavar="LIST",
        help=f"formats to list as distributions (default turtle,trig,jsonld,csv; of {','.join(DISTRIBUTIONS)})",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not args.format and not args.dcat:
        raise CommandError("nothing to do: give --format FORMAT and/or --dcat FILE")
    if args.format == "csv" and (not args.output or args.output == "-"):
        raise CommandError("--format csv writes four tables: give a folder with -o DIR")
    if args.per_document and (not args.format or not args.output or args.output == "-"):
        raise CommandError("--per-document needs --format FORMAT and a folder with -o DIR")
    formats = [f.strip() for f in args.distributions.split(",") if f.strip()]
    unknown = [f for f in formats if f not in DISTRIBUTIONS]
    if unknown:
        raise CommandError(f"--distributions: unknown format(s) {', '.join(unknown)}")
    with opened(args.store, read_only=True) as ds:
        if args.per_document:
            for path in _write_per_document(ds, args.format, Path(args.output)):
                console.print(f"wrote {path}")
        elif args.format == "csv":
            for path in write_csv(ds, args.output):
                console.print(f"wrote {path}")
        elif args.format:
            write_output(serialize(ds, args.format), args.output)
            if args.output and args.output != "-":
                console.print(f"wrote {args.output}")
        if args.dcat:
            options = DcatOptions(
                access_url=args.access_url,
                licence=args.licence,
                formats=formats,
                publisher=args.publisher,
                contact_email=args.contact,
            )
            try:
                description = dcat_description(ds, options)
            except DcatError as err:
                raise CommandError(f"--dcat: {err}") from None
            write_output(description.serialize(format="turtle"), args.dcat)
            if args.dcat != "-":
                console.print(f"wrote {args.dcat}")
    return 0


def _write_per_document(ds, fmt: str, folder: Path) -> list[Path]:
    """Each document's named graph in `fmt`, at the path its DCAT distribution names."""
    filename = DISTRIBUTIONS[fmt][0]
    written: list[Path] = []
    for document in document_graphs(ds):
        target = folder / document_path(document) / filename
        if fmt == "csv":
            written += write_csv(ds, target, document=document)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(serialize(ds, fmt, document=document), encoding="utf-8")
            written.append(target)
    return written
