"""The query workers' side of the endpoint: processes that each hold the store open read-only
and answer the queries the event loop (graph/endpoint.py) sends them over a pipe.

Kept apart from the event loop so that a worker imports only what it runs, and so that
endpoint.py does not grow with a second way of answering.
"""

from __future__ import annotations

import ctypes
import functools
import os
import pickle
import select
import socket
import struct
import time
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
    QUERY_PATHS,
    RDF_MEDIA,
    RESULT_MEDIA,
    Cors,
    Request,
    ResultTooLarge,
    _Date,
    _ReadOnly,
    query_request,
)
from .sparql import QueryError, check_query

_PASSED: PassedTexts | None = None  # the texts any worker's guard let through (shared)


class _CappedBuffer:
    """A write-only file that refuses to grow past `limit` bytes."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise ResultTooLarge(
                f"the result is larger than this server's limit of {self.limit:,} bytes"
            )
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass


def _answer(store, message: tuple) -> tuple[str, str, bytes]:
    """(status, media type or message, body) for one query message, in a worker."""
    import pyoxigraph as ox

    text, results_fmt, rdf_fmt, limit, default_graphs, named_graphs, base = message
    verdict = _verdict(text)
    if verdict is not None:
        return verdict[0], verdict[1], b""
    try:
        options: dict[str, Any] = {"base_iri": base}
        if default_graphs:
            options["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        else:
            options["use_default_graph_as_union"] = True
        if named_graphs:
            options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        result = store.query(text, **options)
        buffer = _CappedBuffer(limit)
        if isinstance(result, ox.QueryBoolean | ox.QuerySolutions):
            result.serialize(buffer, getattr(ox.QueryResultsFormat, results_fmt))
            media = RESULT_MEDIA[results_fmt]
        else:  # CONSTRUCT / DESCRIBE
            result.serialize(buffer, getattr(ox.RdfFormat, rdf_fmt))
            media = RDF_MEDIA[rdf_fmt]
        return "ok", media, b"".join(buffer.parts)
    except ResultTooLarge as err:
        return "large", str(err), b""
    except SyntaxError as err:
        return "malformed", f"malformed SPARQL: {err}", b""
    except (OSError, ValueError, TypeError) as err:
        return "error", str(err), b""


class WorkerState(ctypes.Structure):
    """What a worker shows the event loop without a message (shared memory, read by the
    loop's time-limit checks): whether it is writing to a client (a kill then cuts that
    answer), and whether, since when and for which origin it is answering a request it has
    read itself from a connection it keeps (see `_keep`)."""

    _fields_ = [
        ("writing", ctypes.c_byte),
        ("own", ctypes.c_byte),
        ("started", ctypes.c_double),
        ("origin", ctypes.c_char * 256),
    ]


def _worker(
    store_path: str, conn, state: WorkerState, limit: int, passed: PassedTexts | None = None
) -> None:
    """Worker process: open the store read-only once, then answer queries from the pipe.

    A query that comes with a client's socket (passed over the pipe, SCM_RIGHTS) is answered
    on that socket: the worker writes the HTTP response itself, sets `state.writing` first
    (so that the server knows not to answer again if it has to kill this worker), and tells
    the server what it sent and any rest the socket would not take at once. Without a
    socket, the answer goes back over the pipe. When the server lends the connection
    (`keep`) and no other query is waiting, the worker keeps it and reads the client's next
    request itself (`_keep`): no hop through the server for a client that asks again.
    """
    import pyoxigraph as ox

    global _PASSED
    _PASSED = passed
    try:
        store = ox.Store.read_only(store_path)
    except OSError as err:
        conn.send(("failed", f"cannot open the store at {store_path}: {err}", b""))
        return
    _check_read_only("ASK {}")  # load rdflib's grammar now, not in the first query's time
    conn.send(("ready", "", b""))
    fd = conn.fileno()
    pipe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM, fileno=os.dup(fd))
    waiting = select.poll()
    waiting.register(fd, select.POLLIN)
    pending = bytearray()
    while True:
        try:
            message, client = _receive_job(pipe, pending)
        except EOFError:
            return
        if message is None:
            return
        job, head, keep = message
        if client is None:
            _send_frame(fd, _answer(store, job))
            continue
        try:
            response = _http_answer(_answer(store, job), head)
            state.writing = 1
            rest = _write_some(client, response)
            kept = keep is not None and not rest and not pending and not waiting.poll(0)
        except BaseException:
            os.close(client)
            raise
        if not kept:
            os.close(client)
        _send_frame(fd, ("kept" if kept else "sent", "", rest))
        state.writing = 0
        if kept:
            _keep(store, client, Cors(keep[0]), fd, pending, state, limit)


KEEP = 0.5  # seconds a worker keeps a quiet connection before it gives it back


def _keep(
    store, client: int, cors: Cors, fd: int, pending: bytearray, state: WorkerState, limit: int
) -> None:
    """Answer the requests that arrive on a kept connection, as the server would, until the
    server sends a query (this worker is wanted elsewhere), the client is quiet for KEEP s,
    or a request is one the server should read (anything but a plain query: errors, limits,
    100-continue, pipelining); then give the connection back, with what was read of it and
    not answered, in a "released" message. The time limit still holds: `state` tells the
    server's checks when a query started here."""
    data = bytearray()
    rest, closed = b"", False
    poller = select.poll()
    poller.register(client, select.POLLIN)
    poller.register(fd, select.POLLIN)
    deadline = time.monotonic() + KEEP
    try:
        while not pending:
            left = deadline - time.monotonic()
            events = poller.poll(left * 1000) if left > 0 else []
            if not events or any(ready != client for ready, _ in events):
                break  # quiet too long, or a query for this worker
            try:
                chunk = os.read(client, 65536)
            except BlockingIOError:
                continue
            except OSError:
                closed = True
                break
            if not chunk:
                closed = True
                break
            data += chunk
            asked = _request_of(data, cors, limit)
            if asked is None and len(data) <= HEADER_LIMIT:
                continue  # not all of it yet
            if not asked:
                break  # for the server to read
            message, origin = asked
            data.clear()
            state.origin = origin.encode("latin-1")
            state.started = time.monotonic()
            state.own = 1
            answer = _answer(store, message)
            response = _http_answer(answer, cors.head(origin))
            state.writing = 1
            rest = _write_some(client, response)
            state.own = 0
            state.writing = 0
            if rest:
                break
            deadline = time.monotonic() + KEEP
    finally:
        os.close(client)
        _send_frame(fd, ("released", bytes(data), rest, closed))


