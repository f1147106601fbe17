"""`beleidsgraaf serve` under load and abuse (slow suite: `make test-slow`).

50 clients for LOAD_SECONDS (default 60) send a mix of the named queries and hostile requests:
four-way cross products (must be stopped at the time limit: 503), results larger than the
limit (413), malformed text (400), updates (403), SERVICE (400), and slow clients that send
half a request and stop (408 when the request time runs out). Every answer is checked: named
queries against the embedded store's answers, hostile ones for their status. At the end no
worker is stuck or left over (exactly --workers live query processes, none a zombie), the
store holds the same quads as before, and the only 5xx answers are the time-limit ones: a
cross product stopped (503), or a request that waited the whole time limit for a free worker
because cross products held them all (503, counted apart).
The figures go to stdout (pytest -s) for docs/reliability.md.
"""

from __future__ import annotations

import http.client
import os
import random
import socket
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import pytest
from beleidsgraaf.graph import endpoint
from beleidsgraaf.graph.endpoint import Limits, make_endpoint
from beleidsgraaf.graph.queries import list_queries
from beleidsgraaf.graph.sparql import bind_values, format_result, run_query
from beleidsgraaf.graph.store import opened

from beleidsgraaf.pipeline import build

pytestmark = pytest.mark.slow

SECONDS = float(os.environ.get("LOAD_SECONDS", "60"))
CLIENTS = 50
TIMEOUT = 3.0
MAX_BYTES = 256 * 1024
WORKERS = 3
REQUEST_TIME = 2.0  # instead of 30 s, so that slow clients are dropped within the run
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
# (kind, weight, request body or None, the status it must get)
HOSTILE = [
    ("cross product", 1, {"query": ENDLESS}, 503),
    ("huge result", 3, {"query": "SELECT * WHERE { ?s ?p ?o }"}, 413),
    ("malformed", 4, {"query": "SELECT ?s WHERE { ?s ?p "}, 400),
    ("update", 2, {"update": "DROP ALL"}, 403),
    ("update as query", 2, {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}, 403),
    ("service", 2, {"query": "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}, 400),
    ("half a request", 2, None, 408),
]
NAMED_WEIGHT = 84  # of 100


@pytest.fixture(scope="module")
def store(sample_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("load") / "store"
    assert [r.status for r in build([sample_path], store=path, entities=True)] == ["ok"]
    return path


def _rows(text: str) -> list[str]:
    return sorted(text.replace("\r\n", "\n").splitlines())


def _post(conn: http.client.HTTPConnection, form: dict) -> tuple[int, bytes]:
    conn.request(
        "POST",
        "/query",
        urlencode(form),
        {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/csv"},
    )
    response = conn.getresponse()
    return response.status, response.read()


def _half_request(port: int) -> tuple[int, bytes]:
    """Send the start of a request and nothing more; the server must give up on it."""
    with socket.create_connection(("127.0.0.1", port), timeout=REQUEST_TIME + 20) as sock:
        sock.sendall(b"POST /query HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\nquery=SEL")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.1 ") else 0, data


def _children(pid: int) -> list[tuple[int, str, bytes]]:
    """(pid, state, command line) of the processes whose parent is `pid`."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append((int(entry), fields[0], cmdline))
    return found


def _query_processes() -> list[tuple[int, str]]:
    """(pid, state) of the query workers of this process: spawned ones are its children,
    forked ones children of its multiprocessing forkserver (which itself stays)."""
    mine = _children(os.getpid())
    workers = [(pid, state) for pid, state, cmd in mine if b"spawn_main" in cmd]
    for pid, _, cmd in mine:
        if b"forkserver" in cmd:
            workers += [(child, state) for child, state, _ in _children(pid)]
    return workers


def test_fifty_clients_with_hostile_queries_for_a_minute(store: Path, store_dump, monkeypatch):
    monkeypatch.setattr(endpoint, "REQUEST_TIME", REQUEST_TIME)
    with opened(store, read_only=True) as ds:
        expected = {
            q.name: _rows(format_result(run_query(ds, q.text, q.bindings()), "csv"))
            for q in list_queries()
        }
    named = {q.name: bind_values(q.text, q.bindings()) for q in list_queries()}
    before = store_dump(store)

    limits = Limits(timeout=TIMEOUT, max_result_bytes=MAX_BYTES, workers=WORKERS)
    server, pool = make_endpoint(store, "127.0.0.1", 0, limits)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_port
    tally: Counter = Counter()
    wrong: list = []
    latency: dict[str, list[float]] = {}
    lock = threading.Lock()
    kinds = [("named", NAMED_WEIGHT, None, 200)] + HOSTILE
    deadline = time.monotonic() + SECONDS

    def client(seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < deadline:
            kind, _, form, want = rng.choices(kinds, [k[1] for k in kinds])[0]
            name = rng.choice(sorted(named)) if kind == "named" else kind
            started = time.perf_counter()
            try:
                if kind == "half a request":
                    status, body = _half_request(port)
                else:
                    status, body = _post(conn, {"query": named[name]} if form is None else form)
            except (OSError, http.client.HTTPException) as err:
                conn.close()
                status, body = -1, repr(err).encode()
            took = time.perf_counter() - started
            ok = status == want and (kind != "named" or _rows(body.decode()) == expected[name])
            if status == 503 and b"stayed busy" in body:
                ok = True  # waited the whole time limit for a worker (cross products): counted
                kind += ", all workers busy"
            elif kind == "cross product":
                kind += ", stopped" if b"was stopped" in body else ""
            with lock:
                tally[(kind, status)] += 1
                latency.setdefault(kind, []).append(took)
                if not ok:
                    wrong.append((name, status, body[:200]))
        conn.close()

    try:
        with ThreadPoolExecutor(max_workers=CLIENTS) as ex:
            list(ex.map(client, range(CLIENTS)))
        time.sleep(1.0)  # replacements of the last killed workers come up
        alive = pool.processes()
        replaced = pool.replaced
        running = _query_processes()
    finally:
        server.shutdown()
        server.server_close()
        pool.close()

    total = sum(tally.values())
    print(
        f"\n{total} requests from {CLIENTS} clients in {SECONDS:g} s; workers replaced {replaced}"
    )
    for (kind, status), n in sorted(tally.items()):
        times = sorted(latency[kind])
        p95 = times[int(0.95 * (len(times) - 1))]
        print(
            f"  {kind:<26} {status:>4} x {n:<6} p50 {times[len(times) // 2]:.3f} s, p95 {p95:.3f} s"
        )
    assert wrong == [], wrong[:10]
    assert all(status != -1 for _, status in tally), "a connection failed"
    five = {k: n for k, n in tally.items() if k[1] >= 500}
    assert all(
        kind == "cross product, stopped" or kind.endswith("all workers busy") for kind, _ in five
    ), five
    assert {s for _, s in five} == {503}, five
    stopped = tally[("cross product, stopped", 503)]
    assert stopped > 0 and tally[("half a request", 408)] > 0
    assert sum(n for (kind, _), n in tally.items() if kind == "named") > total // 2
    assert len(alive) == WORKERS, alive  # every killed worker was replaced, none left stuck
    assert sorted(pid for pid, _ in running) == sorted(alive), running  # and no others
    assert all(state != "Z" for _, state in running), running
    assert replaced >= stopped
    time.sleep(0.5)
    left = _query_processes()
    assert left == [], f"query processes left after close: {left}"  # none stuck, no zombies
    assert store_dump(store) == before  # not one quad changed
