"""A read-only SPARQL 1.1 Protocol endpoint over the on-disk store (`beleidsgraaf serve`).

Why not just Oxigraph's own server (`oxigraph serve-read-only`)? It is fast and speaks the
protocol, but it runs SERVICE clauses (outside fetches), has no result-size limit, and its
`--timeout-s` does not stop a query that is still computing (measured: a four-way cross product
kept a core busy for minutes after the timeout). So the guard here owns the HTTP side (stdlib
`wsgiref`, one thread per request) and Oxigraph does the querying, in worker processes that each
hold the store open read-only:

- every query is parsed first (rdflib's SPARQL grammar): malformed -> 400 with line and column;
  SERVICE -> 400; an update (or the `update` parameter) -> 403, the endpoint is read-only;
- a query that runs past the time limit is stopped by killing its worker (a fresh one takes its
  place), and the client gets 503; the other workers go on serving;
- results are serialised by Oxigraph straight into a buffer that refuses to grow past the size
  limit (413), so a client gets either the whole answer or a clear error, never a cut-off file.
"""

from __future__ import annotations

import functools
import json
import logging
import multiprocessing as mp
import os
import queue
import socketserver
import threading
import time
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from .sparql import QueryError, bind_values, check_query

__all__ = ["Limits", "QueryPool", "SparqlApp", "make_endpoint", "QueryTimeout", "ResultTooLarge"]

log = logging.getLogger(__name__)

# media type -> (kind, pyoxigraph format name)
RESULT_TYPES = {
    "application/sparql-results+json": "JSON",
    "application/json": "JSON",
    "application/sparql-results+xml": "XML",
    "application/xml": "XML",
    "text/xml": "XML",
    "text/csv": "CSV",
    "text/tab-separated-values": "TSV",
}
RDF_TYPES = {
    "text/turtle": "TURTLE",
    "application/ld+json": "JSON_LD",
    "application/n-triples": "N_TRIPLES",
    "application/rdf+xml": "RDF_XML",
}
RESULT_MEDIA = {
    "JSON": "application/sparql-results+json",
    "XML": "application/sparql-results+xml",
    "CSV": "text/csv",
    "TSV": "text/tab-separated-values",
}
RDF_MEDIA = {v: k for k, v in RDF_TYPES.items()}
MAX_REQUEST_BYTES = 1024 * 1024  # a query text longer than this is not a query
FORMAT_PARAM = {  # ?format=... for links typed by hand
    "json": ("JSON", None),
    "xml": ("XML", None),
    "csv": ("CSV", None),
    "tsv": ("TSV", None),
    "turtle": (None, "TURTLE"),
    "ttl": (None, "TURTLE"),
    "jsonld": (None, "JSON_LD"),
    "json-ld": (None, "JSON_LD"),
    "nt": (None, "N_TRIPLES"),
    "rdfxml": (None, "RDF_XML"),
}


@dataclass(frozen=True)
class Limits:
    """What one query may take: wall-clock seconds and bytes of serialised result."""

    timeout: float = 30.0
    max_result_bytes: int = 16 * 1024 * 1024
    workers: int = max(2, min(4, os.cpu_count() or 2))


class QueryTimeout(RuntimeError):
    pass


class _ReadOnly(QueryError):
    """An update sent to the read-only endpoint (403, not 400)."""


class ResultTooLarge(RuntimeError):
    pass


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


def _worker(store_path: str, conn) -> None:
    """Worker process: open the store read-only once, then answer queries from the pipe."""
    import pyoxigraph as ox

    try:
        store = ox.Store.read_only(store_path)
    except OSError as err:
        conn.send(("failed", f"cannot open the store at {store_path}: {err}", b""))
        return
    conn.send(("ready", "", b""))
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if message is None:
            return
        text, results_fmt, rdf_fmt, limit, default_graphs, named_graphs, base = message
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
            conn.send(("ok", media, b"".join(buffer.parts)))
        except ResultTooLarge as err:
            conn.send(("large", str(err), b""))
        except SyntaxError as err:
            conn.send(("bad", f"malformed SPARQL: {err}", b""))
        except (OSError, ValueError, TypeError) as err:
            conn.send(("error", str(err), b""))


