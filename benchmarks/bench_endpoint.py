"""Is `beleidsgraaf serve` as fast as Oxigraph's own server? Runs `beleidsgraaf serve` and
`oxigraph serve-read-only` on the same store, side by side in one run, and sends each the same
query from 1 and from 32 clients over loopback: requests/s and p50/p95 latency.

    python benchmarks/bench_endpoint.py                       # the bundled sample, built here
    python benchmarks/bench_endpoint.py --store DIR           # a store built elsewhere
    python benchmarks/bench_endpoint.py --size 1M             # the synthetic 1M graph of bench_store
    python benchmarks/bench_endpoint.py --clients 1,32 --seconds 10 --runs 3

Each client is one persistent HTTP/1.1 connection (reopened when a server closes it) that
POSTs the form-encoded query with `Accept: application/sparql-results+json`, waits for the
whole answer, and posts again (--query all: every named query in turn). Before timing, each
server answers every query twice, untimed: beleidsgraaf's guard parses a query text it has not
seen with rdflib's grammar (70-150 ms, once per text), and both warm their caches. Clients
are threads spread over a few processes, so the load generator is not held up by one
interpreter's lock. A run is bounded by --seconds and
--max-requests, whichever comes first; the two servers take turns (beleidsgraaf, oxigraph,
beleidsgraaf, ...) so that a slow minute of a shared machine falls on both. Every answer must
be 200, the same query must always get the same body, and both servers must give the same
bodies. Loopback
only: the servers listen on 127.0.0.1, and that is all the clients talk to.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import multiprocessing as mp
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from beleidsgraaf.graph.queries import list_queries
from beleidsgraaf.graph.sparql import bind_values

from beleidsgraaf.commands.demo import SAMPLE as DEMO_SAMPLE

REPO = Path(__file__).resolve().parent.parent
SAMPLE = DEMO_SAMPLE  # the bundled sample, as `beleidsgraaf demo` reads it
ACCEPT = "application/sparql-results+json"
THREADS_PER_PROCESS = 8


@dataclass
class Result:
    server: str
    clients: int
    requests: int
    seconds: float
    latencies: list[float]  # seconds, one per request
    failures: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(port: int, process: subprocess.Popen, what: str, timeout: float = 120.0) -> None:
    body = urlencode({"query": "ASK {}"})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{what} stopped while starting (exit {process.returncode})")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request(
                "POST",
                "/query",
                body,
                {"Content-Type": "application/x-www-form-urlencoded", "Accept": ACCEPT},
            )
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{what} did not answer within {timeout:g} s")


def oxigraph_exe() -> str:
    beside = Path(sys.executable).with_name("oxigraph")
    exe = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if not exe:
        raise SystemExit("the oxigraph server (PyPI package `oxigraph`) is not installed")
    return exe


def start_servers(store: Path, workers: int | None, log_dir: Path) -> dict[str, tuple]:
    """{name: (process, port)} for both servers on free loopback ports, answering."""
    servers = {}
    bg_port, ox_port = _free_port(), _free_port()
    bg_cmd = [sys.executable, "-m", "beleidsgraaf.cli", "serve", "--store", str(store)]
    bg_cmd += ["--host", "127.0.0.1", "--port", str(bg_port)]
    if workers:
        bg_cmd += ["--workers", str(workers)]
    ox_cmd = [oxigraph_exe(), "serve-read-only", "--location", str(store)]
    ox_cmd += ["--bind", f"127.0.0.1:{ox_port}", "--union-default-graph"]
    for name, cmd, port in (("beleidsgraaf", bg_cmd, bg_port), ("oxigraph", ox_cmd, ox_port)):
        log = (log_dir / f"{name}.log").open("wb")
        process = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        servers[name] = (process, port)
    for name, (process, port) in servers.items():
        _wait(port, process, name)
    return servers


def stop_servers(servers: dict[str, tuple]) -> None:
    for process, _ in servers.values():
        process.terminate()
    for process, _ in servers.values():
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _client(
    port: int, bodies: tuple, offset: int, start: float, end: float, budget: int, out: list
) -> None:
    """One client: POST the bodies in turn (from `offset`) until `end` or `budget` requests;
    appends (latency, (query number, digest of the answer)) per answer, or (None, error) per
    failure."""
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": ACCEPT}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while time.time() < start:
        time.sleep(0.001)
    done = 0
    while done < budget and time.time() < end:
        t0 = time.perf_counter()
        try:
            which = (offset + done) % len(bodies)
            conn.request("POST", "/query", bodies[which], headers)
            response = conn.getresponse()
            data = response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as err:
            conn.close()
            out.append((None, repr(err)))
            done += 1
            continue
        elapsed = time.perf_counter() - t0
        if status == 200:
            out.append((elapsed, (which, hashlib.sha1(data).hexdigest())))
        else:
            out.append((None, f"{status}: {data[:200]!r}"))
        done += 1
    conn.close()


def _client_process(port, bodies, first, start, end, budget, threads, queue) -> None:
    results: list = []
    pool = [
        threading.Thread(
            target=_client, args=(port, bodies, first + i, start, end, budget, results)
        )
        for i in range(threads)
    ]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    bodies = {data for latency, data in results if latency is not None}
    queue.put(
        (
            [latency for latency, _ in results if latency is not None],
            [data for latency, data in results if latency is None][:5],
            sum(1 for latency, _ in results if latency is None),
            sorted(bodies),
        )
    )


def load(
    name: str, port: int, bodies: tuple, clients: int, seconds: float, max_requests: int
) -> tuple[Result, set, list[str]]:
    """`clients` concurrent clients for `seconds` (or `max_requests` in all)."""
    ctx = mp.get_context("fork")
    processes = max(1, -(-clients // THREADS_PER_PROCESS))
    queue = ctx.Queue()
    start = time.time() + 0.5
    end = start + seconds
    budget = max(1, max_requests // clients)
    spread = [
        clients // processes + (1 if i < clients % processes else 0) for i in range(processes)
    ]
    firsts = [sum(spread[:i]) for i in range(len(spread))]
    children = [
        ctx.Process(
            target=_client_process, args=(port, bodies, first, start, end, budget, n, queue)
        )
        for first, n in zip(firsts, spread, strict=True)
    ]
    for child in children:
        child.start()
    latencies: list[float] = []
    errors: list[str] = []
    failures = 0
    answers: set = set()
    for _ in children:
        lat, errs, failed, seen = queue.get()
        latencies += lat
        errors += errs
        failures += failed
        answers.update(seen)
    for child in children:
        child.join()
    took = min(time.time(), end) - start
    took = max(took, sum(latencies) / clients if latencies else 0.0)
    return Result(name, clients, len(latencies), took, latencies, failures), answers, errors


def build_sample(folder: Path) -> Path:
    from beleidsgraaf.pipeline import build

    store = folder / "sample-store"
    statuses = [r.status for r in build([SAMPLE], store=store)]
    if statuses != ["ok"]:
        raise SystemExit(f"building the sample failed: {statuses}")
    return store


def build_synthetic(folder: Path, size: str) -> Path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from beleidsgraaf.graph.store import opened
    from bench_store import _size, synthesise

    nquads = folder / "synthetic.nq"
    quads, docs = synthesise(_size(size), nquads)
    print(f"synthesised {quads:,} triples in {docs:,} documents", flush=True)
    store = folder / f"store-{size}"
    with opened(store) as ds:
        oxstore = ds.store._inner
        oxstore.bulk_load(path=str(nquads), format=__import__("pyoxigraph").RdfFormat.N_QUADS)
        oxstore.optimize()
    nquads.unlink()
    return store


def named_query(name: str) -> str:
    for q in list_queries():
        if q.name == name:
            return bind_values(q.text, q.bindings())
    raise SystemExit(f"no named query {name!r}")


def _rate(rps: float) -> str:
    return f"{rps:,.0f}" if rps >= 100 else f"{rps:.1f}"


def report(results: list[Result]) -> None:
    print()
    print("| server | clients | requests | requests/s | p50 ms | p95 ms | failures |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r.server} | {r.clients} | {r.requests} | {_rate(r.rps)} | "
            f"{r.percentile(0.5) * 1000:.1f} | {r.percentile(0.95) * 1000:.1f} | {r.failures} |"
        )
    print()
    by = {}
    for r in results:
        by.setdefault((r.clients, r.server), []).append(r)
    for clients in sorted({r.clients for r in results}):
        bg = [r.rps for r in by.get((clients, "beleidsgraaf"), [])]
        ox = [r.rps for r in by.get((clients, "oxigraph"), [])]
        if bg and ox:
            ratios = [b / o for b, o in zip(bg, ox, strict=False) if o]
            print(
                f"{clients:>3} clients: beleidsgraaf {_rate(statistics.median(bg))} requests/s, "
                f"oxigraph {_rate(statistics.median(ox))} requests/s (medians of {len(bg)}); "
                f"ratio of medians {statistics.median(bg) / statistics.median(ox):.2f}x, "
                f"per run {', '.join(f'{x:.2f}' for x in ratios)}"
            )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--store", type=Path, help="serve this store (default: build the sample)")
    p.add_argument("--size", help="serve the synthetic graph of bench_store at this size (1M)")
    p.add_argument(
        "--query",
        default="partners-by-activities",
        help="named query to send, or 'all': every named query in turn",
    )
    p.add_argument("--clients", default="1,32", help="client counts, comma-separated")
    p.add_argument("--seconds", type=float, default=10.0, help="longest run, per server")
    p.add_argument("--max-requests", type=int, default=100_000, help="most requests per run")
    p.add_argument("--runs", type=int, default=3, help="runs per server and client count")
    p.add_argument("--workers", type=int, help="beleidsgraaf serve --workers")
    args = p.parse_args(argv)

    names = [q.name for q in list_queries()] if args.query == "all" else [args.query]
    bodies = tuple(urlencode({"query": named_query(n)}).encode() for n in names)
    clients = [int(c) for c in args.clients.split(",")]
    with tempfile.TemporaryDirectory(prefix="bench-endpoint-") as tmp:
        folder = Path(tmp)
        if args.store:
            store = args.store
        elif args.size:
            store = build_synthetic(folder, args.size)
        else:
            store = build_sample(folder)
        print(f"store {store}; query {args.query}; {os.cpu_count()} cores", flush=True)
        servers = start_servers(store, args.workers, folder)
        for name, (_, port) in servers.items():  # untimed: first answers, warm caches
            started = time.perf_counter()
            load(name, port, bodies, 1, 600.0, len(bodies) * 2)
            print(f"{name:>12} warm-up, every query twice: {time.perf_counter() - started:.1f} s")
        results: list[Result] = []
        answers: dict[str, set] = {}
        try:
            for n in clients:
                for run in range(args.runs):
                    order = ["beleidsgraaf", "oxigraph"]
                    if run % 2:
                        order.reverse()
                    for name in order:
                        result, seen, errors = load(
                            name, servers[name][1], bodies, n, args.seconds, args.max_requests
                        )
                        results.append(result)
                        answers.setdefault(name, set()).update(seen)
                        print(
                            f"{name:>12} {n:>3} clients run {run + 1}: {_rate(result.rps)} "
                            f"requests/s, p50 {result.percentile(0.5) * 1000:.1f} ms, "
                            f"p95 {result.percentile(0.95) * 1000:.1f} ms"
                            + (f", {result.failures} failed: {errors[:2]}" if errors else ""),
                            flush=True,
                        )
        finally:
            stop_servers(servers)
        report(results)
        for name, seen in answers.items():
            if len(seen) != len({which for which, _ in seen}):
                print(f"warning: {name} gave different answers to the same query")
        if len({frozenset(b) for b in answers.values()}) != 1:
            print("warning: the two servers gave different answers")
        else:
            print("both servers gave the same answer to every request")
    return 0


if __name__ == "__main__":
    sys.exit(main())
