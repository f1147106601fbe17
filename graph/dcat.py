"""A DCAT-AP description of the store as an open dataset: catalogue, dataset, distributions.

What a portal (data.overheid.nl, data.europa.eu) harvests to list the graph: who publishes it
(the municipality's TOOI IRI, read from the documents' dcterms:publisher), under which licence,
which years and places it covers, and where each export format can be downloaded. The vocabulary
IRIs for formats, licences, themes and languages are the EU Publications Office authority tables
that DCAT-AP prescribes. ontology/dcat-ap-shapes.ttl checks the result (written from the DCAT-AP
specification; the official shapes cannot be downloaded here).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from beleidsgraaf.namespaces import data_base

__all__ = [
    "DcatError",
    "DcatOptions",
    "DISTRIBUTIONS",
    "dcat_description",
    "publishers",
    "years",
    "places",
]

EU_FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
EU_LICENCE = Namespace("http://publications.europa.eu/resource/authority/licence/")
EU_THEME = Namespace("http://publications.europa.eu/resource/authority/data-theme/")
EU_LANGUAGE = Namespace("http://publications.europa.eu/resource/authority/language/")
IANA = Namespace("https://www.iana.org/assignments/media-types/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")

# export format -> (file name, EU file type, IANA media type, title)
DISTRIBUTIONS = {
    "turtle": ("graph.ttl", "RDF_TURTLE", "text/turtle", "Turtle"),
    "trig": ("graph.trig", "RDF_TRIG", "application/trig", "TriG (one named graph per document)"),
    "nt": ("graph.nt", "RDF_N_TRIPLES", "application/n-triples", "N-Triples"),
    "nq": ("graph.nq", "RDF_N_QUADS", "application/n-quads", "N-Quads"),
    "jsonld": ("graph.jsonld", "JSON_LD", "application/ld+json", "JSON-LD"),
    "csv": ("csv/", "CSV", "text/csv", "CSV tables: activities, entities, relations"),
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


def _rows(ds: Dataset | Graph, query: str) -> list[tuple]:
    return [tuple(row) for row in ds.query(query)]


def publishers(ds: Dataset | Graph) -> dict[URIRef, str]:
    """Publisher IRI -> its label, from the documents' dcterms:publisher."""
    rows = _rows(
        ds,
        "SELECT DISTINCT ?p ?label WHERE { GRAPH ?g { ?d a <https://w3id.org/beleidsgraaf/def#Document> ;"
        " <http://purl.org/dc/terms/publisher> ?p . OPTIONAL { ?p"
        " <http://www.w3.org/2004/02/skos/core#prefLabel> ?label } } }",
    )
    out: dict[URIRef, str] = {}
    for p, label in rows:
        out.setdefault(p, str(label) if label is not None else str(p))
    return out


def places(ds: Dataset | Graph) -> list[URIRef]:
    """The documents' dcterms:spatial IRIs (their municipalities)."""
    rows = _rows(
        ds,
        "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?d a <https://w3id.org/beleidsgraaf/def#Document> ;"
        " <http://purl.org/dc/terms/spatial> ?s } }",
    )
    return sorted(r[0] for r in rows if isinstance(r[0], URIRef))


def years(ds: Dataset | Graph) -> list[int]:
    """The documents' (budget) years."""
    rows = _rows(
        ds,
        "SELECT DISTINCT ?y WHERE { GRAPH ?g { ?d <https://w3id.org/beleidsgraaf/def#year> ?y } }",
    )
    found = set()
    for (y,) in rows:
        try:
            found.add(int(str(y)[:4]))
        except ValueError:
            continue
    return sorted(found)


def _documents(ds: Dataset | Graph) -> list[tuple[URIRef, str]]:
    rows = _rows(
        ds,
        "SELECT DISTINCT ?d ?t WHERE { GRAPH ?g { ?d a <https://w3id.org/beleidsgraaf/def#Document> ."
        " OPTIONAL { ?d <http://purl.org/dc/terms/title> ?t } } } ORDER BY ?d",
    )
    return [(d, str(t) if t is not None else "") for d, t in rows]


class DcatError(ValueError):
    """The store does not say enough to describe it (and no option fills the gap)."""


