"""Whole-pipeline throughput: the NLP step alone beside `beleidsgraaf build` end to end, on one
core and on two processes, for this tree and (with --baseline) an earlier commit, in one run.

Prints one table (figures only, never asserts). Every row is a fresh process that imports the
code of the tree it measures (this checkout, or `git archive REF` unpacked in a temporary
folder), so the rows compare code, not installations:

* NLP step alone: the extraction pipeline (`entities.pipeline()`: model + rule components)
  over the blocks the build reads of the same documents, in one `nlp.pipe` (reading and
  parsing the documents is done first and not timed); this is the floor for the build;
* build, one core: `python -m beleidsgraaf.cli build DIR --rebuild-duplicates` pinned to one
  CPU (`sched_setaffinity`), one BLAS thread;
* build --n-process 2: the same with two worker processes, free to use every CPU;
* build, one process, any CPU (`--any-cpu`): one process, not pinned: its own work is still
  one thread, but RocksDB's background threads (flushes, compactions) may run elsewhere;
* build, one core, at REF (`--baseline REF`): the first row's command on the earlier code;
* build --cluster local:2 (`--cluster`): a Dask LocalCluster of two worker processes that
  extract, this process writing the store (beleidsgraaf/cluster.py), free to use every CPU.

Columns: wall and CPU time of the process (imports and model load included; CPU with the
workers) and tokens/s over the wall time; the steady-state rate (documents 2..N, timed from the
moment each is reported done, i.e. without start-up and model load) per wall-clock second and,
for the one-process rows, per CPU second of the process (all its threads, from /proc): on a
machine shared with other jobs the CPU figure is the steadier one; peak RSS (max resident set
from `wait4`: for the two-process and cluster rows the largest single process). Load is the
machine's one-minute load average when the row started and when it ended. Tokens are the whitespace-separated words of the
input files. `--repeat R` runs the rows R times in turn (interleaved, so a change in the load of
a shared machine hits every row alike) and shows every run; ratios use the medians.

    python benchmarks/bench_throughput.py [--docs 100] [--corpus sample|mixed|generated]
                                          [--baseline REF] [--repeat 1] [--no-parallel]
                                          [--cluster]

Corpus `sample`: the bundled sample, N times, named after N municipalities. `mixed`: the
project's own texts (the sample and tests/data, numbered layouts) and, when ../shared/realdev
exists, its web-page documents, taken in turn, each copy under another municipality's name;
the copies live in a temporary folder only. `generated`: N distinct documents of both layouts
from benchmarks/corpus_generator.py (seed 0, about 4,000 words each on average).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from beleidsgraaf.commands.demo import SAMPLE as DEMO_SAMPLE

REPO = Path(__file__).resolve().parent.parent
SAMPLE = DEMO_SAMPLE  # the bundled sample, as `beleidsgraaf demo` reads it
REALDEV = REPO.parent / "shared" / "realdev"
ONE_THREAD = {v: "1" for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}

# Imports the packages of the tree at argv[1] (as pyproject's package-dir lays them out),
# whatever is installed, then runs argv[2:] as `python -m ...` or as a script.
BOOTSTRAP = r"""
import importlib.util, os, runpy, sys, tomllib
root = sys.argv.pop(1)
with open(os.path.join(root, "pyproject.toml"), "rb") as fh:
    dirs = tomllib.load(fh)["tool"]["setuptools"]["package-dir"]
class _Tree:
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name not in dirs:
            return None
        folder = os.path.join(root, dirs[name])
        return importlib.util.spec_from_file_location(
            name, os.path.join(folder, "__init__.py"), submodule_search_locations=[folder])
sys.meta_path.insert(0, _Tree)
sys.path.insert(0, root)
sys.argv.pop(0)  # '-c'
if sys.argv[0] == "-m":
    sys.argv.pop(0)
    runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
else:
    runpy.run_path(sys.argv[0], run_name="__main__")
