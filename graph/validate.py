"""Check graphs against the SHACL shapes of the data contract (ontology/shapes.ttl) with pyshacl.

The raw SHACL report is a graph; people want a list: which rule, how often, on which nodes.
`validate` returns a `Report` that groups the results by severity, path and message and says
how many nodes each rule failed on, with a few example nodes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from importlib.resources import files

from pyshacl import validate as shacl_validate
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from beleidsgraaf.namespaces import data_base

__all__ = ["Result", "Report", "shapes_graph", "validate", "validate_graph"]


@dataclass(frozen=True)
class Result:
    """One SHACL result: the node that failed, the property path, and why."""

    severity: str  # Violation | Warning | Info
    focus: str
    path: str
    message: str
    value: str = ""


@dataclass
class Report:
    """The outcome of a validation, readable as text (`str(report)`)."""

    conforms: bool
    results: list[Result] = field(default_factory=list)
    nodes_checked: int = 0

    @property
    def violations(self) -> list[Result]:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[Result]:
        return [r for r in self.results if r.severity != "Violation"]

    def grouped(self) -> list[tuple[str, str, str, list[Result]]]:
        """(severity, path, message, results) per rule, violations first, most frequent first."""
        groups: dict[tuple[str, str, str], list[Result]] = defaultdict(list)
        for r in self.results:
            groups[(r.severity, r.path, _rule(r.message))].append(r)
        order = {"Violation": 0, "Warning": 1, "Info": 2}
        keys = sorted(groups, key=lambda k: (order.get(k[0], 3), -len(groups[k]), k))
        return [(*k, groups[k]) for k in keys]

    def summary(self) -> str:
        counts = Counter(r.severity for r in self.results)
        state = "conforms" if self.conforms else "does NOT conform"
        parts = [f"{n} {s.lower()}{'s' if n != 1 else ''}" for s, n in sorted(counts.items())]
        return f"the graph {state} to the shapes ({', '.join(parts) or 'no findings'})"

    def format(self, examples: int = 3) -> str:
        """Readable text: one block per rule with its count and a few focus nodes."""
        lines = [self.summary()]
        for severity, path, message, results in self.grouped():
            lines.append(f"\n{severity}: {message}  [{path}]  x{len(results)}")
            for r in results[:examples]:
                value = f"  (value: {r.value})" if r.value else ""
                detail = f"  -- {r.message}" if r.message != message else ""
                lines.append(f"  - {r.focus}{value}{detail}")
            if len(results) > examples:
                lines.append(f"  ... and {len(results) - examples} more")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.format()


def _rule(message: str) -> str:
    """The message without the details a SPARQL constraint filled in '(...)', for grouping."""
    return message.split(" (", 1)[0]


def shapes_graph() -> Graph:
    """The shapes of the data contract, as shipped in the package."""
    text = files("beleidsgraaf.ontology").joinpath("shapes.ttl").read_text("utf-8")
    return Graph().parse(data=text, format="turtle")


def _short(node: Node | None, graph: Graph) -> str:
    if node is None:
        return ""
    if isinstance(node, URIRef):
        text = str(node)
        base = data_base()
        if text.startswith(base):
            return text[len(base) :]
        try:
            return graph.namespace_manager.normalizeUri(node)
        except ValueError:
            return text
    text = str(node)
    return text if len(text) <= 60 else text[:57] + "..."


def _path(node: Node | None, shapes: Graph) -> str:
    if isinstance(node, URIRef):
        return shapes.namespace_manager.normalizeUri(node)
    return "(node)" if node is None else "(complex path)"


def validate_graph(data: Graph, shapes: Graph | None = None) -> Report:
    """Validate one in-memory graph; warnings do not make it non-conforming."""
    shapes = shapes if shapes is not None else shapes_graph()
    conforms, results_graph, _ = shacl_validate(
        data,
        shacl_graph=shapes,
        inference="none",
        allow_warnings=True,
        advanced=False,
    )
    results = []
    for result in results_graph.subjects(SH.resultSeverity, None):
        severity = results_graph.value(result, SH.resultSeverity)
        message = results_graph.value(result, SH.resultMessage)
        results.append(
            Result(
                severity=str(severity).rsplit("#", 1)[-1],
                focus=_short(results_graph.value(result, SH.focusNode), data),
                path=_path(results_graph.value(result, SH.resultPath), shapes),
                message=str(message) if message is not None else "constraint not met",
                value=_short(results_graph.value(result, SH.value), data),
            )
        )
    results.sort(key=lambda r: (r.severity, r.path, r.message, r.focus))
    return Report(conforms=bool(conforms), results=results, nodes_checked=len(set(data.subjects())))


def validate(ds: Dataset | Graph, shapes: Graph | None = None) -> Report:
    """Validate every document graph in a store (their union, copied into memory)."""
    if isinstance(ds, Dataset):
        from beleidsgraaf.graph.export import union_graph

        data = union_graph(ds)
    else:
        data = ds
    return validate_graph(data, shapes)
