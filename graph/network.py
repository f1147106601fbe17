"""Networks for analysts, built from the RDF with SPARQL: who works with whom, on what, by law.

Three graphs, each a plain `networkx.Graph` whose nodes are IRIs (strings) with attributes:

- `partner_network`: organisations and actor groups -- activities they are involved in -- the
  goals those activities contribute to;
- `organisation_network`: organisations and actor groups linked when they share an activity
  (the bipartite projection, `weight` = number of shared activities);
- `law_network`: laws -- activities that concern them -- goals -- sections.

Every node has `kind` (the bg: class name), `label` (short, for drawing), `names` (prefLabel
first, then altLabels), `identifiers` (owl:sameAs IRIs: BWB, Wikidata), `sentences` (the
sentences the thing is named in), `text` (an activity's or goal's wording), `section` (the
section an activity or goal sits in) and the facets `sections`, `taskfields` (the Iv3 task
fields the section is tied to by dcterms:subject), `laws`, `organisations` that the HTML
filters on; `add_metrics` adds `degree`, `betweenness` and
`community`. Pictures of these graphs live in graph/pictures.py.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import networkx as nx
from rdflib import Dataset
from rdflib.namespace import DCTERMS, OWL, RDFS, SKOS

from beleidsgraaf.namespaces import BG, ITSRDF, NIF

__all__ = [
    "KINDS",
    "KIND_COLORS",
    "NetworkError",
    "legend_for",
    "partner_network",
    "organisation_network",
    "law_network",
    "build_network",
    "add_metrics",
    "filter_network",
    "network_summary",
]

# Okabe-Ito colours: distinguishable with the common forms of colour blindness.
KIND_COLORS: dict[str, str] = {
    "Organisation": "#0072B2",
    "ActorGroup": "#56B4E9",
    "Activity": "#E69F00",
    "Goal": "#009E73",
    "Section": "#CC79A7",
    "Law": "#D55E00",
}
KIND_LABELS: dict[str, str] = {
    "Organisation": "Organisation",
    "ActorGroup": "Actor group",
    "Activity": "Activity",
    "Goal": "Goal",
    "Section": "Section (task field)",
    "Law": "Law",
}
KINDS = ("partners", "organisations", "laws")
# What the page filters on; each node lists its own values and its neighbours'.
FACETS = ("sections", "taskfields", "laws", "organisations")
PARTNER_KINDS = ("Organisation", "ActorGroup")

# Above this many nodes betweenness is estimated from a sample of sources (exact is O(V*E)).
EXACT_BETWEENNESS_LIMIT = 500
BETWEENNESS_SAMPLE = 200

_PREFIXES = "\n".join(
    f"PREFIX {p}: <{ns}>"
    for p, ns in {
        "bg": BG._NS,
        "skos": SKOS,
        "rdfs": RDFS,
        "dcterms": DCTERMS,
        "owl": OWL,
        "nif": NIF,
        "itsrdf": ITSRDF,
    }.items()
)


class NetworkError(ValueError):
    """A network cannot be made as asked (unknown kind, nothing matches the filter)."""


# --- reading the store ------------------------------------------------------------------------


def _select(ds: Dataset, body: str) -> list[tuple]:
    return [tuple(row) for row in ds.query(_PREFIXES + "\n" + body)]


def _s(term) -> str | None:
    return None if term is None else str(term)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _sections(ds: Dataset) -> dict[str, dict]:
    """Sections with their title and the Iv3 task fields (dcterms:subject) they are tied to."""
    rows = _select(
        ds,
        "SELECT ?s ?n ?l ?tn ?tl WHERE { ?s a bg:Section . OPTIONAL { ?s skos:notation ?n } "
        "OPTIONAL { ?s rdfs:label ?l } OPTIONAL { ?s dcterms:subject ?t . "
        "OPTIONAL { ?t skos:notation ?tn } OPTIONAL { ?t skos:prefLabel ?tl } } }",
    )
    out: dict[str, dict] = {}
    for s, n, label, tn, tl in rows:
        title = " ".join(x for x in (_s(n), _s(label)) if x) or str(s)
        info = out.setdefault(
            str(s), {"notation": _s(n) or "", "title": title, "taskfields": set()}
        )
        field = " ".join(x for x in (_s(tn), _s(tl)) if x)
        if field:
            info["taskfields"].add(field)
    return out


def _items(ds: Dataset, cls: str) -> dict[str, dict]:
    """Goals or activities: notation, wording and the section they are part of."""
    rows = _select(
        ds,
        f"SELECT ?x ?n ?l ?s WHERE {{ ?x a bg:{cls} . OPTIONAL {{ ?x skos:notation ?n }} "
        "OPTIONAL { ?x rdfs:label ?l } OPTIONAL { ?x dcterms:isPartOf ?s . ?s a bg:Section } }",
    )
    out: dict[str, dict] = {}
    for x, n, label, s in rows:
        out[str(x)] = {"notation": _s(n) or "", "text": _s(label) or "", "section_iri": _s(s)}
    return out


def _links(ds: Dataset, predicate: str) -> dict[str, set[str]]:
    """activity -> the objects of `bg:<predicate>`."""
    out: dict[str, set[str]] = defaultdict(set)
    for a, o in _select(ds, f"SELECT ?a ?o WHERE {{ ?a bg:{predicate} ?o }}"):
        out[str(a)].add(str(o))
    return out


def _entities(ds: Dataset, kinds: Iterable[str]) -> dict[str, dict]:
    """Named things of the given bg: classes with their names and outside identifiers."""
    values = " ".join(f"bg:{k}" for k in kinds)
    rows = _select(
        ds,
        f"SELECT ?e ?kind ?pref ?alt ?same WHERE {{ VALUES ?kind {{ {values} }} ?e a ?kind . "
        "OPTIONAL { ?e skos:prefLabel ?pref } OPTIONAL { ?e skos:altLabel ?alt } "
        "OPTIONAL { ?e owl:sameAs ?same } }",
    )
    out: dict[str, dict] = {}
    for e, kind, pref, alt, same in rows:
        info = out.setdefault(
            str(e),
            {"kind": str(kind).rsplit("#", 1)[-1], "pref": None, "alts": set(), "ids": set()},
        )
        if pref is not None:
            info["pref"] = str(pref)
        if alt is not None:
            info["alts"].add(str(alt))
        if same is not None:
            info["ids"].add(str(same))
    return out


def _sentences(ds: Dataset) -> dict[tuple[str, str], list[str]]:
    """(entity, activity) -> the sentences in which the activity names the entity."""
    rows = _select(
        ds,
        "SELECT DISTINCT ?e ?a ?text WHERE { ?m a bg:Mention ; itsrdf:taIdentRef ?e ; "
        "bg:mentionedIn ?a ; nif:sentence ?s . ?s nif:anchorOf ?text }",
    )
    out: dict[tuple[str, str], list[str]] = defaultdict(list)
    for e, a, text in rows:
        out[(str(e), str(a))].append(" ".join(str(text).split()))
    for value in out.values():
        value.sort()
    return out


# --- building ---------------------------------------------------------------------------------


def _empty_node(kind: str, label: str) -> dict:
    return {
        "kind": kind,
        "label": label,
        "color": KIND_COLORS[kind],
        "names": [],
        "identifiers": [],
        "sentences": [],
        "text": "",
        "section": "",
        "sections": set(),
        "taskfields": set(),
        "laws": set(),
        "organisations": set(),
    }


def _entity_node(kind: str, info: dict) -> dict:
    name = info["pref"] or (sorted(info["alts"])[0] if info["alts"] else "?")
    node = _empty_node(kind, name)
    node["names"] = [name] + sorted(info["alts"] - {name})
    node["identifiers"] = sorted(info["ids"])
    return node


def _item_node(kind: str, info: dict, sections: dict[str, dict]) -> dict:
    section = sections.get(info["section_iri"] or "", {})
    prefix = section.get("notation", "")
    if info["notation"]:
        word = "goal" if kind == "Goal" else "act."
        label = " ".join(x for x in (prefix, word, info["notation"]) if x)
    else:  # a prose paragraph: its first words tell it apart from the section
        label = f"{prefix}: {_short(info['text'], 28)}" if prefix else _short(info["text"], 30)
    node = _empty_node(kind, label)
    node["text"] = info["text"]
    node["section"] = section.get("title", "")
    if node["section"]:
        node["sections"].add(node["section"])
    node["taskfields"].update(section.get("taskfields", ()))
    return node


def _section_node(info: dict) -> dict:
    node = _empty_node("Section", info["title"])
    node["section"] = info["title"]
    node["sections"].add(info["title"])
    node["taskfields"].update(info["taskfields"])
    return node


_FACET = {"involves": "organisations", "concernsLaw": "laws"}


def _attach(
    G: nx.Graph,
    act: str,
    entity: str,
    kind: str,
    info: dict,
    sentences: dict[tuple[str, str], list[str]],
    relation: str,
) -> None:
    """Link an entity to an activity that names it: the sentences that say so go on both
    nodes and the edge, and the entity's name into both nodes' filter facet."""
    if entity not in G:
        G.add_node(entity, **_entity_node(kind, info))
    said = sentences.get((entity, act), [])
    label = G.nodes[entity]["label"]
    for node in (entity, act):
        G.nodes[node]["sentences"].extend(said)
        G.nodes[node][_FACET[relation]].add(label)
    G.add_edge(entity, act, relation=relation, sentences=" | ".join(said))


def _finish(G: nx.Graph, metrics: bool = True) -> nx.Graph:
    """Sets become sorted lists (stable output), then metrics."""
    for _, data in G.nodes(data=True):
        for key in FACETS:
            data[key] = sorted(data[key])
        data["sentences"] = sorted(set(data["sentences"]))
    return add_metrics(G) if metrics else G


def partner_network(ds: Dataset) -> nx.Graph:
    """Organisations and actor groups -- the activities naming them -- the goals those serve.

    Edges carry `relation` and, between a partner and an activity, the `sentences` that say so.
    """
    return _finish(_partners(ds))


def _partners(ds: Dataset) -> nx.Graph:
    sections = _sections(ds)
    activities = _items(ds, "Activity")
    goals = _items(ds, "Goal")
    partners = _entities(ds, PARTNER_KINDS)
    laws = _entities(ds, ["Law"])
    involves = _links(ds, "involves")
    contributes = _links(ds, "contributesTo")
    concerns = _links(ds, "concernsLaw")
    sentences = _sentences(ds)

    G = nx.Graph(kind="partners")
    for act, targets in sorted(involves.items()):
        found = sorted(t for t in targets if t in partners)
        if not found or act not in activities:
            continue
        G.add_node(act, **_item_node("Activity", activities[act], sections))
        law_names = {laws[x]["pref"] or x for x in concerns.get(act, ()) if x in laws}
        G.nodes[act]["laws"].update(law_names)
        for p in found:
            _attach(G, act, p, partners[p]["kind"], partners[p], sentences, "involves")
        for goal in sorted(contributes.get(act, ())):
            if goal not in goals:
                continue
            if goal not in G:
                G.add_node(goal, **_item_node("Goal", goals[goal], sections))
            G.add_edge(act, goal, relation="contributesTo", sentences="")
    _spread_facets(G)
    return G


def organisation_network(ds: Dataset) -> nx.Graph:
    """Organisations and actor groups, linked when they share activities (`weight` = how many);
    `activities` on an edge lists the shared activities' labels."""
    P = _finish(_partners(ds), metrics=False)
    partners = [n for n, d in P.nodes(data=True) if d["kind"] in PARTNER_KINDS]
    B = P.subgraph(n for n, d in P.nodes(data=True) if d["kind"] != "Goal")
    G = nx.bipartite.weighted_projected_graph(B, partners)
    G.graph["kind"] = "organisations"
    for u, v, data in G.edges(data=True):
        shared = sorted(set(B[u]) & set(B[v]), key=lambda a: B.nodes[a]["label"])
        data["activities"] = " | ".join(B.nodes[a]["label"] for a in shared)
        data["relation"] = "sharesActivity"
    for n, data in G.nodes(data=True):
        data.update(P.nodes[n])
        data.update({k: set(P.nodes[n][k]) for k in ("sections", "taskfields", "laws")})
        data["organisations"] = {data["label"]} | {G.nodes[m]["label"] for m in G[n]}
        data["activity_count"] = sum(1 for a in B[n])
    return _finish(G)


