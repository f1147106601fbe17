"""A read-only SPARQL 1.1 Protocol endpoint over the on-disk store (`beleidsgraaf serve`).

Why not just Oxigraph's own server (`oxigraph serve-read-only`)? It is fast and speaks the
protocol, but it runs SERVICE clauses (outside fetches), has no result-size limit, and its
`--timeout-s` does not stop a query that is still computing (measured: a four-way cross product
kept a core busy for minutes after the timeout). So the guard here owns the HTTP side and
Oxigraph does the querying, in worker processes that each hold the store open read-only:

- the HTTP side is one asyncio event loop (uvloop where installed) that reads requests
  (parsed by httptools, i.e. llhttp), keeps connections alive, and hands each query to a free
  worker over a pipe; it never evaluates anything itself and never waits on one client, so a
  slow client or a slow query holds up nobody else;
- a worker writes its answer to the client's socket itself, and when no other query waits
  for it, keeps that connection and reads the client's next plain query itself
  (endpoint_workers._keep), so a client that asks again does not pass through the loop;
  anything else on that connection, or a query for the worker, gives the connection back;
- every query is parsed first, in the worker (rdflib's SPARQL grammar, cached per text):
  malformed -> 400 with line and column; SERVICE -> 400; an update (or the `update`
  parameter) -> 403, the endpoint is read-only;
- a query (its parse included) that runs past the time limit is stopped by killing its worker
  (a fresh one takes its place), and the client gets 503; the other workers go on serving;
- results are serialised by Oxigraph straight into a buffer that refuses to grow past the size
  limit (413), so a client gets either the whole answer or a clear error, never a cut-off file;
- CORS: every answer carries Access-Control-Allow-Origin (default "*": public data, no
  credentials) and OPTIONS answers preflights; `Cors` restricts it to given origins or turns
  it off;
- slow or greedy clients are bounded: a request must arrive whole within REQUEST_TIME (408),
  headers within HEADER_LIMIT bytes (431), a body within MAX_REQUEST_BYTES (413); an answer
  the client does not read within SEND_TIME drops the connection; at most MAX_CONNECTIONS.
"""

from __future__ import annotations

import asyncio
import collections
import functools
import json
import logging
import multiprocessing as mp
import os
import pickle
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from .endpoint_passed import PassedTexts
from .endpoint_protocol import (
    _REASONS,
    ANSWER_STATUS,
    HEADER_LIMIT,
    MAX_REQUEST_BYTES,
    MEMO_BYTES,
    MEMO_ENTRIES,
    Cors,
    QueryTimeout,
    Request,
    Response,
    ResultTooLarge,
    WorkerLost,
    _Date,
    _error,
    _ReadOnly,
    negotiate,
    query_request,
)
from .endpoint_protocol import _form as _form  # re-exported: the tests hold it against urllib
from .endpoint_workers import WorkerState, _frame, _send_frame, _worker
from .sparql import QueryError, bind_values

__all__ = [
    "Cors",
    "Endpoint",
    "Limits",
    "QueryPool",
    "QueryTimeout",
    "ResultTooLarge",
    "SparqlApp",
    "make_endpoint",
    "negotiate",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limits:
    """What one query may take: wall-clock seconds and bytes of serialised result."""

    timeout: float = 30.0
    max_result_bytes: int = 16 * 1024 * 1024
    # one more than the cores: a worker that has just answered waits for the event loop
    # while the others compute (measured on 2 cores: 3 workers 0.93x oxigraph at 32 clients,
    # 2 workers 0.79x, same run)
    workers: int = max(2, min(12, (os.cpu_count() or 1) + 1))


class _Channel:
    """The server's end of a worker's pipe, read and written by the event loop without ever
    blocking it: `on_message(obj)` for each framed message, `on_closed()` at end of file."""

    CHUNK = 256 * 1024

    def __init__(self, conn, on_message: Callable, on_closed: Callable) -> None:
        self.conn = conn
        self.fd = conn.fileno()
        self.on_message = on_message
        self.on_closed = on_closed
        self.loop: asyncio.AbstractEventLoop | None = None
        self.buffer = bytearray()
        self.scratch = bytearray(self.CHUNK)
        self.unsent = memoryview(b"")
        self.writing = False
        self.closed = False
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM, fileno=os.dup(self.fd))

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        if self.loop is not loop and not self.closed:
            os.set_blocking(self.fd, False)
            loop.add_reader(self.fd, self._on_readable)
            self.loop = loop

    def _on_readable(self) -> None:
        while True:
            try:
                n = os.readv(self.fd, [self.scratch])
            except BlockingIOError:
                break
            except OSError:
                n = 0
            if n == 0:
                self.close()
                break
            self.buffer += memoryview(self.scratch)[:n]
            if n < self.CHUNK:
                break
        for message in self._messages():
            self.on_message(message)
        if self.closed:
            self.on_closed()

    def _messages(self) -> list:
        found, buffer = [], self.buffer
        while len(buffer) >= 4:
            (size,) = struct.unpack_from("!i", buffer)
            start = 4
            if size == -1:
                if len(buffer) < 12:
                    break
                (size,) = struct.unpack_from("!Q", buffer, 4)
                start = 12
            if len(buffer) < start + size:
                break
            found.append(pickle.loads(memoryview(buffer)[start : start + size]))
            del buffer[: start + size]
        return found

    def send(self, message) -> None:
        """Queue one message; what the pipe does not take at once goes when it can."""
        frame = _frame(message)
        self.unsent = memoryview(bytes(self.unsent) + frame if self.unsent else frame)
        if not self.writing:
            self._flush()

    def send_with_fd(self, message, fd: int) -> bool:
        """Send `message` with a copy of the file descriptor `fd` (SCM_RIGHTS); False, with
        nothing sent, when that cannot happen at once."""
        if self.unsent or self.closed:
            return False
        frame = _frame(message)
        try:
            sent = socket.send_fds(self.sock, [frame], [fd])
        except BlockingIOError:
            return False
        except OSError:  # the worker is gone; the reader sees the end of file
            return True
        if sent < len(frame):
            self.unsent = memoryview(frame)[sent:]
            self._flush()
        return True

    def _flush(self) -> None:
        try:
            while self.unsent:
                self.unsent = self.unsent[os.write(self.fd, self.unsent) :]
        except BlockingIOError:
            if not self.writing:
                self.loop.add_writer(self.fd, self._flush)
                self.writing = True
            return
        except OSError:  # the worker is gone; the reader sees the end of file
            self.unsent = memoryview(b"")
        if self.writing:
            self.writing = False
            self.loop.remove_writer(self.fd)

    def close(self) -> None:
        if self.loop is not None and not self.closed and not self.loop.is_closed():
            self.loop.remove_reader(self.fd)
            if self.writing:
                self.loop.remove_writer(self.fd)
        self.writing = False
        self.closed = True
        self.sock.close()
        self.conn.close()


