"""The HTTP side of the SPARQL 1.1 Protocol that both ends of the endpoint need: requests,
responses, content negotiation, form decoding, CORS, and what a request asks the store.

Shared by the event loop (graph/endpoint.py) and the query workers (graph/endpoint_workers.py),
which read requests themselves on connections they keep (see there); neither imports the other
from here, so there is no import circle.
"""

from __future__ import annotations

import functools
import re
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http import HTTPStatus
from urllib.parse import unquote_to_bytes

from .sparql import QueryError

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
QUERY_PATHS = ("/query", "/sparql")
METHODS = "GET, POST, OPTIONS"
HEADER_LIMIT = 64 * 1024  # request line and headers together
# Requests up to this size are remembered by their exact bytes, where they are read (the event
# loop, a worker keeping a connection): a client that asks again sends the same bytes, and
# reading them (llhttp's callbacks, form decoding) is most of the loop's work per request.
MEMO_BYTES = 16 * 1024
MEMO_ENTRIES = 256
_REASONS = {status.value: status.phrase for status in HTTPStatus}


class QueryTimeout(RuntimeError):
    pass


class WorkerLost(RuntimeError):
    """A worker process died while answering (not the query's fault, not a time-out)."""


class _ReadOnly(QueryError):
    """An update sent to the read-only endpoint (403, not 400)."""


class ResultTooLarge(RuntimeError):
    pass


ANSWER_STATUS = {  # worker answer -> HTTP status
    "ok": 200,
    "large": 413,
    "malformed": 400,
    "error": 400,
    "read-only": 403,
    "timeout": 503,
    "busy": 503,
    "lost": 500,
}


@dataclass
class Request:
    method: str
    path: str
    query_string: str
    headers: dict[str, str]  # lower-case names; repeated headers joined with ", "
    body: bytes
    host: str
    # what query_request found in it, once asked (a request remembered by its bytes is
    # answered again: see MEMO_BYTES)
    asked: tuple | None = field(default=None, compare=False, repr=False)

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name, default)


@dataclass
class Response:
    status: int
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)
    written: bool = False  # a worker has written the response; `body` is what is left to send
    cut: bool = False  # a worker died while writing it: the connection is beyond repair
    kept: bool = False  # written, and the worker keeps the connection for the next request


def _error(status: int, message: str, headers: list | None = None) -> Response:
    body = (message.rstrip() + "\n").encode("utf-8")
    return Response(status, body, [("Content-Type", "text/plain; charset=utf-8")] + (headers or []))