"""


# The same finder for every Python process the row starts (worker processes that are spawned,
# not forked, such as Dask's): a sitecustomize.py on PYTHONPATH, one per tree.
SITECUSTOMIZE = r"""
import importlib.util, os, sys, tomllib
_root = {root!r}
with open(os.path.join(_root, "pyproject.toml"), "rb") as _fh:
    _dirs = tomllib.load(_fh)["tool"]["setuptools"]["package-dir"]
class _Tree:
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name not in _dirs:
            return None
        folder = os.path.join(_root, _dirs[name])
        return importlib.util.spec_from_file_location(
            name, os.path.join(folder, "__init__.py"), submodule_search_locations=[folder])
sys.meta_path.insert(0, _Tree)
"""


def site_folder(tree: Path) -> Path:
    """A folder with a sitecustomize.py that imports beleidsgraaf from `tree`."""
    folder = Path(tempfile.gettempdir()) / f"bench-site-{abs(hash(str(tree)))}"
    folder.mkdir(exist_ok=True)
    (folder / "sitecustomize.py").write_text(SITECUSTOMIZE.format(root=str(tree)))
    return folder


@dataclass
class Run:
    label: str
    tokens: int
    documents: int
    wall: float
    cpu: float  # user + system seconds of the process and its workers
    steady: float | None  # tokens/s over documents 2..N, wall clock
    steady_cpu: float | None  # the same per CPU second (one-process rows only)
    peak_mb: float
    code: int
    note: str = ""
    load: str = ""  # load average at the start and the end of the row

    def row(self) -> str:
        def rate(x: float | None) -> str:
            return f"{x:,.0f}" if x else "-"

        return (
            f"| {self.label} | {self.documents} | {self.tokens:,} | {self.wall:.1f} "
            f"| {self.cpu:.1f} | {self.tokens / self.wall:,.0f} | {rate(self.steady)} "
            f"| {rate(self.steady_cpu)} | {self.peak_mb:.0f} | {self.load} | {self.note} |"
        )


HEADER = (
    "| run | documents | tokens | wall s | CPU s | tokens/s (wall) | tokens/s (steady, wall) "
    "| tokens/CPU-s (steady) | peak RSS MB | load | note |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"
)


# --- the corpus --------------------------------------------------------------------------------


def municipality_names(n: int) -> list[str]:
    from bench_extract import municipality_names as names

    return names(n)


def sources(corpus: str) -> list[Path]:
    if corpus == "sample":
        return [SAMPLE]
    found = [SAMPLE, *sorted((REPO / "tests" / "data").rglob("*.txt"))]
    if REALDEV.is_dir():  # read at run time only; the copies stay in a temporary folder
        found += sorted(REALDEV.glob("*.txt"))
    return found


def write_corpus(folder: Path, n: int, corpus: str) -> list[Path]:
    if corpus == "generated":
        from corpus_generator import write_corpus as generate

        return generate(folder, n, seed=0)
    folder.mkdir(parents=True, exist_ok=True)
    texts = sources(corpus)
    paths = []
    for i, name in enumerate(municipality_names(n)):
        source = texts[i % len(texts)]
        kind = "programmabegroting" if source.parent != REALDEV else "begroting-jaarverslag"
        path = folder / f"{name}-{kind}-{2015 + i % 10}-{i}.txt"
        path.write_bytes(source.read_bytes())
        paths.append(path)
    return paths


def tokens_of(paths: list[Path]) -> int:
    return sum(len(p.read_text(encoding="utf-8").split()) for p in paths)


# --- the runs ------------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a running process, all its threads (from /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_tree(
    tree: Path, args: list[str], one_core: bool, on_line=None
) -> tuple[int, float, float, float]:
    """Run `args` (`-m module ...` or a script) on the code of `tree`; returns exit code,
    wall seconds, CPU seconds (with reaped children) and peak RSS in MB. `on_line(line, t,
    cpu)` sees each stderr line as it comes, with the process's CPU seconds so far."""
    paths = [str(site_folder(tree)), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, **ONE_THREAD, "COLUMNS": "400", "PYTHONPATH": os.pathsep.join(paths)}
    cpu = min(os.sched_getaffinity(0))

    def pin() -> None:
        if one_core:
            os.sched_setaffinity(0, {cpu})

    cmd = [sys.executable, "-c", BOOTSTRAP, str(tree), *args]
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, preexec_fn=pin
    )
    tail: list[str] = []
    for line in proc.stderr:
        if on_line is not None:
            on_line(line, time.perf_counter(), cpu_seconds(proc.pid))
        tail = (tail + [line])[-20:]
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        print("".join(tail), file=sys.stderr)
    run_tree.stdout = out  # type: ignore[attr-defined]
    return code, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def build_run(label: str, tree: Path, folder: Path, store: Path, one_core: bool, extra=()) -> Run:
    paths = sorted(folder.iterdir())
    sizes = {p.name: len(p.read_text(encoding="utf-8").split()) for p in paths}
    done: list[tuple[float, float, int]] = []

    def on_line(line: str, t: float, cpu: float) -> None:
        words = line.split()
        if len(words) >= 2 and words[0] == "ok":
            name = Path(words[1].rstrip(":")).name
            done.append((t, cpu, sizes.get(name, 0)))

    args = ["-m", "beleidsgraaf.cli", "build", str(folder), "--store", str(store)]
    args += ["--rebuild-duplicates", *extra]
    code, wall, cpu, peak = run_tree(tree, args, one_core, on_line)
    steady = steady_cpu = None
    if len(done) >= 2 and done[-1][0] > done[0][0]:
        later = sum(n for _, _, n in done[1:])
        steady = later / (done[-1][0] - done[0][0])
        workers = "--n-process" in extra or "--cluster" in extra
        if not workers and done[-1][1] > done[0][1]:  # workers: not in /proc
            steady_cpu = later / (done[-1][1] - done[0][1])
    note = "" if code == 0 else f"exit {code}"
    if len(done) != len(paths):
        note += f" {len(done)} of {len(paths)} reported ok"
    tokens = sum(sizes.values())
    return Run(label, tokens, len(paths), wall, cpu, steady, steady_cpu, peak, code, note.strip())