def law_network(ds: Dataset) -> nx.Graph:
    """Laws -- the activities that concern them -- the goals of those -- their sections."""
    sections = _sections(ds)
    activities = _items(ds, "Activity")
    goals = _items(ds, "Goal")
    laws = _entities(ds, ["Law"])
    partners = _entities(ds, PARTNER_KINDS)
    concerns = _links(ds, "concernsLaw")
    contributes = _links(ds, "contributesTo")
    involves = _links(ds, "involves")
    sentences = _sentences(ds)

    G = nx.Graph(kind="laws")

    def section_of(node: str, info: dict) -> None:
        s = info["section_iri"]
        if s in sections:
            if s not in G:
                G.add_node(s, **_section_node(sections[s]))
            G.add_edge(node, s, relation="isPartOf", sentences="")

    for act, targets in sorted(concerns.items()):
        found = sorted(t for t in targets if t in laws)
        if not found or act not in activities:
            continue
        G.add_node(act, **_item_node("Activity", activities[act], sections))
        G.nodes[act]["organisations"].update(
            partners[p]["pref"] or p for p in involves.get(act, ()) if p in partners
        )
        for law in found:
            _attach(G, act, law, "Law", laws[law], sentences, "concernsLaw")
        served = [g for g in sorted(contributes.get(act, ())) if g in goals]
        for goal in served:
            if goal not in G:
                G.add_node(goal, **_item_node("Goal", goals[goal], sections))
                section_of(goal, goals[goal])
            G.add_edge(act, goal, relation="contributesTo", sentences="")
        if not served:
            section_of(act, activities[act])
    _spread_facets(G)
    return _finish(G)


