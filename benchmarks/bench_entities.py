"""Throughput of the whole extraction pipeline on one core: the shipped model alone, and the
model with the rule components that find and type entities (extract/entities.py).

Prints a table (figures only, no asserts):

    .venv/bin/python benchmarks/bench_entities.py [--repeat 5] [--copies 4]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from beleidsgraaf.extract.entities import annotate, pipeline  # noqa: E402
from beleidsgraaf.extract.language import load_nlp  # noqa: E402
from beleidsgraaf.extract.structure import parse_structure  # noqa: E402

SAMPLE = (
    Path(__file__).resolve().parents[1]
    / "data"
    / "amersfoort-programmabegroting-2021-programma-2.txt"
)


def rate(fn, texts: list[str], repeat: int) -> tuple[float, int]:
    tokens = 0
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        tokens = fn(texts)
        times.append(time.perf_counter() - start)
    return tokens / statistics.median(times), tokens


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--copies", type=int, default=4, help="sample copies per run")
    args = parser.parse_args()
    text = SAMPLE.read_text(encoding="utf-8")
    tree = parse_structure(text)
    texts = [text[a.start : a.end] for a in tree.activities] * args.copies

    started = time.perf_counter()
    model = load_nlp()
    load_model = time.perf_counter() - started
    started = time.perf_counter()
    full = pipeline()
    load_full = time.perf_counter() - started

    def run(nlp):
        return lambda ts: sum(len(doc) for doc in nlp.pipe(ts, batch_size=64))

    run(model)(texts[:20])
    run(full)(texts[:20])
    rows = [
        (
            "model only (tok2vec, ner, morphologizer, lemmatizer)",
            *rate(run(model), texts, args.repeat),
            load_model,
        ),
        ("whole pipeline (model + rules + typer)", *rate(run(full), texts, args.repeat), load_full),
    ]
    whole_doc = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        annotate(text, tree)
        whole_doc.append(time.perf_counter() - start)
    n_tokens = sum(len(d) for d in full.pipe(t for t in texts[: len(tree.activities)]))
    rows.append(
        (
            "annotate(): pipeline + merging + relations, 1 doc",
            n_tokens / statistics.median(whole_doc),
            n_tokens,
            0.0,
        )
    )

    print(
        f"sample: {SAMPLE.name}, {args.copies} copies of its {len(tree.activities)} activities, one thread"
    )
    print(f"{'pipeline':<58}{'tokens':>8}{'tokens/s':>10}{'load s':>8}")
    for name, tps, tokens, load in rows:
        print(f"{name:<58}{tokens:>8}{tps:>10.0f}{load:>8.2f}")


if __name__ == "__main__":
    main()
