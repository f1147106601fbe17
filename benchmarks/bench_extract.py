"""Extraction benchmark: throughput and peak memory of `beleidsgraaf build`.

Two tables, printed to stdout (figures, never asserts):

* many documents: the bundled sample copied N times (1, 10, 100) under the names of different
  municipalities, built in one command (`beleidsgraaf build DIR`), with and without entities;
* one growing document: the sample repeated K times inside one file, to show how the cost of a
  single document grows with its size.

Each run is a fresh `python -m beleidsgraaf.cli build` process; its wall time and peak RSS come
from os.wait4 (the kernel's own accounting of that child). Tokens are whitespace-separated words
of the input, so tokens/s compares runs with and without the NLP step on the same footing.

    .venv/bin/python benchmarks/bench_extract.py [--docs 1,10,100] [--grow 1,10,100]
                                                 [--entities auto|yes|no]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from beleidsgraaf.commands.demo import SAMPLE as DEMO_SAMPLE

REPO = Path(__file__).resolve().parent.parent
SAMPLE = DEMO_SAMPLE  # the bundled sample, as `beleidsgraaf demo` reads it


@dataclass
class Run:
    label: str
    documents: int
    entities: bool
    mb: float
    tokens: int
    wall: float
    peak_mb: float
    code: int
    summary: str

    def row(self) -> str:
        return (
            f"| {self.label} | {self.documents} | {'yes' if self.entities else 'no'} "
            f"| {self.mb:.2f} | {self.tokens:,} | {self.wall:.1f} "
            f"| {self.documents / self.wall * 60:.1f} | {self.tokens / self.wall:,.0f} "
            f"| {self.peak_mb:.0f} | {self.summary} |"
        )


HEADER = (
    "| run | documents | entities | input MB | tokens | wall s | documents/min | tokens/s "
    "| peak RSS MB | result |\n|---|---:|---|---:|---:|---:|---:|---:|---:|---|"
)


def municipality_names(n: int) -> list[str]:
    """n distinct municipality slugs, from the national table when it is there."""
    try:
        from beleidsgraaf.extract.linking import municipality_slugs

        slugs = sorted(municipality_slugs())
    except ImportError:
        slugs = []
    slugs = [s for s in slugs if s.isascii()]
    return (slugs + [f"gemeente{i}" for i in range(n)])[:n]


def copies(folder: Path, n: int) -> list[Path]:
    """The sample as n documents of n different municipalities."""
    folder.mkdir(parents=True, exist_ok=True)
    data = SAMPLE.read_bytes()
    paths = []
    for name in municipality_names(n):
        path = folder / f"{name}-programmabegroting-2021.txt"
        path.write_bytes(data)
        paths.append(path)
    return paths


def build(label: str, target: Path, n_docs: int, entities: bool, store: Path) -> Run:
    files = [target] if target.is_file() else sorted(target.iterdir())
    size = sum(f.stat().st_size for f in files)
    tokens = sum(len(f.read_text(encoding="utf-8").split()) for f in files)
    cmd = [sys.executable, "-m", "beleidsgraaf.cli", "build", str(target), "--store", str(store)]
    cmd += ["--rebuild-duplicates"]  # the copies share a sha256 on purpose
    if not entities:
        cmd.append("--no-entities")
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stderr.close()
    lines = [ln for ln in err.splitlines() if ln.strip()]
    summary = lines[-1].strip() if lines else ""
    return Run(
        label, n_docs, entities, size / 1e6, tokens, wall, usage.ru_maxrss / 1024,
        proc.returncode, summary,
    )  # fmt: skip


def entities_available() -> bool:
    if importlib.util.find_spec("beleidsgraaf.extract.entities") is None:
        return False
    try:
        from beleidsgraaf.extract.entities import pipeline

        pipeline()
    except Exception as err:  # noqa: BLE001 - any failure means: measure without entities
        print(f"(entities not measured: {err})", file=sys.stderr)
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--docs", default="1,10,100", help="numbers of documents (comma-separated)")
    p.add_argument("--grow", default="1,10,100", help="sample repeats inside one document")
    p.add_argument("--entities", choices=["auto", "yes", "no"], default="auto")
    p.add_argument(
        "--entities-docs",
        default="1,10,100",
        help="document counts that are also measured with entities",
    )
    args = p.parse_args(argv)
    with_entities = args.entities == "yes" or (args.entities == "auto" and entities_available())
    doc_counts = [int(x) for x in args.docs.split(",") if x]
    entity_counts = {int(x) for x in args.entities_docs.split(",") if x}
    grow = [int(x) for x in args.grow.split(",") if x]
    print(
        f"sample: {SAMPLE.name}, {SAMPLE.stat().st_size / 1e3:.1f} kB; python {sys.version.split()[0]}"
    )
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}\n")

    with tempfile.TemporaryDirectory(prefix="bench-extract-") as tmp:
        root = Path(tmp)
        print("## Many documents: `beleidsgraaf build DIR` (the sample as N municipalities)\n")
        print(HEADER)
        for n in doc_counts:
            folder = root / f"docs{n}"
            copies(folder, n)
            modes = [False] + ([True] if with_entities and n in entity_counts else [])
            for entities in modes:
                store = root / f"store-{n}-{entities}"
                run = build(f"{n} × sample", folder, n, entities, store)
                print(run.row(), flush=True)

        print("\n## One growing document (the sample repeated K times in one file)\n")
        print(HEADER)
        text = SAMPLE.read_text(encoding="utf-8")
        for k in grow:
            path = root / f"amersfoort-verzamelbundel-{k}x-2021.txt"
            path.write_text(text * k, encoding="utf-8")
            run = build(f"sample × {k} in one file", path, 1, False, root / f"grow-{k}")
            print(run.row(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
