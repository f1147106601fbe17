"""Find the tree Section > Goal > Activity in the text of a Dutch policy document.

Real exports are messy: wording broken over lines, runs of no-break spaces, numbers standing
alone, typos in heading numbers, bullets and table headers. The parser works line by line with a
small numbering grammar and a few general rules, and never drops a character's offset:

* a numbered line is a *heading* when its rest reads like a title and its number continues the
  heading sequence (next sibling or first child of an open heading), or when it cannot be an
  activity of the current section (e.g. "1.16. Werk en Inkomen" after activities 1.1, 1.2);
* a one-part number ("1.", "7 ") is a *goal*; the same number again right after that goal is an
  activity with a typo ("4." for "4.1");
* a two-or-more-part number whose prefix is a goal is an *activity* of that goal; one whose
  number has numbered children below it is a goal;
* unnumbered lines continue the goal above when it is unfinished and they start in lower case,
  otherwise continue the numbered activity above (bullets, follow-up prose), otherwise each
  paragraph is an unnumbered activity of the section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..tree import Activity, DocumentTree, Goal, Section, normalise_space
from .lines import TERMINAL, is_table_row, split_lines

__all__ = ["parse"]

_NUMBERED = re.compile(
    r"""^(?P<kw>(?:beleids)?doel(?:stelling)?|ambitie|activiteit|actie|maatregel|
              (?:deel)?programma|taakveld|hoofdstuk|paragraaf)?\s*
        (?P<num>\d{1,3}(?:\.\d{1,3})*)(?P<dot>\.)?
        (?=[\s:)\u00a0]|$)[\s:)\u00a0\-\u2013]*
        (?P<rest>.*)$""",
    re.IGNORECASE | re.VERBOSE | re.DOTALL,
)
_GOAL_KW = {"doel", "doelstelling", "beleidsdoel", "beleidsdoelstelling", "ambitie"}
_ACTIVITY_KW = {"activiteit", "actie", "maatregel"}
_BULLET = re.compile(r"^[\u2022\u00b7\u25aa\u25e6\u2023\u2219\u25cf\u25a0\-\u2013\u2014*]\s")
_TABLE_HEADERS = {
    "beleidsdoelen",
    "beleidsdoel",
    "doelen",
    "doelstellingen",
    "activiteiten",
    "acties",
    "actiepunten",
    "prestaties",
    "maatregelen",
    "wat willen we bereiken?",
    "wat willen we bereiken",
    "wat gaan we daarvoor doen?",
    "wat gaan we daarvoor doen",
    "wat gaan we ervoor doen?",
    "wat mag het kosten?",
}
# 'Wat willen we bereiken?', 'Wat hebben we daarvoor gedaan?', also two on one line
_QUESTION_HEADER = re.compile(
    r"^(wat (willen|wilden|gaan|gingen|hebben|heeft|mag|mocht|kost|kostte|deden|doen)\b[^?]{0,60}\?\s*)+$"
)
_PAGE_FOOTER = re.compile(
    r"(\bpagina|\bblz\.?|\bpage)\s*\d+(\s*(van|/|of)\s*\d+)?\s*$", re.IGNORECASE
)
_FURNITURE = re.compile(
    r"^(deze pagina is gebouwd op|pagina \d+(\s+van\s+\d+)?$|page \d+(\s+of\s+\d+)?$|\d+\s*/\s*\d+$|"
    r"(afgedrukt|gegenereerd|geëxporteerd|gedownload) op )",
    re.IGNORECASE,
)
_GOAL_OPENERS = ("meer ", "minder ")
_TERMINAL = TERMINAL


@dataclass
class _Line:
    start: int  # offset of the first non-space character
    end: int  # offset after the last non-space character
    text: str  # text[start:end]
    kind: str  # blank | furniture | header | numbered | bullet | prose
    kw: str = ""
    num: str = ""
    rest: str = ""
    rest_start: int = 0
    has_children: bool = False

    @property
    def depth(self) -> int:
        return self.num.count(".") + 1


def _is_table_header(low: str) -> bool:
    return low in _TABLE_HEADERS or bool(_QUESTION_HEADER.match(low))


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    for raw in split_lines(text):
        line = _Line(raw.start, raw.end, raw.text, "blank")
        if not raw.text:
            out.append(line)
            continue
        flat = normalise_space(line.text)
        low = flat.lower()
        if _FURNITURE.match(low) or (_PAGE_FOOTER.search(low) and len(flat.split()) <= 12):
            line.kind = "furniture"
        elif is_table_row(flat):
            line.kind = "furniture"  # a row of figures ('Indicator 2020 2021 2022 ...')
        elif _is_table_header(low) or all(
            _is_table_header(part.strip().lower()) for part in re.split(r"\s{2,}|\t", line.text)
        ):
            line.kind = "header"
        elif m := _NUMBERED.match(line.text):
            if (
                not m.group("kw")
                and not m.group("rest")
                and not m.group("dot")
                and "." in m.group("num")
            ):
                line.kind = "prose"  # a bare "1.5" is a figure, not an item
            else:
                line.kind = "numbered"
                line.kw = (m.group("kw") or "").lower()
                line.num = m.group("num")
                line.rest = normalise_space(m.group("rest"))
                line.rest_start = line.start + m.start("rest")
        elif _BULLET.match(line.text):
            line.kind = "bullet"
        else:
            line.kind = "prose"
        out.append(line)
    _mark_children(out)
    return out


def _mark_children(lines: list[_Line]) -> None:
    numbered = [ln for ln in lines if ln.kind == "numbered" and not ln.kw]
    for i, ln in enumerate(numbered):
        prefix = ln.num + "."
        for j in range(i + 1, len(numbered)):  # not numbered[i + 1 :]: that copies, O(n^2)
            later = numbered[j]
            if later.num.startswith(prefix):
                ln.has_children = True
                break
            if later.depth <= ln.depth:
                break


def _title_like(rest: str, allow_colon: bool) -> bool:
    if not rest or len(rest.split()) > 12 or not (rest[0].isupper() or rest[0].isdigit()):
        return False
    if rest.lower().startswith(_GOAL_OPENERS):
        return False
    if rest.endswith((".", ";", ",")) or ". " in rest:
        return False
    return allow_colon or not rest.endswith(":")


def _next_sibling(notation: str) -> str:
    head, _, last = notation.rpartition(".")
    return f"{head}.{int(last) + 1}" if head else str(int(last) + 1)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tree = DocumentTree()
        self.section: Section | None = None
        self.goal: Goal | None = None  # last goal, open for continuation while unfinished
        self.goal_open = False
        self.activity: Activity | None = None
        self.blank_before = False
        self.prev_line_end_terminal = True
        self.preamble: list[_Line] = []
        self._keys: set[str] = set()
        self._next: dict[str, int] = {}
        # per-section indexes, so that each line costs O(items of its section), not O(document)
        self._goals: dict[int, list[Goal]] = {}
        self._acts: dict[int, list[Activity]] = {}
        self._latest: dict[str, Section] = {}

    # -- helpers -------------------------------------------------------------------------
    def _unique(self, key: str) -> str:
        candidate, n = key, self._next.get(key, 1)
        while candidate in self._keys:
            n += 1
            candidate = f"{key}-{n}"
        self._keys.add(candidate)
        self._next[key] = n
        return candidate

    def _section_goals(self) -> list[Goal]:
        return list(self._goals.get(id(self.section), ()))  # a copy: activities keep theirs

    def _section_activities(self) -> list[Activity]:
        return list(self._acts.get(id(self.section), ()))

    def _open_sections(self) -> list[Section]:
        chain, s = [], self.section
        while s is not None:
            chain.append(s)
            s = s.parent
        return chain

    def _expected_heading(self, num: str) -> bool:
        if not self.tree.sections:
            return True
        for s in self._open_sections():
            if num in (_next_sibling(s.notation), s.notation + ".1"):
                return True
        return False

    def _goal_for(self, num: str) -> Goal | None:
        best: Goal | None = None
        for g in self._section_goals():
            if num.startswith(g.notation + ".") and (
                best is None or len(g.notation) > len(best.notation)
            ):
                best = g
        return best

    def _activity_plausible(self, num: str) -> bool:
        goal = self._goal_for(num)
        if goal is None:
            return False
        tail = num[len(goal.notation) + 1 :]
        if not tail.isdigit():
            return False  # deeper than one level below a goal: not this grammar
        previous = [
            int(a.notation.rsplit(".", 1)[1])
            for a in self._section_activities()
            if a.notation and a.notation.rsplit(".", 1)[0] == goal.notation
        ]
        return int(tail) <= (max(previous) if previous else 0) + 2

    # -- builders ------------------------------------------------------------------------
    def _heading(self, ln: _Line) -> None:
        title = ln.rest.rstrip(" :")
        parent: Section | None = None
        parts = ln.num.split(".")
        for k in range(len(parts) - 1, 0, -1):
            parent = self._latest.get(".".join(parts[:k]))
            if parent is not None:
                break
        if parent is None and self.section is not None and not self._expected_heading(ln.num):
            # A number that fits nowhere ("1.1.5." among 2.1.x) is a typo: keep it as written,
            # place it beside the heading before it, and say so.
            if ln.depth > 1 or self.section.depth == 1:
                parent = self.section.parent if ln.depth <= self.section.depth else self.section
            self.tree.warnings.append(
                f"heading {ln.num!r} ({title}) does not continue the numbering; placed under "
                f"{parent.notation if parent else 'the document'}"
            )
        section = Section(ln.num, title, ln.start, ln.end, parent)
        section.key = self._unique("s/" + ln.num)
        self.tree.sections.append(section)
        self._latest[section.notation] = section
        self.section, self.goal, self.goal_open, self.activity = section, None, False, None

    def _goal(self, ln: _Line) -> None:
        for g in self._section_goals():
            if g.notation == ln.num and normalise_space(g.text) == ln.rest:
                self.goal, self.goal_open, self.activity = g, False, None
                return
        start = ln.rest_start if ln.rest else ln.end
        goal = Goal(ln.num, ln.rest, start, ln.end if ln.rest else start, self.section)
        goal.key = self._unique(f"g/{self.section.key if self.section else ''}/{ln.num}")
        self.tree.goals.append(goal)
        self._goals.setdefault(id(self.section), []).append(goal)
        self.goal, self.activity = goal, None
        self.goal_open = bool(ln.rest) and not ln.rest.endswith(_TERMINAL)

    def _activity(self, ln: _Line, notation: str | None, goals: list[Goal]) -> None:
        start = ln.rest_start if notation is not None else ln.start
        text = ln.rest if notation is not None else normalise_space(ln.text)
        activity = Activity(notation, text, start, ln.end, self.section, goals)
        sec = self.section.key if self.section else ""
        if notation is None:
            n = sum(1 for a in self._section_activities() if a.notation is None) + 1
            notation_key = f"p{n}"
        else:
            notation_key = notation
        activity.key = self._unique(f"a/{sec}/{notation_key}")
        self.tree.activities.append(activity)
        self._acts.setdefault(id(self.section), []).append(activity)
        self.activity, self.goal_open = activity, False

    def _extend(self, item: Goal | Activity, ln: _Line) -> None:
        if not item.text:
            item.start = ln.start
        item.text = normalise_space(f"{item.text} {ln.text}")
        item.end = ln.end

    # -- the line loop ---------------------------------------------------------------------
    def numbered(self, ln: _Line) -> None:
        if ln.kw in _GOAL_KW:
            return self._goal(ln)
        if ln.kw in _ACTIVITY_KW:
            goal = self._goal_for(ln.num) or self.goal
            return self._activity(ln, ln.num, [goal] if goal else [])
        if ln.kw:
            return self._heading(ln)
        expected = self._expected_heading(ln.num)
        if _title_like(ln.rest, allow_colon=expected) and (
            expected or (ln.depth > 1 and not self._activity_plausible(ln.num))
        ):
            if not (self.section is None and not ln.has_children and self.tree.goals):
                return self._heading(ln)
        if ln.depth == 1:
            last = self._section_goals()[-1:] if self.section or self.tree.goals else []
            if (
                last
                and last[0].notation == ln.num
                and last[0] is self.goal
                and self.activity is None
            ):
                # "4." right after goal 4: an activity numbered without its second part
                return self._activity(ln, ln.num, [last[0]])
            return self._goal(ln)
        goal = self._goal_for(ln.num)
        if goal is None and ln.has_children:
            return self._goal(ln)
        return self._activity(ln, ln.num, [goal] if goal else [])

    def unnumbered(self, ln: _Line) -> None:
        starts_lower = ln.text[:1].islower()
        # a wrapped goal: its last words on the next line ('... op het bedrijventerrein' /
        # 'De Kraanvogel.'), in lower case even after a blank line
        closes = (
            not self.blank_before and len(ln.text.split()) <= 12 and ln.text.endswith(_TERMINAL)
        )
        if (
            self.goal is not None
            and self.goal_open
            and self.activity is None
            and (starts_lower or closes)
        ):
            self._extend(self.goal, ln)
            self.goal_open = not self.goal.text.endswith(_TERMINAL)
            return
        if self.goal is not None and not self.goal.text and self.activity is None:
            if not self.blank_before and ln.kind == "prose" and len(ln.text.split()) <= 30:
                self._extend(self.goal, ln)  # "1." with its wording on the next line
                return
        self.goal_open = False
        if self.section is None and not self.tree.goals:
            self.preamble.append(ln)
            return
        act = self.activity
        if act is not None and act.notation is not None:
            self._extend(act, ln)
            return
        if act is not None and (
            ln.kind == "bullet" or not (self.blank_before or self.prev_line_end_terminal)
        ):
            self._extend(act, ln)  # a bullet, or a paragraph wrapped over lines
            return
        goals = self._section_goals()
        self._activity(ln, None, goals)

    def run(self) -> DocumentTree:
        for ln in _lines(self.text):
            if ln.kind == "blank":
                self.blank_before = True
                continue
            if ln.kind in ("furniture", "header"):
                continue
            if ln.kind == "numbered":
                self.numbered(ln)
            else:
                self.unnumbered(ln)
            self.blank_before = False
            self.prev_line_end_terminal = ln.text.endswith(_TERMINAL + (":",))
        self._finish()
        return self.tree

    def _finish(self) -> None:
        tree = self.tree
        # Prose is an activity only in a section without numbered activities (the annotation
        # guide): in one with them, a paragraph before the first (an introduction, the context
        # of the goals) is neither goal nor activity; prose after one continues it.
        # Its names are still read, as entities of the document (`tree.prose`).
        numbered = {id(a.section) for a in tree.activities if a.notation is not None}
        kept = []
        for act in tree.activities:
            if act.notation is None and id(act.section) in numbered:
                tree.prose.append((act.start, act.end))
            else:
                kept.append(act)
        tree.activities = kept
        # Prose paragraphs after a list of goals serve all of them; but where goals and
        # paragraphs alternate ('Doel 1 ... prose ... Doel 2 ... prose'), each paragraph
        # serves the goal written right above it.
        alternating = {
            id(a.section)
            for a in tree.activities
            if a.notation is None
            and any(g.start > a.start for g in self._goals.get(id(a.section), ()))
        }
        for act in tree.activities:
            if act.notation is None and id(act.section) in alternating and len(act.goals) > 1:
                act.goals = [max(act.goals, key=lambda g: g.start)]
        if not tree.sections and not tree.goals:
            self.section = None
            for ln in self.preamble:
                self._activity(ln, None, [])
            tree.warnings.append(
                "no numbered goals or headings found: each paragraph is kept as an activity "
                "of the document"
            )
        elif not tree.goals:
            tree.warnings.append("no numbered goals found")
        for g in tree.goals:
            if not g.text:
                tree.warnings.append(f"goal {g.notation} under {_where(g.section)} has no wording")


def _where(section: Section | None) -> str:
    return f"section {section.notation}" if section else "the document"


def parse(text: str) -> DocumentTree:
    """Parse the exact document text into a `DocumentTree` (offsets index into `text`)."""
    return _Parser(text).run()
