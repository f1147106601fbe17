"""`beleidsgraaf serve`: the SPARQL 1.1 Protocol endpoint, asked by real HTTP clients.

The server runs in this process on a free loopback port, over the sample built into a temporary
store; its query workers are separate processes holding the store open read-only.
"""

from __future__ import annotations

import http.client
import re
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import parse_qs, urlencode

import pytest
import requests
from beleidsgraaf.graph.endpoint import Cors, Limits, _form, make_endpoint, negotiate
from beleidsgraaf.graph.queries import list_queries
from beleidsgraaf.graph.sparql import QueryError, bind_values, format_result, run_query
from beleidsgraaf.graph.store import opened
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from SPARQLWrapper import CSV, JSON, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (
    QueryBadFormed,
)

from beleidsgraaf.namespaces import BG
from beleidsgraaf.pipeline import build

TIMEOUT = 3.0
MAX_BYTES = 64 * 1024
# four-way cross product of the whole store, counted: hours of work on the sample
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def store(sample_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("endpoint") / "store"
    assert [r.status for r in build([sample_path], store=path, entities=False)] == ["ok"]
    return path


@pytest.fixture(scope="module")
def expected(store: Path) -> dict[str, str]:
    """Each named query's CSV answer from the embedded store (the endpoint must agree)."""
    with opened(store, read_only=True) as ds:
        return {
            q.name: format_result(run_query(ds, q.text, q.bindings()), "csv")
            for q in list_queries()
        }


@pytest.fixture(scope="module")
def url(store: Path, expected) -> Iterator[str]:
    limits = Limits(timeout=TIMEOUT, max_result_bytes=MAX_BYTES, workers=2)
    server, pool = make_endpoint(store, "127.0.0.1", 0, limits)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        pool.close()


def _post(url: str, query: str, accept: str = "application/sparql-results+json", **headers):
    return requests.post(
        f"{url}/query", data={"query": query}, headers={"Accept": accept, **headers}, timeout=60
    )


def _count_documents(url: str) -> int:
    sparql = SPARQLWrapper(f"{url}/sparql")
    sparql.setQuery(f"SELECT (COUNT(?d) AS ?n) WHERE {{ ?d a <{BG.Document}> }}")
    sparql.setReturnFormat(JSON)
    return int(sparql.query().convert()["results"]["bindings"][0]["n"]["value"])


def test_sparqlwrapper_select_json_and_csv(url: str, store: Path):
    assert _count_documents(url) == 1
    sparql = SPARQLWrapper(f"{url}/query")
    sparql.setQuery(f"SELECT ?g WHERE {{ ?g a <{BG.Goal}> }}")
    sparql.setReturnFormat(CSV)
    lines = sparql.query().convert().decode("utf-8").splitlines()
    with opened(store, read_only=True) as ds:
        goals = {str(g) for g in ds.subjects(RDF.type, BG.Goal)}
    assert lines[0] == "g" and set(lines[1:]) == goals


def test_sparqlwrapper_construct_as_turtle(url: str):
    sparql = SPARQLWrapper(f"{url}/query")
    sparql.setQuery(f"CONSTRUCT {{ ?d a <{BG.Document}> }} WHERE {{ ?d a <{BG.Document}> }}")
    sparql.setReturnFormat(TURTLE)
    g = Graph().parse(data=sparql.query().convert(), format="turtle")
    assert len(g) == 1


@pytest.mark.parametrize(
    "accept, media, check",
    [
        ("application/sparql-results+json", "application/sparql-results+json", '"bindings"'),
        ("application/sparql-results+xml", "application/sparql-results+xml", "<sparql"),
        ("text/csv", "text/csv", "n\r\n"),
        ("text/tab-separated-values", "text/tab-separated-values", "?n\n"),
        ("text/html, text/csv;q=0.5", "text/csv", "n\r\n"),
    ],
)
def test_content_negotiation_for_results(url: str, accept: str, media: str, check: str):
    response = _post(url, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s a <{BG.Activity}> }}", accept)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(media)
    assert check in response.text


