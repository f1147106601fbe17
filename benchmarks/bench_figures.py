"""Budget-figure queries benchmark: the three named queries about figures on the sample store
and on a store of 100 documents with finance tables. Prints timings, never asserts.

* sample store: the bundled sample (data/), built with entities; it has no finance table, so
  this measures what the queries cost on a store without figures (no rows);
* 100-document store: the project's own texts (the sample and the invented documents of
  tests/data), 100 documents of 20 made-up municipalities over 5 years, each section of each
  followed by an invented finance table (amounts drawn at random, seeded): every other table
  gives lasten, baten and saldo of the section for three years, the others rows of Iv3 task
  fields; built with the full pipeline (entities too: the third query lists partners).

Each query is run once to warm up, then --repeat times; the median, fastest and slowest wall
time of `run_query` with all rows taken (what Python code pays) are printed, with the rows.

    .venv/bin/python benchmarks/bench_figures.py [--documents 100] [--repeat 5] [--no-entities]
                                                 [--stores DIR]

`--stores DIR` keeps the two stores in DIR (DIR/sample, DIR/many) and, when they are there
already, times the queries on them without building again.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from beleidsgraaf.extract.structure import parse_structure
from beleidsgraaf.extract.taakvelden import taakvelden
from beleidsgraaf.graph.queries import load_query
from beleidsgraaf.graph.sparql import run_query
from beleidsgraaf.graph.store import opened

from beleidsgraaf.commands.demo import SAMPLE as DEMO_SAMPLE
from beleidsgraaf.pipeline import build

REPO = Path(__file__).resolve().parent.parent
SAMPLE = DEMO_SAMPLE  # the bundled sample, as `beleidsgraaf demo` reads it
QUERIES = [
    ("spending-per-task-field", {}),
    ("task-field-across-documents", {"taskfield": "6"}),
    ("largest-sections-goals-partners", {}),
]
MUNICIPALITIES = [f"Proefstad{chr(ord('A') + i)}" for i in range(20)]  # made up
FIRST_YEAR = 2021


def source_texts() -> list[Path]:
    return [SAMPLE, *sorted((REPO / "tests" / "data").glob("**/*.txt"))]


def _amount(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _table(rng: random.Random, year: int, style: int) -> str:
    head = "\nWat mag het kosten?\n"
    if style == 0:
        rows = []
        for _ in range(3):
            lasten = rng.randint(2_000, 90_000)
            baten = rng.randint(0, lasten // 3)
            rows.append((lasten, baten, lasten - baten))
        cells = list(zip(*rows, strict=True))
        lines = [
            f"Bedragen x € 1.000 | Rekening {year - 2} | Begroting {year - 1} | Begroting {year}",
            *(
                f"{label} | " + " | ".join(_amount(v) for v in values)
                for label, values in zip(("Lasten", "Baten", "Saldo"), cells, strict=True)
            ),
        ]
        return head + "\n".join(lines) + "\n\n"
    codes = [c for c in taakvelden() if "." in c]
    lines = [f"Bedragen x € 1.000 | Begroting {year} lasten | Begroting {year} baten"]
    for code in sorted(rng.sample(codes, 3)):
        lasten = rng.randint(500, 40_000)
        lines.append(
            f"{code} {taakvelden()[code]} | {_amount(lasten)} | {_amount(rng.randint(0, lasten))}"
        )
    return head + "\n".join(lines) + "\n\n"


def with_tables(text: str, rng: random.Random, year: int) -> str:
    """The text with an invented finance table after each section's heading line."""
    tree = parse_structure(text)
    out, pos = [], 0
    for n, section in enumerate(sorted(tree.sections, key=lambda s: s.start)):
        eol = text.find("\n", section.end)
        if eol < 0 or eol + 1 < pos:
            continue
        out += [text[pos : eol + 1], _table(rng, year, n % 2)]
        pos = eol + 1
    return "".join(out) + text[pos:]


def generate(folder: Path, documents: int, seed: int = 1) -> dict[str, list[Path]]:
    """`documents` texts with tables, grouped by municipality."""
    rng = random.Random(seed)
    texts = [p.read_text(encoding="utf-8") for p in source_texts()]
    groups: dict[str, list[Path]] = {}
    for i in range(documents):
        municipality = MUNICIPALITIES[i % len(MUNICIPALITIES)]
        year = FIRST_YEAR + (i // len(MUNICIPALITIES)) % 5
        path = folder / f"{municipality.lower()}-begroting-{year}-{i:03d}.txt"
        path.write_text(with_tables(texts[i % len(texts)], rng, year), encoding="utf-8")
        groups.setdefault(municipality, []).append(path)
    return groups


def timed(store: Path, repeat: int) -> list[tuple[str, int, float, float, float]]:
    out = []
    with opened(store, read_only=True) as ds:
        for name, params in QUERIES:
            q = load_query(name)
            bindings = q.bindings(params)
            rows = len(list(run_query(ds, q.text, bindings)))  # warm-up
            times = []
            for _ in range(repeat):
                t = time.perf_counter()
                list(run_query(ds, q.text, bindings))
                times.append(time.perf_counter() - t)
            out.append((name, rows, statistics.median(times), min(times), max(times)))
    return out


def _count(store: Path, what: str) -> int:
    with opened(store, read_only=True) as ds:
        return len(list(ds.query(f"SELECT ?x WHERE {{ GRAPH ?g {{ ?x a {what} }} }}")))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--documents", type=int, default=100)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--no-entities", action="store_true", help="build without the NLP step")
    p.add_argument("--stores", type=Path, help="keep (or reuse) the stores in this folder")
    args = p.parse_args(argv)
    entities = not args.no_entities
    qb_obs = "<http://purl.org/linked-data/cube#Observation>"
    with tempfile.TemporaryDirectory(prefix="bench-figures-") as tmp:
        tmp = args.stores or Path(tmp)
        tmp.mkdir(parents=True, exist_ok=True)
        stores = []
        t = time.perf_counter()
        if not (tmp / "sample").exists():
            build([SAMPLE], store=tmp / "sample", entities=entities)
        stores.append(("sample", tmp / "sample", time.perf_counter() - t))
        t = time.perf_counter()
        if not (tmp / "many").exists():
            folder = tmp / "docs"
            folder.mkdir(exist_ok=True)
            for municipality, paths in generate(folder, args.documents).items():
                results = build(
                    paths, store=tmp / "many", municipality=municipality, entities=entities
                )
                failed = [r.message for r in results if r.status != "ok"]
                if failed:
                    print("build failed:", failed, file=sys.stderr)
                    return 1
        stores.append((f"{args.documents} documents", tmp / "many", time.perf_counter() - t))
        print(f"entities: {'yes' if entities else 'no'}; median of {args.repeat} warm runs")
        for label, store, seconds in stores:
            print(
                f"\n{label}: built (or found) in {seconds:.1f} s, {_count(store, '<https://w3id.org/beleidsgraaf/def#Document>')} "
                f"documents, {_count(store, qb_obs)} observations"
            )
            print(f"  {'query':34} {'rows':>6} {'median ms':>10} {'min ms':>8} {'max ms':>8}")
            for name, rows, median, fastest, slowest in timed(store, args.repeat):
                print(
                    f"  {name:34} {rows:>6} {median * 1000:>10.1f} {fastest * 1000:>8.1f} "
                    f"{slowest * 1000:>8.1f}"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
