"""Entities and relations of one document: spaCy over each activity, merged per document.

The pipeline reads each block (activity or paragraph) as its own doc (nlp.pipe, batched; `build`
streams the blocks of all its documents through one nlp.pipe, see `reading_texts` and
`Findings`), so memory stays bounded for long documents; what one activity introduces ("Stichting Wijkteams Amersfoort" ... "SWA") is merged
at document level, where all surface forms of one thing become one Entity with aliases:

* gazetteer entries (same national id) are one entity;
* spelling variants that differ only in case or punctuation (IndeBuurt033 / Indebuurt033);
* abbreviation pairs written in the text ("Centrum voor Seksueel Geweld (CSG)");
* an acronym whose letters are the initials of a multi-word name in the same document;
* names that differ only by a place or region ('Werkgeversservicepunt regio X',
  'Werkgeversservicepunt X', 'Werkgeversservicepunt').
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import lru_cache

import srsly
from spacy.language import Language
from spacy.tokens import Doc

from . import gazetteer
from .actors import ACTOR_PREFIX
from .annotations import RELATION_FOR_KIND, Annotations, Entity, Mention, Relation
from .components import ENTITIES_KEY, PATTERNS_DIR, assemble, common_words
from .language import load_nlp
from .tree import DocumentTree, normalise_space

__all__ = [
    "annotate",
    "annotations_from_docs",
    "Findings",
    "pipeline",
    "fold",
    "reading_texts",
    "squeeze",
    "ReadingText",
]

_BATCH = 64
_UNUSED_PIPES = ("parser", "lemmatizer")
_REGION_WORDS = {"regio", "arbeidsmarktregio", "gemeente", "stad"}
_KIND_RANK = {"Law": 0, "Organisation": 1, "Instrument": 2, "Place": 3, "ActorGroup": 4}


@lru_cache(maxsize=4)
def pipeline(spacy_model: str | None = None) -> Language:
    """The trained (or user-chosen) pipeline with the rule components added; once per process
    (a private copy: the shared one from load_nlp stays as it was loaded)."""
    nlp = load_nlp(spacy_model, fresh=True)
    for name in _UNUSED_PIPES:
        if name in nlp.pipe_names:
            nlp.disable_pipe(name)  # sentences come from bg_sentence_breaks; lemmas are unused
    return assemble(nlp)


def fold(text: str) -> str:
    """Key that ignores case, spacing and punctuation: IndeBuurt033 == Indebuurt033."""
    return re.sub(r"[\W_]+", "", text.casefold())


def _initials(name: str) -> str:
    words = [w for w in re.split(r"[\s\-/]+", name) if w]
    return "".join(w[0] for w in words if w[0].isupper())


class _Groups:
    """Union-find over surface keys."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, key: str) -> str:
        self.parent.setdefault(key, key)
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


def annotate(
    text: str,
    tree: DocumentTree,
    spacy_model: str | None = None,
    n_process: int = 1,
) -> Annotations:
    """Entities named in the document's activities, merged, with one relation per mention."""
    nlp = pipeline(spacy_model)
    blocks = reading_texts(text, tree)
    docs = nlp.pipe((b.text for b in blocks), batch_size=_BATCH, n_process=n_process)
    return annotations_from_docs(text, blocks, docs)


class ReadingText:
    """One block the pipeline reads: its place in the document and the squeezed text the
    model gets, with each character's offset in the original text."""

    __slots__ = ("start", "end", "key", "text", "index")

    def __init__(self, start: int, end: int, key: str | None, text: str, index: list[int]):
        self.start, self.end, self.key, self.text, self.index = start, end, key, text, index


def reading_texts(text: str, tree: DocumentTree) -> list[ReadingText]:
    """What the pipeline reads of a document, block by block (`tree.reading_blocks`), in the
    form it reads it (`squeeze`). `annotations_from_docs` turns the docs back into entities;
    `build` streams the blocks of many documents through one `nlp.pipe`."""
    out = []
    for start, end, key in tree.reading_blocks(text):
        squeezed, index = squeeze(text[start:end])
        out.append(ReadingText(start, end, key, squeezed, index))
    return out


