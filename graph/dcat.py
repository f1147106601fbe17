"""A DCAT-AP description of the store as open data: a catalogue, a dataset for the whole graph,
a dataset per document, and their distributions.

What a portal (data.overheid.nl, data.europa.eu) harvests to list the graph: who publishes it
(the municipality's TOOI IRI, read from the documents' dcterms:publisher), under which licence,
which years and places it covers, where each export format can be downloaded, and per document
(a portal lists each budget on its own) the budget year and the source document it was read
from. The vocabulary IRIs for formats, licences, themes and languages are the EU Publications
Office authority tables that DCAT-AP prescribes; the description declares the class and labels
of each one it uses, as the official DCAT-AP 3.0.1 shapes (validated with RDFS inference) and
the portals expect, since a harvester does not fetch the tables. ontology/dcat-ap-shapes.ttl
checks what the project promises beyond DCAT-AP.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from beleidsgraaf.namespaces import BG, TOOI, data_base

from .export import document_path

__all__ = [
    "DcatError",
    "DcatOptions",
    "DISTRIBUTIONS",
    "LICENCE_TITLES",
    "DocumentInfo",
    "dcat_description",
    "documents",
    "publishers",
    "years",
    "places",
]

EU_AUTHORITY = Namespace("http://publications.europa.eu/resource/authority/")
EU_FILE_TYPE = Namespace(EU_AUTHORITY["file-type/"])
EU_LICENCE = Namespace(EU_AUTHORITY["licence/"])
EU_THEME = Namespace(EU_AUTHORITY["data-theme/"])
EU_LANGUAGE = Namespace(EU_AUTHORITY["language/"])
IANA = Namespace("https://www.iana.org/assignments/media-types/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
ADMS_PUBLISHER_TYPE = Namespace("http://purl.org/adms/publishertype/")
# The ontology itself (the data contract): `https://w3id.org/beleidsgraaf/def`, without the '#'.
BG_ONTOLOGY = URIRef(str(BG._NS).rstrip("#"))

# export format -> (file name, EU file type, IANA media type, title)
DISTRIBUTIONS = {
    "turtle": ("graph.ttl", "RDF_TURTLE", "text/turtle", "Turtle"),
    "trig": ("graph.trig", "RDF_TRIG", "application/trig", "TriG (one named graph per document)"),
    "nt": ("graph.nt", "RDF_N_TRIPLES", "application/n-triples", "N-Triples"),
    "nq": ("graph.nq", "RDF_N_QUADS", "application/n-quads", "N-Quads"),
    "jsonld": ("graph.jsonld", "JSON_LD", "application/ld+json", "JSON-LD"),
    "csv": ("csv/", "CSV", "text/csv", "CSV tables: activities, entities, relations, figures"),
}

# EU licence id -> the licence's title as CKAN's licence register has it (the Open Definition
# names). ckanext-dcat fills a dataset's licence from its distributions' dct:license: the IRI if
# the portal's register lists it, else the licence's dct:title. With these titles a CKAN with
# the default register finds the licence behind the EU IRI.
LICENCE_TITLES = {
    "CC0": "Creative Commons CCZero",
    "CC_BY_4_0": "Creative Commons Attribution",
    "CC_BYSA_4_0": "Creative Commons Attribution Share-Alike",
    "ODC_BY": "Open Data Commons Attribution License",
    "ODC_ODBL": "Open Data Commons Open Database License (ODbL)",
    "ODC_PDDL": "Open Data Commons Public Domain Dedication and License (PDDL)",
}

# The EU data themes used, with their labels from the authority table (skos:Concept needs one).
THEMES = {
    EU_THEME.GOVE: ("Government and public sector", "Overheid en publieke sector"),
    EU_THEME.SOCI: ("Population and society", "Bevolking en samenleving"),
}
THEME_SCHEME = EU_AUTHORITY["data-theme"]
LANGUAGE = EU_LANGUAGE.NLD

_PREFIXES = {
    p: str(ns) for p, ns in {"bg": BG._NS, "dcat": DCAT, "dcterms": DCTERMS, "skos": SKOS}.items()
}


@dataclass
class DcatOptions:
    """What the store cannot tell: where the files will be, under which licence, who to ask."""

    access_url: str | None = None  # folder (URL) where the exports are published
    licence: str = "CC0"  # an id of the EU licence table (CC0, CC_BY_4_0, ...) or a full IRI
    formats: Iterable[str] = ("turtle", "trig", "jsonld", "csv")
    publisher: str | None = None  # IRI; default: the documents' dcterms:publisher
    contact_email: str | None = None
    issued: date | None = None
    keywords: tuple[str, ...] = field(
        default=("beleid", "gemeente", "programmabegroting", "sociaal domein", "kennisgraaf")
    )


@dataclass(frozen=True)
class DocumentInfo:
    """What the store says about one document that its dataset needs."""

    iri: URIRef
    title: str
    source: str  # the file name (dcterms:source)
    media_type: str
    year: int | None
    publisher: URIRef | None
    spatial: URIRef | None
    landing_page: URIRef | None  # the site address it was read from, when it was a site


def _rows(ds: Dataset | Graph, query: str) -> list[tuple]:
    return [tuple(row) for row in ds.query(query, initNs=_PREFIXES)]


def _year(value) -> int | None:
    try:
        return int(str(value)[:4])
    except ValueError:
        return None


def publishers(ds: Dataset | Graph) -> dict[URIRef, str]:
    """Publisher IRI -> its label, from the documents' dcterms:publisher."""
    rows = _rows(
        ds,
        "SELECT DISTINCT ?p ?label WHERE { GRAPH ?g { ?d a bg:Document ; dcterms:publisher ?p ."
        " OPTIONAL { ?p skos:prefLabel ?label } } }",
    )
    out: dict[URIRef, str] = {}
    for p, label in rows:
        out.setdefault(p, str(label) if label is not None else str(p))
    return out


