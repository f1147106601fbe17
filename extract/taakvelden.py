"""Iv3 task fields (taakvelden) for a document's sections, from an explicit mapping file.

Which task field a section belongs to is a policy judgement that the text rarely states, so it
is never guessed: a researcher writes it down, per document, in a small file

    section,taakveld,note
    2.1.1,6.1,sociale basisinfrastructuur: buurtwerk, vrijwilligers, mantelzorg
    2.1.3,6.71,

(CSV; or JSON {"2.1.1": ["6.1"], ...}) kept next to the document as `<stem>.taakvelden.csv`
(or `.json`), or given with `beleidsgraaf build --taakvelden FILE`. Each row becomes
`<section> dcterms:subject <taakveld concept>`; a section or code that does not exist is an
error, not a silent skip. The concepts come from ontology/taakvelden.ttl.
"""

from __future__ import annotations

import csv
import json
from functools import cache
from importlib.resources import files
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from beleidsgraaf.namespaces import BG

__all__ = [
    "TAAKVELD",
    "SCHEME",
    "TaakveldError",
    "Mapping",
    "scheme_graph",
    "taakvelden",
    "taakveld_iri",
    "read_mapping",
    "mapping_file_for",
    "mapping_for",
    "taakveld_triples",
]

TAAKVELD = Namespace("https://w3id.org/beleidsgraaf/taakveld/")
SCHEME = URIRef("https://w3id.org/beleidsgraaf/taakveld")
SUFFIXES = (".taakvelden.csv", ".taakvelden.json")

Mapping = dict[str, tuple[str, ...]]  # section notation -> task field codes
Triple = tuple[URIRef, URIRef, URIRef | Literal]


class TaakveldError(ValueError):
    """A mapping file that cannot be used; the message says which file, line and why."""


@cache
def scheme_graph() -> Graph:
    """The SKOS concept scheme of Iv3 task fields (ontology/taakvelden.ttl)."""
    text = files("beleidsgraaf.ontology").joinpath("taakvelden.ttl").read_text("utf-8")
    return Graph().parse(data=text, format="turtle")


@cache
def taakvelden() -> dict[str, str]:
    """Task field code ('6.1', also main fields '6') -> Dutch name."""
    g = scheme_graph()
    return {
        str(g.value(c, SKOS.notation)): str(g.value(c, SKOS.prefLabel))
        for c in g.subjects(SKOS.inScheme, SCHEME)
    }


def taakveld_iri(code: str) -> URIRef:
    """The concept IRI of a task field; KeyError-free: unknown codes raise TaakveldError."""
    if code not in taakvelden():
        raise TaakveldError(f"unknown Iv3 task field {code!r} (see ontology/taakvelden.ttl)")
    return TAAKVELD[code]


def _notation(text: str) -> str:
    """'2.1.1.' and ' 2.1.1' are written notations of section 2.1.1."""
    return text.strip().rstrip(".")


def _check(path: Path, where: str, section: str, code: str) -> tuple[str, str]:
    section, code = _notation(section), code.strip()
    if not section:
        raise TaakveldError(f"{path}:{where}: empty section notation")
    if code not in taakvelden():
        raise TaakveldError(
            f"{path}:{where}: unknown Iv3 task field {code!r} for section {section} "
            "(codes look like 6.1 or 6.71; see ontology/taakvelden.ttl)"
        )
    return section, code


def read_mapping(path: str | Path) -> Mapping:
    """Read a mapping file (CSV with columns section,taakveld[,note], or JSON)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TaakveldError(f"{path}: no such task-field mapping file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise TaakveldError(f"{path}: cannot read the task-field mapping ({err})") from None
    pairs: list[tuple[str, str]] = []
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise TaakveldError(f"{path}: not valid JSON ({err})") from None
        if not isinstance(data, dict):
            raise TaakveldError(f'{path}: expected an object {{"2.1.1": ["6.1"], ...}}')
        for section, codes in data.items():
            codes = [codes] if isinstance(codes, str) else codes
            if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
                raise TaakveldError(f"{path}: {section}: expected a code or a list of codes")
            pairs.extend(_check(path, section, section, c) for c in codes)
    else:
        rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
        if not rows.fieldnames or not {"section", "taakveld"} <= set(rows.fieldnames):
            raise TaakveldError(f"{path}: expected a CSV header 'section,taakveld[,note]'")
        for number, row in enumerate(rows, 2):
            pairs.append(_check(path, str(number), row["section"] or "", row["taakveld"] or ""))
    mapping: dict[str, list[str]] = {}
    for section, code in pairs:
        if code not in mapping.setdefault(section, []):
            mapping[section].append(code)
    return {section: tuple(codes) for section, codes in mapping.items()}


def mapping_file_for(document: str | Path) -> Path | None:
    """`<stem>.taakvelden.csv` (or .json) next to the document, if there is one."""
    document = Path(document)
    stem = document.name.rsplit(".", 1)[0]
    for suffix in SUFFIXES:
        candidate = document.with_name(stem + suffix)
        if candidate.is_file():
            return candidate
    return None


def mapping_for(document: str | Path, explicit: str | Path | None = None) -> Mapping:
    """The mapping given explicitly, else the one next to the document, else none ({})."""
    path = Path(explicit) if explicit else mapping_file_for(document)
    return read_mapping(path) if path else {}


def taakveld_triples(graph: Graph, mapping: Mapping) -> list[Triple]:
    """`section dcterms:subject taakveld` for every mapped section of the document graph, plus
    the concepts' labels so the graph can be read on its own. Every mapped notation must name
    exactly one section of the graph."""
    if not mapping:
        return []
    sections: dict[str, list[URIRef]] = {}
    for node in graph.subjects(RDF.type, BG.Section):
        for notation in graph.objects(node, SKOS.notation):
            sections.setdefault(_notation(str(notation)), []).append(node)
    out: list[Triple] = []
    for section, codes in mapping.items():
        found = sections.get(section, [])
        if len(found) != 1:
            known = ", ".join(sorted(sections)) or "none"
            what = "no section" if not found else f"{len(found)} sections"
            raise TaakveldError(
                f"the task-field mapping names section {section}, but the document has {what} "
                f"with that number (sections: {known})"
            )
        for code in codes:
            concept = taakveld_iri(code)
            out += [
                (found[0], DCTERMS.subject, concept),
                (concept, RDF.type, SKOS.Concept),
                (concept, SKOS.inScheme, SCHEME),
                (concept, SKOS.notation, Literal(code)),
                (concept, SKOS.prefLabel, Literal(taakvelden()[code], lang="nl")),
            ]
    return out
