"""`beleidsgraaf build PATH...`: documents into the store, one named graph each."""

from __future__ import annotations

import argparse

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from beleidsgraaf.pipeline import BuildResult, build, expand_paths

from .common import CommandError, add_model_option, add_store_option, console


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "build",
        help="extract documents into the graph store",
        description="Read policy documents (.txt, .html, .pdf, or folders of them), find their "
        "structure and what they name, and store each as its own named graph. Building a "
        "document again replaces its graph. Exits 1 if any document failed (the others are kept).",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="document files or folders")
    add_store_option(p)
    p.add_argument(
        "--municipality", metavar="NAME", help="municipality (default: from the file name)"
    )
    p.add_argument(
        "--year", type=int, metavar="YYYY", help="budget year (default: from the file name)"
    )
    add_model_option(p)
    p.add_argument("--no-entities", action="store_true", help="structure only, skip the NLP step")
    p.add_argument(
        "--n-process",
        type=int,
        default=1,
        metavar="N",
        help="worker processes for the NLP step (spaCy nlp.pipe n_process; default 1)",
    )
    p.add_argument(
        "--taakvelden",
        metavar="FILE",
        help="Iv3 task fields per section (CSV section,taakveld or JSON); default: "
        "<document>.taakvelden.csv next to each document, if present",
    )
    p.add_argument(
        "--allow-unstructured",
        action="store_true",
        help="store documents without numbered goals too (each paragraph becomes an activity)",
    )
    p.add_argument(
        "--rebuild-duplicates",
        action="store_true",
        help="do not skip a file whose content was built before under another name",
    )
    p.set_defaults(func=run)


def _report(result: BuildResult) -> None:
    style = {"ok": "green", "skipped": "yellow", "failed": "red"}[result.status]
    console.print(f"[{style}]{result.status:>7}[/{style}] {result.path}: {result.message}")
    for warning in result.warnings:
        console.print(f"         [dim]warning: {warning}[/dim]")


def run(args: argparse.Namespace) -> int:
    if args.year is not None and not 1900 <= args.year <= 2100:
        raise CommandError(f"--year {args.year}: expected a year like 2021")
    if args.n_process < 1:
        raise CommandError(f"--n-process {args.n_process}: expected 1 or more")
    files = expand_paths(args.paths)
    if not files:
        raise CommandError("no documents found in the given paths")
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=len(files) < 2,
    ) as progress:
        task = progress.add_task("building", total=len(files))

        def done(result: BuildResult) -> None:
            progress.advance(task)
            _report(result)

        def compacting() -> None:
            progress.update(task, description="compacting the store")

        results = build(
            files,
            store=args.store,
            municipality=args.municipality,
            year=args.year,
            spacy_model=args.spacy_model,
            entities=not args.no_entities,
            skip_duplicates=not args.rebuild_duplicates,
            allow_unstructured=args.allow_unstructured,
            on_result=done,
            taakvelden=args.taakvelden,
            n_process=args.n_process,
            on_compact=compacting,
        )
    counts = {s: sum(r.status == s for r in results) for s in ("ok", "skipped", "failed")}
    console.print(f"{counts['ok']} built, {counts['skipped']} skipped, {counts['failed']} failed")
    return 1 if counts["failed"] else 0