def places(ds: Dataset | Graph) -> list[URIRef]:
    """The documents' dcterms:spatial IRIs (their municipalities)."""
    rows = _rows(
        ds, "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?d a bg:Document ; dcterms:spatial ?s } }"
    )
    return sorted(r[0] for r in rows if isinstance(r[0], URIRef))


def years(ds: Dataset | Graph) -> list[int]:
    """The documents' (budget) years."""
    rows = _rows(ds, "SELECT DISTINCT ?y WHERE { GRAPH ?g { ?d bg:year ?y } }")
    return sorted({y for (value,) in rows if (y := _year(value)) is not None})


def has_figures(ds: Dataset | Graph) -> bool:
    """Whether any document holds budget figures (qb:Observation, extract/figures)."""
    query = "ASK { GRAPH ?g { ?o a <http://purl.org/linked-data/cube#Observation> } }"
    return bool(ds.query(query).askAnswer)


def _figures_distribution(g, dataset, folder, licence, issued) -> None:
    """The budget figures as a CSV of their own (`export --format csv` writes figures.csv
    beside the other tables); in the RDF distributions they are Data Cube observations."""
    dist = URIRef(f"{data_base()}distribution/figures-csv")
    g.add((dataset, DCAT.distribution, dist))
    g.add((dist, RDF.type, DCAT.Distribution))
    g.add((dist, DCTERMS.title, Literal("CSV: budget figures (lasten, baten, saldo)", lang="en")))
    g.add((dist, DCAT.accessURL, folder))
    g.add((dist, DCAT.downloadURL, URIRef(f"{folder}csv/figures.csv")))
    g.add((dist, DCTERMS["format"], EU_FILE_TYPE["CSV"]))
    g.add((EU_FILE_TYPE["CSV"], RDF.type, DCTERMS.MediaTypeOrExtent))
    g.add((dist, DCAT.mediaType, IANA["text/csv"]))
    g.add((IANA["text/csv"], RDF.type, DCTERMS.MediaType))
    g.add((dist, DCTERMS.license, licence))
    g.add((dist, DCTERMS.issued, issued))


def documents(ds: Dataset | Graph) -> list[DocumentInfo]:
    """Every document in the store, in IRI order."""
    rows = _rows(
        ds,
        "SELECT ?d (SAMPLE(?t) AS ?title) (SAMPLE(?s) AS ?source) (SAMPLE(?f) AS ?format)"
        " (SAMPLE(?y) AS ?year) (SAMPLE(?p) AS ?publisher) (SAMPLE(?sp) AS ?spatial)"
        " (SAMPLE(?l) AS ?landing)"
        " WHERE { GRAPH ?g { ?d a bg:Document ."
        " OPTIONAL { ?d dcterms:title ?t } OPTIONAL { ?d dcterms:source ?s }"
        " OPTIONAL { ?d dcterms:format ?f } OPTIONAL { ?d bg:year ?y }"
        " OPTIONAL { ?d dcterms:publisher ?p } OPTIONAL { ?d dcterms:spatial ?sp }"
        " OPTIONAL { ?d dcat:landingPage ?l } } } GROUP BY ?d ORDER BY ?d",
    )
    return [
        DocumentInfo(
            iri=d,
            title=str(t or ""),
            source=str(s or ""),
            media_type=str(f or ""),
            year=_year(y) if y is not None else None,
            publisher=p if isinstance(p, URIRef) else None,
            spatial=sp if isinstance(sp, URIRef) else None,
            landing_page=lp if isinstance(lp, URIRef) else None,
        )
        for d, t, s, f, y, p, sp, lp in rows
    ]


