"""The document tree: Document > Section > Goal > Activity, with offsets into the exact text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Section", "Goal", "Activity", "DocumentTree", "normalise_space"]

_SPACE_CHARS = "\u00a0\u2007\u202f\u200b\u2060\ufeff"
_SPACES = re.compile(f"[{_SPACE_CHARS}]")  # faster than str.translate with a table


def normalise_space(text: str) -> str:
    """Collapse every run of (no-break) whitespace and line breaks to one space."""
    return " ".join(_SPACES.sub(" ", text).split())


@dataclass(eq=False)
class Section:
    """A heading of a programme, sub-programme, theme or task field; `notation` is its number
    as written, None when it has none (web pages often name sections without a number)."""

    notation: str | None
    title: str
    start: int
    end: int
    parent: Section | None = None
    key: str = ""

    @property
    def depth(self) -> int:
        return self.notation.count(".") + 1 if self.notation else 1


@dataclass(eq=False)
class Goal:
    """A policy goal within a section; `start`/`end` cover its wording. `notation` is None for
    a goal that a heading introduces rather than a number."""

    notation: str | None
    text: str
    start: int
    end: int
    section: Section | None
    key: str = ""


@dataclass(eq=False)
class Activity:
    """An activity: a numbered item under a goal, or an unnumbered prose paragraph."""

    notation: str | None
    text: str
    start: int
    end: int
    section: Section | None
    goals: list[Goal] = field(default_factory=list)
    key: str = ""


@dataclass
class DocumentTree:
    """What `parse_structure` found; `warnings` say what the reader should double-check."""

    sections: list[Section] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # text ranges that are neither goal nor activity but are read for entities (introductions,
    # ambitions, explanations of a page); furniture and tables are never in here
    prose: list[tuple[int, int]] = field(default_factory=list)
    layout: str = "numbered"  # which grammar read the text (extract/structure.py LAYOUTS)

    @property
    def has_structure(self) -> bool:
        """Goals, or the sections and activities of a page layout: something to build."""
        return bool(self.goals) or bool(self.sections and self.activities)

    def reading_blocks(self, text: str) -> list[tuple[int, int, str | None]]:
        """Text ranges the entity step reads, with the key of the activity each belongs to.

        Each activity (relations come from its own text only), then the goals, the other prose
        of the document and the title lines before the first heading, whose names are entities
        of the document without a relation. Headings, furniture and tables are left out:
        short title-case lines and glued table cells mislead the model more than they name
        things.
        """
        blocks = [(a.start, a.end, a.key) for a in self.activities if a.end > a.start]
        blocks += [(g.start, g.end, None) for g in self.goals if g.end > g.start]
        blocks += [(b, e, None) for b, e in self.prose if e > b]
        starts = [s.start for s in self.sections] or [b for b, _, _ in blocks]
        first = min(starts, default=0)
        if self.layout == "numbered" and text[:first].strip():  # web pages: furniture
            blocks.append((0, first, None))
        return sorted(blocks)
