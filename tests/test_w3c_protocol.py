"""The W3C SPARQL 1.1 Protocol test suite against `beleidsgraaf serve`.

The suite lies in ../shared/w3c-sparql-protocol (manifest.ttl and data1-3.nt, read at run
time, never copied here). The runner reads the manifest with rdflib; for each data set the
tests name it loads those files into a fresh store (each into the named graph the manifest
gives it) and starts `beleidsgraaf serve` on it, as a separate process on a free loopback port.
Each ht:Request is sent as written (method, headers, body in its character encoding), its
/sparql/ path prefix replaced by /query, and the answer checked against mf:expectedStatus,
mf:expectedFormat and mf:expectedBoolean.

The update tests (update_*) do not apply to a read-only endpoint: their first request must get
403 with a message that says so, and the requests after it (which read what the update would
have written) are not sent. At the end every store must hold exactly the data loaded into it.
"""

from __future__ import annotations

import http.client
import json
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from beleidsgraaf.graph.store import opened
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS

SUITE = Path(__file__).resolve().parent.parent.parent / "shared" / "w3c-sparql-protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
PREFIX = "/sparql/"
ENDPOINT_PATH = "/query"
SPARQL_RESULTS = "http://www.w3.org/2005/sparql-results#"

# mf:expectedFormat -> the media types that count as that format
FORMATS = {
    "boolean": {"application/sparql-results+json", "application/sparql-results+xml"},
    "tabular": {
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    },
    "RDF": {"application/rdf+xml", "text/turtle", "application/n-triples"},
}
RDF_PARSERS = {"application/rdf+xml": "xml", "text/turtle": "turtle", "application/n-triples": "nt"}


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[int]  # acceptable status classes: 2, 3, 4, 5
    format: str | None
    boolean: bool | None


@dataclass
class ProtocolTest:
    name: str
    title: str
    data: tuple[tuple[str, str], ...]  # (file name, graph IRI)
    requests: list[Request] = field(default_factory=list)

    @property
    def is_update(self) -> bool:
        return self.name.startswith("update_")


def _suite() -> Path:
    if not SUITE.parent.is_dir():
        pytest.skip(f"{SUITE.parent} is absent (the W3C suite lives outside the repository)")
    assert (SUITE / "manifest.ttl").is_file(), f"{SUITE} exists but has no manifest.ttl"
    return SUITE


def read_manifest(folder: Path) -> list[ProtocolTest]:
    """Every mf:ProtocolTest of the manifest, in the manifest's order."""
    g = Graph().parse(folder / "manifest.ttl", format="turtle", publicID=folder.as_uri() + "/")
    manifest = next(g.subjects(RDF.type, MF.Manifest))
    tests = []
    for entry in Collection(g, g.value(manifest, MF.entries)):
        name = str(entry).rsplit("#", 1)[-1]
        data = tuple(
            sorted(
                (Path(str(g.value(d, UT.graph))).name, str(g.value(d, RDFS.label)))
                for d in g.objects(entry, UT.graphData)
            )
        )
        test = ProtocolTest(name, str(g.value(entry, MF.name)), data)
        action = g.value(entry, MF.action)
        for node in Collection(g, g.value(action, HT.requests)):
            headers = {}
            header_list = g.value(node, HT.headers)
            if header_list is not None:
                for h in Collection(g, header_list):
                    headers[str(g.value(h, HT.fieldName))] = str(g.value(h, HT.fieldValue))
            body = None
            content = g.value(node, HT.body)
            if content is not None:
                encoding = str(g.value(content, CNT.characterEncoding) or "UTF-8")
                body = str(g.value(content, CNT.chars)).encode(encoding)
            response = g.value(node, HT.resp)
            statuses = {
                int(re.fullmatch(r"StatusCode(\d)xx", str(s).rsplit("#", 1)[-1]).group(1))
                for s in g.objects(response, MF.expectedStatus)
            }
            fmt = g.value(response, MF.expectedFormat)
            boolean = g.value(response, MF.expectedBoolean)
            path = str(g.value(node, HT.absolutePath))
            test.requests.append(
                Request(
                    method=str(g.value(node, HT.methodName)),
                    path=endpoint_path(path),
                    headers=headers,
                    body=body,
                    statuses=statuses,
                    format=str(fmt) if fmt is not None else None,
                    boolean=boolean.toPython() if boolean is not None else None,
                )
            )
        tests.append(test)
    return tests


def endpoint_path(absolute: str) -> str:
    """The manifest's /sparql/... path with the endpoint's own path in front instead."""
    assert absolute.startswith(PREFIX), absolute
    rest = absolute[len(PREFIX) :]
    return ENDPOINT_PATH + ("" if not rest or rest.startswith("?") else "/") + rest


def _manifest_or_empty() -> list[ProtocolTest]:
    return read_manifest(SUITE) if (SUITE / "manifest.ttl").is_file() else []


TESTS = _manifest_or_empty()


def _id(test: ProtocolTest) -> str:
    return test.name


