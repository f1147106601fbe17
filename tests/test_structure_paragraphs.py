"""Which goals an unnumbered paragraph serves."""

from beleidsgraaf.extract.structure import parse_structure

LISTED_FIRST = """2.3 Wonen

1. Meer starters vinden een woning.
2. Minder mensen staan lang op de wachtlijst.

We bouwen samen met Woonstichting Lindelaan 200 starterswoningen.
De urgentieregeling wordt herzien.
"""

ALTERNATING = """2.3 Wonen

Doel 1: Meer starters vinden een woning.
We bouwen samen met Woonstichting Lindelaan 200 starterswoningen.

Doel 2: Minder mensen staan lang op de wachtlijst.
De urgentieregeling wordt herzien.
"""


def goals_of(text: str) -> list[list[str]]:
    return [[g.notation for g in a.goals] for a in parse_structure(text).activities]


def test_paragraphs_after_a_list_of_goals_serve_all_of_them():
    assert goals_of(LISTED_FIRST) == [["1", "2"], ["1", "2"]]


def test_paragraphs_between_goals_serve_the_goal_above_them():
    assert goals_of(ALTERNATING) == [["1"], ["2"]]
