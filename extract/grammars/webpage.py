"""The layout of budget web pages: fixed headings say what the paragraphs below them are.

A municipality's budget site gives each programme or task field a page, and every page has the
same few fixed headings ("Wat willen we bereiken?", "Wat gaan we doen?", "Wat mag het
kosten?"). Goals are rarely numbered there; what a paragraph is follows from the heading above
it. The reader works in three steps, and never moves an offset:

1. (webpage_lines.py) each line gets a kind: furniture (navigation, breadcrumbs, metadata blocks, "Lees meer"),
   a page or site title (a new page starts: what follows belongs to the document until a
   section heading comes), a chapter heading of the budget book, a table line (figures, glued
   cells, "Lasten", "bedragen x € 1.000"), a fixed heading with its kind, an explicit section
   heading ("Programma 6 | Sociaal domein", "Taakveld 6.1 ...", "2.1 Zorg"), a numbered item,
   a bullet, a short title-like line, or prose;
2. (webpage_lines.py) lines broken mid-sentence are joined into paragraphs (a line that ends a sentence ends its
   paragraph);
3. a small state machine walks the paragraphs: the last fixed heading sets the mode (goal,
   doing, introduction, ambition, finance, indicators), and each paragraph becomes a goal, an
   activity or prose by that mode. A short line becomes a section when it opens a page, stands
   right below a doing heading, or heads further headings; above prose it names the goal or
   activity below it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..tree import Activity, DocumentTree, Goal, Section, normalise_space
from .webpage_lines import BULLET, CHAPTER, FINITE, Unit, fixed_kind, paragraphs, title_like

__all__ = ["parse", "furniture_lines"]


# -- what a paragraph says ---------------------------------------------------------------------

_CLAUSE_START = re.compile(r"^(we|wij|ik|u|zij|het college|de gemeente|dit|dat|er)\b", re.I)

_SCOPE = re.compile(
    r"^(dit|het) (programma|taakveld|hoofdstuk|thema|beleidsveld)\b.{0,40}\b(omvat|bevat|"
    r"gaat over|bestaat uit|richt zich|beschrijft)",
    re.IGNORECASE,
)

_MISSION = re.compile(r"^(de |onze )?(missie|visie|ambitie)\b.{0,80}\b(luidt|is)\b", re.I)

_POINTER = re.compile(r"^(zie|voor (meer )?informatie|meer informatie)\b", re.IGNORECASE)

# another part of the budget named by its number: 'programma 5b', 'paragraaf 4.2'
_PART = re.compile(
    r"\b(programma|paragraaf|hoofdstuk|pakket|taakveld|deelprogramma|bijlage)\s+\d+[a-z]?\b",
    re.IGNORECASE,
)
_POINTING = re.compile(
    r"\b(zie|staat|staan|verwijzen|verwezen|vindt u|vind je|leest u|treft u|is opgenomen|zijn "
    r"opgenomen|wordt toegelicht|worden toegelicht|komt aan bod|komen aan bod|staat beschreven|"
    r"is beschreven|zijn beschreven)\b",
    re.IGNORECASE,
)


def _points_elsewhere(text: str) -> bool:
    """A short paragraph that only says where in the budget a subject is dealt with (rule 12):
    it names another numbered part and a verb of pointing, in at most two sentences."""
    text = re.sub(r"\([^()]*\)", "", text)  # '(zie ook hoofdstuk 4)' only adds a reference
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text) if s]
    return len(sentences) <= 2 and bool(_PART.search(text)) and bool(_POINTING.search(text))


_BUDGET_EFFECT = re.compile(
    r"\((?:[^()]*\b(?:nadeel|voordeel|nadelig|voordelig|budgettair neutraal)\b[^()]*)\)",
    re.IGNORECASE,
)

_PRINCIPLES = re.compile(
    r"\b(uitgangspunt(en)?|principes?|ambities|kernwaarden|waarden|thema'?s|onderwerpen)\b",
    re.IGNORECASE,
)

_ACTION_LEAD = re.compile(
    r"\b(\w+ (we|wij)|we doen|wij doen|we gaan|wij gaan|gebeurt)\b.{0,60}:$",
    re.IGNORECASE,
)

# a site's page of a programme's goals ('Doelen en prestaties', a tab beside 'Financiën'): a
# page title, so what follows belongs to the document until a section heading comes (rule 20)
_GOAL_PAGE = re.compile(r"doelen (en|&) (prestaties|resultaten)")

_GOAL_OPENERS = ("meer ", "minder ")

_GOAL_LEAD = re.compile(
    r"\b(hoofd|sub|beleids)?doel(en|stelling(en)?)\b[^.]{0,40}:$", re.IGNORECASE
)


def _domain_like(text: str) -> bool:
    """A title that names a policy domain ('Jeugd', 'Werk en inkomen'), not a law, a plan or a
    project (digits, brackets, abbreviations, several capitalised words)."""
    words = text.split()
    if len(words) > 3 or any(c.isdigit() or c in "()[]" for c in text):
        return False
    caps = [w for w in words[1:] if w[:1].isupper()]
    return not caps and not any(len(w) > 1 and w.isupper() for w in words)


def _cut_sentence(unit: Unit) -> bool:
    """A long line without a full stop: a sentence cut off where a page excerpt ends."""
    return unit.kind == "short" and len(unit.text.split()) >= 10


def _same_title(a: str, b: str) -> bool:
    return normalise_space(a).lower().strip(" :|-–") == normalise_space(b).lower().strip(" :|-–")


def _section_title(rest: str) -> bool:
    """A numbered line's rest reads as a section title, not as a goal statement."""
    if not title_like(rest, 8) or rest.endswith(":"):
        return False
    low = rest.lower()
    tail = low.split(" ", 1)[1] if " " in low else ""  # 'Wonen in Lindeloo': a noun first
    return not low.startswith(_GOAL_OPENERS) and not FINITE.search(tail)