class _OneRequest:
    """httptools callbacks that collect one request read by a worker."""

    def __init__(self) -> None:
        self.url = b""
        self.headers: dict[str, str] = {}
        self.body: list[bytes] = []
        self.begun = 0
        self.complete = False

    def on_message_begin(self) -> None:
        self.begun += 1

    def on_url(self, url: bytes) -> None:
        self.url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        key, text = name.decode("latin-1").lower(), value.decode("latin-1").strip()
        self.headers[key] = f"{self.headers[key]}, {text}" if key in self.headers else text

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        self.complete = True


def _request_of(data: bytearray, cors: Cors, limit: int) -> tuple[tuple, str] | bool | None:
    """`_read_request`, remembered by the exact bytes of a request: a client that asks
    again sends the same bytes, and reading them (httptools, form decoding) is a tenth of
    this worker's own Python per request."""
    if len(data) > MEMO_BYTES:
        return _read_request(data, cors, limit)
    return _read_request_bytes(bytes(data), cors, limit)


@functools.lru_cache(maxsize=MEMO_ENTRIES)
def _read_request_bytes(data: bytes, cors: Cors, limit: int) -> tuple[tuple, str] | bool | None:
    return _read_request(data, cors, limit)


def _read_request(
    data: bytes | bytearray, cors: Cors, limit: int
) -> tuple[tuple, str] | bool | None:
    """(query message, origin) for `data` when it is exactly one whole, plain query request
    that the server would send to a worker; None when it is not whole yet; False when the
    server should read it (anything else: its answer is the server's to give)."""
    import httptools

    one = _OneRequest()
    parser = httptools.HttpRequestParser(one)
    try:
        parser.feed_data(bytes(data))
    except (httptools.HttpParserError, httptools.HttpParserUpgrade):
        return False
    if one.begun > 1:
        return False  # pipelined: the server keeps them in order
    if not one.complete:
        return None
    headers = one.headers
    length = headers.get("content-length", "0")
    if (
        not parser.should_keep_alive()
        or "expect" in headers
        or "transfer-encoding" in headers
        or "host" not in headers
        or len(headers.get("origin", "")) > 200
        or not length.isdigit()
        or int(length) > MAX_REQUEST_BYTES
    ):
        return False
    try:
        url = httptools.parse_url(one.url)
        path = url.path.decode("latin-1")
        if "%" in path:
            path = unquote(path)
        if path not in QUERY_PATHS:
            return False
        request = Request(
            parser.get_method().decode("ascii"),
            path,
            (url.query or b"").decode("latin-1"),
            headers,
            b"".join(one.body),
            headers["host"],
        )
        asked = query_request(request, cors)
    except (httptools.HttpParserInvalidURLError, QueryError, UnicodeDecodeError):
        return False
    if not isinstance(asked, tuple):
        return False
    text, results_fmt, rdf_fmt, default_graphs, named_graphs, base = asked
    message = (text, results_fmt, rdf_fmt, limit, default_graphs or [], named_graphs or [])
    return (*message, base), headers.get("origin", "")