@pytest.mark.parametrize(
    "accept, fmt", [("text/turtle", "turtle"), ("application/ld+json", "json-ld")]
)
def test_content_negotiation_for_construct(url: str, accept: str, fmt: str):
    query = f"CONSTRUCT WHERE {{ ?s a <{BG.Section}> }}"
    response = _post(url, query, accept)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith(accept)
    assert len(Graph().parse(data=response.text, format=fmt)) > 0


def test_get_and_ask_and_format_parameter(url: str):
    query = f"ASK {{ ?s a <{BG.Document}> }}"
    response = requests.get(f"{url}/query", params={"query": query}, timeout=30)
    assert response.status_code == 200 and response.json()["boolean"] is True
    csv = requests.get(f"{url}/sparql", params={"query": query, "format": "csv"}, timeout=30)
    assert csv.headers["Content-Type"].startswith("text/csv")


def test_direct_post_of_query_text(url: str):
    response = requests.post(
        f"{url}/query",
        data=f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s a <{BG.Document}> }}".encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
        timeout=30,
    )
    assert response.text.split() == ["n", "1"]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"data": {"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
        {
            "data": b"INSERT DATA { <urn:a> <urn:b> <urn:c> }",
            "headers": {"Content-Type": "application/sparql-update"},
        },
        {"data": {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
        {"data": {"query": "DROP ALL"}},
    ],
)
def test_updates_are_refused(url: str, kwargs):
    response = requests.post(f"{url}/query", timeout=30, **kwargs)
    assert response.status_code == 403 and "read-only" in response.text
    assert _count_documents(url) == 1


def test_sparqlwrapper_sees_service_and_malformed_queries_refused(url: str):
    sparql = SPARQLWrapper(f"{url}/query")
    sparql.setReturnFormat(JSON)
    sparql.setQuery("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    with pytest.raises(QueryBadFormed, match="SERVICE"):
        sparql.query()
    sparql.setQuery("SELECT ?s WHERE { ?s ?p }")
    with pytest.raises(QueryBadFormed, match="line 1"):
        sparql.query()


def test_a_query_that_would_run_for_hours_is_stopped(url: str):
    response = _post(url, ENDLESS)
    assert response.status_code == 503
    assert f"limit of {TIMEOUT:g} s" in response.text
    assert _count_documents(url) == 1  # the other worker and a fresh one still answer
    sparql = SPARQLWrapper(f"{url}/query")
    sparql.setQuery(ENDLESS)
    with pytest.raises(HTTPError) as refused:  # SPARQLWrapper passes 503 through as is
        sparql.query()
    assert refused.value.code == 503


def test_a_result_larger_than_the_limit_is_refused_whole(url: str):
    response = _post(url, "SELECT * WHERE { ?s ?p ?o }", "text/csv")
    assert response.status_code == 413 and f"{MAX_BYTES:,} bytes" in response.text
    small = _post(url, "SELECT * WHERE { ?s ?p ?o } LIMIT 5")
    assert small.status_code == 200 and len(small.json()["results"]["bindings"]) == 5


def test_fifty_concurrent_clients_get_correct_answers(url: str, expected: dict[str, str]):
    queries = list_queries()

    def ask(i: int) -> tuple[str, str, int]:
        q = queries[i % len(queries)]
        response = _post(url, bind_values(q.text, q.bindings()), "text/csv")
        return q.name, response.text, response.status_code

    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(ask, range(50)))
    assert len(answers) == 50
    for name, text, status in answers:
        assert status == 200, (name, text)
        assert _csv_rows(text) == _csv_rows(expected[name]), name


def _csv_rows(text: str) -> list[str]:
    return sorted(line for line in text.replace("\r\n", "\n").splitlines())


def test_named_queries_through_the_cli_against_the_endpoint(run_cli, url: str, expected):
    for name in ("documents", "section-overview", "shared-goal-wording"):
        got = run_cli("query", name, "--endpoint", f"{url}/query", "--format", "csv")
        assert got.code == 0, got.err
        assert _csv_rows(got.out) == _csv_rows(expected[name])
    table = run_cli("query", "documents", "--endpoint", f"{url}/query")
    assert "1 row" in table.out


def test_service_description_and_offline_query_page(url: str):
    description = requests.get(f"{url}/query", headers={"Accept": "text/turtle"}, timeout=30)
    g = Graph().parse(data=description.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert [str(o) for o in g.objects(None, URIRef(sd + "endpoint"))] == [f"{url}/query"]
    assert any(str(o) == sd + "UnionDefaultGraph" for o in g.objects())
    page = requests.get(f"{url}/", timeout=30).text
    assert "<textarea" in page and "partners-by-activities" in page
    assert "src=" not in page and "https://cdn" not in page  # nothing fetched from elsewhere


def test_errors_for_paths_methods_and_formats(url: str):
    assert requests.get(f"{url}/nope", timeout=30).status_code == 404
    assert requests.put(f"{url}/query", data=b"x", timeout=30).status_code == 405
    bad = requests.get(f"{url}/query", params={"query": "ASK {}", "format": "pdf"}, timeout=30)
    assert bad.status_code == 400 and "unknown format" in bad.text


def test_negotiate_honours_quality_values():
    assert negotiate("text/csv;q=0.2, application/sparql-results+xml") == ("XML", "TURTLE")
    assert negotiate("application/ld+json, */*;q=0.1") == ("JSON", "JSON_LD")
    assert negotiate("", "tsv") == ("TSV", "TURTLE")


def test_serve_command_refuses_a_missing_store(run_cli, tmp_path: Path):
    got = run_cli("serve", "--store", tmp_path / "none", "--port", "0")
    assert got.code != 0 and "no store" in got.err


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.text(), st.text()), max_size=4),
    st.lists(
        st.sampled_from(
            [
                "%41",
                "%e9",
                "%C3%A9",
                "%",
                "%4",
                "%zz",
                "+",
                "&",
                "=",
                "\\",
                "\\x41",
                "\\a",
                "a",
                "é",
            ]
        ),
        max_size=12,
    ).map("".join),
)
def test_form_parsing_agrees_with_urllib(pairs, raw):
    """The endpoint's fast form decoder gives what urllib.parse.parse_qs gives, on encoded
    forms and on raw text with stray %, + and backslashes; invalid UTF-8 is refused."""
    encoded = urlencode(pairs)
    assert _form(encoded) == parse_qs(encoded, keep_blank_values=True)
    try:
        expected = parse_qs(raw, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        with pytest.raises(QueryError, match="not valid UTF-8"):
            _form(raw)
    else:
        assert _form(raw) == expected


def test_a_worker_remembers_requests_by_their_exact_bytes():
    """A worker reading a kept connection remembers what a request asked by its exact bytes:
    the same bytes again give the same query without being parsed again; other bytes (another
    origin, another query) are read afresh; incomplete and oversized requests are not mixed
    up with whole ones."""
    from beleidsgraaf.graph import endpoint_workers as workers

    def request(query: str, origin: str = "") -> bytearray:
        body = urlencode({"query": query}).encode()
        head = b"POST /query HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        head += b"Content-Type: application/x-www-form-urlencoded\r\n"
        if origin:
            head += b"Origin: " + origin.encode() + b"\r\n"
        return bytearray(head + b"Content-Length: %d\r\n\r\n" % len(body) + body)

    cors, limit = Cors.parse("*"), 1024
    workers._read_request_bytes.cache_clear()
    first = workers._request_of(request("ASK {}"), cors, limit)
    assert first == workers._read_request(request("ASK {}"), cors, limit)
    assert first[0][0] == "ASK {}" and first[1] == ""
    again = workers._request_of(request("ASK {}"), cors, limit)
    assert again == first and workers._read_request_bytes.cache_info().hits == 1
    other = workers._request_of(request("ASK {}", origin=PAGE_ORIGIN), cors, limit)
    assert other[1] == PAGE_ORIGIN
    assert workers._request_of(request("SELECT * {}"), cors, limit)[0][0] == "SELECT * {}"
    assert workers._read_request_bytes.cache_info().hits == 1
    assert workers._request_of(request("ASK {}")[:-3], cors, limit) is None  # not whole yet
    large = request("ASK {}" + " " * workers.MEMO_BYTES)
    assert workers._request_of(large, cors, limit)[0][0].startswith("ASK {}")
    assert workers._read_request_bytes.cache_info().currsize == 4  # the large one is not kept


# --- CORS ------------------------------------------------------------------------------------

PAGE_ORIGIN = "https://portal.example.org"


@contextmanager
def _serving(store: Path, cors: Cors | None = None, limits: Limits | None = None, pool_out=None):
    server, pool = make_endpoint(store, "127.0.0.1", 0, limits or Limits(workers=1), cors)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    if pool_out is not None:
        pool_out.append(pool)
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        pool.close()


def _preflight(url: str, origin: str, method: str = "POST", headers: str = "content-type"):
    return requests.options(
        f"{url}/query",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": headers,
        },
        timeout=30,
    )


