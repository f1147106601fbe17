"""What the NLP step hands to the triple writer: entities, their mentions, and relations."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["ENTITY_KINDS", "RELATION_FOR_KIND", "Mention", "Entity", "Relation", "Annotations"]

ENTITY_KINDS = ("Organisation", "Law", "Place", "Instrument", "ActorGroup")

RELATION_FOR_KIND = {
    "Organisation": "involves",
    "ActorGroup": "involves",
    "Law": "concernsLaw",
    "Instrument": "usesInstrument",
    "Place": "concernsPlace",
}


@dataclass(frozen=True)
class Mention:
    """Words in the document text that name an entity, and the sentence around them."""

    start: int
    end: int
    text: str
    sentence_start: int
    sentence_end: int
    activity_key: str | None = None
    extracted_by: str = "rule"  # which step found it: 'model', 'gazetteer' or 'rule'


@dataclass(eq=False)
class Entity:
    """One thing named in a document, with every surface form it goes by."""

    kind: str
    name: str
    aliases: set[str] = field(default_factory=set)
    same_as: list[str] = field(default_factory=list)
    national: bool = False
    mentions: list[Mention] = field(default_factory=list)
    source: str = "model"  # model | gazetteer | rule


@dataclass(frozen=True)
class Relation:
    """activity --predicate--> entity, justified by one mention in the activity's text."""

    activity_key: str
    predicate: str
    entity: Entity
    mention: Mention
    role: str | None = None


@dataclass
class Annotations:
    entities: list[Entity] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
