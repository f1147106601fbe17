"""Project the gold keys of ../shared/realdev onto the text the pipeline reads: NER DocBins.

For each document ``<base>.txt`` with ``<base>.gold.json``:

* the text ranges the entity step reads are computed at run time, exactly as the build does
  (``parse_structure(text).reading_blocks(text)``, spaces squeezed as in
  ``extract.entities.annotate``), so furniture and tables stay out and the training text follows
  the structure reader as it improves;
* every gold entity (name and aliases) is looked up in each range: case-sensitive first, then a
  careful case-insensitive fallback (not for acronyms, short forms or single common words; a
  flipped first letter is always allowed); overlapping matches are resolved longest first
  (an exact-case match wins a tie);
* labels fit the data contract: Organisation -> ORG, Law -> LAW, Place -> PLACE, Instrument ->
  INSTRUMENT. Entities with ``"required": false`` and every ActorGroup are *missing*
  annotation (spaCy's "-"), not O: the model is neither taught nor punished there. A surface
  form that the key gives two types (a municipality as actor and as territory) is PLACE after a
  place preposition ('in X') and missing otherwise;
* persons (no entities in the keys) are labelled PER by a generic rule: a capitalised name
  right after a title word (wethouder, portefeuillehouder, burgemeester, ...). CoNLL-2002 adds
  the rest of what the model knows of persons.

Token alignment: a name whose ends fall on token boundaries is labelled; one that does not
('TOZO' inside the token 'TOZO-regeling') leaves the tokens it touches missing, never O or a
wrong extent. Measured on realdev (742 names): ``contract`` loses 3 and shrinks 2 ('Social
Trial' -> 'Social'), ``expand`` grows 5 into their neighbours ('CRvB.'); the default
(``strict`` + missing) keeps 737 exact spans and teaches no wrong boundary.

Each range becomes one Doc (tokenised by the project's own tokenizer); the Docs of one
municipality go to ``<out>/<municipality>.spacy``. The report (printed, or alone with
``--check``) lists per document the required gold names not found in the read text, overlaps
resolved, ambiguous forms and spans lost in token alignment.

    python training/convert_realdev.py                      # -> training/corpus/realdev/
    python training/convert_realdev.py --check              # report only
    python training/convert_realdev.py --alignment expand   # compare alignment modes
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span

TRAINING = Path(__file__).resolve().parent
ROOT = TRAINING.parent
DEFAULT_REALDEV = ROOT.parent / "shared" / "realdev"
DEFAULT_OUT = TRAINING / "corpus" / "realdev"

LABELS = {"Organisation": "ORG", "Law": "LAW", "Place": "PLACE", "Instrument": "INSTRUMENT"}
PERSON_CUES = {
    "wethouder",
    "wethouders",
    "portefeuillehouder",
    "portefeuillehouders",
    "burgemeester",
    "gedeputeerde",
    "minister",
    "staatssecretaris",
    "raadslid",
    "mevrouw",
    "meneer",
    "dhr.",
    "mevr.",
    "mw.",
}
_NAME_PARTICLES = {"van", "de", "der", "den", "ter", "te", "het", "'t", "von", "la", "le"}
_PLACE_PREPOSITIONS = {"in", "uit", "rond", "rondom", "binnen", "buiten", "naar", "te", "vanuit"}
_DOC_NAME = re.compile(r"^(?P<m>.+?)-(?:begroting|jaarverslag|programmabegroting|jaarstukken)")


def municipality(base: str) -> str:
    """'leidschendam-voorburg-begroting-2019' -> 'leidschendam-voorburg'."""
    found = _DOC_NAME.match(base)
    return found.group("m") if found else base.split("-")[0]


@dataclass(frozen=True)
class Form:
    text: str
    label: str | None  # None: missing annotation (optional entity)
    entity: int  # index of the gold entity


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    form: Form
    exact: bool  # case-sensitive match


@dataclass
class DocReport:
    base: str
    spans: Counter = field(default_factory=Counter)
    missing_spans: int = 0
    persons: int = 0
    not_read: list[str] = field(default_factory=list)  # required, in the text, not in a block
    not_in_text: list[str] = field(default_factory=list)  # required, nowhere in the text
    overlaps: int = 0
    ambiguous: int = 0
    lost: list[str] = field(default_factory=list)  # alignment gave no span
    changed: list[str] = field(default_factory=list)  # alignment changed the span's extent
    insensitive: int = 0

    def lines(self) -> list[str]:
        spans = ", ".join(f"{k} {v}" for k, v in sorted(self.spans.items()))
        out = [
            f"{self.base}: {spans}; missing {self.missing_spans}; PER {self.persons}; "
            f"overlaps resolved {self.overlaps}; ambiguous {self.ambiguous}; "
            f"case-insensitive {self.insensitive}; lost {len(self.lost)}; "
            f"changed {len(self.changed)}"
        ]
        if self.not_read:
            out.append(f"  required, not in the read text: {'; '.join(self.not_read)}")
        if self.not_in_text:
            out.append(f"  required, not in the text at all: {'; '.join(self.not_in_text)}")
        if self.lost:
            out.append(f"  lost in alignment: {'; '.join(self.lost)}")
        if self.changed:
            out.append(f"  changed by alignment: {'; '.join(self.changed)}")
        return out


def gold_forms(gold: dict) -> list[Form]:
    forms: list[Form] = []
    for i, ent in enumerate(gold.get("entities", [])):
        label = LABELS.get(ent.get("type", "")) if ent.get("required", True) else None
        for text in {ent["name"], *ent.get("aliases", [])}:
            text = " ".join(text.split())
            if text:
                forms.append(Form(text, label, i))
    return forms


def _pattern(text: str, flags: int = 0) -> re.Pattern:
    body = r"\s+".join(re.escape(p) for p in text.split(" "))
    return re.compile(rf"(?<![\w#]){body}(?![\w#])", flags)


def _careful_insensitive(form: str, found: str, common: frozenset[str]) -> bool:
    """May ``found`` (which equals ``form`` but for case) stand for the form?"""
    if found[1:] == form[1:]:
        return True  # only the first letter differs: 'gemeente' at a sentence start
    if form.isupper() or found.isupper() or len(form) < 4:
        return False  # acronyms keep their case ('WIJ' is not 'wij')
    return " " in form or form.lower() not in common


def find_matches(text: str, forms: list[Form], common: frozenset[str]) -> list[Match]:
    matches: list[Match] = []
    for form in forms:
        exact = {(m.start(), m.end()) for m in _pattern(form.text).finditer(text)}
        matches += [Match(b, e, form, True) for b, e in exact]
        for m in _pattern(form.text, re.IGNORECASE).finditer(text):
            if (m.start(), m.end()) not in exact and _careful_insensitive(
                form.text, m.group(), common
            ):
                matches.append(Match(m.start(), m.end(), form, False))
    return matches


def select(matches: list[Match]) -> tuple[list[list[Match]], int]:
    """Non-overlapping matches, longest first (exact case wins a tie); each chosen extent with
    every match of that extent (several forms or entities may share it). Returns the chosen
    groups and how many overlapping candidates of other extents were dropped."""
    by_extent: dict[tuple[int, int], list[Match]] = {}
    for m in matches:
        by_extent.setdefault((m.start, m.end), []).append(m)
    order = sorted(
        by_extent.items(),
        key=lambda kv: (-(kv[0][1] - kv[0][0]), not any(m.exact for m in kv[1]), kv[0][0]),
    )
    chosen: list[tuple[int, int]] = []
    groups: list[list[Match]] = []
    dropped = 0
    for (b, e), group in order:
        if any(b < ce and cb < e for cb, ce in chosen):
            dropped += 1
            continue
        chosen.append((b, e))
        exact = [m for m in group if m.exact]
        groups.append(exact or group)
    return sorted(groups, key=lambda g: g[0].start), dropped


def _label_of(group: list[Match], text: str) -> tuple[str | None, bool]:
    """(label or None for missing, ambiguous?) of one chosen extent."""
    labels = {m.form.label for m in group}
    if len(labels) == 1:
        return labels.pop(), False
    if None in labels and len(labels) == 2:
        return None, False  # an optional reading beside a required one: leave it open
    before = text[: group[0].start].split()
    if "PLACE" in labels and before and before[-1].lower() in _PLACE_PREPOSITIONS:
        return "PLACE", True
    return None, True


def person_spans(doc: Doc, taken: list[tuple[int, int]]) -> list[Span]:
    """'wethouder De Vries', 'burgemeester Jan van Dijk': capitalised words after a title."""
    spans: list[Span] = []
    i = 0
    while i < len(doc) - 1:
        if doc[i].lower_ not in PERSON_CUES:
            i += 1
            continue
        j = i + 1
        last = None
        while j < len(doc) and j - i <= 5:
            tok = doc[j]
            if tok.is_title and tok.is_alpha:
                last = j
            elif tok.lower_ not in _NAME_PARTICLES or "\n" in doc[j - 1].whitespace_:
                break
            j += 1
        if last is not None:
            start, end = i + 1, last + 1
            if not any(start < te and ts < end for ts, te in taken):
                spans.append(Span(doc, start, end, label="PER"))
            i = end
        else:
            i += 1
    return spans


def convert_document(
    nlp: Language,
    text: str,
    gold: dict,
    base: str = "",
    alignment: str = "strict",
    common: frozenset[str] = frozenset(),
) -> tuple[list[Doc], DocReport]:
    """The Docs (one per read range) of one document, and what the projection did."""
    from beleidsgraaf.extract.entities import squeeze
    from beleidsgraaf.extract.structure import parse_structure

    report = DocReport(base)
    forms = gold_forms(gold)
    tree = parse_structure(text)
    found_entities: set[int] = set()
    docs: list[Doc] = []
    for start, end, _key in tree.reading_blocks(text):
        block, _index = squeeze(text[start:end])
        doc = nlp.make_doc(block)
        groups, dropped = select(find_matches(block, forms, common))
        report.overlaps += dropped
        ents: list[Span] = []
        missing: list[Span] = []
        for group in groups:
            found_entities.update(m.form.entity for m in group)
            label, ambiguous = _label_of(group, block)
            report.ambiguous += ambiguous
            report.insensitive += not group[0].exact
            b, e = group[0].start, group[0].end
            span = doc.char_span(b, e, label=label or "", alignment_mode=alignment)
            if span is None or span.start_char != b or span.end_char != e:
                if span is None:
                    report.lost.append(block[b:e])
                else:
                    report.changed.append(f"{block[b:e]!r}->{span.text!r}")
                # tokens do not fit the name: leave the tokens it touches open, not O
                span = doc.char_span(b, e, alignment_mode="expand")
                label = None
                if span is None:
                    continue
            if any(s.start < span.end and span.start < s.end for s in ents + missing):
                report.lost.append(block[b:e])  # expanded into a neighbour
                continue
            (ents if label else missing).append(span)
        taken = [(s.start, s.end) for s in ents + missing]
        persons = person_spans(doc, taken)
        ents += persons
        report.persons += len(persons)
        report.missing_spans += len(missing)
        report.spans.update(s.label_ for s in ents if s.label_ != "PER")
        doc.set_ents(ents, missing=missing, default="outside")
        docs.append(doc)
    entities = gold.get("entities", [])
    for i, ent in enumerate(entities):
        if i in found_entities or not ent.get("required", True) or ent["type"] not in LABELS:
            continue
        forms_i = [f for f in forms if f.entity == i]
        anywhere = any(_pattern(f.text, re.IGNORECASE).search(text) for f in forms_i)
        (report.not_read if anywhere else report.not_in_text).append(ent["name"])
    return docs, report


def documents(folder: Path) -> list[tuple[str, Path, Path]]:
    out = []
    for gold in sorted(folder.glob("*.gold.json")):
        base = gold.name[: -len(".gold.json")]
        txt = folder / f"{base}.txt"
        if txt.exists():
            out.append((base, txt, gold))
    return out


def convert_all(
    realdev: Path = DEFAULT_REALDEV,
    out: Path | None = DEFAULT_OUT,
    alignment: str = "strict",
    nlp: Language | None = None,
    quiet: bool = False,
) -> list[DocReport]:
    """Convert every document of ``realdev``; write ``out/<municipality>.spacy`` unless
    ``out`` is None. Returns the reports."""
    from beleidsgraaf.extract.components import common_words
    from beleidsgraaf.extract.language import load_nlp
    from beleidsgraaf.extract.reader import read_document

    nlp = nlp or load_nlp()
    common = common_words()
    per_town: dict[str, list[Doc]] = {}
    reports: list[DocReport] = []
    for base, txt, gold_path in documents(realdev):
        text = read_document(txt).text  # the text exactly as the build reads it
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        docs, report = convert_document(nlp, text, gold, base, alignment, common)
        per_town.setdefault(municipality(base), []).extend(docs)
        reports.append(report)
        if not quiet:
            print("\n".join(report.lines()))
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for town, docs in per_town.items():
            DocBin(docs=docs, store_user_data=False).to_disk(out / f"{town}.spacy")
        if not quiet:
            print(f"wrote {len(per_town)} DocBins to {out}")
    return reports


def summary(reports: list[DocReport]) -> str:
    spans: Counter = Counter()
    for r in reports:
        spans.update(r.spans)
    total = sum(spans.values())
    return (
        f"total: {total} spans ({', '.join(f'{k} {v}' for k, v in sorted(spans.items()))}), "
        f"missing {sum(r.missing_spans for r in reports)}, PER {sum(r.persons for r in reports)}, "
        f"required names not in the read text {sum(len(r.not_read) for r in reports)}, "
        f"not in the text {sum(len(r.not_in_text) for r in reports)}, "
        f"overlaps resolved {sum(r.overlaps for r in reports)}, "
        f"ambiguous {sum(r.ambiguous for r in reports)}, "
        f"lost in alignment {sum(len(r.lost) for r in reports)}, "
        f"changed by alignment {sum(len(r.changed) for r in reports)}"
    )


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--realdev", type=Path, default=DEFAULT_REALDEV)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--alignment", choices=["contract", "expand", "strict"], default="strict")
    ap.add_argument("--check", action="store_true", help="report only, write nothing")
    args = ap.parse_args(argv)
    if not args.realdev.is_dir():
        sys.exit(f"no realdev folder at {args.realdev}")
    reports = convert_all(args.realdev, None if args.check else args.out, args.alignment)
    print(summary(reports))


if __name__ == "__main__":
    main()
