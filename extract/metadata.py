"""Document metadata the user did not give: year and municipality from the file name."""

from __future__ import annotations

import re

__all__ = ["year_from_name", "municipality_from_name"]

_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")
# Words that start file names of policy documents but are not places.
_GENERIC = {
    "programmabegroting",
    "begroting",
    "jaarverslag",
    "jaarrekening",
    "kadernota",
    "voorjaarsnota",
    "beleidsplan",
    "beleidskader",
    "nota",
    "programma",
    "gemeente",
    "document",
    "concept",
    "test",
}


def year_from_name(stem: str) -> int | None:
    """The first plausible year in a file name ('...-begroting-2021-...' -> 2021)."""
    match = _YEAR.search(stem)
    return int(match.group(1)) if match else None


def municipality_from_name(stem: str, known: dict[str, str] | None = None) -> str | None:
    """The municipality a file name starts with ('amersfoort-programmabegroting-2021').

    With `known` (slug -> official name, e.g. the national table of municipalities) only a
    listed municipality is accepted, and its official spelling is returned; without it the
    first word is taken when it is not a generic document word.
    """
    words = [w for w in re.split(r"[-_ .]+", stem.lower()) if w]
    if not words:
        return None
    if known:
        for n in (3, 2, 1):  # 's-hertogenbosch, bergen-op-zoom, ...
            candidate = "-".join(words[:n])
            if candidate in known:
                return known[candidate]
        return None
    first = words[0]
    if first in _GENERIC or not first.isalpha() or len(first) < 3:
        return None
    return first.capitalize()