def test_cors_by_default_any_origin_may_read_answers_and_errors(url: str):
    ask = f"ASK {{ ?s a <{BG.Document}> }}"
    got = requests.get(
        f"{url}/query", params={"query": ask}, headers={"Origin": PAGE_ORIGIN}, timeout=30
    )
    assert got.status_code == 200 and got.headers["Access-Control-Allow-Origin"] == "*"
    posted = _post(url, ask, Origin=PAGE_ORIGIN)
    assert posted.headers["Access-Control-Allow-Origin"] == "*"
    bad = _post(url, "SELECT ?s WHERE { ?s ?p }", Origin=PAGE_ORIGIN)
    assert bad.status_code == 400 and bad.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in got.headers  # public data, no cookies


def test_cors_preflight(url: str):
    answer = _preflight(url, PAGE_ORIGIN, headers="content-type, accept")
    assert answer.status_code == 204 and answer.content == b""
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert set(answer.headers["Access-Control-Allow-Methods"].split(", ")) == {
        "GET",
        "POST",
        "OPTIONS",
    }
    assert answer.headers["Access-Control-Allow-Headers"] == "content-type, accept"
    assert int(answer.headers["Access-Control-Max-Age"]) > 0
    assert _preflight(url, PAGE_ORIGIN, method="DELETE").status_code == 405
    assert _preflight(url, PAGE_ORIGIN, headers='x-a; y="1"').status_code == 400
    plain = requests.options(f"{url}/query", timeout=30)  # not a preflight
    assert plain.status_code == 204 and "OPTIONS" in plain.headers["Allow"]
    private = requests.options(
        f"{url}/query",
        headers={
            "Origin": PAGE_ORIGIN,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Private-Network": "true",
        },
        timeout=30,
    )
    assert private.headers["Access-Control-Allow-Private-Network"] == "true"


