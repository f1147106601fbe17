"""Score what is in the store against a gold file (format: ../shared/eval/ANNOTATION-GUIDE.md).

Scoring rules of the guide: required gold items count; optional gold items (required: false,
and relations to them) neither reward nor punish; predictions that match nothing are spurious.
Reads the store through SPARQL only, so it scores whatever built the graph.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Literal, URIRef

from beleidsgraaf.extract.tree import normalise_space
from beleidsgraaf.graph.sparql import run_query

__all__ = ["Score", "EvaluationError", "evaluate", "format_report", "load_gold"]

PREFIXES = """PREFIX bg: <https://w3id.org/beleidsgraaf/def#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
ENTITY_TYPES = ("Organisation", "Law", "Place", "Instrument", "ActorGroup")
CORE_TYPES = ("Organisation", "Law", "Place")


class EvaluationError(ValueError):
    pass


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    missed: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Score) -> Score:
        return Score(
            self.tp + other.tp,
            self.fp + other.fp,
            self.fn + other.fn,
            self.missed + other.missed,
            self.spurious + other.spurious,
        )


def load_gold(path: str | Path) -> dict:
    try:
        gold = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EvaluationError(f"{path}: no such gold file") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise EvaluationError(f"{path}: not a JSON gold file ({err})") from None
    for key in ("document", "goals", "activities"):
        if key not in gold:
            raise EvaluationError(f"{path}: gold file lacks '{key}' (see ANNOTATION-GUIDE.md)")
    return gold


_ARTICLE = re.compile(r"^(de|het|een|the)\s+", re.IGNORECASE)


def _norm(label: str) -> str:
    return _ARTICLE.sub("", normalise_space(label).replace("\u2019", "'")).casefold()


def _rows(ds: Dataset, query: str, graph: URIRef) -> list:
    return list(run_query(ds, PREFIXES + query, {"g": graph}))


def _document_graph(ds: Dataset, name: str) -> URIRef:
    rows = list(
        run_query(
            ds,
            PREFIXES + "SELECT ?g WHERE { GRAPH ?g { ?d a bg:Document ; dcterms:source ?src } }",
            {"src": Literal(name)},
        )
    )
    if not rows:
        raise EvaluationError(
            f"the store holds no document built from {name!r}; pass the document's path to "
            "evaluate (it builds it first) or build it into this --store"
        )
    return rows[0][0]


def _score_keys(pred: set, gold: set, optional: set = frozenset()) -> Score:
    s = Score()
    s.tp = len(pred & gold)
    s.missed = sorted(map(str, gold - pred))
    s.spurious = sorted(map(str, pred - gold - optional))
    s.fn, s.fp = len(s.missed), len(s.spurious)
    return s


def _match_activities(gold_acts: list[dict], pred: list[tuple]) -> tuple[dict, Score]:
    """Map our activities to gold ids: same section, same notation, text starts alike."""
    mapping: dict[URIRef, str] = {}
    score = Score()
    for act in gold_acts:
        want = _norm(act.get("starts_with") or "")
        for node, section, notation, label in pred:
            if node in mapping or section != act["section"] or notation != act.get("notation"):
                continue
            if _norm(label).startswith(want):
                mapping[node] = act["id"]
                score.tp += 1
                break
        else:
            score.missed.append(f"{act['id']} {act.get('starts_with', '')!r}")
    for node, section, notation, label in pred:
        if node not in mapping:
            score.spurious.append(f"{section}/{notation or '-'} {label[:60]!r}")
    score.fn, score.fp = len(score.missed), len(score.spurious)
    return mapping, score