class _Job:
    """One query for the pool: the message, who wants the answer, and its timer (the wait
    for a worker, then the time limit)."""

    __slots__ = ("message", "done", "direct", "timer", "started", "lender")

    def __init__(self, message: tuple, done: Callable, direct: Callable | None) -> None:
        self.message = message
        self.done = done
        self.direct = direct
        self.timer: asyncio.TimerHandle | None = None
        self.started = 0.0
        self.lender: Any = None  # who lent the worker its connection (see _Reply.direct)


class _Worker:
    """One worker process and the jobs sent to it (the first is running)."""

    STARTUP = 120.0  # seconds a new worker may take to start and open the store

    def __init__(self, ctx, store_path: str, pool: QueryPool) -> None:
        self.conn, child = ctx.Pipe()
        self.state = ctx.RawValue(WorkerState)  # written by the worker, read here
        self.process = ctx.Process(
            target=_worker,
            args=(store_path, child, self.state, pool.limits.max_result_bytes, pool.passed),
            daemon=True,
        )
        self.process.start()
        child.close()
        self.ready = False
        self.jobs: collections.deque[_Job] = collections.deque()  # the first one is running
        self.keeping: Any = None  # the lender of the connection the worker keeps, if any
        self.channel = _Channel(
            self.conn, functools.partial(pool._message, self), functools.partial(pool._lost, self)
        )

    def wait_ready(self) -> None:
        """Block until the worker has opened the store; raise QueryError when it cannot."""
        if not self.conn.poll(self.STARTUP):
            raise QueryError("a query worker did not start in time")
        try:
            status, detail, _ = self.conn.recv()
        except EOFError:
            raise QueryError("a query worker stopped while starting") from None
        if status != "ready":
            raise QueryError(detail)
        self.ready = True

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.channel.close()


def _process_context():
    """forkserver where the platform has it: a new worker is forked from a small server process
    that has already imported this module, rdflib and pyoxigraph (tens of ms, where a new
    interpreter takes a second or more: what a query stopped at the time limit costs the
    pool); spawn elsewhere. Never a fork of this threaded server itself."""
    if "forkserver" not in mp.get_all_start_methods():
        return mp.get_context("spawn")
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload([__name__, "pyoxigraph"])
    return ctx


