"""Pictures of the networks in graph/network.py: interactive HTML, PNG/SVG, GraphML and GEXF.

The HTML is vis-network node and edge data, shaped as pyvis shapes it, in our own template with
vis-network's JavaScript and CSS inlined from the copy pyvis ships: pyvis itself still loads
vis-network and Bootstrap from CDNs in its "local" and "in_line" modes (pyvis issues #228, #229),
and its `from_nx` is quadratic (a list lookup per edge end: 17 s for 5,000 nodes), so the page is
written here rather than by `pyvis.network.Network`.
The page references nothing outside the file, and its Content-Security-Policy forbids the
browser to fetch anything, so it works offline and leaks nothing about who opens it.
"""

from __future__ import annotations

import json
import math
import re
from functools import cache
from pathlib import Path

import networkx as nx
import pyvis
from jinja2 import Environment, FileSystemLoader, select_autoescape
from rdflib import Dataset

from .network import FACETS, NetworkError, legend_for, network_summary, partner_network

__all__ = [
    "to_pyvis",
    "to_png",
    "write_graphml",
    "write_gexf",
    "exportable",
    "LARGE",
    "MAX_SENTENCES",
    "demo_outputs",
]

# Above LARGE nodes the page trades looks for speed: straight edges, fewer layout iterations,
# edges hidden while dragging (see docs/networks.md for the measurements behind it).
LARGE = 500
LAYOUT_BUDGET = 250_000  # node-iterations of the force layout: 1,000 nodes get 250 iterations
LAYOUT_MIN_ITERATIONS = 100
MAX_SENTENCES = 12
# networkx lays out up to 499 nodes with numpy alone; beyond that it needs scipy and minutes.
PNG_LIMIT = 499  # per node in the page; the full list stays in GraphML/GEXF

_VIS = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"
_TEMPLATES = Path(__file__).parent / "templates"
_SOURCE_MAP = re.compile(r"/[/*]# sourceMappingURL=\S+")


@cache
def _asset(name: str) -> str:
    """A vis-network file as text, without its source-map comment (which would make developer
    tools ask for a file that is not there)."""
    text = (_VIS / name).read_text(encoding="utf-8")
    return _SOURCE_MAP.sub("", text).replace("</script", "<\\/script")