def evaluate(ds: Dataset, gold: dict) -> dict[str, Score]:
    """Scores per part: sections, goals, goal texts, activities, entities per type, relations."""
    g = _document_graph(ds, gold["document"])
    out: dict[str, Score] = {}

    sections = {
        str(r.n)
        for r in _rows(ds, "SELECT ?n WHERE { GRAPH ?g { ?s a bg:Section ; skos:notation ?n } }", g)
    }
    out["sections"] = _score_keys(sections, {s["notation"] for s in gold.get("sections", [])})

    goal_rows = _rows(
        ds,
        "SELECT ?sn ?n ?l WHERE { GRAPH ?g { ?x a bg:Goal ; skos:notation ?n ; rdfs:label ?l ."
        " OPTIONAL { ?x dcterms:isPartOf ?s . ?s a bg:Section ; skos:notation ?sn } } }",
        g,
    )
    pred_goals = {(str(r.sn or ""), str(r.n)): str(r.l) for r in goal_rows}
    gold_goals = {(x["section"], x["notation"]): x.get("text", "") for x in gold["goals"]}
    out["goals"] = _score_keys(set(pred_goals), set(gold_goals))
    text = Score()
    for key, want in gold_goals.items():
        if key in pred_goals:
            if _norm(pred_goals[key]) == _norm(want):
                text.tp += 1
            else:
                text.fn += 1
                text.missed.append(f"{key}: {pred_goals[key]!r} != {want!r}")
    out["goal texts"] = text

    act_rows = _rows(
        ds,
        "SELECT ?x ?sn ?n ?l WHERE { GRAPH ?g { ?x a bg:Activity ; rdfs:label ?l ; bg:position ?pos ."
        " OPTIONAL { ?x skos:notation ?n } OPTIONAL { ?x dcterms:isPartOf ?s . ?s a bg:Section ;"
        " skos:notation ?sn } } } ORDER BY ?pos",
        g,
    )
    pred_acts = [
        (r.x, str(r.sn or ""), str(r.n) if r.n is not None else None, str(r.l)) for r in act_rows
    ]
    act_map, out["activities"] = _match_activities(gold["activities"], pred_acts)

    # entities: a prediction matches a gold entity of its type when any of their names agree
    gold_entities = gold.get("entities", [])
    names: dict[str, dict] = {}
    for e in gold_entities:
        for label in [e["name"], *e.get("aliases", [])]:
            names.setdefault(_norm(label), e)
    ent_rows = _rows(
        ds,
        "SELECT ?e ?type ?label WHERE { GRAPH ?g { ?e a ?type ; skos:prefLabel|skos:altLabel ?label ."
        " FILTER(STRSTARTS(STR(?type), STR(bg:))) } }",
        g,
    )
    pred_labels: dict[URIRef, set[str]] = {}
    pred_type: dict[URIRef, str] = {}
    pred_name: dict[URIRef, str] = {}
    for r in ent_rows:
        kind = str(r.type).rsplit("#", 1)[1]
        if kind not in ENTITY_TYPES:
            continue
        pred_type[r.e] = kind
        pred_labels.setdefault(r.e, set()).add(_norm(str(r.label)))
        pred_name.setdefault(r.e, str(r.label))
    pref = _rows(ds, "SELECT ?e ?l WHERE { GRAPH ?g { ?e skos:prefLabel ?l } }", g)
    pred_name.update({r.e: str(r.l) for r in pref})

    def gold_for(node: URIRef) -> dict | None:
        for label in pred_labels.get(node, ()):
            if label in names:
                return names[label]
        return None

    for kind in ENTITY_TYPES:
        s = Score()
        found: set[str] = set()
        for node, k in pred_type.items():
            if k != kind:
                continue
            match = gold_for(node)
            if match is not None and match["type"] == kind:
                if match.get("required", True):
                    found.add(match["name"])
                continue
            s.spurious.append(pred_name[node] + (f" (gold: {match['type']})" if match else ""))
        required = {
            e["name"] for e in gold_entities if e["type"] == kind and e.get("required", True)
        }
        s.tp = len(found)
        s.missed = sorted(required - found)
        s.fn, s.fp = len(s.missed), len(s.spurious)
        out[f"entities {kind}"] = s
    core = Score()
    for kind in CORE_TYPES:
        core = core.add(out[f"entities {kind}"])
    out["entities core"] = core

    rel_rows = _rows(
        ds,
        "SELECT ?a ?p ?e WHERE { GRAPH ?g { ?a a bg:Activity ; ?p ?e ."
        " VALUES ?p { bg:involves bg:concernsLaw } } }",
        g,
    )
    optional_names = {e["name"] for e in gold_entities if not e.get("required", True)}
    gold_rel = {(r["activity"], r["relation"], r["entity"]) for r in gold.get("relations", [])}
    gold_required = {r for r in gold_rel if r[2] not in optional_names}
    pred_rel: set[tuple] = set()
    for r in rel_rows:
        match = gold_for(r.e)
        act = act_map.get(r.a, f"?{r.a.rsplit('/', 1)[-1]}")
        pred_rel.add(
            (
                act,
                str(r.p).rsplit("#", 1)[1],
                match["name"] if match else pred_name.get(r.e, str(r.e)),
            )
        )
    optional = {r for r in pred_rel if r[2] in optional_names} | (gold_rel - gold_required)
    out["relations"] = _score_keys(pred_rel, gold_required, optional)
    return out


def format_report(scores: dict[str, Score], details: int = 25) -> str:
    lines = [f"{'part':<24}{'P':>7}{'R':>7}{'F1':>7}{'TP':>6}{'FP':>6}{'FN':>6}"]
    for name, s in scores.items():
        lines.append(
            f"{name:<24}{s.precision:>7.3f}{s.recall:>7.3f}{s.f1:>7.3f}{s.tp:>6}{s.fp:>6}{s.fn:>6}"
        )
    if details:
        for name, s in scores.items():
            if name == "entities core":
                continue
            for label, items in (("missed", s.missed), ("spurious", s.spurious)):
                if items:
                    shown = "; ".join(items[:details]) + (" …" if len(items) > details else "")
                    lines.append(f"  {name} {label} ({len(items)}): {shown}")
    return "\n".join(lines)