class _Worker:
    STARTUP = 120.0  # seconds a new worker may take to start and open the store

    def __init__(self, ctx, store_path: str) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker, args=(store_path, child), daemon=True)
        self.process.start()
        child.close()
        self.ready = False

    def wait_ready(self) -> None:
        """Block until the worker has opened the store (so startup never counts as query
        time); raise QueryError when it cannot."""
        if self.ready:
            return
        if not self.conn.poll(self.STARTUP):
            raise QueryError("a query worker did not start in time")
        try:
            status, detail, _ = self.conn.recv()
        except EOFError:
            raise QueryError("a query worker stopped while starting") from None
        if status != "ready":
            raise QueryError(detail)
        self.ready = True

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class QueryPool:
    """Worker processes that each hold the store open read-only; a query that overruns the
    time limit costs its worker, not the server."""

    def __init__(self, store_path: str | Path, limits: Limits) -> None:
        self.store_path = str(store_path)
        self.limits = limits
        self._ctx = mp.get_context("spawn")  # no fork of a threaded server
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        for _ in range(limits.workers):
            self._add()
        try:
            for worker in list(self._all):
                worker.wait_ready()
        except QueryError:
            self.close()
            raise

    def _add(self) -> None:
        worker = _Worker(self._ctx, self.store_path)
        with self._lock:
            self._all.append(worker)
        self._idle.put(worker)

    def _retire(self, worker: _Worker) -> None:
        worker.stop()
        with self._lock:
            self._all.remove(worker)
        self._add()

    def run(
        self,
        text: str,
        results_fmt: str = "JSON",
        rdf_fmt: str = "TURTLE",
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
    ) -> tuple[str, bytes]:
        """(media type, body) of a checked query; raises QueryTimeout, ResultTooLarge,
        QueryError."""
        deadline = time.monotonic() + self.limits.timeout
        try:
            worker = self._idle.get(timeout=self.limits.timeout)
        except queue.Empty:
            raise QueryTimeout(
                f"all {self.limits.workers} workers stayed busy for {self.limits.timeout:g} s"
            ) from None
        try:
            if not worker.ready:  # a replacement for a stopped worker, still starting
                worker.wait_ready()
                deadline = time.monotonic() + self.limits.timeout
            worker.conn.send(
                (
                    text,
                    results_fmt,
                    rdf_fmt,
                    self.limits.max_result_bytes,
                    default_graphs or [],
                    named_graphs or [],
                    base_iri,
                )
            )
            if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                self._retire(worker)
                worker = None
                raise QueryTimeout(
                    f"the query ran longer than this server's limit of {self.limits.timeout:g} s "
                    "and was stopped"
                )
            status, detail, body = worker.conn.recv()
        except (EOFError, BrokenPipeError, ConnectionResetError, QueryError):
            self._retire(worker)
            worker = None
            raise QueryError("the query worker stopped unexpectedly; try again") from None
        finally:
            if worker is not None:
                self._idle.put(worker)
        if status == "ok":
            return detail, body
        if status == "large":
            raise ResultTooLarge(detail + "; add LIMIT or narrow the query")
        raise QueryError(detail)

    def close(self) -> None:
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            try:
                worker.conn.send(None)
            except (BrokenPipeError, OSError):
                pass
            worker.stop()


def _content_type(header: str) -> tuple[str, str | None]:
    """(media type, charset or None) of a Content-Type header, both lower case."""
    media, *params = (part.strip() for part in header.split(";"))
    charset = None
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media.lower(), charset


def _accepted(header: str) -> list[str]:
    """Media types of an Accept header, best first (q-values honoured, order kept on ties)."""
    ranked = []
    for position, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if q > 0:
            ranked.append((-q, position, fields[0].lower()))
    return [media for _, _, media in sorted(ranked)]


def negotiate(accept: str, fmt: str | None = None) -> tuple[str, str]:
    """(results format, RDF format) for the Accept header, or for an explicit ?format=."""
    results, rdf = "JSON", "TURTLE"
    if fmt:
        if fmt.lower() not in FORMAT_PARAM:
            raise QueryError(f"unknown format {fmt!r}; use one of {', '.join(FORMAT_PARAM)}")
        r, d = FORMAT_PARAM[fmt.lower()]
        return r or results, d or rdf
    types = _accepted(accept or "")
    found_results = next((RESULT_TYPES[t] for t in types if t in RESULT_TYPES), None)
    found_rdf = next((RDF_TYPES[t] for t in types if t in RDF_TYPES), None)
    return found_results or results, found_rdf or rdf