def test_cors_restricted_to_given_origins(store: Path):
    with _serving(store, Cors.parse([f"{PAGE_ORIGIN}, http://localhost:8080"])) as url:
        ask = {"query": "ASK {}"}
        mine = requests.get(f"{url}/query", params=ask, headers={"Origin": PAGE_ORIGIN}, timeout=30)
        assert mine.headers["Access-Control-Allow-Origin"] == PAGE_ORIGIN
        assert "Origin" in mine.headers["Vary"]
        other = requests.get(
            f"{url}/query", params=ask, headers={"Origin": "https://evil.test"}, timeout=30
        )
        assert other.status_code == 200 and "Access-Control-Allow-Origin" not in other.headers
        assert _preflight(url, "http://localhost:8080").status_code == 204
        refused = _preflight(url, "https://evil.test")
        assert refused.status_code == 403 and "evil.test" in refused.text
        assert "Access-Control-Allow-Origin" not in refused.headers


def test_cors_off(store: Path):
    with _serving(store, Cors.parse("none")) as url:
        got = requests.get(
            f"{url}/query", params={"query": "ASK {}"}, headers={"Origin": PAGE_ORIGIN}, timeout=30
        )
        assert got.status_code == 200 and "Access-Control-Allow-Origin" not in got.headers
        preflight = _preflight(url, PAGE_ORIGIN)
        assert "Access-Control-Allow-Origin" not in preflight.headers


def test_cors_origin_option_values():
    assert Cors.parse(None).origins == ("*",)
    assert Cors.parse(["*"]).allows("http://anything:1")
    assert Cors.parse(["NONE"]).enabled is False
    two = Cors.parse(["https://a.example/", "http://b.example:8080"])
    assert two.origins == ("https://a.example", "http://b.example:8080")
    assert two.allows("https://A.example") and not two.allows("https://c.example")
    for wrong in (["https://a.example/path"], ["a.example"], ["*", "https://a.example"]):
        with pytest.raises(ValueError):
            Cors.parse(wrong)


