"""Ablation: held-out core F1 on realdev with each rule part of extract/components.py left out.

Uses the fold pipelines of training/folds.py (each scores only the municipalities it was not
trained on), or the shipped model on every document (``--shipped``; it never saw realdev). One
row per part of ``extract.components.ABLATIONS`` (switched off through the components' config,
$BELEIDSGRAAF_ABLATE), plus the full pipeline; the table goes to training/output/ablation.md.

    python training/ablation.py                    # fold pipelines of training/output/folds
    python training/ablation.py --shipped          # the shipped model, all documents
    python training/ablation.py --only model names # some rows
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

TRAINING = Path(__file__).resolve().parent
sys.path.insert(0, str(TRAINING))
import convert_realdev  # noqa: E402
import folds  # noqa: E402


def run(parts: list[str], fold_root: Path | None, realdev: Path, out: Path) -> list[dict]:
    """Per row (part left out, '' = nothing): the scorer's results over the held-out docs."""
    docs = convert_realdev.documents(realdev)
    rows = []
    for part in parts:
        results = []
        if fold_root is None:
            results.append(folds.score(None, docs, out / (part or "full"), ablate=part))
        else:
            for fold_json in sorted(fold_root.glob("fold*/fold.json")):
                fold = json.loads(fold_json.read_text(encoding="utf-8"))
                names = set(fold["documents"])
                held = [d for d in docs if d[0] in names]
                model = fold_json.parent / "pipeline"
                where = out / f"{fold_json.parent.name}-{part or 'full'}"
                results.append(folds.score(model, held, where, ablate=part))
        tot = folds.totals(results)
        rows.append({"part": part, "totals": tot})
        core = folds._prf(*tot["core"])[2]
        print(f"{part or '(everything)':14s} core {core:.3f}", flush=True)
    return rows


def table(rows: list[dict], title: str) -> str:
    cols = ("core", "Organisation", "Law", "Place", "Instrument", "relations")
    full = folds._prf(*rows[0]["totals"]["core"])[2]
    lines = [f"### {title}", "", "| left out | " + " | ".join(cols) + " | core Δ |"]
    lines.append("|---" * (len(cols) + 2) + "|")
    for row in rows:
        f = [folds._prf(*row["totals"][c])[2] for c in cols]
        delta = "" if not row["part"] else f"{f[0] - full:+.3f}"
        name = row["part"] or "nothing (full pipeline)"
        lines.append(f"| {name} | " + " | ".join(f"{v:.3f}" for v in f) + f" | {delta} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    from beleidsgraaf.extract.components import ABLATIONS

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--realdev", type=Path, default=folds.SHARED / "realdev")
    ap.add_argument("--folds-dir", type=Path, default=folds.OUTPUT / "folds")
    ap.add_argument("--shipped", action="store_true", help="the shipped model, all documents")
    ap.add_argument("--only", nargs="*", choices=ABLATIONS, help="only these parts")
    ap.add_argument("--name", default="ablation")
    args = ap.parse_args(argv)
    parts = ["", *(args.only or ABLATIONS)]
    out = folds.OUTPUT / args.name
    rows = run(parts, None if args.shipped else args.folds_dir, args.realdev, out)
    which = (
        "shipped model, all documents"
        if args.shipped
        else f"fold pipelines of {args.folds_dir.name}"
    )
    text = table(rows, f"Ablation ({which}): held-out micro F1 with one part left out")
    (folds.OUTPUT / f"{args.name}.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
