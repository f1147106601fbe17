"""Score built documents against gold answer keys (format: ../shared/eval/ANNOTATION-GUIDE.md).

The matching rules are those of the reference scorer (../shared/eval/kgeval.py), ported here so
that the package needs nothing outside itself and its figures agree with the reference:

- entities: a predicted entity of a type matches a gold entity of that type when any of their
  normalised names agree; required gold counts, optional gold neither rewards nor punishes;
- sections are known by their key (the notation, or the title when there is none);
- goals and activities match within the same section key: by notation (ties broken by the first
  words), or, unnumbered, by the gold's first words standing near the start of the label;
- relations (involves, concernsLaw) count only on matched activities.

Matching is greedy, gold item by gold item, so where two predicted items fit one gold item the
order decides. Here candidates are taken in document order (bg:position). The reference takes
them in the order its in-memory graph yields them, which follows Python's string hashing
(PYTHONHASHSEED), so on such a tie its figure for that document can change from run to run
(on realdev: a few documents, micro by < 0.01); with the same order the two agree exactly.
Only the data contract is read, so this scores whatever built the graph.
"""

from __future__ import annotations

import json
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, RDFS, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from beleidsgraaf.graph.sparql import run_query
from beleidsgraaf.namespaces import BG

__all__ = [
    "Score",
    "EvaluationError",
    "DocumentResult",
    "CorpusResult",
    "TABLE_PARTS",
    "evaluate",
    "score_graph",
    "document_graph",
    "format_report",
    "load_gold",
    "micro",
    "corpus_documents",
    "evaluate_corpus",
    "format_corpus_table",
    "format_corpus_details",
    "corpus_json",
]

SCORED_TYPES = ("Organisation", "Law", "Place", "Instrument")
CORE_TYPES = ("Organisation", "Law", "Place")
STRUCTURE_PARTS = ("sections", "goals", "activities")
# column of the corpus table / key in its JSON -> part in the scores of one document
TABLE_PARTS = {
    "sections": "sections",
    "goals": "goals",
    "activities": "activities",
    "Organisation": "entities Organisation",
    "Law": "entities Law",
    "Place": "entities Place",
    "Instrument": "entities Instrument",
    "core": "entities core",
    "relations": "relations",
}
DOCUMENT_SUFFIXES = (".txt", ".html", ".htm", ".pdf")  # tried in this order, as the reference
GOLD_SUFFIX = ".gold.json"
# An unnumbered goal or activity matches when its first words stand within the first LEAD
# characters of the predicted label: a short naming line above it may or may not be included.
LEAD = 160
_ARTICLES = ("de ", "het ", "een ", "the ")
_QUOTES = re.compile(r"[\"'‘’“”«»`]")
_SPACES = re.compile(r"\s+")


class EvaluationError(ValueError):
    """A user-facing problem with the gold keys, the corpus folder or the store."""


def norm(s: str) -> str:
    """A name or text as the matching compares it: NFKC, casefolded, no quotes, one space, no
    leading article, no surrounding punctuation (kgeval's rule)."""
    s = unicodedata.normalize("NFKC", s).casefold().strip()
    s = _QUOTES.sub("", s)
    s = _SPACES.sub(" ", s)
    for article in _ARTICLES:
        if s.startswith(article):
            s = s[len(article) :]
    return s.strip(" .,:;()")


def prf(tp: float, fp: float, fn: float) -> tuple[float, float, float]:
    """Precision, recall, F1; nothing to find and nothing found is a perfect 1.0."""
    if tp + fp + fn == 0:
        return 1.0, 1.0, 1.0
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