def nlp_run(tree: Path, folder: Path) -> Run:
    paths = sorted(folder.iterdir())
    code, wall, _, peak = run_tree(tree, [__file__, "--nlp-alone", str(folder)], one_core=True)
    seconds, cpu, load = (float(x) for x in run_tree.stdout.split())  # type: ignore[attr-defined]
    tokens = tokens_of(paths)
    return Run(
        "NLP step alone, one core", tokens, len(paths), seconds, cpu, tokens / seconds,
        tokens / cpu, peak, code, f"nlp.pipe only; model load {load:.1f} s, process {wall:.1f} s",
    )  # fmt: skip


def nlp_alone(folder: Path) -> None:
    """In the child: time the pipeline over the documents' reading blocks (stdout: wall and
    CPU seconds, load seconds)."""
    from beleidsgraaf.extract.entities import _BATCH, pipeline, reading_texts
    from beleidsgraaf.extract.reader import read_document
    from beleidsgraaf.extract.structure import parse_structure

    started = time.perf_counter()
    nlp = pipeline()
    load = time.perf_counter() - started
    texts = []
    for path in sorted(folder.iterdir()):
        source = read_document(path)
        texts += [b.text for b in reading_texts(source.text, parse_structure(source.text))]
    started, cpu = time.perf_counter(), time.process_time()
    for _ in nlp.pipe(texts, batch_size=_BATCH):
        pass
    print(time.perf_counter() - started, time.process_time() - cpu, load)