def _spread_facets(G: nx.Graph) -> None:
    """A partner's sections are those of its activities; a goal's partners are those of its
    activities: so filtering on a facet keeps whole neighbourhoods, not lone nodes."""
    own = {n: {k: set(d[k]) for k in FACETS} for n, d in G.nodes(data=True)}
    for n, data in G.nodes(data=True):
        for m in G[n]:
            for key, values in own[m].items():
                data[key] |= values


_BUILDERS = {
    "partners": partner_network,
    "organisations": organisation_network,
    "laws": law_network,
}


def build_network(ds: Dataset, kind: str) -> nx.Graph:
    """One of KINDS by name."""
    try:
        builder = _BUILDERS[kind]
    except KeyError:
        raise NetworkError(f"unknown network {kind!r}; choose one of {', '.join(KINDS)}") from None
    return builder(ds)


# --- metrics, filters, summaries ---------------------------------------------------------------


def add_metrics(G: nx.Graph) -> nx.Graph:
    """Degree, betweenness centrality and Louvain community (0 = largest) on every node.

    Betweenness is exact up to EXACT_BETWEENNESS_LIMIT nodes and estimated from
    BETWEENNESS_SAMPLE sources (seeded) above that; `G.graph["betweenness"]` says which.
    """
    n = G.number_of_nodes()
    if n > EXACT_BETWEENNESS_LIMIT:
        between = nx.betweenness_centrality(G, k=BETWEENNESS_SAMPLE, seed=1)
        G.graph["betweenness"] = f"estimated from {BETWEENNESS_SAMPLE} sources"
    else:
        between = nx.betweenness_centrality(G)
        G.graph["betweenness"] = "exact"
    weight = "weight" if any("weight" in d for _, _, d in G.edges(data=True)) else None
    communities = (
        sorted(nx.community.louvain_communities(G, weight=weight or "weight", seed=1), key=len)
        if n
        else []
    )
    communities.reverse()
    for number, members in enumerate(communities):
        for member in members:
            G.nodes[member]["community"] = number
    for node, degree in G.degree():
        data = G.nodes[node]
        data["degree"] = degree
        data["betweenness"] = round(between[node], 4)
        if weight:
            data["weighted_degree"] = G.degree(node, weight="weight")
    G.graph["communities"] = len(communities)
    return G


