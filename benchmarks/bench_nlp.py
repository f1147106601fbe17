"""Load time and throughput (tokens/s) of the shipped pipeline on one CPU thread.

    python benchmarks/bench_nlp.py [--model PATH] [--text FILE] [--repeat N]

Processes the bundled sample (Amersfoort programme budget 2021, programme 2) as whole
documents, ``repeat`` times after one warm-up pass, and prints load time and tokens/s of
the full pipeline (tokenizer, sentence breaks, NER, tagging, parser, lemmatizer).
"""

from __future__ import annotations

import os

# one thread: must be set before numpy/thinc are imported
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TEXT = ROOT / "data" / "amersfoort-programmabegroting-2021-programma-2.txt"


def main(argv: list[str] | None = None) -> dict[str, float]:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", default=None, help="model name/path (default: shipped model)")
    ap.add_argument("--text", default=str(DEFAULT_TEXT))
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    import spacy
    from beleidsgraaf.extract.language import load_nlp

    t_import = time.perf_counter() - t0
    t0 = time.perf_counter()
    nlp = load_nlp(args.model)
    load_s = time.perf_counter() - t0

    text = Path(args.text).read_text(encoding="utf-8")
    nlp(text)  # warm-up
    n_tokens = 0
    t0 = time.perf_counter()
    c0 = time.process_time()
    for _ in range(args.repeat):
        n_tokens += len(nlp(text))
    dt = time.perf_counter() - t0
    cpu = time.process_time() - c0
    wps = n_tokens / dt
    cpu_wps = n_tokens / cpu

    t0 = time.perf_counter()
    n_tok_only = sum(len(nlp.make_doc(text)) for _ in range(args.repeat))
    tok_wps = n_tok_only / (time.perf_counter() - t0)

    print(f"spaCy {spacy.__version__}; pipeline: {nlp.pipe_names}")
    print(f"import time:       {t_import:.2f} s")
    print(f"load time:         {load_s:.2f} s")
    print(f"text:              {Path(args.text).name} ({len(nlp.make_doc(text))} tokens)")
    print(f"full pipeline:     {wps:,.0f} tokens/s (1 thread, {args.repeat} passes, wall clock)")
    print(f"full pipeline:     {cpu_wps:,.0f} tokens/s of CPU time (less sensitive to other load)")
    print(f"tokenizer only:    {tok_wps:,.0f} tokens/s")
    print(f"target >= 10,000 tokens/s: {'OK' if wps >= 10_000 else 'BELOW TARGET'}")
    return {"load_s": load_s, "tokens_per_s": wps, "tokens_per_cpu_s": cpu_wps}


if __name__ == "__main__":
    main()