def dcat_description(ds: Dataset | Graph, options: DcatOptions | None = None) -> Graph:
    """The DCAT-AP catalogue describing the store's graph and its export distributions."""
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
        "filetype": EU_FILE_TYPE,
        "licence": EU_LICENCE,
        "theme": EU_THEME,
        "lang": EU_LANGUAGE,
    }.items():
        g.bind(prefix, ns)

    documents = _documents(ds)
    if not documents:
        raise DcatError("the store holds no documents to describe; build one first")
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
    licence = URIRef(options.licence if "://" in options.licence else EU_LICENCE[options.licence])
    issued = Literal((options.issued or date.today()).isoformat(), datatype=XSD.date)

    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, FOAF.name, Literal(name, lang="nl")))
    g.add((licence, RDF.type, DCTERMS.LicenseDocument))

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
    g.add((catalog, DCTERMS.language, EU_LANGUAGE.NLD))
    g.add((catalog, DCAT.dataset, dataset))

    titles = "; ".join(t for _, t in documents if t)
    g.add((dataset, RDF.type, DCAT.Dataset))
    g.add((dataset, DCTERMS.title, Literal(f"Beleidsgraaf van {name}", lang="nl")))
    g.add((dataset, DCTERMS.title, Literal(f"Policy graph of {name}", lang="en")))
    g.add(
        (
            dataset,
            DCTERMS.description,
            Literal(
                f"Kennisgraaf (RDF) van {len(documents)} beleidsdocument(en) ({titles}): "
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
                f"Knowledge graph (RDF) of {len(documents)} policy document(s): sections, goals, "
                "activities and the organisations, laws, places and instruments they name, with "
                "provenance down to the sentence (NIF).",
                lang="en",
            ),
        )
    )
    g.add((dataset, DCTERMS.identifier, Literal(str(dataset))))
    g.add((dataset, DCTERMS.publisher, publisher))
    g.add((dataset, DCTERMS.issued, issued))
    g.add((dataset, DCTERMS.language, EU_LANGUAGE.NLD))
    g.add((dataset, DCAT.theme, EU_THEME.GOVE))
    g.add((dataset, DCAT.theme, EU_THEME.SOCI))
    g.add((dataset, DCTERMS.conformsTo, URIRef("https://w3id.org/beleidsgraaf/def")))
    for keyword in options.keywords:
        g.add((dataset, DCAT.keyword, Literal(keyword, lang="nl")))
    for place in places(ds):
        g.add((dataset, DCTERMS.spatial, place))
        g.add((place, RDF.type, DCTERMS.Location))
    found_years = years(ds)
    if found_years:
        period = BNode()
        g.add((dataset, DCTERMS.temporal, period))
        g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        g.add((period, DCAT.startDate, Literal(f"{found_years[0]}-01-01", datatype=XSD.date)))
        g.add((period, DCAT.endDate, Literal(f"{found_years[-1]}-12-31", datatype=XSD.date)))
    for document, _ in documents:
        g.add((dataset, DCTERMS.hasPart, document))
    if options.contact_email:
        contact = URIRef(f"{base}contact")
        g.add((dataset, DCAT.contactPoint, contact))
        g.add((contact, RDF.type, VCARD.Kind))
        g.add((contact, VCARD.fn, Literal(name)))
        g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{options.contact_email}")))

    for fmt in options.formats:
        if fmt not in DISTRIBUTIONS:
            raise DcatError(
                f"unknown distribution format {fmt!r}; one of {', '.join(DISTRIBUTIONS)}"
            )
        filename, file_type, media_type, title = DISTRIBUTIONS[fmt]
        dist = URIRef(f"{base}distribution/{fmt}")
        g.add((dataset, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(title, lang="en")))
        g.add((dist, DCAT.accessURL, access))
        g.add((dist, DCAT.downloadURL, URIRef(f"{access}{filename}")))
        g.add((dist, DCTERMS["format"], EU_FILE_TYPE[file_type]))
        g.add((EU_FILE_TYPE[file_type], RDF.type, DCTERMS.MediaTypeOrExtent))
        g.add((dist, DCAT.mediaType, IANA[media_type]))
        g.add((IANA[media_type], RDF.type, DCTERMS.MediaType))
        g.add((dist, DCTERMS.license, licence))
        g.add((dist, DCTERMS.issued, issued))
    return g