@dataclass
class Score:
    """Counts of one part; `predicted` is set for structure parts, whose micro total (like the
    reference's) is taken from true positives, predictions and gold items."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    missed: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)
    predicted: int | None = None

    @property
    def precision(self) -> float:
        return prf(self.tp, self.fp, self.fn)[0]

    @property
    def recall(self) -> float:
        return prf(self.tp, self.fp, self.fn)[1]

    @property
    def f1(self) -> float:
        return prf(self.tp, self.fp, self.fn)[2]

    @property
    def gold(self) -> int:
        return self.tp + self.fn

    def add(self, other: Score) -> Score:
        predicted = None
        if self.predicted is not None or other.predicted is not None:
            predicted = (self.predicted or 0) + (other.predicted or 0)
        return Score(
            self.tp + other.tp,
            self.fp + other.fp,
            self.fn + other.fn,
            self.missed + other.missed,
            self.spurious + other.spurious,
            predicted,
        )

    def figures(self) -> dict:
        """The numbers, rounded as the reference rounds them (for JSON)."""
        out = {
            "p": round(self.precision, 3),
            "r": round(self.recall, 3),
            "f1": round(self.f1, 3),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }
        if self.predicted is not None:
            out.update(pred=self.predicted, gold=self.gold)
        return out


# --- gold keys -------------------------------------------------------------------------------

_REQUIRED_FIELDS = {
    "sections": ("title",),
    "goals": ("id",),
    "activities": ("id", "starts_with"),
    "entities": ("name", "type"),
    "relations": ("activity", "relation", "entity"),
}


def load_gold(path: str | Path) -> dict:
    """The gold key at `path`, checked enough that scoring cannot fail half-way on it."""
    try:
        gold = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EvaluationError(f"{path}: no such gold file") from None
    except IsADirectoryError:
        raise EvaluationError(f"{path}: is a folder, not a gold file") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise EvaluationError(f"{path}: not a JSON gold file ({err})") from None
    except OSError as err:
        raise EvaluationError(
            f"{path}: cannot read the gold file ({err.strerror or err})"
        ) from None
    if not isinstance(gold, dict):
        raise EvaluationError(f"{path}: a gold file is a JSON object (see ANNOTATION-GUIDE.md)")
    for key in ("document", "goals", "activities"):
        if key not in gold:
            raise EvaluationError(f"{path}: gold file lacks '{key}' (see ANNOTATION-GUIDE.md)")
    for key, fields in _REQUIRED_FIELDS.items():
        items = gold.setdefault(key, [])
        if not isinstance(items, list):
            raise EvaluationError(f"{path}: '{key}' should be a list")
        for i, item in enumerate(items):
            lacking = [f for f in fields if not isinstance(item, dict) or f not in item]
            if lacking:
                raise EvaluationError(f"{path}: {key}[{i}] lacks '{lacking[0]}'")
    return gold


# --- one document ----------------------------------------------------------------------------


def document_graph(ds: Dataset, name: str) -> Graph:
    """The named graph of the document built from the file `name`, copied into memory."""
    rows = list(
        run_query(
            ds,
            "SELECT ?g WHERE { GRAPH ?g { ?d a <https://w3id.org/beleidsgraaf/def#Document> ;"
            " <http://purl.org/dc/terms/source> ?src } }",
            {"src": Literal(name)},
        )
    )
    if not rows:
        raise EvaluationError(
            f"the store holds no document built from {name!r}; pass the document's path to "
            "evaluate (it builds it first) or build it into this --store"
        )
    return _copy(ds, rows[0][0])


def _copy(ds: Dataset, name: URIRef) -> Graph:
    g = Graph()
    for triple in Graph(store=ds.store, identifier=name):  # a view: works on read-only stores
        g.add(triple)
    return g


def evaluate(ds: Dataset, gold: dict) -> dict[str, Score]:
    """Scores of the document `gold["document"]` in the store: sections, goals, goal texts,
    activities, entities per type and core, relations."""
    return score_graph(document_graph(ds, gold["document"]), gold)


def _labels(g: Graph, node) -> set[str]:
    out = set()
    for p in (SKOS.prefLabel, SKOS.altLabel, RDFS.label):
        for o in g.objects(node, p):
            out.add(norm(str(o)))
    return out


def _notation(g: Graph, node) -> str | None:
    values = list(g.objects(node, SKOS.notation))
    return str(values[0]).strip(". ") if values else None


def _in_document_order(g: Graph, nodes: Iterable) -> list:
    """Candidates by bg:position (document order), then IRI: greedy matching then pairs a gold
    item with the first predicted item that fits, whatever the store's iteration order."""

    def key(n) -> tuple:
        pos = g.value(n, BG.position)
        return (0, int(pos), str(n)) if pos is not None else (1, 0, str(n))

    return sorted(nodes, key=key)


