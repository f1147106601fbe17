"""Turn one document (its text, tree and annotations) into one RDF graph, per DESIGN.md.

Every goal, activity and entity mention points back to its words through NIF offsets into the
document's text (kept whole in a nif:Context), so any triple can be traced to its sentence.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from beleidsgraaf.namespaces import BG, ELI, ITSRDF, NIF

from .annotations import Annotations, Entity, Mention
from .derived import co_involvement_triples
from .figures import figure_triples
from .iris import document_iri, entity_iri, item_iri, mention_iri
from .linking import entity_links, municipality_triples
from .pages import page_triples
from .reader import SourceText
from .tree import DocumentTree

__all__ = ["DocumentMeta", "DocumentTriples", "document_graph", "document_triples", "bind_prefixes"]

Triple = tuple[URIRef, URIRef, URIRef | Literal]


@dataclass(frozen=True)
class DocumentMeta:
    """What the user or the file name tells about a document."""

    municipality: str | None = None
    year: int | None = None
    title: str | None = None


def bind_prefixes(graph: Graph) -> Graph:
    for prefix, ns in {
        "bg": BG._NS,
        "skos": SKOS,
        "dcterms": DCTERMS,
        "nif": NIF,
        "itsrdf": ITSRDF,
        "prov": PROV,
        "eli": ELI,
        "owl": OWL,
    }.items():
        graph.bind(prefix, ns)
    return graph


class DocumentTriples:
    """A document's triples, each once, in the order they were made: what a build writes to
    the store. Cheaper than an rdflib Graph (about a fifth of the cost of building one),
    with the few look-ups the build itself needs (`triples`, `subjects`, `objects` by
    predicate). `graph()` gives the same triples as an rdflib Graph."""

    def __init__(self, identifier: URIRef) -> None:
        self.identifier = identifier
        self._triples: dict[Triple, None] = {}  # insertion-ordered set
        self._by_predicate: dict[URIRef, list[Triple]] = {}
        self.spans: dict[tuple[int, int], URIRef] = {}  # NIF spans made so far (see _span)

    def add(self, triple: Triple) -> DocumentTriples:
        if triple not in self._triples:
            self._triples[triple] = None
            self._by_predicate.setdefault(triple[1], []).append(triple)
        return self

    def __iadd__(self, triples: Iterable[Triple]) -> DocumentTriples:
        for triple in triples:
            self.add(triple)
        return self

    def __iter__(self) -> Iterator[Triple]:
        return iter(self._triples)

    def __len__(self) -> int:
        return len(self._triples)

    def __contains__(self, triple: Triple) -> bool:
        return triple in self._triples

    def triples(self, pattern: tuple) -> Iterator[Triple]:
        s, p, o = pattern
        for triple in self._by_predicate.get(p, ()) if p is not None else list(self._triples):
            if (s is None or triple[0] == s) and (o is None or triple[2] == o):
                yield triple

    def subjects(self, predicate=None, object=None) -> Iterator:  # noqa: A002 - rdflib's names
        return (t[0] for t in self.triples((None, predicate, object)))

    def objects(self, subject=None, predicate=None) -> Iterator:
        return (t[2] for t in self.triples((subject, predicate, None)))

    def graph(self) -> Graph:
        g = bind_prefixes(Graph(identifier=self.identifier))
        g.addN((s, p, o, g) for s, p, o in self._triples)
        return g


@lru_cache(maxsize=1 << 16)
def _offset(n: int) -> Literal:
    return Literal(n, datatype=XSD.nonNegativeInteger)


# the terms of the loops below, made once (a namespace attribute makes a new URIRef each time)
_TYPE, _OFFSET_STRING, _SENTENCE = RDF.type, NIF.OffsetBasedString, NIF.Sentence
_BEGIN, _END, _ANCHOR, _CONTEXT = NIF.beginIndex, NIF.endIndex, NIF.anchorOf, NIF.referenceContext
_MENTION, _TA_IDENT, _EXTRACTED_BY = BG.Mention, ITSRDF.taIdentRef, BG.extractedBy
_IN_SENTENCE, _MENTIONED_IN = NIF.sentence, BG.mentionedIn


def _span(
    g: DocumentTriples, doc: URIRef, context: URIRef, text: str, start: int, end: int
) -> URIRef:
    node = g.spans.get((start, end))
    if node is not None:  # its triples are there (a sentence with several mentions)
        return node
    node = mention_iri(doc, start, end)
    g.add((node, _TYPE, _OFFSET_STRING))
    g.add((node, _BEGIN, _offset(start)))
    g.add((node, _END, _offset(end)))
    g.add((node, _ANCHOR, Literal(text[start:end])))
    g.add((node, _CONTEXT, context))
    g.spans[(start, end)] = node
    return node


def _entity(g: DocumentTriples, entity: Entity, municipality: str | None) -> URIRef:
    node = entity_iri(entity.kind, entity.name, None if entity.national else municipality)
    g.add((node, RDF.type, getattr(BG, entity.kind)))
    g.add((node, SKOS.prefLabel, Literal(entity.name, lang="nl")))
    for alias in sorted(entity.aliases - {entity.name}):
        g.add((node, SKOS.altLabel, Literal(alias, lang="nl")))
    for same in entity.same_as:
        g.add((node, OWL.sameAs, URIRef(same)))
    if entity.kind == "Law":
        g.add((node, RDF.type, ELI.LegalResource))
    return node


def _mention(
    g: DocumentTriples, doc: URIRef, context: URIRef, text: str, m: Mention, entity: URIRef
) -> URIRef:
    node = _span(g, doc, context, text, m.start, m.end)
    g.add((node, _TYPE, _MENTION))
    g.add((node, _TA_IDENT, entity))
    g.add((node, _EXTRACTED_BY, Literal(m.extracted_by)))
    sentence = _span(g, doc, context, text, m.sentence_start, m.sentence_end)
    g.add((sentence, _TYPE, _SENTENCE))
    g.add((node, _IN_SENTENCE, sentence))
    if m.activity_key:
        g.add((node, _MENTIONED_IN, item_iri(doc, m.activity_key)))
    return node


def document_graph(
    source: SourceText,
    tree: DocumentTree,
    meta: DocumentMeta,
    annotations: Annotations | None = None,
) -> Graph:
    """The named graph of one document; its identifier is the document IRI."""
    return document_triples(source, tree, meta, annotations).graph()


def document_triples(
    source: SourceText,
    tree: DocumentTree,
    meta: DocumentMeta,
    annotations: Annotations | None = None,
) -> DocumentTriples:
    """The triples of `document_graph`, without building an rdflib Graph (what `build` uses)."""
    stem = source.name.rsplit(".", 1)[0]
    doc = document_iri(meta.municipality, stem)
    g = DocumentTriples(doc)
    text = source.text

    title = meta.title or (tree.sections[0].title if tree.sections else stem)
    g.add((doc, RDF.type, BG.Document))
    g.add((doc, DCTERMS.title, Literal(title, lang="nl")))
    g.add((doc, DCTERMS.source, Literal(source.name)))
    g.add((doc, DCTERMS["format"], Literal(source.media_type)))
    if source.url:  # read from a site: the address it was read from
        g.add((doc, DCAT.landingPage, URIRef(source.url)))
    g.add((doc, BG.sha256, Literal(source.sha256)))
    if meta.municipality:
        g.add((doc, BG.municipality, Literal(meta.municipality)))
    if meta.year:
        g.add((doc, BG.year, Literal(meta.year, datatype=XSD.gYear)))
        g.add((doc, DCTERMS.temporal, Literal(str(meta.year), datatype=XSD.gYear)))

    context = mention_iri(doc, 0, len(text))
    g.add((context, RDF.type, NIF.Context))
    g.add((context, NIF.isString, Literal(text)))
    g.add((context, NIF.beginIndex, Literal(0, datatype=XSD.nonNegativeInteger)))
    g.add((context, NIF.endIndex, Literal(len(text), datatype=XSD.nonNegativeInteger)))
    g.add((doc, BG.sourceText, context))

    sections = {}
    for s in tree.sections:
        node = item_iri(doc, s.key)
        sections[id(s)] = node
        g.add((node, RDF.type, BG.Section))
        if s.notation is not None:
            g.add((node, SKOS.notation, Literal(s.notation)))
        g.add((node, RDFS.label, Literal(s.title, lang="nl")))
        parent = sections.get(id(s.parent)) if s.parent else doc
        g.add((node, DCTERMS.isPartOf, parent or doc))
        g.add((node, PROV.wasDerivedFrom, _span(g, doc, context, text, s.start, s.end)))

    goals = {}
    for position, goal in enumerate(tree.goals, 1):
        node = item_iri(doc, goal.key)
        goals[id(goal)] = node
        g.add((node, RDF.type, BG.Goal))
        if goal.notation is not None:
            g.add((node, SKOS.notation, Literal(goal.notation)))
        g.add((node, RDFS.label, Literal(goal.text, lang="nl")))
        g.add((node, BG.position, Literal(position)))
        g.add((node, DCTERMS.isPartOf, sections[id(goal.section)] if goal.section else doc))
        if goal.end > goal.start:
            g.add((node, PROV.wasDerivedFrom, _span(g, doc, context, text, goal.start, goal.end)))

    for position, act in enumerate(tree.activities, 1):
        node = item_iri(doc, act.key)
        g.add((node, RDF.type, BG.Activity))
        if act.notation is not None:
            g.add((node, SKOS.notation, Literal(act.notation)))
        g.add((node, RDFS.label, Literal(act.text, lang="nl")))
        g.add((node, BG.position, Literal(position)))
        g.add((node, DCTERMS.isPartOf, sections[id(act.section)] if act.section else doc))
        for goal in act.goals:
            g.add((node, BG.contributesTo, goals[id(goal)]))
        g.add((node, PROV.wasDerivedFrom, _span(g, doc, context, text, act.start, act.end)))

    items = [
        (item_iri(doc, x.key), x.start) for x in (*tree.sections, *tree.goals, *tree.activities)
    ]
    g += page_triples(doc, context, source.parts, items)  # a site's pages and their addresses

    if annotations is not None:
        # local names are scoped to their municipality; without one, to this document, so that
        # two unknown municipalities' 'Sociaal Team Noord' never become one node
        scope = meta.municipality or f"onbekend {stem}"
        nodes = {id(e): _entity(g, e, scope) for e in annotations.entities}
        for e in annotations.entities:
            for m in e.mentions:
                _mention(g, doc, context, text, m, nodes[id(e)])
        for rel in annotations.relations:
            subject = item_iri(doc, rel.activity_key)
            g.add((subject, getattr(BG, rel.predicate), nodes[id(rel.entity)]))
            if rel.role:
                g.add(
                    (
                        mention_iri(doc, rel.mention.start, rel.mention.end),
                        BG.role,
                        Literal(rel.role, lang="nl"),
                    )
                )
        for triple in co_involvement_triples(doc, list(g.triples((None, BG.involves, None)))):
            g.add(triple)
    for triple in municipality_triples(doc, meta.municipality) + entity_links(g):
        g.add(triple)  # national identifiers: TOOI, BWB, Wikidata (extract/linking.py)
    for triple in figure_triples(text, tree, doc):  # finance tables as qb (extract/figures)
        g.add(triple)
    return g