def annotations_from_docs(text: str, blocks: list[ReadingText], docs: Iterable[Doc]) -> Annotations:
    """The document's entities and relations from the pipeline's docs of its blocks (one doc
    per block, in order)."""
    found = Findings(text)
    for block, doc in zip(blocks, docs, strict=True):
        found.add(block, doc)
    return found.annotations(blocks)


class Findings:
    """What the pipeline found in a document's blocks, taken from each doc as it comes (so
    that no doc is kept), and merged into entities and relations at the end."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.raw: list[tuple[str, str, str, Mention]] = []  # (kind, kb_id, surface, mention)
        self.pairs: list[tuple[str, str]] = []
        self.sentences: dict[str | None, list[tuple[int, int]]] = {}

    def add(self, block: ReadingText, doc: Doc) -> None:
        text, start, index, key = self.text, block.start, block.index, block.key

        def at(i: int) -> int:
            return start + index[i]

        def until(i: int) -> int:
            return start + index[i - 1] + 1 if i > 0 else start

        for span in doc.spans[ENTITIES_KEY]:
            sent = span.sent
            b, e = at(span.start_char), until(span.end_char)
            mention = Mention(
                b, e, text[b:e], at(sent.start_char), until(sent.end_char), key, span.id_ or "rule"
            )
            self.raw.append((span.label_, span.kb_id_, normalise_space(span.text), mention))
        for long_span, short_span in (doc._.bg_abbreviations or []) + (
            doc._.bg_name_variants or []
        ):
            self.pairs.append((normalise_space(long_span.text), normalise_space(short_span.text)))
        self.sentences[key] = [(at(s.start_char), until(s.end_char)) for s in doc.sents]

    def annotations(self, blocks: list[ReadingText]) -> Annotations:
        text = self.text
        entities = _merge(self.raw, self.pairs)
        spans = [(b.start, b.end, b.key) for b in blocks]
        _find_more_mentions(text, spans, self.sentences, entities)
        defined = {fold(form) for pair in self.pairs for form in pair}
        entities = [e for e in entities if not _lone_acronym(e, defined)]
        relations = [
            Relation(m.activity_key, RELATION_FOR_KIND[e.kind], e, m, _role(text, m))
            for e in entities
            for m in e.mentions
            if m.activity_key is not None
        ]
        return Annotations(entities, relations)


@lru_cache(maxsize=1)
def _role_cues() -> list[tuple[re.Pattern, str, str]]:
    rows = srsly.read_jsonl(PATTERNS_DIR / "roles.jsonl")
    return [
        (
            re.compile(rf"\b{re.escape(r['cue'])}\b", re.IGNORECASE),
            r["role"],
            r.get("position", "before"),
        )
        for r in rows
    ]


_ROLE_REACH = 50  # characters between a cue phrase and the name it gives a role


def _role(text: str, mention: Mention) -> str | None:
    """The role the sentence gives a party: a cue phrase shortly before the name ('in
    samenwerking met X' -> partner) or, for a few, right after it ('X heeft de opdracht')."""
    if mention.activity_key is None:
        return None
    before = text[mention.sentence_start : mention.start]
    after = text[mention.end : mention.sentence_end].lstrip()
    best: tuple[int, str] | None = None
    for pattern, role, position in _role_cues():
        if position == "after":
            if pattern.match(after):
                return role
            continue
        for match in pattern.finditer(before):
            distance = len(before) - match.end()
            if distance <= _ROLE_REACH and (best is None or distance < best[0]):
                best = (distance, role)
    return best[1] if best else None


def _find_more_mentions(
    text: str,
    blocks: list[tuple[int, int, str | None]],
    sentences: dict[str | None, list[tuple[int, int]]],
    entities: list[Entity],
) -> None:
    """Once the document has shown what a thing is called, find its other mentions that the
    model passed over: 'het werkbedrijf' after 'het Werkbedrijf ...', 'zorg en veiligheidshuis'
    after 'Zorg- en Veiligheidshuis'. Forms that are common words match only with their case."""
    words = common_words()
    first_words = _FirstWords(text)
    forms: list[tuple[str, Entity]] = []
    brands = _regional_brands(entities)
    for entity in entities:
        if entity.kind not in {"Organisation", "Law", "Instrument"}:
            continue
        for form in {entity.name, *entity.aliases, *brands.get(id(entity), ())}:
            if len(form) >= 3:
                forms.append((form, entity))
    # longer forms claim their words first ('GGZ-NHN' before 'GGZ'), in a fixed order
    forms.sort(key=lambda fe: (-len(fe[0]), fe[0], fe[1].kind, fe[1].name))
    patterns: list[tuple[re.Pattern, Entity, list[int] | None]] = []
    for form, entity in forms:
        words_of_form = [p for p in re.split(r"[\s\-]+", form) if p]
        body = r"[\s\-]*".join(re.escape(p) for p in words_of_form)
        common = all(p.lower() in words for p in words_of_form)
        flags = 0 if common or form.isupper() else re.IGNORECASE
        pattern = re.compile(rf"(?<![\w#]){body}(?![\w#])", flags)
        starts = first_words.starts(words_of_form[0], flags) if words_of_form else None
        patterns.append((pattern, entity, starts))
    if not patterns:
        return
    taken = {(m.start, m.end) for e in entities for m in e.mentions}
    covered = sorted(taken)
    for start, end, key in blocks:
        for pattern, entity, starts in patterns:
            if starts is not None:  # no block without the form's first word is searched
                i = bisect_left(starts, start)
                if i == len(starts) or starts[i] >= end:
                    continue
            for match in pattern.finditer(text, start, end):
                b, e = match.span()
                if any(b < ce and cb < e for cb, ce in covered):
                    continue
                sb, se = next(
                    ((x, y) for x, y in sentences.get(key, []) if x <= b < y), (start, end)
                )
                entity.mentions.append(Mention(b, e, text[b:e], sb, se, key))
                covered.append((b, e))
    for entity in entities:
        entity.mentions.sort(key=lambda m: (m.start, m.end))


class _FirstWords:
    """Every offset in a text where a form's first word matches as `re.compile(re.escape(word),
    flags)` would match it, overlapping ones included: a match of the whole form starts at one
    of them, so a block without any has none. Found with str.find where that gives the same
    offsets: always without IGNORECASE; with it, for an ASCII word in a text none of whose
    other characters match that word's characters ignoring case (the Kelvin sign matches
    'k'), found in the lower-case text; otherwise with the regular expression."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._lower: str | None = None  # text.lower(), when it keeps every offset
        self._twins: frozenset[str] | None = None

    def starts(self, word: str, flags: int) -> list[int]:
        if flags == 0:
            return _find_all(self.text, word)
        if word.isascii():
            if self._twins is None:
                self._twins = frozenset().union(
                    *(_ascii_twins(c) for c in set(self.text) if not c.isascii())
                )
            if self._lower is None:
                lower = self.text.lower()  # 'İ' becomes two characters: then not usable
                self._lower = lower if len(lower) == len(self.text) else ""
            if self._lower and self._twins.isdisjoint(word):
                return _find_all(self._lower, word.lower())
        out = []
        first = re.compile(re.escape(word), flags)
        match = first.search(self.text)
        while match is not None:
            out.append(match.start())
            match = first.search(self.text, match.start() + 1)
        return out


def _find_all(text: str, word: str) -> list[int]:
    out = []
    at = text.find(word)
    while at >= 0:
        out.append(at)
        at = text.find(word, at + 1)
    return out


@lru_cache(maxsize=4096)
def _ascii_twins(char: str) -> frozenset[str]:
    """The ASCII characters that match `char` ignoring case (re's rules)."""
    return frozenset(a for a in map(chr, range(128)) if re.match(re.escape(a), char, re.I))


def _regional_brands(entities: list[Entity]) -> dict[int, list[str]]:
    """'de GGD' after 'GGD Hollands Midden': the brand alone refers back to the one regional
    organisation of that brand the document names. Not when it names two, or names the brand
    as an entity of its own."""
    named = {fold(form) for e in entities for form in (e.name, *e.aliases)}
    by_brand: dict[str, list[Entity]] = defaultdict(list)
    for entity in entities:
        first, *rest = entity.name.split()
        if entity.kind == "Organisation" and rest and first.isupper() and len(first) >= 2:
            by_brand[first].append(entity)
    return {
        id(found[0]): [brand]
        for brand, found in by_brand.items()
        if len(found) == 1 and fold(brand) not in named
    }


_RUN = re.compile(r"[ \t\u00a0\u2007\u202f\u200b]{2,}|[\t\u00a0\u2007\u202f\u200b]")


def squeeze(text: str) -> tuple[str, list[int]]:
    """The text with every run of spaces (no-break spaces included) as one space, and for each
    character of it the offset of the character it came from, so that the model reads words,
    not layout, and every offset still points into the original text."""
    out: list[str] = []
    index: list[int] = []
    pos = 0
    for match in _RUN.finditer(text):
        out.append(text[pos : match.start()])
        index.extend(range(pos, match.start()))
        out.append(" ")
        index.append(match.start())
        pos = match.end()
    out.append(text[pos:])
    index.extend(range(pos, len(text)))
    return "".join(out), index


def _surface_key(kind_id: str, surface: str) -> str:
    return kind_id if kind_id else f"s:{fold(surface)}"


def _strip_places(surface: str, places: set[str]) -> str:
    words = [w for w in surface.split() if w.lower() not in _REGION_WORDS and fold(w) not in places]
    return fold(" ".join(words)) if words and len(words) < len(surface.split()) else ""


def _merge(
    raw: list[tuple[str, str, str, Mention]], pairs: Iterable[tuple[str, str]]
) -> list[Entity]:
    groups = _Groups()
    kinds: dict[str, Counter] = defaultdict(Counter)
    surfaces: dict[str, Counter] = defaultdict(Counter)
    for kind, kb_id, surface, _ in raw:
        key = _surface_key(kb_id, surface)
        groups.find(key)
        kinds[key][kind] += 1
        surfaces[key][surface] += 1
        if kb_id and not kb_id.startswith(ACTOR_PREFIX):
            # a gazetteer match also claims its surface form elsewhere in the text; the
            # municipality as an actor claims nothing: the same words are the place elsewhere
            groups.union(key, f"s:{fold(surface)}")
    places = {fold(s) for k, _, s, _ in raw if k == "Place"}
    keys = list(kinds)

    def mergeable(a: str, b: str) -> bool:
        ka, kb = kinds[a].most_common(1)[0][0], kinds[b].most_common(1)[0][0]
        return ka == kb or {ka, kb} <= {"Organisation", "Instrument"}

    # abbreviation pairs written in the text
    for long_form, short_form in pairs:
        a, b = f"s:{fold(long_form)}", f"s:{fold(short_form)}"
        if a in kinds and b in kinds:
            groups.union(a, b)
        elif b in kinds:  # the long form was not recognised as a name: it still names b
            surfaces[b][long_form] += 1
        elif a in kinds:
            surfaces[a][short_form] += 1
    # acronym = initials of a multi-word name of the document
    by_initials: dict[str, list[str]] = defaultdict(list)
    for key in keys:
        for surface in surfaces[key]:
            if len(surface.split()) > 1:
                by_initials[_initials(surface)].append(key)
    for key in keys:
        if not key.startswith("s:"):
            continue  # a gazetteer acronym (VNG) is its own thing
        for surface in surfaces[key]:
            if surface.isupper() and 2 <= len(surface) <= 6:
                found = {groups.find(k) for k in by_initials.get(surface, [])}
                if len(found) == 1:
                    other = found.pop()
                    if mergeable(key, other):
                        groups.union(other, key)
    # names that differ only by a place: 'X regio Amersfoort' ~ 'X Amersfoort' ~ 'X'
    cores: dict[str, str] = {}
    for key in keys:
        if kinds[key].most_common(1)[0][0] != "Organisation":
            continue
        for surface in surfaces[key]:
            core = _strip_places(surface, places)
            if core:
                cores.setdefault(core, key)
                groups.union(cores[core], key)
    for key in keys:
        core = key[2:] if key.startswith("s:") else ""
        if core in cores and kinds[key].most_common(1)[0][0] == "Organisation":
            groups.union(cores[core], key)

    members: dict[str, list[str]] = defaultdict(list)
    for key in kinds:
        members[groups.find(key)].append(key)
    mentions_of: dict[str, list[Mention]] = defaultdict(list)
    for _kind, kb_id, surface, mention in raw:
        mentions_of[groups.find(_surface_key(kb_id, surface))].append(mention)

    entities: list[Entity] = []
    for root, group_keys in members.items():
        if not mentions_of[root]:
            continue
        kind_votes: Counter = Counter()
        names: Counter = Counter()
        kb_ids = [k for k in group_keys if not k.startswith("s:")]
        worded = [k for k in group_keys if not _is_acronym_key(k, surfaces)]
        for k in group_keys:
            if not worded or k in worded:  # the long form decides what an acronym names
                kind_votes.update(kinds[k])
            names.update(surfaces[k])
        entry = gazetteer.by_id().get(kb_ids[0]) if kb_ids else None
        group_id = next((k for k in kb_ids if k.startswith("actorgroup:")), None)
        if group_id is not None and entry is None:
            # a kind of actor is the same kind everywhere: one national node, named by the lexicon
            kind, name, same_as, national = "ActorGroup", group_id.split(":", 1)[1], [], True
            aliases = set(names)
        elif entry is not None:
            kind, name, same_as, national = entry.kind, entry.label, list(entry.same_as), True
            aliases = set(names) | set()
        else:
            kind = min(kind_votes, key=lambda k: (-kind_votes[k], _KIND_RANK[k]))
            name = _preferred_name(names, pairs)
            same_as, national, aliases = [], False, set(names)
        ms = sorted(set(mentions_of[root]), key=lambda m: (m.start, m.end))
        entities.append(
            Entity(
                kind,
                name,
                aliases - {name},
                same_as,
                national,
                ms,
                "gazetteer" if entry else "model",
            )
        )
    entities.sort(key=lambda e: (e.kind, e.name))
    return entities


def _lone_acronym(entity: Entity, defined: set[str]) -> bool:
    """Two capitals that the document uses once and never spells out ('SW', 'PM'): a heading
    code, an abbreviation of a common phrase or a cut-off word far more often than a partner.
    Longer ones stay ('samen met ZORGA'): partners go by them. National bodies come from the
    gazetteer; one defined in the text ('Stichting X (SX)') or named twice stays too."""
    forms = {entity.name, *entity.aliases}
    return (
        entity.kind == "Organisation"
        and not entity.national
        and len(entity.mentions) == 1
        and all(f.isupper() and len(f) == 2 for f in forms)
        and not any(fold(f) in defined for f in forms)
    )


def _is_acronym_key(key: str, surfaces: dict[str, Counter]) -> bool:
    return all(s.isupper() and len(s) <= 6 for s in surfaces[key])


def _preferred_name(names: Counter, pairs: Iterable[tuple[str, str]]) -> str:
    """The long form of an abbreviation when there is one, else the most used capitalised form."""
    longs = {fold(long) for long, _ in pairs}
    for surface in sorted(names, key=lambda s: -len(s)):
        if fold(surface) in longs:
            return surface
    return max(names, key=lambda s: (names[s], s[:1].isupper(), len(s), s))