class SparqlApp:
    """The WSGI application: /query and /sparql (SPARQL 1.1 Protocol), / (query page)."""

    def __init__(self, pool: QueryPool, base_url: str = "") -> None:
        self.pool = pool
        self.base_url = base_url

    def __call__(self, environ: dict, start_response) -> list[bytes]:
        path = environ.get("PATH_INFO", "/")
        method = environ.get("REQUEST_METHOD", "GET")
        try:
            if path in ("/", "/index.html"):
                return self._page(start_response)
            if path == "/update":
                return _error(start_response, 403, "this endpoint is read-only: no updates")
            if path not in ("/query", "/sparql"):
                return _error(start_response, 404, f"no such path {path}; use /query")
            if method not in ("GET", "POST"):
                return _error(start_response, 405, "use GET or POST", [("Allow", "GET, POST")])
            return self._query(environ, start_response, method)
        except QueryTimeout as err:
            return _error(start_response, 503, str(err))
        except ResultTooLarge as err:
            return _error(start_response, 413, str(err))
        except _ReadOnly as err:
            return _error(start_response, 403, str(err))
        except QueryError as err:
            return _error(start_response, 400, str(err))

    def _query(self, environ: dict, start_response, method: str) -> list[bytes]:
        params = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        content_type, charset = _content_type(environ.get("CONTENT_TYPE", ""))
        text = None
        if method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            if length > MAX_REQUEST_BYTES:
                return _error(start_response, 413, "the request is too large for a query")
            if charset not in ("utf-8", "utf8", None):
                return _error(start_response, 415, f"send the request in UTF-8, not {charset}")
            try:
                body = environ["wsgi.input"].read(length).decode("utf-8") if length else ""
            except UnicodeDecodeError as err:
                return _error(start_response, 400, f"the request is not valid UTF-8: {err}")
            if content_type == "application/sparql-update":
                return _error(start_response, 403, "this endpoint is read-only: no updates")
            if content_type == "application/sparql-query":
                text = body
            elif content_type == "application/x-www-form-urlencoded":
                form = parse_qs(body, keep_blank_values=True)
                for key, values in form.items():
                    params.setdefault(key, []).extend(values)
            elif not content_type:
                return _error(
                    start_response,
                    415,
                    "say what the body is: Content-Type application/sparql-query or "
                    "application/x-www-form-urlencoded",
                )
            else:
                return _error(start_response, 415, f"unsupported Content-Type {content_type!r}")
        if "update" in params:
            return _error(start_response, 403, "this endpoint is read-only: no updates")
        if text is None:
            values = params.get("query")
            if not values:
                return self._description(environ, start_response)
            if len(values) > 1:
                return _error(start_response, 400, "give exactly one query parameter")
            text = values[0]
        verdict = _verdict(text)
        if verdict is not None:
            kind, message = verdict
            raise (_ReadOnly if kind == "read-only" else QueryError)(message)
        results_fmt, rdf_fmt = negotiate(
            environ.get("HTTP_ACCEPT", ""), (params.get("format") or [None])[0]
        )
        media, body = self.pool.run(
            text,
            results_fmt,
            rdf_fmt,
            default_graphs=params.get("default-graph-uri"),
            named_graphs=params.get("named-graph-uri"),
            base_iri=f"http://{_host(environ)}{environ.get('PATH_INFO', '/')}",
        )
        start_response(
            "200 OK",
            [
                ("Content-Type", f"{media}; charset=utf-8"),
                ("Content-Length", str(len(body))),
                ("Vary", "Accept"),
            ],
        )
        return [body]

    def _description(self, environ: dict, start_response) -> list[bytes]:
        if "text/html" in environ.get("HTTP_ACCEPT", ""):
            return self._page(start_response)
        body = SERVICE_DESCRIPTION.format(endpoint=f"http://{_host(environ)}/query")
        body = body.encode("utf-8")
        start_response("200 OK", [("Content-Type", "text/turtle; charset=utf-8")])
        return [body]

    def _page(self, start_response) -> list[bytes]:
        from .queries import list_queries

        examples = {q.name: bind_values(q.text, q.bindings()) for q in list_queries()}
        options = "".join(
            f'<option value="{escape(name)}">{escape(name)}</option>' for name in examples
        )
        page = (
            QUERY_PAGE.replace("{{OPTIONS}}", options)
            .replace("{{EXAMPLES}}", json.dumps(examples).replace("</", "<\\/"))
            .encode("utf-8")
        )
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [page]


def _host(environ: dict) -> str:
    return environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"


@functools.lru_cache(maxsize=512)
def _verdict(text: str) -> tuple[str, str] | None:
    """None for a query that may run, else (kind, message); cached, because parsing with
    rdflib's grammar costs more than running most queries, and clients repeat queries."""
    try:
        _check_read_only(text)
    except _ReadOnly as err:
        return "read-only", str(err)
    except QueryError as err:
        return "malformed", str(err)
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


def _error(start_response, code: int, message: str, headers: list | None = None) -> list[bytes]:
    reasons = {
        400: "Bad Request",
        403: "Forbidden",
        404: "Not Found",
        405: "Method Not Allowed",
        413: "Content Too Large",
        415: "Unsupported Media Type",
        503: "Service Unavailable",
    }
    body = (message.rstrip() + "\n").encode("utf-8")
    start_response(
        f"{code} {reasons.get(code, 'Error')}",
        [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
        + (headers or []),
    )
    return [body]


class _ThreadingServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 128


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
        log.info("%s %s", self.address_string(), format % args)


def make_endpoint(
    store_path: str | Path, host: str = "127.0.0.1", port: int = 7878, limits: Limits | None = None
) -> tuple[WSGIServer, QueryPool]:
    """A ready server (call serve_forever) and its worker pool (close it afterwards)."""
    if not Path(store_path).exists():
        raise QueryError(f"no store at {store_path}: build a document first (beleidsgraaf build)")
    pool = QueryPool(store_path, limits or Limits())
    try:
        server = make_server(
            host,
            port,
            SparqlApp(pool),
            server_class=_ThreadingServer,
            handler_class=_QuietHandler,
        )
    except OSError:
        pool.close()
        raise
    return server, pool


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