# -- the walk over the paragraphs ---------------------------------------------------------------


@dataclass
class _State:
    section: Section | None = None
    mode: str = "none"  # none goal doing intro ambition finance indicator other
    heading_goals: list[Goal] = field(default_factory=list)  # goals heading this part
    lead_in: str = ""  # '' | 'goals' (bullets are goals) | 'nothing' | 'activity'
    after_fixed: str = ""  # the kind of the fixed heading right above, if any
    page_start: bool = True


class _Walker:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tree = DocumentTree()
        self.st = _State()
        self.sections: dict[str, Section] = {}
        self.keys: dict[str, int] = {}
        self.pending_name: Unit | None = None
        self.bullet_items: set[int] = set()  # ids of activities that are items of a list

    # -- builders ------------------------------------------------------------------------
    def _key(self, stem: str) -> str:
        n = self.keys.get(stem, 0) + 1
        self.keys[stem] = n
        return stem if n == 1 else f"{stem}-{n}"

    def _section(self, notation: str | None, title: str, unit: Unit) -> None:
        title = title.strip(" :|-–")
        key = notation or normalise_space(title).lower()
        section = self.sections.get(key)
        if section is None:
            parent = None
            if notation and "." in notation:
                parts = notation.split(".")
                for k in range(len(parts) - 1, 0, -1):
                    parent = self.sections.get(".".join(parts[:k]))
                    if parent is not None:
                        break
            section = Section(notation, title, unit.start, unit.end, parent)
            section.key = self._key("s/" + (notation or _slug(title)))
            self.sections[key] = section
            self.tree.sections.append(section)
        st = self.st
        # a section right below a fixed heading ('Ambitie' / 'Sterke wijken' / prose) is read
        # in that heading's mode
        mode = st.after_fixed if st.after_fixed and st.after_fixed != "goal" else "none"
        if st.mode == "finance":
            mode = "finance"  # task fields inside a financial part: still finance (rule 11)
        st.section, st.mode, st.heading_goals, st.lead_in = section, mode, [], ""
        st.page_start = False

    def _sec_key(self) -> str:
        return self.st.section.key if self.st.section else "doc"

    def _goal(self, notation: str | None, text: str, start: int, end: int) -> Goal:
        name = self._take_name()
        goal = Goal(notation, text, start, end, self.st.section)
        goal.key = self._key(f"g/{self._sec_key()}/{notation or 'g'}")
        if name is not None:
            goal.start = name.start
        self.tree.goals.append(goal)
        return goal

    def _activity(self, notation: str | None, unit: Unit, goals: list[Goal]) -> Activity:
        name = self._take_name()
        text = unit.rest if notation else unit.text
        start = unit.rest_start if notation else unit.start
        act = Activity(notation, text, start, unit.end, self.st.section, list(goals))
        act.key = self._key(f"a/{self._sec_key()}/{notation or 'p'}")
        if name is not None:
            act.start = name.start
        self.tree.activities.append(act)
        return act

    def _prose(self, unit: Unit) -> None:
        name = self._take_name()
        self.tree.prose.append((name.start if name else unit.start, unit.end))

    def _take_name(self) -> Unit | None:
        name, self.pending_name = self.pending_name, None
        return name

    def _drop_name(self) -> None:
        """A line kept as the name of the paragraph below, when no paragraph follows: in a
        doing part a sentence cut short (a page excerpt ends mid-word) is an activity."""
        name = self.pending_name
        if name is None:
            return
        self.pending_name = None
        if self.st.mode in ("doing", "inline-goal", "none") and len(name.text.split()) >= 5:
            self._activity(None, name, self._goals_for_activity(None))
        elif self.st.mode == "goal" and len(name.text.split()) >= 3:
            # a list of goals written as short lines without a full stop
            self.st.heading_goals.append(self._goal(None, name.text, name.start, name.end))
        else:
            self.tree.prose.append((name.start, name.end))

    def _goals_for_activity(self, notation: str | None) -> list[Goal]:
        if notation:
            best = None
            for g in self.tree.goals:
                if (
                    g.section is self.st.section
                    and g.notation
                    and notation.startswith(g.notation + ".")
                    and (best is None or len(g.notation) > len(best.notation or ""))
                ):
                    best = g
            if best is not None:
                return [best]
        return self.st.heading_goals[-1:] if len(self.st.heading_goals) == 1 else []

    # -- decisions -----------------------------------------------------------------------
    def _short_is_section(self, unit: Unit, nxt: Unit | None) -> bool:
        text = unit.text.rstrip("’'\"”")
        if len(text) < 3:
            return False  # 'Wo': a page excerpt cut off
        heads = nxt is not None and nxt.kind == "fixed" and not nxt.rest
        if not title_like(text.rstrip("!"), 8) or _CLAUSE_START.match(text):
            return False
        if FINITE.search(text.lower()) and not heads:
            return False
        if _BUDGET_EFFECT.search(text) or "€" in text:
            return False
        st = self.st
        if st.section is not None and _same_title(text, st.section.title):
            return False  # the title of the section just read, repeated without its number
        if st.page_start:
            return True
        if _domain_like(text) and (
            (
                st.after_fixed in ("doing", "ambition", "intro")
                and nxt is not None
                and not (nxt.kind == "short" and nxt.after_furniture)  # a table's label cells
                and not (nxt.kind == "prose" and not nxt.blank_before)  # glued: it names it
            )
            or (
                st.mode in ("ambition", "other", "indicator")
                and nxt is not None
                and nxt.kind in ("prose", "bullet")
            )
        ):
            return True
        if nxt is None:
            return False
        if nxt.kind in ("fixed", "section"):
            return True
        if _domain_like(text) and st.mode not in ("goal", "doing") and self._heads_fixed():
            return True  # its block has goal or doing headings of its own: it heads them
        if nxt.kind == "chapter":
            return st.mode not in ("finance", "indicator", "other")
        if nxt.kind == "short":
            if nxt.text == unit.text:
                return True  # a page title repeated as its first heading
            after = self.units[self.index + 2] if self.index + 2 < len(self.units) else None
            # a domain above the name of the paragraph below: it heads further headings
            return (
                _domain_like(text)
                and st.mode not in ("goal", "finance", "indicator")
                and not nxt.after_furniture
                and after is not None
                and (after.kind == "prose" or _cut_sentence(after))
            )
        if nxt.kind == "table" and st.mode not in ("finance", "indicator"):
            return True
        # a heading after a blank line with its paragraphs right below: it opens a block
        return (
            st.mode == "none"
            and unit.blank_before
            and nxt.kind == "prose"
            and not nxt.blank_before
            and self.prev_kind in ("prose", "bullet")
        )

    def _heads_fixed(self) -> bool:
        """Whether a goal or doing heading follows the current line in its block, before the
        next heading line, section or page."""
        for unit in self.units[self.index + 1 :]:
            if unit.kind in ("section", "page", "chapter", "short", "numbered", "table"):
                return False
            if unit.kind == "fixed":
                return unit.fixed in ("goal", "doing") and not unit.rest
        return False

    # -- the walk ------------------------------------------------------------------------
    def run(self) -> DocumentTree:
        units = [u for u in paragraphs(self.text) if u.kind != "furniture"]
        self.prev_kind = ""
        self.numbered_run = False
        self.part_numbered = False  # a numbered goal or activity since the last heading
        self.extending: Activity | None = None
        self.return_mode: str | None = None  # the mode to go back to after a list of goals
        self.statement_lead: Unit | None = None  # a goal-part paragraph ending in ':'
        self.units = units
        for i, unit in enumerate(units):
            nxt = units[i + 1] if i + 1 < len(units) else None
            self.index = i
            self.step(unit, nxt)
            if unit.kind != "prose":
                self.statement_lead = None
            self.prev_kind = unit.kind
            if unit.kind in ("fixed", "section", "page", "chapter", "short"):
                self.numbered_run = False
            if unit.kind in ("fixed", "section", "page", "chapter"):
                self.part_numbered = False
            if unit.kind in ("fixed", "section", "page", "chapter", "short"):
                self.extending = None
            if unit.kind in ("fixed", "section", "page", "chapter"):
                self.return_mode = None
            if unit.kind != "fixed" or unit.rest:
                self.st.after_fixed = ""
            if unit.kind not in ("page", "chapter", "table"):
                self.st.page_start = False
        self._drop_name()
        return self.tree

    def step(self, unit: Unit, nxt: Unit | None) -> None:  # noqa: C901 - one dispatch
        st = self.st
        kind = unit.kind
        if kind == "page":
            self._drop_name()
            st.section, st.mode, st.heading_goals, st.lead_in = None, "none", [], ""
            st.page_start = True
            return
        if kind == "chapter":
            self._drop_name()
            st.mode, st.lead_in = "none", ""
            st.page_start = True
            return
        if kind == "table":
            return
        if kind == "fixed":
            self._drop_name()
            st.lead_in = ""
            if unit.rest:  # 'Doel: ...', 'Resultaat: ...': one goal, the doing below serves it
                goal = self._goal(unit.notation, unit.rest, unit.rest_start, unit.end)
                if st.mode != "inline-goal":
                    st.heading_goals = []
                st.heading_goals = [goal]
                st.mode = "inline-goal"
                return
            about_goal = unit.fixed == "goal" or "bereik" in unit.text.lower()
            if about_goal and st.mode == "inline-goal" and self.prev_kind == "fixed":
                st.mode = "explain"  # 'Beleidsdoel A: ...' / 'Wat willen we bereiken?': about A
                return
            st.mode = unit.fixed
            st.after_fixed = unit.fixed
            if unit.fixed == "goal":
                st.heading_goals = []
            if _GOAL_PAGE.fullmatch(unit.text.lower().rstrip(" :")):
                st.section, st.page_start = None, True  # the title of a page of its own
            return
        if kind == "section":
            self._drop_name()
            self._section(unit.notation, unit.rest, unit)
            return
        if kind == "numbered":
            return self._numbered(unit, nxt)
        if kind == "short":
            if self.pending_name is not None:
                self._drop_name()
            if self._short_is_section(unit, nxt):
                self._drop_name()
                self._section(None, unit.text, unit)
                return
            if (
                st.mode == "goal"
                and not st.heading_goals
                and nxt is not None
                and nxt.kind == "short"
                and len(unit.text.split()) <= 3
                and len(nxt.text.split()) <= 8
            ):
                # a label heading further headings right below a goal heading ('Extra
                # inzet'): no goal statement follows, a new block begins
                self.tree.prose.append((unit.start, unit.end))
                st.mode, st.page_start = "none", True
                unit.kind = "chapter"  # it opens what follows, like a chapter heading
                return
            self._drop_name()
            self.pending_name = unit  # names the paragraph below
            return
        # bullets and paragraphs
        if self.extending is not None and st.mode in ("doing", "inline-goal"):
            self.extending.end = max(self.extending.end, unit.end)
            return
        name = self.pending_name
        if name is not None and _BUDGET_EFFECT.search(name.text):
            self._prose(unit)  # an item that states a budget effect: finance, nothing
            return
        if self.prev_kind == "table" and nxt is not None and nxt.kind == "table":
            self._prose(unit)  # a text cell between the figures of a table laid out as lines
            return
        if _SCOPE.match(unit.text) or _POINTER.match(unit.text) or _points_elsewhere(unit.text):
            self._prose(unit)
            return
        if _MISSION.match(unit.text):
            self._prose(unit)  # 'De missie van het programma luidt:' (rule 10)
            st.mode = "ambition"
            return
        if self.return_mode is not None and unit.kind == "prose" and st.heading_goals:
            st.mode, self.return_mode = self.return_mode, None
        if st.mode == "goal":
            return self._goal_paragraph(unit)
        if unit.kind == "prose" and unit.text.endswith(":") and _GOAL_LEAD.search(unit.text):
            self._prose(unit)  # 'De drie subdoelen zijn:': goals follow
            self.return_mode = st.mode  # ... the list only, then the page goes on as before
            st.mode, st.heading_goals, st.lead_in = "goal", [], "goals"
            return
        if st.mode in ("doing", "inline-goal", "none"):
            return self._doing_paragraph(unit)
        self._prose(unit)

    def _in_goal_numbering(self, notation: str) -> bool:
        """Whether `notation` continues the numbers of this part's goals ('1.2' after goals
        '1' and '1.1'): then it is the next goal, whatever its wording looks like."""
        parent = notation.rsplit(".", 1)[0] if "." in notation else ""
        for g in self.tree.goals:
            if g.section is not self.st.section or not g.notation:
                continue
            if notation.startswith(g.notation + ".") or (
                parent and g.notation.rsplit(".", 1)[0] == parent and "." in g.notation
            ):
                return True
        return False

    def _next_section_number(self, notation: str) -> bool:
        """Whether `notation` is a sibling of a section already read ('2.2' after section
        '2.1'): then it is the next task field, even right below a heading."""
        if "." not in notation:
            return False
        parent = notation.rsplit(".", 1)[0]
        return any(
            s.notation and "." in s.notation and s.notation.rsplit(".", 1)[0] == parent
            for s in self.tree.sections
        )

    def _numbered(self, unit: Unit, nxt: Unit | None = None) -> None:
        st = self.st
        self.extending = None
        if st.mode == "goal" and self.pending_name is not None:
            name, self.pending_name = self.pending_name, None
            self.tree.prose.append((name.start, name.end))  # the caption of a numbered list
        self._drop_name()
        if CHAPTER.match(unit.text.lower().rstrip(" :")):
            st.mode, st.page_start = "none", True
            return
        if kind := fixed_kind(unit.rest):  # '2. Inleiding'
            self._drop_name()
            st.mode, st.after_fixed, st.lead_in = kind, kind, ""
            if kind == "goal":
                st.heading_goals = []
            return
        listing = st.mode in ("goal", "doing", "inline-goal") and (
            self.part_numbered or self.prev_kind == "fixed"
        )
        if (
            _section_title(unit.rest)
            and (not listing or self._next_section_number(unit.notation))
            and not self._in_goal_numbering(unit.notation)
        ):
            self._drop_name()
            self._section(unit.notation, unit.rest, unit)
            return
        here = [a for a in self.tree.activities if a.notation and a.section is st.section]
        goals = self._goals_for_activity(unit.notation)
        same = next((a for a in here if a.notation == unit.notation and a.goals == goals), None)
        if same is not None and st.mode in ("doing", "inline-goal"):
            self.extending = same  # 'Toelichting' repeats an item: what follows explains it
            return
        under_statement = (  # 'Doelen' / one goal statement / '1. We ...': its activities
            st.mode == "goal"
            and len(st.heading_goals) == 1
            and st.heading_goals[0].notation is None
            and st.lead_in != "goals"
            and not self.part_numbered
            and self.prev_kind in ("short", "prose")
        )
        if under_statement:
            st.mode = "doing"
        if st.mode == "goal":  # below a goal heading '2' and '2.1' are both goals
            goal = self._goal(unit.notation, unit.rest, unit.rest_start, unit.end)
            st.heading_goals.append(goal)
            self.part_numbered = True
            return
        if st.mode in ("doing", "inline-goal", "goal"):
            heads = (
                nxt is not None
                and nxt.kind == "numbered"
                and (nxt.notation or "").startswith(unit.notation + ".")
            )
            if heads or ("." not in unit.notation and here and "." in (here[-1].notation or "")):
                # '1. ...' after activities '2.1.1', '2.1.2': the next goal, not an activity
                goal = self._goal(unit.notation, unit.rest, unit.rest_start, unit.end)
                st.heading_goals = [goal]
                if not heads:
                    st.mode = "none"
                self.part_numbered = True
                return
            self.numbered_run = self.part_numbered = True
            self._activity(unit.notation, unit, self._goals_for_activity(unit.notation))
            st.lead_in = "activity" if unit.text.endswith(":") else ""
            return
        if st.mode == "none" or (
            st.mode in ("intro", "ambition")
            and unit.rest.endswith(".")
            and len(unit.rest.split()) >= 5
        ):
            goal = self._goal(unit.notation, unit.rest, unit.rest_start, unit.end)
            st.heading_goals = [goal]
            return
        self._prose(unit)

    def _goal_paragraph(self, unit: Unit) -> None:
        st = self.st
        text = unit.text
        if unit.kind == "bullet":
            topic = _strip_bullet(text)[:1].islower() and len(text.split()) <= 5
            lead, self.statement_lead = self.statement_lead, None
            if topic and lead is not None:
                if (lead.start, lead.end) in self.tree.prose:
                    self.tree.prose.remove((lead.start, lead.end))
                st.heading_goals.append(self._goal(None, lead.text, lead.start, lead.end))
                st.lead_in = "nothing"
            if topic and st.heading_goals:
                self._prose(unit)  # 'sport', 'cultuur en erfgoed': topics of the goal
                return
            listed = self.prev_kind == "bullet" and st.lead_in == "bullets"
            if st.lead_in == "nothing" or (
                st.heading_goals and st.lead_in != "goals" and not listed
            ):
                self._prose(unit)
                return
            if st.lead_in != "goals":
                st.lead_in = "bullets"  # a list of goals straight below the heading
            goal = self._goal(None, _strip_bullet(text), _bullet_start(self.text, unit), unit.end)
            st.heading_goals.append(goal)
            return
        if text.endswith(":"):
            if _ACTION_LEAD.search(text) and not _PRINCIPLES.search(text):
                st.mode = "doing"
                self._activity(None, unit, self._goals_for_activity(None))
                st.lead_in = "activity"
                return
            if ". " in text[:-1] and not st.heading_goals:
                # a statement that goes on into a list: the goal itself when topics follow,
                # a lead-in when the list states the goals (decided at the first bullet)
                self.statement_lead = unit
            st.lead_in = "nothing" if _PRINCIPLES.search(text) else "goals"
            self._prose(unit)
            return
        st.lead_in = ""
        last = st.heading_goals[-1] if st.heading_goals else None
        if last is not None and last.notation and self.prev_kind in ("numbered", "prose"):
            last.end = unit.end  # an explanation right after a numbered goal belongs to it
            return
        goal = self._goal(None, text, unit.start, unit.end)
        st.heading_goals.append(goal)

    def _doing_paragraph(self, unit: Unit) -> None:
        st = self.st
        last = self.tree.activities[-1] if self.tree.activities else None
        same_part = last is not None and last.section is st.section
        if unit.kind == "bullet":
            under_heading = st.mode == "doing" and st.lead_in != "activity"
            if st.lead_in == "activity" and same_part and self.pending_name is None:
                last.end = unit.end  # a lead-in's bullets are part of it
                return
            if (
                not under_heading
                and same_part
                and st.mode == "none"
                and self.pending_name is None
                and id(last) not in self.bullet_items
            ):
                last.end = unit.end  # the list of the paragraph above
                return
            if (
                same_part
                and last.notation
                and self.numbered_run
                and self.prev_kind in ("numbered", "bullet")
                and self.pending_name is None
            ):
                last.end = unit.end  # bullets under a numbered item spell it out (rule 14)
                return
            act = self._activity(None, unit, self._goals_for_activity(None))
            self.bullet_items.add(id(act))
            act.text = _strip_bullet(unit.text)
            act.start = min(act.start, _bullet_start(self.text, unit))
            return
        if (
            same_part
            and last.notation
            and self.prev_kind in ("numbered", "prose")
            and self.pending_name is None
            and self.numbered_run
        ):
            last.end = unit.end  # follow-up prose of a numbered activity
            return
        self._activity(None, unit, self._goals_for_activity(None))
        st.lead_in = "activity" if unit.text.endswith(":") else ""


def _strip_bullet(text: str) -> str:
    return BULLET.sub("", text, count=1).strip()


def _bullet_start(text: str, unit: Unit) -> int:
    m = BULLET.match(text[unit.start : unit.end])
    return unit.start + (m.end() if m else 0)


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", normalise_space(title).lower()).strip("-") or "x"


def furniture_lines(text: str) -> int:
    """Lines that only web pages have: navigation, page and site titles, metadata blocks,
    cells glued by the export. A numbered budget book has none of them."""
    return sum(u.kind in ("furniture", "page") for u in paragraphs(text))


def parse(text: str) -> DocumentTree:
    """Parse budget web-page text into a `DocumentTree` (offsets index into `text`)."""
    tree = _Walker(text).run()
    tree.layout = "webpage"
    for act in tree.activities:
        act.text = normalise_space(act.text)
    return tree