class QueryPool:
    """Worker processes that each hold the store open read-only; a query that overruns the
    time limit costs its worker, not the server.

    Made in any thread (it starts the workers and waits for them); `submit` (or `run`) is
    then called on one asyncio event loop only. Each query gets the full time limit once a
    worker has it; waiting for a free worker may take as long again (then 503).
    """

    def __init__(self, store_path: str | Path, limits: Limits) -> None:
        self.store_path = str(store_path)
        self.limits = limits
        self._ctx = _process_context()
        self._idle: collections.deque[_Worker] = collections.deque()
        self._waiting: collections.deque[_Job] = collections.deque()
        # what the workers' guards let through: a text is parsed once for the whole pool
        self.passed = PassedTexts(self._ctx)
        self._all: list[_Worker] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._watching: asyncio.TimerHandle | None = None
        self.replaced = 0  # workers killed (time limit) or lost, and started anew
        workers = [self._spawn() for _ in range(limits.workers)]
        try:
            for worker in workers:
                worker.wait_ready()
        except QueryError:
            self.close()
            raise
        self._idle.extend(workers)

    def _spawn(self) -> _Worker:
        worker = _Worker(self._ctx, self.store_path, self)
        self._all.append(worker)
        if self._loop is not None:
            worker.channel.attach(self._loop)
        return worker

    def _attach(self, loop: asyncio.AbstractEventLoop | None = None) -> asyncio.AbstractEventLoop:
        """Read the workers' pipes on `loop` (the running one by default)."""
        loop = loop or asyncio.get_running_loop()
        if self._loop is not loop:
            self._loop = loop
            for worker in self._all:
                worker.channel.attach(loop)
        return loop

    def submit(
        self,
        message: tuple,
        done: Callable[[tuple[str, str, bytes]], None],
        direct: Callable[[], tuple[int, bytes] | None] | None = None,
    ) -> None:
        """Answer `message` (see `_answer`) with `done((status, detail, body))`, on the loop:
        status ok, large, malformed, read-only, error (from the worker), timeout (stopped at
        the time limit), busy (no worker came free in time) or lost (the worker died).

        `direct()`, asked when a worker takes the query, may offer the client's socket and
        the server's header lines for it: the worker then writes the HTTP response itself,
        and `done` gets ("sent", "", rest to write) or, when the worker died while writing,
        ("cut", ...): the connection cannot be answered any more."""
        if self._loop is None:  # else attached by the server, or by run()
            self._attach()
        job = _Job(message, done, direct)
        if self._idle:
            self._dispatch(self._take_idle(), job)
            return
        # All busy: queue the job right behind one that has only just started, so that the
        # worker goes on to it without waiting for this loop (no idle gap, warm caches).
        now = time.monotonic()
        for worker in self._all:
            if len(worker.jobs) == 1 and now - worker.jobs[0].started < self.PIPELINE_YOUNG:
                self._dispatch(worker, job)
                return
        self._wait(job)

    PIPELINE_YOUNG = 0.02  # seconds: a query that has run longer may be a slow one

    def _take_idle(self) -> _Worker:
        """An idle worker: one that is not answering a request of its own (on a connection it
        keeps) if there is one, else the one whose own query started last (this query then
        waits behind it, and the worker gives the connection back before it starts it)."""
        chosen = None
        for worker in self._idle:
            if not worker.state.own:
                chosen = worker
                break
        if chosen is None:
            chosen = max(self._idle, key=lambda w: w.state.started)
        self._idle.remove(chosen)
        return chosen

    def _wait(self, job: _Job, first: bool = False) -> None:
        job.timer = self._loop.call_later(self.limits.timeout, self._waited_too_long, job)
        if first:
            self._waiting.appendleft(job)
        else:
            self._waiting.append(job)

    def _waited_too_long(self, job: _Job) -> None:
        self._waiting.remove(job)
        job.done(
            (
                "busy",
                f"all {self.limits.workers} workers stayed busy for {self.limits.timeout:g} s; "
                "try again later",
                b"",
            )
        )

    def _dispatch(self, worker: _Worker, job: _Job) -> None:
        """Send `job` to `worker`; its time limit starts when the worker starts it."""
        if job.timer is not None:
            job.timer.cancel()
            job.timer = None
        worker.jobs.append(job)
        if len(worker.jobs) == 1:
            self._start(worker)
        offer = job.direct() if job.direct is not None else None
        if offer is not None:
            fd, head, keep, lender = offer
            if worker.channel.send_with_fd((job.message, head, keep), fd):
                job.lender = lender if keep is not None else None
                return
        worker.channel.send((job.message, None, None))

    def _start(self, worker: _Worker) -> None:
        head = worker.jobs[0]
        head.started = time.monotonic()
        head.timer = self._loop.call_later(self.limits.timeout, self._overrun, worker)

    def _message(self, worker: _Worker, message: tuple) -> None:
        if not worker.ready:  # a replacement worker, started
            if message[0] != "ready":
                log.error("a replacement query worker failed: %s", message[1])
                self._retire(worker, restart=False)
                return
            worker.ready = True
            self._idle.append(worker)
            self._pump()
            return
        kind = message[0]
        if kind == "released":  # (released, data read and not answered, rest to send, eof)
            lender, worker.keeping = worker.keeping, None
            if lender is not None:
                lender.released(message[1], message[2])
            return
        if not worker.jobs:
            return
        job = worker.jobs.popleft()
        job.timer.cancel()
        if kind == "kept":  # answered, and the worker keeps the connection for the next
            worker.keeping = job.lender
            self._watch_kept()
        if worker.jobs:
            self._start(worker)
            if self._waiting:  # keep it one ahead
                self._dispatch(worker, self._waiting.popleft())
        elif self._waiting:
            self._dispatch(worker, self._waiting.popleft())
        else:
            self._idle.append(worker)
        job.done(message)

    def _pump(self) -> None:
        while self._idle and self._waiting:
            self._dispatch(self._take_idle(), self._waiting.popleft())

    def _watch_kept(self) -> None:
        """Look at the workers that keep a connection every so often: the queries they read
        themselves are under the same time limit (plus at most this interval)."""
        if self._watching is None:
            self._watching = self._loop.call_later(
                min(0.25, self.limits.timeout / 10), self._check_kept
            )

    def _check_kept(self) -> None:
        self._watching = None
        now = time.monotonic()
        for worker in list(self._all):
            if worker.keeping is not None and worker.state.own:
                if now - worker.state.started > self.limits.timeout:
                    self._overrun(worker)
        if any(worker.keeping is not None for worker in self._all):
            self._watch_kept()

    def _overrun(self, worker: _Worker) -> None:
        self._fail(
            worker,
            "timeout",
            f"the query ran longer than this server's limit of {self.limits.timeout:g} s "
            "and was stopped",
        )

    def _lost(self, worker: _Worker) -> None:
        self._fail(worker, "lost", "the query worker stopped unexpectedly; try again")

    def _fail(self, worker: _Worker, status: str, detail: str) -> None:
        """`worker` overran or died: its query gets `status`; the queries queued behind it
        (not started, and read-only anyway) go back to the front of the queue. When it was
        answering a request it read itself, on a connection it kept, that request is the one
        that gets `status`, and every query sent to it was still waiting behind it."""
        jobs = list(worker.jobs)
        worker.jobs.clear()
        state = worker.state
        cut, own, origin = bool(state.writing), bool(state.own), state.origin.decode("latin-1")
        lender, worker.keeping = worker.keeping, None
        self._retire(worker, restart=worker.ready)
        self._grace()
        started = [] if lender is not None and own else jobs[:1]
        for job in reversed(jobs[len(started) :]):
            if job.timer is not None:
                job.timer.cancel()
            self._wait(job, first=True)
        self._pump()
        answer = ("cut" if cut else status, detail, b"")
        if lender is not None:
            if own:
                lender.stopped(answer, origin)
            else:  # quiet, but what it had read of the connection is gone with it
                lender.lost()
        for head in started:
            if head.timer is not None:
                head.timer.cancel()
            head.done(answer)

    REPLACED_GRACE = 1.0  # seconds a waiting query has at least once a worker is replaced

    def _grace(self) -> None:
        """Queries that have waited for a worker nearly the whole time limit get a little
        longer when a worker has just been replaced: the replacement takes tens of ms to
        start, and a query waiting behind a stopped one should go to it, not get 503."""
        now = self._loop.time()
        for job in self._waiting:
            if job.timer is not None and job.timer.when() - now < self.REPLACED_GRACE:
                job.timer.cancel()
                job.timer = self._loop.call_later(self.REPLACED_GRACE, self._waited_too_long, job)

    def _retire(self, worker: _Worker, restart: bool = True) -> None:
        """Kill `worker` and start another in its place (it joins the idle ones when ready)."""
        worker.kill()
        if worker in self._all:
            self._all.remove(worker)
        if worker in self._idle:
            self._idle.remove(worker)
        self.replaced += 1
        self._loop.run_in_executor(None, worker.process.join, 5)
        if restart:
            self._spawn()
        elif not self._all:
            log.error("no query worker is left; queries get 503 until the server restarts")

    async def run(
        self,
        text: str,
        results_fmt: str = "JSON",
        rdf_fmt: str = "TURTLE",
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
    ) -> tuple[str, bytes]:
        """(media type, body) of a query; raises QueryTimeout, ResultTooLarge, QueryError
        (_ReadOnly for updates), WorkerLost."""
        answer = self._attach().create_future()
        self.submit(
            self.message(text, results_fmt, rdf_fmt, default_graphs, named_graphs, base_iri),
            lambda result: answer.done() or answer.set_result(result),
        )
        status, detail, body = await answer
        if status == "ok":
            return detail, body
        raise _ANSWER_ERRORS.get(status, QueryError)(detail)

    def message(
        self,
        text: str,
        results_fmt: str = "JSON",
        rdf_fmt: str = "TURTLE",
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
    ) -> tuple:
        return (
            text,
            results_fmt,
            rdf_fmt,
            self.limits.max_result_bytes,
            default_graphs or [],
            named_graphs or [],
            base_iri,
        )

    def processes(self) -> list[int]:
        """Process ids of the live workers (for tests and the load check)."""
        return [w.process.pid for w in self._all if w.process.is_alive()]

    def close(self) -> None:
        workers = list(self._all)
        self._all.clear()
        self._idle.clear()
        for worker in workers:
            try:
                os.set_blocking(worker.channel.fd, True)
                _send_frame(worker.channel.fd, None)
            except OSError:
                pass
        for worker in workers:
            worker.process.join(timeout=2)
            worker.kill()
            worker.process.join(timeout=5)


