"""`beleidsgraaf evaluate`: precision/recall/F1 against gold answer keys, one document or a corpus."""

from __future__ import annotations

import argparse
import json

from beleidsgraaf.evaluate import (
    corpus_json,
    evaluate,
    evaluate_corpus,
    format_corpus_details,
    format_corpus_table,
    format_report,
    load_gold,
)
from beleidsgraaf.graph.store import opened
from beleidsgraaf.pipeline import BuildResult, build

from .build import _report
from .common import CommandError, add_model_option, add_store_option, console, write_output


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "evaluate",
        help="score extraction against gold answer keys (one document or a corpus)",
        description="Print precision, recall and F1 for sections, goals, activities, entities "
        "per type and relations, with what was missed and what is spurious. With --gold: one "
        "document (built first when DOC_PATH is given). With --corpus DIR: every <base>.txt|"
        ".html|.htm|.pdf of DIR that has <base>.gold.json beside it is built into one store "
        "(a temporary one unless --store) and scored; prints F1 per document and part and the "
        "micro totals, computed as ../shared/eval/score_corpus.py does. Exits 0 whatever the "
        "scores.",
    )
    p.add_argument(
        "doc", nargs="?", metavar="DOC_PATH", help="with --gold: build this document first"
    )
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--gold", metavar="GOLD.json", help="gold file (ANNOTATION-GUIDE.md)")
    what.add_argument(
        "--corpus",
        metavar="DIR",
        help="folder of documents with <base>.gold.json beside each (as ../shared/realdev)",
    )
    add_store_option(p)
    add_model_option(p)
    p.add_argument(
        "--allow-unstructured",
        action="store_true",
        help="with --corpus: build documents without found structure too (by default they count "
        "as nothing found and are listed as not built, as the reference scorer does)",
    )
    p.add_argument(
        "--json",
        metavar="FILE",
        dest="json_out",
        help="with --corpus: write the figures as JSON to FILE ('-': to stdout instead of the table)",
    )
    p.add_argument(
        "--details",
        type=int,
        default=25,
        metavar="N",
        help="list up to N missed/spurious items per part (per document with --corpus; 0: none)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.corpus is not None:
        return _run_corpus(args)
    if args.json_out is not None or args.allow_unstructured:
        raise CommandError("--json and --allow-unstructured go with --corpus")
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


def _run_corpus(args: argparse.Namespace) -> int:
    if args.doc:
        raise CommandError("--corpus takes its documents from DIR; give no DOC_PATH")
    done = 0

    def progress(result: BuildResult) -> None:
        nonlocal done
        done += 1
        state = "built" if result.status == "ok" else "not built"
        console.print(f"[{done}] {result.path.name}: {state} ({result.message})", markup=False)

    result = evaluate_corpus(
        args.corpus,
        store=args.store,
        spacy_model=args.spacy_model,
        allow_unstructured=args.allow_unstructured,
        on_result=progress,
    )
    to_stdout = args.json_out == "-"
    if args.json_out is not None:
        write_output(json.dumps(corpus_json(result), ensure_ascii=False, indent=1), args.json_out)
    if not to_stdout:
        print(format_corpus_table(result))
        details = format_corpus_details(result, args.details)
        if details:
            print()
            print(details)
    return 0
