"""The one place where data IRIs are minted.

IRIs depend only on stable inputs (municipality, document file stem, notation, entity name), so
building the same document twice gives the same IRIs and replaces its graph instead of adding
a second copy.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rdflib import URIRef

from beleidsgraaf.namespaces import data_base

__all__ = ["slug", "document_iri", "item_iri", "entity_iri", "mention_iri"]

_NATIONAL = {"Law", "Place"}


@lru_cache(maxsize=1 << 16)  # the same keys and names come back for every mention
def slug(text: str) -> str:
    """Lower-case ASCII slug: 'Wet inburgering 2021' -> 'wet-inburgering-2021'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9.]+", "-", ascii_text.lower()).strip("-.") or "x"


def document_iri(municipality: str | None, stem: str) -> URIRef:
    """`{base}{municipality}/{document}`; the document's named graph has the same IRI."""
    return URIRef(f"{data_base()}{slug(municipality or 'onbekend')}/{slug(stem)}")


def item_iri(document: URIRef, key: str) -> URIRef:
    """A section, goal or activity, keyed by its notation path ('s/2.1.1', 'a/s/2.1.2/p1')."""
    return URIRef(f"{document}/{'/'.join(slug(part) for part in key.split('/') if part)}")


def entity_iri(kind: str, name: str, municipality: str | None = None) -> URIRef:
    """National things (laws, places, gazetteer bodies) are shared across documents; local
    organisations and instruments live under their municipality."""
    scope = "" if kind in _NATIONAL or municipality is None else f"{slug(municipality)}/"
    return URIRef(f"{data_base()}{scope}{slug(kind)}/{slug(name)}")


def mention_iri(document: URIRef, start: int, end: int) -> URIRef:
    """NIF-style offset IRI for a span of the document's text."""
    return URIRef(f"{document}#offset_{start}_{end}")