_ANSWER_ERRORS = {
    "large": ResultTooLarge,
    "read-only": _ReadOnly,
    "timeout": QueryTimeout,
    "busy": QueryTimeout,
    "lost": WorkerLost,
}


class SparqlApp:
    """What the endpoint answers: /query and /sparql (SPARQL 1.1 Protocol), / (query page).

    `handle(request, reply)` calls `reply(response)` once, at once or when a worker has
    answered; it never blocks the event loop.
    """

    def __init__(self, pool: QueryPool, cors: Cors | None = None) -> None:
        self.pool = pool
        self.cors = cors or Cors()

    def handle(self, request: Request, reply: Callable[[Response], None]) -> None:
        try:
            response = self._route(request, reply)
        except QueryError as err:
            response = _error(400, str(err))
        if response is not None:
            reply(response)

    def _route(self, request: Request, reply: Callable[[Response], None]) -> Response | None:
        if request.path in ("/", "/index.html"):
            return self._page()
        asked = request.asked
        if asked is None:
            asked = query_request(request, self.cors)
            if isinstance(asked, tuple):
                request.asked = asked
        if asked is None:
            return self._description(request)
        if isinstance(asked, Response):
            return asked
        message = self.pool.message(*asked)
        self.pool.submit(
            message, lambda answer: reply(_answered(answer)), getattr(reply, "direct", None)
        )
        return None

    def _description(self, request: Request) -> Response:
        if "text/html" in request.header("accept"):
            return self._page()
        body = SERVICE_DESCRIPTION.format(endpoint=f"http://{request.host}/query")
        return Response(200, body.encode("utf-8"), [("Content-Type", "text/turtle; charset=utf-8")])

    @functools.cached_property
    def _page_bytes(self) -> bytes:
        from .queries import list_queries

        examples = {q.name: bind_values(q.text, q.bindings()) for q in list_queries()}
        options = "".join(
            f'<option value="{escape(name)}">{escape(name)}</option>' for name in examples
        )
        return (
            QUERY_PAGE.replace("{{OPTIONS}}", options)
            .replace("{{EXAMPLES}}", json.dumps(examples).replace("</", "<\\/"))
            .encode("utf-8")
        )

    def _page(self) -> Response:
        return Response(200, self._page_bytes, [("Content-Type", "text/html; charset=utf-8")])


