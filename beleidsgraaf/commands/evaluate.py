"""`beleidsgraaf evaluate`: precision/recall/F1 against a gold answer key."""

from __future__ import annotations

import argparse

from beleidsgraaf.evaluate import evaluate, format_report, load_gold
from beleidsgraaf.graph.store import opened
from beleidsgraaf.pipeline import build

from .build import _report
from .common import CommandError, add_model_option, add_store_option


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "evaluate",
        help="score extraction against a gold file",
        description="Print precision, recall and F1 for sections, goals, activities, entities "
        "per type and relations, with what was missed and what is spurious. Builds DOC_PATH "
        "first when given. Exits 0 whatever the scores.",
    )
    p.add_argument("doc", nargs="?", metavar="DOC_PATH", help="build this document first")
    p.add_argument(
        "--gold", required=True, metavar="GOLD.json", help="gold file (ANNOTATION-GUIDE.md)"
    )
    add_store_option(p)
    add_model_option(p)
    p.add_argument(
        "--details",
        type=int,
        default=25,
        metavar="N",
        help="list up to N missed/spurious items per part (0: none)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    gold = load_gold(args.gold)
    if args.doc:
        results = build(
            [args.doc],
            store=args.store,
            spacy_model=args.spacy_model,
            skip_duplicates=False,
            allow_unstructured=True,
        )
        for r in results:
            if r.status != "ok":
                _report(r)
                raise CommandError(f"could not build {args.doc}")
    with opened(args.store, read_only=True) as ds:
        scores = evaluate(ds, gold)
    print(format_report(scores, args.details))
    return 0