class DcatError(ValueError):
    """The store does not say enough to describe it (and no option fills the gap)."""


def _vocabulary(g: Graph, licence: URIRef, licence_id: str | None) -> None:
    """Declare the controlled-vocabulary IRIs the description uses: their DCAT-AP classes and
    labels (a harvester validates the description alone; it does not fetch the EU tables)."""
    g.add((LANGUAGE, RDF.type, DCTERMS.LinguisticSystem))
    g.add((LANGUAGE, SKOS.prefLabel, Literal("Nederlands", lang="nl")))
    g.add((LANGUAGE, SKOS.prefLabel, Literal("Dutch", lang="en")))
    g.add((THEME_SCHEME, RDF.type, SKOS.ConceptScheme))
    g.add((THEME_SCHEME, DCTERMS.title, Literal("Data theme", lang="en")))
    for theme, (english, dutch) in THEMES.items():
        g.add((theme, RDF.type, SKOS.Concept))
        g.add((theme, SKOS.inScheme, THEME_SCHEME))
        g.add((theme, SKOS.prefLabel, Literal(english, lang="en")))
        g.add((theme, SKOS.prefLabel, Literal(dutch, lang="nl")))
    g.add((licence, RDF.type, DCTERMS.LicenseDocument))
    if licence_id in LICENCE_TITLES:
        # one title only: ckanext-dcat matches it against the licence register
        g.add((licence, DCTERMS.title, Literal(LICENCE_TITLES[licence_id], lang="en")))
    g.add((BG_ONTOLOGY, RDF.type, DCTERMS.Standard))
    g.add((BG_ONTOLOGY, DCTERMS.title, Literal("beleidsgraaf ontologie", lang="nl")))
    g.add((BG_ONTOLOGY, DCTERMS.title, Literal("beleidsgraaf ontology", lang="en")))
    # DCAT-AP gives dct:source the range dcat:Dataset; a source document is one (ontology)
    g.add((BG.SourceDocument, RDFS.subClassOf, DCAT.Dataset))
    g.add((BG.SourceDocument, RDFS.subClassOf, FOAF.Document))


def _agent(g: Graph, agent: URIRef, name: str) -> None:
    g.add((agent, RDF.type, FOAF.Agent))
    g.add((agent, FOAF.name, Literal(name, lang="nl")))
    if str(agent).startswith(TOOI["gemeente/"]):
        kind = ADMS_PUBLISHER_TYPE.LocalAuthority
        g.add((agent, DCTERMS.type, kind))
        g.add((kind, RDF.type, SKOS.Concept))
        g.add((kind, SKOS.prefLabel, Literal("Local Authority", lang="en")))


def _period(g: Graph, first: int, last: int) -> BNode:
    period = BNode()
    g.add((period, RDF.type, DCTERMS.PeriodOfTime))
    g.add((period, DCAT.startDate, Literal(f"{first}-01-01", datatype=XSD.date)))
    g.add((period, DCAT.endDate, Literal(f"{last}-12-31", datatype=XSD.date)))
    return period


def _common(g: Graph, dataset: URIRef, publisher: URIRef, licence: URIRef, options, issued):
    """What every dataset says alike: publisher, licence, language, themes, standard, keywords."""
    g.add((dataset, RDF.type, DCAT.Dataset))
    g.add((dataset, DCTERMS.identifier, Literal(str(dataset))))
    g.add((dataset, DCTERMS.publisher, publisher))
    g.add((dataset, DCTERMS.license, licence))
    g.add((dataset, DCTERMS.issued, issued))
    g.add((dataset, DCTERMS.language, LANGUAGE))
    for theme in THEMES:
        g.add((dataset, DCAT.theme, theme))
    g.add((dataset, DCTERMS.conformsTo, BG_ONTOLOGY))
    for keyword in options.keywords:
        g.add((dataset, DCAT.keyword, Literal(keyword, lang="nl")))


