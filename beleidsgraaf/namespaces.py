"""Vocabularies used in the graph, defined once.

`BG` mirrors ontology/beleidsgraaf.ttl term for term (a test checks the two agree), so that a
typo in code is an AttributeError instead of a silently wrong IRI.
"""

from __future__ import annotations

import os

from rdflib import Namespace
from rdflib.namespace import DefinedNamespace

__all__ = ["BG", "FIG", "NIF", "ELI", "ITSRDF", "TOOI", "BWB", "WD", "DEFAULT_BASE", "data_base"]


class BG(DefinedNamespace):
    """The beleidsgraaf ontology."""

    _NS = Namespace("https://w3id.org/beleidsgraaf/def#")
    _fail = True

    # classes
    Document: type
    SourceDocument: type
    Page: type
    Section: type
    Goal: type
    Activity: type
    Organisation: type
    Law: type
    Place: type
    Instrument: type
    ActorGroup: type
    Mention: type
    CoInvolvement: type

    # relations between activities and what they name
    involves: type
    concernsLaw: type
    usesInstrument: type
    concernsPlace: type
    contributesTo: type

    # derived at build time (extract/derived.py)
    firstPartner: type
    secondPartner: type
    activityCount: type

    # provenance and bookkeeping
    mentionedIn: type
    sourceText: type
    sha256: type
    municipality: type
    year: type
    position: type
    role: type
    extractedBy: type

    # budget figures as an RDF Data Cube (extract/figures/; structure in ontology/figures.ttl)
    refSection: type
    refTaskField: type
    refYear: type
    figureKind: type
    lasten: type
    baten: type
    saldo: type
    scale: type
    signNote: type


class FIG(DefinedNamespace):
    """The Data Cube structure of budget figures and its code lists (ontology/figures.ttl)."""

    _NS = Namespace("https://w3id.org/beleidsgraaf/figures#")
    _fail = True

    structure: type  # the qb:DataStructureDefinition every table of figures has
    kinds: type  # the skos:ConceptScheme of kinds of figure
    begroting: type
    begrotingNaWijziging: type
    realisatie: type
    raming: type
    kindNotStated: type
    noTaskField: type  # the task-field dimension of a figure whose row and section name none
    # component specifications of the structure
    componentSection: type
    componentTaskField: type
    componentYear: type
    componentKind: type
    componentMeasureType: type
    componentLasten: type
    componentBaten: type
    componentSaldo: type
    componentScale: type
    componentSignNote: type


NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
ITSRDF = Namespace("http://www.w3.org/2005/11/its/rdf#")
TOOI = Namespace("https://identifier.overheid.nl/tooi/id/")
BWB = Namespace("https://wetten.overheid.nl/")
WD = Namespace("http://www.wikidata.org/entity/")

DEFAULT_BASE = "https://w3id.org/beleidsgraaf/id/"


def data_base() -> str:
    """The base IRI for data; BELEIDSGRAAF_BASE overrides the default."""
    base = os.environ.get("BELEIDSGRAAF_BASE", DEFAULT_BASE)
    return base if base.endswith(("/", "#")) else base + "/"
