"""How big a partner network can the HTML page take? Times, for synthetic stores of about 1,000,
2,000 and 5,000 nodes: building the network from the store (SPARQL + networkx metrics), writing
the HTML, and headless Chromium opening it, laying it out and taking a screenshot (compared with
Chromium opening an empty page). Prints a table; run `python benchmarks/bench_network.py [N ...]`.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

from beleidsgraaf.graph.network import legend_for, partner_network
from beleidsgraaf.graph.pictures import to_pyvis
from beleidsgraaf.graph.store import opened, replace_graph
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from beleidsgraaf.namespaces import BG

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from test_browser import (  # noqa: E402
    coloured_pixels,
    find_or_install_chromium,
    render,
)

SIZES = (1000, 2000, 5000)


def synthetic_graph(nodes: int, seed: int = 1) -> Graph:
    """A document whose partner network has about `nodes` nodes: 25 % partners, 60 % activities,
    15 % goals in 12 sections; each activity names 1-4 partners, popular ones more often."""
    rng = random.Random(seed)
    D = Namespace(f"https://example.org/id/bench/doc{nodes}")
    g = Graph(identifier=URIRef(str(D)))
    g.add((URIRef(str(D)), RDF.type, BG.Document))
    sections = [D[f"/s/{i}"] for i in range(12)]
    for i, s in enumerate(sections):
        g.add((s, RDF.type, BG.Section))
        g.add((s, SKOS.notation, Literal(f"2.{i}")))
        g.add((s, RDFS.label, Literal(f"Taakveld {i}", lang="nl")))
    goals = [D[f"/g/{i}"] for i in range(int(nodes * 0.15))]
    for i, goal in enumerate(goals):
        g.add((goal, RDF.type, BG.Goal))
        g.add((goal, SKOS.notation, Literal(str(i))))
        g.add((goal, RDFS.label, Literal(f"Doel {i}", lang="nl")))
        g.add((goal, DCTERMS.isPartOf, sections[i % len(sections)]))
    partners = [URIRef(f"https://example.org/id/bench/organisation/{i}") for i in range(nodes // 4)]
    for i, p in enumerate(partners):
        g.add((p, RDF.type, BG.ActorGroup if i % 5 == 0 else BG.Organisation))
        g.add((p, SKOS.prefLabel, Literal(f"Partner {i}", lang="nl")))
    weights = [1 / (i + 1) ** 0.8 for i in range(len(partners))]
    for i in range(int(nodes * 0.6)):
        act = D[f"/a/{i}"]
        goal = goals[i % len(goals)]
        g.add((act, RDF.type, BG.Activity))
        g.add((act, SKOS.notation, Literal(str(i))))
        g.add((act, RDFS.label, Literal(f"Activiteit {i}", lang="nl")))
        g.add((act, DCTERMS.isPartOf, sections[goals.index(goal) % len(sections)]))
        g.add((act, BG.contributesTo, goal))
        for p in set(rng.choices(partners, weights, k=rng.randint(1, 4))):
            g.add((act, BG.involves, p))
    return g


def chromium_baseline(chromium: str, work: Path) -> float:
    page = work / "empty.html"
    page.write_text("<html><body>empty</body></html>", encoding="utf-8")
    return render(chromium, page, work / "empty", budget_ms=4000).seconds


def main(sizes: tuple[int, ...]) -> None:
    chromium, why = find_or_install_chromium()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        base = chromium_baseline(chromium, work) if chromium else None
        for n in sizes:
            store = work / f"store{n}"
            with opened(store) as ds:
                replace_graph(ds, synthetic_graph(n))
            t0 = time.perf_counter()
            with opened(store, read_only=True) as ds:
                G = partner_network(ds)
            t1 = time.perf_counter()
            html = to_pyvis(G, legend_for(G), title=f"Synthetic {n}")
            page = work / f"partners{n}.html"
            page.write_text(html, encoding="utf-8")
            t2 = time.perf_counter()
            row = {
                "target": n,
                "nodes": G.number_of_nodes(),
                "edges": G.number_of_edges(),
                "build s": f"{t1 - t0:.2f}",
                "html s": f"{t2 - t1:.2f}",
                "html MB": f"{len(html.encode()) / 1e6:.2f}",
            }
            if chromium:
                budget = 10000
                shot = render(chromium, page, work / f"run{n}", budget_ms=budget)
                row["chromium s"] = f"{shot.seconds:.1f}"
                row["render s"] = f"{shot.seconds - base:.1f}"
                row["coloured px"] = str(coloured_pixels(shot.png))
                row["requests"] = str(len(shot.requests))
                keep = Path(tempfile.gettempdir()) / f"bench_network_{n}.png"
                keep.write_bytes(shot.png.read_bytes())
                row["screenshot"] = str(keep)
            rows.append(row)
    if not chromium:
        print(f"(no browser timings: {why})")
    else:
        print(f"chromium on an empty page: {base:.1f} s (subtracted in 'render s')")
    keys = list(rows[0])
    widths = {k: max(len(k), *(len(str(r.get(k, ""))) for r in rows)) for k in keys}
    print("  ".join(k.rjust(widths[k]) for k in keys))
    for r in rows:
        print("  ".join(str(r.get(k, "")).rjust(widths[k]) for k in keys))


if __name__ == "__main__":
    main(tuple(int(a) for a in sys.argv[1:]) or SIZES)