def _gold_section(item: dict) -> str:
    sec = item.get("section") or "doc"
    return sec.strip(". ") if any(c.isdigit() for c in sec) and len(sec) < 12 else norm(sec)


def _entities(g: Graph, gold: dict, out: dict[str, Score]) -> None:
    gold_by_type: dict[str, list[tuple[set[str], bool, str]]] = {}
    type_of_name: dict[str, str] = {}
    for e in gold["entities"]:
        names = {norm(e["name"])} | {norm(a) for a in e.get("aliases", [])}
        gold_by_type.setdefault(e["type"], []).append((names, e.get("required", True), e["name"]))
        for n in names:
            type_of_name.setdefault(n, e["type"])
    for kind in SCORED_TYPES:
        items = gold_by_type.get(kind, [])
        s = Score()
        found: set[int] = set()
        for node in g.subjects(RDF.type, BG[kind]):
            labs = _labels(g, node)
            hit = [i for i, (names, _req, _nm) in enumerate(items) if labs & names]
            if hit:
                if any(items[i][1] for i in hit):
                    s.tp += 1
                found.update(hit)
                continue
            s.fp += 1
            name = str(g.value(node, SKOS.prefLabel) or (min(labs) if labs else node))
            other = next((type_of_name[lab] for lab in sorted(labs) if lab in type_of_name), None)
            s.spurious.append(name + (f" (gold: {other})" if other else ""))
        s.missed = [nm for i, (_n, req, nm) in enumerate(items) if req and i not in found]
        s.fn = len(s.missed)
        s.spurious.sort()
        out[f"entities {kind}"] = s
    core = Score()
    for kind in CORE_TYPES:
        core = core.add(out[f"entities {kind}"])
    out["entities core"] = core


def _sections(g: Graph, gold: dict) -> tuple[Score, Callable]:
    def keys_of_section(s) -> set[str]:
        keys = {norm(str(o)) for o in g.objects(s, RDFS.label)}
        no = _notation(g, s)
        if no:
            keys.add(no)
        return keys

    def section_keys(n) -> set[str]:
        for s in g.objects(n, DCTERMS.isPartOf):
            if (s, RDF.type, BG.Section) in g:
                return keys_of_section(s)
        return {"doc"}  # part of the document itself (gold writes "doc" or "")

    pred = [
        (s, keys_of_section(s)) for s in _in_document_order(g, g.subjects(RDF.type, BG.Section))
    ]
    gold_keys = [
        ((x.get("notation") or "").strip(". ") or norm(x["title"]), x) for x in gold["sections"]
    ]
    score = Score(predicted=len(pred))
    for key, x in gold_keys:
        if any(key in ks or norm(key) in ks for _s, ks in pred):
            score.tp += 1
        else:
            score.missed.append(" ".join(filter(None, [x.get("notation"), x["title"]])))
    every = {k for k, _x in gold_keys} | {norm(k) for k, _x in gold_keys}
    for s, ks in pred:
        if not ks & every:
            no = _notation(g, s)
            label = " ".join(str(o) for o in g.objects(s, RDFS.label))
            score.spurious.append(" ".join(filter(None, [no, repr(label[:60])])))
    score.fp = max(len(pred) - score.tp, 0)
    score.fn = len(gold_keys) - score.tp
    return score, section_keys


def _items(g: Graph, cls, section_keys: Callable) -> list[tuple[set[str], str | None, str, URIRef]]:
    def label_text(n) -> str:
        return norm(" ".join(str(o) for o in g.objects(n, RDFS.label)))

    nodes = _in_document_order(g, g.subjects(RDF.type, cls))
    return [(section_keys(n), _notation(g, n), label_text(n), n) for n in nodes]


