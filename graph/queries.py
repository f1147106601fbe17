"""Named SPARQL queries: the .rq files in queries/, their header comments and parameters.

A named query starts with a comment header that says what it answers and which parameters it
takes, e.g.

    # title: Activities and goals that rest on a law
    # question: Which activities name this law, and which goals do they serve?
    # param: law (literal) default "Wet inburgering" - the law's name or abbreviation
    # example:
    #   activity | notation | goal ...

A parameter binds a variable of the query (its own name, or the one after `as ?VAR` when
the name is also a result column, e.g. `# param: municipality (literal) as ?wantMunicipality`); a value given by the user (or the default) is bound
with a VALUES block (sparql.bind_values), never pasted into the text. A parameter without a
default is optional: left unbound it does not restrict the result.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier

from .sparql import QueryError

__all__ = [
    "Param",
    "NamedQuery",
    "queries_dir",
    "list_queries",
    "load_query",
    "parse_query_file",
    "parse_params",
    "resolve_query",
]

PARAM_KINDS = ("literal", "iri", "integer", "year")

_HEADER_LINE = re.compile(r"^#\s?(?P<key>title|question|param|example|note):\s*(?P<value>.*)$")
_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_]\w*)\s*\((?P<kind>\w+)\)"
    r"(?:\s+as\s+\?(?P<variable>[A-Za-z_]\w*))?"
    r"(?:\s+default\s+(?P<default>\"[^\"]*\"|\S+))?"
    r"(?:\s+[-\u2013\u2014]+\s*(?P<description>.*))?\s*$"
)


@dataclass(frozen=True)
class Param:
    """One declared parameter: a variable of the query and how to read a value for it."""

    name: str
    kind: str = "literal"
    default: str | None = None
    description: str = ""
    variable: str = ""  # the query variable it binds; the parameter's name when empty

    @property
    def var(self) -> str:
        return self.variable or self.name

    def term(self, value: str) -> Identifier:
        """The RDF term for a value given on the command line or in a URL."""
        if self.kind == "iri" or (value.startswith("<") and value.endswith(">")):
            return URIRef(value.strip("<>"))
        if self.kind == "integer":
            try:
                return Literal(int(value))
            except ValueError:
                raise QueryError(
                    f"parameter {self.name}: {value!r} is not a whole number"
                ) from None
        if self.kind == "year":
            if not re.fullmatch(r"\d{4}", value):
                raise QueryError(f"parameter {self.name}: {value!r} is not a year (YYYY)")
            return Literal(value, datatype=XSD.gYear)
        return Literal(value)


@dataclass(frozen=True)
class NamedQuery:
    name: str
    text: str
    path: Path | None = None
    title: str = ""
    question: str = ""
    params: tuple[Param, ...] = ()
    example: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    def bindings(self, values: dict[str, str] | None = None) -> dict[str, Identifier]:
        """Defaults overridden by `values`; an unknown name is an error that lists the known."""
        values = dict(values or {})
        declared = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(declared))
        if unknown and self.params:
            known = ", ".join(declared) or "none"
            raise QueryError(
                f"{self.name} has no parameter {', '.join(unknown)} (its parameters: {known})"
            )
        out: dict[str, Identifier] = {}
        for p in self.params:
            if p.name in values:
                value = values.pop(p.name)
                if value != "":  # `--param name=` leaves the parameter unbound
                    out[p.var] = p.term(value)
            elif p.default is not None:
                out[p.var] = p.term(p.default)
        for name, value in values.items():  # an ad-hoc query without a header
            out[name] = Param(name).term(value)
        return out


def queries_dir() -> Path:
    """The folder of the shipped named queries (queries/ in the repository)."""
    return Path(str(resources.files("beleidsgraaf.queries")))


def parse_query_file(text: str, name: str, path: Path | None = None) -> NamedQuery:
    """Read the header comment (the leading `#` lines) of a query."""
    fields: dict[str, list[str]] = {"title": [], "question": [], "example": [], "note": []}
    params: list[Param] = []
    key = None
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        match = _HEADER_LINE.match(line)
        if match:
            key, value = match["key"], match["value"].strip()
            if key == "param":
                params.append(_param(value, name))
            elif value:
                fields[key].append(value)
            continue
        rest = line[1:]
        if key == "param" and params and rest.strip():
            last = params[-1]
            params[-1] = replace(last, description=f"{last.description} {rest.strip()}".strip())
        elif key == "example":
            fields["example"].append(rest)
        elif key in ("title", "question", "note") and rest.strip():
            fields[key].append(rest.strip())
    return NamedQuery(
        name=name,
        text=text,
        path=path,
        title=" ".join(fields["title"]),
        question=" ".join(fields["question"]),
        params=tuple(params),
        example=textwrap.dedent("\n".join(fields["example"])).strip("\n").rstrip(),
        notes=tuple(fields["note"]),
    )


def _param(spec: str, query: str) -> Param:
    match = _PARAM.match(spec)
    if not match or match["kind"] not in PARAM_KINDS:
        raise QueryError(
            f"{query}: cannot read the parameter declaration {spec!r}; write "
            f'"# param: NAME (literal|iri|integer|year) [as ?VAR] [default VALUE] - what it is"'
        )
    default = match["default"]
    if default is not None and default.startswith('"'):
        default = default[1:-1]
    return Param(
        match["name"],
        match["kind"],
        default,
        (match["description"] or "").strip(),
        match["variable"] or "",
    )


def list_queries(folder: Path | None = None) -> list[NamedQuery]:
    """Every named query, sorted by name."""
    folder = folder or queries_dir()
    return [
        parse_query_file(path.read_text(encoding="utf-8"), path.stem, path)
        for path in sorted(folder.glob("*.rq"))
    ]


def load_query(name: str, folder: Path | None = None) -> NamedQuery:
    folder = folder or queries_dir()
    path = folder / f"{name}.rq"
    if not re.fullmatch(r"[\w.-]+", name) or not path.is_file():
        known = ", ".join(q.name for q in list_queries(folder))
        raise QueryError(f"no named query {name!r}; known: {known}")
    return parse_query_file(path.read_text(encoding="utf-8"), name, path)


def parse_params(pairs: list[str] | None) -> dict[str, str]:
    """`key=value` strings (from --param) as a dict."""
    out: dict[str, str] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not re.fullmatch(r"[A-Za-z_]\w*", key.strip()):
            raise QueryError(
                f"--param {pair!r}: write NAME=VALUE, e.g. --param law='Wet inburgering'"
            )
        out[key.strip()] = value
    return out


def resolve_query(arg: str) -> NamedQuery:
    """A query given as a name (queries/NAME.rq), a path to a .rq file, or the text itself."""
    if re.fullmatch(r"[\w.-]+", arg) and not arg.endswith((".rq", ".sparql")):
        if (queries_dir() / f"{arg}.rq").is_file():
            return load_query(arg)
        if not Path(arg).is_file():
            return load_query(arg)  # raises with the list of known names
    path = Path(arg)
    if arg.endswith((".rq", ".sparql")) or (len(arg) < 256 and "\n" not in arg and path.is_file()):
        if not path.is_file():
            raise QueryError(f"{arg}: no such query file")
        return parse_query_file(path.read_text(encoding="utf-8"), path.stem, path)
    return parse_query_file(arg, "query")
