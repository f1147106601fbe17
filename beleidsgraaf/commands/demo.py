"""`beleidsgraaf demo`: the whole job on the bundled sample, with a summary."""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

from beleidsgraaf.graph.export import FORMAT_SUFFIX, serialize
from beleidsgraaf.graph.pictures import demo_outputs
from beleidsgraaf.graph.store import opened
from beleidsgraaf.graph.summary import class_counts, top_partners
from beleidsgraaf.pipeline import build

from .build import _report
from .common import CommandError, console, write_output

SAMPLE = (
    Path(__file__).resolve().parents[2]
    / "data"
    / "amersfoort-programmabegroting-2021-programma-2.txt"
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "demo",
        help="build the bundled sample and write all outputs under out/",
        description="Build the bundled sample document (or the given one) into OUT/store, "
        "export it, and print what is in it.",
    )
    p.add_argument(
        "doc", nargs="?", default=str(SAMPLE), metavar="DOC", help="document (default: the sample)"
    )
    p.add_argument("--out", default="out", metavar="DIR", help="output folder (default: out)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    store = out / "store"
    if store.exists():
        shutil.rmtree(store)
    started = time.perf_counter()
    results = build([args.doc], store=store)
    for r in results:
        _report(r)
        if r.status != "ok":
            raise CommandError(f"the demo could not build {args.doc}")
    written = [store]
    with opened(store, read_only=True) as ds:
        for fmt in ("turtle", "trig", "jsonld"):
            path = out / f"graph{FORMAT_SUFFIX[fmt]}"
            write_output(serialize(ds, fmt), str(path))
            written.append(path)
        counts = class_counts(ds)
        partners = top_partners(ds)
        written.extend(demo_outputs(ds, out))
    console.print(f"\n[bold]Built in {time.perf_counter() - started:.1f} s[/bold]")
    console.print("Counts per class: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    if partners:
        console.print(
            "Top partners (activities): " + ", ".join(f"{n} ({c})" for n, _, c in partners)
        )
    console.print("Outputs:")
    for path in written:
        console.print(f"  {path}")
    return 0