def _answered(answer: tuple[str, str, bytes]) -> Response:
    status, detail, body = answer
    if status == "sent":
        return Response(0, body, written=True)
    if status == "kept":
        return Response(0, b"", written=True, kept=True)
    if status == "cut":
        return Response(0, b"", cut=True)
    if status == "ok":
        return Response(
            200, body, [("Content-Type", f"{detail}; charset=utf-8"), ("Vary", "Accept")]
        )
    if status == "large":
        detail += "; add LIMIT or narrow the query"
    return _error(ANSWER_STATUS.get(status, 500), detail)


# --- HTTP/1.1 over asyncio: the request line and headers are parsed by httptools (llhttp) ----


KEEP_ALIVE = 10.0  # seconds an idle connection is kept open
REQUEST_TIME = 30.0  # seconds from a request's first byte to its last (slow clients: 408)
SEND_TIME = 60.0  # seconds a client may take to read what it asked for before it is dropped
MAX_CONNECTIONS = 1000
PIPELINE = 16  # requests read ahead on one connection before reading pauses


class _Connection(asyncio.Protocol):
    """One client connection: requests in order (pipelined ones queued), keep-alive, and the
    time limits above; a request's answer is written when the app replies."""

    def __init__(self, server: Endpoint) -> None:
        import httptools

        self.server = server
        self.parser = httptools.HttpRequestParser(self)
        self.parse_url = httptools.parse_url
        self.errors = (httptools.HttpParserError, httptools.HttpParserUpgrade)
        self.transport: asyncio.Transport | None = None
        self.fd = -1  # the socket's file descriptor, for workers to write answers on
        self.peer = ("", 0)
        self.queue: collections.deque[tuple[Request, bool]] = collections.deque()
        self.busy = False  # a request of this connection is with the app
        self.paused_writing = False
        self.closing = False  # answer what was read, then close
        self.timer: asyncio.TimerHandle | None = None
        self.loop: asyncio.AbstractEventLoop = asyncio.get_event_loop()  # the running one
        self.partial = False  # part of a request is read (its end not yet)
        self.lent = False  # a worker reads and answers this connection (see released)
        self.feeding = False  # in data_received: requests are queued, not yet sent on
        self.begun = 0  # requests begun in what data_received is parsing
        self._reset()

    def _reset(self) -> None:
        self.url = b""
        self.headers: dict[str, str] = {}
        self.head_size = 0
        self.body: list[bytes] = []
        self.body_size = 0
        self.refused: Response | None = None  # a request answered before its body is read

    # -- asyncio.Protocol
    def connection_made(self, transport) -> None:
        self.transport = transport
        self.peer = transport.get_extra_info("peername") or ("", 0)
        sock = transport.get_extra_info("socket")
        self.fd = sock.fileno() if sock is not None else -1
        if len(self.server.connections) >= MAX_CONNECTIONS:
            self._write(_error(503, "too many connections; try again later"), close=True)
            return
        self.server.connections.add(self)
        self._arm(KEEP_ALIVE, self._idle)

    def connection_lost(self, exc) -> None:
        self.server.connections.discard(self)
        self._disarm()
        self.closing = True
        self.transport = None

    def data_received(self, data: bytes) -> None:
        """Parse what came; the first whole request goes to the app once all of `data` is
        read, so that it is known whether more of the connection was read with it (a worker
        may keep only a connection with nothing read ahead)."""
        if self.closing:
            return
        fresh = not (self.partial or self.queue or self.busy) and len(data) <= MEMO_BYTES
        if fresh:
            known = self.server.requests.get(data)
            if known is not None:  # one whole request, read before: the parser is between
                self.queue.append(known)  # requests, as it would be after reading it again
                self._next()
                return
        self.feeding = True
        self.begun = 0
        try:
            self.parser.feed_data(data)
        except self.errors[1]:  # Upgrade: answer what was asked, then close
            self.closing = True
        except self.errors[0] as err:
            self.closing = True  # what was read whole before it is still answered, first
            self.feeding = False
            self._next()
            if self.head_size > HEADER_LIMIT:
                self._fail(431, f"the request line and headers pass {HEADER_LIMIT:,} bytes")
            else:
                self._fail(400, f"malformed HTTP request: {err}")
        finally:
            self.feeding = False
        if fresh and self.begun == 1 and len(self.queue) == 1 and not self.closing:
            self.server.remember(data, self.queue[0])
        self._next()

    def pause_writing(self) -> None:
        self.paused_writing = True
        self._arm(SEND_TIME, self._abort)

    def resume_writing(self) -> None:
        self.paused_writing = False
        self._disarm()
        self._next()

    # -- httptools callbacks
    def on_message_begin(self) -> None:
        self._reset()
        self.begun += 1
        self.partial = True
        if not self.busy and not self.queue:
            self._arm(REQUEST_TIME, self._too_slow)

    def _count(self, size: int) -> None:
        self.head_size += size
        if self.head_size > HEADER_LIMIT:
            raise ValueError("header limit")  # the parser stops; data_received answers 431

    def on_url(self, url: bytes) -> None:
        self.url += url
        self._count(len(url))

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count(len(name) + len(value))
        key, text = name.decode("latin-1").lower(), value.decode("latin-1").strip()
        self.headers[key] = f"{self.headers[key]}, {text}" if key in self.headers else text

    def on_headers_complete(self) -> None:
        length = self.headers.get("content-length", "0")
        if not length.isdigit() or int(length) > MAX_REQUEST_BYTES:
            self.refused = _error(413, f"a query may be at most {MAX_REQUEST_BYTES:,} bytes")
            self._fail_after_headers()
        elif self.headers.get("expect", "").lower() == "100-continue" and self.transport:
            self.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")

    def on_body(self, body: bytes) -> None:
        if self.refused is not None:
            return
        self.body_size += len(body)
        if self.body_size > MAX_REQUEST_BYTES:  # chunked, without a length up front
            self.refused = _error(413, f"a query may be at most {MAX_REQUEST_BYTES:,} bytes")
            self._fail_after_headers()
            return
        self.body.append(body)

    def on_message_complete(self) -> None:
        self.partial = False
        if self.refused is not None:
            return
        url = self.parse_url(self.url)
        path = url.path.decode("latin-1")
        if "%" in path:
            path = unquote(path)
        request = Request(
            self.parser.get_method().decode("ascii"),
            path,
            (url.query or b"").decode("latin-1"),
            self.headers,
            b"".join(self.body),
            self.headers.get("host") or "{}:{}".format(*self.server.server_address),
        )
        keep_alive = self.parser.should_keep_alive()
        self.queue.append((request, keep_alive))
        if len(self.queue) > PIPELINE and self.transport:
            self.transport.pause_reading()
        if not self.feeding:
            self._next()

    # -- answering
    def _next(self) -> None:
        if self.busy or not self.queue or self.paused_writing or self.transport is None:
            return
        request, keep_alive = self.queue.popleft()
        self._disarm()
        self.busy = True
        self.server.app.handle(
            request, _Reply(self, request.header("origin"), keep_alive and not self.closing)
        )

    def _reply(self, reply: _Reply, response: Response) -> None:
        if response.kept:  # answered, and the worker goes on reading the connection
            self.lent = True
            return
        self.busy = False
        if self.transport is None:  # the client went away while its query ran
            return
        last = not reply.keep_alive or (self.closing and not self.queue) or reply.promised_close
        self._write(response, close=last, origin=reply.origin)
        if last:
            return
        if len(self.queue) <= PIPELINE:
            self.transport.resume_reading()
        if self.queue:
            self._next()
        else:
            self._arm(KEEP_ALIVE, self._idle)

    def _write(self, response: Response, close: bool = False, origin: str = "") -> None:
        transport = self.transport
        if transport is None:
            return
        if response.cut:
            self.closing = True
            transport.abort()
            return
        if response.written:
            if response.body:
                transport.write(response.body)
            if close:
                self.closing = True
                transport.close()
            return
        head = [f"HTTP/1.1 {response.status} {_REASONS.get(response.status, 'Error')}"]
        for name, value in response.headers:
            head.append(f"{name}: {value}")
        for name, value in self.server.app.cors.headers(origin):
            head.append(f"{name}: {value}")
        head.append(f"Content-Length: {len(response.body)}")
        if close:
            head.append("Connection: close")
        data = ("\r\n".join(head) + "\r\nDate: ").encode("latin-1") + _Date.now() + b"\r\n\r\n"
        transport.writelines([data, response.body])
        if close:
            self.closing = True
            transport.close()

    # -- a connection lent to a worker (endpoint_workers._keep)
    def released(self, data: bytes, rest: bytes) -> None:
        """The worker gives the connection back: this loop reads it again, starting with what
        the worker read and did not answer, after sending what the worker could not."""
        self.lent = False
        self.busy = False
        transport = self.transport
        if transport is None:
            return
        if rest:
            transport.write(rest)
        transport.resume_reading()
        if data:
            self.data_received(data)
        if not self.busy and not self.queue and not self.closing:
            self._arm(KEEP_ALIVE, self._idle)

    def stopped(self, answer: tuple[str, str, bytes], origin: str) -> None:
        """The request the worker read itself was stopped (time limit) or its worker died:
        answer it here, as any other."""
        self.lent = False
        self.busy = True
        _Reply(self, origin, True)(_answered(answer))

    def lost(self) -> None:
        """The worker died while it kept the connection quiet: what it had read is gone."""
        self.lent = False
        self.busy = False
        if self.transport is not None:
            self.closing = True
            self.transport.abort()

    def _fail(self, status: int, message: str) -> None:
        """Answer an unreadable request and close (what follows it cannot be trusted)."""
        self.closing = True
        self.queue.clear()
        if not self.busy:
            self._write(_error(status, message), close=True)
        elif self.transport is not None:
            self.transport.close()

    def _fail_after_headers(self) -> None:
        response = self.refused
        self.closing = True
        if not self.busy and not self.queue:
            self._write(response, close=True)

    # -- time limits
    def _arm(self, seconds: float, then: Callable) -> None:
        self._disarm()
        self.timer = self.loop.call_later(seconds, then)

    def _disarm(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def _idle(self) -> None:
        if self.transport is not None and not self.busy and not self.queue:
            self.closing = True
            self.transport.close()

    def _too_slow(self) -> None:
        if not self.busy and not self.queue:
            self._fail(408, f"the request did not arrive whole within {REQUEST_TIME:g} s")

    def _abort(self) -> None:
        if self.transport is not None:
            self.transport.abort()


class _Reply:
    """How the app answers one request of a connection: call it with a Response; or, through
    `direct()`, let a worker write the response to the client's socket itself."""

    __slots__ = ("connection", "origin", "keep_alive", "promised_close")

    def __init__(self, connection: _Connection, origin: str, keep_alive: bool) -> None:
        self.connection = connection
        self.origin = origin
        self.keep_alive = keep_alive
        self.promised_close = False

    def __call__(self, response: Response) -> None:
        self.connection._reply(self, response)

    def direct(self) -> tuple[int, bytes, tuple | None, _Connection] | None:
        """(socket file descriptor, header lines, keep, lender) when the socket is free for a
        worker to write on now: open, and nothing of this server's still waiting to go out
        on it. `keep` is (CORS origins,) when the worker may also keep the connection and
        read the next request itself: nothing more of it read here, nothing to close; this
        loop then stops reading it until the worker gives it back (`lender.released`)."""
        connection = self.connection
        transport = connection.transport
        if transport is None or transport.is_closing() or transport.get_write_buffer_size():
            return None
        if connection.fd < 0:
            return None
        cors = connection.server.app.cors
        close = not self.keep_alive or connection.closing
        if close:
            self.promised_close = True
        head = cors.head(self.origin, close)
        keep = None
        if not (close or connection.queue or connection.partial or connection.paused_writing):
            keep = (cors.origins,)
            transport.pause_reading()
        return connection.fd, head, keep, connection


class Endpoint:
    """The HTTP server: `serve_forever()` (blocks, any thread; Ctrl-C ends it),
    `shutdown()` from another thread, `server_close()`; `server_port` is the bound port
    (useful with port 0)."""

    GRACE = 5.0  # seconds running queries get to finish at shutdown

    def __init__(self, app: SparqlApp, sock: socket.socket) -> None:
        self.app = app
        self.socket = sock
        self.server_address = sock.getsockname()[:2]
        self.server_port = self.server_address[1]
        self.connections: set[_Connection] = set()
        # whole requests read before, by their exact bytes: (Request, keep-alive)
        self.requests: dict[bytes, tuple[Request, bool]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._done = threading.Event()
        self._done.set()

    def remember(self, data: bytes, request: tuple[Request, bool]) -> None:
        """Keep a whole request by its bytes (not one with Expect: its 100 Continue is
        written while it is read); the oldest goes when there are MEMO_ENTRIES."""
        if "expect" in request[0].headers:
            return
        if len(self.requests) >= MEMO_ENTRIES:
            del self.requests[next(iter(self.requests))]
        self.requests[data] = request

    def serve_forever(self) -> None:
        self._done.clear()
        loop = _new_event_loop()
        self._loop = loop
        try:
            self._stop = asyncio.Event()
            self.app.pool._attach(loop)  # once, not per query
            server = loop.run_until_complete(
                loop.create_server(lambda: _Connection(self), sock=self.socket, backlog=1024)
            )
            try:
                loop.run_until_complete(self._stop.wait())
            finally:
                server.close()
                loop.run_until_complete(self._drain())
        finally:
            for connection in list(self.connections):
                if connection.transport is not None:
                    connection.transport.abort()
            loop.run_until_complete(asyncio.sleep(0))
            loop.close()
            self._loop = None
            self._done.set()

    async def _drain(self) -> None:
        """Close idle connections; give busy ones GRACE seconds to be answered."""
        deadline = time.monotonic() + self.GRACE
        while time.monotonic() < deadline:
            for connection in list(self.connections):
                if not connection.busy and not connection.queue and connection.transport:
                    connection.closing = True
                    connection.transport.close()
            if not self.connections:
                return
            await asyncio.sleep(0.05)

    def shutdown(self) -> None:
        loop = self._loop
        if loop is not None and self._stop is not None:
            try:
                loop.call_soon_threadsafe(self._stop.set)
            except RuntimeError:  # the loop has just closed
                pass
        self._done.wait(self.GRACE + 10)

    def server_close(self) -> None:
        self.socket.close()


def _new_event_loop() -> asyncio.AbstractEventLoop:
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(1024)
    except OSError:
        sock.close()
        raise
    return sock


def make_endpoint(
    store_path: str | Path,
    host: str = "127.0.0.1",
    port: int = 7878,
    limits: Limits | None = None,
    cors: Cors | None = None,
) -> tuple[Endpoint, QueryPool]:
    """A ready server (call serve_forever) and its worker pool (close it afterwards)."""
    if not Path(store_path).exists():
        raise QueryError(f"no store at {store_path}: build a document first (beleidsgraaf build)")
    sock = _listen(host, port)  # first: a port in use fails before any worker starts
    try:
        pool = QueryPool(store_path, limits or Limits())
    except BaseException:
        sock.close()
        raise
    return Endpoint(SparqlApp(pool, cors), sock), pool


SERVICE_DESCRIPTION = """@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix formats: <http://www.w3.org/ns/formats/> .

[] a sd:Service ;
    sd:endpoint <{endpoint}> ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:feature sd:UnionDefaultGraph ;
    sd:resultFormat formats:SPARQL_Results_JSON, formats:SPARQL_Results_XML,
        formats:SPARQL_Results_CSV, formats:SPARQL_Results_TSV, formats:Turtle,
        formats:JSON-LD, formats:N-Triples, formats:RDF_XML .
"""

QUERY_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>beleidsgraaf SPARQL</title>
<style>
body{font:14px system-ui,sans-serif;margin:1.5em;max-width:80em}
textarea{width:100%;height:18em;font:13px monospace}
table{border-collapse:collapse;margin-top:1em}td,th{border:1px solid #ccc;padding:2px 6px;
vertical-align:top;text-align:left}th{background:#eee}#status{color:#555;margin-left:1em}
.err{color:#b00;white-space:pre-wrap}
</style></head><body>
<h1>beleidsgraaf SPARQL endpoint</h1>
<p>Read-only SPARQL 1.1 at <code>/query</code> (GET or POST). The default graph is the union
of all documents; each document is also a named graph.</p>
<label>Named query: <select id="named"><option value="">(choose)</option>{{OPTIONS}}</select>
</label>
<form id="f"><textarea id="q" name="query">SELECT * WHERE { ?s ?p ?o } LIMIT 10</textarea>
<button>Run</button> <span id="status"></span></form>
<div id="out"></div>
<script>
const EXAMPLES = {{EXAMPLES}};
const q = document.getElementById('q'), out = document.getElementById('out'),
      status = document.getElementById('status');
document.getElementById('named').onchange = e => { if (EXAMPLES[e.target.value]) q.value = EXAMPLES[e.target.value]; };
function cell(b) { if (!b) return ''; return b.value; }
document.getElementById('f').onsubmit = async e => {
  e.preventDefault(); status.textContent = 'running...'; out.textContent = '';
  const t0 = performance.now();
  const r = await fetch('query', {method: 'POST', body: new URLSearchParams({query: q.value}),
    headers: {'Accept': 'application/sparql-results+json, text/turtle;q=0.9'}});
  const text = await r.text();
  status.textContent = r.status + ' in ' + Math.round(performance.now() - t0) + ' ms';
  if (!r.ok) { const p = document.createElement('p'); p.className = 'err'; p.textContent = text; out.append(p); return; }
  if (!(r.headers.get('Content-Type') || '').includes('json')) { const p = document.createElement('pre'); p.textContent = text; out.append(p); return; }
  const data = JSON.parse(text);
  if ('boolean' in data) { out.textContent = String(data.boolean); return; }
  const table = document.createElement('table'), head = table.insertRow();
  for (const v of data.head.vars) { const th = document.createElement('th'); th.textContent = v; head.append(th); }
  for (const row of data.results.bindings) { const tr = table.insertRow();
    for (const v of data.head.vars) tr.insertCell().textContent = cell(row[v]); }
  status.textContent += ', ' + data.results.bindings.length + ' rows';
  out.append(table);
};
</script></body></html>
"""