def _receive_job(pipe: socket.socket, pending: bytearray) -> tuple[Any, int | None]:
    """The next framed message from the server and the file descriptor sent with it, if any."""
    client = None
    while True:
        if len(pending) >= 4:
            (size,) = struct.unpack_from("!i", pending)
            start = 4
            if size == -1 and len(pending) >= 12:
                (size,) = struct.unpack_from("!Q", pending, 4)
                start = 12
            if size != -1 and len(pending) >= start + size:
                message = pickle.loads(memoryview(pending)[start : start + size])
                del pending[: start + size]
                return message, client
        data, fds, _, _ = socket.recv_fds(pipe, 256 * 1024, 1)
        if not data:
            for extra in fds:
                os.close(extra)
            raise EOFError
        for extra in fds:
            if client is None:
                client = extra
            else:
                os.close(extra)
        pending += data


def _http_answer(answer: tuple[str, str, bytes], head: bytes) -> bytes:
    """The whole HTTP/1.1 response for a worker's answer; `head` holds the server's own
    header lines (CORS, Connection) for this request."""
    status, detail, body = answer
    if status == "ok":
        lines = f"HTTP/1.1 200 OK\r\nContent-Type: {detail}; charset=utf-8\r\nVary: Accept\r\n"
    else:
        code = ANSWER_STATUS.get(status, 500)
        if status == "large":
            detail += "; add LIMIT or narrow the query"
        body = (detail.rstrip() + "\n").encode("utf-8")
        lines = (
            f"HTTP/1.1 {code} {_REASONS.get(code, 'Error')}\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
        )
    return b"".join(
        (
            lines.encode("latin-1"),
            head,
            b"Content-Length: %d\r\nDate: " % len(body),
            _Date.now(),
            b"\r\n\r\n",
            body,
        )
    )


def _write_some(fd: int, data: bytes) -> bytes:
    """Write what a non-blocking socket takes now; the rest (usually nothing) is returned for
    the server's event loop to send, so that a slow reader never holds up a worker."""
    view = memoryview(data)
    try:
        while view:
            view = view[os.write(fd, view) :]
    except BlockingIOError:
        pass
    except OSError:  # the client has gone; nothing more to send
        return b""
    return bytes(view)


def _frame(message) -> bytes:
    """A message framed as multiprocessing's Connection frames it (so that either end may
    be a plain Connection): a 4-byte big-endian length, or -1 and an 8-byte one, then the
    pickle."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    if len(data) < 0x7FFFFFFF:
        return struct.pack("!i", len(data)) + data
    return struct.pack("!iQ", -1, len(data)) + data


def _send_frame(fd: int, message) -> None:
    """Write one framed message with as few writes as the pipe takes (Connection.send writes
    header and body apart, which wakes the reader twice)."""
    view = memoryview(_frame(message))
    while view:
        view = view[os.write(fd, view) :]


@functools.lru_cache(maxsize=1024)
def _verdict(text: str) -> tuple[str, str] | None:
    """None for a query that may run, else (status, message); cached, because parsing with
    rdflib's grammar costs more than running most queries, and clients repeat queries; and
    a text another worker has let through is not parsed here again (endpoint_passed)."""
    if _PASSED is not None and text in _PASSED:
        return None
    try:
        _check_read_only(text)
    except _ReadOnly as err:
        return "read-only", str(err)
    except QueryError as err:
        return "malformed", str(err)
    if _PASSED is not None:
        _PASSED.add(text)
    return None


def _check_read_only(text: str) -> None:
    """Parse the query; an update sent as a query gets a 403 message of its own."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        check_query(text)
    except QueryError as err:
        try:
            parseUpdate(text)
        except ParseException:
            raise err from None
        raise _ReadOnly("this endpoint is read-only: no updates") from None