def test_serve_command_refuses_a_bad_cors_origin(run_cli, store: Path):
    got = run_cli("serve", "--store", store, "--port", "0", "--cors-origin", "example.org")
    assert got.code != 0 and "not an origin" in got.err


def test_a_query_queued_behind_a_stopped_one_is_answered_by_the_next_worker(store: Path):
    """One worker: a quick query sent while a hopeless one has just started is queued on the
    same worker; when that worker is killed at the time limit, the quick one is not lost but
    answered by its replacement, and the pool is whole again."""
    pools: list = []
    with _serving(store, limits=Limits(timeout=2.0, workers=1), pool_out=pools) as url:
        with ThreadPoolExecutor(max_workers=2) as ex:
            slow = ex.submit(_post, url, ENDLESS)
            time.sleep(0.005)
            quick = ex.submit(_post, url, f"ASK {{ ?s a <{BG.Document}> }}")
            assert slow.result().status_code == 503
            answer = quick.result()
        assert answer.status_code == 200 and answer.json()["boolean"] is True
        pool = pools[0]
        assert pool.replaced >= 1 and len(pool.processes()) == 1


# --- the HTTP side: keep-alive, pipelining, limits ------------------------------------------


def _raw(url: str, data: bytes, read_until_close: bool = True, timeout: float = 30) -> bytes:
    port = int(url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        if not read_until_close:
            return sock.recv(65536)
        out = b""
        while chunk := sock.recv(65536):
            out += chunk
        return out


def _ask_request(extra: str = "", close: bool = False) -> bytes:
    body = urlencode({"query": "ASK {}"})
    return (
        f"POST /query HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\n{'Connection: close' + chr(13) + chr(10) if close else ''}"
        f"{extra}\r\n{body}"
    ).encode()


def test_keep_alive_and_pipelined_requests_in_order(url: str):
    conn = http.client.HTTPConnection("127.0.0.1", int(url.rsplit(":", 1)[1]), timeout=30)
    sockets = set()
    for _ in range(3):
        conn.request("GET", "/query?query=ASK%20%7B%7D")
        response = conn.getresponse()
        assert response.status == 200 and response.read() == b'{"head":{},"boolean":true}'
        sockets.add(id(conn.sock))
    assert len(sockets) == 1  # one connection for all three
    conn.close()
    # three requests in one write: a bad one between two good ones, answered in order
    bad = b"GET /query?query=ASK%20%7B HTTP/1.1\r\nHost: x\r\n\r\n"
    out = _raw(url, _ask_request() + bad + _ask_request(close=True))
    statuses = [int(code) for code in re.findall(rb"HTTP/1\.1 (\d{3}) ", out)]
    assert statuses == [200, 400, 200], out[:500]


def test_expect_100_continue_and_http_10(url: str):
    port = int(url.rsplit(":", 1)[1])
    body = urlencode({"query": "ASK {}"}).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        head = (
            "POST /query HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded"
            f"\r\nContent-Length: {len(body)}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n"
        )
        sock.sendall(head.encode())
        assert sock.recv(100).startswith(b"HTTP/1.1 100 Continue\r\n\r\n")
        sock.sendall(body)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200 OK") and answer.endswith(b'"boolean":true}')
    old = _raw(url, b"GET /query?query=ASK%20%7B%7D HTTP/1.0\r\n\r\n")  # closes after one
    assert old.startswith(b"HTTP/1.1 200 OK") and b"Connection: close" in old


def test_limits_on_what_a_client_sends(url: str):
    huge_header = _raw(
        url, b"GET /query HTTP/1.1\r\nHost: x\r\nX-A: " + b"a" * 70_000 + b"\r\n\r\n"
    )
    assert huge_header.startswith(b"HTTP/1.1 431")
    too_long = _raw(
        url, b"POST /query HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\nquery=", False
    )
    assert too_long.startswith(b"HTTP/1.1 413") and b"at most" in too_long
    garbage = _raw(url, b"\x16\x03\x01 not http at all\r\n\r\n")
    assert garbage.startswith(b"HTTP/1.1 400") and b"malformed HTTP" in garbage


def test_the_loop_remembers_whole_requests_by_their_exact_bytes(store: Path):
    """The event loop answers a request it has read before (same bytes) without parsing it
    again, and alike: origin-dependent answers stay apart, and only a request read whole in
    one piece, alone, is remembered (not half of one, not two pipelined)."""
    limits = Limits(timeout=TIMEOUT, max_result_bytes=MAX_BYTES, workers=2)
    server, pool = make_endpoint(store, "127.0.0.1", 0, limits, Cors.parse(PAGE_ORIGIN))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    try:
        plain = _ask_request(close=True)
        answers = [_raw(url, plain) for _ in range(3)]  # a new connection each: the loop reads
        assert all(a.startswith(b"HTTP/1.1 200 OK") for a in answers)
        assert all(a.endswith(b'{"head":{},"boolean":true}') for a in answers)
        assert b"Access-Control-Allow-Origin" not in answers[-1]
        assert list(server.requests) == [plain]
        page = _ask_request(f"Origin: {PAGE_ORIGIN}\r\n", close=True)
        for _ in range(2):
            got = _raw(url, page)
            assert f"Access-Control-Allow-Origin: {PAGE_ORIGIN}\r\n".encode() in got
        assert list(server.requests) == [plain, page]
        port = server.server_port
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            half = len(plain) // 2
            sock.sendall(plain[:half])
            time.sleep(0.2)
            sock.sendall(plain[half:])
            split = b""
            while chunk := sock.recv(65536):
                split += chunk
        assert split.startswith(b"HTTP/1.1 200 OK")
        two = _raw(url, _ask_request() + plain)
        assert two.count(b"HTTP/1.1 200 OK") == 2
        assert list(server.requests) == [plain, page]  # neither half nor pair kept
    finally:
        server.shutdown()
        server.server_close()
        pool.close()


def _add_in_child(table, text: str) -> None:
    table.add(text)


def test_texts_one_worker_let_through_are_not_parsed_by_another(store: Path, monkeypatch):
    """The guard's verdicts are shared: a text one process let through is found by another
    (shared memory), a worker does not parse a text found there, a full table only forgets
    (never reports a text it was not given), and every query the endpoint lets through is
    written there."""
    import multiprocessing

    from beleidsgraaf.graph import endpoint_workers as workers
    from beleidsgraaf.graph.endpoint_passed import PassedTexts

    ctx = multiprocessing.get_context("spawn")
    table = PassedTexts(ctx)
    child = ctx.Process(target=_add_in_child, args=(table, "ASK { ?s ?p ?o }"))
    child.start()
    child.join(60)
    assert child.exitcode == 0
    assert "ASK { ?s ?p ?o }" in table and "ASK { ?s ?p ?x }" not in table
    small = PassedTexts(ctx, slots=4)
    texts = [f"ASK {{ <urn:x:{i}> ?p ?o }}" for i in range(50)]
    for text in texts:
        small.add(text)
    assert 0 < sum(text in small for text in texts) <= 4
    assert f"ASK {{ <urn:x:{len(texts)}> ?p ?o }}" not in small

    def no_parse(text: str) -> None:
        raise AssertionError(f"parsed again: {text}")

    monkeypatch.setattr(workers, "_PASSED", table)
    monkeypatch.setattr(workers, "_check_read_only", no_parse)
    workers._verdict.cache_clear()
    assert workers._verdict("ASK { ?s ?p ?o }") is None
    workers._verdict.cache_clear()

    limits = Limits(timeout=TIMEOUT, max_result_bytes=MAX_BYTES, workers=2)
    server, pool = make_endpoint(store, "127.0.0.1", 0, limits)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        query = "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?type }"
        assert query not in pool.passed
        assert _post(f"http://127.0.0.1:{server.server_port}", query).status_code == 200
        assert query in pool.passed
        bad = "SELECT ?s WHERE { ?s ?p }"
        assert _post(f"http://127.0.0.1:{server.server_port}", bad).status_code == 400
        assert bad not in pool.passed
    finally:
        server.shutdown()
        server.server_close()
        pool.close()