_ORIGIN = re.compile(r"[a-z][a-z0-9+.-]*://[^/\s,]+", re.IGNORECASE)
_HEADER_NAMES = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+(\s*,\s*[!#$%&'*+.^_`|~0-9A-Za-z-]+)*$")


@dataclass(frozen=True)
class Cors:
    """Which web pages (origins) may read the answers: any ("*", the default: a read-only
    endpoint of public data, no credentials), a few given ones, or none (CORS off)."""

    origins: tuple[str, ...] | None = ("*",)

    @classmethod
    def parse(cls, values: list[str] | str | None) -> Cors:
        """From `--cors-origin` values: "*", "none", or origins like https://portal.example."""
        if values is None:
            return cls()
        if isinstance(values, str):
            values = [values]
        items = [v.strip().rstrip("/") for value in values for v in value.split(",") if v.strip()]
        if not items or any(v.lower() in ("none", "off") for v in items):
            if len(items) > 1:
                raise ValueError("--cors-origin none cannot be combined with origins")
            return cls(None)
        if "*" in items:
            if len(items) > 1:
                raise ValueError("--cors-origin * already allows every origin")
            return cls(("*",))
        for item in items:
            if not _ORIGIN.fullmatch(item):
                raise ValueError(
                    f"{item!r} is not an origin (scheme://host[:port], no path), '*' or 'none'"
                )
        return cls(tuple(item.lower() for item in items))

    @property
    def enabled(self) -> bool:
        return self.origins is not None

    def allows(self, origin: str) -> bool:
        return self.origins is not None and (
            self.origins == ("*",) or origin.rstrip("/").lower() in self.origins
        )

    def headers(self, origin: str) -> list[tuple[str, str]]:
        """What every answer carries."""
        if self.origins is None:
            return []
        if self.origins == ("*",):
            return [("Access-Control-Allow-Origin", "*")]
        if origin and self.allows(origin):
            return [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")]
        return [("Vary", "Origin")]

    def head(self, origin: str, close: bool = False) -> bytes:
        """The header lines of `headers(origin)` (and Connection: close), for a worker to
        write; cached, as the same few origins ask again and again."""
        key = (origin, close)
        lines = self._heads.get(key)
        if lines is None:
            text = "".join(f"{name}: {value}\r\n" for name, value in self.headers(origin))
            lines = (text + ("Connection: close\r\n" if close else "")).encode("latin-1")
            if len(self._heads) < 256:
                self._heads[key] = lines
        return lines

    @functools.cached_property
    def _heads(self) -> dict[tuple[str, bool], bytes]:
        return {}

    def preflight(self, request: Request) -> Response:
        """The answer to OPTIONS: a CORS preflight when it is one, else just what is allowed."""
        origin = request.header("origin")
        method = request.header("access-control-request-method")
        allow = [("Allow", METHODS)]
        if not (origin and method) or self.origins is None:
            return Response(204, b"", allow)
        if not self.allows(origin):
            return _error(403, f"pages from {origin} may not query this endpoint", allow)
        if method.upper() not in ("GET", "POST"):
            return _error(405, f"{method} is not allowed here; use GET or POST", allow)
        headers = allow + [("Access-Control-Allow-Methods", METHODS)]
        wanted = request.header("access-control-request-headers").strip()
        if wanted and _HEADER_NAMES.match(wanted):
            headers.append(("Access-Control-Allow-Headers", wanted))
        elif wanted:
            return _error(400, "malformed Access-Control-Request-Headers", allow)
        if request.header("access-control-request-private-network").lower() == "true":
            headers.append(("Access-Control-Allow-Private-Network", "true"))
        headers.append(("Access-Control-Max-Age", "600"))
        return Response(204, b"", headers)


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


@functools.lru_cache(maxsize=256)
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


def _form(text: str) -> dict[str, list[str]]:
    """Parameters of a query string or form body, as urllib.parse.parse_qs(text,
    keep_blank_values=True) gives them, but percent-escapes must be UTF-8."""
    params: dict[str, list[str]] = {}
    for item in text.split("&"):
        if item:
            name, _, value = item.partition("=")
            params.setdefault(_unquote_plus(name), []).append(_unquote_plus(value))
    return params


def _unquote_plus(text: str) -> str:
    """urllib.parse.unquote_plus with strict UTF-8, decoded by C codecs instead of a Python
    loop over the escapes (which cost more than running a small query: a named query is
    2 kB of form body with some 270 escapes). Every %XX becomes a \\xXX escape for the
    unicode_escape codec; backslashes are escaped first, so there are no others."""
    text = text.replace("+", " ")
    if "%" not in text:
        return text
    escaped = text.replace("\\", "%5C").replace("%", "\\x").encode("utf-8")
    try:
        raw = escaped.decode("unicode_escape").encode("latin-1")
    except UnicodeDecodeError:  # a % without two hex digits: kept as written, as urllib does
        raw = unquote_to_bytes(text)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise QueryError(f"the parameters are not valid UTF-8: {err}") from None


class _Date:
    """The Date header, formatted once a second."""

    second = -1
    value = b""

    @classmethod
    def now(cls) -> bytes:
        second = int(time.time())
        if second != cls.second:
            cls.second = second
            cls.value = formatdate(second, usegmt=True).encode("ascii")
        return cls.value


def query_request(
    request: Request, cors: Cors
) -> tuple[str, str, str, list[str] | None, list[str] | None, str] | Response | None:
    """What a request to a query path asks: (query text, results format, RDF format, default
    graphs, named graphs, base IRI); or the Response that answers it without the store (errors,
    preflights); or None for no query at all (the service description). Raises QueryError
    (400). One function for the event loop and the workers, so that both read a request
    alike."""
    path, method = request.path, request.method
    if path == "/update":
        return _error(403, "this endpoint is read-only: no updates")
    if path not in QUERY_PATHS:
        return _error(404, f"no such path {path}; use /query")
    if method == "OPTIONS":
        return cors.preflight(request)
    if method not in ("GET", "POST"):
        return _error(405, "use GET or POST", [("Allow", METHODS)])
    params = _form(request.query_string)
    content_type, charset = _content_type(request.header("content-type"))
    text = None
    if method == "POST":
        if charset not in ("utf-8", "utf8", None):
            return _error(415, f"send the request in UTF-8, not {charset}")
        try:
            body = request.body.decode("utf-8")
        except UnicodeDecodeError as err:
            return _error(400, f"the request is not valid UTF-8: {err}")
        if content_type == "application/sparql-update":
            return _error(403, "this endpoint is read-only: no updates")
        if content_type == "application/sparql-query":
            text = body
        elif content_type == "application/x-www-form-urlencoded":
            for key, values in _form(body).items():
                params.setdefault(key, []).extend(values)
        elif not content_type:
            return _error(
                415,
                "say what the body is: Content-Type application/sparql-query or "
                "application/x-www-form-urlencoded",
            )
        else:
            return _error(415, f"unsupported Content-Type {content_type!r}")
    if "update" in params:
        return _error(403, "this endpoint is read-only: no updates")
    if text is None:
        values = params.get("query")
        if not values:
            return None
        if len(values) > 1:
            return _error(400, "give exactly one query parameter")
        text = values[0]
    results_fmt, rdf_fmt = negotiate(request.header("accept"), (params.get("format") or [None])[0])
    return (
        text,
        results_fmt,
        rdf_fmt,
        params.get("default-graph-uri"),
        params.get("named-graph-uri"),
        f"http://{request.host}{request.path}",
    )
