"""Find the tree Section > Goal > Activity in a document's text, with the grammar it needs.

Two layouts are known, each a module of `grammars/` with `parse(text) -> DocumentTree`:

* `numbered`: budget books and policy plans whose headings, goals and activities carry numbers
  ("2.1.1 Basisinfrastructuur", "1. Meer mensen ...", "1.1 ...");
* `webpage`: budget web sites, where fixed headings ("Wat willen we bereiken?", "Wat gaan we
  doen?", "Wat mag het kosten?") say what the unnumbered paragraphs below them are, with page
  furniture and tables of figures between them (numbered items inside are read too).

The text decides: a document with the furniture and fixed headings of web pages, or one in
which the numbering grammar finds no goals, is read as web pages. The tree's warnings say which
layout was chosen, so a user can see why.
"""

from __future__ import annotations

from .grammars import numbered, webpage
from .tree import DocumentTree

__all__ = ["parse_structure", "detect_layout", "LAYOUTS"]

LAYOUTS = {"numbered": numbered.parse, "webpage": webpage.parse}


def detect_layout(text: str, numbered_tree: DocumentTree | None = None) -> str:
    """'numbered' or 'webpage': which grammar reads this text.

    The numbering grammar fits when it finds goals that stand under numbered headings, each
    number once per heading, worded as statements rather than titles, and the text has no
    web-page furniture. On web pages it finds instead numbered headings without goals, numbers
    repeated on every page, or task-field titles taken for goals."""
    tree = numbered_tree if numbered_tree is not None else numbered.parse(text)
    goals = tree.goals
    if not goals or webpage.furniture_lines(text) > 1:
        return "webpage"
    if any(g.section is None for g in goals):
        return "webpage"
    seen = {(id(g.section), g.notation) for g in goals}
    if len(seen) < len(goals):
        return "webpage"
    worded = [g.text for g in goals if g.text]  # a number alone ('1.') is neither
    statements = sum(t.endswith((".", "!")) or len(t.split()) >= 6 for t in worded)
    return "numbered" if 2 * statements >= len(worded) else "webpage"


def parse_structure(text: str, layout: str | None = None) -> DocumentTree:
    """Parse the exact document text into a `DocumentTree` (offsets index into `text`).

    `layout` forces a grammar by name (see LAYOUTS); by default the text decides."""
    if layout is not None:
        return LAYOUTS[layout](text)
    tree = numbered.parse(text)
    chosen = detect_layout(text, tree)
    if chosen == "numbered":
        return tree
    web = webpage.parse(text)
    if not (web.goals or web.activities or web.sections):
        return tree  # nothing of either layout: the numbering grammar's warnings say so
    web.warnings.insert(
        0,
        "read as budget web pages (fixed headings such as 'Wat willen we bereiken?'; "
        f"{len(web.sections)} sections, {len(web.goals)} goals, {len(web.activities)} activities)",
    )
    return web