def _distributions(g, dataset, key, folder, formats, licence, issued, what="") -> None:
    """One distribution per export format; `folder` is where its files are published."""
    for fmt in formats:
        filename, file_type, media_type, title = DISTRIBUTIONS[fmt]
        dist = URIRef(f"{data_base()}distribution/{key}{fmt}")
        g.add((dataset, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(f"{title}{what}", lang="en")))
        g.add((dist, DCAT.accessURL, folder))
        g.add((dist, DCAT.downloadURL, URIRef(f"{folder}{filename}")))
        g.add((dist, DCTERMS["format"], EU_FILE_TYPE[file_type]))
        g.add((EU_FILE_TYPE[file_type], RDF.type, DCTERMS.MediaTypeOrExtent))
        g.add((dist, DCAT.mediaType, IANA[media_type]))
        g.add((IANA[media_type], RDF.type, DCTERMS.MediaType))
        g.add((dist, DCTERMS.license, licence))
        g.add((dist, DCTERMS.issued, issued))


def dcat_description(ds: Dataset | Graph, options: DcatOptions | None = None) -> Graph:
    """The DCAT-AP catalogue describing the store's graph, each document's part of it, and
    their export distributions."""
    options = options or DcatOptions()
    base = data_base()
    g = Graph()
    for prefix, ns in {
        "dcat": DCAT,
        "dcterms": DCTERMS,
        "foaf": FOAF,
        "vcard": VCARD,
        "skos": SKOS,
        "xsd": XSD,
        "bg": BG._NS,
        "filetype": EU_FILE_TYPE,
        "licence": EU_LICENCE,
        "theme": EU_THEME,
        "lang": EU_LANGUAGE,
    }.items():
        g.bind(prefix, ns)

    docs = documents(ds)
    if not docs:
        raise DcatError("the store holds no documents to describe; build one first")
    formats = list(options.formats)
    for fmt in formats:
        if fmt not in DISTRIBUTIONS:
            raise DcatError(
                f"unknown distribution format {fmt!r}; one of {', '.join(DISTRIBUTIONS)}"
            )
    found = publishers(ds)
    if options.publisher:
        publisher, name = URIRef(options.publisher), found.get(URIRef(options.publisher), "")
        name = name or options.publisher
    elif len(found) == 1:
        publisher, name = next(iter(found.items()))
    else:
        what = "no publisher" if not found else f"{len(found)} publishers"
        raise DcatError(
            f"the documents name {what}; give the catalogue's publisher with --publisher IRI "
            "(for a municipality, https://identifier.overheid.nl/tooi/id/gemeente/gmNNNN)"
        )

    catalog, dataset = URIRef(f"{base}catalog"), URIRef(f"{base}dataset")
    access = URIRef(options.access_url or f"{base}download/")
    if not str(access).endswith("/"):
        access = URIRef(f"{access}/")
    licence_id = None if "://" in options.licence else options.licence
    licence = EU_LICENCE[licence_id] if licence_id else URIRef(options.licence)
    issued = Literal((options.issued or date.today()).isoformat(), datatype=XSD.date)

    _vocabulary(g, licence, licence_id)
    _agent(g, publisher, name)
    for agent, label in found.items():
        _agent(g, agent, label)

    g.add((catalog, RDF.type, DCAT.Catalog))
    g.add(
        (
            catalog,
            DCTERMS.title,
            Literal("Beleidsgraaf: gemeentelijke beleidsdocumenten", lang="nl"),
        )
    )
    g.add((catalog, DCTERMS.title, Literal("Beleidsgraaf: municipal policy documents", lang="en")))
    g.add(
        (
            catalog,
            DCTERMS.description,
            Literal(
                "Catalogus van kennisgrafen die met beleidsgraaf uit gemeentelijke "
                "beleidsdocumenten zijn gemaakt.",
                lang="nl",
            ),
        )
    )
    g.add((catalog, DCTERMS.publisher, publisher))
    g.add((catalog, DCTERMS.license, licence))
    g.add((catalog, DCTERMS.language, LANGUAGE))
    g.add((catalog, DCAT.themeTaxonomy, THEME_SCHEME))
    g.add((catalog, DCAT.dataset, dataset))

    contact = None
    if options.contact_email:
        contact = URIRef(f"{base}contact")
        g.add((contact, RDF.type, VCARD.Kind))
        g.add((contact, VCARD.fn, Literal(name)))
        g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{options.contact_email}")))

    # the whole graph: every document, in the export files at the access URL
    titles = "; ".join(d.title for d in docs if d.title)
    _common(g, dataset, publisher, licence, options, issued)
    g.add((dataset, DCTERMS.title, Literal(f"Beleidsgraaf van {name}", lang="nl")))
    g.add((dataset, DCTERMS.title, Literal(f"Policy graph of {name}", lang="en")))
    g.add(
        (
            dataset,
            DCTERMS.description,
            Literal(
                f"Kennisgraaf (RDF) van {len(docs)} beleidsdocument(en) ({titles}): "
                "secties, beleidsdoelen, activiteiten en de organisaties, wetten, plaatsen en "
                "instrumenten die zij noemen, met herkomst tot op de zin (NIF).",
                lang="nl",
            ),
        )
    )
    g.add(
        (
            dataset,
            DCTERMS.description,
            Literal(
                f"Knowledge graph (RDF) of {len(docs)} policy document(s): sections, goals, "
                "activities and the organisations, laws, places and instruments they name, with "
                "provenance down to the sentence (NIF).",
                lang="en",
            ),
        )
    )
    for place in places(ds):
        g.add((dataset, DCTERMS.spatial, place))
        g.add((place, RDF.type, DCTERMS.Location))
    found_years = years(ds)
    if found_years:
        g.add((dataset, DCTERMS.temporal, _period(g, found_years[0], found_years[-1])))
    if contact:
        g.add((dataset, DCAT.contactPoint, contact))
    _distributions(g, dataset, "", access, formats, licence, issued)
    if "csv" in formats and has_figures(ds):
        _figures_distribution(g, dataset, access, licence, issued)

    for doc in docs:
        # the municipality when the document names one, else whoever publishes the catalogue
        # (and so the graph); the title names only a municipality the document names
        part = _document_dataset(g, doc, found.get(doc.publisher, "") if doc.publisher else "")
        g.add((catalog, DCAT.dataset, part))
        g.add((part, DCTERMS.isPartOf, dataset))
        _common(g, part, doc.publisher or publisher, licence, options, issued)
        if contact:
            g.add((part, DCAT.contactPoint, contact))
        key = f"{document_path(doc.iri)}/"
        folder = URIRef(f"{access}{key}")
        _distributions(g, part, key, folder, formats, licence, issued, f", {doc.source}")
    return g