def _pick(item: dict, sec: str, lead: str, preds: list, taken: set):
    """The predicted item for a gold one: same section key, then same notation (ties broken
    by the first words), or for an unnumbered one its first words near the start."""
    free = [(no, text, n) for keys, no, text, n in preds if sec in keys and n not in taken]
    if item.get("notation"):
        same = [(text, n) for no, text, n in free if no == item["notation"].strip(". ")]
        if len(same) > 1 and lead:
            same = [(t, n) for t, n in same if lead in t[:LEAD]] or same
        return same[0][1] if same else None
    return next((n for _no, text, n in free if lead and lead in text[:LEAD]), None)


def _match(gold_items: list[dict], lead_field: str, preds: list) -> tuple[dict, Score]:
    matched: dict[str, URIRef] = {}
    score = Score(predicted=len(preds))
    for x in gold_items:
        lead = norm(x.get(lead_field) or "")[:30]
        n = _pick(x, _gold_section(x), lead, preds, set(matched.values()))
        if n is not None:
            matched[x["id"]] = n
        else:
            score.missed.append(f"{x['id']} {(x.get(lead_field) or '')[:60]!r}")
    taken = set(matched.values())
    for keys, no, text, n in preds:
        if n not in taken:
            score.spurious.append(f"{'|'.join(sorted(keys))[:30]}/{no or '-'} {text[:60]!r}")
    score.tp = len(matched)
    score.fp = max(len(preds) - score.tp, 0)
    score.fn = len(gold_items) - score.tp
    return matched, score


def _goal_texts(g: Graph, gold: dict, matched: dict) -> Score:
    """Matched goals whose whole wording agrees with the gold text (not in the reference)."""
    s = Score()
    for x in gold["goals"]:
        node = matched.get(x["id"])
        if node is None:
            continue
        got = " ".join(str(o) for o in g.objects(node, RDFS.label))
        if norm(got) == norm(x.get("text") or ""):
            s.tp += 1
        else:
            s.fn += 1
            s.missed.append(f"{x['id']}: {got[:60]!r} != {(x.get('text') or '')[:60]!r}")
    return s


_WANTED = {"involves": ("Organisation", "ActorGroup"), "concernsLaw": ("Law",)}
_PROPS = {"involves": BG.involves, "concernsLaw": BG.concernsLaw}


def _relations(g: Graph, gold: dict, act_match: dict) -> Score:
    """Only over matched activities; a relation names its gold entity, and where two entities
    share a name (the municipality as Organisation and as Place) the relation's kind decides."""
    by_name: dict[str, list[dict]] = {}
    for e in gold["entities"]:
        by_name.setdefault(e["name"], []).append(e)

    def names_of(e: dict) -> set[str]:
        return {norm(e["name"])} | {norm(x) for x in e.get("aliases", [])}

    optional: set[str] = set()
    for e in gold["entities"]:
        if not e.get("required", True):
            optional |= names_of(e)
    gold_rel: dict[tuple[str, str], list[tuple[set[str], bool, str]]] = {}
    for rel in gold["relations"]:
        cands = by_name.get(rel["entity"]) or [{"name": rel["entity"], "type": "?"}]
        e = next((c for c in cands if c["type"] in _WANTED.get(rel["relation"], ())), cands[0])
        gold_rel.setdefault((rel["activity"], rel["relation"]), []).append(
            (names_of(e), e.get("required", True), rel["entity"])
        )
    s = Score()
    for act_id, node in act_match.items():
        for kind, prop in _PROPS.items():
            golds = gold_rel.get((act_id, kind), [])
            hit: set[int] = set()
            for o in g.objects(node, prop):
                labs = _labels(g, o)
                idx = [i for i, (names, _req, _n) in enumerate(golds) if labs & names]
                if idx:
                    if any(golds[i][1] for i in idx):
                        s.tp += 1
                    hit.update(idx)
                elif not labs & optional:  # a link to an optional gold entity is not punished
                    s.fp += 1
                    name = g.value(o, SKOS.prefLabel) or (min(labs) if labs else o)
                    s.spurious.append(f"{act_id} {kind} {name}")
            for i, (_names, req, nm) in enumerate(golds):
                if req and i not in hit:
                    s.missed.append(f"{act_id} {kind} {nm}")
    for (act_id, kind), golds in gold_rel.items():
        if act_id not in act_match:
            for _n, req, nm in golds:
                if req:
                    s.missed.append(f"{act_id} {kind} {nm} (activity not found)")
    s.fn = len(s.missed)
    return s