def _script_json(value) -> str:
    """JSON that is safe inside a <script> element."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


def _node_size(degree: int) -> int:
    return int(8 + 5 * math.sqrt(degree))


def _vis_options(n: int) -> dict:
    """vis-network options: settle the layout before showing it, then stop the physics (the
    page switches it off on `stabilizationIterationsDone`)."""
    large = n > LARGE
    # Layout work grows with n * iterations; a fixed budget keeps big pages opening in seconds.
    iterations = int(min(1000, max(LAYOUT_MIN_ITERATIONS, LAYOUT_BUDGET / max(n, 1))))
    return {
        "autoResize": True,
        "layout": {"improvedLayout": n <= 150, "randomSeed": 1},
        "nodes": {
            "shape": "dot",
            "font": {"size": 12, "face": "sans-serif"},
            "borderWidth": 1,
        },
        "edges": {
            "color": {"color": "#b0b0b0", "highlight": "#404040", "inherit": False},
            "smooth": False if large else {"type": "continuous"},
            "width": 1,
        },
        "interaction": {
            "hover": True,
            "tooltipDelay": 150,
            "hideEdgesOnDrag": large,
            "navigationButtons": False,
            "multiselect": False,
        },
        "physics": {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -60,
                "centralGravity": 0.01,
                "springLength": 90,
                "springConstant": 0.08,
                "damping": 0.5,
                "avoidOverlap": 0.2 if not large else 0,
            },
            "minVelocity": 1,
            "stabilization": {"enabled": True, "iterations": iterations, "updateInterval": 25},
        },
    }


def _seed_positions(G: nx.Graph, spacing: float = 28.0) -> dict:
    """Starting places for a big network's layout: each Louvain community a disc of its own
    (nodes on a sunflower spiral, busiest in the middle), the discs on a larger spiral. The
    browser's force layout then only refines them, which takes a fraction of the iterations a
    random start needs (a random start of 5,000 nodes was still a square after 60)."""
    groups: dict[int, list] = {}
    for node, d in G.nodes(data=True):
        groups.setdefault(int(d.get("community", 0) or 0), []).append(node)
    ordered = sorted(groups.values(), key=len, reverse=True)
    radius = max((spacing * math.sqrt(len(g)) for g in ordered), default=spacing)
    golden = math.pi * (3 - math.sqrt(5))
    positions = {}
    for k, members in enumerate(ordered):
        cx = 2.2 * radius * math.sqrt(k) * math.cos(k * golden)
        cy = 2.2 * radius * math.sqrt(k) * math.sin(k * golden)
        members.sort(key=lambda n: -G.degree(n))
        for i, node in enumerate(members):
            r = spacing * math.sqrt(i)
            positions[node] = (
                round(cx + r * math.cos(i * golden), 1),
                round(cy + r * math.sin(i * golden), 1),
            )
    return positions


def _vis_data(G: nx.Graph) -> tuple[list[dict], list[dict]]:
    """vis-network nodes and edges: label, colour, size by degree, and under `bg` what the
    tooltips, the details panel and the filters show (built into DOM nodes by the page)."""
    nodes = []
    seeds = _seed_positions(G) if G.number_of_nodes() > LARGE else {}
    for node, d in G.nodes(data=True):
        sentences = list(d.get("sentences", []))
        degree = d.get("degree", G.degree(node))
        nodes.append(
            {
                "id": str(node),
                "label": str(d.get("label", node)),
                "color": d.get("color") or "#999999",
                "size": _node_size(int(degree)),
                "shape": "dot",
                **({"x": seeds[node][0], "y": seeds[node][1]} if node in seeds else {}),
                "bg": {
                    "kind": d.get("kind", ""),
                    "names": list(d.get("names", [])),
                    "identifiers": list(d.get("identifiers", [])),
                    "sentences": sentences[:MAX_SENTENCES],
                    "more": max(0, len(sentences) - MAX_SENTENCES),
                    "text": d.get("text", ""),
                    "section": d.get("section", ""),
                    "sections": list(d.get("sections", [])),
                    "taskfields": list(d.get("taskfields", [])),
                    "laws": list(d.get("laws", [])),
                    "organisations": list(d.get("organisations", [])),
                    "degree": degree,
                    "betweenness": d.get("betweenness"),
                    "community": d.get("community"),
                    "weighted_degree": d.get("weighted_degree"),
                },
            }
        )
    edges = []
    for u, v, d in G.edges(data=True):
        detail = [d.get("relation", "")]
        if "weight" in d:
            detail.append(f"shared activities: {d['weight']}")
        for key in ("activities", "sentences"):
            if d.get(key):
                detail.append(str(d[key]))
        edges.append(
            {
                "from": str(u),
                "to": str(v),
                "width": min(1 + math.log2(d.get("weight", 1)), 8),
                "title": "\n".join(x for x in detail if x),
            }
        )
    return nodes, edges


def _facets(G: nx.Graph) -> dict[str, list[str]]:

    out: dict[str, set[str]] = {key: set() for key in FACETS}
    for _, d in G.nodes(data=True):
        for key, values in out.items():
            values.update(d.get(key, ()))
    return {k: sorted(v) for k, v in out.items()}


@cache
def _template():
    env = Environment(
        loader=FileSystemLoader(_TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("network.html")


def to_pyvis(
    G: nx.Graph,
    legend: dict[str, str],
    title: str = "Network",
    summary: list[dict] | None = None,
) -> str:
    """A self-contained HTML page: the network (vis-network, as shipped with pyvis), a legend, filters by
    section, law and organisation, a search box, tooltips and a details panel with names,
    identifiers (links) and source sentences, and a table of the most central nodes.

    `legend` maps a label to a colour (graph/network.py `legend_for`); `summary` rows come from
    `network_summary` (computed here when not given).
    """

    nodes, edges = _vis_data(G)
    rows = summary if summary is not None else network_summary(G, limit=25)
    data = {
        "nodes": nodes,
        "edges": edges,
        "options": _vis_options(G.number_of_nodes()),
        "facets": _facets(G),
    }
    return _template().render(
        title=title,
        legend=legend,
        stats={
            "nodes": G.number_of_nodes(),
            "edges": G.number_of_edges(),
            "communities": G.graph.get("communities"),
            "betweenness": G.graph.get("betweenness", ""),
            "filter": G.graph.get("filter"),
        },
        summary=rows,
        vis_css=_asset("vis-network.css"),
        vis_js=_asset("vis-network.min.js"),
        data_json=_script_json(data),
    )


def to_png(
    G: nx.Graph, path: str | Path, legend: dict[str, str] | None = None, fmt: str | None = None
) -> Path:
    """A static picture for reports, drawn with matplotlib: PNG or SVG (`fmt`, else by the
    file's suffix)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    path = Path(path)
    n = G.number_of_nodes()
    if n > PNG_LIMIT:
        raise NetworkError(
            f"a static picture is drawn for up to {PNG_LIMIT} nodes and this network has {n}: "
            "narrow it with --filter, or write html (interactive) or graphml/gexf (Gephi)"
        )
    fig, ax = plt.subplots(figsize=(12, 9), dpi=100)
    ax.set_axis_off()
    if n:
        pos = nx.spring_layout(G, seed=1, k=1.5 / math.sqrt(n), iterations=50)
        colors = [d.get("color") or "#999999" for _, d in G.nodes(data=True)]
        sizes = [4 * _node_size(int(d.get("degree", 0))) for _, d in G.nodes(data=True)]
        nx.draw_networkx_edges(G, pos, ax=ax, edge_color="#c0c0c0", width=0.6)
        nx.draw_networkx_nodes(G, pos, ax=ax, node_color=colors, node_size=sizes, linewidths=0)
        if n <= 150:
            top = sorted(G.degree(), key=lambda x: -x[1])[: max(10, n // 4)]
            labels = {node: str(G.nodes[node].get("label", node))[:30] for node, _ in top}
            nx.draw_networkx_labels(G, pos, labels=labels, ax=ax, font_size=7)
    else:
        ax.text(0.5, 0.5, "empty network", ha="center", va="center", transform=ax.transAxes)
    if legend:
        handles = [
            Line2D([], [], marker="o", linestyle="", color=c, label=k, markersize=8)
            for k, c in legend.items()
        ]
        ax.legend(handles=handles, loc="lower left", frameon=False, fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format=fmt or path.suffix.lstrip(".").lower() or "png")
    plt.close(fig)
    return path


def exportable(G: nx.Graph) -> nx.Graph:
    """A copy whose attribute values GraphML and GEXF can hold: lists and sets are joined with
    ' | ', None values are left out, anything else that is not str/int/float/bool is str()'d."""

    def clean(attrs: dict) -> dict:
        out = {}
        for key, value in attrs.items():
            if value is None:
                continue
            if isinstance(value, list | tuple | set | frozenset):
                value = " | ".join(
                    str(x) for x in (sorted(value) if isinstance(value, set | frozenset) else value)
                )
            elif not isinstance(value, str | int | float | bool):
                value = str(value)
            out[key] = value
        return out

    H = nx.Graph() if not G.is_directed() else nx.DiGraph()
    H.graph.update(clean(G.graph))
    H.add_nodes_from((n, clean(d)) for n, d in G.nodes(data=True))
    H.add_edges_from((u, v, clean(d)) for u, v, d in G.edges(data=True))
    return H


def write_graphml(G: nx.Graph, path: str | Path) -> Path:
    """GraphML for Gephi, yEd, Cytoscape (list attributes joined with ' | ')."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(exportable(G), path)
    return path


def write_gexf(G: nx.Graph, path: str | Path) -> Path:
    """GEXF for Gephi, with node colours and sizes as viz attributes."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    H = exportable(G)
    for _, d in H.nodes(data=True):
        color = str(d.get("color", "#999999")).lstrip("#")
        if len(color) == 6:
            r, g, b = (int(color[i : i + 2], 16) for i in (0, 2, 4))
            d["viz"] = {"color": {"r": r, "g": g, "b": b, "a": 1.0}}
            d["viz"]["size"] = float(_node_size(int(d.get("degree", 0))))
    nx.write_gexf(H, path)
    return path


def demo_outputs(ds: Dataset, out_dir: Path) -> list[Path]:
    """The partner network of what the store holds, as out/partners.html and .graphml."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    G = partner_network(ds)
    html = out_dir / "partners.html"
    html.write_text(to_pyvis(G, legend_for(G), title="Partner network"), encoding="utf-8")
    graphml = out_dir / "partners.graphml"
    write_graphml(G, graphml)
    return [html, graphml]
