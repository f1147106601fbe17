"""`beleidsgraaf build PATH...`: documents into the store, one named graph each."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from beleidsgraaf.extract.reader import ReaderError, SiteAddress, is_site_address
from beleidsgraaf.extract.readers.site import CrawlOptions
from beleidsgraaf.pipeline import BuildResult, build, expand_paths

from .common import CommandError, add_model_option, add_store_option, console


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "build",
        help="extract documents into the graph store",
        description="Read policy documents (.txt, .html, .pdf, or folders of them, or a budget "
        "website from its start address), find their structure and what they name, and store "
        "each as its own named graph. A site is crawled (same host, under the start address's "
        "folder, robots.txt respected) and built as one document. Building a document again "
        "replaces its graph. Exits 1 if any document failed (the others are kept).",
    )
    p.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="document files, folders, or site start addresses (https://host/...)",
    )
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
        help="worker processes that read and extract documents (default 1); this process "
        "writes the store, one transaction per document, in the given order",
    )
    p.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="extract on a Dask cluster: local:N (N worker processes here) or tcp://host:port "
        "(a running scheduler whose workers see the same paths); this process writes the "
        "store, one transaction per document, in the given order",
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
    p.add_argument(
        "--skip-stored",
        action="store_true",
        help="pass over a document whose graph already holds this very content (sha256): a "
        "rerun builds only what an interrupted or earlier run left (default: build it again)",
    )
    site = p.add_argument_group("site addresses (https://...)")
    site.add_argument(
        "--max-pages", type=int, default=300, metavar="N", help="fetch at most N pages (300)"
    )
    site.add_argument(
        "--max-depth",
        type=int,
        default=6,
        metavar="N",
        help="follow links at most N clicks from the start page (6)",
    )
    site.add_argument(
        "--delay",
        type=float,
        default=1.0,
        metavar="SECONDS",
        help="wait between requests (1.0; robots.txt's Crawl-delay when longer)",
    )
    site.add_argument(
        "--timeout", type=float, default=20.0, metavar="SECONDS", help="per request (20)"
    )
    site.add_argument(
        "--cache",
        metavar="DIR",
        default=None,
        help="keep fetched pages here, so a rerun or an interrupted crawl fetches only what it "
        f"lacks (default: {_default_cache()})",
    )
    site.add_argument(
        "--refresh", action="store_true", help="fetch every page again, ignoring the cache"
    )
    p.set_defaults(func=run)


def _default_cache() -> Path:
    from platformdirs import user_cache_path

    return user_cache_path("beleidsgraaf") / "sites"


def _site_addresses(args: argparse.Namespace) -> list[str | SiteAddress]:
    """The arguments, with each site address carrying the crawl options."""
    for name in ("max_pages", "max_depth"):
        if getattr(args, name) < 1:
            raise CommandError(f"--{name.replace('_', '-')}: expected 1 or more")
    if args.delay < 0 or args.timeout <= 0:
        raise CommandError("--delay must be 0 or more and --timeout more than 0")
    cache = Path(args.cache) if args.cache else _default_cache()
    out: list[str | SiteAddress] = []
    for given in args.paths:
        if not is_site_address(given):
            out.append(given)
            continue
        try:
            host = SiteAddress(given).name.removesuffix(".html")
        except ReaderError as err:
            raise CommandError(str(err)) from None
        options = CrawlOptions(
            max_pages=args.max_pages,
            max_depth=args.max_depth,
            delay=args.delay,
            timeout=args.timeout,
            cache=cache / host,
            refresh=args.refresh,
        )
        out.append(SiteAddress(given, options))
    return out


def _crawl_progress(progress: Progress, address: SiteAddress):
    task = progress.add_task(f"fetching {address}", total=None, visible=False)

    def on_page(url: str, done: int, known: int) -> None:
        progress.update(task, completed=done, total=known, visible=True, description=url[-60:])
        if done == known:  # nothing left in the queue: the crawl is over
            progress.update(task, visible=False)

    return on_page


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
    if args.cluster is not None:
        from beleidsgraaf.cluster import ClusterError, parse_address

        if args.n_process != 1:
            raise CommandError("--cluster and --n-process: give one of them")
        try:
            parse_address(args.cluster)
        except ClusterError as err:
            raise CommandError(str(err)) from None
    files = expand_paths(_site_addresses(args))
    if not files:
        raise CommandError("no documents found in the given paths")
    sites = [f for f in files if isinstance(f, SiteAddress)]
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=len(files) < 2 and not sites,
    ) as progress:
        task = progress.add_task("building", total=len(files))
        for address in sites:  # a crawl shows its pages as they come in
            address.on_page = _crawl_progress(progress, address)

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
            cluster=args.cluster,
            skip_stored=args.skip_stored,
        )
    counts = {s: sum(r.status == s for r in results) for s in ("ok", "skipped", "failed")}
    console.print(f"{counts['ok']} built, {counts['skipped']} skipped, {counts['failed']} failed")
    return 1 if counts["failed"] else 0