def unpack(ref: str, into: Path) -> Path:
    """`git archive REF` of this repository, unpacked."""
    into.mkdir(parents=True)
    archive = into.with_suffix(".tar")
    with archive.open("wb") as fh:
        subprocess.run(["git", "-C", str(REPO), "archive", ref], stdout=fh, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    archive.unlink()
    return into


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--docs", default="100", help="numbers of documents (comma-separated)")
    p.add_argument("--corpus", choices=["sample", "mixed", "generated"], default="sample")
    p.add_argument("--baseline", metavar="REF", help="also build with this commit's code")
    p.add_argument("--repeat", type=int, default=1, help="runs of every row, interleaved")
    p.add_argument("--no-parallel", action="store_true", help="leave out --n-process 2")
    p.add_argument("--cluster", action="store_true", help="also build with --cluster local:2")
    p.add_argument(
        "--any-cpu",
        action="store_true",
        help="also build in one process not pinned (RocksDB's own threads may use another CPU)",
    )
    p.add_argument("--nlp-alone", metavar="DIR", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.nlp_alone:
        nlp_alone(Path(args.nlp_alone))
        return 0
    sys.path.insert(0, str(Path(__file__).parent))
    commit = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    print(f"this tree: {commit}{' (with uncommitted changes)' if dirty else ''}")
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start")
    with tempfile.TemporaryDirectory(prefix="bench-throughput-") as tmp:
        root = Path(tmp)
        base = None
        if args.baseline:
            base = unpack(args.baseline, root / "baseline")
            print(f"baseline: {args.baseline} (git archive, in {base})")
        for n in [int(x) for x in args.docs.split(",") if x]:
            folder = root / f"docs{n}"
            write_corpus(folder, n, args.corpus)
            print(f"\n## {n} documents, corpus '{args.corpus}'\n\n{HEADER}")
            rows: dict[str, list[Run]] = {}
            for r in range(args.repeat):
                plan = [("nlp", None), ("build", REPO)]
                if base is not None:
                    plan.append(("baseline", base))
                if args.any_cpu:
                    plan.append(("any-cpu", REPO))
                if not args.no_parallel:
                    plan.append(("parallel", REPO))
                if args.cluster:
                    plan.append(("cluster", REPO))
                for kind, tree in plan:
                    load = os.getloadavg()[0]
                    store = root / f"store-{n}-{kind}-{r}"
                    if kind == "nlp":
                        run = nlp_run(REPO, folder)
                    elif kind == "build":
                        run = build_run("build, one core", REPO, folder, store, True)
                    elif kind == "any-cpu":
                        run = build_run("build, one process, any CPU", REPO, folder, store, False)
                    elif kind == "baseline":
                        label = f"build, one core, at {args.baseline}"
                        run = build_run(label, tree, folder, store, True)
                    elif kind == "cluster":
                        label = "build --cluster local:2"
                        run = build_run(label, REPO, folder, store, False, ["--cluster", "local:2"])
                    else:
                        label = "build --n-process 2"
                        run = build_run(label, REPO, folder, store, False, ["--n-process", "2"])
                    run.load = f"{load:.1f}-{os.getloadavg()[0]:.1f}"
                    rows.setdefault(kind, []).append(run)
                    print(run.row(), flush=True)
            print()
            summary(rows)
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end")
    return 0


def summary(rows: dict[str, list[Run]]) -> None:
    def median(kind: str, field: str) -> float | None:
        values = [getattr(r, field) for r in rows.get(kind, []) if getattr(r, field)]
        return statistics.median(values) if values else None

    for field, what in (("steady", "wall clock"), ("steady_cpu", "per CPU second")):
        nlp, build, base = (median(k, field) for k in ("nlp", "build", "baseline"))
        if nlp and build:
            print(f"- NLP step alone / build on one core (steady, {what}): {nlp / build:.2f}x")
        if build and base:
            print(
                f"- build on one core, this tree / baseline (steady, {what}): {build / base:.2f}x"
            )
    build, par = median("build", "steady"), median("parallel", "steady")
    if build and par:
        print(f"- --n-process 2 / one core (steady, wall clock): {par / build:.2f}x")
    dask = median("cluster", "steady")
    if build and dask:
        print(f"- --cluster local:2 / one core (steady, wall clock): {dask / build:.2f}x")
    for kind in ("build", "any-cpu", "baseline", "parallel", "cluster"):
        if rows.get(kind):
            peak = statistics.median(r.peak_mb for r in rows[kind])
            print(f"- median peak RSS, {rows[kind][0].label}: {peak:.0f} MB")


if __name__ == "__main__":
    sys.exit(main())
