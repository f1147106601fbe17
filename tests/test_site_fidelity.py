"""A budget website crawled from its start address scores as the same content in plain text.

The site (tests/site_vlietmond.py) is invented and served on 127.0.0.1 by the test: five pages
with a cookie banner, skip link, menu, breadcrumbs, sidebar, share links and footer around the
content. `beleidsgraaf build URL` crawls it; the same content written as a .txt file is built
too; `beleidsgraaf evaluate` scores both against one gold key
(tests/data/site/vlietmond-begroting-2025.gold.json, made to ../shared/eval/ANNOTATION-GUIDE.md).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import site_vlietmond
from beleidsgraaf.graph.store import document_graphs, opened
from rdflib import RDF, RDFS
from rdflib.namespace import SKOS

from beleidsgraaf.evaluate import document_graph
from beleidsgraaf.namespaces import BG, NIF

SITE_DOCUMENT = "127.0.0.1.html"  # the document name of a site read from 127.0.0.1


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """The site crawled and built, and its content as plain text built: their stores."""
    from beleidsgraaf.cli import main

    folder = tmp_path_factory.mktemp("site-fidelity")
    text = folder / site_vlietmond.TEXT_NAME
    text.write_text(site_vlietmond.plain_text(), encoding="utf-8")
    with site_vlietmond.serving() as site:
        code = main(
            ["build", site.url, "--store", str(folder / "site"), "--delay", "0",
             "--cache", str(folder / "cache")]
        )  # fmt: skip
        assert code == 0
        # every page once, and the links that lead off the content (404s, the footer) once
        assert max(site.hits.values()) == 1
    assert main(["build", str(text), "--store", str(folder / "text")]) == 0
    gold = json.loads(site_vlietmond.GOLD.read_text(encoding="utf-8"))
    gold["document"] = SITE_DOCUMENT  # the key names the file it was written for
    (folder / "site.gold.json").write_text(json.dumps(gold, ensure_ascii=False), "utf-8")
    return {
        "site": folder / "site",
        "text": folder / "text",
        "site gold": folder / "site.gold.json",
        "text gold": site_vlietmond.GOLD,
    }


def figures(report: str) -> dict[str, tuple[int, int, int]]:
    """part -> (TP, FP, FN) from the table `beleidsgraaf evaluate --gold` prints."""
    out = {}
    for line in report.splitlines():
        m = re.match(
            r"^(\S.*?)\s+\d\.\d{3}\s+\d\.\d{3}\s+(\d\.\d{3})\s+(\d+)\s+(\d+)\s+(\d+)$", line
        )
        if m:
            out[m.group(1)] = (int(m.group(3)), int(m.group(4)), int(m.group(5)))
    return out


def test_the_crawled_site_scores_as_its_content_in_plain_text(built, run_cli):
    site = run_cli("evaluate", "--gold", built["site gold"], "--store", built["site"])
    text = run_cli("evaluate", "--gold", built["text gold"], "--store", built["text"])
    assert site.code == 0 and text.code == 0, site.err + text.err
    got, expected = figures(site.out), figures(text.out)
    assert {"sections", "goals", "activities", "entities core", "relations"} <= set(expected)
    assert got == expected, f"site:\n{site.out}\n\nplain text:\n{text.out}"
    # and the content's structure is found at all (both could be equally wrong otherwise):
    # every programme and task field, every goal, no page furniture as goal or activity
    for part in ("sections", "goals"):
        assert got[part][1:] == (0, 0), (part, site.out)
    assert got["activities"][1] == 0, site.out
    assert got["entities core"][0] >= 10, site.out


def graph_count(store: Path) -> int:
    with opened(store, read_only=True) as ds:
        return len(document_graphs(ds))


def _stored(store: Path) -> tuple[str, list[str]]:
    """The document's stored text, and every label of its sections, goals, activities and
    entities (and every mention's words)."""
    with opened(store, read_only=True) as ds:
        g = document_graph(ds, SITE_DOCUMENT)
    [text] = [str(t) for t in g.objects(None, NIF.isString)]
    kinds = (BG.Section, BG.Goal, BG.Activity, BG.Organisation, BG.Law, BG.Place)
    kinds += (BG.Instrument, BG.ActorGroup)
    labels = [
        str(label)
        for kind in kinds
        for node in g.subjects(RDF.type, kind)
        for prop in (RDFS.label, SKOS.prefLabel, SKOS.altLabel)
        for label in g.objects(node, prop)
    ]
    labels += [str(a) for a in g.objects(None, NIF.anchorOf)]
    return text, labels


def test_no_menu_breadcrumb_or_cookie_word_becomes_an_entity_goal_or_activity(built):
    text, labels = _stored(built["site"])
    assert len(labels) > 30 and "Havenstaete" in labels  # the labels are there to look at
    for word in site_vlietmond.FURNITURE_WORDS:
        pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)
        assert not pattern.search(text), f"{word!r} is in the stored text"
        assert not [label for label in labels if pattern.search(label)], word


def test_a_killed_crawl_goes_on_from_its_cache_without_fetching_again(tmp_path: Path):
    """`build URL` is killed while it waits for the fourth page; the rerun fetches only what the
    first run did not get, and builds the site."""
    store, cache = tmp_path / "store", tmp_path / "cache"
    cmd = [sys.executable, "-m", "beleidsgraaf.cli", "build", "--store", str(store),
           "--delay", "0", "--cache", str(cache), "--no-entities"]  # fmt: skip
    stall = "/programma-3-ruimte"
    with site_vlietmond.serving(stall=stall) as site:
        first = subprocess.Popen(
            [*cmd, site.url], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        try:
            assert site.stalled.wait(120), "the crawl never reached the stalled page"
        finally:
            os.kill(first.pid, signal.SIGKILL)  # as a power cut or `kill -9` would
            _, err = first.communicate(timeout=30)
        assert first.returncode == -signal.SIGKILL, err
        assert not store.exists() or graph_count(store) == 0  # nothing half-built is kept
        fetched = dict(site.hits)
        assert fetched["/"] == 1 and fetched["/programma-2-sociaal-domein"] == 1
        assert len(list(cache.rglob("*.json"))) >= 3  # what came in before the kill is kept
        site.release.set()
        again = subprocess.run(
            [*cmd, site.url], capture_output=True, text=True, timeout=300,
            env={**os.environ, "COLUMNS": "200"},
        )  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert "1 built" in again.stderr
    for path, count in fetched.items():
        if path != stall:
            assert site.hits[path] == count, f"{path} fetched again"
    assert site.hits["/programma-2-sociaal-domein/taakveld-6-1"] == 1  # the rest is fetched