def _document_dataset(g: Graph, doc: DocumentInfo, municipality: str) -> URIRef:
    """The dataset of one document: its title, year, municipality and source document."""
    path = document_path(doc.iri)
    part = URIRef(f"{data_base()}dataset/{path}")
    title = doc.title or doc.source or path
    about = ", ".join(str(x) for x in (municipality, doc.year) if x)
    about = f" ({about})" if about else ""
    g.add((part, DCTERMS.title, Literal(f"Beleidsgraaf: {title}{about}", lang="nl")))
    g.add((part, DCTERMS.title, Literal(f"Policy graph: {title}{about}", lang="en")))
    g.add(
        (
            part,
            DCTERMS.description,
            Literal(
                f"Kennisgraaf (RDF) van het beleidsdocument '{title}' ({doc.source}): secties, "
                "beleidsdoelen, activiteiten en wat zij noemen, met herkomst tot op de zin (NIF).",
                lang="nl",
            ),
        )
    )
    g.add(
        (
            part,
            DCTERMS.description,
            Literal(
                f"Knowledge graph (RDF) of the policy document '{title}' ({doc.source}): "
                "sections, goals, activities and what they name, with provenance down to the "
                "sentence (NIF).",
                lang="en",
            ),
        )
    )
    if doc.year:
        g.add((part, DCTERMS.temporal, _period(g, doc.year, doc.year)))
    if doc.spatial:
        g.add((part, DCTERMS.spatial, doc.spatial))
        g.add((doc.spatial, RDF.type, DCTERMS.Location))

    source = URIRef(f"{data_base()}source/{path}")
    g.add((part, DCTERMS.source, source))
    g.add((source, RDF.type, BG.SourceDocument))
    g.add((source, DCTERMS.title, Literal(title, lang="nl")))
    kind = f", {doc.media_type}" if doc.media_type else ""
    g.add(
        (
            source,
            DCTERMS.description,
            Literal(f"Het brondocument: {doc.source}{kind}.", lang="nl"),
        )
    )
    g.add((source, DCTERMS.identifier, Literal(doc.source)))
    if doc.publisher:
        g.add((source, DCTERMS.publisher, doc.publisher))
    if doc.landing_page:
        g.add((source, DCAT.landingPage, doc.landing_page))
        g.add((doc.landing_page, RDF.type, FOAF.Document))
    return part
