"""A web page on another origin queries `beleidsgraaf serve` with fetch(), in headless Chromium.

The page is served from one loopback port, the endpoint listens on another: a different
origin, so Chromium applies CORS. The POST sends `Content-Type: application/sparql-query`,
which is not a "simple" request: Chromium must send a preflight (OPTIONS) first, and its net
log shows that it did. The same page against an endpoint restricted to another origin, or
with CORS off, must be refused by the browser: that is what shows the test can fail.
"""

from __future__ import annotations

import http.server
import json
import re
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from beleidsgraaf.graph.endpoint import Cors, Limits, make_endpoint
from beleidsgraaf.graph.store import opened
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS
from test_browser import CHROMIUM_FLAGS, chromium  # noqa: F401 - the session fixture

from beleidsgraaf.namespaces import BG

pytestmark = pytest.mark.browser

DOCS = 3
# test_browser's flags (network off) with loopback let through: names still resolve to nothing
LOOPBACK_ONLY = [
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
    if flag.startswith("--host-resolver-rules=")
    else flag
    for flag in CHROMIUM_FLAGS
]
QUERY = f"SELECT (COUNT(?d) AS ?n) WHERE {{ ?d a <{BG.Document}> }}"

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>portal</title></head><body>
<pre id="out">running</pre>
<script>
const ENDPOINT = "__ENDPOINT__", QUERY = __QUERY__;
async function ask(how) {
  try {
    const r = how === "POST"
      ? await fetch(ENDPOINT, {method: "POST", body: QUERY, headers: {
          "Content-Type": "application/sparql-query",
          "Accept": "application/sparql-results+json"}})
      : await fetch(ENDPOINT + "?query=" + encodeURIComponent(QUERY),
          {headers: {"Accept": "application/sparql-results+json"}});
    const data = await r.json();
    return {status: r.status, type: r.headers.get("Content-Type"),
            n: Number(data.results.bindings[0].n.value)};
  } catch (e) {
    return {error: String(e)};
  }
}
(async () => {
  const out = {origin: location.origin, post: await ask("POST"), get: await ask("GET")};
  document.getElementById("out").textContent = JSON.stringify(out);
})();
</script></body></html>
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cors") / "store"
    with opened(path) as ds:
        for i in range(DOCS):
            doc = URIRef(f"https://example.org/id/doc{i}")
            g = Graph(store=ds.store, identifier=doc)
            g.add((doc, RDF.type, BG.Document))
            g.add((doc, RDFS.label, Literal(f"document {i}")))
    return path


@contextmanager
def endpoint(store: Path, cors: Cors) -> Iterator[str]:
    server, pool = make_endpoint(store, "127.0.0.1", 0, Limits(workers=1), cors)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/query"
    finally:
        server.shutdown()
        server.server_close()
        pool.close()


@contextmanager
def page_site(folder: Path) -> Iterator[str]:
    """A static web server for `folder` on its own loopback port: the page's origin."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(folder), **kwargs)

        def log_message(self, format, *args):  # noqa: A002 - stdlib signature
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def run_page(browser: str, work: Path, endpoint_url: str) -> tuple[dict, list[tuple[str, str]]]:
    """Open the portal page (served from another origin) in headless Chromium; what the page
    found, and the (method, URL) of every request Chromium sent to the endpoint."""
    site = work / "site"
    site.mkdir(parents=True)
    page = PAGE.replace("__ENDPOINT__", endpoint_url).replace("__QUERY__", json.dumps(QUERY))
    (site / "portal.html").write_text(page, encoding="utf-8")
    netlog = work / "net.json"
    with page_site(site) as origin:
        command = [
            browser,
            *LOOPBACK_ONLY,
            f"--user-data-dir={work / 'profile'}",
            "--virtual-time-budget=10000",
            f"--log-net-log={netlog}",
            "--dump-dom",
            f"{origin}/portal.html",
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    found = re.search(r'<pre id="out">(.*?)</pre>', done.stdout, re.DOTALL)
    if done.returncode != 0 or not found:
        raise AssertionError(f"chromium failed ({done.returncode}): {done.stderr[-2000:]}")
    result = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    assert result["origin"] == origin and origin not in endpoint_url  # really cross-origin
    return result, sent_to(netlog, endpoint_url)


def sent_to(netlog: Path, endpoint_url: str) -> list[tuple[str, str]]:
    log = json.loads(netlog.read_text(encoding="utf-8"))
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [
        (event["params"].get("method", ""), event["params"]["url"])
        for event in log["events"]
        if event["type"] == start_job
        and event.get("params", {}).get("url", "").startswith(endpoint_url)
    ]


def test_a_page_on_another_origin_queries_the_endpoint(chromium, store, tmp_path):  # noqa: F811
    with endpoint(store, Cors()) as url:
        result, sent = run_page(chromium, tmp_path, url)
    assert result["post"] == {
        "status": 200,
        "type": "application/sparql-results+json; charset=utf-8",
        "n": DOCS,
    }, result
    assert result["get"]["status"] == 200 and result["get"]["n"] == DOCS, result
    methods = [method for method, _ in sent]
    assert "OPTIONS" in methods, sent  # the POST was preflighted ...
    assert methods.index("OPTIONS") < methods.index("POST"), sent  # ... before it was sent


def test_the_page_is_refused_where_its_origin_is_not_allowed(
    chromium,  # noqa: F811
    store,
    tmp_path,
):
    with endpoint(store, Cors.parse("https://portal.example.org")) as url:
        restricted, sent = run_page(chromium, tmp_path / "restricted", url)
    assert "error" in restricted["post"] and "error" in restricted["get"], restricted
    assert [m for m, _ in sent if m == "POST"] == [], sent  # the preflight failed: no POST
    with endpoint(store, Cors.parse("none")) as url:
        off, _ = run_page(chromium, tmp_path / "off", url)
    assert "error" in off["post"] and "error" in off["get"], off