class Served:
    """`beleidsgraaf serve` over a fresh store holding one data set, started on first use."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.running: dict[tuple, tuple[subprocess.Popen, int, Path]] = {}

    def port(self, data: tuple[tuple[str, str], ...]) -> int:
        if data not in self.running:
            store = self.root / f"store-{len(self.running)}"
            with opened(store) as ds:
                for file_name, graph in data:
                    ds.graph(URIRef(graph)).parse(_suite() / file_name, format="nt")
            self.running[data] = (*start_serve(store, self.root), store)
        process, port, _ = self.running[data]
        assert process.poll() is None, f"serve stopped (exit {process.returncode})"
        return port

    def stop(self) -> None:
        for process, _, _ in self.running.values():
            stop_serve(process)


def start_serve(store: Path, folder: Path, *extra: str) -> tuple[subprocess.Popen, int]:
    """`beleidsgraaf serve` on port 0 (the system picks a free one); the port it printed."""
    log = folder / f"{store.name}.serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "beleidsgraaf.cli", "serve", "--store", str(store),
             "--host", "127.0.0.1", "--port", "0", "--workers", "2", *extra],
            stdout=out,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        found = re.search(r"at http://127\.0\.0\.1:(\d+)/query", log.read_text(errors="replace"))
        if found:
            return process, int(found.group(1))
        if process.poll() is not None:
            pytest.fail(f"serve stopped while starting: {log.read_text(errors='replace')}")
        time.sleep(0.05)
    stop_serve(process)
    pytest.fail(f"serve did not start: {log.read_text(errors='replace')}")


def stop_serve(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    _suite()
    servers = Served(tmp_path_factory.mktemp("w3c-protocol"))
    try:
        yield servers
    finally:
        servers.stop()


def send(port: int, request: Request) -> tuple[int, str, bytes]:
    """(status, media type, body) of one request sent exactly as the manifest writes it."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(request.method, request.path, body=request.body, headers=request.headers)
        response = conn.getresponse()
        media = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
        return response.status, media, response.read()
    finally:
        conn.close()


def boolean_of(media: str, body: bytes) -> bool:
    if media == "application/sparql-results+json":
        return json.loads(body)["boolean"]
    root = ET.fromstring(body)
    found = root.find(f"{{{SPARQL_RESULTS}}}boolean")
    assert found is not None, body[:300]
    return found.text.strip() == "true"


def check_format(fmt: str, media: str, body: bytes) -> None:
    assert media in FORMATS[fmt], f"{media} is not a {fmt} format"
    if fmt == "RDF":
        Graph().parse(data=body, format=RDF_PARSERS[media])
    elif media == "application/sparql-results+json":
        data = json.loads(body)
        assert ("boolean" in data) if fmt == "boolean" else ("results" in data)
    elif media == "application/sparql-results+xml":
        root = ET.fromstring(body)
        kind = "boolean" if fmt == "boolean" else "results"
        assert root.find(f"{{{SPARQL_RESULTS}}}{kind}") is not None
    else:  # CSV / TSV: a header line
        assert body.splitlines()[0]


def test_the_manifest_is_read_whole():
    """34 tests in the suite's commit; a runner that read fewer would pass vacuously."""
    _suite()
    names = [t.name for t in TESTS]
    assert len(names) == 34 and len(set(names)) == 34
    assert sum(1 for n in names if n.startswith("query_")) == 13
    assert sum(1 for n in names if n.startswith("update_")) == 7
    bad = [n for n in names if n.startswith("bad_")]
    assert len(bad) == 14 and sum(1 for n in bad if "update" in n) == 7
    assert all(t.requests for t in TESTS)
    datasets = {t.data for t in TESTS}
    assert len(datasets) == 3  # none, data1+data2, data1+data2+data3


@pytest.mark.parametrize("test", TESTS, ids=_id)
def test_w3c_protocol(test: ProtocolTest, served: Served):
    port = served.port(test.data)
    if test.is_update:
        # the endpoint is read-only: the update is refused, and what follows it is moot
        status, media, body = send(port, test.requests[0])
        assert status == 403, (test.name, status, body[:300])
        assert media == "text/plain" and b"read-only" in body, body[:300]
        return
    for request in test.requests:
        status, media, body = send(port, request)
        assert status // 100 in request.statuses, (test.name, status, body[:300])
        if request.format is not None:
            check_format(request.format, media, body)
        if request.boolean is not None:
            assert boolean_of(media, body) is request.boolean, body[:300]
        if 4 in request.statuses:
            assert body.strip(), "an error answer says what is wrong"


def test_every_store_is_unchanged(served: Served, store_dump):
    """After all of the above (updates included) each store holds just what was loaded."""
    import pyoxigraph as ox

    assert served.running, "no test ran against a server"
    served.stop()
    for data, (_, _, store) in served.running.items():
        loaded = ox.Store()
        for file_name, graph in data:
            loaded.load(
                path=str(_suite() / file_name),
                format=ox.RdfFormat.N_TRIPLES,
                to_graph=ox.NamedNode(graph),
            )
        want = sorted(loaded.dump(format=ox.RdfFormat.N_QUADS).decode().splitlines())
        assert store_dump(store) == want, data


def test_endpoint_path_keeps_the_query_string():
    assert endpoint_path("/sparql/") == "/query"
    assert endpoint_path("/sparql/?query=ASK%20%7B%7D") == "/query?query=ASK%20%7B%7D"
    with pytest.raises(AssertionError):
        endpoint_path("/elsewhere/?query=x")