def _haystack(data: dict) -> str:
    parts = [data.get("label", ""), data.get("section", "")]
    for key in ("names", *FACETS):
        parts.extend(data.get(key, ()))
    return "\n".join(parts).casefold()


def filter_network(G: nx.Graph, text: str) -> nx.Graph:
    """The nodes whose names, section, laws or organisations contain `text` (any case), with
    their neighbours; metrics are computed again on what remains."""
    needle = text.casefold().strip()
    hits = {n for n, d in G.nodes(data=True) if needle in _haystack(d)}
    if not hits:
        raise NetworkError(f"no node of the {G.graph.get('kind', '')} network matches {text!r}")
    keep = set(hits)
    for n in hits:
        keep.update(G[n])
    H = G.subgraph(keep).copy()
    H.graph["filter"] = text
    return add_metrics(H)


def legend_for(G: nx.Graph) -> dict[str, str]:
    """Legend label -> colour for the kinds present in G (in a fixed order)."""
    present = {d.get("kind") for _, d in G.nodes(data=True)}
    return {KIND_LABELS[k]: c for k, c in KIND_COLORS.items() if k in present}


def network_summary(G: nx.Graph, limit: int | None = None) -> list[dict]:
    """One row per node, most central first: name, kind, degree, betweenness, community."""
    rows = [
        {
            "name": str(d.get("label", n)),
            "kind": d.get("kind", ""),
            "degree": d.get("degree", G.degree(n)),
            "betweenness": d.get("betweenness", 0.0),
            "community": d.get("community", 0),
            "section": d.get("section", ""),
            "iri": n,
        }
        for n, d in G.nodes(data=True)
    ]
    rows.sort(key=lambda r: (-r["betweenness"], -r["degree"], r["name"]))
    return rows if limit is None else rows[:limit]
