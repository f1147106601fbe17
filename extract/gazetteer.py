"""Curated national gazetteers (ontology/*.csv) as spaCy patterns and as identifiers.

Only national data lives here: laws with their BWB id, national bodies with a Wikidata id,
national schemes, grants and agreements (instruments.csv), municipalities and provinces with
their CBS/TOOI code. Local organisations are never listed;
the model and the generic rules in extract/patterns/ must find them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from beleidsgraaf.namespaces import BWB, TOOI, WD

from .lexicon import common_words
from .linking import gemeenten, provincies, read_table

__all__ = ["GazetteerEntry", "entries", "by_id", "span_ruler_patterns"]


@dataclass(frozen=True)
class GazetteerEntry:
    id: str  # law:BWBR0044770, org:Q2, instrument:integraal zorgakkoord, place:gm0307
    kind: str  # Law | Organisation | Instrument | Place
    label: str
    aliases: tuple[str, ...] = ()
    same_as: tuple[str, ...] = field(default=())


def _spaced(name: str) -> tuple[str, ...]:
    """'Noord Holland' for 'Noord-Holland': texts drop the hyphen between capitalised parts."""
    parts = name.split("-")
    if len(parts) > 1 and all(p[:1].isupper() for p in parts):
        return (" ".join(parts),)
    return ()


def _aliases(value: str) -> tuple[str, ...]:
    return tuple(a.strip() for a in value.split("|") if a.strip())


@lru_cache(maxsize=1)
def entries() -> tuple[GazetteerEntry, ...]:
    out: list[GazetteerEntry] = []
    for row in read_table("laws.csv"):
        bwb = row.get("bwb_id", "")
        same = [str(BWB[bwb])] if bwb else []
        if row.get("wikidata_id"):
            same.append(str(WD[row["wikidata_id"]]))
        key = bwb or row["label"].lower()
        out.append(
            GazetteerEntry(
                f"law:{key}", "Law", row["label"], _aliases(row.get("aliases", "")), tuple(same)
            )
        )
    for row in read_table("organisations.csv"):
        same = [str(WD[row["wikidata_id"]])] if row.get("wikidata_id") else []
        if row.get("other_id", "").startswith("http"):
            same.append(row["other_id"])
        key = row.get("wikidata_id") or row["label"].lower()
        out.append(
            GazetteerEntry(
                f"org:{key}",
                "Organisation",
                row["label"],
                _aliases(row.get("aliases", "")),
                tuple(same),
            )
        )
    for row in read_table("instruments.csv"):
        out.append(
            GazetteerEntry(
                f"instrument:{row['label'].lower()}",
                "Instrument",
                row["label"],
                _aliases(row.get("aliases", "")),
            )
        )
    aliases = {r["code"]: _aliases(r.get("aliases", "")) for r in read_table("gemeenten.csv")}
    for table, kind in ((gemeenten(), "gemeente"), (provincies(), "provincie")):
        for code, name in table.items():
            forms = tuple(dict.fromkeys((*aliases.get(code, ()), *_spaced(name))))  # 'Den Haag'
            out.append(
                GazetteerEntry(
                    f"place:{code}", "Place", name, forms, (str(TOOI[f"{kind}/{code}"]),)
                )
            )
    return tuple(out)


@lru_cache(maxsize=1)
def by_id() -> dict[str, GazetteerEntry]:
    return {e.id: e for e in entries()}


_LABEL = {"Law": "LAW", "Organisation": "ORG", "Place": "PLACE", "Instrument": "INSTRUMENT"}


def _is_abbreviation(form: str) -> bool:
    return " " not in form and len(form) <= 6 and any(ch.isupper() for ch in form[1:])


def _common_word(form: str) -> bool:
    """'Rijk': one word that is also a Dutch word in lower case ('rijk' the adjective)."""
    return " " not in form and form.lower() in common_words()


def span_ruler_patterns() -> list[dict]:
    """Patterns for spaCy's span_ruler: abbreviations match case-sensitively (WW is not ww),
    other names case-insensitively (the ruler's phrase matcher runs on LOWER); places and
    one-word names that are also common words keep their case, so 'Best' the town is not
    'best' the word and 'Rijk' the government is not 'rijk' the adjective (such a name used
    in lower case lists that form as an alias: 'politie')."""
    patterns: list[dict] = []
    for e in entries():
        for form in dict.fromkeys((e.label, *e.aliases)):
            if _is_abbreviation(form) or e.kind == "Place" or _common_word(form):
                words = form.split()
                patterns.append(
                    {"label": _LABEL[e.kind], "id": e.id, "pattern": [{"ORTH": w} for w in words]}
                )
            else:
                patterns.append({"label": _LABEL[e.kind], "id": e.id, "pattern": form})
    return patterns