def score_graph(g: Graph, gold: dict) -> dict[str, Score]:
    """Scores of one document's graph `g` against its gold key (an empty graph: nothing found)."""
    out: dict[str, Score] = {}
    out["sections"], section_keys = _sections(g, gold)
    goal_match, out["goals"] = _match(gold["goals"], "text", _items(g, BG.Goal, section_keys))
    out["goal texts"] = _goal_texts(g, gold, goal_match)
    act_match, out["activities"] = _match(
        gold["activities"], "starts_with", _items(g, BG.Activity, section_keys)
    )
    _entities(g, gold, out)
    out["relations"] = _relations(g, gold, act_match)
    return out


def format_report(scores: dict[str, Score], details: int = 25) -> str:
    """One document's scores as a table, then up to `details` missed/spurious items per part."""
    lines = [f"{'part':<24}{'P':>7}{'R':>7}{'F1':>7}{'TP':>6}{'FP':>6}{'FN':>6}"]
    for name, s in scores.items():
        lines.append(
            f"{name:<24}{s.precision:>7.3f}{s.recall:>7.3f}{s.f1:>7.3f}{s.tp:>6}{s.fp:>6}{s.fn:>6}"
        )
    lines.extend(_detail_lines(scores, details, indent="  "))
    return "\n".join(lines)


def _detail_lines(scores: dict[str, Score], details: int, indent: str) -> list[str]:
    lines = []
    if details <= 0:
        return lines
    for name, s in scores.items():
        if name == "entities core":
            continue
        for label, items in (("missed", s.missed), ("spurious", s.spurious)):
            if items:
                shown = "; ".join(items[:details]) + (" …" if len(items) > details else "")
                lines.append(f"{indent}{name} {label} ({len(items)}): {shown}")
    return lines


# --- a corpus --------------------------------------------------------------------------------


@dataclass
class DocumentResult:
    """One document of a corpus: whether it was built, and its scores (nothing found when not)."""

    name: str
    path: Path
    gold_path: Path
    built: bool
    message: str
    scores: dict[str, Score]


@dataclass
class CorpusResult:
    folder: Path
    documents: list[DocumentResult]
    orphans: list[Path] = field(default_factory=list)  # gold keys without their document

    @property
    def micro(self) -> dict[str, Score]:
        return micro(d.scores for d in self.documents)


def micro(per_document: Iterable[dict[str, Score]]) -> dict[str, Score]:
    """Totals over documents, as the reference's score_corpus.py takes them: entities and
    relations from summed tp/fp/fn, structure from summed tp, predictions and gold (so its
    false positives are predictions minus true positives over the corpus)."""
    total: dict[str, Score] = {}
    for scores in per_document:
        for part, s in scores.items():
            total[part] = total[part].add(s) if part in total else s.add(Score())
    for part in STRUCTURE_PARTS:
        if part in total and total[part].predicted is not None:
            total[part].fp = total[part].predicted - total[part].tp
    return total


def corpus_documents(folder: str | Path) -> tuple[list[tuple[Path, Path]], list[Path]]:
    """(document, gold key) pairs of a folder laid out as ../shared/realdev, sorted by key;
    and the gold keys that have no document beside them."""
    folder = Path(folder)
    if not folder.is_dir():
        raise EvaluationError(
            f"{folder}: no such folder (expected documents with <base>.gold.json)"
        )
    pairs, orphans = [], []
    try:
        keys = sorted(folder.glob("*" + GOLD_SUFFIX))
    except OSError as err:
        raise EvaluationError(f"{folder}: cannot list the folder ({err.strerror or err})") from None
    for gold in keys:
        base = gold.name[: -len(GOLD_SUFFIX)]
        doc = next(
            (folder / (base + s) for s in DOCUMENT_SUFFIXES if (folder / (base + s)).is_file()),
            None,
        )
        if doc is None:
            orphans.append(gold)
        else:
            pairs.append((doc, gold))
    if not pairs:
        raise EvaluationError(
            f"{folder}: no gold keys with their document (<base>.gold.json beside "
            f"<base>{'|'.join(DOCUMENT_SUFFIXES)})"
        )
    return pairs, orphans


def evaluate_corpus(
    folder: str | Path,
    store: str | Path | None = None,
    spacy_model: str | None = None,
    allow_unstructured: bool = False,
    on_result: Callable | None = None,
) -> CorpusResult:
    """Build every document of `folder` that has a gold key into one store (a temporary one
    unless `store` is given; the model loads once) and score each against its key.

    Like the reference scorer, documents are built without --allow-unstructured by default: one
    the structure reader refuses counts as nothing found (and says why in its message).
    `on_result(BuildResult)` is called after each document is built (progress).
    """
    from beleidsgraaf.graph.store import opened
    from beleidsgraaf.pipeline import build

    pairs, orphans = corpus_documents(folder)
    golds = [load_gold(g) for _d, g in pairs]  # all read first: a bad key fails before building
    with tempfile.TemporaryDirectory(prefix="beleidsgraaf-evaluate-") as tmp:
        where = store if store is not None else Path(tmp) / "store"
        results = build(
            [d for d, _g in pairs],
            store=where,
            spacy_model=spacy_model,
            skip_duplicates=store is None,  # a fresh store: as the reference builds
            allow_unstructured=allow_unstructured,
            on_result=on_result,
        )
        docs = []
        with opened(where) as ds:
            for (doc, gold_path), gold, result in zip(pairs, golds, results, strict=True):
                built = result.status == "ok" and result.graph is not None
                g = _copy(ds, result.graph) if built else Graph()
                docs.append(
                    DocumentResult(
                        doc.stem, doc, gold_path, built, result.message, score_graph(g, gold)
                    )
                )
    return CorpusResult(Path(folder), docs, orphans)


def format_corpus_table(result: CorpusResult) -> str:
    """F1 per document and part, and the micro totals over the corpus."""
    width = max([len("document"), *(len(d.name) for d in result.documents)])
    width = min(width, 48)
    cols = list(TABLE_PARTS)
    head = f"{'document':<{width}} " + " ".join(f"{c[:8]:>8}" for c in cols)
    lines = [head]
    for d in result.documents:
        cells = " ".join(f"{d.scores[TABLE_PARTS[c]].f1:>8.3f}" for c in cols)
        lines.append(f"{d.name[:width]:<{width}} {cells}" + ("" if d.built else "  (not built)"))
    total = result.micro
    lines.append(
        f"{'micro':<{width}} " + " ".join(f"{total[TABLE_PARTS[c]].f1:>8.3f}" for c in cols)
    )
    return "\n".join(lines)


def format_corpus_details(result: CorpusResult, details: int = 25) -> str:
    """Per document: why it was not built, and up to `details` missed/spurious items per part."""
    lines = []
    for d in result.documents:
        body = [] if d.built else [f"  not built: {d.message}"]
        body += _detail_lines(d.scores, details, indent="  ")
        if body:
            lines += [f"{d.name}:", *body]
    for orphan in result.orphans:
        lines.append(f"{orphan.name}: no document beside it; not scored")
    return "\n".join(lines)


def corpus_json(result: CorpusResult) -> dict:
    """The figures for scripts: micro totals and, per document, each part with what it missed
    and what is spurious. Part names are the table's columns."""

    def part(s: Score, items: bool) -> dict:
        out = s.figures()
        if items:
            out.update(missed=s.missed, spurious=s.spurious)
        return out

    return {
        "corpus": str(result.folder),
        "micro": {c: part(result.micro[p], False) for c, p in TABLE_PARTS.items()},
        "documents": {
            d.name: {
                "document": d.path.name,
                "gold": d.gold_path.name,
                "built": d.built,
                "message": d.message,
                "parts": {c: part(d.scores[p], True) for c, p in TABLE_PARTS.items()},
            }
            for d in result.documents
        },
        "not_scored": [o.name for o in result.orphans],
    }
